"""Add the time-phased part of the sample organisation to a sample folder (ingest/sample):
phased allocations on some current memberships, leave, capacity changes and public holidays.

Deterministic (fixed seed and a few named people, so the README's demo shows each case):
- Moritz Weber (p0008) is away over Christmas: suggestions show "away 21 Dec – 3 Jan";
- Adaeze Eze (p0064) is on parental leave Dec – mid-March: not proposed for a winter request
  (why-not: away);
- Natalia Nowak (p0066) works 0.2 FTE until January, 0.8 from February (capacity periods);
- 孙俊杰 (p0087) has capacity 0 from January to April (parental leave kept as capacity);
- about one current membership in six ramps down to half from February (two phases);
- about 40 people take a week or two of leave between December and April;
- public holidays per office location (Christmas and New Year, Spring Festival in China, …).

Run after scripts/build_sample.py (which calls `add_calendar`), or alone:
    python scripts/sample_calendar.py [--folder ingest/sample]
"""

from __future__ import annotations

import argparse
import random
from datetime import date, timedelta
from pathlib import Path

from teamgraph.graph.model import CapacityPeriod, Holiday, Phase, TimeOff, phased
from teamgraph.ingest.loader import load_folder
from teamgraph.ingest.writer import write_folder

SEED = 9
RAMP_DOWN = date(2027, 2, 1)  # phased memberships halve from here
D = date

NAMED_LEAVE = [TimeOff("p0008", D(2026, 12, 21), D(2027, 1, 3), "leave", "Christmas"),
               TimeOff("p0064", D(2026, 11, 30), D(2027, 3, 14), "leave", "parental leave")]
NAMED_CAPACITY = [CapacityPeriod("p0066", D(2026, 11, 23), D(2027, 1, 31), 0.2),
                  CapacityPeriod("p0066", D(2027, 2, 1), None, 0.8),
                  CapacityPeriod("p0087", D(2027, 1, 4), D(2027, 4, 30), 0.0)]

_CHRISTMAS = [(D(2026, 12, 25), "Christmas Day"), (D(2027, 1, 1), "New Year's Day")]
_CHINA = [(D(2027, 1, 1), "New Year's Day")] + [(D(2027, 2, 6) + timedelta(days=k), "Spring Festival")
                                                for k in range(7)]
HOLIDAYS: dict[str, list[tuple[date, str]]] = {
    **{c: _CHRISTMAS for c in ("Austin", "Boston", "Berlin", "Munich", "Madrid", "Paris", "Toulouse", "Lisbon",
                               "Kraków", "Warsaw", "Pune", "Bengaluru")},
    **{c: _CHRISTMAS + [(D(2026, 12, 28), "Boxing Day (substitute)")] for c in ("London", "Manchester")},
    **{c: _CHINA for c in ("Beijing", "Shanghai", "Shenzhen")},
    "Tokyo": [(D(2027, 1, 1) + timedelta(days=k), "New Year holidays") for k in range(3)],
    "Seoul": [(D(2027, 1, 1), "New Year's Day")] + [(D(2027, 2, 6) + timedelta(days=k), "Seollal") for k in range(3)],
    "Dubai": [(D(2027, 1, 1), "New Year's Day")],
    "Mexico City": _CHRISTMAS + [(D(2027, 2, 1), "Constitution Day")],
    "São Paulo": _CHRISTMAS + [(D(2027, 2, 8), "Carnival"), (D(2027, 2, 9), "Carnival")],
    "Lagos": _CHRISTMAS + [(D(2026, 12, 26), "Boxing Day")],
}


def add_calendar(folder: Path) -> dict[str, int]:
    """Rewrite `folder`'s memberships.csv with phases and write capacity.csv, time_off.csv and
    holidays.csv (replacing earlier ones); returns records written per kind."""
    for name in ("capacity.csv", "time_off.csv", "holidays.csv"):
        (folder / name).unlink(missing_ok=True)
    loaded = load_folder(folder, progress=False)
    rng = random.Random(SEED)
    projects = loaded.records["project"]
    people = loaded.records["person"]
    memberships = []
    for m in loaded.records["membership"].values():  # file order
        p = projects[(m.project,)]
        if (p.status == "active" and not m.phases and m.start and m.end and m.start < RAMP_DOWN
                and m.end > RAMP_DOWN + timedelta(days=27) and m.allocation >= 0.2 and rng.random() < 0.18):
            half = max(0.1, round(m.allocation / 2, 1))
            m = phased(m.person, m.project, [Phase(m.start, RAMP_DOWN - timedelta(days=1), m.allocation),
                                             Phase(RAMP_DOWN, m.end, half)], m.role)
        memberships.append(m)
    named = {t.person for t in NAMED_LEAVE} | {c.person for c in NAMED_CAPACITY}
    active = [pid for (pid,), person in sorted(people.items()) if person.status == "active" and pid not in named]
    leave = list(NAMED_LEAVE)
    for pid in rng.sample(active, 40):
        start = D(2026, 12, 7) + timedelta(days=7 * rng.randint(0, 18))  # a Monday, December to April
        leave.append(TimeOff(pid, start, start + timedelta(days=rng.choice((4, 6, 13))), "leave", ""))
    locations = {person.location for person in people.values()}
    holidays = [Holiday(loc, day, name) for loc in sorted(locations & HOLIDAYS.keys()) for day, name in HOLIDAYS[loc]]
    return write_folder(folder, memberships + list(NAMED_CAPACITY) + leave + holidays)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", type=Path, default=Path(__file__).resolve().parents[1] / "ingest" / "sample")
    print(add_calendar(ap.parse_args().folder))


if __name__ == "__main__":
    main()
