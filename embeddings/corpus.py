"""A searchable collection of documents: dense vectors + BM25 + per-document metadata.

Dense vectors are per passage: all-MiniLM-L6-v2 was trained on ≤128 word pieces and silently
truncates at 256, so one vector per long lesson would only see its opening. Documents are cut
into passages of ≤ PASSAGE_WORDS words at sentence boundaries and a document scores as its best
passage (MaxP, Dai & Callan, SIGIR 2019). BM25 sees the whole document.

Used for cases, projects and person profiles by the Retriever, and by the evaluation harness
on plain folders, so both exercise the same retrieval code. A document's text digest decides
whether it must be re-encoded: metadata-only changes (a project's process, a case's authors)
never touch the encoder.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from teamgraph.embeddings.confidence import FLOOR_RANK, MatchFeatures
from teamgraph.embeddings.encoder import Encoder
from teamgraph.embeddings.ensemble import mostly_latin
from teamgraph.embeddings.fusion import combsum_max
from teamgraph.embeddings.index import VectorIndex
from teamgraph.embeddings.lexical import LexicalIndex, known_word_share, meaningful, tokenize
from teamgraph.embeddings.rerank import Candidates, LearnedRanker, feature_matrix, text_scores
from teamgraph.embeddings.sentences import sentences


PASSAGE_WORDS = 100
RERANK_DEPTH = 100  # candidates per list for the second stage (embeddings.rerank)
SEP = "\x1f"  # passage key = document key + SEP + passage number
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _size(text: str) -> int:
    """Rough word-piece budget: whitespace words plus CJK characters (one piece each)."""
    return len(text.split()) + len(_CJK_CHAR.findall(text))


def passages(text: str, max_words: int = PASSAGE_WORDS) -> list[str]:
    """Groups of consecutive sentences of ≤ max_words, never spanning a line break (fields of a
    document are lines, so a field's passages do not depend on the other fields)."""
    out: list[str] = []
    for block in text.split("\n"):
        cur: list[str] = []
        size = 0
        for sent in sentences(block):
            words = sent.split()
            if _size(sent) <= max_words:
                pieces = [sent]
            elif len(words) > 1:  # a run-on sentence: cut into word windows
                pieces = [" ".join(words[i:i + max_words]) for i in range(0, len(words), max_words)]
            else:  # unspaced (e.g. Chinese) text: cut by characters
                pieces = [sent[i:i + max_words] for i in range(0, len(sent), max_words)]
            for piece in pieces:
                n = _size(piece)
                if cur and size + n > max_words:
                    out.append(" ".join(cur))
                    cur, size = [], 0
                cur.append(piece)
                size += n
        if cur:
            out.append(" ".join(cur))
    return out or [text[:1000]]


@dataclass
class Doc:
    key: str
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return hashlib.blake2b(self.text.encode("utf-8"), digest_size=12).hexdigest()


@dataclass(frozen=True)
class Scored:
    """One retrieved document: fused score, the raw parts (None = not in that list), and the
    features its match probability is computed from (embeddings.confidence)."""

    key: str
    score: float
    dense: float | None
    bm25: float | None
    dense_rank: int | None
    bm25_rank: int | None
    features: MatchFeatures | None = None


class Corpus:
    def __init__(self, name: str, dim: int, approx_threshold: int | None = None):
        self.name = name
        self.vectors = VectorIndex(dim) if approx_threshold is None else VectorIndex(dim, approx_threshold)
        self.lexical = LexicalIndex()
        self.terms: dict[str, list[str]] = {}
        self.meta: dict[str, dict] = {}
        self.digests: dict[str, str] = {}
        self.passages: dict[str, int] = {}  # document key → number of passage vectors
        self.foreign: set[str] = set()  # passage keys not mostly in Latin script (embeddings.ensemble)
        self._lexical_dirty = True
        # the documents' English view for the gloss channel (embeddings.glosses): Latin terms plus
        # the English glosses of Chinese terms; None when no document has a glossed word
        self._english: dict[str, list[str]] = {}
        self._gloss: LexicalIndex | None = None

    def __len__(self) -> int:
        return len(self.meta)

    def keys(self) -> list[str]:
        return list(self.meta)

    def upsert(self, docs: Iterable[Doc], encoder: Encoder, progress: bool = False,
               batch_size: int = 64) -> int:
        """Insert or update documents; returns how many were (re-)encoded."""
        changed: list[Doc] = []
        for d in docs:
            self.meta[d.key] = d.meta
            if self.digests.get(d.key) != d.digest or d.key not in self.passages:
                changed.append(d)
        if changed:
            keys, texts = [], []
            for d in changed:
                self.vectors.remove(self._passage_keys(d.key))
                self.foreign -= set(self._passage_keys(d.key))
                parts = passages(d.text)
                self.passages[d.key] = len(parts)
                keys += [f"{d.key}{SEP}{i}" for i in range(len(parts))]
                texts += parts
                self.foreign |= {f"{d.key}{SEP}{i}" for i, t in enumerate(parts) if not mostly_latin(t)}
            vecs = encoder.encode(texts, batch_size=batch_size, progress=progress)
            self.vectors.add(keys, vecs)
            for d in changed:
                self.digests[d.key] = d.digest
                self.terms[d.key] = tokenize(d.text)
            self._lexical_dirty = True
        return len(changed)

    def remove(self, keys: Iterable[str], purge: bool = False) -> int:
        """Drop documents; `purge=True` also drops their vectors from the stored index at once
        (see VectorIndex.remove)."""
        keys = [k for k in keys if k in self.meta]
        for k in keys:
            self.foreign -= set(self._passage_keys(k))
            self.vectors.remove(self._passage_keys(k), purge=purge)
            self.passages.pop(k, None)
            self.meta.pop(k, None)
            self.terms.pop(k, None)
            self.digests.pop(k, None)
        if keys:
            self._lexical_dirty = True
        return len(keys)

    def _passage_keys(self, key: str) -> list[str]:
        return [f"{key}{SEP}{i}" for i in range(self.passages.get(key, 0))]

    def lexical_index(self) -> LexicalIndex:
        """The BM25 index, fitted to the current documents."""
        return self._lex()

    def _lex(self) -> LexicalIndex:
        if self._lexical_dirty:
            self.lexical.fit(self.terms)
            self._fit_glosses()
            self._lexical_dirty = False
        return self.lexical

    def _fit_glosses(self) -> None:
        """The gloss channel's BM25 over every document's English view (its Latin terms, plus the
        CC-CEDICT glosses of its Chinese terms), so a gloss score has English idf: a word that many
        English lessons hold weighs as little through a gloss as it does in them. Built from the
        cached terms (nothing is re-read or stored); an index without Chinese text has none."""
        from teamgraph.embeddings.glosses import gloss_terms
        latin = {w: mostly_latin(w) for t in self.terms.values() for w in set(t)}  # each distinct term once
        glossed = {k: gloss_terms(t, latin) for k, t in self.terms.items() if not all(latin[w] for w in t)}
        if not any(glossed.values()):
            self._english, self._gloss = {}, None
            return
        self._english = {k: [w for w in t if latin[w]] + glossed.get(k, []) for k, t in self.terms.items()}
        self._gloss = LexicalIndex().fit(self._english)

    def gloss(self, qterms: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """BM25 of a Latin-script brief over the English glosses of the documents in another script
        (best first, top `k`); empty for a brief in Chinese or an index without glossed words."""
        self._lex()
        lex = self._gloss
        if lex is None or not qterms or not self._latin_query(qterms):
            return []
        hits = lex.search([t for t in qterms if mostly_latin(t)], 4 * k, allowed)
        cross = self._other_script(qterms, {key for key, _ in hits})
        return [(key, s) for key, s in hits if key in cross][:k]

    # --- search ------------------------------------------------------------------------------
    def dense(self, qvec: np.ndarray, k: int, allowed: set[str] | None = None,
              qvec_foreign: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Top-k documents by their best passage's score, restricted to `allowed` documents.
        With `qvec_foreign` (embeddings.query_parts.foreign_vectors), the passages not in Latin
        script are scored with it instead, by a second search over them alone."""
        allowed_p = None if allowed is None else {p for d in allowed for p in self._passage_keys(d)}
        best = self._dense_passages(qvec, k, allowed_p)
        if qvec_foreign is not None and self.foreign:
            foreign = self.foreign if allowed_p is None else self.foreign & allowed_p
            for doc, score in self._dense_passages(qvec_foreign, k, foreign).items():
                if score > best.get(doc, -2.0):
                    best[doc] = score
        return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def _dense_passages(self, qvec: np.ndarray, k: int, allowed_p: set[str] | None) -> dict[str, float]:
        """document → best passage score among `allowed_p`, for at least k documents if there are."""
        total = len(self.vectors) if allowed_p is None else len(allowed_p)
        depth = 3 * k
        while True:  # widen until k distinct documents (or every allowed passage) are in
            best: dict[str, float] = {}
            for pkey, score in self.vectors.search(qvec, min(depth, total), allowed_p)[0]:
                doc = pkey.rsplit(SEP, 1)[0]
                if doc not in best:  # results come best first
                    best[doc] = score
            if len(best) >= k or depth >= total:
                return best
            depth *= 4

    def bm25(self, qterms: list[str], k: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        return self._lex().search(qterms, k, allowed)

    def hybrid(self, qvec: np.ndarray | None, qterms: list[str], k: int, allowed: set[str] | None = None,
               extra: dict[str, list[tuple[str, float]]] | None = None, depth: int | None = None,
               qvec_foreign: np.ndarray | None = None, ranker: LearnedRanker | None = None) -> list[Scored]:
        """The top `k` of the dense and BM25 top-`depth` lists, plus any `extra` scored lists
        (e.g. graph signals). Without `ranker`: CombSUM of max-normalised scores; with one
        (embeddings.rerank, the second stage), the learned text score counts as the two text
        lists together (2 × its probability relative to the best candidate) and the `extra`
        lists are added max-normalised, as before."""
        depth = max(depth or 0, 4 * k, 50, FLOOR_RANK, RERANK_DEPTH if ranker is not None and qvec is not None else 0)
        dense, lex, cand = self.candidates(qvec, qterms, depth, allowed, qvec_foreign)
        dsc, bsc, drank, brank, blind = cand.dense, cand.bm25, cand.dense_rank, cand.bm25_rank, cand.cross
        glossed = {"bm25": cand.gloss} if cand.gloss else None
        if ranker is not None and qvec is not None and cand.keys:
            x = feature_matrix(self, qvec, qterms, cand, ranker.parts)
            text = {key: 2.0 * v for key, v in text_scores(ranker.scores(x), cand).items()}
            others = combsum_max(extra or {})
            fused = {key: text.get(key, 0.0) + others.get(key, 0.0) for key in text.keys() | others.keys()}
        else:
            fused = combsum_max({"dense": dense, "bm25": lex, **(extra or {})}, {"bm25": ("dense", blind)}, glossed)
        order = sorted(fused, key=lambda key: (-fused[key], key))[:k]
        floor = dense[min(FLOOR_RANK, len(dense)) - 1][1] if dense else 0.0
        cross = self._other_script(qterms, set(order))
        floor_x = self._multilingual_floor(qvec_foreign, allowed, dense) if cross else floor
        share = self._term_share(qterms)
        gloss_share = self._term_share(qterms, self._english)  # a cross hit's words: its glosses
        words = known_word_share(qterms)
        words = 1.0 if words is None else words  # no word list installed: cannot tell, assume words

        latin_query = self._latin_query(qterms)

        def features(key: str) -> MatchFeatures:
            if key in cross:  # scored by the multilingual part alone: its own background level
                own = [p for p in self._passage_keys(key) if (p not in self.foreign) == latin_query]
                if not own or qvec is None:
                    d = dsc.get(key, floor_x)
                    return MatchFeatures(d, d - floor_x, gloss_share(key), cross=True, words=words)
                # a document with passages in both scripts (a Chinese case filed on an English-named
                # project): each part is judged on its own scale, and the better judgement counts
                other = [p for p in self._passage_keys(key) if p not in set(own)]
                qx = qvec_foreign if latin_query and qvec_foreign is not None else qvec
                dx = float(np.max(self.vectors.vectors(other) @ qx)) if other else floor_x
                ds = float(np.max(self.vectors.vectors(own) @ qvec))
                return MatchFeatures(dx, dx - floor_x, gloss_share(key), cross=True, words=words,
                                     also=MatchFeatures(ds, ds - floor, share(key), words=words))
            d = dsc.get(key, floor)
            return MatchFeatures(d, d - floor, share(key), words=words)
        return [Scored(key, fused[key], dsc.get(key), bsc.get(key), drank.get(key), brank.get(key), features(key))
                for key in order]

    def candidates(self, qvec: np.ndarray | None, qterms: list[str], depth: int, allowed: set[str] | None = None,
                   qvec_foreign: np.ndarray | None = None) -> tuple[list, list, Candidates]:
        """The first stage: the dense and BM25 top-`depth` lists and their union as Candidates, with
        the gloss list's documents (an English brief's Chinese cases by their glosses) added."""
        dense = self.dense(qvec, depth, allowed, qvec_foreign) if qvec is not None else []
        lex = self.bm25(qterms, depth, allowed)
        gloss = self.gloss(qterms, depth, allowed)
        keys = list(dict.fromkeys([key for key, _ in dense] + [key for key, _ in lex] + [key for key, _ in gloss]))
        cand = Candidates(keys, dict(dense), dict(lex), {key: r for r, (key, _) in enumerate(dense, 1)},
                          {key: r for r, (key, _) in enumerate(lex, 1)}, self._other_script(qterms, set(keys)),
                          dict(gloss))
        return dense, lex, cand

    def _multilingual_floor(self, qvec_foreign: np.ndarray | None, allowed: set[str] | None,
                            dense: list[tuple[str, float]]) -> float:
        """The brief's background level on the scale of cross-script scores: the FLOOR_RANK-th
        document's score with the brief's multilingual-only vector (for a brief the English-only
        part cannot read, its vector already is that, and so are the `dense` scores)."""
        if qvec_foreign is not None:
            allowed_p = None if allowed is None else {p for d in allowed for p in self._passage_keys(d)}
            scores = sorted(self._dense_passages(qvec_foreign, FLOOR_RANK, allowed_p).values(), reverse=True)
        else:
            scores = [s for _, s in dense]
        return scores[min(FLOOR_RANK, len(scores)) - 1] if scores else 0.0

    @staticmethod
    def _latin_query(qterms: list[str]) -> bool:
        return 2 * sum(1 for t in qterms if mostly_latin(t)) >= len(qterms)

    def _other_script(self, qterms: list[str], keys: set[str]) -> set[str]:
        """Documents written in another script than the query (Latin vs not, by the majority of
        their passages / of the query's terms): BM25 cannot match them."""
        if not qterms:
            return set()
        latin_query = self._latin_query(qterms)

        def latin_doc(key: str) -> bool:
            ps = self._passage_keys(key)
            return 2 * sum(1 for p in ps if p in self.foreign) < len(ps)
        return {key for key in keys if latin_doc(key) != latin_query}

    def _term_share(self, qterms: list[str], terms_of: dict[str, list[str]] | None = None):
        """key → share of the query's meaningful term weight (idf) the document holds (in
        `terms_of`, default its own terms; the English view for the gloss channel)."""
        lex = self._lex()
        weights = {t: lex.idf(t) for t in dict.fromkeys(qterms) if meaningful(t)}
        total = sum(weights.values())
        terms_of = self.terms if terms_of is None else terms_of

        def share(key: str) -> float:
            if total <= 0:
                return 0.0
            terms = set(terms_of.get(key, ()))
            return sum(w for t, w in weights.items() if t in terms) / total
        return share

    # --- persistence -------------------------------------------------------------------------
    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.vectors.save(folder / f"{self.name}.vectors")
        data = {"meta": self.meta, "terms": self.terms, "digests": self.digests, "passages": self.passages,
                "foreign": sorted(self.foreign)}
        tmp = folder / f"{self.name}.docs.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(folder / f"{self.name}.docs.json")

    @classmethod
    def load(cls, folder: Path, name: str) -> Corpus:
        vectors = VectorIndex.load(folder / f"{name}.vectors")
        self = cls(name, vectors.dim)
        self.vectors = vectors
        data = json.loads((folder / f"{name}.docs.json").read_text(encoding="utf-8"))
        self.meta, self.terms, self.digests = data["meta"], data["terms"], data["digests"]
        self.passages = data["passages"]
        self.foreign = set(data.get("foreign", ()))
        self._lexical_dirty = True
        return self

    @staticmethod
    def exists(folder: Path, name: str) -> bool:
        return all((folder / f"{name}{s}").exists() for s in (".vectors.faiss", ".vectors.json", ".docs.json"))
