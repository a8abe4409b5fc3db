"""The ``mapper`` command: render, batch, extract, eval and gazetteer sub-commands.

A thin layer over the library: it parses options, calls the stages and turns MapperError into
one line on stderr with a distinct exit code (input 1, usage 2, partial batch failure 3).
Heavy libraries (folium, geopandas) are imported only by the outputs that need them.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import time
import traceback
from pathlib import Path

import click

from . import __version__
from .errors import InputError, MapperError

EXIT_INPUT, EXIT_USAGE, EXIT_PARTIAL = 1, 2, 3


class Failure(click.ClickException):
    """A MapperError on its way out: one line, the error's exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.exit_code = code

    def show(self, file=None) -> None:
        click.echo(f"mapper: error: {self.format_message()}", err=True)


def handle_errors(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return fn(*args, **kwargs)
        except MapperError as e:
            if (ctx.find_root().obj or {}).get("verbose", 0) > 1:
                traceback.print_exc()
            raise Failure(str(e), getattr(e, "exit_code", EXIT_INPUT)) from None
    return wrapper


def parse_date(ctx, param, value):
    if value is None:
        return None
    from .dates import parse_iso_date

    try:
        return parse_iso_date(value, what=param.name)
    except InputError as e:
        raise click.BadParameter(str(e)) from None


def parse_formats(ctx, param, value):
    from .export import FORMATS

    fmts = [f.strip().lower() for f in value.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts:
        raise click.BadParameter(f"unknown format {', '.join(bad) or value!r}; choose from {', '.join(FORMATS)}")
    return fmts


def gazetteer_option(f):
    return click.option("--gazetteer", "gazetteer_path", type=click.Path(dir_okay=False),
                        envvar="MAPPER_GAZETTEER", help="Gazetteer file to use (default: the bundled one; env MAPPER_GAZETTEER).")(f)


def output_options(f):
    f = click.option("--precision", type=click.IntRange(0, 10), default=5, show_default=True,
                     help="Decimals of exported coordinates.")(f)
    f = click.option("--mentions", is_flag=True, help="Also export places mentioned with no event (kind: mention).")(f)
    f = click.option("--offline", is_flag=True, help="Self-contained HTML: scripts inlined, no tiles, works with no network.")(f)
    f = click.option("--title", default=None, help="Map title (default: from the report).")(f)
    f = click.option("--regions", "regions_path", type=click.Path(exists=True, dir_okay=False),
                     help="GeoJSON of region outlines (e.g. geoBoundaries ADM1) to draw, and to shade region-level incidents.")(f)
    return f


def echo(msg: str, *, quiet_level: int = 0) -> None:
    obj = click.get_current_context().find_root().obj or {}
    if obj.get("quiet") and quiet_level <= 0:
        return
    click.echo(msg, err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mapper")
@click.option("-q", "--quiet", is_flag=True, help="Print only errors.")
@click.option("-v", "--verbose", count=True, help="More detail; -vv shows tracebacks.")
@click.pass_context
def cli(ctx, quiet, verbose):
    """Map conflict incidents from report text, offline.

    \b
    Examples:
      mapper render seeds/000_d1e38bd754553174.txt            # map + GeoJSON into output/
      mapper batch reports/ -o out/ -f html,geojson,csv -j 2  # one combined map and dataset
      mapper extract report.txt --json                        # every place mention, explained
      mapper gazetteer lookup Graivoron
    """
    ctx.obj = {"quiet": quiet, "verbose": verbose}


# --------------------------------------------------------------------------------------------
# render
# --------------------------------------------------------------------------------------------


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


def write_outputs(out_dir: Path, stem: str, incidents, fmts, *, title, offline, precision, mentions, png=False,
                  regions=None) -> list[Path]:
    from . import export

    written = []
    for fmt in fmts:
        path = out_dir / f"{stem}.{fmt}"
        if fmt == "html":
            from .render import write_map

            written.append(write_map(path, export.select(incidents, mentions=mentions), title=title, offline=offline,
                                     regions=regions))
            if png:
                from .snapshot import snapshot

                written.append(snapshot(path, out_dir / f"{stem}.png"))
        else:
            written.append(export.write(fmt, path, list(incidents), precision=precision, mentions=mentions))
    return written


@cli.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out", default="output", show_default=True,
              help="Output folder, or - to stream one format to stdout.")
@click.option("-f", "--formats", default="html,geojson", show_default=True, callback=parse_formats,
              help="Comma-separated: html, geojson, csv, kml, gpkg.")
@click.option("--date", callback=parse_date, help="Report date (YYYY-MM-DD) when the report has none.")
@click.option("--png", is_flag=True, help="Also write a PNG snapshot (headless Chromium).")
@click.option("--seq", is_flag=True, help="With -o -: one GeoJSON feature per line.")
@click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True, help="Largest input file read.")
@gazetteer_option
@output_options
@handle_errors
def render(reports, out, formats, date, png, seq, max_bytes, gazetteer_path, precision, mentions, offline, title,
           regions_path):
    """Render each report as a map (and GeoJSON, ...) in the output folder.

    \b
    Example:
      mapper render seeds/000_d1e38bd754553174.txt -o output/ -f html,geojson,kml
      mapper render report.txt -o - -f geojson | jq '.features[].properties.place'
    """
    from .pipeline import Pipeline
    from .reports import read_path

    if out == "-" and (len(formats) != 1 or formats[0] not in ("geojson", "csv", "kml")):
        raise click.UsageError("-o - streams exactly one of: geojson, csv, kml (give -f)")
    pipe = Pipeline(gazetteer_path)
    regions = None
    if regions_path and "html" in formats:
        from .render import load_regions

        regions = load_regions(regions_path)
    used: set[str] = set()
    n_written, failures = 0, 0
    for path in reports:
        try:
            res = read_path(path, default_date=date, max_bytes=max_bytes)
        except InputError as e:
            if len(reports) == 1:
                raise
            echo(f"mapper: error: {e}", quiet_level=1)
            failures += 1
            continue
        for err in res.errors:
            echo(f"mapper: warning: {err.path}: {err.error}")
        for rep in res.reports:
            for w in rep.warnings:
                echo(f"mapper: warning: {w}")
            result = pipe.process(rep)
            if out == "-":
                from . import export

                fmt = formats[0]
                if fmt == "geojson":
                    text = (export.geojsonseq_text if seq else export.geojson_text)(result.incidents, precision=precision, mentions=mentions)
                elif fmt == "csv":
                    text = export.csv_text(result.incidents, precision=precision, mentions=mentions)
                else:
                    text = export.kml_text(result.incidents, precision=precision, mentions=mentions)
                click.echo(text, nl=not text.endswith("\n"))
                continue
            stem = unique_slug(slugify(rep.id), used)
            written = write_outputs(Path(out), stem, result.incidents, formats, title=title or report_title(rep),
                                    offline=offline, precision=precision, mentions=mentions, png=png,
                                    regions=regions)
            n_written += len(written)
            n_inc = sum(1 for i in result.incidents if i.kind == "incident")
            echo(f"{rep.id}: {n_inc} incidents at {len({i.place.geonameid for i in result.incidents if i.kind == 'incident'})} places "
                 f"-> {', '.join(str(w) for w in written)}")
    if failures:
        sys.exit(EXIT_PARTIAL if n_written else EXIT_INPUT)


# --------------------------------------------------------------------------------------------
# extract
# --------------------------------------------------------------------------------------------


def mention_records(result) -> list[dict]:
    by_span = {(r.mention.start, r.mention.end): r for r in result.resolved}
    out = []
    for m in result.recognition.mentions:
        r = by_span.get((m.start, m.end))
        rec = {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence, "role": m.role}
        if m.role == "rejected" or r is None:
            rec["status"] = "rejected"
            rec["reason"] = m.reason or "no place in the gazetteer fits its context"
        else:
            p = r.place
            rec.update({"status": r.mention.role, "place": p.name, "geonameid": p.geonameid,
                        "country_code": p.country_code, "admin1": p.admin1_name, "admin2": p.admin2_name,
                        "lat": p.lat, "lon": p.lon, "precision": r.precision, "geo_precision": r.geo_precision,
                        "confidence": r.confidence})
            if r.mention.reason:
                rec["reason"] = r.mention.reason
        out.append(rec)
    return out


@cli.command()
@click.argument("report", type=click.Path())
@click.option("--date", callback=parse_date, help="Report date when the report has none.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@gazetteer_option
@handle_errors
def extract(report, date, as_json, gazetteer_path):
    """Print every place mention of a report: span, resolved place, or why it was rejected.

    \b
    Example:
      mapper extract seeds/000_d1e38bd754553174.txt
    """
    from .pipeline import Pipeline
    from .reports import read_path

    pipe = Pipeline(gazetteer_path)
    res = read_path(report, default_date=date)
    for rep in res.reports:
        result = pipe.process(rep)
        for rec in mention_records(result):
            rec = {"report_id": rep.id, **rec}
            if as_json:
                click.echo(json.dumps(rec, ensure_ascii=False))
            elif rec["status"] == "rejected":
                click.echo(f"{rec['start']:>6}-{rec['end']:<6} {rec['text']:<28} rejected: {rec['reason']}")
            else:
                click.echo(f"{rec['start']:>6}-{rec['end']:<6} {rec['text']:<28} {rec['status']:<9} {rec['place']} "
                           f"({rec['country_code']}, {rec['lat']:.4f}, {rec['lon']:.4f}) {rec['precision']} conf {rec['confidence']:.2f}")


# --------------------------------------------------------------------------------------------
# eval
# --------------------------------------------------------------------------------------------


@cli.command(name="eval")
@click.argument("reports", type=click.Path(exists=True, dir_okay=False))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--misses", is_flag=True, help="List the records the system got wrong.")
@gazetteer_option
@handle_errors
def evaluate_cmd(reports, gold, as_json, misses, gazetteer_path):
    """Score the pipeline against gold points, beside a geotext baseline.

    \b
    Example:
      mapper eval ../shared/eval/cir-dev.jsonl ../shared/eval/cir-dev-gold.jsonl
    """
    from .evaluate import Baseline, evaluate, format_table
    from .pipeline import Pipeline
    from .resolve import primary

    pipe = Pipeline(gazetteer_path)

    def system(rep):
        r = pipe.process(rep)
        pts = [(x.place.lat, x.place.lon, x.place.name) for x in r.resolved]
        best = primary(list(r.resolved))
        return pts, ((best.place.lat, best.place.lon, best.place.name) if best else None)

    rows, scores = evaluate(Path(reports), Path(gold), {"incident-mapper": system, "baseline (geotext)": Baseline()})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(format_table(rows))
    if misses:
        for rid, text, why in scores["incident-mapper"].misses:
            click.echo(f"miss {rid}: {why}: {text}", err=True)


# --------------------------------------------------------------------------------------------
# batch
# --------------------------------------------------------------------------------------------

@cli.command()
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
@click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True)
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local processes (-j), or a Dask distributed cluster (--scheduler).")
@click.option("--scheduler", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 (with --engine dask).")
@click.option("--no-cache", is_flag=True, help="Reprocess every report (ignore OUT/.cache).")
@gazetteer_option
@output_options
@handle_errors
def batch(inputs, out, formats, jobs, merge, no_map, since, until, date, as_json, max_bytes, engine, scheduler,
          no_cache, gazetteer_path, precision, mentions, offline, title, regions_path):
    """Process folders, globs and collections (JSON, JSONL, CSV, Telegram exports) into one
    combined map and dataset; bad files are listed in OUT/errors.jsonl and skipped.

    \b
    Example:
      mapper batch reports/ feed.jsonl telegram/result.json -o out/ -f html,geojson,csv -j 2
    """
    from tqdm import tqdm

    from . import batch as batch_lib
    from .fileio import write_text
    from .incidents import merge_across_reports
    from .pipeline import open_gazetteer

    t0 = time.perf_counter()
    files = batch_lib.collect_inputs(inputs)
    if not files:
        raise InputError("no input files found")
    gpath = str(open_gazetteer(gazetteer_path).path)  # fail fast on a bad --gazetteer
    out_dir = Path(out)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MapperError(f"cannot create {out_dir}: {e.strerror}") from None
    obj = click.get_current_context().find_root().obj or {}
    bar = tqdm(unit="report", disable=obj.get("quiet") or None, file=sys.stderr,
               dynamic_ncols=True, desc="reports")
    result = batch_lib.run(files, gpath, out_dir=out_dir, jobs=jobs, engine=engine, scheduler=scheduler,
                           default_date=date, max_bytes=max_bytes, use_cache=not no_cache, progress=bar.update)
    bar.close()
    incidents, errors = result.incidents, result.errors
    warnings = [w for f in result.files for w in f.warnings]
    n_reports = result.reports
    if since:
        incidents = [i for i in incidents if i.date is None or i.date >= since]
    if until:
        incidents = [i for i in incidents if i.date is None or i.date <= until]
    if merge:
        incidents = merge_across_reports(incidents)
    fmts = [f for f in formats if not (no_map and f == "html")]
    if "geojson" not in fmts:
        fmts.append("geojson")
    written = write_outputs(out_dir, "incidents", incidents, [f for f in fmts if f != "html"], title=None,
                            offline=offline, precision=precision, mentions=mentions)
    if "html" in fmts:
        from . import export
        from .render import write_map

        from .render import load_regions

        written.append(write_map(out_dir / "map.html", export.select(incidents, mentions=mentions),
                                 title=title or f"Incidents from {n_reports} reports", offline=offline,
                                 regions=load_regions(regions_path) if regions_path else None))
    write_text(out_dir / "errors.jsonl", "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in errors))
    summary = {
        "inputs": len(files), "reports": n_reports,
        "incidents": sum(1 for i in incidents if i.kind == "incident"),
        "mentions": sum(1 for i in incidents if i.kind == "mention"),
        "failures": len(errors), "warnings": len(warnings), "cached_reports": result.cached,
        "seconds": round(time.perf_counter() - t0, 3),
        "reports_per_second": round(n_reports / max(1e-9, time.perf_counter() - t0), 1),
        "outputs": [str(p) for p in written] + [str(out_dir / "errors.jsonl"), str(out_dir / "summary.json")],
    }
    write_text(out_dir / "summary.json", json.dumps(summary, indent=2))
    if as_json:
        click.echo(json.dumps(summary))
    else:
        echo(f"reports {n_reports} · incidents {summary['incidents']} · mentions {summary['mentions']} · "
             f"failures {len(errors)} · {summary['seconds']} s ({summary['reports_per_second']} reports/s)")
        for e in errors[:10]:
            echo(f"  failed: {e['path']}{':' + str(e['row']) if e.get('row') else ''}: {e['error']}")
        if len(errors) > 10:
            echo(f"  ... {len(errors) - 10} more in {out_dir / 'errors.jsonl'}")
    if errors:
        sys.exit(EXIT_PARTIAL)


# --------------------------------------------------------------------------------------------
# gazetteer
# --------------------------------------------------------------------------------------------


@cli.group()
def gazetteer():
    """Look up places, inspect or build the local gazetteer."""


@gazetteer.command()
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@click.option("-n", "--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@gazetteer_option
@handle_errors
def lookup(name, as_json, limit, gazetteer_path):
    """Ranked places for a name (exact, folded, then fuzzy).

    \b
    Example:
      mapper gazetteer lookup "Graivoronsk region"
    """
    from .pipeline import open_gazetteer

    g = open_gazetteer(gazetteer_path)
    cands = g.lookup(name, limit=limit)
    if not cands:
        raise InputError(f"no place found for {name!r}")
    for c in cands:
        p = c.place
        rec = {"name": p.name, "geonameid": p.geonameid, "lat": p.lat, "lon": p.lon,
               "feature_code": p.feature_code, "country_code": p.country_code, "admin1": p.admin1_name,
               "admin2": p.admin2_name, "population": p.population, "score": round(c.score, 3),
               "match": c.match, "matched_name": c.matched_name}
        if as_json:
            click.echo(json.dumps(rec, ensure_ascii=False))
        else:
            admin = ", ".join(x for x in (p.admin2_name, p.admin1_name) if x and x != p.name)
            click.echo(f"{p.name:<28} {p.feature_code:<5} {p.country_code} {p.lat:9.5f} {p.lon:9.5f}  "
                       f"{admin:<50} score {c.score:.2f} ({c.match}: {c.matched_name})")


@gazetteer.command()
@click.option("--json", "as_json", is_flag=True)
@gazetteer_option
@handle_errors
def info(as_json, gazetteer_path):
    """Sources, counts by country and oblast, and file size of the gazetteer."""
    from .pipeline import open_gazetteer

    s = open_gazetteer(gazetteer_path).stats()
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    click.echo(f"{s['path']}  {s['size_bytes'] / 1e6:.1f} MB  {s['places']} places  {s['names']} name keys")
    for src in s["sources"]:
        click.echo(f"  source: {src}")
    click.echo("places by country: " + ", ".join(f"{k} {v}" for k, v in list(s["by_country"].items())[:12]))
    click.echo("settlements by admin-1 (UA, RU, BY), top 15:")
    for k, v in list(s["by_admin1"].items())[:15]:
        click.echo(f"  {v:>6}  {k}")


@gazetteer.command()
@click.option("--geonames", "dumps", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="GeoNames country/allCountries dump (19 columns, .txt or .zip); repeatable.")
@click.option("--postal", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="GeoNames postal-code file (12 columns); repeatable.")
@click.option("--alternate-names", type=click.Path(exists=True, dir_okay=False), help="alternateNamesV2.txt")
@click.option("--admin-codes", multiple=True, type=click.Path(exists=True, dir_okay=False),
              help="admin1CodesASCII.txt / admin2Codes.txt")
@click.option("--extend", is_flag=True, help="Add to the default (or --gazetteer) instead of replacing it.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Gazetteer file to write.")
@gazetteer_option
@handle_errors
def build(dumps, postal, alternate_names, admin_codes, extend, output, gazetteer_path):
    """Build a gazetteer from GeoNames dumps or postal-code files.

    \b
    Example:
      mapper gazetteer build --postal UA.txt --extend -o my.gaz
      mapper render report.txt --gazetteer my.gaz
    """
    from gazetteer.build import build_from_files, extend_store
    from gazetteer.errors import GazetteerError

    from .pipeline import open_gazetteer

    if not dumps and not postal:
        raise click.UsageError("give --geonames and/or --postal files")
    try:
        if extend:
            base = open_gazetteer(gazetteer_path).path
            counts = extend_store(base, Path(output), postal=[Path(p) for p in postal], dumps=[Path(d) for d in dumps],
                                  alternate_names=Path(alternate_names) if alternate_names else None,
                                  admin_codes=[Path(a) for a in admin_codes])
        else:
            counts = build_from_files(Path(output), postal=[Path(p) for p in postal], dumps=[Path(d) for d in dumps],
                                      alternate_names=Path(alternate_names) if alternate_names else None,
                                      admin_codes=[Path(a) for a in admin_codes])
    except GazetteerError as e:
        raise InputError(str(e)) from None
    for src, n in counts.items():
        echo(f"{src}: {n} places added")
    echo(f"wrote {output} ({Path(output).stat().st_size / 1e6:.1f} MB)")


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:  # pragma: no cover
        click.echo("mapper: interrupted", err=True)
        sys.exit(130)



