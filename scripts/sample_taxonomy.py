"""Skills of the sample organisation, taken from the real taxonomies in /work/shared/data/taxonomy:
ESCO v1.2.0 (digital and transversal skill collections, skills hierarchy groups; aliases from
altLabels, broader links from the ESCO hierarchy) and O*NET 29.2 Technology Skills (broader =
the UNSPSC commodity title O*NET files them under). Every label below must exist in those files;
the builder fails otherwise, so no skill name is invented.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

from teamgraph.graph.model import Skill
from scripts.sample_zh import ZH_ALIASES

# department key -> skills typical of it (most common first; the order drives popularity)
DEPT_SKILLS: dict[str, list[str]] = {
    "systems": ["performing risk analysis and management", "designing systems and products",
                "model based system engineering", "systems thinking", "computer simulation",
                "interpreting technical documentation and diagrams", "MATLAB", "ICT system user requirements",
                "documenting technical designs, procedures, problems or activities", "control systems",
                "aircraft flight control systems", "Microsoft Project", "digital twin technology",
                "Monte Carlo simulation", "Oracle Primavera Enterprise Project Portfolio Management"],
    "software": ["computer programming", "Python (computer programming)", "C++", "debug software",
                 "execute software tests", "embedded systems", "Git", "Linux", "Agile project management",
                 "Java (computer programming)", "develop automated software tests", "firmware",
                 "execute integration testing", "DevOps", "Atlassian JIRA", "Docker", "Kubernetes",
                 "Jenkins (tools for software configuration management)", "use software design patterns",
                 "JavaScript", "design firmware", "Haskell", "COBOL", "Erlang"],
    "manufacturing": ["assembling electrical and electronic products", "assembling mechanical products",
                      "joining parts using soldering, welding or brazing techniques", "planning production processes",
                      "using precision measuring equipment", "monitoring quality of products",
                      "printed circuit boards testing methods", "Dassault Systemes SolidWorks",
                      "3D printing process", "CAM software", "Autodesk AutoCAD", "tend CNC milling machine",
                      "operating precision industrial equipment", "test hardware"],
    "quality": ["monitoring quality of products", "reporting incidents and defects", "manage quality",
                "testing electrical and mechanical systems or equipment ", "attend to detail",
                "quality control systems", "comply with regulations", "monitoring safety or security",
                "complying with health and safety procedures", "ICT process quality models",
                "ensuring compliance with legislation", "test sensors", "hardware testing methods",
                "microsystem test procedures"],
    "operations": ["maintaining electrical, electronic and precision equipment", "maintaining mechanical machinery",
                   "monitoring operational activities", "handling and disposing of hazardous materials",
                   "developing contingency and emergency response plans", "operating lifting or moving equipment",
                   "training on operational procedures", "operate control panels", "alarm systems",
                   "building systems monitoring technology", "operating pumping systems or equipment",
                   "operate two-way radio systems", "use radar navigation"],
    "procurement": ["purchasing goods or services", "negotiating and managing contracts and agreements",
                    "managing transport and logistics activities", "SAP software", "e-procurement",
                    "estimating resource needs", "storing goods and materials", "operate warehouse record systems",
                    "manage standard enterprise resource planning system", "SAP Concur",
                    "transportation software related to an ERP system", "ABAP"],
    "finance": ["preparing financial documents, records, reports, or budgets", "managing budgets or finances",
                "Microsoft Excel", "analysing financial and economic data", "SAP software",
                "executing financial transactions", "monitoring financial and economic resources and activity",
                "business intelligence", "Microsoft Power BI", "providing financial advice", "Intuit QuickBooks",
                "Microsoft Visual Basic for Applications VBA", "SAS language"],
    "people": ["recruiting and hiring", "interviewing", "managing and administering human resources",
               "coaching and mentoring", "Workday software", "teaching and training",
               "monitoring and evaluating the performance of individuals", "mediating and resolving disputes",
               "show empathy", "deliver online training", "Oracle PeopleSoft", "Kronos Workforce Timekeeper"],
    "sales": ["selling products or services", "negotiating and managing contracts and agreements",
              "use customer relationship management software", "Salesforce software",
              "engaging with others to identify needs", "promoting products, services, or programs",
              "conducting academic or market research", "address an audience", "marketing analytics",
              "HubSpot software", "digital marketing techniques", "web analytics", "build networks",
              "developing financial, business or marketing plans"],
    "data": ["SQL", "perform data analysis", "Python (computer programming)", "data warehouse", "data mining",
             "machine learning", "business intelligence", "Tableau", "cloud technologies", "manage database",
             "perform data cleansing", "migrate existing data", "Amazon Web Services AWS software",
             "Microsoft Azure software", "plan migration to cloud", "cyber security", "PostgreSQL",
             "Apache Spark", "Apache Kafka", "R", "ServiceNow", "Splunk Enterprise", "NoSQL",
             "information security strategy", "data engineering"],
}
COMMON_SKILLS = ["work in teams", "think analytically", "solve problems", "lead others", "manage time",
                 "adapt to change", "negotiate compromises", "resolve conflicts", "delegate responsibilities",
                 "motivate others", "demonstrate intercultural competence", "Microsoft PowerPoint",
                 "Microsoft SharePoint", "Atlassian Confluence", "Microsoft Teams", "use spreadsheets software",
                 "ICT project management", "directing, supervising and coordinating projects"]

# English cue words written for this sample, so case text can be tagged with the skills it is about.
EXTRA_ALIASES: dict[str, tuple[str, ...]] = {
    "joining parts using soldering, welding or brazing techniques": ("welding", "weld", "welds", "soldering",
                                                                    "solder", "brazing"),
    "monitoring quality of products": ("inspection", "inspections", "inspected", "contamination", "workmanship"),
    "reporting incidents and defects": ("nonconformance", "problem report", "mishap", "close call", "anomaly report"),
    "performing risk analysis and management": ("risk management", "risk assessment", "hazard analysis", "FMEA",
                                                "failure modes", "risk"),
    "handling and disposing of hazardous materials": ("hazardous materials", "hazardous", "propellant", "propellants",
                                                      "hydrazine", "toxic"),
    "testing electrical and mechanical systems or equipment ": ("vibration test", "acceptance test", "testing",
                                                               "qualification test", "test procedure", "verification"),
    "documenting technical designs, procedures, problems or activities": ("documentation", "drawings",
                                                                          "work instructions"),
    "interpreting technical documentation and diagrams": ("schematic", "schematics", "specifications"),
    "developing contingency and emergency response plans": ("contingency", "emergency", "emergency response"),
    "training on operational procedures": ("training", "operator training"),
    "maintaining mechanical machinery": ("maintenance", "preventive maintenance", "hydraulic", "valve", "valves",
                                         "corrosion"),
    "maintaining electrical, electronic and precision equipment": ("wiring", "connector", "connectors", "cable",
                                                                   "cables", "electrical"),
    "operating lifting or moving equipment": ("crane", "cranes", "hoist", "lifting", "forklift"),
    "purchasing goods or services": ("procurement", "purchase order", "purchasing"),
    "negotiating and managing contracts and agreements": ("contractor", "contractors", "contract"),
    "complying with health and safety procedures": ("safety procedures", "personnel safety", "lockout",
                                                    "industrial safety"),
    "designing systems and products": ("design review", "system design", "design", "requirements"),
    "computer programming": ("software", "flight software"),
    "debug software": ("software error", "software bug"),
    "embedded systems": ("avionics", "flight computer", "onboard computer"),
    "execute software tests": ("software testing", "software test"),
    "control systems": ("attitude control", "control system", "guidance and control"),
    "managing budgets or finances": ("budget", "cost overrun", "cost"),
    "monitoring operational activities": ("ground operations", "launch operations", "operations"),
    "coaching and mentoring": ("mentoring", "mentor"),
    "manage quality": ("quality assurance", "mission assurance"),
    "test sensors": ("sensor", "sensors", "transducer"),
    "managing transport and logistics activities": ("shipping", "transportation", "transport"),
    "storing goods and materials": ("storage", "stored"),
    "computer simulation": ("simulation", "simulations"),
    "using precision measuring equipment": ("calibration", "torque", "measurement"),
    "assembling mechanical products": ("assembly", "integration"),
    "directing, supervising and coordinating projects": ("project management", "project manager", "schedule"),
    "work in teams": ("teamwork", "communication"),
    "ICT system user requirements": ("user requirements",),
}


def slug(label: str) -> str:
    s = re.sub(r"[^a-z0-9+#]+", "-", label.lower().replace("c++", "cpp").replace("c#", "csharp"))
    return s.strip("-")[:60].strip("-")


def _split(alts: str) -> list[str]:
    return [a.strip() for a in re.split(r"\n| \| ", alts or "") if a.strip()]


# O*NET names carry vendor prefixes; the short names people actually write (written for this sample).
ONET_ALIASES: dict[str, tuple[str, ...]] = {
    "Microsoft Excel": ("Excel",), "Microsoft PowerPoint": ("PowerPoint",), "Microsoft SharePoint": ("SharePoint",),
    "Microsoft Project": ("MS Project",), "Microsoft Teams": ("MS Teams",), "Microsoft Power BI": ("Power BI",),
    "Microsoft Azure software": ("Azure",), "Microsoft Visual Basic for Applications VBA": ("VBA", "Excel macros"),
    "Atlassian JIRA": ("Jira",), "Atlassian Confluence": ("Confluence",), "Amazon Web Services AWS software": ("AWS",),
    "Apache Spark": ("PySpark",), "Apache Kafka": ("Kafka",), "SAP software": ("SAP", "SAP ERP"),
    "SAP Concur": ("Concur",), "Salesforce software": ("Salesforce", "Salesforce CRM"),
    "HubSpot software": ("HubSpot",), "Workday software": ("Workday", "Workday HCM"),
    "Oracle PeopleSoft": ("PeopleSoft",), "Kronos Workforce Timekeeper": ("Kronos",),
    "Intuit QuickBooks": ("QuickBooks",), "Dassault Systemes SolidWorks": ("SolidWorks",),
    "Autodesk AutoCAD": ("AutoCAD",), "Oracle Primavera Enterprise Project Portfolio Management": ("Primavera P6",),
    "Splunk Enterprise": ("Splunk",), "ServiceNow": ("ServiceNow ITSM",), "Tableau": ("Tableau Desktop",),
    "Git": ("GitHub", "GitLab"), "Docker": ("Docker containers",), "Kubernetes": ("k8s",),
    "Linux": ("Red Hat Enterprise Linux",),
}


_EXTRA = {k.strip(): v for k, v in EXTRA_ALIASES.items()}
_ZH = {k.strip(): v for k, v in ZH_ALIASES.items()}

# terms written for this sample, by skill name: used for tagging even when they are single common words
CURATED: dict[str, set[str]] = {}
for _src in (EXTRA_ALIASES, ZH_ALIASES, ONET_ALIASES):
    for _label, _terms in _src.items():
        CURATED.setdefault(_label.strip(), set()).update(t.lower() for t in _terms)


def build_skills(taxonomy: Path) -> tuple[dict[str, Skill], dict[str, str]]:
    """(skill id -> Skill, label -> skill id) for every label the sample uses, plus broader skills."""
    concepts: dict[str, dict] = {}  # uri -> {label, alts, broader: [uri], category}
    by_label: dict[str, str] = {}
    for fname, cat in (("esco-digitalSkillsCollection_en.csv", "digital"),
                       ("esco-transversalSkillsCollection_en.csv", "transversal")):
        with (taxonomy / fname).open(encoding="utf-8") as f:
            for r in csv.DictReader(f):
                concepts[r["conceptUri"]] = {"label": r["preferredLabel"], "alts": _split(r["altLabels"]),
                                             "broader": [u.strip() for u in r["broaderConceptUri"].split("|")],
                                             "category": cat}
                by_label.setdefault(r["preferredLabel"], r["conceptUri"])
    with (taxonomy / "esco-skillGroups_en.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if "/esco/skill/" in r["conceptUri"] and r["conceptUri"] not in concepts:
                concepts[r["conceptUri"]] = {"label": r["preferredLabel"], "alts": _split(r["altLabels"]),
                                             "broader": [], "category": "skill group"}
                by_label.setdefault(r["preferredLabel"], r["conceptUri"])
    with (taxonomy / "esco-skillsHierarchy_en.csv").open(encoding="utf-8") as f:
        for r in csv.DictReader(f):  # the hierarchy gives each group its parent group
            chain = [r[f"Level {i} URI"] for i in range(4) if r[f"Level {i} URI"]]
            for child, parent in zip(chain[1:], chain[:-1]):
                if child in concepts and parent != child and parent not in concepts[child]["broader"]:
                    concepts[child]["broader"].append(parent)
    onet: dict[str, Counter] = {}
    with (taxonomy / "onet-technology-skills.txt").open(encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            onet.setdefault(r["Example"], Counter())[r["Commodity Title"]] += 1

    skills: dict[str, Skill] = {}
    label_to_id: dict[str, str] = {}

    def add_esco(uri: str, depth: int = 0) -> str | None:
        c = concepts.get(uri)
        if c is None:
            return None
        sid = slug(c["label"])
        if sid in skills:
            return sid
        parent = None
        if depth < 3:
            # some ESCO groups repeat their parent's label one level down: skip to a distinct parent
            parent = next((p for p in (add_esco(u, depth + 1) for u in c["broader"] if "/esco/skill/" in u)
                           if p and p != sid), None)
        label = c["label"].strip()  # a few ESCO labels carry a trailing space
        aliases = tuple(a for a in dict.fromkeys(c["alts"][:12] + list(_EXTRA.get(label, ()))
                                      + list(_ZH.get(label, ())))
                        if a.lower() != c["label"].strip().lower())
        skills[sid] = Skill(sid, c["label"].strip(), aliases, parent, c["category"])
        label_to_id[c["label"]] = sid
        return sid

    wanted = list(dict.fromkeys([s for v in DEPT_SKILLS.values() for s in v] + COMMON_SKILLS))
    missing = []
    for label in wanted:
        if label in by_label:
            add_esco(by_label[label])
        elif label in onet:
            commodity = onet[label].most_common(1)[0][0]
            cid = slug(commodity)
            skills.setdefault(cid, Skill(cid, commodity, (), None, "technology group"))
            sid = slug(label)
            aliases = tuple(dict.fromkeys(ONET_ALIASES.get(label, ()) + ZH_ALIASES.get(label, ())))
            skills[sid] = Skill(sid, label, aliases, cid, "technology")
            label_to_id[label] = sid
        else:
            missing.append(label)
    if missing:
        raise SystemExit(f"labels not found in the taxonomy: {missing}")
    return skills, label_to_id
