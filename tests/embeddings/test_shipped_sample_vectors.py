"""The shipped sample vectors cover the sample organisation: a first `teamgraph demo` encodes
nothing (stale vectors after a change to the sample texts or the passage splitting would cost
a new user minutes of encoding; `python bench/make_sample_vectors.py` refreshes them)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from teamgraph.embeddings.cache import encoder_identity, load_shipped, text_key
from teamgraph.embeddings.encoder import load_encoder
from teamgraph.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _maker():
    spec = importlib.util.spec_from_file_location("make_sample_vectors", ROOT / "bench" / "make_sample_vectors.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_passage_of_the_sample_index_is_shipped_for_every_part_of_the_default_model():
    model = Settings().model
    default = load_encoder(model, "onnx-fp32")
    texts = _maker().sample_passages(model, default.dim)
    assert len(texts) > 1000  # cases, lessons, project lines: the whole sample index
    parts = [p for p, _, _ in getattr(default, "parts", None) or []] or [default]
    for part in parts:
        shipped = load_shipped(encoder_identity(part), part.dim)
        missing = [t for t in texts if text_key(t) not in shipped]
        assert not missing, (f"{len(missing)} of {len(texts)} sample passages have no shipped vector for "
                             f"{part.name} (run bench/make_sample_vectors.py), e.g. {missing[0][:80]!r}")
