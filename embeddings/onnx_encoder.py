"""A torch-free sentence encoder: ONNX Runtime and the `tokenizers` library over an exported
copy of a sentence-transformers model (its transformer, pooling and normalisation).

`ensure_export(source, models_dir)` writes the export once per model folder (torch and sentence-
transformers are needed for that step only): `model.onnx` (fp32), `model.int8.onnx` (dynamic
int8 quantisation of the weights, per channel, 7-bit range so AVX2 CPUs without VNNI cannot
saturate their u8×s8 products; the feed-forward down-projections stay fp32) and `meta.json` with
the pooling settings. The folder is keyed by the source folder's files (names, sizes,
modification times) and the export recipe, so a changed model or recipe exports anew. After
that, `OnnxEncoder` imports neither torch nor transformers: a cold process encodes its first
query in well under a second.

Models whose sentence-transformers pipeline has more than Transformer → Pooling (mean, CLS or
max) → Normalize raise ExportUnsupported; the caller then keeps the torch encoder.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from teamgraph.errors import TeamgraphError

RECIPE = 2  # bump when the export or quantisation changes: old exports are then ignored
FP32, INT8 = "model.onnx", "model.int8.onnx"
META = "meta.json"
_TRANSFORMER, _POOLING, _NORMALIZE = "Transformer", "Pooling", "Normalize"
# Feed-forward down-projections (BERT-style names) stay fp32 in the int8 file: their inputs, after
# GELU, have outliers that per-tensor uint8 activations quantise badly (cosine to fp32 0.9917 → 0.9956
# on LLIS passages, retrieval metrics within 0.005; ~20 % slower than quantising them too).
_FFN_DOWN = "/output/dense/"


class ExportUnsupported(TeamgraphError):
    """The model's pipeline has a module this exporter does not reproduce."""


@dataclass(frozen=True)
class Pipeline:
    """What a sentence-transformers folder does after the transformer."""

    transformer_dir: Path
    pooling: str  # "mean" | "cls" | "max"
    normalize: bool
    max_seq_length: int


def read_pipeline(source: Path) -> Pipeline:
    """Parse modules.json (and the pooling and sentence-bert configs) of a model folder."""
    modules_file = source / "modules.json"
    if not modules_file.exists():
        raise ExportUnsupported(f"{source} has no modules.json (not a sentence-transformers folder)")
    modules = json.loads(modules_file.read_text(encoding="utf-8"))
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if not kinds or kinds[0] != _TRANSFORMER or any(k not in (_POOLING, _NORMALIZE) for k in kinds[1:]) \
            or kinds.count(_POOLING) != 1:
        raise ExportUnsupported(f"{source}: pipeline {kinds} is not Transformer → Pooling [→ Normalize]")
    tdir = source / modules[0].get("path", "")
    pool_cfg = json.loads((source / modules[kinds.index(_POOLING)]["path"] / "config.json").read_text(encoding="utf-8"))
    modes = [k for k in ("mean", "cls", "max") if pool_cfg.get(f"pooling_mode_{k}_tokens" if k != "cls" else
                                                                 "pooling_mode_cls_token")]
    others = [k for k, v in pool_cfg.items() if k.startswith("pooling_mode_") and v and
              k not in ("pooling_mode_mean_tokens", "pooling_mode_cls_token", "pooling_mode_max_tokens")]
    if len(modes) != 1 or others:
        raise ExportUnsupported(f"{source}: pooling {pool_cfg} is not exactly one of mean, CLS, max")
    sbert = tdir / "sentence_bert_config.json"
    if not sbert.exists():
        sbert = source / "sentence_bert_config.json"
    max_len = json.loads(sbert.read_text(encoding="utf-8")).get("max_seq_length") if sbert.exists() else None
    if not max_len:
        cfg = json.loads((tdir / "config.json").read_text(encoding="utf-8"))
        max_len = int(cfg.get("max_position_embeddings", 512))
    if not (tdir / "tokenizer.json").exists():
        raise ExportUnsupported(f"{tdir} has no tokenizer.json (a fast tokenizer is needed)")
    return Pipeline(tdir, modes[0], _NORMALIZE in kinds, int(max_len))


