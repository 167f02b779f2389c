"""The persistent embedding cache and the shipped sample vectors (no model: a counting stand-in
encoder, so what is asserted is what gets encoded and what gets reused)."""

from __future__ import annotations

import numpy as np
import pytest

from teamgraph.embeddings.cache import (
    CachedEncoder, cache_dir, clear_cache, load_shipped, text_key, write_shipped,
)
from teamgraph.embeddings.encoder import HashingEncoder, auto_backend
from teamgraph.errors import ValidationError
from teamgraph.settings import Settings

TEXTS = ["Counterfeit parts came from a broker outside the approved list.",
         "The battery pack went into thermal runaway while charging.",
         "Units differed between two contractors' software."]


class Counting:
    """The hashing encoder, counting the texts it was asked to encode."""

    def __init__(self, name: str = "counting"):
        self.inner = HashingEncoder(32)
        self.name = name
        self.seen: list[str] = []

    @property
    def dim(self) -> int:
        return 32

    def encode(self, texts, batch_size: int = 64, progress: bool = False):
        self.seen += list(texts)
        return self.inner.encode(list(texts))


def cached(tmp_path, inner=None, identity="model-a" * 4, shipped=None):
    return CachedEncoder(inner or Counting(), cache_dir(tmp_path), shipped_dir=shipped or tmp_path / "none",
                         identity=identity)


def test_a_second_encoder_over_the_same_cache_encodes_nothing_it_has_seen(tmp_path):
    first = cached(tmp_path)
    v1 = first.encode(TEXTS)
    again = cached(tmp_path)  # a new process: the cache is read from disk
    v2 = again.encode(TEXTS + ["A new lesson about torque values."])
    assert again.inner.seen == ["A new lesson about torque values."]
    np.testing.assert_allclose(v2[:3], v1, atol=1e-6)
    assert again.last_stats == {"cached": 3, "encoded": 1}


def test_a_changed_text_or_another_model_is_encoded_afresh(tmp_path):
    cached(tmp_path).encode(TEXTS)
    changed = cached(tmp_path)
    changed.encode([TEXTS[0] + " ", TEXTS[1]])  # one trailing space is another text
    assert changed.inner.seen == [TEXTS[0] + " "]
    other = cached(tmp_path, identity="model-b" * 4)
    other.encode(TEXTS)
    assert other.inner.seen == TEXTS


def test_queries_are_never_written_down(tmp_path):
    enc = cached(tmp_path)
    enc.encode(["a confidential brief about a reorganisation"])
    assert not cache_dir(tmp_path).exists() or not any(cache_dir(tmp_path).iterdir())


def test_a_torn_last_record_is_dropped_and_the_rest_still_serves(tmp_path):
    cached(tmp_path).encode(TEXTS)
    (path,) = cache_dir(tmp_path).iterdir()
    with path.open("ab") as f:
        f.write(b"\x01" * 20)  # a crash in the middle of the next record
    enc = cached(tmp_path)
    enc.encode(TEXTS + ["fresh text one", "fresh text two"])
    assert enc.inner.seen == ["fresh text one", "fresh text two"]
    reread = cached(tmp_path)
    reread.encode(["fresh text one", "fresh text two"])
    assert reread.inner.seen == []


def test_clear_cache_removes_every_vector(tmp_path):
    enc = cached(tmp_path)
    enc.encode(TEXTS)
    removed = clear_cache(tmp_path)
    assert removed and not cache_dir(tmp_path).exists()
    enc.clear()
    enc.encode(TEXTS)
    assert enc.inner.seen == TEXTS * 2


def _ship(folder, identity, texts, vecs):
    folder.mkdir(exist_ok=True)
    write_shipped(folder / f"{identity[:16]}.npz", identity, "counting", texts, vecs)


