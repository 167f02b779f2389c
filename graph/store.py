"""The GraphStore protocol: what the engine needs from a graph store (read models: graph/reads.py).

Two implementations pass one contract suite (tests/contract): `graph.sqlite_store.SqliteStore`
(the embedded default) and `graph.neo4j_store.Neo4jStore`. Callers never branch on the backend;
`open_store` is the only place that chooses one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from teamgraph.graph.model import (
    WRITE_ORDER, Case, ChangeSet, Department, Membership, Person, Project, ProjectNeed, Skill, Viewer, Window,
)
# ApplyReport and jsonable are also imported from here by callers outside graph/ (ingest/loader.py,
# graph/cli.py); the read models themselves live in graph/reads.py.
from teamgraph.graph.reads import (  # noqa: F401
    ApplyReport, Calendar, Candidate, CandidateAsk, CollaborationPair, EvidenceLink, PersonProfile, SkillNeighbourhood, SkillRisk,
    SkillUse, Snapshot, jsonable,
)

if TYPE_CHECKING:
    from teamgraph.graph.bookings import Booking, BookingEvent
    from teamgraph.settings import Settings


@runtime_checkable
class GraphStore(Protocol):
    # --- writes -----------------------------------------------------------------------------
    def apply(self, changes: ChangeSet) -> ApplyReport:
        """Upsert and delete everything in `changes` in one transaction; all or nothing.

        Deletes run first, then upserts. Deleting a node also removes the relationship records
        attached to it (skills, needs, memberships, ratings, expert designations) and drops or
        nulls references to it in other nodes; a department that still has people cannot be
        deleted. Every reference of an upserted record must resolve once the change set is
        applied, else ValidationError naming each record and field, and nothing is written.
        Identical upserts change nothing: `written` counts changed rows and the revision moves
        only when something changed.
        """

    def forget_person(self, person_id: str) -> ApplyReport:
        """Right to be forgotten: remove the person and their personal data everywhere.

        Anonymised aggregates stay correct: their memberships and the ratings they gave are
        kept under an opaque tombstone id (not a Person), so project head-counts and others'
        mean ratings do not change; ratings about them, skills, expert designations and
        authorship are removed; sponsor/process-owner references become null. The comments of
        the kept ratings are blanked (their author's own words). Unknown id: NotFoundError.
        """

    def revision(self) -> int:
        """Monotonic counter bumped by every write; retrieval indexes record it to detect staleness."""

    # --- generic reads ----------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        """Records per entity kind (see graph.model.ENTITY_TYPES)."""

    def get(self, kind: str, key: str | tuple) -> object | None:
        """One record by id (nodes) or natural key (relationships); cases unfiltered (system use)."""

    def all(self, kind: str) -> Iterator:
        """Every record of a kind, streamed; cases unfiltered (system use: indexing)."""

    # --- engine reads -----------------------------------------------------------------------
    def person_profile(self, person_id: str, window: Window, viewer: Viewer) -> PersonProfile | None:
        """Skills (highest level first), memberships (newest first), visible authored cases
        (newest first), expert topics, ratings received (HR/admin only) and peak load."""

    def candidates(self, needs: Sequence[tuple[str, int]], window: Window,
                   include: Iterable[str] = (), departments: Iterable[str] = ()) -> list[Candidate]:
        """Active people holding any (skill, min level) need, plus `include`, with loads in `window`.

        `departments` adds every active person of those departments whatever their skills (a
        required department may be represented by someone who holds none of the needs).
        `include` adds existing people whatever their skills or status (a pinned leaver comes
        back with status "leaver" so callers can explain). Unknown ids are ignored. Each
        candidate carries all their skills. Sorted by person id.
        """

    def candidates_many(self, asks: Sequence[CandidateAsk]) -> list[list[Candidate]]:
        """`candidates(*ask)` for each ask, in order, with each person's row and skills read once
        for all the asks (a portfolio's requests share most of their people)."""

    # --- lookups for request paths (so none of them scans `all`) -----------------------------
    def project_needs(self, project_id: str) -> list[ProjectNeed]:
        """The project's skill needs, sorted by skill; [] for an unknown project."""

    def project_members(self, project_id: str) -> list[Membership]:
        """The project's memberships, sorted by person, start (none first), role; [] for an
        unknown project. Memberships kept under a tombstone by `forget_person` are included
        (head-counts stay right); their `person` is not a Person id."""

    def projects(self, statuses: Iterable[str] | None = None) -> list[Project]:
        """Projects whose status is one of `statuses` (every project when None), sorted by id."""

    def departments(self) -> list[Department]:
        """Every department, sorted by name, then id."""

    def find_skills(self, names: Iterable[str]) -> dict[str, Skill]:
        """Each given name (the key, exactly as given) -> the skill whose id, name or an alias
        equals it after `reads.fold` (strip + casefold); unknown names are absent. When names
        of several skills match, an id beats a name beats an alias, then the smallest id wins.

        (Neo4j has no casefold: it folds with toLower, the same except for a few letters such
        as ß, which casefold also equates with "ss". This holds for both searches below.)"""

    def search_skills(self, query: str, limit: int = 10) -> list[Skill]:
        """Skills whose id, name or an alias contains the folded query; skills whose name starts
        with it first, then by name, then id. An empty query lists skills by name."""

    def search_people(self, query: str, limit: int = 10) -> list[Person]:
        """Active people whose id, name or title contains the folded query; an exact id or a
        name starting with it first, then by name, then id."""

    def demanded_skills(self, department: str | None = None) -> list[str]:
        """Ids of the skills needed by proposed/active projects (owned by `department` when
        given), sorted."""

    def skill_vocabulary(self) -> list[SkillUse]:
        """The skills people can be offered: every skill an active person holds (any level) or a
        proposed/active project needs, plus every broader skill above those (for browsing; their
        counts may be 0), each with `holders` (active people holding it) and `needed_by` (open
        projects needing it); sorted by skill id."""

    def people_matching(self, query: str = "", department: str | None = None, skill: str | None = None,
                        min_level: int = 1) -> list[str]:
        """Ids of active people matching every given filter — id, name or title containing the
        folded `query` (empty: any), of `department`, holding `skill` at `min_level` or more —
        sorted by name, then id (the people directory pages and filters them by load)."""

    def project_index(self, query: str = "", statuses: Iterable[str] | None = None, department: str | None = None,
                      skill: str | None = None, limit: int = 50, offset: int = 0) -> tuple[int, list[Project]]:
        """(how many projects match, one page of them): id or name containing the folded `query`,
        status in `statuses` (None: any), owned by `department`, needing `skill`; newest start
        first (no start last), then by id."""

    def memberships_of(self, person_ids: Iterable[str]) -> list[Membership]:
        """Their memberships, sorted by person, start, project, role."""

    def collaboration_pairs(self, person_ids: Iterable[str] | None = None) -> list[CollaborationPair]:
        """Pairs who share a project (both ends in `person_ids` when given), sorted by (a, b).

        `times` = shared projects; `last` = the latest day both were still on a shared project
        (per project, the earlier of their membership ends, falling back to the project end);
        `mean_rating` = mean of CollaborationRating.mean over every rating either gave the
        other. Tombstones are not people and never appear.
        """

    def skill_neighbourhood(self, skill_id: str, department: str | None = None,
                            limit: int = 25) -> SkillNeighbourhood | None:
        """None for an unknown skill. Holders (level desc, then id), supply and co-occurring
        skills (count desc, then id) count active people, of `department` when given; demand
        sums `count` of needs on proposed/active projects (owned by `department` when given);
        `limit` caps holders and co_occurring, not supply."""

    def skills_at_risk(self, max_holders: int = 2, department: str | None = None) -> list[SkillRisk]:
        """Skills with 1..max_holders active holders at level >= 3 (bus factor); fewest holders
        first, then skill id; holders level desc, then person id."""

    def get_case(self, case_id: str, viewer: Viewer) -> Case | None:
        """The case, or None if it does not exist or `viewer` may not see it."""

    def list_cases(self, viewer: Viewer, *, department: str | None = None, project: str | None = None,
                   skill: str | None = None, language: str | None = None,
                   limit: int = 100, offset: int = 0) -> list[Case]:
        """Visible cases matching every given filter (skill: one of the case's skills), newest
        first, then by id."""

    def visible_case_ids(self, viewer: Viewer) -> set[str]: ...

    def evidence(self, person_ids: Iterable[str] | None = None) -> list[EvidenceLink]:
        """Authored links (date = case date) and member links (role, date = membership end) of
        real people, sorted by person, kind, target. Not visibility-filtered: callers showing
        case ids intersect them with `visible_case_ids(viewer)`."""

    # --- bookings (graph/bookings.py; tests/contract/test_store_bookings.py) -------------------
    def create_booking(self, booking: Booking, *, allow_overload: bool = False) -> Booking:
        """Write a new tentative or confirmed booking, its members and its first audit event in
        one transaction, after `bookings.validate_booking` and, inside the transaction, the
        reference check (people exist and are active, the project exists) and the capacity check
        (`bookings.conflicts`: every live booking and membership counted): BookingConflict naming
        each person and week, ValidationError naming each field; either way nothing is written.
        `allow_overload` writes it over capacity, the first event naming who and how many weeks."""

    def create_bookings(self, bookings: Sequence[Booking], *, allow_overload: bool = False) -> list[Booking]:
        """`create_booking` for several bookings (a portfolio) in one transaction, all or nothing:
        each also counts the batch's earlier ones (`bookings.batch_conflicts`), conflicts name
        the booking's request."""

    def snapshot(self, kinds: Sequence[str] = WRITE_ORDER,
                 booking_statuses: Sequence[str] | None = ("tentative", "confirmed")) -> Snapshot:
        """Every record of `kinds` (key order), the bookings in `booking_statuses` (None: all) and the
        revision, read as ONE consistent state: a write racing the read is wholly in it or wholly out
        (a what-if overlay's copy, teamgraph/scenario_run.py). SQLite: one read transaction (WAL: a
        snapshot; writers go on). Neo4j: its transactions are read-committed, so one read transaction
        alone would not do — the read holds the store's write lock (the Meta node every write takes
        first) in a transaction that writes nothing, so writers wait until the copy is read."""

    def apply_and_book(self, changes: ChangeSet, bookings: Sequence[Booking], *,
                       allow_overload: bool = False) -> tuple[ApplyReport, list[Booking]]:
        """`apply(changes)` then `create_bookings(bookings)` in ONE transaction, the bookings checked
        on the organisation as the changes leave it (a what-if applied with its team booked): any
        error (a reference, a BookingConflict) writes nothing. Returns both's report and the bookings."""

    def change_booking(self, booking_id: str, action: str, *, at: str, by: str | None, role: str,
                       person: str | None = None, note: str = "") -> Booking:
        """confirm | cancel | release `person` (`bookings.transition`) with its audit event, in one
        transaction; NotFoundError, BookingStateError (e.g. confirm a cancelled booking)."""

    def get_booking(self, booking_id: str) -> Booking | None:
        """The booking with its members sorted by person id."""

    def list_bookings(self, *, project: str | None = None, person: str | None = None,
                      booked_by: str | None = None, statuses: Iterable[str] | None = None) -> list[Booking]:
        """Bookings matching every given filter (person: one of its members, booked or released),
        newest `booked_at` first, then by id."""

    def booking_events(self, booking_id: str) -> list[BookingEvent]:
        """The booking's audit trail, oldest first ([] for an unknown booking)."""

    def booked_memberships(self, person_ids: Iterable[str], window: Window | None = None,
                           statuses: Iterable[str] | None = None) -> list[Membership]:
        """Booked (not released) members of bookings in `statuses` overlapping `window`, as
        memberships (`bookings.as_memberships`). `statuses` None: what load counts
        (`bookings.counted_statuses(count_tentative)`). `candidates` and `person_profile` add
        these to the memberships their load sweeps."""

    def calendars(self, person_ids: Iterable[str], window: Window | None = None) -> dict[str, Calendar]:
        """{person id: Calendar} for every existing person among `person_ids` (unknown ids and
        tombstones absent): Person.capacity, their capacity periods, time off and the holidays
        of their location, each overlapping `window` when given, oldest first. With their load
        memberships, what graph.load.calendar_pieces needs (candidates and person_profile use it)."""

    def load_memberships(self, person_ids: Iterable[str]) -> list[Membership]:
        """What a person's load is made of: `memberships_of` plus `booked_memberships` (callers
        that sweep weeks themselves: why-not, diagnosis, portfolio pools, weekly load)."""

    def close(self) -> None: ...


def open_store(settings: Settings) -> GraphStore:
    """The one place that picks a backend, from `settings.store`."""
    if settings.store == "neo4j":
        from teamgraph.graph.neo4j_store import Neo4jStore
        return Neo4jStore.from_settings(settings)
    from teamgraph.graph.sqlite_store import SqliteStore
    return SqliteStore(settings.data_dir / "teamgraph.sqlite3", count_tentative=settings.count_tentative)
