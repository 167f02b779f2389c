"""Lexical retrieval: BM25 (bm25s) over a tokeniser that handles English and Chinese.

Why a custom tokeniser: bm25s's default splits on whitespace-delimited word characters, so a
Chinese sentence becomes one giant token and never matches. Here CJK runs are segmented with
jieba; Latin words are lower-cased, stop-worded and Snowball-stemmed (PyStemmer), so "failures"
matches "failure" and "upgrading" matches "upgrade" — the cheapest recall gain BM25 has on
English. Part numbers and product names survive as tokens ("k8s", "gpc", "x-15" → "x", "15").
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from functools import lru_cache

import numpy as np

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
    import jieba
    jieba.setLogLevel(60)  # jieba prints its dictionary loading to stderr otherwise
    return jieba


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


class LexicalIndex:
    """BM25 over pre-tokenised documents, with an allow-list applied inside scoring.

    bm25s cannot add documents to an index, so updates re-index from the cached token lists
    (no re-tokenising): ~40 µs per document, i.e. 4 s at 100k documents, ms for an organisation.
    """

    def __init__(self, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.keys: list[str] = []
        self._row: dict[str, int] = {}
        self._bm25 = None
        self.df: Counter = Counter()  # term → number of documents holding it

    def fit(self, docs: dict[str, list[str]]) -> LexicalIndex:
        import bm25s
        self.keys = sorted(docs)
        self._row = {k: i for i, k in enumerate(self.keys)}
        self._bm25 = None
        self.df = Counter(t for k in self.keys for t in set(docs[k]))
        corpus = [docs[k] or [""] for k in self.keys]  # bm25s rejects empty documents
        if corpus:
            self._bm25 = bm25s.BM25(k1=self.k1, b=self.b)
            self._bm25.index(corpus, show_progress=False)
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
        if self._bm25 is None or not query_terms:
            return np.zeros(len(self.keys), dtype=np.float32)
        mask = None
        if allowed is not None:
            mask = np.zeros(len(self.keys), dtype=np.float32)
            rows = [self._row[k] for k in allowed if k in self._row]
            mask[rows] = 1.0
        s = np.asarray(self._bm25.get_scores(query_terms), dtype=np.float32)
        return s * mask if mask is not None else s

    def search(self, query_terms: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """Top `k` (key, score) among allowed documents with a positive score, best first."""
        s = self.scores(query_terms, allowed)
        if not len(s):
            return []
        k = min(k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        return [(self.keys[i], float(s[i])) for i in top if s[i] > 0]
