"""The library face: read reports, process them into incidents, and get them as GeoDataFrames.

What ``import mapper`` offers a notebook, in the manner of sqlite-utils: each function does the
work, and the click commands are thin layers over the same stages. It sits on top of the
pipeline, beside the CLI: it imports the stages, none imports it.

    import mapper
    result = mapper.process("date 2024-05-10\\nShelling of Glotovo overnight.")
    gdf = result.to_geodataframe()            # typed columns, EPSG:4326
    feed = mapper.process_many(["feed.jsonl"])  # the batch engine, with the feed's context
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gazetteer import Gazetteer

from .errors import InputError
from .records import Incident, Kind, Mention, Report
from .reports import parse_text, read_path

PathOrText = str | os.PathLike



def _date(value: dt.date | str | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"date {value!r} is not YYYY-MM-DD") from None


def _is_path(source: PathOrText) -> bool:
    """A Path, or a string naming an existing file or folder (one line, no longer than a path
    can be): else the string is a report's text."""
    if isinstance(source, os.PathLike):
        return True
    return "\n" not in source and len(source) < 4096 and os.path.exists(source)


def read(source: PathOrText, *, date: dt.date | str | None = None,
         max_bytes: int = 50 * 1024 * 1024) -> list[Report]:
    """The reports of ``source``: a file (text, Markdown, HTML, JSON/JSONL/CSV, a Telegram
    export) or a report's text itself. ``date`` is the date of reports that state none.
    A file that cannot be read raises :class:`mapper.InputError`; its bad rows are skipped."""
    default = _date(date)
    if _is_path(source):
        return list(read_path(source, default_date=default, max_bytes=max_bytes).reports)
    return [parse_text(str(source), id="text", default_date=default)]


@lru_cache(maxsize=4)
def _pipeline(path: str | None):
    from .pipeline import Pipeline

    return Pipeline(path)


_BY_GAZETTEER: "weakref.WeakKeyDictionary[Gazetteer, object]" = weakref.WeakKeyDictionary()


def _pipeline_for(gazetteer: Gazetteer | PathOrText | None):
    """The pipeline of a gazetteer, made once: a notebook calling process() in a loop pays the
    recogniser's and resolver's set-up once (by path, or by the Gazetteer object while it lives)."""
    from .pipeline import Pipeline

    if isinstance(gazetteer, Gazetteer):
        p = _BY_GAZETTEER.get(gazetteer)
        if p is None:
            p = _BY_GAZETTEER[gazetteer] = Pipeline(gazetteer)
        return p
    return _pipeline(os.fspath(gazetteer) if gazetteer is not None else None)


@dataclass(frozen=True)
class Result:
    """What one report gave: its incidents, the places it names with no event (``mentions``),
    and the spans recognition took for places that resolution rejected, with the reason."""

    report: Report
    incidents: tuple[Incident, ...]
    mentions: tuple[Incident, ...] = ()
    rejected: tuple[Mention, ...] = ()

    def to_geodataframe(self, *, mentions: bool = False, areas: bool = False):
        """The incidents (and with ``mentions`` the mention records) as a GeoDataFrame."""
        return to_geodataframe(self.incidents + (self.mentions if mentions else ()), areas=areas)

    @property
    def __geo_interface__(self) -> dict:
        from .export import feature_collection

        return feature_collection(self.incidents)


@dataclass(frozen=True)
class Results:
    """What a feed gave: every report's incidents in input order, and the files or rows that
    could not be read (``errors``: path, row, error), which a batch skips and goes on past."""

    incidents: tuple[Incident, ...]
    mentions: tuple[Incident, ...] = ()
    errors: tuple[dict, ...] = ()
    warnings: tuple[str, ...] = ()
    reports: int = 0

    def to_geodataframe(self, *, mentions: bool = False, areas: bool = False):
        return to_geodataframe(self.incidents + (self.mentions if mentions else ()), areas=areas)

    @property
    def __geo_interface__(self) -> dict:
        from .export import feature_collection

        return feature_collection(self.incidents)


