"""Render incidents as an interactive map page: what the page shows, as data.

Last stage. :func:`page_data` turns incidents into plain data for the page — one entry per
place with every incident at it, each incident's popup fields, the event types, the villages
around, the search's folding rules — and :class:`mapper.webmap.Map` (a ``folium.Map``) carries
it to the page as JSON, where ``map.js`` builds the atlas, markers, popups, list, filters and
time bar, showing every string with ``textContent``: no report text is ever HTML or template.

The page carries what it needs — Leaflet and its plugins (``mapper/data/vendor``, built from
pinned npm packages by :mod:`mapper.build_assets`) and its atlas (``mapper/data/basemap.json``
and ``boundaries.geojson``, built by :mod:`mapper.build_basemap` and
:mod:`mapper.build_boundaries`) — so it works from ``file://`` with no network, mailed or
archived. ``cdn=True`` links the same pinned files from unpkg with SRI hashes instead. Tiles
are optional base layers the user may switch to; nothing is fetched until they do.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .border import basemap, boundaries_geojson, round_coords
from .events import EVENT_COLOURS, labels
from .export import SIDE_LABELS, claim_lines, dumps
from .records import Incident
from .table import properties

_DAY_MS = 86_400_000
# the border region's window (south, west, north, east): the view is fitted to the incidents
# inside it; those outside are listed, not zoomed out to
THEATRE_BOX = (43.0, 20.0, 57.5, 48.0)
REGION_BOUNDS = [[44.0, 30.0], [53.5, 41.0]]  # the view of a map with no incidents
MAX_LABELS = 300  # places with incidents named, busiest first (the rest only by their popups)
CLUSTER_OVER = 1000  # settlement markers, above which they are clustered unless told otherwise
MAX_OUTLIERS_NAMED = 5
VILLAGE_CELL = 0.2  # degrees: the villages named around the incidents, by cell
MAX_VILLAGE_CELLS = 150
# optional tile layers (never loaded unless the user picks one in the layer control)
TILES = [
    {"name": "Light (Esri World Gray Canvas)",
     "url": "https://server.arcgisonline.com/ArcGIS/rest/services/Canvas/World_Light_Gray_Base/MapServer/tile/{z}/{y}/{x}",
     "attr": "Tiles &copy; Esri &mdash; Esri, DeLorme, NAVTEQ", "maxZoom": 16},
    {"name": "OpenStreetMap", "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
     "attr": '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors', "maxZoom": 19},
    {"name": "Satellite (Esri World Imagery)",
     "url": "https://server.arcgisonline.com/ArcGIS/rest/services/World_Imagery/MapServer/tile/{z}/{y}/{x}",
     "attr": "Tiles &copy; Esri &mdash; Source: Esri, Maxar, Earthstar Geographics", "maxZoom": 18},
]
_FROM_REPORT = " (the report’s date)"
_DATA = files("mapper") / "data"


def popup_data(i: Incident, props: dict | None = None) -> dict:
    """What an incident's popup shows, as plain text fields: the page builds the popup from them
    with ``textContent`` only (map.js ``IM.popup``), so no report text is ever parsed as HTML —
    and a page of 20,000 incidents carries their words, not 20,000 pieces of markup."""
    when = "date unknown" if i.date is None else i.date.isoformat()
    if i.date_end and i.date_end != i.date:
        when += f" – {i.date_end.isoformat()}"
    if i.time_expression:
        when += f" ({i.time_expression})"
    if i.date_source == "report":
        when += _FROM_REPORT
    tp = {1: "day", 2: "week", 3: "month"}.get(i.time_precision or 0, "")
    if tp:
        when += f" · precision: {tp}"
    facts = [f"location precision: {i.level} (ACLED {i.geo_precision})", f"confidence: {i.confidence:.2f}"]
    if i.border_km is not None:
        facts.append(f"{i.border_km:.0f} km from the RU–UA border ({i.border_side or 'n/a'} side)")
    if i.fatalities:
        facts.append(f"fatalities stated: {i.fatalities}")
    return {"who": claim_lines(i), "contested": i.contested,  # (the place's names: its entry in page_data)
            "label": (props or properties(i))["event_label"], "when": when,
            "ev": list(i.evidence[:3]), "men": list(i.mentions), "facts": facts,
            "url": i.url if re.match(r"^https?://", i.url or "") else ""}


def _ms(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp() * 1000)


def time_span(incidents: Iterable[Incident]) -> tuple[int, int] | None:
    """The first day and the day after the last of the dated incidents, in ms (None if none)."""
    dated = [i for i in incidents if i.date]
    if not dated:
        return None
    return min(_ms(i.date) for i in dated), max(_ms(i.date_end or i.date) for i in dated) + _DAY_MS


def js_json(value) -> str:
    """JSON for a <script>: '<' escaped so no string can close the script element (and the two
    line separators JavaScript once refused in strings)."""
    return dumps(value).replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def load_regions(path: str | os.PathLike) -> list[dict]:
    """User-supplied region outlines (GeoJSON polygons, e.g. geoBoundaries ADM1/ADM2), simplified
    for the page: [{"name": ..., "geometry": ...}]. The name is read from the usual properties."""
    from shapely.geometry import mapping, shape

    from .errors import InputError

    try:
        fc = json.loads(Path(path).read_text(encoding="utf-8"))
        out = []
        for f in fc.get("features", []):
            props = f.get("properties") or {}
            name = next((str(props[k]) for k in ("shapeName", "name", "NAME_1", "NAME_2", "name_en", "NAME")
                         if props.get(k)), "")
            geom = shape(f["geometry"]).simplify(0.005, preserve_topology=True)
            if name and not geom.is_empty and geom.geom_type in ("Polygon", "MultiPolygon"):
                out.append({"name": name, "geometry": round_coords(mapping(geom))})
        if not out:
            raise InputError(f"{path}: no named polygons found")
        return out
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        raise InputError(f"{path}: not a GeoJSON file of named polygons ({e})") from None



def _outliers(incidents: list[Incident]) -> tuple[list[Incident], list[Incident]]:
    """(inside, outside) the border region's window: one stray point must not zoom the view out
    to Africa; it is listed instead (and stays on the map, a zoom-out away)."""
    s, w, n, e = THEATRE_BOX
    inside = [i for i in incidents if s <= i.place.lat <= n and w <= i.place.lon <= e]
    outside = [i for i in incidents if not (s <= i.place.lat <= n and w <= i.place.lon <= e)]
    return (inside, outside) if inside else (incidents, [])


def _fit(incidents: list[Incident]) -> list[list[float]]:
    if not incidents:
        return REGION_BOUNDS
    lats = [i.place.lat for i in incidents]
    lons = [i.place.lon for i in incidents]
    pad = 0.35
    return [[min(lats) - pad, min(lons) - pad], [max(lats) + pad, max(lons) + pad]]



@lru_cache(maxsize=1)
def _basemap() -> tuple[list[dict], str]:
    """The shipped oblasts and the atlas as the page's JSON: the land, the lines (oblast and
    country outlines less the state border's stretch), the border once, and the names."""
    data = basemap()
    bounds = boundaries_geojson()
    base = {"countries": {"type": "FeatureCollection",
                          "features": [f for f in bounds["features"] if f["properties"]["kind"] == "country"]},
            "border": {"type": "FeatureCollection",
                       "features": [f for f in bounds["features"] if f["properties"]["kind"] == "border"]},
            "lines": data["lines"],
            "oblasts": [[f["properties"]["label"], f["properties"]["name"]] for f in data["oblasts"]["features"]],
            "towns": data["towns"]}
    return data["oblasts"]["features"], js_json(base)


