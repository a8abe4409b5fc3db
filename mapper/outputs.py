"""Outputs: the files a run writes, as one set, and what goes to stdout.

The last stage, under the CLI: a report's (or a batch's) incidents in the chosen formats
(:mod:`mapper.export` for GeoJSON, CSV, KML and GeoPackage, :mod:`mapper.render` for the map),
written so that all of them or none replace a previous run's (:func:`fileio.output_set`). The
commands only parse their options and call these.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import export
from .fileio import output_set, write_text
from .incidents import merge_across_reports
from .table import one_table
from .render import load_regions


def write_set(out_dir: Path, stem: str, incidents, fmts, *, title, cdn, digits, mentions, png=False,
              regions=None) -> list[Path]:
    """Write the chosen formats as one set (all or none replace the previous ones); the PNG is
    taken of the map once it is in place."""
    written = []
    with output_set(), one_table():  # each incident's properties once, for every format
        for fmt in fmts:
            path = out_dir / f"{stem}.{fmt}"
            if fmt == "html":
                from .webmap import write_map  # folium, imported only when a map is written

                written.append(write_map(path, export.select(incidents, mentions=mentions), title=title,
                                         cdn=cdn, regions=regions))
            else:
                written.append(export.write(fmt, path, list(incidents), digits=digits, mentions=mentions))
    if png and "html" in fmts:
        from .snapshot import snapshot

        written.append(snapshot(out_dir / f"{stem}.html", out_dir / f"{stem}.png"))
    return written


def to_stdout(fmt: str, incidents, *, digits: int, mentions: bool, seq: bool = False) -> None:
    """One streamable format of ``incidents`` on standard output (``-o -``)."""
    sys.stdout.buffer.write(export.as_bytes(fmt, incidents, digits=digits, mentions=mentions, seq=seq))
    sys.stdout.flush()


def write_batch(out_dir, result, fmts, sel, *, merge, records, errors, warnings, title, cdn, digits,
                mentions, regions_path, t0, n_inputs):
    """Every output of a batch (staged by the caller's output set: the batch's files replace a
    previous run's together or not at all), and its summary (also written as summary.json)."""
    n_reports = result.reports
    written = []
    incidents = []
    if records:
        incidents = [i for i in result.incidents if sel.dated(i.date)]
        if merge:
            incidents = merge_across_reports(incidents)
    if merge:
        counts = {"incident": sum(i.kind == "incident" for i in incidents),
                  "mention": sum(i.kind == "mention" for i in incidents),
                  "undated": sum(i.kind == "incident" and i.date is None for i in incidents)}
    else:
        written.append(result.write_geojson(out_dir / "incidents.geojson"))
        counts = result.counts()
    with one_table():  # the datasets and the map from one incident table
        written += write_set(out_dir, "incidents", incidents,
                             [f for f in fmts if f != "html" and (merge or f != "geojson")],
                             title=None, cdn=cdn, digits=digits, mentions=mentions)
        if "html" in fmts:
            from .webmap import write_map

            written.append(write_map(out_dir / "map.html", export.select(incidents, mentions=mentions),
                                     title=title or f"Incidents from {n_reports} reports", cdn=cdn,
                                     regions=load_regions(regions_path) if regions_path else None))
    write_text(out_dir / "errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors))
    summary = {
        "inputs": n_inputs, "reports": n_reports,
        "incidents": counts.get("incident", 0),
        "mentions": counts.get("mention", 0),
        "undated_incidents": counts.get("undated", 0),  # date: null (no report date, none stated)
        "failures": len(errors), "warnings": len(warnings), "cached_reports": result.cached,
        "skipped": sum(f.skipped for f in result.files),  # Telegram service and media-only messages
        "seconds": round(time.perf_counter() - t0, 3),
        "reports_per_second": round(n_reports / max(1e-9, time.perf_counter() - t0), 1),
        "outputs": [str(p) for p in written] + [str(out_dir / "errors.jsonl"), str(out_dir / "summary.json")],
        "warning_list": warnings,
    }
    write_text(out_dir / "summary.json", json.dumps(summary, indent=2, ensure_ascii=False))
    return summary, written


def slugify(text: str) -> str:
    """A safe file stem: no separators, no leading dots, no traversal, at most 80 characters."""
    s = re.sub(r"[^\w.-]+", "-", text, flags=re.UNICODE).strip(".-_")
    s = re.sub(r"\.{2,}", ".", s)
    return s[:80] or "report"


def unique_slug(base: str, used: set[str]) -> str:
    slug, n = base, 2
    while slug.lower() in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug.lower())
    return slug


def report_title(rep) -> str:
    """A map title: the report's title, else its first line or sentence, shortened."""
    if rep.title:
        return rep.title
    first = re.split(r"(?<=[.!?])\s|\n", rep.text.strip(), maxsplit=1)[0].strip()
    first = re.sub(r"^(?:LATEST|BREAKING|UPDATE)\s*:\s*", "", first, flags=re.I)
    if len(first) > 80:
        first = first[:80].rsplit(" ", 1)[0] + "…"
    return first or rep.id


@dataclass
class Rendered:
    """What :func:`render_each` did: the reports made into incidents, the files written, and
    the failures (a file, a row or a report each), in order. ``collected``: every report's
    incidents, when they all go to one destination."""

    reports: int = 0
    written: list[Path] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    collected: list = field(default_factory=list)
    titles: list[str] = field(default_factory=list)


def render_each(paths: Sequence[str], out: Path | None, formats: list[str], *, pipeline, date=None,
                max_bytes: int, digits: int, mentions: bool, cdn: bool, title: str | None, png: bool,
                regions=None, say: Callable[[str, str], None] = lambda kind, text: None) -> Rendered:
    """``mapper render``'s work: each file read, each of its reports made into incidents, and
    each report's outputs written as one set in ``out`` (or, with ``out`` None, every report's
    incidents collected for one destination). A bad file, row or report is that one's failure
    (``say("error", ...)``); the others go on. ``say("warning" | "done", text)`` tells the rest."""
    from .errors import InputError, MapperError
    from .reports import read_path

    done = Rendered()
    used: set[str] = set()
    for path in paths:
        try:
            res = read_path(path, default_date=date, max_bytes=max_bytes)
        except InputError as e:
            if len(paths) == 1:
                raise
            done.failures.append(str(e))
            say("error", str(e))
            continue
        except Exception as e:  # a bug on one file must not stop the others
            msg = f"{path}: internal error: {type(e).__name__}: {e}"
            if len(paths) == 1:
                raise MapperError(msg) from None
            done.failures.append(msg)
            say("error", msg)
            continue
        for err in res.errors:  # a bad row is that row's failure: the rest go on
            done.failures.append(f"{err.path}: {err.error}")
            say("error", f"{err.path}: {err.error}")
        for rep in res.reports:
            for w in rep.warnings:
                say("warning", w)
            try:
                result = pipeline.process(rep)
            except Exception as e:  # a bug on one report must not stop the others
                msg = f"{rep.id}: internal error: {type(e).__name__}: {e}"
                done.failures.append(msg)
                say("error", msg)
                continue
            done.reports += 1
            for w in result.warnings:
                say("warning", w)
            if out is None:
                done.collected += result.incidents
                done.titles.append(report_title(rep))
                continue
            stem = unique_slug(slugify(rep.id), used)
            written = write_set(out, stem, result.incidents, formats, title=title or report_title(rep),
                                cdn=cdn, digits=digits, mentions=mentions, png=png, regions=regions)
            done.written += written
            incs = [i for i in result.incidents if i.kind == "incident"]
            say("done", f"{rep.id}: {len(incs)} incidents at {len({i.place.geonameid for i in incs})} places "
                        f"-> {', '.join(str(w) for w in written)}")
    return done