def process(report_or_text: Report | PathOrText, *, date: dt.date | str | None = None,
            gazetteer: Gazetteer | PathOrText | None = None) -> Result:
    """One report's incidents: a :class:`Report`, a report's text, or a file holding one
    report (a collection of several goes to :func:`process_many`). ``date``: the report's date
    if it states none. ``gazetteer``: a :class:`gazetteer.Gazetteer` or a path (default: the
    bundled one)."""
    if isinstance(report_or_text, Report):
        rep = report_or_text
        if rep.date is None and date is not None:
            from dataclasses import replace

            rep = replace(rep, date=_date(date))
    else:
        reports = read(report_or_text, date=date)
        if len(reports) != 1:
            raise InputError(f"{os.fspath(report_or_text)}: {len(reports)} reports; use mapper.process_many")
        rep = reports[0]
    res = _pipeline_for(gazetteer).process(rep)
    return Result(rep, tuple(i for i in res.incidents if i.kind == Kind.INCIDENT),
                  tuple(i for i in res.incidents if i.kind == Kind.MENTION), res.rejected)


def process_many(sources: Iterable[PathOrText], *, date: dt.date | str | None = None,
                 gazetteer: PathOrText | None = None, jobs: int = 1, cache: PathOrText | None = None,
                 merge: bool = False, feed_context: bool = True,
                 max_bytes: int = 50 * 1024 * 1024) -> Results:
    """The incidents of many files, folders or globs (JSON/JSONL/CSV feeds, Telegram exports,
    text files), through the batch engine ``mapper batch`` uses: the same incidents, in input
    order. ``jobs``: worker processes; ``cache``: a folder that keeps processed reports between
    calls (none by default); ``merge``: one event per place, day and event family across
    reports; ``feed_context``: namesakes told apart by the feed's other reports of those days."""
    from . import batch
    from .incidents import merge_across_reports
    from .pipeline import open_gazetteer

    files = batch.collect_inputs([os.fspath(s) for s in sources], exclude=cache)
    if not files:
        raise InputError("no input files found")
    gpath = str(open_gazetteer(gazetteer).path)
    with tempfile.TemporaryDirectory(prefix="mapper-") as tmp:
        out_dir = Path(cache) if cache is not None else Path(tmp)
        res = batch.run(files, gpath, out_dir=out_dir, jobs=jobs, default_date=_date(date), max_bytes=max_bytes,
                        use_cache=cache is not None, selection=batch.Selection(mentions=True),
                        feed_context=feed_context)
    found = res.incidents
    if merge:
        found = merge_across_reports(found)
    warnings = [w for f in res.files for w in f.warnings] + [w for c in res.chunks for w in c.warnings]
    return Results(tuple(i for i in found if i.kind == Kind.INCIDENT), tuple(i for i in found if i.kind == Kind.MENTION),
                   tuple(res.errors), tuple(warnings), res.reports)


def to_geodataframe(incidents: Sequence[Incident] | Iterable[Incident], *, areas: bool = False):
    """Incidents as a GeoDataFrame in EPSG:4326, one row each, with the columns of the GeoJSON
    properties (README, *Output schema*) as real types: ``date``/``date_end`` datetime64,
    closed vocabularies (``event_type``, ``kind``, ``precision``, ``claimant_side`` ...) as
    categoricals, counts and codes as nullable integers (``Int64``), ``hedged``/``contested``
    as booleans; the geometry each place's point, or with ``areas`` an oblast-level incident's
    oblast polygon (see :mod:`mapper.table`). An empty list gives the same columns."""
    from .table import incident_table

    return incident_table(incidents, areas=areas)


def write(incidents: Iterable[Incident] | Result | Results, path: PathOrText, *, title: str = "Incidents",
          digits: int = 5, mentions: bool = False, cdn: bool = False) -> Path:
    """Write incidents (or a result's) to ``path`` in the format its suffix names: ``.geojson``,
    ``.csv`` (ACLED's columns), ``.kml``, ``.gpkg`` or ``.html`` (the map, as ``mapper render``
    writes it). Atomic: a failure leaves a previous file whole. ``mentions``: the places named
    with no event too; ``title`` and ``cdn`` are the map's."""
    from .export import FORMATS
    from .outputs import write_set

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"{path}: the suffix names no format (one of: {', '.join('.' + f for f in FORMATS)})")
    rows = list(getattr(incidents, "incidents", incidents))
    if mentions and hasattr(incidents, "mentions"):
        rows += list(incidents.mentions)
    (written,) = write_set(path.parent, path.stem, rows, [fmt], title=title, cdn=cdn, digits=digits, mentions=mentions)
    return written


__all__ = ["Result", "Results", "process", "process_many", "read", "to_geodataframe", "write"]
