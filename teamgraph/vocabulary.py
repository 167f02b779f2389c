"""The skill vocabulary people are offered, and the one way a typed word becomes skills.

Built from the store's `skill_vocabulary` (skills an active person holds or an open project
needs, plus the broader skills above them) once per store revision. The API's skill picker,
"did you mean" in request and brief errors, and `teamgraph skill NAME` all go through here:

- `search(text)`: skills whose name, id or an alias (any language) contains the words, best
  first (exact, then name start, then a word start, then anywhere; then most used). A matching
  broader skill nobody holds (an ESCO skill group) is never offered itself — its used narrower
  skills are ("under information skills"). Ordinary words with no literal match ("supplier",
  "dashboard") find skills of related meaning through the sentence encoder, when one is given.
- `suggest(text)`: "did you mean": typo-tolerant matches (rapidfuzz) among used skills, then
  related meaning; never a skill nobody holds or needs.
- `broader(id)` / `narrower(id)`: the taxonomy's links, narrower restricted to used skills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from teamgraph.graph.model import Skill
from teamgraph.graph.reads import SkillUse, fold

# Cosine similarity (a word against a skill's closest name or alias) below which "related meaning"
# is not offered; measured on the sample org with the default multilingual ensemble: related
# skills 0.45-0.99 ("supplier" → purchasing 0.61, "供应商" → purchasing 0.59), noise ≤ 0.35.
RELATED_MIN = 0.38
RELATED_SPREAD = 0.1  # and at most this far below the closest one
FUZZY_MIN = 70  # rapidfuzz WRatio for a typo


@dataclass(frozen=True)
class Match:
    use: SkillUse
    matched: str | None  # the alias, group or meaning that matched, in words; None: the name itself
    how: str  # name | alias | narrower | related | fuzzy

    @property
    def skill(self) -> Skill:
        return self.use.skill


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;/()\-]+", fold(text)) if w]


@dataclass
class Vocabulary:
    uses: list[SkillUse]
    _by_id: dict[str, SkillUse] = field(init=False)
    _children: dict[str, list[str]] = field(init=False)
    _vectors: object = field(default=None, init=False)
    _keys: list = field(init=False)  # (folded text, text, how, SkillUse), folded once per revision

    def __post_init__(self) -> None:
        self._by_id = {u.skill.id: u for u in self.uses}
        self._children = {}
        self._keys = []
        for u in self.uses:
            if u.skill.broader:
                self._children.setdefault(u.skill.broader, []).append(u.skill.id)
            s = u.skill
            for text, how in ((s.name, "name"), (s.id, "name"), *((a, "alias") for a in s.aliases)):
                self._keys.append((fold(text), text, how, u))

    # --- the taxonomy ----------------------------------------------------------------------------
    @staticmethod
    def used(u: SkillUse) -> bool:
        return bool(u.holders or u.needed_by)

    def get(self, skill_id: str) -> SkillUse | None:
        return self._by_id.get(skill_id)

    def broader(self, skill_id: str) -> Skill | None:
        u = self._by_id.get(skill_id)
        parent = self._by_id.get(u.skill.broader) if u and u.skill.broader else None
        return parent.skill if parent else None

    def narrower(self, skill_id: str, *, deep: bool = False) -> list[SkillUse]:
        """Used skills directly below (or, `deep`, anywhere below) `skill_id`, most used first."""
        out, todo, seen = [], list(self._children.get(skill_id, ())), set()
        while todo:
            sid = todo.pop()
            if sid in seen:
                continue
            seen.add(sid)
            u = self._by_id[sid]
            if self.used(u):
                out.append(u)
            if deep or not self.used(u):  # look through unused groups to the skills under them
                todo.extend(self._children.get(sid, ()))
        return sorted(out, key=self._popular)

    @staticmethod
    def _popular(u: SkillUse):
        return (-(u.holders + u.needed_by), u.skill.name.casefold(), u.skill.id)

    # --- lookups ---------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 10, encoder=None) -> list[Match]:
        q = fold(text)
        if not q:
            return [Match(u, None, "name") for u in sorted(filter(self.used, self.uses), key=self._popular)[:limit]]
        ranked: dict[str, tuple] = {}

        def offer(u: SkillUse, rank: int, matched: str | None, how: str) -> None:
            key = (rank, *self._popular(u))
            if u.skill.id not in ranked or key < ranked[u.skill.id][0]:
                ranked[u.skill.id] = (key, Match(u, matched, how))

        for t, text_, how, u in self._keys:
            if q not in t:
                continue
            rank = 0 if t == q else 1 if t.startswith(q) else 2 if any(w.startswith(q) for w in _words(t)) else 3
            if self.used(u):
                offer(u, rank, text_ if how == "alias" else None, how)
            else:  # a group nobody holds: offer what is under it, never the group itself
                for child in self.narrower(u.skill.id, deep=True):
                    offer(child, rank + 4, f"under {u.skill.name}", "narrower")
        out = [m for _, m in sorted(ranked.values(), key=lambda km: km[0])]
        if len(out) < min(limit, 3) and encoder is not None and len(q) >= 3:  # few literal hits: add meaning
            have = {m.skill.id for m in out}
            out += [m for m in self.related(text, limit, encoder) if m.skill.id not in have]
        return out[:limit]

    def suggest(self, text: str, limit: int = 3, encoder=None) -> list[Match]:
        """"Did you mean": used skills that look like `text` (a typo, a fragment), then related ones."""
        from rapidfuzz import fuzz
        q = fold(text)
        if not q:
            return []
        best: dict[str, tuple] = {}
        for t, text_, how, u in self._keys:
            if not self.used(u):
                continue
            # WRatio scores a short string inside a long one high ("R" in "supplier"): plain ratio there
            score = (fuzz.WRatio if len(t) >= 4 else fuzz.ratio)(q, t, score_cutoff=FUZZY_MIN)
            if score and (u.skill.id not in best or score > -best[u.skill.id][0]):
                best[u.skill.id] = (-score, *self._popular(u), Match(u, text_ if how == "alias" else None, "fuzzy"))
        out = [row[-1] for row in sorted(best.values(), key=lambda r: r[:-1])]
        if not out and encoder is not None:  # no typo-like match: skills of related meaning
            have = {m.skill.id for m in out}
            out += [m for m in self.related(text, limit, encoder) if m.skill.id not in have]
        return out[:limit]

    def related(self, text: str, limit: int, encoder) -> list[Match]:
        """Used skills whose name and aliases mean something close to `text` (the encoder's cosine)."""
        import numpy as np
        used = [u for u in self.uses if self.used(u)]
        if not used:
            return []
        rows, matrix = self._matrix(used, encoder)
        query = getattr(encoder, "encode_queries", None) or encoder.encode  # queries are never cached
        sims = np.full(len(used), -1.0)
        np.maximum.at(sims, rows, matrix @ query([text.strip()])[0])  # a skill: its closest name or alias
        ids = [u.skill.id for u in used]
        order = np.argsort(-sims)[:limit]
        floor = max(RELATED_MIN, float(sims[order[0]]) - RELATED_SPREAD)  # close to the best, not just above noise
        return [Match(self._by_id[ids[i]], "related meaning", "related") for i in order if sims[i] >= floor]

    def _matrix(self, used: list[SkillUse], encoder):
        """One vector per name and alias of at least three characters (a one-letter name such as
        "R" lies near every query), with the row of its skill in `used`; once per revision."""
        import numpy as np
        if self._vectors is None or self._vectors[0] is not encoder:
            rows, texts = [], []
            for k, u in enumerate(used):
                for t in dict.fromkeys((u.skill.name, *u.skill.aliases)):
                    if len(t.strip()) >= 3:
                        rows.append(k)
                        texts.append(t.strip())
            matrix = np.asarray(encoder.encode(texts)) if texts else np.zeros((0, 1))
            self._vectors = (encoder, np.asarray(rows, dtype=int), matrix)
        return self._vectors[1], self._vectors[2]


def row(m: Match, vocab: Vocabulary) -> dict:
    """A search hit as the picker's JSON: the skill, how many hold / need it, what matched, links."""
    from teamgraph.graph.reads import jsonable
    parent = vocab.broader(m.skill.id)
    return {**jsonable(m.skill), "holders": m.use.holders, "needed_by": m.use.needed_by, "matched": m.matched,
            "how": m.how, "broader_skill": {"id": parent.id, "name": parent.name} if parent else None,
            "narrower": [{"id": u.skill.id, "name": u.skill.name} for u in vocab.narrower(m.skill.id)[:10]]}
