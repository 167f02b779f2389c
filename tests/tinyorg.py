"""A small hand-checked organisation shared by tests of every capability.

Departments: eng, ops, fin, hr. Skills form a little hierarchy (python ⊂ programming).
Dates are fixed so loads are hand-computable. Window used by tests: 2026-01-01 .. 2026-03-31.
"""

from __future__ import annotations

from datetime import date

from teamgraph.graph.model import (
    Case, ChangeSet, CollaborationRating, Department, Expert, Membership, Person, PersonSkill,
    Project, ProjectNeed, Skill, Window,
)

Q1 = Window(date(2026, 1, 1), date(2026, 3, 31))

DEPARTMENTS = [
    Department("eng", "Engineering"), Department("ops", "Operations"),
    Department("fin", "Finance"), Department("hr", "People & Culture"),
]
SKILLS = [
    Skill("programming", "Computer programming", category="digital"),
    Skill("python", "Python", aliases=("python3", "Python 编程"), broader="programming", category="digital"),
    Skill("sql", "SQL", aliases=("structured query language",), broader="programming", category="digital"),
    Skill("k8s", "Kubernetes", aliases=("k8s", "容器编排"), category="digital"),
    Skill("budgeting", "Budgeting", aliases=("预算编制",), category="finance"),
    Skill("recruiting", "Recruiting", aliases=("招聘",), category="people"),
    Skill("negotiation", "Negotiation", aliases=("谈判",), category="transversal"),
    Skill("logistics", "Logistics planning", category="operations"),
]
PEOPLE = [
    Person("ana", "Ana Lima", "ana@example.org", "eng", "Staff engineer", "Lisbon", "Europe/Lisbon", 1.0, 120, ("en", "pt")),
    Person("bo", "Bo Chen", "bo@example.org", "eng", "Engineer", "Shanghai", "Asia/Shanghai", 1.0, 90, ("zh", "en")),
    Person("cy", "Cy Park", "cy@example.org", "eng", "Engineer", "Seoul", "Asia/Seoul", 0.8, 95, ("ko", "en")),
    Person("dee", "Dee Okafor", "dee@example.org", "ops", "Ops lead", "Lagos", "Africa/Lagos", 1.0, 80, ("en",)),
    Person("eli", "Eli Novak", "eli@example.org", "ops", "Planner", "Prague", "Europe/Prague", 1.0, 70, ("cs", "en")),
    Person("fay", "Fay Wong", "fay@example.org", "fin", "Controller", "Hong Kong", "Asia/Hong_Kong", 1.0, 110, ("zh", "en")),
    Person("gus", "Gus Berg", "gus@example.org", "fin", "Analyst", "Oslo", "Europe/Oslo", 1.0, 85, ("no", "en")),
    Person("hal", "Hal Ito", "hal@example.org", "hr", "Recruiter", "Tokyo", "Asia/Tokyo", 1.0, 75, ("ja", "en")),
    Person("ivy", "Ivy Diaz", "ivy@example.org", "hr", "HR partner", "Madrid", "Europe/Madrid", 1.0, 78, ("es", "en")),
    Person("jon", "Jon Roe", "jon@example.org", "eng", "Engineer (left)", "Berlin", "Europe/Berlin", 1.0, 90, ("de",), "leaver"),
]
PERSON_SKILLS = [
    PersonSkill("ana", "python", 5, "confirmed", date(2025, 12, 1)),
    PersonSkill("ana", "k8s", 4, "confirmed", date(2025, 11, 1)),
    PersonSkill("ana", "sql", 3, "self-declared", date(2024, 6, 1)),
    PersonSkill("bo", "python", 4, "inferred-from-project", date(2025, 10, 1)),
    PersonSkill("bo", "k8s", 2, "self-declared", None),
    PersonSkill("cy", "sql", 4, "confirmed", date(2025, 9, 1)),
    PersonSkill("cy", "python", 3, "self-declared", date(2023, 1, 1)),
    PersonSkill("dee", "logistics", 5, "confirmed", date(2025, 12, 1)),
    PersonSkill("dee", "negotiation", 3, "self-declared", None),
    PersonSkill("eli", "logistics", 3, "confirmed", date(2025, 8, 1)),
    PersonSkill("fay", "budgeting", 5, "confirmed", date(2025, 12, 1)),
    PersonSkill("fay", "negotiation", 4, "confirmed", date(2025, 5, 1)),
    PersonSkill("gus", "budgeting", 3, "self-declared", date(2025, 1, 1)),
    PersonSkill("gus", "sql", 3, "inferred-from-project", date(2025, 3, 1)),
    PersonSkill("hal", "recruiting", 5, "confirmed", date(2025, 12, 1)),
    PersonSkill("ivy", "recruiting", 3, "self-declared", None),
    PersonSkill("jon", "python", 5, "confirmed", date(2024, 1, 1)),
]
PROJECTS = [
    Project("p-crm", "CRM migration", "Move sales pipeline to the new CRM; lead-to-cash data cleanup.",
            sponsor="fay", department="fin", process="lead-to-cash", process_owner="fay",
            start=date(2025, 1, 1), end=date(2025, 6, 30), status="closed", outcome="success",
            kpis={"cycle_time_days": 21.0}),
    Project("p-wms", "Warehouse system rollout", "Roll out a warehouse management system across two sites.",
            sponsor="dee", department="ops", process="demand-to-delivery", process_owner="dee",
            start=date(2025, 3, 1), end=date(2025, 12, 31), status="closed", outcome="partial"),
    Project("p-hire", "Engineering hiring drive", "Hire 20 engineers in a quarter.",
            sponsor="hal", department="hr", process="hire-to-onboard", process_owner="ivy",
            start=date(2025, 9, 1), end=date(2026, 2, 28), status="active"),
    Project("p-plat", "Platform upgrade", "Upgrade the Kubernetes platform and CI.",
            sponsor="ana", department="eng", process="demand-to-delivery", process_owner="ana",
            start=date(2026, 1, 15), end=date(2026, 6, 30), status="active"),
    Project("p-new", "Pricing engine", "A new pricing engine for quotes.", sponsor="fay", department="fin",
            process="lead-to-cash", start=date(2026, 4, 1), end=date(2026, 9, 30), status="proposed"),
]
NEEDS = [
    ProjectNeed("p-new", "python", 3, 2), ProjectNeed("p-new", "budgeting", 3, 1),
    ProjectNeed("p-plat", "k8s", 4, 2),
]
MEMBERSHIPS = [
    Membership("ana", "p-crm", "tech lead", 0.5, date(2025, 1, 1), date(2025, 6, 30)),
    Membership("fay", "p-crm", "sponsor", 0.2, date(2025, 1, 1), date(2025, 6, 30)),
    Membership("gus", "p-crm", "analyst", 0.5, date(2025, 1, 1), date(2025, 6, 30)),
    Membership("dee", "p-wms", "lead", 0.6, date(2025, 3, 1), date(2025, 12, 31)),
    Membership("eli", "p-wms", "planner", 0.8, date(2025, 3, 1), date(2025, 12, 31)),
    Membership("bo", "p-wms", "engineer", 0.5, date(2025, 3, 1), date(2025, 12, 31)),
    Membership("ana", "p-wms", "advisor", 0.1, date(2025, 6, 1), date(2025, 9, 30)),
    # current work inside Q1 2026: ana peaks at 0.9 from Jan 15 to Feb 28
    Membership("hal", "p-hire", "lead", 0.7, date(2025, 9, 1), date(2026, 2, 28)),
    Membership("ana", "p-hire", "interviewer", 0.2, date(2025, 9, 1), date(2026, 2, 28)),
    Membership("ana", "p-plat", "lead", 0.7, date(2026, 1, 15), date(2026, 6, 30)),
    Membership("bo", "p-plat", "engineer", 1.0, date(2026, 1, 15), date(2026, 6, 30)),
    Membership("cy", "p-plat", "engineer", 0.4, date(2026, 2, 1), date(2026, 3, 15)),
]
CASES = [
    Case("c-1", "CRM data cleanup took twice as long as planned",
         "Duplicate customer records in the old CRM blocked the migration.",
         "Ran a deduplication sprint with sales ops before the cut-over.",
         "Migration finished with two weeks delay; duplicate rate fell to 0.3%.",
         "Budget a data-quality sprint before any CRM migration.",
         project="p-crm", department="fin", skills=("sql", "budgeting"), tags=("crm", "data quality"),
         language="en", visibility="public", date=date(2025, 7, 1), authors=("ana", "gus")),
    Case("c-2", "Warehouse scanners failed at the second site",
         "Handheld scanners lost Wi-Fi in the cold store.", "Added access points and offline mode.",
         "Picking errors dropped by half.", "Survey radio coverage before rollout.",
         project="p-wms", department="ops", skills=("logistics",), tags=("wms", "wifi"),
         visibility="department", date=date(2025, 12, 15), authors=("dee",)),
    Case("c-3", "Vendor contract dispute (confidential)",
         "The WMS vendor disputed change requests.", "Escalated to the process owner and legal.",
         "Settled with a 12% discount.", "Write change-request pricing into the contract.",
         project="p-wms", department="ops", skills=("negotiation",), tags=("vendor", "contract"),
         visibility="confidential", date=date(2025, 11, 1), authors=("dee",)),
    Case("c-4", "招聘流程跨部门协同", "用人部门与人力资源对岗位要求理解不一致，导致面试反复。",
         "建立统一的岗位画像并由流程负责人审批。", "关键岗位到岗时间缩短了三周。",
         "招聘前先对齐岗位画像和面试标准。", project="p-hire", department="hr",
         skills=("recruiting",), tags=("招聘", "跨部门"), language="zh", visibility="public",
         date=date(2026, 1, 10), authors=("hal", "ivy")),
    Case("c-5", "Kubernetes upgrade broke batch jobs",
         "A deprecated API removed in the Kubernetes upgrade broke nightly batch jobs.",
         "Added an API deprecation check to CI.", "No further breakages in three upgrades.",
         "Scan manifests for removed APIs before every cluster upgrade.",
         project="p-plat", department="eng", skills=("k8s", "python"), tags=("kubernetes", "upgrade"),
         visibility="public", date=date(2026, 2, 1), authors=("ana", "bo")),
]
EXPERTS = [Expert("ana", "k8s", "designated"), Expert("fay", "budgeting", "designated"),
           Expert("hal", "招聘", "nominated")]
RATINGS = [
    CollaborationRating("ana", "gus", "p-crm", date(2025, 7, 1), 5, 4, 4, "Great analyst"),
    CollaborationRating("gus", "ana", "p-crm", date(2025, 7, 1), 4, 5, 5, "Unblocked us"),
    CollaborationRating("fay", "ana", "p-crm", date(2025, 7, 2), 3, 4, 4, ""),
    CollaborationRating("dee", "eli", "p-wms", date(2026, 1, 5), 4, 4, 3, ""),
    CollaborationRating("eli", "dee", "p-wms", date(2026, 1, 5), 2, 3, 3, "Slow to answer"),
    CollaborationRating("bo", "dee", "p-wms", date(2026, 1, 6), 4, 4, 4, ""),
]


def tiny_org() -> ChangeSet:
    cs = ChangeSet()
    cs.add(*DEPARTMENTS, *SKILLS, *PEOPLE, *PROJECTS, *PERSON_SKILLS, *NEEDS, *MEMBERSHIPS,
           *CASES, *EXPERTS, *RATINGS)
    return cs
