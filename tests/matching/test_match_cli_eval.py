"""The thin commands (`teamgraph suggest`, `teamgraph staff`) on the embedded store, and
`teamgraph eval portfolio` on a hand-made team2box-format folder with hand-computed coverage."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from teamgraph.cli import cli

REQUEST = """\
name: Pricing
window: {start: 2026-01-01, end: 2026-03-31}
allocation: 0.3
size: {min: 2, max: 3}
requirements:
  - {skill: Python, level: 3}
  - {skill: 预算编制, level: 3}
"""


@pytest.fixture
def env(tiny_data_dir):
    (tiny_data_dir / "r.yaml").write_text(REQUEST, encoding="utf-8")
    return tiny_data_dir


def test_suggest_json_and_text(env):
    out = CliRunner().invoke(cli, ["suggest", str(env / "r.yaml"), "--json", "--why-not", "bo"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert sorted(m["id"] for m in data["team"]["members"]) == ["cy", "fay"]
    assert data["why_not"][0]["kind"] == "over_capacity"
    text = CliRunner().invoke(cli, ["suggest", str(env / "r.yaml"), "--pin", "gus", "-k", "1"])
    assert text.exit_code == 0, text.output
    assert "Gus Berg" in text.output and "50%→ 87%" in text.output and "score:" in text.output


def test_staff_json(env):
    (env / "p.yaml").write_text("requests:\n  - file: r.yaml\n", encoding="utf-8")
    out = CliRunner().invoke(cli, ["staff", str(env / "p.yaml"), "--json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.output)["covered"] == 2


def test_bad_request_is_a_clear_error(env):
    (env / "bad.yaml").write_text(REQUEST.replace("Python", "Pythn"), encoding="utf-8")
    from teamgraph.errors import ValidationError
    out = CliRunner().invoke(cli, ["suggest", str(env / "bad.yaml")])
    assert isinstance(out.exception, ValidationError)
    assert "requirements[0].skill: no skill called 'Pythn'; did you mean Python" in str(out.exception)


def test_eval_portfolio_on_a_hand_made_folder(tmp_path):
    from teamgraph.matching.evaluate import eval_portfolio
    files = {
        "user_tags.txt": "answererId, tag numberofanswers score,....\n1 a 3 10 b 1 2\n2 b 2 5\n3 c 1 1\n",
        "Q_ID_Map.txt": "QuestionNewID OriginalID\n0 100\n1 101\n2 102\n3 103\n",
        "Q_tags.txt": "100 a\n101 a b\n102 b c\n103 a c\n",
        "train.txt": "0 1 2\n", "test.txt": "1\n2\n3\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text.replace("\n", "\r\n"), encoding="utf-8")  # CRLF like the real data
    out = eval_portfolio(tmp_path, loads=(1, 2), time_limit=10)
    assert {"max_load", "teamgraph", "baseline"} <= set(out) and out["max_load"] == [1, 2]
    # L=1: one question each. Best: u1 takes q101 (a, b), u2 + u3 take q102 (b, c): two questions
    # fully covered (the paper's coverage 2.0), 4 of 6 (question, tag) pairs; L=2 covers all.
    assert out["teamgraph"]["coverage"] == [2.0, 3.0]
    assert out["teamgraph"]["slot_coverage"] == [pytest.approx(4 / 6, abs=1e-4), 1.0]
    assert out["teamgraph"]["status"] == ["optimal", "optimal"]
    # ThresholdGreedy at L=2 gives u1 (lowest index) q102's b at the 0.5 tie before u2, so q103
    # keeps only u3's c: 2.5.
    assert out["baseline"]["coverage"] == [2.0, 2.5]
    assert len(out["teamgraph"]["cpu_seconds"]) == 2
    assert out["rule_violations"] == [0, 0]  # both answers keep every rule as product staffings
