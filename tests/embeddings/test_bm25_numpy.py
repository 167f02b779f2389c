"""The numpy BM25 (embeddings.lexical.LexicalIndex) gives bm25s's scores bit for bit on the
sample organisation's real documents, so dropping bm25s (and the scipy it imports) from the query
path changed no ranking."""

from __future__ import annotations

import numpy as np
import pytest

from teamgraph.embeddings.documents import all_documents
from teamgraph.embeddings.lexical import LexicalIndex, tokenize

bm25s = pytest.importorskip("bm25s")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    from teamgraph.ingest.sample import load_sample
    from tests.conftest import make_store
    store = make_store("sqlite", tmp_path_factory.mktemp("bm25"))
    load_sample(store, progress=False)
    docs = {name: {d.key: tokenize(d.text) for d in ds} for name, ds in all_documents(store).items()}
    store.close()
    return docs


def reference_scores(docs: dict[str, list[str]], query: list[str]) -> np.ndarray:
    """What LexicalIndex computed before: bm25s over the same token lists, in sorted key order."""
    ref = bm25s.BM25(k1=1.5, b=0.75)
    ref.index([docs[k] or [""] for k in sorted(docs)], show_progress=False)
    return np.asarray(ref.get_scores(query), dtype=np.float32)


@pytest.mark.parametrize("name", ["case", "project", "person"])
def test_scores_equal_bm25s_bit_for_bit(corpora, name):
    docs = corpora[name]
    idx = LexicalIndex().fit(docs)
    ref = bm25s.BM25(k1=1.5, b=0.75)
    ref.index([docs[k] or [""] for k in sorted(docs)], show_progress=False)
    keys = sorted(docs)
    # queries: every 7th document's own first 12 terms (repeats kept), a Chinese and an English brief,
    # and terms no document holds
    queries = [docs[k][:12] for k in keys[::7] if docs[k]]
    queries += [tokenize("报价审批周期过长导致大客户流失"), tokenize("battery overheated during a thermal test"),
                ["zzz-not-a-term"], tokenize("test test test failure")]
    for q in queries:
        mine = idx.scores(q)
        want = np.asarray(ref.get_scores(q), dtype=np.float32)
        assert mine.dtype == np.float32 and np.array_equal(mine, want), q
    allowed = set(keys[::3])
    q = queries[0]
    mask = np.array([k in allowed for k in keys], dtype=np.float32)
    assert np.array_equal(idx.scores(q, allowed), np.asarray(ref.get_scores(q), dtype=np.float32) * mask)
    assert [k for k, _ in idx.search(q, 10, allowed)] == [keys[i] for i in np.argsort(
        -np.asarray(ref.get_scores(q), dtype=np.float32) * mask, kind="stable")[:10]
        if ref.get_scores(q)[i] * mask[i] > 0]


def test_empty_documents_count_as_bm25s_counts_them():
    docs = {"a": tokenize("vendor contract dispute"), "b": [], "c": tokenize("vendor onboarding vendor")}
    q = tokenize("vendor contract")
    assert np.array_equal(LexicalIndex().fit(docs).scores(q), reference_scores(docs, q))
    assert LexicalIndex().fit({"b": []}).scores(q).tolist() == [0.0]
    assert LexicalIndex().fit({}).scores(q).tolist() == []
