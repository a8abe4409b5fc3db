"""``mapper batch``: many inputs into one map and dataset."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click

from ..errors import InputError, MapperError
from .options import EXIT_PARTIAL, echo, gazetteer_option, handle_errors, output_options, parse_date, parse_formats

@click.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--output", "out", required=True, type=click.Path(file_okay=False), help="Output folder.")
@click.option("-f", "--formats", default="html,geojson", show_default=True, callback=parse_formats,
              help="Comma-separated: html, geojson, csv, kml, gpkg.")
@click.option("-j", "--jobs", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker processes.")
@click.option("--merge", is_flag=True, help="Merge the same place, day and event type across reports.")
@click.option("--no-map", is_flag=True, help="Skip the HTML map.")
@click.option("--since", callback=parse_date, help="Keep incidents on or after this date.")
@click.option("--until", callback=parse_date, help="Keep incidents on or before this date.")
@click.option("--date", callback=parse_date, help="Date for reports that have none.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON on stdout.")
@click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True,
              help="Largest input file (a JSONL feed: largest row) read. Measured: a 50 MB report takes ~16 s and 0.4 GB.")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local processes (-j), or a Dask distributed cluster (--scheduler).")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask).")
@click.option("--no-cache", is_flag=True, help="Reprocess every report (ignore OUT/.cache).")
@click.option("--feed-context/--no-feed-context", default=True, show_default=True,
              help="Tell close namesakes apart by the oblasts the feed's other reports of the same days name "
                   "(±3 days, within a worker's chunk of 64 reports; costs ~7% of throughput).")
@gazetteer_option
@output_options
@handle_errors
def batch(inputs, out, formats, jobs, merge, no_map, since, until, date, as_json, max_bytes, engine, scheduler,
          no_cache, feed_context, gazetteer_path, digits, mentions, cdn, offline, title, regions_path):
    """Process folders, globs and collections (JSON, JSONL, CSV, Telegram exports) into one
    combined map and dataset; bad files are listed in OUT/errors.jsonl and skipped.

    \b
    Example:
      mapper batch reports/ feed.jsonl telegram/result.json -o out/ -f html,geojson,csv -j 2
    """
    from .. import batch as batch_lib
    from ..fileio import output_set, recover, remove_stale
    from ..outputs import write_batch
    from ..pipeline import open_gazetteer

    t0 = time.perf_counter()
    if Path(out).is_dir():
        recover(out)  # a killed run's half-published set is made whole first, whatever follows
    if since and until and since > until:
        raise click.UsageError(f"--since {since} is after --until {until}: nothing would be kept")
    files = batch_lib.collect_inputs(inputs, exclude=out)  # its own outputs and cache are no input
    if not files:
        raise InputError("no input files found")
    gpath = str(open_gazetteer(gazetteer_path).path)  # fail fast on a bad --gazetteer
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MapperError(f"cannot create {out_dir}: {e.strerror}") from None
    obj = click.get_current_context().find_root().obj or {}
    bar = None
    if not obj.get("quiet"):  # (and only then pay tqdm's import)
        from tqdm import tqdm

        bar = tqdm(unit="report", disable=None, file=sys.stderr, dynamic_ncols=True, desc="reports")
    fmts = [f for f in formats if not (no_map and f == "html")]
    if "geojson" not in fmts:
        fmts.append("geojson")
    # the incident records come back only for the outputs built from them; an unmerged
    # batch's GeoJSON is joined from the features the workers serialised
    records = merge or any(f != "geojson" for f in fmts)
    sel = batch_lib.Selection(digits, mentions, since, until, records=records)
    result = batch_lib.run(files, gpath, out_dir=out_dir, jobs=jobs, engine=engine, scheduler=scheduler,
                           default_date=date, max_bytes=max_bytes, use_cache=not no_cache,
                           progress=bar.update if bar is not None else None, selection=sel,
                           feed_context=feed_context)
    if bar is not None:
        bar.close()
    errors = result.errors
    warnings = [w for f in result.files for w in f.warnings] + [w for c in result.chunks for w in c.warnings]
    n_reports = result.reports
    if not n_reports:
        # nothing was read: a mistyped path must not replace a previous run's outputs with empty ones
        first = errors[0]["error"] if errors else "no reports in the inputs"
        more = f" (and {len(errors) - 1} more errors)" if len(errors) > 1 else ""
        raise InputError(f"no readable input, nothing written: {first}{more}")
    remove_stale(out_dir)  # what a killed run staged
    with output_set():
        summary, written = write_batch(out_dir, result, fmts, sel, merge=merge, records=records, errors=errors,
                                       warnings=warnings, title=title, cdn=cdn, digits=digits,
                                       mentions=mentions, regions_path=regions_path, t0=t0, n_inputs=len(files))
    if as_json:
        click.echo(json.dumps(summary))
    else:
        echo(f"reports {n_reports} · incidents {summary['incidents']} · mentions {summary['mentions']} · "
             f"failures {len(errors)} · skipped {summary['skipped']} · {summary['seconds']} s "
             f"({summary['reports_per_second']} reports/s)")
        for e in errors[:10]:
            echo(f"  failed: {e['path']}{':' + str(e['row']) if e.get('row') else ''}: {e['error']}")
        if len(errors) > 10:
            echo(f"  ... {len(errors) - 10} more in {out_dir / 'errors.jsonl'}")
        for w in warnings[:10]:
            echo(f"  warning: {w}", quiet_level=0)
        if len(warnings) > 10:
            echo(f"  ... {len(warnings) - 10} more warnings in {out_dir / 'summary.json'}")
    if errors:
        sys.exit(EXIT_PARTIAL)


