"""Resolve: choose one gazetteer entry for each recognised mention.

Third stage. Each candidate place gets a score from independent, explainable parts — how well
the name matched, how important the place is, whether it lies in the region this tool is for,
whether the report names its oblast or country, and how close it lies to the report's other
places — and the best one wins. Coherence is iterated: Kozinka next to Grayvoron beats the
Kozinka 400 km away once Grayvoron is placed.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from gazetteer import Gazetteer, Place, haversine_km

from .records import Mention, Resolved
from .recognize import Recognition

# The theatre: every Ukrainian place, and Russia's border oblasts, weigh more than places of
# the same name elsewhere. (RU admin-1 codes: Belgorod 09, Bryansk 10, Kursk 41, Rostov 61,
# Voronezh 86.)
RU_BORDER_A1 = {"09", "10", "41", "61", "86"}
# Ukraine's oblasts on the border with Russia or on the front line since 2022 (Chernihiv 02,
# Dnipropetrovsk 04, Donetsk 05, Kharkiv 07, Kherson 08, Crimea 11, Kyiv 13, Luhansk 14,
# Mykolaiv 16, Sumy 21, Zaporizhzhia 26).
UA_FRONT_A1 = {"02", "04", "05", "07", "08", "11", "13", "14", "16", "21", "26"}
_QUALIFIER_GAP_RE = re.compile(r"^\s*(?:,|\(|–|-|—|in|of|in the|,\s*in)?\s*(?:the\s+)?$", re.I)
UNKNOWN_POPULATION = 300
PRECISION = {"settlement": 1, "district": 2, "region": 3, "country": 3}


def theatre_prior(p: Place) -> float:
    if p.country_code == "UA":
        return 0.35 if p.admin1_code in UA_FRONT_A1 else 0.2
    if p.country_code == "RU":
        return 0.35 if p.admin1_code in RU_BORDER_A1 else 0.1
    if p.country_code == "BY":
        return 0.15
    return 0.0


def precision_of(p: Place) -> str:
    if p.feature_code == "PCLI":
        return "country"
    if p.feature_code == "ADM1":
        return "region"
    if p.feature_code == "ADM2":
        return "district"
    return "settlement"


def contains(outer: Place, inner: Place) -> bool:
    """True if ``inner`` lies in the admin region ``outer`` (by codes)."""
    if outer.country_code != inner.country_code or outer.geonameid == inner.geonameid:
        return False
    if outer.feature_code == "PCLI":
        return True
    if outer.feature_code == "ADM1":
        return outer.admin1_code == inner.admin1_code
    if outer.feature_code == "ADM2":
        return outer.admin1_code == inner.admin1_code and outer.admin2_code == inner.admin2_code
    return False


@dataclass
class _Slot:
    mention: Mention
    cands: list[tuple[Place, float]]  # (place, name score)
    context: list[Place]  # places of a qualifier right after the mention
    choice: Place | None = None
    scores: list[tuple[float, Place]] | None = None


class Resolver:
    def __init__(self, gazetteer: Gazetteer, *, rounds: int = 2) -> None:
        self.gaz = gazetteer
        self.rounds = rounds

    def _candidates(self, m: Mention) -> list[tuple[Place, float]]:
        out: dict[int, tuple[Place, float]] = {}
        for p, variant, weight, _common in self.gaz.by_key(m.key):
            exact = variant.casefold() == m.text.casefold()
            # the exact spelling is evidence: "Pytomnyk" is the Ukrainian place, "Pitomnik" the Russian
            s = weight * (1.0 if exact else 0.9) * (0.85 if m.reason.startswith("fuzzy") else 1.0)
            if p.geonameid not in out or out[p.geonameid][1] < s:
                out[p.geonameid] = (p, s)
        return list(out.values())

    def _score(self, slot: _Slot, p: Place, name_score: float, ctx: "_Context", others: list[Place]) -> float:
        s = 1.5 * name_score
        # population 0 means unknown (postal and Rosstat rows), not empty: count it as a village
        s += 0.07 * math.log10((p.population or UNKNOWN_POPULATION) + 10)
        s += {0: 0.25, 1: 0.3, 2: 0.1}.get(p.admin_level, 0.0) if p.is_admin else 0.0
        s += theatre_prior(p)
        if any(contains(q, p) or (q.feature_class == "P" and q.population >= 50_000 and (
                   haversine_km(q.lat, q.lon, p.lat, p.lon) < 80
                   or (q.country_code, q.admin1_code) == (p.country_code, p.admin1_code)))
               for q in slot.context):
            s += 0.8
        if (p.country_code, p.admin1_code) in ctx.admin1 and p.feature_code != "ADM1":
            s += 0.35
        if p.country_code in ctx.countries:
            s += 0.1
        if others and not p.is_admin:
            d = min(haversine_km(p.lat, p.lon, q.lat, q.lon) for q in others)
            s += 0.6 * math.exp(-d / 40.0)
        return s

    def resolve(self, rec: Recognition) -> list[Resolved]:
        mentions = rec.accepted
        slots = []
        for k, m in enumerate(mentions):
            slots.append(_Slot(m, self._candidates(m), []))
        # a qualifier right after a mention: "Malaya Rohan, Kharkiv", "Zhecha, Bryansk Oblast"
        for a, b in zip(slots, slots[1:]):
            if a.mention.sentence == b.mention.sentence and _QUALIFIER_GAP_RE.match(rec.text[a.mention.end:b.mention.start]):
                a.context = [p for p, _ in b.cands]
        ctx = _Context.of(slots)
        for rnd in range(self.rounds + 1):
            for k, slot in enumerate(slots):
                if not slot.cands:
                    continue
                others = [o.choice for j, o in enumerate(slots) if j != k and o.choice is not None
                          and not o.choice.is_admin and len(o.cands) <= 50] if rnd else []
                scored = sorted(((self._score(slot, p, ns, ctx, others), p) for p, ns in slot.cands),
                                key=lambda t: (-t[0], -t[1].population))
                slot.scores = scored
                slot.choice = scored[0][1]
            ctx = _Context.of(slots)
        out = []
        for k, slot in enumerate(slots):
            if slot.choice is None or not slot.scores:
                continue
            best, p = slot.scores[0]
            name_score = next(ns for q, ns in slot.cands if q.geonameid == p.geonameid)
            margin = best - slot.scores[1][0] if len(slot.scores) > 1 else 1.0
            confidence = round(min(1.0, name_score) * (0.55 + 0.45 * math.tanh(2.5 * margin)), 3)
            m = slot.mention
            regions = [q for q in slot.context if q.is_admin]
            if regions and not any(contains(q, p) for q in regions):
                # "Verkhnii Saltiv, Kharkiv Oblast" with no such place in Kharkiv Oblast: the
                # gazetteer lacks it; a namesake elsewhere would be a confident wrong answer.
                continue
            prev = slots[k - 1] if k > 0 else None
            if (prev is not None and prev.choice is not None and prev.context
                    and prev.mention.sentence == m.sentence
                    and (contains(p, prev.choice) or (p.feature_class == "P" and not p.is_admin
                         and haversine_km(p.lat, p.lon, prev.choice.lat, prev.choice.lon) < 80
                         and p.population > prev.choice.population))):
                m = replace(m, role="qualifier", reason=f"qualifies {prev.mention.text}")
            precision = precision_of(p)
            geo = PRECISION[precision]
            if precision == "settlement" and m.near:
                geo = 2
            out.append(Resolved(m, p, confidence, precision, geo,
                                tuple((q.geonameid, round(s, 3)) for s, q in slot.scores[1:4])))
        return out


@dataclass
class _Context:
    admin1: set[tuple[str, str]]
    countries: set[str]

    @classmethod
    def of(cls, slots: list[_Slot]) -> "_Context":
        a1, cc = set(), set()
        for s in slots:
            p = s.choice
            if p is None:
                # unambiguous regions count even before the first round
                regions = [q for q, _ in s.cands if q.feature_code in ("ADM1", "PCLI")]
                if len(regions) == 1 and len(s.cands) == 1:
                    p = regions[0]
            if p is None:
                continue
            if p.feature_code == "ADM1":
                a1.add((p.country_code, p.admin1_code))
            if p.feature_code == "PCLI":
                cc.add(p.country_code)
        return cls(a1, cc)


def primary(resolved: list[Resolved]) -> Resolved | None:
    """The one place a short report is about: its first most specific, non-qualifier place."""
    pool = [r for r in resolved if r.mention.role == "place"] or resolved
    if not pool:
        return None
    rank = {"settlement": 0, "district": 1, "region": 2, "country": 3}
    return min(pool, key=lambda r: (theatre_prior(r.place) == 0, rank[r.precision],
                                    r.confidence < 0.5, r.mention.start))


__all__ = ["Resolver", "contains", "precision_of", "primary", "theatre_prior"]
