"""The incident table: every incident's exported properties (:func:`properties`, the
GeoJSON's, CSV's notes and KML's ExtendedData) and, from them, one typed GeoDataFrame — what
``mapper.to_geodataframe`` returns and what the GeoPackage is written from, so no two formats
can disagree on a value.

Types: ``date``/``date_end`` datetime64, the closed vocabularies (``event_type``, ``kind``,
``precision``, ``claimant_side`` ...) categoricals, counts and codes nullable integers
(``Int64``), ``hedged``/``contested`` booleans, the rest strings; geometry the place's point in
EPSG:4326, or with ``areas`` an oblast-level incident's oblast polygon where the page's atlas
has it (Ukraine's oblasts and the Russian regions along the border).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator
from functools import lru_cache

from gazetteer import Place

from .events import labels
from .memo import Memo
from .records import Incident, Kind

_PLACE_FIELDS = Memo(100_000)  # geonameid -> (the place, digits, its fields ..., (lon, lat))


def place_fields(p: Place, digits: int = 5) -> tuple:
    """A place's own properties and rounded (lon, lat), worked out once per place object: a
    batch writes tens of thousands of incidents at a few hundred places, and neither the
    Cyrillic name nor rounding a float to n digits is free."""
    hit = _PLACE_FIELDS.get(p.geonameid)
    if hit is not None and hit[0] is p and hit[1] == digits:  # (this very place: another gazetteer's may share its id)
        return hit
    return _PLACE_FIELDS.put(p.geonameid, (p, digits, p.name, p.cyrillic_name, p.geonameid, p.country_code,
                                           p.region_name, p.district_name, (round(p.lon, digits), round(p.lat, digits))))


PROPERTY_NAMES = (
    "report_id", "incident_id", "kind", "place", "place_local", "mention", "geonameid", "country_code",
    "admin1", "admin2", "precision", "geo_precision", "confidence", "date", "date_end", "time_precision",
    "time_expression", "date_source", "event_type", "event_label", "sub_event_type", "evidence", "source", "url",
    "border_km", "border_side", "fatalities", "claimed_by", "claimant_side", "claim", "claimants", "hedged",
    "outcome", "contested", "reports", "inferred_from", "actors",
)  # the GeoJSON properties in order: also the columns of an empty GeoPackage


_RUN: contextvars.ContextVar[dict | None] = contextvars.ContextVar("incident_table", default=None)


@contextlib.contextmanager
def one_table() -> Iterator[None]:
    """Inside the block, each incident's properties are computed once, whatever the number of
    formats written from them (a run's GeoJSON, CSV, KML and GeoPackage share them)."""
    if _RUN.get() is not None:
        yield
        return
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def properties(i: Incident) -> dict:
    """The incident's exported properties (the GeoJSON's, in :data:`PROPERTY_NAMES` order);
    the dict is shared, not to be changed."""
    run = _RUN.get()
    if run is not None:
        hit = run.get(id(i))
        if hit is not None and hit[0] is i:
            return hit[1]
        props = compute_properties(i)
        run[id(i)] = (i, props)  # (the incident kept with it: its id is not reused meanwhile)
        return props
    return compute_properties(i)


def compute_properties(i: Incident) -> dict:
    """The properties of one incident, computed (:func:`properties` computes each once a run)."""
    _, _, name, local, gid, cc, admin1, admin2, _ = place_fields(i.place)
    return {
        "report_id": i.report_id,
        "incident_id": i.incident_id,
        "kind": i.kind,
        "place": name,
        "place_local": local,
        "mention": "; ".join(i.mentions),
        "geonameid": gid,
        "country_code": cc,
        "admin1": admin1,
        "admin2": admin2,
        "precision": i.level,
        "geo_precision": i.geo_precision,
        "confidence": round(i.confidence, 3),
        "date": i.date.isoformat() if i.date else None,
        "date_end": i.date_end.isoformat() if i.date_end else None,
        "time_precision": i.time_precision,
        "time_expression": i.time_expression,
        "date_source": i.date_source,
        "event_type": i.event_type,
        "event_label": labels().get(i.event_type, "Mention"),
        "sub_event_type": i.sub_event_type,
        "evidence": "\n".join(i.evidence),
        "source": "; ".join(i.sources) or i.source,
        "url": i.url,
        "border_km": i.border_km,
        "border_side": i.border_side,
        "fatalities": i.fatalities,
        "claimed_by": i.claimed_by,
        "claimant_side": i.claimant_side,
        "claim": i.claim,
        "claimants": "; ".join(i.claimants),
        "hedged": i.hedged,
        "outcome": i.outcome,
        "contested": i.contested,
        "reports": i.report_id.count(",") + 1,  # a merged event's reports (see incidents.merge_across_reports)
        "inferred_from": i.inferred_from,
        "actors": "; ".join(i.actors),
    }


# the table's types (the rest are strings)
CATEGORICAL = ("kind", "precision", "event_type", "event_label", "date_source", "claimant_side", "border_side",
               "country_code", "inferred_from", "outcome")
NULLABLE_INTEGERS = ("geonameid", "geo_precision", "time_precision", "fatalities", "reports")
FLOATS = ("confidence", "border_km")
BOOLEANS = ("hedged", "contested")
DATES = ("date", "date_end")


@lru_cache(maxsize=1)
def oblast_shapes() -> dict:
    """(country code, admin-1 code) -> the oblast's outline (shapely), from the shipped atlas."""
    from shapely.geometry import shape

    from .border import basemap

    data = basemap()
    return {(f["properties"]["cc"], f["properties"]["a1"]): shape(f["geometry"])
            for f in data["oblasts"]["features"] if f["properties"]["a1"]}


def _geometry(i: Incident, areas: bool, digits: int | None):
    from shapely.geometry import Point

    if areas and i.level == "region" and i.place.feature_code == "ADM1":
        outline = oblast_shapes().get((i.place.country_code, i.place.admin1_code))
        if outline is not None:
            return outline
    lon, lat = i.place.lon, i.place.lat
    return Point(lon, lat) if digits is None else Point(round(lon, digits), round(lat, digits))


def incident_table(incidents: Iterable[Incident], *, areas: bool = False, digits: int | None = None):
    """The typed table of ``incidents`` (every one given: choose with :func:`export.select`).
    An empty list gives the same columns and types."""
    import geopandas as gpd
    import pandas as pd

    from .events import cue_table

    rows = list(incidents)
    df = pd.DataFrame([properties(i) for i in rows], columns=list(PROPERTY_NAMES))
    vocab = {"event_type": [et.type for et in cue_table().types] + ["mention"],
             "kind": [k.value for k in Kind]}
    for col in PROPERTY_NAMES:
        if col in DATES:
            df[col] = pd.to_datetime(df[col], format="ISO8601").astype("datetime64[ns]")
        elif col in NULLABLE_INTEGERS:
            df[col] = df[col].astype("Int64")
        elif col in FLOATS:
            df[col] = df[col].astype("float64")
        elif col in BOOLEANS:
            df[col] = df[col].astype("bool")
        elif col in CATEGORICAL:
            cats = vocab.get(col)
            df[col] = pd.Categorical(df[col].astype("string"), categories=cats) if cats else \
                df[col].astype("string").astype("category")
        else:
            df[col] = df[col].astype("string")
    return gpd.GeoDataFrame(df, geometry=[_geometry(i, areas, digits) for i in rows], crs="EPSG:4326")


__all__ = ["BOOLEANS", "CATEGORICAL", "DATES", "FLOATS", "NULLABLE_INTEGERS", "PROPERTY_NAMES", "incident_table",
           "compute_properties", "oblast_shapes", "one_table", "place_fields", "properties"]
