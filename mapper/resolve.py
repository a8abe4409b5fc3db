"""Resolve: choose one gazetteer entry for each recognised mention.

Third stage. Each candidate place gets a score from independent, explainable parts — how well
the name matched, how important the place is, whether it lies in the region this tool is for,
whether the report names its oblast or country, and how close it lies to the report's other
places — and the best one wins. Coherence is iterated: Kozinka next to Grayvoron beats the
Kozinka 400 km away once Grayvoron is placed.

About 400 lines: one resolver, whose scoring (in plain Python and, for many candidates, in numpy)
and the qualifier and list rules that feed it read best beside each other.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from gazetteer import Gazetteer, Place, haversine_km

from .memo import Memo
from .records import Level, Mention, Recognition, Resolved, Role
from .theatre import FUZZY_MIN_PRIOR, theatre_prior

_QUALIFIER_GAP_RE = re.compile(r"^\s*(?:,|\(|–|-|—|in|of|in the|,\s*in|в|во|у|на|,\s*в|,\s*у)?\s*(?:the\s+)?$", re.I)
UNKNOWN_POPULATION = 300
BIG_TOWN = 100_000
GEO_PRECISION = {Level.SETTLEMENT: 1, Level.COMMUNITY: 2, Level.DISTRICT: 2, Level.REGION: 3, Level.COUNTRY: 3}
_LEVEL_OF = {"PCLI": Level.COUNTRY, "ADM1": Level.REGION, "ADM2": Level.DISTRICT, "ADM2H": Level.DISTRICT,
             "ADM3": Level.COMMUNITY}


def level_of(p: Place) -> Level:
    """How specific a place is: a settlement, community (a Ukrainian hromada), district,
    region or country."""
    return _LEVEL_OF.get(p.feature_code, Level.SETTLEMENT)


def contains(outer: Place, inner: Place) -> bool:
    """True if ``inner`` lies in the admin region ``outer`` (by codes)."""
    return outer.contains(inner)


@dataclass
class _Slot:
    mention: Mention
    cands: list[tuple[Place, float]]  # (place, name score)
    signature: tuple  # of the candidates (ids and name scores), for the score cache
    context: list[Place]  # places of a qualifier right after the mention
    choice: Place | None = None
    scores: list[tuple[float, Place]] | None = None


class Resolver:
    def __init__(self, gazetteer: Gazetteer, *, rounds: int = 2) -> None:
        self.gaz = gazetteer
        self.rounds = rounds
        # A feed names the same places over and over: the candidates of a spelling, and the
        # report-independent part of their scores, are worked out once per process.
        # (key, spelling, misspelt) -> (candidates, their signature: ids and name scores)
        self._cand_cache: Memo = Memo(100_000)
        self._group_cache: Memo = Memo(50_000)

    def _candidates(self, m: Mention) -> tuple[list[tuple[Place, float]], tuple]:
        """(place, name score) of every place the mention may name, and their signature."""
        fuzzy = m.reason.startswith("fuzzy")
        ck = (m.key, m.text.casefold(), fuzzy)
        hit = self._cand_cache.get(ck)
        if hit is not None:
            return hit
        out: dict[int, tuple[Place, float]] = {}
        for p, variant, weight, _common in self.gaz.by_key(m.key):
            if fuzzy and theatre_prior(p) < FUZZY_MIN_PRIOR:
                continue  # a misspelling is guessed at only in the theatre: Malbork for "Malborivka" is no answer
            exact = variant.casefold() == ck[1]
            # the exact spelling is evidence: "Pytomnyk" is the Ukrainian place, "Pitomnik" the Russian
            s = weight * (1.0 if exact else 0.9) * (0.85 if fuzzy else 1.0)
            if p.geonameid not in out or out[p.geonameid][1] < s:
                out[p.geonameid] = (p, s)
        cands = list(out.values())
        return self._cand_cache.put(ck, (cands, tuple(sorted((p.geonameid, round(ns, 4)) for p, ns in cands))))

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

    def _group(self, slot: _Slot) -> _Group:
        """The candidates of a mention (with its context), scored as far as the rest of the
        report does not matter; cached by signature."""
        sig = (slot.mention.key, slot.signature, tuple(q.geonameid for q in slot.context))
        g = self._group_cache.get(sig)
        if g is None:
            places = [p for p, _ in slot.cands]
            static = [self._prior(p, ns) + self._context_bonus(p, slot.context) for p, ns in slot.cands]
            # a namesake whose prior trails the best by more than the rest of a report can add
            # (its oblast named, its country named, a neighbour of another place) can never be
            # chosen: it is not scored against the report's places at all
            best = max(static)
            keep = [k for k, st in enumerate(static) if st >= best - MAX_CONTEXT_GAIN]
            if len(keep) < len(places):
                places, static = [places[k] for k in keep], [static[k] for k in keep]
            g = _Group(slot.mention.key, places, static,
                       [math.radians(p.lat) for p in places], [math.radians(p.lon) for p in places],
                       [not p.is_admin for p in places], [p.feature_code != "ADM1" for p in places],
                       [(p.country_code, p.admin1_code) for p in places], [p.country_code for p in places],
                       [float(p.population) for p in places])
            self._group_cache.put(sig, g)
        return g

    def resolve(self, rec: Recognition, *, rejected: list[Mention] | None = None,
                feed_regions: frozenset[tuple[str, str]] = frozenset()) -> list[Resolved]:
        """A place for every accepted mention that has a fitting one. The mentions given none
        are appended to ``rejected``, each with its reason (for ``mapper extract``).
        ``feed_regions``: (country, admin-1) of the places a feed's other reports of the same
        days name, a tie-breaker among namesakes (batches only: see :mod:`mapper.batch`)."""
        mentions = rec.accepted
        slots = [_Slot(m, *self._candidates(m), []) for m in mentions]
        for run in _runs(slots, rec.text):
            if all(_QUALIFIER_GAP_RE.match(rec.text[a.mention.end:b.mention.start]) and _could_qualify(a, b)
                   for a, b in zip(run, run[1:])):
                # each names where the one before it is: "Malaya Rohan, Kharkiv", "Zhecha, Bryansk
                # Oblast", "Gaivoron District, Belgorod Oblast, Russia", "Semenivka in Ukraine"
                for a, b in zip(run, run[1:]):
                    a.context = [p for p, _ in b.cands]
            elif len(run) > 2 and _is_region(run[-1]) and all(_could_qualify(s, run[-1]) for s in run[:-1]):
                # a list ending in a region above its items: "Krasnopillia, Bilopillia and Khotin, Sumy Oblast"
                for s in run[:-1]:
                    s.context = [p for p, _ in run[-1].cands]
            # any other list ("A, B, C and D") is items, none qualifying another
        # mentions with the same name and context are scored once (a report repeats its places)
        groups: dict[int, tuple[_Group, list[_Slot]]] = {}
        for slot in slots:
            if slot.cands:
                g = self._group(slot)
                groups.setdefault(id(g), (g, []))[1].append(slot)
        self._score(list(groups.values()), slots, feed_regions)
        return self._results(slots, rejected if rejected is not None else [])

    # Up to this many candidates of ambiguous names in a report, they are scored in plain Python;
    # above it in numpy. A news report has ~9, where numpy's ~40 calls on tiny arrays cost
    # more than the maths; a report naming forty common village names has 500, where numpy is
    # several times faster (benchmarks/MEASURED.md). Both do the same float operations in the
    # same order.
    NUMPY_FROM = 32

    def _score(self, groups: list[tuple[_Group, list[_Slot]]], slots: list[_Slot],
               feed_regions: frozenset[tuple[str, str]] = frozenset()) -> None:
        """Choose a place for every slot, in rounds: each round scores every candidate against
        the places chosen in the round before (the anchors)."""
        for g, sl in groups:
            if len(g.places) == 1:  # nothing to choose between
                for s in sl:
                    s.scores, s.choice = [(g.static[0], g.places[0])], g.places[0]
        multi = [(g, sl) for g, sl in groups if len(g.places) > 1]
        if not multi:
            return
        score = self._score_arrays if sum(len(g.places) for g, _ in multi) >= self.NUMPY_FROM else self._score_lists
        ctx = _Context.of(slots, feed_regions)
        previous = None
        for rnd in range(self.rounds + 1):
            anchors: dict[int, tuple[str, Place]] = {}
            if rnd:
                for g, sl in groups:
                    if len(g.places) <= 50:
                        for s in sl:
                            if s.choice is not None and not s.choice.is_admin:
                                anchors[s.choice.geonameid] = (g.key, s.choice)
            points = [(k, math.radians(q.lat), math.radians(q.lon)) for k, q in anchors.values()]
            scores, choice = score(multi, ctx, points)
            for (g, sl), i in zip(multi, choice):
                for s in sl:
                    s.choice = g.places[i]
            if rnd == self.rounds or choice == previous:  # another round would change nothing
                for (g, sl), sc in zip(multi, scores):
                    order = sorted(range(len(sc)), key=lambda i: (-sc[i], -g.places[i].population))[:4]
                    scored = [(sc[i], g.places[i]) for i in order]
                    for s in sl:
                        s.scores = scored
                break
            previous = choice
            ctx = _Context.of(slots, feed_regions)

    @staticmethod
    def _score_lists(multi: list[tuple[_Group, list[_Slot]]], ctx: _Context,
                     points: list[tuple[str, float, float]]) -> tuple[list[list[float]], list[int]]:
        """Per group, every candidate's score and the index of the best: highest score, then
        the most populous, then the first. A settlement gains by being near an anchor (a place
        chosen in the round before) of another name: an anchor of its own name is no evidence."""
        sin, cos, asin, sqrt, exp = math.sin, math.cos, math.asin, math.sqrt, math.exp
        bonus, in_cc = ctx.region_bonus, ctx.countries
        # the nearest anchor by chord length on the unit sphere: the same order as great-circle
        # distance, with no trigonometry per pair; converted to km once per candidate
        anchors = [(k, cos(olat) * cos(olon), cos(olat) * sin(olon), sin(olat)) for k, olat, olon in points]
        scores, choice = [], []
        for g, _ in multi:
            others = [(x, y, z) for k, x, y, z in anchors if k != g.key]
            sc = []
            for i, (s, lat, lon, settle, not_adm1, a1, cc) in enumerate(zip(
                    g.static, g.lat, g.lon, g.settlement, g.not_adm1, g.admin1, g.cc)):
                s = s + bonus.get(a1, 0.0) * not_adm1
                s += COUNTRY_BONUS if cc in in_cc else 0.0
                if settle and others:
                    cx, cy, cz = cos(lat) * cos(lon), cos(lat) * sin(lon), sin(lat)
                    chord2 = min((cx - x) ** 2 + (cy - y) ** 2 + (cz - z) ** 2 for x, y, z in others)
                    near = 2 * EARTH_KM * asin(min(1.0, sqrt(chord2) / 2))
                    s += NEAR_BONUS * exp(-near / 40.0)
                sc.append(s)
            pop = g.population
            choice.append(max(range(len(sc)), key=lambda i: (sc[i], pop[i], -i)))
            scores.append(sc)
        return scores, choice

    @staticmethod
    def _score_arrays(multi: list[tuple[_Group, list[_Slot]]], ctx: _Context,
                      points: list[tuple[str, float, float]]) -> tuple[list[list[float]], list[int]]:
        """:meth:`_score_lists` for many candidates: all of a report's in one set of numpy
        operations (per-group numpy calls had cost more than the maths)."""
        import numpy as np

        gs = [g for g, _ in multi]
        sizes = np.array([len(g.places) for g in gs])
        starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
        seg = np.repeat(np.arange(len(gs)), sizes)
        flat = [x for g in gs for x in zip(g.static, g.lat, g.lon, g.settlement, g.not_adm1, g.population)]
        static, lat, lon, settle, not_adm1, pop = (np.array(c) for c in zip(*flat))
        settle = settle.astype(bool)
        score = static + np.array([ctx.region_bonus.get(a, 0.0) for g in gs for a in g.admin1]) * not_adm1
        score += np.array([COUNTRY_BONUS if c in ctx.countries else 0.0 for g in gs for c in g.cc])
        if points:
            key_ids = {k: n for n, k in enumerate(dict.fromkeys(g.key for g in gs))}
            cand_key = np.repeat([key_ids[g.key] for g in gs], sizes)
            okey = np.array([key_ids.get(k, -1) for k, _, _ in points])
            olat = np.array([p[1] for p in points])
            olon = np.array([p[2] for p in points])
            # chord lengths on the unit sphere, candidates x anchors (see _score_lists)
            ox, oy, oz = np.cos(olat) * np.cos(olon), np.cos(olat) * np.sin(olon), np.sin(olat)
            cx, cy, cz = np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)
            c2 = (cx[:, None] - ox[None, :]) ** 2 + (cy[:, None] - oy[None, :]) ** 2 + (cz[:, None] - oz[None, :]) ** 2
            c2[cand_key[:, None] == okey[None, :]] = np.inf
            nearest = c2.min(axis=1)
            finite = np.isfinite(nearest)
            near = 2 * EARTH_KM * np.arcsin(np.minimum(1.0, np.sqrt(np.where(finite, nearest, 0.0)) / 2))
            score += np.where(settle & finite, NEAR_BONUS * np.exp(-near / 40.0), 0.0)
        top = score == np.maximum.reduceat(score, starts)[seg]
        tpop = np.where(top, pop, -1.0)
        win = np.flatnonzero(top & (tpop == np.maximum.reduceat(tpop, starts)[seg]))
        wseg = seg[win]  # ascending: the first winner of each group is where its group starts
        first = win[np.flatnonzero(np.concatenate(([True], wseg[1:] != wseg[:-1])))]
        sc = score.tolist()
        bounds = starts.tolist() + [len(sc)]
        return ([sc[bounds[k]:bounds[k + 1]] for k in range(len(gs))],
                [i - o for i, o in zip(first.tolist(), bounds)])

    def _results(self, slots: list[_Slot], rejected: list[Mention]) -> list[Resolved]:
        """The chosen place of every slot that has one; the others go into ``rejected`` with
        the reason (a mention with no candidate keeps the recogniser's)."""
        out = []
        countries = {s.choice.country_code for s in slots if s.choice is not None and s.choice.feature_code == "PCLI"}
        for k, slot in enumerate(slots):
            if slot.choice is None or not slot.scores:
                rejected.append(replace(slot.mention, role=Role.REJECTED,
                                        reason=slot.mention.reason or "no place in the gazetteer by this name"))
                continue
            best, p = slot.scores[0]
            name_score = next(ns for q, ns in slot.cands if q.geonameid == p.geonameid)
            margin = best - slot.scores[1][0] if len(slot.scores) > 1 else 1.0
            confidence = round(min(1.0, name_score) * (0.55 + 0.45 * math.tanh(2.5 * margin)), 3)
            m = slot.mention
            regions = [q for q in slot.context if q.is_admin and (q.admin_level or 0) <= 2]
            if regions and not any(contains(q, p) for q in regions):
                # "Verkhnii Saltiv, Kharkiv Oblast" with no such place in Kharkiv Oblast: the
                # gazetteer lacks it; a namesake elsewhere would be a confident wrong answer.
                rejected.append(replace(m, role=Role.REJECTED, reason=f"no such place in {regions[0].name}"))
                continue
            # (inside this box every place is nearer the centre than FAR_KM: no distance needed)
            far = 0.0 if 45 <= p.lat <= 55 and 25 <= p.lon <= 48 else haversine_km(p.lat, p.lon, *THEATRE_CENTRE)
            if far > FAR_KM and p.country_code not in countries and not (_well_known(p) and name_score >= 1.0):
                # "The villages" of a Russian report is not The Villages, Florida; "КАБом" is no
                # village in the Central African Republic. One such point zooms a map out to Africa.
                rejected.append(replace(m, role=Role.REJECTED, reason=f"{p.name} ({p.country_code}) is {far:,.0f} km "
                                        "from the theatre, and the report names neither it nor its country"))
                continue
            prev = slots[k - 1] if k > 0 else None
            if (prev is not None and prev.choice is not None and prev.context
                    and prev.mention.sentence == m.sentence
                    and any(q.geonameid == p.geonameid for q in prev.context)  # this mention is its context
                    and (contains(p, prev.choice) or (p.feature_class == "P" and not p.is_admin
                         and haversine_km(p.lat, p.lon, prev.choice.lat, prev.choice.lon) < 80
                         and p.population > prev.choice.population))):
                m = replace(m, role=Role.QUALIFIER, reason=f"qualifies {prev.mention.text}")
            level = level_of(p)
            geo = GEO_PRECISION[level]
            if level == Level.SETTLEMENT and m.near:
                geo = 2
            out.append(Resolved(m, p, confidence, level, geo,
                                tuple((q.geonameid, round(s, 3)) for s, q in slot.scores[1:4])))
        return out


REPORT_REGION_BONUS = 0.35  # a candidate in an oblast the report names
FEED_REGION_BONUS = 0.2  # a candidate in an oblast the feed's other reports of these days name
COUNTRY_BONUS = 0.1  # a candidate in a country the report names
NEAR_BONUS = 0.6  # at most, for a settlement next to another place of the report
EARTH_KM = 6371.0088
MAX_CONTEXT_GAIN = max(REPORT_REGION_BONUS, FEED_REGION_BONUS) + COUNTRY_BONUS + NEAR_BONUS + 1e-9
THEATRE_CENTRE = (50.0, 36.5)  # near Kharkiv, between the front and the Russian border oblasts
FAR_KM = 1000.0  # a place further than this from it needs strong evidence


def _well_known(p: Place) -> bool:
    """Countries, capitals and cities of a million, which anyone may name anywhere."""
    return p.feature_code in ("PCLI", "PPLC") or p.population >= 1_000_000


_LIST_GAP_RE = re.compile(r"^\s*(?:[,;]|(?:,\s*)?(?:and|or|та|і|й|и|а|&)|\n\s*[•*·-]?)\s*$", re.I)


def _runs(slots: list[_Slot], text: str) -> list[list[_Slot]]:
    """Consecutive mentions of one sentence joined only by list separators (a comma, a
    conjunction, a bullet), as runs: a run of two joined by a comma may be a name and its
    qualifier, a longer run is a list."""
    runs: list[list[_Slot]] = []
    for s in slots:
        prev = runs[-1][-1] if runs else None
        gap = text[prev.mention.end:s.mention.start] if prev is not None else ""
        if (prev is not None and prev.mention.sentence == s.mention.sentence
                and (_LIST_GAP_RE.match(gap) or _QUALIFIER_GAP_RE.match(gap))):
            runs[-1].append(s)
        else:
            runs.append([s])
    return runs


def _level(p: Place) -> int:
    """0 country, 1 oblast, 2 district, 3 community, 4 settlement."""
    return p.admin_level if p.is_admin and p.admin_level is not None else 4


def _could_qualify(a: _Slot, b: _Slot) -> bool:
    """Can ``b`` right after ``a`` ("A, B") say where A is? A region above A's level ("Hrakove,
    Kharkiv Oblast"), or a city beside a village ("Malaya Rohan, Kharkiv"); not a place of
    A's own level ("in the Sumy, Shostka districts" is a list)."""
    if not a.cands or not b.cands:
        return False
    a_level = max(_level(p) for p, _ in a.cands)
    return (min(_level(q) for q, _ in b.cands) < a_level
            or (a_level == 4 and any(_level(q) == 4 and q.population >= 50_000 for q, _ in b.cands)))


def _is_region(slot: _Slot) -> bool:
    """Does the mention name only countries, oblasts or districts (regions that contain places)?"""
    return bool(slot.cands) and all(p.is_admin and (p.admin_level or 0) <= 2 for p, _ in slot.cands)


@dataclass(eq=False)
class _Group:
    """The candidates of one name in one context, column by column (cached across reports)."""

    key: str
    places: list[Place]
    static: list[float]  # prior + context bonus
    lat: list[float]  # radians
    lon: list[float]
    settlement: list[bool]
    not_adm1: list[bool]
    admin1: list[tuple[str, str]]
    cc: list[str]
    population: list[float]


@dataclass
class _Context:
    region_bonus: dict[tuple[str, str], float]  # (country, admin-1) -> what a candidate there gains
    countries: set[str]

    @classmethod
    def of(cls, slots: list[_Slot], feed: frozenset[tuple[str, str]] = frozenset()) -> "_Context":
        """The regions and countries chosen so far, and the oblasts the feed's other reports of
        these days name (``feed``, a weaker hint). Names with one candidate are chosen before
        the first round, so an unambiguous "Belgorod Oblast" counts from the start."""
        bonus = dict.fromkeys(feed, FEED_REGION_BONUS)
        cc = set()
        for s in slots:
            p = s.choice
            if p is None:
                continue
            if p.feature_code == "ADM1":
                bonus[(p.country_code, p.admin1_code)] = REPORT_REGION_BONUS
            if p.feature_code == "PCLI":
                cc.add(p.country_code)
        return cls(bonus, cc)


def primary(resolved: list[Resolved]) -> Resolved | None:
    """The one place a short report is about: its first most specific, non-qualifier place."""
    pool = [r for r in resolved if r.mention.role == Role.PLACE] or resolved
    if not pool:
        return None
    rank = {"settlement": 0, "community": 1, "district": 2, "region": 3, "country": 4}
    # a city named beside a village is usually its frame ("in Kharkiv and in Malaya Rohan"):
    # the village is the more specific answer
    return min(pool, key=lambda r: (theatre_prior(r.place) == 0, rank[r.level],
                                    r.place.population >= BIG_TOWN, r.confidence < 0.5, r.mention.start))


__all__ = ["Resolver", "contains", "level_of", "primary", "theatre_prior"]
