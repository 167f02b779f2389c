"""Rebuild the packaged sample organisation (ingest/sample/) from the real data in /work/shared/data.

    python scripts/build_sample.py [--data /work/shared/data] [--out ingest/sample]

Deterministic (fixed seed). The organisation is "Meridian Aerospace", a maker of spacecraft
components and ground systems, so NASA Lessons Learned read as its own retrospectives:
problem = abstract + driving event (minus its closing outcome sentences), action =
recommendation, result = those outcome sentences, lesson = lesson; the LLIS lesson number and
URL stay in the case tags for attribution. Skills come from ESCO and O*NET (scripts/sample_taxonomy.py),
22 cases are written in Chinese (scripts/sample_zh.py). "Today" is 2026-11-26: active projects
overlap it, so some people are busy now.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from teamgraph.graph.model import (  # noqa: E402
    Case, CollaborationRating, Department, Expert, Membership, Person, PersonSkill, Project, ProjectNeed,
)
from teamgraph.ingest.names import CULTURES, email_local, full_name  # noqa: E402
from teamgraph.ingest.writer import FolderWriter  # noqa: E402
from scripts.sample_taxonomy import COMMON_SKILLS, CURATED, DEPT_SKILLS, build_skills  # noqa: E402
from scripts.sample_zh import ZH_CASES  # noqa: E402
from scripts.sample_calendar import add_calendar  # noqa: E402

TODAY = date(2026, 11, 26)
SEED = 20261126
DEPARTMENTS = {  # key -> (name, head count)
    "systems": ("Systems Engineering", 42), "software": ("Flight & Ground Software", 50),
    "manufacturing": ("Manufacturing & Integration", 40), "quality": ("Mission Assurance & Quality", 30),
    "operations": ("Ground Operations & Facilities", 38), "procurement": ("Procurement & Supply Chain", 26),
    "finance": ("Finance", 24), "people": ("People & Culture", 20),
    "sales": ("Sales & Customer Programs", 34), "data": ("Data & IT", 36),
}
TITLES = {  # seniority 0..4
    "systems": ("Systems engineer I", "Systems engineer", "Senior systems engineer", "Principal systems engineer"),
    "software": ("Software engineer I", "Software engineer", "Senior software engineer", "Staff software engineer"),
    "manufacturing": ("Assembly technician", "Manufacturing engineer", "Senior manufacturing engineer", "Integration lead"),
    "quality": ("Quality inspector", "Quality engineer", "Senior mission assurance engineer", "Mission assurance lead"),
    "operations": ("Operations technician", "Ground operations engineer", "Senior operations engineer", "Facilities lead"),
    "procurement": ("Buyer", "Category buyer", "Senior category manager", "Supply chain lead"),
    "finance": ("Accountant", "Financial analyst", "Senior financial analyst", "Finance business partner"),
    "people": ("HR coordinator", "Recruiter", "Senior HR business partner", "Talent lead"),
    "sales": ("Sales associate", "Account executive", "Senior account manager", "Customer program lead"),
    "data": ("Data analyst", "Data engineer", "Senior data engineer", "Data platform lead"),
}
COST = (55.0, 75.0, 100.0, 125.0, 150.0)
LOCATION_FACTOR = {"Bengaluru": 0.45, "Pune": 0.45, "Shanghai": 0.6, "Beijing": 0.6, "Shenzhen": 0.6,
                   "Lagos": 0.5, "Kraków": 0.6, "Warsaw": 0.65, "Mexico City": 0.55, "São Paulo": 0.55}
PROCESS_DEPTS = {  # who usually works on projects of each end-to-end process
    "lead-to-cash": ("sales", "finance", "data", "systems"),
    "demand-to-delivery": ("systems", "manufacturing", "software", "quality", "procurement", "operations"),
    "hire-to-onboard": ("people", "finance", "data", "software", "manufacturing"),
    "procure-to-pay": ("procurement", "finance", "quality", "data"),
    "idea-to-launch": ("systems", "software", "sales", "manufacturing", "data"),
    "issue-to-resolution": ("quality", "operations", "software", "systems", "manufacturing"),
    "record-to-report": ("finance", "data", "procurement", "people"),
}
PROJECT_NAMES = {
    "lead-to-cash": ["Quote-to-order automation", "CRM consolidation", "Pricing approval workflow",
                     "Customer program onboarding", "Milestone billing redesign", "Ground station bid desk"],
    "demand-to-delivery": ["Propulsion module integration", "Harness assembly ramp-up", "Ground segment delivery",
                           "Reaction wheel production line", "Launch site campaign", "Avionics box build",
                           "Solar array deployment hardware", "Telemetry ground system upgrade"],
    "hire-to-onboard": ["Engineering hiring drive", "Graduate programme", "Onboarding checklist rollout",
                        "Technician apprenticeship", "Interviewer training"],
    "procure-to-pay": ["Supplier qualification programme", "E-procurement rollout", "Three-way match clean-up",
                       "Second-source programme for connectors", "Hazardous materials contract renewal"],
    "idea-to-launch": ["Small-satellite attitude module", "Predictive maintenance pilot", "Digital twin pilot",
                       "Additive manufacturing bracket", "Flight software framework"],
    "issue-to-resolution": ["Anomaly investigation board", "Test stand failure review", "Field return analysis",
                            "Corrective action tracking", "Pad incident follow-up", "Customer complaint desk"],
    "record-to-report": ["Month-end close acceleration", "Project cost reporting", "Management reporting warehouse",
                         "Audit readiness", "Capital asset register"],
}
KPIS = {  # process -> (kpi name, good value, bad value)
    "lead-to-cash": (("quote_cycle_days", 3, 15), ("win_rate_pct", 38, 18), ("dso_days", 55, 85)),
    "demand-to-delivery": (("on_time_delivery_pct", 96, 70), ("lead_time_days", 60, 140)),
    "hire-to-onboard": (("time_to_hire_days", 35, 80), ("offer_acceptance_pct", 90, 60)),
    "procure-to-pay": (("po_cycle_days", 4, 20), ("touchless_invoice_pct", 85, 40)),
    "idea-to-launch": (("time_to_market_months", 9, 24), ("first_year_revenue_musd", 6, 1)),
    "issue-to-resolution": (("mean_days_to_resolve", 5, 30), ("repeat_issue_pct", 3, 20)),
    "record-to-report": (("close_days", 4, 12), ("report_errors_per_month", 1, 12)),
}
COMMENTS = ["Always answered within the hour.", "Explained the test data patiently.",
            "Great at pulling the suppliers in early.", "Unblocked the integration twice.",
            "Hard to reach across time zones.", "Solid reviews, sometimes late.", "Kept the team calm during the anomaly.",
            "反应很快，问题讲得很清楚。", "跨部门协调能力强。", "专业支持到位，但回复有时较慢。", ""]


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z(\"'])", text.strip()) if s]


def cap(text: str, limit: int = 2400) -> str:
    """Keep whole sentences up to `limit` characters (a few LLIS entries run to 20k+)."""
    if len(text) <= limit:
        return text
    out = ""
    for s in sentences(text):
        if len(out) + len(s) > limit:
            break
        out = f"{out} {s}".strip()
    return out or text[:limit].rsplit(" ", 1)[0] + " …"


OUTCOME_CUES = re.compile(r"\b(result(ed|s)?|caus(ed|ing)|led to|damage[ds]?|delay(ed|s)?|loss|lost|cost|"
                          r"scrub(bed)?|injur\w*|fail(ed|ure)|destroy\w*|outcome|consequen\w*|was found|"
                          r"were found|revealed|determined|discovered|resolved|corrected|replaced|repaired|"
                          r"prevented|root cause|investigation)", re.I)


def split_event(event: str) -> tuple[str, str]:
    """(problem, result): the driving event's closing sentences (at most 3) from the last one that
    reports an outcome or finding; the earlier sentences stay the problem."""
    event = re.split(r"\s*\bReferences?\s*:", event)[0]  # citation lists are not part of the story
    ss = sentences(event)
    if len(ss) < 2:
        return event, ""
    k = next((i for i in range(max(1, len(ss) - 3), len(ss))
              if OUTCOME_CUES.search(ss[i]) and len(ss[i]) >= 40), None)
    if k is None:
        return event, ""
    return " ".join(ss[:k]), " ".join(ss[k:])


class Tagger:
    """Tags text with skills whose name or alias occurs in it (words for Latin script, substrings for CJK)."""

    def __init__(self, skills, used: set[str]):
        self.patterns = []
        for s in skills.values():
            if s.id not in used:  # broader-only groups are too general to tag a case with
                continue
            for term in (s.name, re.sub(r"\s*\(.*\)$", "", s.name), *s.aliases):
                term = term.strip()
                if term.islower() and " " not in term and term not in CURATED.get(s.name, ()):
                    continue  # a lone common word ("schedule", "cooperate") would tag half the cases
                if re.search(r"[\u4e00-\u9fff]", term):
                    self.patterns.append((s.id, re.compile(re.escape(term))))
                elif len(term) >= 4 or term in ("SQL", "C++", "SAP", "AWS"):
                    self.patterns.append((s.id, re.compile(r"(?<![\w])" + re.escape(term) + r"(?![\w])", re.I)))

    def __call__(self, text: str, limit: int = 6) -> tuple[str, ...]:
        hits: dict[str, int] = {}
        for sid, pat in self.patterns:
            n = len(pat.findall(text))
            if n:
                hits[sid] = hits.get(sid, 0) + n
        return tuple(sorted(hits, key=lambda k: (-hits[k], k))[:limit])


def classify(lesson: dict, tags: tuple[str, ...], skill_dept: dict[str, str]) -> tuple[str, str]:
    text = " ".join(lesson[k] for k in ("title", "abstract", "driving_event", "lesson")).lower()
    if re.search(r"procure|contractor|vendor|supplier|purchas", text):
        process = "procure-to-pay"
    elif re.search(r"mishap|anomal|failure|investigat|incident|accident", text):
        process = "issue-to-resolution"
    elif re.search(r"cost|budget|financ|account", text):
        process = "record-to-report"
    elif re.search(r"train|personnel|staff|workforce|hiring", text):
        process = "hire-to-onboard"
    elif re.search(r"concept|technology development|new mission|prototype|pre-phase|formulation", text):
        process = "idea-to-launch"
    else:
        process = "demand-to-delivery"
    votes: dict[str, int] = {}
    for t in tags:  # the departments whose skills the text mentions, among those running the process
        if skill_dept.get(t) in PROCESS_DEPTS[process]:
            votes[skill_dept[t]] = votes.get(skill_dept[t], 0) + 1
    dept = max(sorted(votes), key=votes.get) if votes else PROCESS_DEPTS[process][0]
    return process, dept


def build(data: Path, out: Path) -> dict[str, int]:
    rng = random.Random(SEED)
    skills, label_id = build_skills(data / "taxonomy")
    dept_pool = {d: [label_id[lbl] for lbl in labels] for d, labels in DEPT_SKILLS.items()}
    common = [label_id[lbl] for lbl in COMMON_SKILLS]
    skill_dept = {}
    for d, ids in dept_pool.items():
        for sid in ids:
            skill_dept.setdefault(sid, d)
    tag = Tagger(skills, set(skill_dept) | set(common))

    # --- departments and people ---------------------------------------------------------------
    departments = [Department(k, name) for k, (name, _) in DEPARTMENTS.items()]
    people: list[Person] = []
    seniority: dict[str, int] = {}
    by_dept: dict[str, list[str]] = {k: [] for k in DEPARTMENTS}
    used_emails: set[str] = set()
    weights = [c.weight for c in CULTURES]
    for dept, (dname, count) in DEPARTMENTS.items():
        for i in range(count):
            c = rng.choices(CULTURES, weights)[0]
            given, family = rng.choice(c.given), rng.choice(c.family)
            local = email_local(c, given, family)
            n = 1
            while f"{local}@meridian-aero.example" in used_emails:
                n += 1
                local = f"{email_local(c, given, family)}{n}"
            used_emails.add(f"{local}@meridian-aero.example")
            pid = f"p{len(people) + 1:04d}"
            level = 4 if i == 0 else rng.choices((0, 1, 2, 3), (25, 40, 25, 10))[0]
            title = f"Head of {dname}" if level == 4 else TITLES[dept][level]
            city, tz = rng.choice(c.offices)
            capacity = rng.choices((1.0, 0.8, 0.5), (86, 9, 5))[0] if level < 4 else 1.0
            status = "leaver" if level < 4 and rng.random() < 0.04 else "active"
            rate = round(COST[level] * LOCATION_FACTOR.get(city, 1.0) * rng.uniform(0.92, 1.08))
            people.append(Person(pid, full_name(c, given, family), f"{local}@meridian-aero.example", dept, title,
                                 city, tz, capacity, float(rate), c.languages, status))
            seniority[pid] = level
            by_dept[dept].append(pid)
    person = {p.id: p for p in people}
    active_people = [p.id for p in people if p.status == "active"]

    # --- skills held: Zipf-like popularity within each department's pool ------------------------
    person_skills: list[PersonSkill] = []
    held: dict[str, dict[str, int]] = {}
    for p in people:
        pool = dept_pool[p.department]
        zipf = [1 / (r + 1) ** 0.9 for r in range(len(pool))]
        chosen = set(rng.choices(pool, zipf, k=rng.randint(5, 9)))
        chosen |= set(rng.sample(common, rng.randint(1, 3)))
        if rng.random() < 0.35:
            other = rng.choice([d for d in DEPARTMENTS if d != p.department])
            chosen.add(rng.choices(dept_pool[other], [1 / (r + 1) ** 1.2 for r in range(len(dept_pool[other]))])[0])
        base = seniority[p.id]
        held[p.id] = {}
        for sid in sorted(chosen):
            lvl = max(1, min(5, base + rng.choice((1, 2, 2, 3)) - (1 if sid in common else 0)))
            held[p.id][sid] = lvl
            evidence = rng.choices(("confirmed", "self-declared", "inferred-from-project"), (40, 40, 20))[0]
            last = None if rng.random() < 0.1 else TODAY - timedelta(days=rng.randint(10, 1100))
            person_skills.append(PersonSkill(p.id, sid, lvl, evidence, last))

    # --- LLIS lessons become cases; group them into past projects -------------------------------
    lessons = [json.loads(line) for line in (data / "llis" / "lessons.jsonl").open(encoding="utf-8")]
    lessons = [x for x in lessons if x["driving_event"].strip() and x["lesson"].strip() and x["recommendation"].strip()]
    lessons.sort(key=lambda x: int(x["lesson_number"]))
    rng.shuffle(lessons)
    lessons = lessons[:330]
    groups: dict[tuple[str, str], list[dict]] = {}
    prepared = []
    for x in lessons:
        event, outcome = split_event(x["driving_event"])
        problem = cap(f"{x['abstract'].strip()}\n\n{event}".strip() if x["abstract"].strip() else event)
        lesson = x["lesson"].strip()
        if not outcome and len(sentences(lesson)) >= 2 and len(sentences(lesson)[0]) >= 40:
            # no outcome in the event: the lesson's opening sentence states what happened
            first, *rest = sentences(lesson)
            outcome, lesson = first, " ".join(rest)
        texts = {"problem": problem, "action": cap(x["recommendation"]), "result": cap(outcome, 1200),
                 "lesson": cap(lesson)}
        tags = tag(" ".join([x["title"], *texts.values()]))
        process, dept = classify(x, tags, skill_dept)
        prepared.append((x, texts, tags))
        groups.setdefault((process, dept), []).append(prepared[-1])

    projects: list[Project] = []
    project_cases: dict[str, list] = {}
    name_count: dict[str, int] = {}

    def new_project(process: str, dept: str, start: date, months: int, status: str) -> Project:
        base = rng.choice(PROJECT_NAMES[process])
        name_count[base] = name_count.get(base, 0) + 1
        site = rng.choice(("Toulouse", "Munich", "Shanghai", "Austin", "Bengaluru", "Kourou", "Boston", "Shenzhen"))
        name = f"{base} — {site} {start.year}" + (f" ({name_count[base]})" if name_count[base] > 1 else "")
        end = start + timedelta(days=30 * months)
        heads = [q for q in by_dept[dept] if seniority[q] >= 3 and person[q].status == "active"]
        sponsor = rng.choice(heads or by_dept[dept])
        owner_dept = rng.choice(PROCESS_DEPTS[process])
        owners = [q for q in by_dept[owner_dept] if seniority[q] >= 2 and person[q].status == "active"]
        outcome = ""
        kpis = {}
        if status == "closed":
            outcome = rng.choices(("success", "partial", "failure"), (55, 30, 15))[0]
            q = {"success": 0.85, "partial": 0.5, "failure": 0.15}[outcome]
            for kname, good, bad in KPIS[process]:
                kpis[kname] = round(bad + (good - bad) * min(1, max(0, rng.gauss(q, 0.12))), 1)
        desc = (f"{process.replace('-', ' ').capitalize()} project owned by {DEPARTMENTS[dept][0]}: "
                f"{base.lower()} at the {site} site.")
        p = Project(f"prj-{len(projects) + 1:03d}", name, desc, sponsor, dept, process,
                    rng.choice(owners) if owners else sponsor, start, end, status, outcome, kpis)
        projects.append(p)
        return p

    for (process, dept), items in sorted(groups.items()):
        for i in range(0, len(items), 2):
            start = date(2019, 1, 1) + timedelta(days=rng.randint(0, 2350))
            months = rng.randint(3, 14)
            while start + timedelta(days=30 * months) >= TODAY - timedelta(days=20):
                start -= timedelta(days=200)
            status = "cancelled" if rng.random() < 0.04 else "closed"
            p = new_project(process, dept, start, months, status)
            project_cases[p.id] = items[i:i + 2]
    # past projects without written retrospectives, so every process has a history
    for process, extra in (("lead-to-cash", 8), ("idea-to-launch", 6), ("record-to-report", 4),
                           ("hire-to-onboard", 3)):
        for _ in range(extra):
            start = date(2019, 6, 1) + timedelta(days=rng.randint(0, 2100))
            new_project(process, rng.choice(PROCESS_DEPTS[process][:2]), start, rng.randint(3, 9), "closed")
    zh_projects = []
    for case in ZH_CASES:
        start = date(2021, 1, 1) + timedelta(days=rng.randint(0, 1700))
        p = new_project(case[0], case[1], start, rng.randint(3, 10), "closed")
        while p.end >= TODAY:
            p = new_project(case[0], case[1], start - timedelta(days=365), rng.randint(3, 10), "closed")
        zh_projects.append((p, case))
    open_processes = [rng.choice(list(PROCESS_DEPTS)) for _ in range(38)]
    current = [new_project(pr, rng.choice(PROCESS_DEPTS[pr][:3]), TODAY - timedelta(days=rng.randint(20, 250)),
                           rng.randint(6, 12), "active") for pr in open_processes[:24]]
    proposed = [new_project(pr, rng.choice(PROCESS_DEPTS[pr][:3]), TODAY + timedelta(days=rng.randint(20, 150)),
                            rng.randint(4, 10), "proposed") for pr in open_processes[24:]]

    # --- memberships -----------------------------------------------------------------------------
    memberships: list[Membership] = []
    members_of: dict[str, list[str]] = {}
    now_load: dict[str, float] = {}
    busy = rng.sample([q for q in active_people if seniority[q] >= 2], 14)  # in demand right now

    def staff(p: Project, size: int, current_work: bool) -> None:
        depts = [p.department] + list(PROCESS_DEPTS[p.process])
        team = [p.sponsor] if p.sponsor else []
        team_roles = {p.sponsor: "sponsor"} if p.sponsor else {}
        pool_first = busy if current_work else []
        while len(team) < size:
            if pool_first and rng.random() < 0.35:
                q = rng.choice(pool_first)
            else:
                d = rng.choice(depts)
                cands = [q for q in by_dept[d] if (person[q].status == "active" or not current_work)]
                q = rng.choice(cands)
            if q in team_roles:
                continue
            team.append(q)
            team_roles[q] = "lead" if len(team) == 2 else TITLES[person[q].department][1].lower()
        for q in team:
            role = team_roles[q]
            alloc = 0.1 if role == "sponsor" else round(rng.choice((0.2, 0.3, 0.4, 0.5, 0.6, 0.8)), 1)
            cap_ = person[q].capacity
            if current_work:
                alloc = min(alloc if q not in busy else alloc + 0.2, round(cap_ - now_load.get(q, 0.0), 1))
                if alloc < 0.1:
                    continue
                now_load[q] = round(now_load.get(q, 0.0) + alloc, 1)
            alloc = min(alloc, cap_)
            memberships.append(Membership(q, p.id, role, alloc, p.start, p.end))
            members_of.setdefault(p.id, []).append(q)

    for p in projects:
        if p.status == "proposed":
            continue
        staff(p, rng.randint(3, 8), p.status == "active")

    needs: list[ProjectNeed] = []
    for p in current + proposed:
        pool = dept_pool[p.department] + dept_pool[rng.choice(PROCESS_DEPTS[p.process])]
        for sid in dict.fromkeys(rng.sample(pool, rng.randint(2, 4))):
            needs.append(ProjectNeed(p.id, sid, rng.choice((3, 3, 4, 4, 5)), rng.choice((1, 1, 1, 2))))

    # --- cases -------------------------------------------------------------------------------------
    cases: list[Case] = []

    def visibility() -> str:
        return rng.choices(("public", "department", "confidential"), (78, 14, 8))[0]

    for p in projects:
        for x, texts, tags in project_cases.get(p.id, []):
            authors = tuple(sorted(rng.sample(members_of[p.id], min(len(members_of[p.id]), rng.randint(1, 2)))))
            topics = [t for t in x["nasa_topics"] if t and t != "None"][:3]
            cases.append(Case(f"case-llis-{x['lesson_number']}", x["title"].strip(), texts["problem"],
                              texts["action"], texts["result"], texts["lesson"], p.id, p.department, tags,
                              tuple(topics) + (f"llis:{x['lesson_number']}", f"source:{x['url']}"), "en",
                              visibility(), min(TODAY, p.end + timedelta(days=rng.randint(7, 60))), authors))
    for n, (p, (_process, _dept, title, problem, action, result, lesson, ztags)) in enumerate(zh_projects, 1):
        authors = tuple(sorted(rng.sample(members_of[p.id], min(2, len(members_of[p.id])))))
        cases.append(Case(f"case-zh-{n:02d}", title, problem, action, result, lesson, p.id, p.department,
                          tag(" ".join((title, problem, action, result, lesson))), ztags, "zh", visibility(),
                          min(TODAY, p.end + timedelta(days=rng.randint(7, 40))), authors))

    # --- experts and ratings -----------------------------------------------------------------------
    experts: list[Expert] = []
    for sid in sorted({s for h in held.values() for s, lvl in h.items() if lvl == 5}):
        top = sorted((q for q in active_people if held[q].get(sid) == 5), key=lambda q: (-seniority[q], q))
        if rng.random() > 0.4:  # designations are deliberate, not every level-5 holder
            continue
        for q in top[:rng.choice((1, 1, 2))]:
            experts.append(Expert(q, sid, rng.choice(("designated", "designated", "nominated", "peer-recommended"))))
    for q, topic in zip(rng.sample(active_people, 4), ("anomaly investigation", "供应商管理",
                                                     "launch campaign logistics", "跨部门协作")):
        experts.append(Expert(q, topic, "nominated"))
    warmth = {q: rng.gauss(0, 0.7) for q in person}
    ratings: list[CollaborationRating] = []
    for p in projects:
        team = members_of.get(p.id, [])
        if p.status not in ("closed", "cancelled") or len(team) < 2:
            continue
        pairs = {tuple(rng.sample(team, 2)) for _ in range(min(6, len(team) * (len(team) - 1) // 2))}
        for a, b in sorted(pairs):
            s1, s2, s3 = (max(1, min(5, round(3.6 + warmth[b] + rng.gauss(0, 0.6)))) for _ in range(3))
            ratings.append(CollaborationRating(a, b, p.id, min(TODAY, p.end + timedelta(days=rng.randint(1, 20))),
                                               s1, s2, s3, rng.choice(COMMENTS)))

    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.csv"):
        old.unlink()
    with FolderWriter(out) as w:
        w.write(*departments, *skills.values(), *people, *projects, *person_skills, *needs, *memberships,
                *cases, *experts, *ratings)
    (out / "ATTRIBUTION.md").write_text(ATTRIBUTION, encoding="utf-8")
    return {**w.counts, **add_calendar(out)}  # phased allocations, leave, capacity changes, holidays


ATTRIBUTION = """\
# Attribution