def basemap_json() -> str:
    return _basemap()[1]


def _outlines(incidents: list[Incident], regions: list[dict] | None) -> tuple[list, dict]:
    """The outlines of the areas with incidents, shown while one's popup is open: the user's
    ``--regions`` by name (districts too), then the shipped oblasts by country and admin-1."""
    from gazetteer import fold_name

    oblasts = _basemap()[0]
    by_name = {fold_name(r["name"]): r["geometry"] for r in regions or []}
    by_code = {(f["properties"]["cc"], f["properties"]["a1"]): f["geometry"] for f in oblasts if f["properties"]["a1"]}
    polys: list = []
    index: dict = {}
    for i in incidents:
        key = (i.place.geonameid, i.level)
        if key in index or i.level not in ("region", "district"):
            continue
        g = by_name.get(fold_name(i.place.name))
        if g is None and i.level == "region" and i.place.feature_code == "ADM1":
            g = by_code.get((i.place.country_code, i.place.admin1_code))
        index[key] = len(polys) if g is not None else None
        if g is not None:
            polys.append(g)
    return polys, index


def _villages(places: list, gazetteer) -> list:
    """The settlements around the incidents' settlements (VILLAGE_CELL-degree cells holding
    one, the busiest MAX_VILLAGE_CELLS), named on the page from zoom 10 when it has no tiles."""
    cells = Counter((math.floor(p[0] / VILLAGE_CELL), math.floor(p[1] / VILLAGE_CELL))
                    for p in places if p[4] == "settlement")
    seen, out = set(), []
    for (a, b), _ in cells.most_common(MAX_VILLAGE_CELLS):
        s, w = a * VILLAGE_CELL - 0.05, b * VILLAGE_CELL - 0.08
        for lat, lon, name in gazetteer.settlements_within(s, w, s + VILLAGE_CELL + 0.1, w + VILLAGE_CELL + 0.16, 400):
            if (lat, lon) not in seen:
                seen.add((lat, lon))
                out.append([round(lat, 4), round(lon, 4), name])
    return out


