"""Export incidents as GeoJSON (RFC 7946), GeoJSON text sequences, CSV with ACLED columns, KML
and GeoPackage. Every writer is atomic. The GeoJSON property schema is documented in the README
and kept stable: add properties, never rename them.

About 400 lines: five formats over one set of fields per incident (``properties``), which keeps
them in step; a module per format would repeat the field logic."""

from __future__ import annotations

import csv
import hashlib
import datetime as dt
import io
import os
import re
from collections.abc import Iterable
from html import (
    escape,  # & < > " ' as XML entities; xml.sax.saxutils would import urllib.request
)
from pathlib import Path

import orjson

from .errors import OutputError
from .events import labels
from .fileio import atomic_path, write_bytes
from .records import Incident
from .table import PROPERTY_NAMES, place_fields, properties

FORMATS = ("html", "geojson", "csv", "kml", "gpkg")
# ACLED's columns, in ACLED's order (its codebook); the CSV adds ours after them
ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
]
EXTRA_COLUMNS = ["kind", "report_id", "url", "confidence", "border_km", "border_side", "our_event_type", "precision",
                 "date_source", "inferred_from"]
COUNTRY_NAMES = {"UA": "Ukraine", "RU": "Russia", "BY": "Belarus"}
ISO_NUMERIC = {"UA": 804, "RU": 643, "BY": 112}
ISO3 = {"UA": "UKR", "RU": "RUS", "BY": "BLR"}  # ACLED's event_id_cnty prefix
# ACLED's disorder type of each of its event types
_DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
             "Violence against civilians": "Political violence", "Riots": "Political violence",
             "Protests": "Demonstrations", "Strategic developments": "Strategic developments"}
# Characters XML 1.0 cannot carry (C0 controls but tab and line ends, lone surrogates, U+FFFE/F),
# which GeoPackage readers also choke on; report text may hold any of them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# a character either escaping has work to do for: most values (codes, names, numbers) have none,
# and one search in C is cheaper than the substitution and five replacements (KML of 27,000
# incidents: two million values)
_XML_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """Text for an XML element or attribute: characters XML cannot hold dropped, then escaped."""
    s = str(value)
    if _XML_SPECIAL.search(s) is None:
        return s
    return escape(_NOT_XML.sub("", s))


def balloon_text(value: object) -> str:
    """Text for a KML element that Google Earth shows as HTML (description, data values):
    its markup characters (& < >) escaped for HTML first, so markup in a report shows as text,
    then for XML. Quotes stay quotes: escaped twice, QGIS showed them as "&quot;"."""
    s = str(value)
    if _XML_SPECIAL.search(s) is None:
        return s
    return xml_text(escape(s, quote=False))


def csv_cell(value: object) -> object:
    """A CSV cell that no spreadsheet runs: text starting like a formula, after any leading
    spaces or line breaks (" =1+1", "\n=cmd"), gets a leading quote."""
    if isinstance(value, str) and (value.startswith(_FORMULA_START)
                                   or value.lstrip(" \n\t\r").startswith(_FORMULA_START[:4])):
        return "'" + value
    return value


def event_id_cnty(i: Incident) -> str:
    """ACLED's event id: the country's ISO 3166 alpha-3 code and a number (UKR12345678), the
    number taken from the incident's stable id, so re-runs give the same ids (an id not of the
    product's hexadecimal form, one a user made, is hashed to its number)."""
    tail = i.incident_id[-12:]
    try:
        number = int(tail, 16)
    except ValueError:
        number = int.from_bytes(hashlib.blake2b(i.incident_id.encode("utf-8", "replace"), digest_size=8).digest(), "big")
    return ISO3.get(i.place.country_code, i.place.country_code or "XXX") + str(number % 10**9)


def feature(i: Incident, *, digits: int = 5) -> dict:
    return {
        "type": "Feature",
        "id": i.incident_id,
        "geometry": {"type": "Point", "coordinates": coordinates(i, digits)},  # a tuple: a JSON array
        "properties": properties(i),
    }


def select(incidents: Iterable[Incident], *, mentions: bool = False) -> list[Incident]:
    return [i for i in incidents if mentions or i.kind == "incident"]


