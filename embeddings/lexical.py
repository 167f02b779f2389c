"""Lexical retrieval: BM25 (numpy, the same scores as bm25s) over a tokeniser that handles English and Chinese.

Why a custom tokeniser: bm25s's default splits on whitespace-delimited word characters, so a
Chinese sentence becomes one giant token and never matches. Here CJK runs are segmented with
jieba; Latin words are lower-cased, stop-worded and Snowball-stemmed (PyStemmer), so "failures"
matches "failure" and "upgrading" matches "upgrade" — the cheapest recall gain BM25 has on
English. Part numbers and product names survive as tokens ("k8s", "gpc", "x-15" → "x", "15").
"""

from __future__ import annotations

import marshal
import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import numpy as np

from teamgraph.errors import TeamgraphError

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{_CJK}]+|[^\W_{_CJK}]+", re.UNICODE)
_IS_CJK = re.compile(rf"[{_CJK}]")

# A small English stop list (bm25s's own list is the same kind of thing, but we need it here,
# before stemming, and independent of bm25s's tokenizer).
STOPWORDS = frozenset("""
a about above after again against all am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves also may might must shall 的 了 和 是 在 与 及 或 对 为 将 由 把 被
""".split())


@lru_cache(maxsize=1)
def _stemmer():
    try:
        import Stemmer  # PyStemmer: Snowball in C, ~1M words/s
    except ImportError:  # stemming is a recall gain, not a requirement
        return None
    return Stemmer.Stemmer("english")


@lru_cache(maxsize=1)
def _jieba():
    """jieba's segmenter, its dictionary loaded per character on demand (embeddings.jieba_cache:
    the same words, without ~0.5 s of loading the whole dictionary in a cold process)."""
    import jieba
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    from teamgraph.embeddings.encoder import default_models_dir
    from teamgraph.embeddings.jieba_cache import tokenizer
    return tokenizer(default_models_dir())


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    s = _stemmer()
    return s.stemWord(word) if s is not None else word


def tokenize_with_surface(text: str) -> list[tuple[str, str]]:
    """(index term, surface word) pairs, in order. Surface forms explain matches to people."""
    out: list[tuple[str, str]] = []
    for run in _RUNS.findall(text.lower()):
        if _IS_CJK.match(run):
            for w in _jieba().cut(run):
                w = w.strip()
                if w and w not in STOPWORDS:
                    out.append((w, w))
        elif run not in STOPWORDS:
            out.append((_stem(run), run))
    return out


def tokenize(text: str) -> list[str]:
    """Index terms of `text` (stemmed English words, jieba-segmented Chinese words)."""
    return [t for t, _ in tokenize_with_surface(text)]


_HAS_LETTER = re.compile(rf"[^\W\d_]|[{_CJK}]")
FILLER_SHARE = 0.2  # a term in more than this share of documents says nothing about why one matched


def meaningful(term: str) -> bool:
    """Whether an index term can explain a match: not a number or code fragment ("3", "20",
    "x"), not a single Chinese character (不, 新, 前 are mostly function words)."""
    if not _HAS_LETTER.search(term):
        return False
    return len(term) >= 2 if _IS_CJK.match(term) else len(term) >= 3 or term.isalpha() and len(term) >= 2


def matching_terms(query: str, doc_terms: Iterable[str], limit: int = 12,
                   doc_share: Mapping[str, float] | None = None) -> list[str]:
    """Surface words of `query` whose index term occurs in the document and carries meaning
    (`meaningful`; with `doc_share`, the share of indexed documents holding each term, also
    not filler: in at most FILLER_SHARE of them), rarest first, de-duplicated."""
    doc = set(doc_terms)
    seen: dict[str, str] = {}
    for term, surface in tokenize_with_surface(query):
        if term in doc and term not in seen and meaningful(term) and (
                doc_share is None or doc_share.get(term, 0.0) <= FILLER_SHARE):
            seen[term] = surface
    order = sorted(seen, key=lambda t: doc_share.get(t, 0.0)) if doc_share is not None else list(seen)
    return [seen[t] for t in order][:limit]


STEMS_FORMAT = 2  # bump when what `_english_stems` keeps changes (2: a folder, written as the other caches are)
STEMS = "stems.marshal"  # the file in the stems folder, written last (what readers look for)


@lru_cache(maxsize=1)
def _english_stems() -> frozenset[str] | None:
    """Snowball stems of the whole English words in all-MiniLM-L6-v2's WordPiece vocabulary
    (~21k words, shipped with the default model's package), or None when it is not installed.
    Kept in the models dir once made (stemming them took ~0.1 s of every cold query; issue 11),
    keyed by the vocabulary file and the stemmer's library, so a changed one is stemmed anew."""
    try:
        from teamgraph.embeddings.encoder import MINILM, model_path
        vocab_file = Path(model_path(MINILM)) / "vocab.txt"
        kept = _stems_file(vocab_file)
    except (ImportError, OSError, TeamgraphError):
        return None
    try:
        return frozenset(marshal.loads((kept / STEMS).read_bytes()))
    except (OSError, EOFError, ValueError, TypeError):
        pass
    try:
        vocab = vocab_file.read_text(encoding="utf-8").split()
    except OSError:
        return None
    words = [w for w in vocab if w.isascii() and w.isalpha() and len(w) >= 2]
    s = _stemmer()
    stems = frozenset(s.stemWords(words) if s is not None else words)
    from teamgraph.embeddings.onnx_encoder import new_folder  # the models dir's one way to write a cache
    try:
        with new_folder(kept, STEMS) as tmp:  # whole or not at all; of concurrent writers the first wins
            (tmp / STEMS).write_bytes(marshal.dumps(stems))
    except OSError:  # a read-only home: stemmed again next time
        pass
    return stems


