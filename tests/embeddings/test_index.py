"""VectorIndex: keyed add/replace/remove, filtered search, HNSW path, persistence."""

from __future__ import annotations

import numpy as np
import pytest

from teamgraph.embeddings.index import VectorIndex


def _vecs(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    # low-rank + noise, like real embeddings (uniform random vectors make ANN recall meaningless)
    v = rng.normal(size=(n, 4)) @ rng.normal(size=(4, dim)) + 0.3 * rng.normal(size=(n, dim))
    v = v.astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def _exact(vecs, keys, q, k, allowed=None):
    sims = vecs @ q
    order = [i for i in np.argsort(-sims) if allowed is None or keys[i] in allowed]
    return [keys[i] for i in order[:k]]


def test_flat_search_is_exact_and_filtered():
    v = _vecs(200)
    keys = [f"d{i}" for i in range(200)]
    idx = VectorIndex(16)
    idx.build(keys, v)
    assert idx.kind == "flat"
    q = v[7]
    assert [k for k, _ in idx.search(q, 5)[0]] == _exact(v, keys, q, 5)
    allowed = {f"d{i}" for i in range(0, 200, 3)}
    got = [k for k, _ in idx.search(q, 10, allowed)[0]]
    assert got == _exact(v, keys, q, 10, allowed)
    assert len(got) == 10 and set(got) <= allowed  # still k results when enough are allowed


def test_replace_and_remove_by_key():
    v = _vecs(50)
    keys = [f"d{i}" for i in range(50)]
    idx = VectorIndex(16)
    idx.build(keys, v)
    idx.add(["d3"], v[40:41])  # d3 now points at d40's vector
    assert len(idx) == 50
    top = [k for k, _ in idx.search(v[40], 2)[0]]
    assert set(top) == {"d3", "d40"}
    idx.remove(["d40", "d3"])
    assert "d3" not in idx and len(idx) == 48
    assert all(k not in ("d3", "d40") for k, _ in idx.search(v[40], 48)[0])


def test_hnsw_above_threshold_keeps_filters_deletes_and_measures_recall():
    v = _vecs(600, dim=32)
    keys = [f"d{i}" for i in range(600)]
    idx = VectorIndex(32, approx_threshold=100)
    idx.build(keys, v)
    assert idx.kind == "hnsw"
    assert idx.stats["recall@10"] >= 0.9
    idx.remove(["d1", "d2"])  # HNSW cannot delete: dropped ids must still never come back
    res = [k for k, _ in idx.search(v[1], 20)[0]]
    assert "d1" not in res and "d2" not in res and len(res) == 20
    small = {f"d{i}" for i in range(10, 20)}  # a tiny allow-list goes through the exact path
    got = [k for k, _ in idx.search(v[12], 5, small)[0]]
    assert got == _exact(v, keys, v[12], 5, small)
    idx.remove([f"d{i}" for i in range(3, 300)])  # > 25 % dead → compacted from stored vectors
    assert idx.dead == 0 and len(idx) == 301
    assert [k for k, _ in idx.search(v[450], 1)[0]] == ["d450"]


def test_save_and_load_round_trip(tmp_path):
    v = _vecs(30)
    keys = [f"k{i}" for i in range(30)]
    idx = VectorIndex(16)
    idx.build(keys, v)
    idx.remove(["k5"])
    idx.save(tmp_path / "x.vectors")
    again = VectorIndex.load(tmp_path / "x.vectors")
    assert len(again) == 29 and "k5" not in again
    assert again.search(v[9], 3) == idx.search(v[9], 3)
    again.add(["new"], v[5:6])  # ids keep counting up after a reload: no collision
    assert [k for k, _ in again.search(v[5], 1)[0]] == ["new"]


def test_wrong_shape_is_rejected():
    idx = VectorIndex(8)
    with pytest.raises(ValueError):
        idx.add(["a"], np.zeros((1, 9), dtype=np.float32))