def bbox(features: list[dict]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of point features, or None if there are none."""
    if not features:
        return None
    xs = [f["geometry"]["coordinates"][0] for f in features]
    ys = [f["geometry"]["coordinates"][1] for f in features]
    return (min(xs), min(ys), max(xs), max(ys))


def feature_collection(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> dict:
    feats = [feature(i, digits=digits) for i in select(incidents, mentions=mentions)]
    fc: dict = {"type": "FeatureCollection", "features": feats}
    box = bbox(feats)
    if box is not None:
        fc["bbox"] = list(box)
    return fc


def dumps(obj) -> str:
    """Compact UTF-8 JSON by orjson: the json module made writing a batch's GeoJSON the
    slowest serial step of the parent process (benchmarks/MEASURED.md)."""
    return orjson.dumps(obj).decode("utf-8")


def feature_bytes(i: Incident, *, digits: int = 5) -> bytes:
    return orjson.dumps(feature(i, digits=digits))


def write_collection(path: str | os.PathLike, parts: list[bytes], bbox: tuple | None) -> Path:
    """Write a FeatureCollection from serialised features (each part one or more comma-separated
    features) and their bbox, piece by piece: the same bytes as serialising
    :func:`feature_collection`, without joining ~100 MB in memory first."""
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        fh.write(b'{"type":"FeatureCollection","features":[')
        for k, part in enumerate(parts):
            if k:
                fh.write(b",")
            fh.write(part)
        fh.write(b"]")
        if bbox is not None:
            fh.write(b',"bbox":' + orjson.dumps(list(bbox)))
        fh.write(b"}")
    return Path(path)


def coordinates(i: Incident, digits: int = 5) -> tuple[float, float]:
    """(lon, lat) rounded to ``digits`` decimals."""
    return place_fields(i.place, digits)[-1]


def geojson_bytes(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> bytes:
    """The FeatureCollection as UTF-8 bytes, ready for a file: a batch's GeoJSON runs to
    ~100 MB, and decoding it to a str only to encode it again cost a tenth of the write."""
    return orjson.dumps(feature_collection(incidents, digits=digits, mentions=mentions))


def geojsonseq_bytes(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> bytes:
    """One feature per line (GeoJSONSeq, as ogr2ogr and jq read it). U+2028 and U+2029, line
    separators to tools that split on every Unicode line end, are written escaped."""
    out = b"".join(feature_bytes(i, digits=digits) + b"\n" for i in select(incidents, mentions=mentions))
    return out.replace("\u2028".encode(), b"\\u2028").replace("\u2029".encode(), b"\\u2029")


def geojson_text(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> str:
    return geojson_bytes(incidents, digits=digits, mentions=mentions).decode("utf-8")


def geojsonseq_text(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> str:
    return geojsonseq_bytes(incidents, digits=digits, mentions=mentions).decode("utf-8")


def acled_row(i: Incident, *, digits: int = 5) -> dict:
    """An incident in ACLED's columns and taxonomy (event_type and sub_event_type from
    events.toml's ``acled``/``acled_sub``; ours stays in ``our_event_type``), actors where the
    evidence states them (actors.toml), fatalities 0 when none are stated, and a timestamp of
    the event's day, so that the same inputs give the same file."""
    from .events import actor_inter, civilian_targeting, event_types

    p = properties(i)
    et = event_types().get(i.event_type)
    acled_type = et.acled if et else "Strategic developments"
    named = [(a, actor_inter(a)) for a in i.actors] if i.kind == "incident" else []
    (a1, t1), (a2, t2) = (named + [("", 0), ("", 0)])[:2]
    day = i.date
    return {
        "event_id_cnty": event_id_cnty(i),
        "event_date": p["date"] or "",
        "year": day.year if day else "",
        "time_precision": i.time_precision or "",
        "disorder_type": _DISORDER.get(acled_type, ""),
        "event_type": acled_type,
        "sub_event_type": et.acled_sub if et else "Other",
        "actor1": a1, "assoc_actor_1": "", "inter1": t1 or "",
        "actor2": a2, "assoc_actor_2": "", "inter2": t2 or "",
        "interaction": (10 * t1 + t2) if t1 else "",
        "civilian_targeting": "Civilian targeting" if i.kind == "incident" and civilian_targeting(et, " ".join(i.evidence)) else "",
        "iso": ISO_NUMERIC.get(i.place.country_code, ""),
        "region": "Europe" if i.place.country_code in ISO_NUMERIC else "",
        "country": COUNTRY_NAMES.get(i.place.country_code, i.place.country_code),
        "admin1": p["admin1"],
        "admin2": p["admin2"],
        "admin3": p["place"] if i.level == "community" else "",
        "location": p["place"],
        "latitude": round(i.place.lat, digits),
        "longitude": round(i.place.lon, digits),
        "geo_precision": i.geo_precision,
        "source": "; ".join(dict.fromkeys([*i.claimants, *(s for s in p["source"].split("; ") if s)])),
        "source_scale": source_scale(i),
        "notes": notes(i),
        "fatalities": i.fatalities or 0,
        "tags": "",
        "timestamp": int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.timezone.utc).timestamp()) if day else "",
    }