def _stems_file(vocab_file: Path) -> Path:
    from teamgraph.embeddings.encoder import default_models_dir
    from teamgraph.embeddings.onnx_encoder import source_key
    try:
        import Stemmer
        library = source_key(Path(Stemmer.__file__), "stemmer")
    except ImportError:
        library = "none"
    return default_models_dir() / f"english-stems-{source_key(vocab_file, f'stems-{STEMS_FORMAT}-{library}')}"


def _in_jieba_dictionary(word: str) -> bool:
    tok = _jieba()
    fill = getattr(tok, "_need", None)  # the on-demand dictionary (jieba_cache) loads by character
    if fill is not None:
        fill(word)
    elif not getattr(tok, "initialized", True):
        tok.initialize()
    return bool(tok.FREQ.get(word))


def known_word_share(qterms: list[str]) -> float | None:
    """The share of a brief's letters that belong to words of the language: Latin terms whose stem
    is a stem of an English dictionary word (the MiniLM vocabulary), Chinese terms that jieba's
    dictionary holds as words of two or more characters (weighted by characters; a lone character
    counts as unknown, since random characters are cut into lone ones). Nonsense ("qwzxv plorbt",
    keyboard runs, random characters) scores ≈ 0, a real brief in either language ≈ 0.8–1. Terms
    without a letter (numbers) do not count. None when the English word list is not installed."""
    stems = _english_stems()
    if stems is None:
        return None
    known = total = 0
    for t in qterms:
        if _IS_CJK.match(t):
            total += len(t)
            if len(t) >= 2 and _in_jieba_dictionary(t):
                known += len(t)
        elif _HAS_LETTER.search(t):
            total += len(t)
            known += len(t) if t in stems else 0
    return known / total if total else 0.0


class LexicalIndex:
    """BM25 (Lucene variant, the bm25s default) over pre-tokenised documents, with an allow-list
    applied inside scoring.

    Fitted in numpy from the cached token lists (no re-tokenising) every time a corpus is loaded
    or changes: a few ms for an organisation. It computes exactly what `bm25s.BM25(k1, b)` does
    (the same float32 per-(document, term) scores, summed in query-term order; a test checks the
    scores are equal to bm25s's bit for bit), without importing bm25s and scipy on the query path.
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.keys: list[str] = []
        self._row: dict[str, int] = {}
        # postings by term id, CSC-style: term i's rows and float32 scores are [ptr[i]:ptr[i + 1]]
        self._vocab: dict[str, int] = {}
        self._ptr = self._rows = self._vals = None
        self.df: Counter = Counter()  # term → number of documents holding it

    def fit(self, docs: dict[str, list[str]]) -> LexicalIndex:
        self.keys = sorted(docs)
        self._row = {k: i for i, k in enumerate(self.keys)}
        vocab: dict[str, int] = {}
        ids = [vocab.setdefault(t, len(vocab)) for k in self.keys for t in docs[k]]
        lengths = np.array([len(docs[k]) for k in self.keys], dtype=np.int64)
        self._vocab, self._ptr = vocab, None
        if not ids:
            self.df = Counter()
            return self
        v = len(vocab)
        # (document, term) pairs with their counts: unique sorts them by document, then term
        pairs, tf = np.unique(np.repeat(np.arange(len(self.keys), dtype=np.int64), lengths) * v
                              + np.asarray(ids, dtype=np.int64), return_counts=True)
        rows, cols = pairs // v, pairs % v
        df = np.bincount(cols, minlength=v)
        self.df = Counter(dict(zip(vocab, df.tolist())))
        n = len(self.keys)
        # bm25s indexes an empty document as [""]: length 1 in the average, no term
        avg = np.maximum(lengths, 1).mean()
        idf = np.array([math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in df.tolist()], dtype=np.float32)
        tfs = tf.astype(np.float32)
        # the same expression and dtypes as bm25s.scoring (Robertson tf part in float64, then float32)
        tfc = tfs / (self.k1 * ((1 - self.b) + self.b * lengths[rows] / avg) + tfs)
        vals = np.empty(len(rows), dtype=np.float32)
        vals[:] = idf[cols] * tfc
        order = np.argsort(cols, kind="stable")
        self._rows, self._vals = rows[order], vals[order]
        self._ptr = np.concatenate(([0], np.cumsum(df))).tolist()
        return self

    def __len__(self) -> int:
        return len(self.keys)

    def doc_share(self) -> dict[str, float]:
        """term → share of documents holding it."""
        n = len(self.keys) or 1
        return {t: c / n for t, c in self.df.items()}

    def idf(self, term: str) -> float:
        """log(1 + (N − df + 0.5) / (df + 0.5)), the BM25 idf; an unseen term gets the highest."""
        n, df = len(self.keys), self.df.get(term, 0)
        return math.log1p((n - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str], allowed: set[str] | None = None) -> np.ndarray:
        """BM25 score of every document (0 where not allowed), aligned with `self.keys`."""
        s = np.zeros(len(self.keys), dtype=np.float32)
        if self._ptr is None or not query_terms:
            return s
        for t in query_terms:  # a repeated query term counts again, as in bm25s
            i = self._vocab.get(t)
            if i is not None:
                a, b = self._ptr[i], self._ptr[i + 1]
                s[self._rows[a:b]] += self._vals[a:b]  # a term's rows are distinct
        if allowed is not None:
            mask = np.zeros(len(self.keys), dtype=np.float32)
            mask[[self._row[k] for k in allowed if k in self._row]] = 1.0
            s *= mask
        return s

    def search(self, query_terms: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top `k` (key, score) among allowed documents with a positive score, best first."""
        s = self.scores(query_terms, allowed)
        if not len(s):
            return []
        k = min(k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(self.keys[i], float(s[i])) for i in top if s[i] > 0]
