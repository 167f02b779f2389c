"""An expert card's load is the solver's: the same time-phased rule (graph/load.py) over the same
memberships and calendar, so leave and a capacity change move the kickoff card's load, capacity
and discount exactly as they move the candidate the solver reads and the why-not's weeks."""

from __future__ import annotations

from datetime import date

import pytest

from teamgraph.embeddings.encoder import HashingEncoder
from teamgraph.embeddings.experts import load_discount
from teamgraph.embeddings.retriever import Retriever
from teamgraph.graph.load import peak_utilisation, ratio, weeks_of
from teamgraph.graph.model import CapacityPeriod, ChangeSet, TimeOff, Viewer
from tests.tinyorg import Q1

MEMBER = Viewer(role="member")
BRIEF = "kubernetes platform upgrade"


def _card(store, tmp_path, person):
    r = Retriever(store, tmp_path / "index", HashingEncoder())
    r.build(progress=False)
    return next(h for h in r.experts(BRIEF, MEMBER, k=10, skills=("k8s",), window=Q1) if h.person == person)


def _solver_view(store, person):
    cand = next(c for c in store.candidates([("k8s", 1)], Q1) if c.person.id == person)
    weeks = weeks_of(list(cand.pieces), Q1, cand.person.capacity)
    return cand, max(weeks, key=lambda w: (ratio(w.load, w.capacity), w.load))


def test_leave_over_the_peak_lowers_the_card_load_as_the_solver_sees_it(tiny_store, tmp_path):
    # ana peaks at 0.9 from Jan 15 to Feb 28; away for all of it, her working peak is March's 0.7
    tiny_store.apply(ChangeSet().add(TimeOff("ana", date(2026, 1, 15), date(2026, 2, 28))))
    card = _card(tiny_store, tmp_path, "ana")
    cand, worst = _solver_view(tiny_store, "ana")
    assert card.load == pytest.approx(0.7) == pytest.approx(cand.load) == pytest.approx(worst.load)
    assert card.capacity == pytest.approx(1.0) and card.load_discount == pytest.approx(load_discount(0.7, 1.0))


def test_a_capacity_change_sets_the_card_capacity_and_discount_as_the_solver_sees_it(tiny_store, tmp_path):
    # from March ana works at 0.5 FTE: March's 0.7 (140 %) is her most utilised stretch, not the 0.9 at 1.0
    tiny_store.apply(ChangeSet().add(CapacityPeriod("ana", date(2026, 3, 1), None, 0.5)))
    card = _card(tiny_store, tmp_path, "ana")
    cand, worst = _solver_view(tiny_store, "ana")
    assert (card.load, card.capacity) == (pytest.approx(worst.load), pytest.approx(worst.capacity))
    assert (card.load, card.capacity) == (pytest.approx(0.7), pytest.approx(0.5))
    assert card.utilisation == pytest.approx(peak_utilisation(cand.pieces)) == pytest.approx(1.4)
    assert card.load_discount == pytest.approx(0.55)  # 1 − 0.5 · (1.4 − 0.5)
