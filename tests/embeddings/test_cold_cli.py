"""The interactive CLI paths never import torch: a fresh process builds the index, suggests a team
with relevance and makes a kickoff package with the real model on the ONNX backend, and torch,
transformers and sentence-transformers are still not in sys.modules afterwards; nor are pandas,
scipy and bm25s (issue 11: ~0.5 s of a cold start; BM25 runs in numpy, cp_model defers pandas as
`teamgraph.cli.main` sets up)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from teamgraph.embeddings.encoder import default_models_dir, load_encoder
from teamgraph.graph.sqlite_store import SqliteStore
from tests.matching.test_suggest_relevance_cli import REQUEST
from tests.tinyorg import tiny_org

pytestmark = pytest.mark.model

PROBE = """
import json, sys
from click.testing import CliRunner
from teamgraph.cli import cli
from teamgraph.startup import defer_pandas_for_cp_model
defer_pandas_for_cp_model()  # what teamgraph.cli.main does first
out = {}
for name, args in (("index", ["index", "build"]), ("suggest", ["suggest", sys.argv[1], "--json"]),
                   ("kickoff", ["kickoff", "--project", "p-new", "--json"])):
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 0, (name, r.output, r.exception)
    out[name] = json.loads(r.stdout)
out["heavy"] = sorted(m for m in ("torch", "transformers", "sentence_transformers", "pandas", "scipy", "bm25s")
                     if m in sys.modules)
print(json.dumps(out))
"""


@pytest.mark.parametrize("model", ["multilingual", "all-MiniLM-L6-v2"])
def test_index_build_suggest_and_kickoff_run_without_torch(tmp_path, model):
    load_encoder(model, "onnx-int8")  # the one-time export of MiniLM (this process may use torch)
    data = tmp_path / "data"
    data.mkdir()
    store = SqliteStore(data / "teamgraph.sqlite3")
    store.apply(tiny_org())
    store.close()
    (tmp_path / "r.yaml").write_text(REQUEST, encoding="utf-8")
    env = {**os.environ, "TEAMGRAPH_DATA_DIR": str(data), "TEAMGRAPH_STORE": "embedded",
           "TEAMGRAPH_MODEL": model, "TEAMGRAPH_ENCODER": "onnx-int8",
           "TEAMGRAPH_MODELS_DIR": str(default_models_dir())}
    done = subprocess.run([sys.executable, "-c", PROBE, str(tmp_path / "r.yaml")], env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["heavy"] == []
    assert out["index"]["sizes"]["case"] == 5 and out["index"]["model"] == model
    assert out["suggest"]["team"]["score"]["relevance"] > 0  # the brief was encoded and scored
    assert out["kickoff"]["cases"] and out["kickoff"]["experts"]
