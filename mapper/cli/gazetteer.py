"""``mapper gazetteer``: look up places, inspect or build the gazetteer."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputError
from .options import (
    echo,
    gazetteer_option,
    handle_errors,
)


@click.group()
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
    from ..pipeline import open_gazetteer

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
    from ..pipeline import open_gazetteer

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

    from ..pipeline import open_gazetteer

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