This sample organisation ("Meridian Aerospace") is fictional: people, departments, projects,
allocations, ratings and expert designations were generated by `scripts/build_sample.py`
(fixed seed). The texts and vocabularies it is built from are real and are credited here.

## Retrospective cases — NASA Lessons Learned Information System (LLIS)
Cases with ids `case-llis-<n>` reuse the title, abstract, driving event, lesson and
recommendation of NASA LLIS lesson `<n>` (the tags `llis:<n>` and `source:<url>` link to
the original, e.g. https://llis.nasa.gov/lesson/10). Text written by NASA, a work of the
U.S. Government (public domain). Source: https://llis.nasa.gov, via a public export. The
project, department, authors, dates and visibility attached to each case are fictional.

## Skills — ESCO
Skill names, alternative labels (aliases) and broader links from ESCO v1.2.0 (skills
hierarchy, skill groups, digital and transversal skill collections).
© European Union, ESCO classification, reused under Commission Decision 2011/833/EU.
https://esco.ec.europa.eu

## Skills — O*NET
Technology skill names and their commodity categories (used as broader skills):
This page includes information from the O*NET 29.2 Database by the U.S. Department of Labor,
Employment and Training Administration (USDOL/ETA). Used under the CC BY 4.0 license.
https://www.onetcenter.org — O*NET® is a trademark of USDOL/ETA. The sample modified the
data (selection, short aliases) and USDOL/ETA has not approved, endorsed or tested it.

## Written for teamgraph
The 22 Chinese retrospective cases (`case-zh-*`), the Chinese skill aliases, a few English
cue-word aliases and the rating comments were written for this project (same licence as
teamgraph).
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("/work/shared/data"))
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "ingest" / "sample")
    args = ap.parse_args()
    counts = build(args.data, args.out)
    print(json.dumps(counts, indent=1))


if __name__ == "__main__":
    main()