def source_scale(i: Incident) -> str:
    """ACLED's source_scale from the claimants' scales ("Subnational-National"), else ""."""
    from .claims import lexicon

    known = lexicon().by_name
    return "-".join(dict.fromkeys(known[c].scale for c in i.claimants if c in known))


SIDE_LABELS = {"ru_official": "Russian official", "ua_official": "Ukrainian official", "independent": "independent",
               "other": "other", "unknown": "not attributed"}


INFERENCE_LINES = {
    "frame": "Event inferred from an attack frame (the words say it was hit or under fire, not by what)",
    "list": "Event inferred: an item of the attack's list, with no cue word of its own",
    "report": "Event inferred from the report's attack: the place's own sentence states none",
}


def claim_lines(i: Incident) -> list[str]:
    """Who says so, how surely, and how the event was inferred, in words: for the map's popups
    and the CSV's notes."""
    lines = []
    if i.claimed_by:
        lines.append(f"Claimed by {i.claimed_by} ({SIDE_LABELS.get(i.claimant_side, i.claimant_side)})"
                     + (f": “{i.claim}”" if i.claim else ""))
    if len(i.claimants) > 1:
        lines.append("Also: " + ", ".join(i.claimants[1:]))
    if i.hedged:
        lines.append("Hedged wording (“reportedly”, “allegedly”): confidence lowered")
    if i.contested:
        lines.append("Outcome contested: claimants of different sides tell different outcomes")
    if i.inferred_from in INFERENCE_LINES:
        lines.append(INFERENCE_LINES[i.inferred_from])
    return lines


def notes(i: Incident) -> str:
    """ACLED-style notes: the evidence, then who says so and how surely."""
    tail = claim_lines(i)
    return " ".join(i.evidence) + (f" [{'; '.join(tail)}]" if tail else "")


