"""``mapper render``: one map (and GeoJSON, ...) per report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError
from .options import (
    EXIT_INPUT,
    EXIT_PARTIAL,
    echo,
    gazetteer_option,
    handle_errors,
    output_options,
    parse_date,
    parse_formats,
)


@click.command()
@click.argument("reports", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", "out", default="output", show_default=True,
              help="Output folder; or - to stream one format to stdout; or a file (map.html, out.geojson...) "
                   "for every report's incidents in one file of that format.")
@click.option("-f", "--formats", default="html,geojson", show_default=True, callback=parse_formats,
              help="Comma-separated: html, geojson, csv, kml, gpkg.")
@click.option("--date", callback=parse_date, help="Report date (YYYY-MM-DD) when the report has none.")
@click.option("--png", is_flag=True, help="Also write a PNG snapshot (headless Chromium).")
@click.option("--seq", is_flag=True, help="With -o -: one GeoJSON feature per line.")
@click.option("--max-bytes", type=click.IntRange(1), default=50 * 1024 * 1024, show_default=True,
              help="Largest input file (a JSONL feed: largest row) read. Measured: a 50 MB report takes ~16 s and 0.4 GB.")
@gazetteer_option
@output_options
@handle_errors
def render(reports, out, formats, date, png, seq, max_bytes, gazetteer_path, digits, mentions, cdn, offline, title,
           regions_path):
    """Render each report as a map (and GeoJSON, ...) in the output folder.

    \b
    Example:
      mapper render seeds/000_d1e38bd754553174.txt -o output/ -f html,geojson,kml
      mapper render report.txt -o - -f geojson | jq '.features[].properties.place'
    """
    from .. import export
    from ..outputs import render_each, to_stdout, write_set
    from ..pipeline import Pipeline

    # one destination for every report: stdout (-o -) or a file named with a format's suffix
    # (-o map.html); otherwise a folder with one set of files per report
    single = out == "-" or Path(out).suffix.lower().lstrip(".") in export.FORMATS
    given = click.get_current_context().get_parameter_source("formats") is not click.core.ParameterSource.DEFAULT
    if single:
        fmt = (formats[0] if given else "geojson") if out == "-" else Path(out).suffix.lower().lstrip(".")
        if out == "-" and (given and len(formats) != 1 or fmt not in export.STREAMABLE):
            raise click.UsageError(f"-o - streams exactly one of: {', '.join(export.STREAMABLE)} (give -f)")
        if out != "-" and given and formats != [fmt]:
            raise click.UsageError(f"-o {out} is one {fmt} file: give -f {fmt} or an output folder")
        if png and fmt != "html":
            raise click.UsageError("--png goes with an HTML map")
    regions = None
    if regions_path and ("html" in formats or (single and fmt == "html")):
        from ..render import load_regions

        regions = load_regions(regions_path)

    def say(kind: str, text: str) -> None:
        echo(f"mapper: {kind}: {text}" if kind != "done" else text, quiet_level=1 if kind == "error" else 0)

    done = render_each(reports, None if single else Path(out), formats, pipeline=Pipeline(gazetteer_path), date=date,
                       max_bytes=max_bytes, digits=digits, mentions=mentions, cdn=cdn, title=title, png=png,
                       regions=regions, say=say)
    n_reports, n_written, collected, titles = done.reports, len(done.written), done.collected, done.titles
    if not n_reports:
        # nothing was read: a file of bad rows must not replace a previous run's outputs
        raise InputError(f"no readable report in {', '.join(reports)}: nothing written")
    if single:
        if out == "-":
            to_stdout(fmt, collected, digits=digits, mentions=mentions, seq=seq)
        else:
            target = Path(out)
            name = title or (titles[0] if len(titles) == 1 else f"Incidents from {len(titles)} reports")
            written = write_set(target.parent, target.stem, collected, [fmt], title=name, cdn=cdn,
                                digits=digits, mentions=mentions, png=png, regions=regions)
            echo(f"{len(titles)} report(s): {sum(1 for i in collected if i.kind == 'incident')} incidents "
                 f"-> {', '.join(str(w) for w in written)}")
        n_written += 1
    if done.failures:
        sys.exit(EXIT_PARTIAL if n_written else EXIT_INPUT)