def source_key(source: Path, recipe: str | int = RECIPE) -> str:
    """Names, sizes and modification times of the model's files (or of the one file `source`),
    plus the recipe: cheap (no reading of weights) and different whenever the installed model changes."""
    h = hashlib.blake2b(digest_size=8)
    h.update(f"recipe={recipe};{source.resolve()}".encode())
    files = [source] if source.is_file() else sorted(
        x for x in source.rglob("*") if x.is_file() and ".git" not in x.parts)
    for p in files:
        st = p.stat()
        h.update(f"{p.relative_to(source) if p != source else p.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return h.hexdigest()


def export_dir(source: Path, models_dir: Path) -> Path:
    slug = "".join(c if c.isalnum() or c in "-_." else "-" for c in source.resolve().name)[:40]
    parent = source.resolve().parent.name
    return models_dir / f"{parent}-{slug}-{source_key(source)}"


def ensure_export(source: Path, models_dir: Path, progress: bool = False) -> Path:
    """The export folder for `source`, exporting it first if needed (once; concurrent processes
    each export into a temporary folder and the first rename wins)."""
    out = export_dir(source, models_dir)
    if (out / META).exists():
        return out
    pipeline = read_pipeline(source)
    if progress:
        print(f"Exporting the embedding model to ONNX (once, about 15 s): {out}", file=sys.stderr, flush=True)
    with new_folder(out, META) as tmp:
        meta = _export(pipeline, tmp)
        (tmp / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
    return out


@contextmanager
def new_folder(out: Path, marker: str):
    """A temporary folder beside `out` to fill, renamed to `out` when the block ends without an
    error (`marker`, written last, is what readers look for). Concurrent writers each fill their
    own; the first rename wins and the others are dropped."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".new-", dir=out.parent))
    try:
        yield tmp
        try:
            os.replace(tmp, out)
        except OSError:
            if not (out / marker).exists():  # not another process winning the race
                raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _export(pipeline: Pipeline, tmp: Path) -> dict:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import inspect
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    model = AutoModel.from_pretrained(str(pipeline.transformer_dir), attn_implementation="eager").eval()
    names = ["input_ids", "attention_mask"]
    if "token_type_ids" in inspect.signature(model.forward).parameters:
        names.append("token_type_ids")

    class Wrapped(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, *args):
            return self.inner(**dict(zip(names, args))).last_hidden_state

    dummy = tuple(torch.ones(2, 8, dtype=torch.long) if n != "token_type_ids" else torch.zeros(2, 8, dtype=torch.long)
                  for n in names)
    axes = {n: {0: "batch", 1: "tokens"} for n in [*names, "last_hidden_state"]}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(Wrapped(model), dummy, str(tmp / FP32), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
    import onnx
    graph = onnx.load(str(tmp / FP32), load_external_data=False).graph
    keep_fp32 = [n.name for n in graph.node if n.op_type == "MatMul" and _FFN_DOWN in n.name and "attention" not in n.name]
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # the quantiser's advice to pre-process applies to static quantisation
    try:
        quantize_dynamic(str(tmp / FP32), str(tmp / INT8), weight_type=QuantType.QInt8, per_channel=True,
                         reduce_range=True, nodes_to_exclude=keep_fp32)
    finally:
        root.setLevel(level)
    return {"recipe": RECIPE, "inputs": names, "dim": int(model.config.hidden_size), "pooling": pipeline.pooling,
            "normalize": pipeline.normalize, "max_seq_length": pipeline.max_seq_length,
            "tokenizer": str(pipeline.transformer_dir / "tokenizer.json")}


def has_export(source: Path, models_dir: Path) -> bool:
    return (export_dir(source, models_dir) / META).exists()


class OnnxEncoder:
    """Encodes with ONNX Runtime; `quantized` picks the int8 file. Same contract as the torch
    encoder: L2-normalised float32 rows."""

    def __init__(self, name: str, folder: Path, quantized: bool):
        self.name = name
        self.folder = Path(folder)
        self.quantized = quantized
        self.meta = json.loads((self.folder / META).read_text(encoding="utf-8"))
        self._session = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return "onnx-int8" if self.quantized else "onnx-fp32"

    @property
    def dim(self) -> int:
        return int(self.meta["dim"])

    def _load(self):
        with self._lock:
            if self._session is None:
                import onnxruntime as ort
                from tokenizers import Tokenizer
                tok = Tokenizer.from_file(self.meta["tokenizer"])
                tok.enable_truncation(max_length=int(self.meta["max_seq_length"]))
                tok.no_padding()
                opts = ort.SessionOptions()
                # No spin-waiting: on a shared 2-core machine spinning threads starve each other.
                opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
                opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
                opts.log_severity_level = 3
                path = self.folder / (INT8 if self.quantized else FP32)
                self._session = ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])
                self._tokenizer = tok
        return self._session, self._tokenizer

    def encode(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session, tok = self._load()
        encodings = tok.encode_batch(texts)
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")  # little padding per batch
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        batches = range(0, len(texts), batch_size)
        bar = None
        if progress and len(batches) > 1:
            from tqdm import tqdm
            bar = tqdm(total=len(texts), desc="Encoding", unit="text", file=sys.stderr)
        for start in batches:
            rows = order[start:start + batch_size]
            out[rows] = self._run(session, [encodings[i] for i in rows])
            if bar is not None:
                bar.update(len(rows))
        if bar is not None:
            bar.close()
        return out

    def _run(self, session, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        types = np.zeros_like(ids)
        for r, e in enumerate(encodings):
            n = len(e.ids)
            ids[r, :n], mask[r, :n], types[r, :n] = e.ids, e.attention_mask, e.type_ids
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        hidden = session.run(None, {k: feeds[k] for k in self.meta["inputs"]})[0].astype(np.float32)
        m = mask[:, :, None].astype(np.float32)
        pooling = self.meta["pooling"]
        if pooling == "mean":
            vecs = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
        elif pooling == "cls":
            vecs = hidden[:, 0]
        else:
            vecs = np.where(m > 0, hidden, -1e9).max(axis=1)
        norms = np.linalg.norm(vecs, axis=1, keepdims=True)  # the Encoder contract: unit rows
        norms[norms == 0] = 1.0
        return (vecs / norms).astype(np.float32)
