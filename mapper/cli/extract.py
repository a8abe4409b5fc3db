"""``mapper extract``: every place mention of a report, explained."""

from __future__ import annotations

import json

import click

from .options import (
    gazetteer_option,
    handle_errors,
    parse_date,
)


def mention_records(result) -> list[dict]:
    from ..claims import ReportClaims
    from ..records import Role

    rec_ = result.recognition
    claims = ReportClaims(result.report, rec_.text, rec_.sentences)
    by_span = {(r.mention.start, r.mention.end): r for r in result.resolved}
    why = {(m.start, m.end): m.reason for m in result.rejected}
    out = []
    for m in result.recognition.mentions:
        r = by_span.get((m.start, m.end))
        rec = {"text": m.text, "start": m.start, "end": m.end, "sentence": m.sentence, "role": m.role}
        if m.role == Role.REJECTED or r is None:
            rec["status"] = "rejected"
            rec["reason"] = m.reason or why.get((m.start, m.end)) or "no place in the gazetteer fits its context"
        else:
            p = r.place
            rec.update({"status": r.mention.role, "place": p.name, "geonameid": p.geonameid,
                        "country_code": p.country_code, "admin1": p.admin1_name, "admin2": p.admin2_name,
                        "lat": p.lat, "lon": p.lon, "precision": r.level, "geo_precision": r.geo_precision,
                        "confidence": r.confidence})
            if r.mention.reason:
                rec["reason"] = r.mention.reason
            c = claims(m.sentence, m.start - rec_.sentences[m.sentence][0])
            rec.update({"claimed_by": c.claimant.name if c.claimant else "",
                        "claimant_side": c.claimant.side if c.claimant else "unknown",
                        "claim": c.span, "hedged": c.hedged})
        out.append(rec)
    return out


@click.command()
@click.argument("report", type=click.Path())
@click.option("--date", callback=parse_date, help="Report date when the report has none.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines instead of a table.")
@gazetteer_option
@handle_errors
def extract(report, date, as_json, gazetteer_path):
    """Print every place mention of a report: span, resolved place, or why it was rejected, and
    who the report says claims what happened there (the claim span).

    \b
    Example:
      mapper extract seeds/000_d1e38bd754553174.txt
    """
    from ..pipeline import Pipeline
    from ..reports import read_path

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
                           f"({rec['country_code']}, {rec['lat']:.4f}, {rec['lon']:.4f}) {rec['precision']} conf {rec['confidence']:.2f}"
                           + (f" · claimed by {rec['claimed_by']} ({rec['claimant_side']}): “{rec['claim']}”"
                              if rec["claimed_by"] else "") + (" · hedged" if rec["hedged"] else ""))