def page_data(incidents: list[Incident], *, title: str = "Incidents", as_of: str | None = None,
              regions: list[dict] | None = None, cluster: bool | None = None, gazetteer=None) -> dict:
    """Everything the page shows, as plain data (map.js shows text with ``textContent`` only):
    the places (one marker per place and precision, with every incident there), the incidents
    with their popups' fields, the event types, the villages around, the search's folding."""
    from gazetteer import Gazetteer, fold_name
    from gazetteer.fold import rules

    gaz = gazetteer or Gazetteer.default()
    polys, outline = _outlines(incidents, regions)
    lab = labels()
    places: list = []
    at: dict = {}
    known: dict = {}  # geonameid -> (name, Cyrillic name, where it is, search keys)
    rows = []
    for i in incidents:
        p = i.place
        key = (p.geonameid, round(p.lat, 5), round(p.lon, 5), i.level)
        k = at.get(key)
        if k is None:
            k = at[key] = len(places)
            facts = known.get(p.geonameid)
            if facts is None or facts[0] is not p.name:  # (names, keys) once a place
                local = p.cyrillic_name or ""
                full = gaz.get(p.geonameid) if p.geonameid else None
                names = {p.name, local, *(full.names if full else p.names)}
                admin = ", ".join(x for x in (p.admin2_name if p.feature_code != "ADM2" else "",
                                              p.admin1_name if p.feature_code != "ADM1" else "") if x)
                facts = known[p.geonameid] = (p.name, local, f"{admin} · {p.country_code}" if admin else p.country_code,
                                              sorted({fold_name(n) for n in names if n} - {""}))
            places.append([round(p.lat, 5), round(p.lon, 5), p.name, facts[1], i.level, facts[2], facts[3],
                           outline.get((p.geonameid, i.level))])
        start = _ms(i.date) if i.date else None
        end = _ms(i.date_end or i.date) + _DAY_MS if i.date else None
        props = properties(i)  # the run's incident table: the values every other format shows
        rows.append({"p": k, "t": props["event_type"], "s": start, "e": end, "d": props["date"] or "",
                     "side": props["claimant_side"], "src": props["source"], "id": props["incident_id"],
                     "c": round(props["confidence"], 2), "kind": props["kind"], "popup": popup_data(i, props)})
    counts = Counter(i.event_type for i in incidents)
    inside, outside = _outliers(incidents)
    n_points = sum(1 for p in places if p[4] == "settlement")
    latest = max((i.date_end or i.date for i in incidents if i.date), default=None)
    return {
        "title": title, "asOf": as_of or (latest.isoformat() if latest else ""),
        "incidents": sum(1 for i in incidents if i.kind == "incident"),
        "outside": [f"{i.place.name} ({i.place.country_code})" for i in outside[:MAX_OUTLIERS_NAMED]],
        "nOutside": len(outside),
        "types": [[t, lab.get(t, "Mention"), EVENT_COLOURS.get(t, "#777")]  # (the table's words)
                  for t, _ in counts.most_common()],
        "places": places, "rows": rows, "polys": polys,
        "span": list(time_span(incidents) or []) or None,
        "sources": sorted({r["src"] for r in rows}),
        "sides": [[k, v] for k, v in SIDE_LABELS.items() if any(i.claimant_side == k for i in incidents)],
        "bounds": _fit(inside), "cluster": n_points > CLUSTER_OVER if cluster is None else cluster,
        "maxLabels": MAX_LABELS, "tiles": TILES, "fold": rules(), "villages": _villages(places, gaz),
        "regions": {"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": r["name"]}, "geometry": r["geometry"]}
            for r in regions]} if regions else None,
    }


__all__ = ["EVENT_COLOURS", "basemap_json", "js_json", "load_regions", "page_data", "popup_data", "time_span"]
