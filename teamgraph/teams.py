"""The engine's matching part: team requests, suggest, why-not, pin-and-re-solve, portfolios.

A request arrives as an API body (a dict; errors name `request.<field>`) or as a file the CLI
read (`load_request`; errors name file and line). Both become the same TeamRequest, resolved
against the skills it names (`store.find_skills`, no scan), and go through the same calls.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import replace
from pathlib import Path

from teamgraph.core import PLANNERS
from teamgraph.errors import FieldProblem, IndexMissing, ValidationError
from teamgraph.graph.model import Viewer
from teamgraph.progress import CASES, FINDING, RELEVANCE, SOLVING, phase
from teamgraph.retrieval import Retrieval

log = logging.getLogger("teamgraph.service")
SUGGESTIONS_KEPT = 256
KICKOFF_TEAM_SECONDS = 5.0  # the team is one part of the package; the cases must not wait long


def _prefixed(e: ValidationError, field: str) -> ValidationError:
    """A body's problems renamed into the API body (`request.size.min`), without file names."""
    return ValidationError([replace(p, file=None, field=f"{field}.{p.field}" if p.field else field)
                            for p in e.problems], str(e).splitlines()[0])


class Teams(Retrieval):

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._suggestions: OrderedDict[tuple, object] = OrderedDict()

    def _changed(self) -> None:
        super()._changed()
        self._suggestions.clear()

    # --- requests ---------------------------------------------------------------------------
    def _skills_named(self, names) -> list:
        """The skills a request names (unknown names get the vocabulary's suggestions when resolved)."""
        return list(self.store.find_skills(list(names)).values())

    def _resolved(self, request):
        from teamgraph.matching.request import resolve_skills
        return resolve_skills(request, self._skills_named(r.skill for r in request.requirements),
                              suggest=self.skill_suggestions)

    def team_request(self, data: dict, field: str = "request"):
        """Validate a request body (`matching.request.parse_request`) with skills resolved; field
        names in errors are prefixed with `field.` so they point into the API body."""
        from teamgraph.matching.request import parse_request
        try:
            return self._resolved(parse_request(data, field))
        except ValidationError as e:
            raise _prefixed(e, field) from e

    def load_request(self, path: str | Path):
        """A request file (YAML/JSON), validated and resolved; errors name file, line and field."""
        from teamgraph.matching.request import load_request
        return self._resolved(load_request(path))

    def _request(self, request):
        return self.team_request(request) if isinstance(request, dict) else request

    def load_portfolio(self, path: str | Path):
        """A portfolio file; `{file: …}` entries are read relative to it."""
        from teamgraph.matching.request import load_portfolio, resolve_skills
        portfolio = load_portfolio(path)
        return self._portfolio_resolved(portfolio, resolve_skills)

    def portfolio(self, data: dict, field: str = "portfolio"):
        """A portfolio body; only inline requests (a `{file: …}` entry would read server files)."""
        from teamgraph.matching.request import parse_portfolio, resolve_skills
        requests = data.get("requests")
        if isinstance(requests, list):
            bad = [i for i, r in enumerate(requests) if isinstance(r, dict) and "file" in r]
            if bad:
                raise ValidationError([FieldProblem("file references are not accepted here; inline the request",
                                                    field=f"{field}.requests[{i}].file") for i in bad])
        try:
            return self._portfolio_resolved(parse_portfolio(data, field), resolve_skills)
        except ValidationError as e:
            raise _prefixed(e, field) from e

    def _portfolio_resolved(self, portfolio, resolve_skills):
        skills = self._skills_named(r.skill for q in portfolio.requests for r in q.requirements)
        problems, requests = [], []
        for k, q in enumerate(portfolio.requests):
            # A `{file: …}` request names its own file and lines; an inline one the portfolio's.
            prefix = f"requests[{k}]." if q.source == portfolio.source else ""
            try:
                requests.append(resolve_skills(q, skills, prefix, suggest=self.skill_suggestions))
            except ValidationError as e:
                problems.extend(e.problems)
        if problems:
            raise ValidationError(problems, f"unknown skills in {portfolio.source}")
        return replace(portfolio, requests=tuple(requests))

    # --- single teams -----------------------------------------------------------------------
    def suggest(self, request, viewer: Viewer, *, alternatives: int = 2, min_diff: int = 1, seed: int = 0,
                time_limit: float | None = 10.0, pins=(), relevance: bool = True):
        """The best team for a request (body or TeamRequest), with alternatives, explained for
        `viewer`; the relevance term comes from retrieval when an index exists (`relevance`)."""
        from teamgraph.matching.engine import suggest
        phase(FINDING)  # then RELEVANCE and SOLVING (`_relevance`): what a waiting page shows
        request = self._request(request)  # unknown or leaving pins: build_problem names `pins`
        result = suggest(self.store, request, viewer=viewer, alternatives=alternatives, min_diff=min_diff,
                         relevance=self._relevance(viewer) if relevance else None, seed=seed,
                         time_limit=time_limit, pins=pins)
        self._remember(request, viewer, seed, pins, result)
        return result

    def why_not(self, request, person_id: str, viewer: Viewer, *, seed: int = 0, time_limit: float | None = 10.0,
                pins=(), relevance: bool = True, suggestion=None, field: str = "person"):
        """Why `person_id` is not in the team suggested for this request (the one last suggested
        for the same request, viewer, seed and pins, so it explains the team on screen). The
        person may be given by name ("Smith"): `person_named` resolves it or names `field`."""
        from teamgraph.matching.engine import why_not
        request = self._request(request)
        person_id = self.person_named(person_id, field).id
        previous = suggestion or self._suggestions.get(self._key(request, viewer, seed, pins))
        return why_not(self.store, request, person_id, suggestion=previous, viewer=viewer,
                       relevance=self._relevance(viewer) if relevance else None, seed=seed,
                       time_limit=time_limit, pins=pins)

    def resolve(self, request, viewer: Viewer, *, pins=(), previous=(), seed: int = 0,
                time_limit: float | None = 10.0):
        """Re-solve with `pins` locked in; the result's diff is against the `previous` member ids."""
        from teamgraph.matching.explain import Diff
        result = self.suggest(request, viewer, alternatives=0, seed=seed, time_limit=time_limit, pins=pins)
        after = result.team.ids if result.team else []
        before = list(previous)
        result.diff = Diff(added=[p for p in after if p not in before], removed=[p for p in before if p not in after],
                           kept=[p for p in after if p in before],
                           names={p: self.person_name(p) for p in {*after, *before}})
        return result

    def staff(self, portfolio, viewer: Viewer, *, max_load: float | None = None, time_limit: float = 30.0,
              seed: int = 0, objective: str | None = None):
        """Staff a portfolio (body or Portfolio) from one pool; `max_load` overrides the portfolio's;
        `objective` is soft mode's (matching.request_fields.OBJECTIVES; None: STAFF_OBJECTIVE)."""
        from teamgraph.matching.portfolio import staff
        from teamgraph.matching.request_fields import STAFF_OBJECTIVE
        if isinstance(portfolio, dict):
            portfolio = self.portfolio(portfolio)
        n = len(portfolio.requests)
        phase(f"Staffing {n} request{'' if n == 1 else 's'} from one pool")
        return staff(self.store, portfolio, max_load=max_load if max_load is not None else portfolio.max_load,
                     time_limit=time_limit, seed=seed, objective=objective or STAFF_OBJECTIVE)

    def _relevance(self, viewer: Viewer):
        """The relevance term from retrieval for this viewer's visible evidence; None (the
        matching engine then notes it) when no index can be loaded."""
        try:
            retriever = self.retriever
        except (IndexMissing, ImportError, OSError) as e:
            log.info("suggesting without the relevance term: %s", e)
            return None
        def relevance(brief, person_ids):
            phase(RELEVANCE)  # the first one in a process also loads the model
            try:
                return retriever.person_relevance(brief, person_ids, viewer)
            finally:
                phase(SOLVING)  # the engine prunes and solves next
        return relevance

    def _key(self, request, viewer: Viewer, seed: int, pins) -> tuple:
        return (json.dumps(request.to_dict(), sort_keys=True, default=str), viewer.role, viewer.person, seed,
                tuple(sorted(pins)), self.revision())

    def _remember(self, request, viewer, seed, pins, result) -> None:
        """Keep recent suggestions so why-not explains the team the sponsor is looking at."""
        with self._lock:
            self._suggestions[self._key(request, viewer, seed, pins)] = result
            while len(self._suggestions) > SUGGESTIONS_KEPT:
                self._suggestions.popitem(last=False)

    # --- kickoff ----------------------------------------------------------------------------
    def kickoff(self, viewer: Viewer, *, brief: str | None = None, project_id: str | None = None,
                brief_file: str | Path | None = None, k_cases: int = 5, k_experts: int = 5,
                with_team: bool | None = None, team_request: dict | None = None, skills=(),
                department: str | None = None, process: str | None = None):
        """The kickoff package (embeddings.kickoff) for a project, an ad-hoc brief or a brief file.

        The team is composed here and nowhere else: from `team_request`, else the project's needs,
        else one person at level 3 per skill of the brief, suggested for `viewer` with the same
        relevance term as `suggest`. `with_team` None: when the viewer's role may plan teams.
        """
        from teamgraph.embeddings.kickoff import kickoff_package, read_brief
        phase(CASES)  # its team (a suggestion) reports its own phases
        if brief_file is not None:
            b = read_brief(Path(brief_file))
            brief = "\n".join(p for p in (b["title"], b["description"]) if p)
            skills, department, process = b["skills"], b["department"], b["process"]
        if with_team is None:
            with_team = viewer.role in PLANNERS
        suggester = self._team_suggester(viewer, team_request, project_id) if with_team else None
        ids = self.skill_ids(skills, file=None if brief_file is None else str(brief_file))
        return kickoff_package(self.retriever, self.store, brief=brief, project_id=project_id, viewer=viewer,
                               k_cases=k_cases, k_experts=k_experts, team_suggester=suggester,
                               skills=ids, department=department, process=process)

    def _team_suggester(self, viewer: Viewer, team_request: dict | None, project_id: str | None):
        """The kickoff's team: `context` {brief, project, skills, window, …} → a Suggestion dict."""
        def suggester(context: dict) -> dict:
            if team_request is not None:
                request = self.team_request(team_request)
            else:
                needs = self.store.project_needs(project_id) if project_id else []
                reqs = ([{"skill": n.skill, "level": n.level, "count": n.count} for n in needs]
                        or [{"skill": sk, "level": 3, "count": 1} for sk in context.get("skills") or ()])
                if not reqs:
                    raise ValidationError(FieldProblem("no skill needs to staff: the project lists none and the "
                                                       "brief names no skills", field="skills"))
                window = context["window"]
                request = self.team_request({
                    "name": context.get("project") or "", "brief": context.get("brief") or "",
                    "window": {"start": window.start.isoformat(), "end": window.end.isoformat()},
                    "requirements": reqs, "size": {"min": 1, "max": max(2, sum(r["count"] for r in reqs) + 1)}})
                # Built from skill ids: label the requirements with the skills' names for people.
                names = self.skills_by_id(r.skill for r in request.requirements)
                request = replace(request, requirements=tuple(
                    replace(r, label=names[r.skill].name) for r in request.requirements))
            return self.suggest(request, viewer, alternatives=0, time_limit=KICKOFF_TEAM_SECONDS).to_dict()
        return suggester
