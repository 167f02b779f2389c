"""Contract: collaboration pairs (tests/tinyorg.py).

Shared projects: p-crm {ana, fay, gus}; p-wms {ana, bo, dee, eli}; p-hire {ana, hal};
p-plat {ana, bo, cy}. A pair's `last` is the latest day both were still on a shared project
(the earlier of their two membership ends, maximised over shared projects).
"""

from __future__ import annotations

from datetime import date

import pytest

# (a, b): (times, last, mean rating or None), every value computed by hand
EXPECTED = {
    # p-wms: min(ana 2025-09-30, bo 2025-12-31); p-plat: both 2026-06-30 -> latest 2026-06-30
    ("ana", "bo"): (2, date(2026, 6, 30), None),
    ("ana", "cy"): (1, date(2026, 3, 15), None),  # p-plat, cy ends 03-15
    ("ana", "dee"): (1, date(2025, 9, 30), None),  # p-wms, ana (advisor) ends 09-30
    ("ana", "eli"): (1, date(2025, 9, 30), None),
    ("ana", "fay"): (1, date(2025, 6, 30), 11 / 3),  # fay -> ana (3+4+4)/3
    ("ana", "gus"): (1, date(2025, 6, 30), 4.5),  # ana -> gus 13/3, gus -> ana 14/3, mean 27/6
    ("ana", "hal"): (1, date(2026, 2, 28), None),  # p-hire
    ("bo", "cy"): (1, date(2026, 3, 15), None),
    ("bo", "dee"): (1, date(2025, 12, 31), 4.0),  # bo -> dee (4+4+4)/3
    ("bo", "eli"): (1, date(2025, 12, 31), None),
    ("dee", "eli"): (1, date(2025, 12, 31), 19 / 6),  # dee -> eli 11/3, eli -> dee 8/3
    ("fay", "gus"): (1, date(2025, 6, 30), None),
}


def _as_dict(pairs):
    return {(p.a, p.b): (p.times, p.last, p.mean_rating) for p in pairs}


def test_all_pairs(tiny_store):
    got = tiny_store.collaboration_pairs()
    assert all(p.a < p.b for p in got)
    got = _as_dict(got)
    assert set(got) == set(EXPECTED)
    for pair, (times, last, mean) in EXPECTED.items():
        assert got[pair][:2] == (times, last), pair
        assert got[pair][2] == (None if mean is None else pytest.approx(mean)), pair


def test_pairs_within_a_group(tiny_store):
    got = _as_dict(tiny_store.collaboration_pairs(["dee", "bo", "ana", "nobody"]))
    assert set(got) == {("ana", "bo"), ("ana", "dee"), ("bo", "dee")}
    assert got[("bo", "dee")][2] == pytest.approx(4.0)


def test_a_lone_person_has_no_pairs(tiny_store):
    assert tiny_store.collaboration_pairs(["ivy"]) == []
    assert tiny_store.collaboration_pairs([]) == []
