"""``mapper eval``: accuracy against gold points, beside a baseline."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .options import (
    gazetteer_option,
    handle_errors,
)


@click.command(name="eval")
@click.argument("reports", type=click.Path(exists=True, dir_okay=False))
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--misses", is_flag=True, help="List the records the system got wrong.")
@gazetteer_option
@handle_errors
def evaluate_cmd(reports, gold, as_json, misses, gazetteer_path):
    """Score the pipeline against gold, beside a geotext baseline. Two gold formats: one
    point per report (CIR captions: recall and accuracy at 1-161 km), or must/may/must_not
    places per report (bulletins: must-recall per language, precision, traps taken).

    \b
    Example:
      mapper eval ../shared/eval/cir-dev.jsonl ../shared/eval/cir-dev-gold.jsonl
      mapper eval ../shared/eval/bulletins-dev.jsonl ../shared/eval/bulletins-dev-gold.jsonl
    """
    from .. import export
    from ..evaluate import Baseline, evaluate, evaluate_places, format_table, is_places_gold
    from ..pipeline import Pipeline
    from ..resolve import primary

    pipe = Pipeline(gazetteer_path)

    def system(rep):
        r = pipe.process(rep)
        pts = [(x.place.lat, x.place.lon, x.place.name) for x in r.resolved]
        best = primary(list(r.resolved))
        return pts, ((best.place.lat, best.place.lon, best.place.name) if best else None)

    def incidents(rep):
        """The points a user gets: the incidents of the report's GeoJSON."""
        r = pipe.process(rep)
        return [(i.place.lat, i.place.lon, i.level) for i in export.select(r.incidents)], None

    baseline = Baseline()
    if is_places_gold(Path(gold)):
        def base_points(rep):
            pts, best = baseline(rep)
            return [(la, lo, "settlement") for la, lo, _ in pts], best

        rows, scores = evaluate_places(Path(reports), Path(gold), {"incident-mapper": incidents,
                                                                  "baseline (geotext)": base_points})
    else:
        rows, scores = evaluate(Path(reports), Path(gold), {"incident-mapper": system, "baseline (geotext)": baseline})
    if as_json:
        click.echo(json.dumps(rows, indent=2))
    else:
        click.echo(format_table(rows))
    if misses:
        for rid, text, why in scores["incident-mapper"].misses:
            click.echo(f"miss {rid}: {why}: {text}", err=True)