def test_shipped_vectors_are_used_for_the_same_model_and_text_only(tmp_path):
    identity = "f" * 32
    ship = tmp_path / "shipped"
    vecs = np.eye(3, 32, dtype=np.float32)  # unlike anything the hashing encoder makes
    _ship(ship, identity, TEXTS, vecs)
    same = cached(tmp_path, identity=identity, shipped=ship)
    out = same.encode(TEXTS[:2] + ["a text the sample does not have"])
    assert same.inner.seen == ["a text the sample does not have"]
    np.testing.assert_allclose(out[:2], vecs[:2], atol=1e-3)
    # another model (identity) refuses them all; so does a file whose recorded identity differs
    other = cached(tmp_path / "o", identity="e" * 32, shipped=ship)
    other.encode(TEXTS)
    assert other.inner.seen == TEXTS
    (ship / f"{identity[:16]}.npz").rename(ship / f"{'d' * 16}.npz")
    forged = cached(tmp_path / "f", identity="d" * 16 + "0" * 16, shipped=ship)
    forged.encode(TEXTS)
    assert forged.inner.seen == TEXTS
    # and a text that differs by a character is encoded
    edited = cached(tmp_path / "e", identity=identity, shipped=tmp_path / "shipped2")
    _ship(tmp_path / "shipped2", identity, TEXTS, vecs)
    edited.encode([TEXTS[0].replace("broker", "Broker"), TEXTS[1]])
    assert edited.inner.seen == [TEXTS[0].replace("broker", "Broker")]


def test_shipped_vectors_of_another_width_are_refused(tmp_path):
    identity = "a" * 32
    _ship(tmp_path, identity, TEXTS, np.eye(3, 16, dtype=np.float32))
    assert load_shipped(identity, 32, tmp_path) == {}
    assert set(load_shipped(identity, 16, tmp_path)) == {text_key(t) for t in TEXTS}


def test_auto_backend_follows_the_cpu_features():
    assert auto_backend({"AVX2", "FMA3"}) == "onnx-int8"
    assert auto_backend({"AVX512F", "AVX512_VNNI", "AVX2"}) == "onnx-int8"
    assert auto_backend({"ASIMD"}) == "onnx-int8"
    assert auto_backend({"SSE2", "SSE42"}) == "onnx-fp32"


def test_an_unknown_encoder_setting_names_the_variable():
    with pytest.raises(ValidationError) as e:
        Settings.from_env({"TEAMGRAPH_ENCODER": "gpu"})
    assert "TEAMGRAPH_ENCODER" in str(e.value.to_dict() if hasattr(e.value, "to_dict") else e.value)
    assert Settings.from_env({"TEAMGRAPH_ENCODER": " ONNX-FP32 "}).encoder == "onnx-fp32"


def test_forgetting_a_person_empties_the_cache_and_says_so(tmp_path):
    from teamgraph.graph.sqlite_store import SqliteStore
    from teamgraph.service import Teamgraph
    from tests.tinyorg import tiny_org
    store = SqliteStore(tmp_path / "teamgraph.sqlite3")
    store.apply(tiny_org())
    inner = Counting()
    tg = Teamgraph(Settings(data_dir=tmp_path), store=store, encoder=cached(tmp_path, inner), progress=False)
    tg.index_build()
    files = sorted(cache_dir(tmp_path).iterdir())
    assert files  # the build's passages were cached
    out = tg.forget("ana").to_dict()
    assert not cache_dir(tmp_path).exists()
    assert [f"cache/embeddings/{f.name}" for f in files] == [p for p in out["files_rewritten"] if p.startswith("cache/")]
    seen = len(inner.seen)
    tg.index_build()  # nothing cached any more (on disk or in memory): everything is encoded again
    assert len(inner.seen) > seen
    tg.close()


def test_an_ensemble_is_identified_by_its_parts_and_weights():
    from teamgraph.embeddings.cache import encoder_identity, precision_of

    class Part:
        def __init__(self, identity, backend=""):
            self.name, self.identity, self.backend = "part", identity, backend

    class Ensemble:
        name = "multilingual"

        def __init__(self, parts):
            self.parts = parts

    one = encoder_identity(Ensemble([(Part("use"), 0.5, False), (Part("minilm"), 0.5, True)]))
    assert one == encoder_identity(Ensemble([(Part("use"), 0.5, False), (Part("minilm"), 0.5, True)]))
    assert one != encoder_identity(Ensemble([(Part("use"), 0.6, False), (Part("minilm"), 0.4, True)]))
    assert one != encoder_identity(Ensemble([(Part("use"), 0.5, False), (Part("minilm-2"), 0.5, True)]))
    assert precision_of(Ensemble([(Part("use"), 0.5, False), (Part("minilm", "onnx-int8"), 0.5, True)])) == "int8"
    assert precision_of(Ensemble([(Part("use"), 0.5, False), (Part("minilm", "onnx-fp32"), 0.5, True)])) == "fp"
