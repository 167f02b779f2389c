"""The torch-free encoder (ONNX Runtime + tokenizers over an export of the same model) against
sentence-transformers on real text, and the shipped sample vectors against the installed model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from teamgraph.embeddings.cache import SHIPPED_DIR, load_shipped, model_identity, text_key
from teamgraph.embeddings.corpus import passages
from teamgraph.embeddings.encoder import default_models_dir, load_encoder
from teamgraph.ingest.sample import sample_path

pytestmark = pytest.mark.model
MODEL = "all-MiniLM-L6-v2"


def real_texts(n: int = 48) -> list[str]:
    """Passages of the sample organisation's retrospectives (real lessons, English and Chinese),
    short and long, plus a text past the model's 256-token window."""
    texts = []
    for line in (sample_path() / "cases.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        texts += passages("\n".join(str(row.get(f) or "") for f in ("title", "problem", "lesson")))
        if len(texts) >= n:
            break
    chinese = "在发射前的测试中发现电池组过热，团队增加了温度传感器并修改了充电程序。"
    return texts[:n] + [chinese, "ok", " ".join(texts[:12])]


@pytest.fixture(scope="module")
def reference():
    return load_encoder(MODEL, "torch-fp32")


@pytest.fixture(scope="module")
def texts():
    return real_texts()


def test_onnx_fp32_matches_sentence_transformers(reference, texts):
    onnx = load_encoder(MODEL, "onnx-fp32")
    ref = reference.encode(texts)
    got = onnx.encode(texts, batch_size=7)  # batches of mixed lengths: padding must not leak in
    cos = (ref * got).sum(axis=1)
    assert got.shape == ref.shape and got.dtype == np.float32
    assert cos.min() >= 0.999, cos.min()
    single = onnx.encode([texts[5]])[0]  # a query alone, no padding at all
    assert float(single @ ref[5]) >= 0.999


def test_onnx_int8_stays_close_to_fp32(reference, texts):
    ref = reference.encode(texts)
    got = load_encoder(MODEL, "onnx-int8").encode(texts)
    cos = (ref * got).sum(axis=1)
    # dynamic int8 (per channel, 7-bit weights, feed-forward down-projections in fp32): ≈ 0.996 on
    # real passages; retrieval metrics on the dev data: bench/bench_encoder.py
    assert cos.mean() >= 0.99 and cos.min() >= 0.97, (cos.mean(), cos.min())
    # nearest neighbours agree: each passage's best other passage is mostly the same
    same = np.mean([np.argsort(-(ref @ ref[i]))[1] == np.argsort(-(got @ got[i]))[1] for i in range(len(ref))])
    assert same >= 0.8


def test_the_query_path_never_imports_torch(texts, tmp_path):
    load_encoder(MODEL, "onnx-int8").encode(texts[:2])  # the export exists (made once, with torch)
    code = ("import sys; from teamgraph.embeddings.encoder import load_encoder; "
            f"v = load_encoder({MODEL!r}, 'onnx-int8').encode([{texts[0]!r}]); "
            "bad = sorted(m for m in ('torch', 'transformers', 'sentence_transformers') if m in sys.modules); "
            "print(v.shape[1], ','.join(bad) or 'none')")
    env = {**os.environ, "TEAMGRAPH_MODELS_DIR": str(default_models_dir())}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["384", "none"]


def test_shipped_sample_vectors_match_the_installed_model(reference):
    identity = model_identity(MODEL)
    shipped = load_shipped(identity, 384)
    assert len(shipped) > 1000, f"no shipped vectors for this model in {SHIPPED_DIR}"
    sample = real_texts(24)[:24]
    keys = [text_key(t) for t in sample]
    have = [i for i, k in enumerate(keys) if k in shipped]
    assert len(have) >= 12  # the sample's case passages are in the file
    ref = reference.encode([sample[i] for i in have])
    cos = [float(shipped[keys[i]] @ r) for i, r in zip(have, ref)]
    assert min(cos) >= 0.999


def test_shipped_vectors_of_every_part_of_the_default_model_match_it():
    from teamgraph.embeddings.cache import encoder_identity
    from teamgraph.settings import Settings
    default = load_encoder(Settings().model, "onnx-fp32")
    parts = [p for p, _, _ in getattr(default, "parts", None) or []] or [default]
    sample = real_texts(24)[:24]
    for part in parts:
        shipped = load_shipped(encoder_identity(part), part.dim)
        have = [t for t in sample if text_key(t) in shipped]
        assert len(have) >= 12, f"no shipped vectors for {part.name}"
        fresh = part.encode(have)
        cos = [float(shipped[text_key(t)] @ v) for t, v in zip(have, fresh)]
        assert min(cos) >= 0.999, (part.name, min(cos))


def test_another_model_gets_none_of_the_shipped_vectors(tmp_path):
    # a copy of the model folder with one config byte changed is another model
    import shutil

    from teamgraph.embeddings.encoder import model_path
    copy = tmp_path / "minilm-copy"
    shutil.copytree(model_path(MODEL), copy)
    cfg = copy / "config.json"
    cfg.write_text(cfg.read_text(encoding="utf-8").replace("\n", " \n", 1), encoding="utf-8")
    other = model_identity(str(copy))
    assert other != model_identity(MODEL)
    assert load_shipped(other, 384) == {}
