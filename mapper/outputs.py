"""Outputs: the files a run writes, as one set, and what goes to stdout.

The last stage, under the CLI: a report's (or a batch's) incidents in the chosen formats
(:mod:`mapper.export` for GeoJSON, CSV, KML and GeoPackage, :mod:`mapper.render` for the map),
written so that all of them or none replace a previous run's (:func:`fileio.output_set`). The
commands only parse their options and call these.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from . import export
from .fileio import output_set, write_text
from .incidents import merge_across_reports
from .render import load_regions


def write_set(out_dir: Path, stem: str, incidents, fmts, *, title, cdn, digits, mentions, png=False,
              regions=None) -> list[Path]:
    """Write the chosen formats as one set (all or none replace the previous ones); the PNG is
    taken of the map once it is in place."""
    written = []
    with output_set():
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
