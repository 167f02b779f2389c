"""The documented format (ingest/FORMAT.md) is the one the loader accepts."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path


from tests.ingest.ingest_helpers import tiny_folder
from teamgraph.ingest.formats import SPECS
from teamgraph.ingest.loader import load_folder

DOC = Path(__file__).resolve().parents[2] / "ingest" / "FORMAT.md"


def test_markdown_example_in_the_doc_loads(tmp_path):
    example = re.search(r"```markdown\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    d = tiny_folder(tmp_path / "org")
    (d / "cases.jsonl").write_text("", encoding="utf-8")
    (d / "cases").mkdir()
    (d / "cases" / "c-4.md").write_text(example, encoding="utf-8")
    case = load_folder(d, progress=False).records["case"][("c-4",)]
    assert case.lesson == "招聘前先对齐岗位画像和面试标准。" and case.date == date(2026, 1, 10)
    assert case.skills == ("recruiting",) and case.authors == ("hal", "ivy")


def test_every_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for spec in SPECS:
        section = text.split(f"**{spec.filename}**", 1)[1].split("\n\n", 1)[0]
        for col in spec.columns:
            assert f"`{col.name}`" in section, f"{spec.filename}: {col.name} not documented"
            assert (f"**`{col.name}`**" in section) == col.required, f"{spec.filename}: {col.name} required?"
