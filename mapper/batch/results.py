"""What a batch gives back: per file, per chunk of reports, and for the whole run."""

from __future__ import annotations

import datetime as dt
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Incident


@dataclass
class FileResult:
    path: str
    error: str | None = None
    incidents: int = 0
    reports: int = 0
    cached: int = 0
    row_errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: int = 0  # Telegram service and media-only messages


@dataclass(frozen=True)
class Selection:
    """Which incidents go into the batch's GeoJSON, and how: travels with every chunk so that
    the workers serialise the features themselves."""

    digits: int = 5
    mentions: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    records: bool = True  # send the incident records back too (not needed for GeoJSON alone)

    def dated(self, day: dt.date | None) -> bool:
        """Inside --since/--until (an undated incident always is: it says so itself)."""
        return day is None or ((self.since is None or day >= self.since) and (self.until is None or day <= self.until))

    def shown(self, kind: str, day: dt.date | None) -> bool:
        return (self.mentions or kind == "incident") and self.dated(day)


@dataclass
class Chunk:
    """What a worker sends back for a chunk of reports.

    Per report its status; the chunk's selected features as GeoJSON, serialised in the worker
    in one call, with their bbox and the counts the summary needs; and the incidents
    themselves as one pickle that the parent unpacks only if an output needs them
    (the map, CSV, KML, GeoPackage, ``--merge``). Unpickling the incidents and serialising their
    features in the parent had kept the workers waiting (benchmarks/MEASURED.md).
    """

    status: list[tuple[int, bool, str | None]]  # (incidents, from the cache, error) per report
    features: bytes  # the selected features, comma-separated (b"" if none)
    bbox: tuple[float, float, float, float] | None  # of the selected features
    counts: dict[str, int]  # incidents and mentions inside --since/--until, by kind; "undated" incidents
    blob: bytes | None = None
    unpacked: list[Incident] | None = None
    warnings: list[str] = field(default_factory=list)  # cache entries that were recomputed

    @classmethod
    def pack(cls, results: list[tuple[list[Incident], bool, str | None]], sel: Selection, *,
             pickled: bool, warnings: list[str] | None = None) -> "Chunk":
        import orjson

        from ..export import bbox, feature

        incidents = [i for incs, _, _ in results for i in incs]
        dated = [i for i in incidents if sel.dated(i.date)]
        counts = {"incident": 0, "mention": 0, "undated": 0}
        for i in dated:
            counts[i.kind] = counts.get(i.kind, 0) + 1
            counts["undated"] += i.date is None and i.kind == "incident"
        shown = [feature(i, digits=sel.digits) for i in dated if sel.mentions or i.kind == "incident"]
        features = orjson.dumps(shown)[1:-1]  # one call for the chunk: per feature was slower
        box = bbox(shown)
        status = [(len(incs), cached, err) for incs, cached, err in results]
        blob = unpacked = None
        if sel.records and pickled:
            blob = pickle.dumps(incidents, protocol=pickle.HIGHEST_PROTOCOL)
        elif sel.records:
            unpacked = incidents
        return cls(status, features, box, counts, blob, unpacked, list(warnings or ()))

    def incidents(self) -> list[Incident]:
        if self.unpacked is None:
            if self.blob is None:
                raise ValueError("this batch ran with Selection(records=False): no incident records came back")
            self.unpacked = pickle.loads(self.blob)
            self.blob = None
        return self.unpacked


@dataclass
class BatchResult:
    files: list[FileResult]
    seconds: float
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def incidents(self) -> list[Incident]:
        """Every incident in input order (unpacked from the workers' pickles on first use)."""
        return [i for c in self.chunks for i in c.incidents()]

    def counts(self) -> dict[str, int]:
        """Incidents and mentions inside the selection's --since/--until, by kind, and how
        many of those incidents are undated ("undated")."""
        out: dict[str, int] = {}
        for c in self.chunks:
            for kind, n in c.counts.items():
                out[kind] = out.get(kind, 0) + n
        return out

    def write_geojson(self, path: str | os.PathLike) -> Path:
        """The FeatureCollection of the selected incidents, joined from the workers' serialised
        features (the same bytes as :func:`export.geojson_bytes` of those incidents)."""
        from ..export import write_collection

        boxes = [c.bbox for c in self.chunks if c.bbox]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes)) if boxes else None
        return write_collection(path, [c.features for c in self.chunks if c.features], bbox)

    @property
    def errors(self) -> list[dict]:
        out = []
        for f in self.files:
            if f.error:
                out.append({"path": f.path, "row": None, "error": f.error})
            out.extend(f.row_errors)
        return out

    @property
    def reports(self) -> int:
        return sum(f.reports for f in self.files)

    @property
    def cached(self) -> int:
        return sum(f.cached for f in self.files)
