"""jieba with its prefix dictionary loaded per first character, on demand (issue 11).

`jieba.initialize()` unmarshals a 500k-entry prefix dictionary (0.4-1 s) before it cuts the first
Chinese word, which a cold `teamgraph kickoff` pays for a handful of short texts. Every look-up
jieba's `cut` makes (get_DAG, calc and the HMM step of __cut_DAG) is of a substring of the
sentence it was given, so each starts with one of that sentence's characters. `PartialTokenizer`
therefore keeps the dictionary split by first character (embeddings/char_split.py: one marshal
blob per character, written once into the models dir, memory-mapped) and, before each `cut`, adds
the blobs of the sentence's characters it has not seen yet: the dictionary it consults holds exactly the entries
the full one would answer with, so the words are the same (a test cuts the sample
organisation's Chinese texts both ways). Only `cut` is offered: `add_word`, user dictionaries and
`cut_for_search` (which look up other strings) are not used by teamgraph.

The copy is keyed by jieba's version and its dictionary file (size, modification time); one that
cannot be written means the ordinary jieba.
"""

from __future__ import annotations

import marshal
from pathlib import Path

from teamgraph.embeddings.char_split import PrefixSplit, write_split

FORMAT = 1
INDEX, BLOBS = "index.marshal", "blobs.bin"


def cache_dir(models_dir: Path) -> Path:
    import jieba
    from teamgraph.embeddings.onnx_encoder import source_key
    dict_file = Path(jieba.get_module_res(jieba.DEFAULT_DICT_NAME).name)
    return Path(models_dir) / f"jieba-{jieba.__version__}-{source_key(dict_file, f'jieba-{FORMAT}')}"


def tokenizer(models_dir: Path | None):
    """A jieba tokenizer with the default dictionary: the on-demand one when its split copy is
    (or can be made) in `models_dir`, else jieba's own (`jieba.dt`)."""
    import jieba
    if models_dir is None:
        return jieba.dt
    folder = cache_dir(models_dir)
    if not (folder / INDEX).exists():
        try:
            _write(folder)
        except OSError:
            return jieba.dt
    return PartialTokenizer(folder)


def _write(folder: Path) -> None:
    import jieba
    from teamgraph.embeddings.onnx_encoder import new_folder
    jieba.dt.check_initialized()
    with new_folder(folder, INDEX) as tmp:
        index = write_split(tmp / BLOBS, jieba.dt.FREQ)
        (tmp / INDEX).write_bytes(marshal.dumps({"total": jieba.dt.total, "chars": index}))


def _base():
    import jieba
    return jieba.Tokenizer


class PartialTokenizer(_base()):
    """jieba.Tokenizer over the default dictionary, filled per first character before each cut."""

    def __init__(self, folder: Path):
        super().__init__()
        meta = marshal.loads((folder / INDEX).read_bytes())
        self.total = meta["total"]
        self._split = PrefixSplit(folder / BLOBS, meta["chars"])
        self.FREQ = {}
        self.initialized = True  # check_initialized() must not load the whole dictionary

    def _need(self, sentence: str) -> None:
        self._split.fill(sentence, self.FREQ)

    def cut(self, sentence, cut_all=False, HMM=True, use_paddle=False):
        self._need(sentence)
        return super().cut(sentence, cut_all=cut_all, HMM=HMM, use_paddle=use_paddle)

    def lcut(self, *args, **kwargs):
        return list(self.cut(*args, **kwargs))

    def _unsupported(self, *args, **kwargs):
        raise NotImplementedError("PartialTokenizer offers cut/lcut only (see teamgraph.embeddings.jieba_cache)")

    cut_for_search = lcut_for_search = tokenize = add_word = del_word = suggest_freq = _unsupported
    load_userdict = set_dictionary = initialize = _unsupported
