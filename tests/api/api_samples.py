"""Request bodies shared by the API tests."""

# A request the tiny organisation can staff in Q2 2026 (ana and bo are busy on p-plat then).
REQUEST = {"name": "Pricing engine", "brief": "A pricing engine for quotes, with budgeting and SQL reports",
           "window": {"start": "2026-04-01", "end": "2026-06-30"}, "allocation": 0.3,
           "requirements": [{"skill": "sql", "level": 3, "count": 2}, {"skill": "Budgeting", "level": 3}],
           "size": {"min": 2, "max": 4}}