def csv_text(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> str:
    buf = io.StringIO()
    columns = ACLED_COLUMNS + EXTRA_COLUMNS
    w = csv.writer(buf)  # (rows as lists in column order: DictWriter checks every row's keys)
    w.writerow(columns)
    for i in select(incidents, mentions=mentions):
        row = {**acled_row(i, digits=digits), "kind": i.kind, "report_id": i.report_id,
               "url": i.url, "confidence": i.confidence, "border_km": i.border_km, "border_side": i.border_side,
               "our_event_type": i.event_type, "precision": i.level,
               "date_source": i.date_source, "inferred_from": i.inferred_from}
        w.writerow([csv_cell(row.get(k, "")) for k in columns])
    return buf.getvalue()


def _kml_colour(hex_rgb: str) -> str:
    """#RRGGBB as KML's aabbggrr, opaque."""
    r, g, b = hex_rgb[1:3], hex_rgb[3:5], hex_rgb[5:7]
    return f"ff{b}{g}{r}".lower()


_SIMPLE_DATA = {k: f'<SimpleData name="{k}">' for k in PROPERTY_NAMES}  # (names of our own: nothing to escape)


def kml_text(incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False, name: str = "incidents") -> str:
    """KML 2.2 as Google Earth reads it: one Folder per event type, each type with its Style
    (the map's colour), one Placemark per incident with a TimeStamp (or TimeSpan) and its
    properties as ExtendedData; elements in the order the KML 2.2 schema gives them."""
    from .events import EVENT_COLOURS

    chosen = select(incidents, mentions=mentions)
    by_type: dict[str, list[Incident]] = {}
    for i in chosen:
        by_type.setdefault(i.event_type, []).append(i)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>', f"<name>{xml_text(name)}</name>"]
    for etype in by_type:
        out.append(f'<Style id="et-{xml_text(etype)}"><IconStyle><color>{_kml_colour(EVENT_COLOURS.get(etype, "#777777"))}'
                   '</color><scale>1.1</scale></IconStyle></Style>')
    out.append('<Schema name="incident" id="incident">')
    for k in PROPERTY_NAMES:
        if k != "evidence":
            out.append(f'<SimpleField type="{KML_TYPES.get(k, "string")}" name="{k}"></SimpleField>')
    out.append("</Schema>")
    for etype, incs in by_type.items():
        # named by type alone: a layer's name must not change with the number of its incidents
        out.append(f"<Folder><name>{xml_text(labels().get(etype, 'Mention'))}</name>")
        for i in incs:
            p = properties(i)
            out.append(f'<Placemark id="{xml_text(i.incident_id)}">')
            out.append(f"<name>{xml_text(p['place'])}: {xml_text(p['event_label'])}</name>")
            out.append(f"<description>{balloon_text(p['evidence'])}</description>")
            if i.date and i.date_end:
                out.append(f"<TimeSpan><begin>{i.date.isoformat()}</begin><end>{i.date_end.isoformat()}</end></TimeSpan>")
            elif i.date:
                out.append(f"<TimeStamp><when>{i.date.isoformat()}</when></TimeStamp>")
            out.append(f"<styleUrl>#et-{xml_text(etype)}</styleUrl>")
            out.append('<ExtendedData><SchemaData schemaUrl="#incident">')
            for k, v in p.items():
                if v is not None and k != "evidence":
                    v = str(v).lower() if isinstance(v, bool) else v
                    out.append(f'{_SIMPLE_DATA[k]}{balloon_text(v)}</SimpleData>')
            out.append("</SchemaData></ExtendedData>")
            out.append(f"<Point><coordinates>{round(i.place.lon, digits)},{round(i.place.lat, digits)}</coordinates></Point>")
            out.append("</Placemark>")
        out.append("</Folder>")
    out.append("</Document></kml>")
    return "\n".join(out)


# KML SimpleField types of the typed properties (the rest are strings), so that GIS tools read
# numbers as numbers
KML_TYPES = {"geonameid": "int", "geo_precision": "int", "time_precision": "int", "fatalities": "int",
             "reports": "int", "confidence": "double", "border_km": "double", "hedged": "bool", "contested": "bool"}


def write_gpkg(path: str | os.PathLike, incidents: Iterable[Incident], *, digits: int = 5, mentions: bool = False) -> Path:
    """GeoPackage of the incident table (:mod:`mapper.table`, the GeoDataFrame the Python API
    returns), with a fixed schema whatever the data: dates as DATE, integers as INTEGER even
    when empty or all null, booleans as booleans; and no per-run timestamp, so the same
    incidents give the same bytes. Written with pyogrio's array writer, the one that writes a
    day as a DATE (its DataFrame writer makes every date a DATETIME)."""
    import numpy as np
    import pyogrio
    import shapely
    from pyogrio.raw import write as write_arrays

    from .table import DATES, incident_table

    table = incident_table(select(incidents, mentions=mentions), digits=digits)
    data, masks = [], []
    for col in PROPERTY_NAMES:
        column = table[col]
        mask = None
        if col in DATES:
            values = column.to_numpy(dtype="datetime64[D]")  # NaT: null
        elif str(column.dtype) == "Int64":
            mask = column.isna().to_numpy()
            values = column.fillna(0).to_numpy(dtype="int64")
        elif column.dtype.kind in "fb":
            values = column.to_numpy()
        else:
            values = np.array([None if v is None or v != v else _NOT_XML.sub("", str(v)) for v in column.astype(object)],
                              dtype=object)
        data.append(values)
        masks.append(mask)
    geometry = shapely.to_wkb(np.asarray(table.geometry.values, dtype=object))
    with atomic_path(path, suffix=".gpkg") as tmp:
        tmp.unlink()
        # GDAL stamps gpkg_contents.last_change with the time of writing unless told a date
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": "2000-01-01T00:00:00.000Z"})
        try:
            write_arrays(str(tmp), geometry, data, list(PROPERTY_NAMES), field_mask=masks, layer="incidents",
                         driver="GPKG", geometry_type="Point", crs="EPSG:4326")
        except OSError:
            raise
        except Exception as e:  # GDAL reports a full disk or a bad folder as its own errors
            raise OutputError(f"cannot write {path}: {str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
        finally:
            pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    return Path(path)


STREAMABLE = ("geojson", "csv", "kml")  # the formats that can go to stdout (-o -)


def as_bytes(fmt: str, incidents: list[Incident], *, digits: int = 5, mentions: bool = False,
             seq: bool = False, name: str = "incidents") -> bytes:
    """A text format's whole content, for a file or for stdout: one GeoJSON FeatureCollection
    (or GeoJSONSeq with ``seq``), one CSV, one KML document, whatever the number of reports."""
    if fmt == "geojson":
        return (geojsonseq_bytes if seq else geojson_bytes)(incidents, digits=digits, mentions=mentions)
    if fmt == "csv":  # with a byte-order mark: Excel then reads it as UTF-8 (Cyrillic intact)
        return csv_text(incidents, digits=digits, mentions=mentions).encode("utf-8-sig")
    if fmt == "kml":
        return kml_text(incidents, digits=digits, mentions=mentions, name=name).encode("utf-8")
    raise ValueError(f"{fmt!r} is not a text format")


def write(fmt: str, path: str | os.PathLike, incidents: list[Incident], *, digits: int = 5,
          mentions: bool = False, seq: bool = False) -> Path:
    if fmt == "gpkg":
        return write_gpkg(path, incidents, digits=digits, mentions=mentions)
    if fmt in STREAMABLE:
        return write_bytes(path, as_bytes(fmt, incidents, digits=digits, mentions=mentions, seq=seq,
                                          name=Path(path).stem))
    raise ValueError(f"unknown format {fmt!r}")
