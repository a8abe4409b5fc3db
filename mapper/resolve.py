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
BIG_TOWN = 100_000
PRECISION = {"settlement": 1, "district": 2, "region": 3, "country": 3}


# Ukraine's oblasts on the Russian border (Chernihiv, Donetsk, Kharkiv, Luhansk, Sumy): of two
# namesakes in front-line oblasts, the one there is likelier in reports this tool is built for.
UA_BORDER_A1 = {"02", "05", "07", "14", "21"}


def theatre_prior(p: Place) -> float:
    if p.country_code == "UA":
        return 0.4 if p.admin1_code in UA_BORDER_A1 else 0.35 if p.admin1_code in UA_FRONT_A1 else 0.2
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

    @staticmethod
    def _prior(p: Place, name_score: float) -> float:
        """The part of a candidate's score that does not depend on the rest of the report."""
        s = 1.5 * name_score
        # population 0 means unknown (postal and Rosstat rows), not empty: count it as a village
        s += 0.07 * math.log10((p.population or UNKNOWN_POPULATION) + 10)
        s += {0: 0.25, 1: 0.3, 2: 0.1}.get(p.admin_level, 0.0) if p.is_admin else 0.0
        return s + theatre_prior(p)

    @staticmethod
    def _context_bonus(p: Place, context: list[Place]) -> float:
        for q in context:
            if contains(q, p) or (q.feature_class == "P" and q.population >= 50_000 and (
                    (q.country_code, q.admin1_code) == (p.country_code, p.admin1_code)
                    or haversine_km(q.lat, q.lon, p.lat, p.lon) < 80)):
                return 0.8
        return 0.0

    def resolve(self, rec: Recognition) -> list[Resolved]:
        import numpy as np

        mentions = rec.accepted
        slots = [_Slot(m, self._candidates(m), []) for m in mentions]
        # a qualifier right after a mention: "Malaya Rohan, Kharkiv", "Zhecha, Bryansk Oblast"
        for a, b in zip(slots, slots[1:]):
            if a.mention.sentence == b.mention.sentence and _QUALIFIER_GAP_RE.match(rec.text[a.mention.end:b.mention.start]):
                a.context = [p for p, _ in b.cands]
        # mentions with the same name and context are scored once (a report repeats its places)
        groups: dict[tuple, _Group] = {}
        for slot in slots:
            if not slot.cands:
                continue
            sig = (slot.mention.key, tuple(sorted((p.geonameid, round(ns, 4)) for p, ns in slot.cands)),
                   tuple(q.geonameid for q in slot.context))
            g = groups.get(sig)
            if g is None:
                places = [p for p, _ in slot.cands]
                static = np.array([self._prior(p, ns) + self._context_bonus(p, slot.context) for p, ns in slot.cands])
                g = groups[sig] = _Group(slot.mention.key, places, static,
                                         np.radians([p.lat for p in places]), np.radians([p.lon for p in places]),
                                         np.array([not p.is_admin for p in places]), [])
            g.slots.append(slot)
        ctx = _Context.of(slots)
        for rnd in range(self.rounds + 1):
            anchors: dict[int, tuple[str, Place]] = {}
            if rnd:
                for g in groups.values():
                    if len(g.places) <= 50:
                        for sl in g.slots:
                            if sl.choice is not None and not sl.choice.is_admin:
                                anchors[sl.choice.geonameid] = (g.key, sl.choice)
            for g in groups.values():
                if rnd and len(g.places) == 1:
                    continue  # nothing to choose between
                score = g.static.copy()
                score += np.array([0.35 if (p.country_code, p.admin1_code) in ctx.admin1 and p.feature_code != "ADM1" else 0.0
                                   for p in g.places])
                score += np.array([0.1 if p.country_code in ctx.countries else 0.0 for p in g.places])
                others = [q for key, q in anchors.values() if key != g.key]
                if others:
                    olat = np.radians([q.lat for q in others])
                    olon = np.radians([q.lon for q in others])
                    # haversine, candidates x anchors, in km
                    dlat = g.lat[:, None] - olat[None, :]
                    dlon = g.lon[:, None] - olon[None, :]
                    a = np.sin(dlat / 2) ** 2 + np.cos(g.lat[:, None]) * np.cos(olat[None, :]) * np.sin(dlon / 2) ** 2
                    d = 2 * 6371.0088 * np.arcsin(np.sqrt(np.minimum(1.0, a))).min(axis=1)
                    score += np.where(g.settlement, 0.6 * np.exp(-d / 40.0), 0.0)
                order = sorted(range(len(g.places)), key=lambda i: (-score[i], -g.places[i].population))
                scored = [(float(score[i]), g.places[i]) for i in order]
                for sl in g.slots:
                    sl.scores = scored
                    sl.choice = scored[0][1]
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
class _Group:
    key: str
    places: list[Place]
    static: "object"  # numpy arrays: prior + context bonus, latitude/longitude in radians
    lat: "object"
    lon: "object"
    settlement: "object"
    slots: list[_Slot]


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
    # a city named beside a village is usually its frame ("in Kharkiv and in Malaya Rohan"):
    # the village is the more specific answer
    return min(pool, key=lambda r: (theatre_prior(r.place) == 0, rank[r.precision],
                                    r.place.population >= BIG_TOWN, r.confidence < 0.5, r.mention.start))


__all__ = ["Resolver", "contains", "precision_of", "primary", "theatre_prior"]
