"""Render incidents as an interactive map page: an atlas of the border region (land, oblast
outlines, the state border, names), the incidents by event type with escaped popups, a time
window with a per-day histogram, search, layers and legend.

Last stage. The page is a fixed frame that this module writes piece by piece: there is no
template engine, so report text can never run as template code. Every string from a report is
escaped for where it lands: ``html.escape`` for HTML, and JSON with ``<`` escaped inside
scripts, so no report can end the script it is carried in.

The page carries what it needs — Leaflet and its plugins (``mapper/data/vendor``, built from
pinned npm packages by :mod:`mapper.build_assets`) and its atlas (``mapper/data/basemap.json``
and ``boundaries.geojson``, built by :mod:`mapper.build_basemap` and
:mod:`mapper.build_boundaries`) — so it works from ``file://`` with no network, mailed or
archived. ``cdn=True`` links the same pinned files from unpkg with SRI hashes instead. Tiles
are optional base layers the user may switch to; nothing is fetched until they do.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from .border import boundaries_geojson, round_coords
from .events import EVENT_COLOURS, labels
from .export import SIDE_LABELS, claim_lines, dumps
from .fileio import atomic_path
from .records import Incident

_DAY_MS = 86_400_000
# the border region's window (south, west, north, east): the view is fitted to the incidents
# inside it; those outside are listed, not zoomed out to
THEATRE_BOX = (43.0, 20.0, 57.5, 48.0)
REGION_BOUNDS = [[44.0, 30.0], [53.5, 41.0]]  # the view of a map with no incidents
MAX_LABELS = 300  # places with incidents named, busiest first (the rest only by their popups)
CLUSTER_OVER = 1000  # points, above which they are clustered unless told otherwise
MAX_DASHED_AREAS = 1000  # dashed area edges are slow to draw in the thousands
# region incidents drawn as their oblast's outline, at most; above it, as diamonds (the oblast
# outlines are on the map anyway), since each is a full polygon to draw on every frame
MAX_REGION_SHAPES = 500
MAX_OUTLIERS_NAMED = 5
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


def _esc(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)


def popup_data(i: Incident) -> dict:
    """What an incident's popup shows, as plain text fields: the page builds the popup from them
    with ``textContent`` only (map.js ``IM.popup``), so no report text is ever parsed as HTML —
    and a page of 20,000 incidents carries their words, not 20,000 pieces of markup."""
    p = i.place
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
    admin = ", ".join(x for x in (p.admin2_name if p.feature_code != "ADM2" else "",
                                  p.admin1_name if p.feature_code != "ADM1" else "") if x)
    facts = [f"location precision: {i.level} (ACLED {i.geo_precision})", f"confidence: {i.confidence:.2f}"]
    if i.border_km is not None:
        facts.append(f"{i.border_km:.0f} km from the RU–UA border ({i.border_side or 'n/a'} side)")
    if i.fatalities:
        facts.append(f"fatalities stated: {i.fatalities}")
    return {"local": p.cyrillic_name, "who": claim_lines(i), "contested": i.contested, "sub": f"{admin} · {p.country_code}" if admin else p.country_code,
            "label": labels().get(i.event_type, "Place mentioned, no event"), "when": when,
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


def map_feature(i: Incident, span: tuple[int, int] | None, shapes: "Shapes | None" = None) -> dict:
    """An incident as the page needs it, as plain text (map.js shows it with ``textContent``:
    nothing here is HTML). ``s``/``e`` are its first day and the
    day after its last, in ms; an undated incident spans the whole period so that no time
    window hides it. ``poly``: the index of the outline it is drawn as (see :class:`Shapes`)."""
    if i.date:
        start, end = _ms(i.date), _ms(i.date_end or i.date) + _DAY_MS
    elif span:
        start, end = span
    else:
        start, end = 0, _DAY_MS
    props = {
        "t": i.event_type, "c": EVENT_COLOURS.get(i.event_type, "#777"),
        "r": round(5 + 6 * i.confidence, 1),
        "precision": i.level, "s": start, "e": end,
        "src": "; ".join(i.sources) or i.source, "side": i.claimant_side,
        "name": i.place.name,
        "search": f"{i.place.name} {i.place.cyrillic_name}".lower(),
        "popup": popup_data(i),
        "tip": f"{i.place.name} · {labels().get(i.event_type, 'mention')} · {i.date or 'date unknown'}",
        "id": i.incident_id,
    }
    k = shapes.index(i) if shapes is not None else None
    if k is not None:
        props["poly"] = k
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [round(i.place.lon, 5), round(i.place.lat, 5)]}}


_BATCH = 2000  # features serialised at a time: the page is written in pieces, never held whole


def _layer_specs(buckets: list[tuple[str, list[Incident]]], span, shapes: "Shapes | None") -> Iterator[str]:
    """The incident layers as the JavaScript array map.js builds them from, in pieces: per
    event type its name, colour and FeatureCollection as a JSON string (V8 parses a string with
    JSON.parse several times faster than the same data as an object literal). Each piece is
    escaped for a <script>, so no report text can end it."""
    lab = labels()
    yield "["
    for n, (etype, incs) in enumerate(buckets):
        name = (f'<span style="color:{EVENT_COLOURS.get(etype, "#777")}">●</span> '
                f'{_esc(lab.get(etype, "Place mentioned (no event)"))} ({len(incs)})')
        yield ("," if n else "") + _js_json({"name": name, "colour": EVENT_COLOURS.get(etype, "#777")})[:-1] + ',"data":"'
        yield _js_string_part('{"type":"FeatureCollection","features":[')
        for k in range(0, len(incs), _BATCH):
            part = dumps([map_feature(i, span, shapes) for i in incs[k:k + _BATCH]])[1:-1]
            yield _js_string_part(("," if k else "") + part)
        yield _js_string_part("]}") + '"}'
    yield "]"


def _js_string_part(text: str) -> str:
    """``text`` escaped as the inside of a JSON string literal in a <script> (pieces of one
    string can be escaped one by one: escaping is per character)."""
    return _js_json(text)[1:-1]


def _js_json(value) -> str:
    """JSON for a <script>: '<' escaped so no string can close the script element."""
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


class Shapes:
    """The outlines region-level incidents are drawn as, in the order the page holds them
    (``IM.polys``): the user's ``--regions`` first (matched by name, districts too), then the
    shipped oblasts (matched by country and admin-1 code)."""

    def __init__(self, regions: list[dict] | None, oblasts: list[dict]) -> None:
        from gazetteer import fold_name

        self._fold = fold_name
        regions = regions or []
        self.geometries = [r["geometry"] for r in regions] + [f["geometry"] for f in oblasts]
        self._by_name = {fold_name(r["name"]): k for k, r in enumerate(regions)}
        self._by_code = {(f["properties"]["cc"], f["properties"]["a1"]): len(regions) + k
                         for k, f in enumerate(oblasts) if f["properties"]["a1"]}
        self.used: set[int] = set()

    def index(self, i: Incident) -> int | None:
        k = None
        if i.level in ("region", "district") and self._by_name:
            k = self._by_name.get(self._fold(i.place.name))
        if k is None and i.level == "region" and i.place.feature_code == "ADM1":
            k = self._by_code.get((i.place.country_code, i.place.admin1_code))
        if k is not None:
            self.used.add(k)
        return k


@lru_cache(maxsize=1)
def _basemap() -> tuple[dict, str]:
    """The shipped oblasts (for :class:`Shapes`) and the atlas base as the page's JSON."""
    data = json.loads((_DATA / "basemap.json").read_text(encoding="utf-8"))
    bounds = boundaries_geojson()
    base = {"countries": {"type": "FeatureCollection",
                          "features": [f for f in bounds["features"] if f["properties"]["kind"] == "country"]},
            "border": {"type": "FeatureCollection",
                       "features": [f for f in bounds["features"] if f["properties"]["kind"] == "border"]},
            "oblasts": data["oblasts"], "towns": data["towns"]}
    return data["oblasts"], _js_json(base)


@lru_cache(maxsize=None)
def _asset(name: str) -> str:
    return (_DATA / name).read_text(encoding="utf-8")


def _asset_tags(names: list[str], cdn: bool) -> str:
    """The page's libraries: inlined (default), or linked at their pinned unpkg URLs with the
    browser checking each file's SRI hash (``cdn``)."""
    manifest = json.loads(_asset("vendor/manifest.json"))["files"]
    out = []
    for name in names:
        if cdn:
            f = manifest[name]
            if name.endswith(".css"):
                out.append(f'<link rel="stylesheet" href="{f["cdn"]}" integrity="{f["integrity"]}" crossorigin="anonymous">')
            else:
                out.append(f'<script src="{f["cdn"]}" integrity="{f["integrity"]}" crossorigin="anonymous"></script>')
        elif name.endswith(".css"):
            out.append("<style>" + _asset("vendor/" + name).replace("</style", "<\\/style") + "</style>")
        else:
            out.append("<script>" + _asset("vendor/" + name).replace("</script", "<\\/script") + "</script>")
    return "\n".join(out)


def _legend_html(counts: Counter, n_areas: int) -> str:
    lab = labels()
    items = "".join(
        f'<div class="im-li"><span class="im-dot" style="background:{EVENT_COLOURS.get(t, "#777")}"></span>'
        f"{_esc(lab.get(t, 'Place mentioned (no event)'))} <span class=\"im-n\">{c}</span></div>"
        for t, c in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    items = items or '<div class="im-li">no incidents</div>'
    return (f'<aside id="im-legend"><div class="im-lh">Event type</div>{items}'
            '<div class="im-lh">Location precision</div>'
            '<div class="im-li"><span class="im-dot" style="background:#777"></span>settlement (point)</div>'
            '<div class="im-li"><span class="im-poly"></span>oblast (its outline)</div>'
            '<div class="im-li"><span class="im-diamond"></span>district, community, country (somewhere in it)</div>'
            '<div class="im-note">Points are place centres, not strike coordinates.</div></aside>')


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


def _days(incidents: list[Incident], span: tuple[int, int] | None) -> list[int]:
    """Incidents per day of the span (a multi-day incident counts on each of its days)."""
    if not span:
        return []
    n = (span[1] - span[0]) // _DAY_MS
    if n > 3660:  # a decade of days is no histogram: the slider alone
        return []
    days = [0] * n
    for i in incidents:
        if i.date:
            a = (_ms(i.date) - span[0]) // _DAY_MS
            b = (_ms(i.date_end or i.date) - span[0]) // _DAY_MS
            for k in range(a, b + 1):
                days[k] += 1
    return days


def _page(incidents: list[Incident], *, title: str, cdn: bool, as_of: str | None, regions: list[dict] | None,
          cluster: bool | None) -> Iterator[str]:
    oblasts, base = _basemap()
    shapes = Shapes(regions, oblasts["features"])
    span = time_span(incidents)
    buckets: dict[str, list[Incident]] = {}
    for i in incidents:
        buckets.setdefault(i.event_type, []).append(i)
    order = sorted(buckets.items(), key=lambda kv: -len(kv[1]))
    n_areas = sum(1 for i in incidents if i.level != "settlement")
    if cluster is None:
        cluster = len(incidents) - n_areas > CLUSTER_OVER
    inside, outside = _outliers(incidents)
    per_place = Counter(i.place.geonameid for i in incidents if i.level == "settlement")
    first = {}
    for i in incidents:
        first.setdefault(i.place.geonameid, i.place)
    busiest = [first[g] for g, _ in per_place.most_common(MAX_LABELS)]
    n_inc = sum(1 for i in incidents if i.kind == "incident")
    # the latest incident's date, never the clock: the same incidents give the same page
    latest = max((i.date_end or i.date for i in incidents if i.date), default=None)
    as_of = as_of or (latest.isoformat() if latest else "")
    assets = ["leaflet.css", "leaflet.js", "leaflet-heat.js"]
    if cluster:
        assets[1:1] = ["MarkerCluster.css"]
        assets.append("leaflet.markercluster.js")

    yield ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
           '<meta name="viewport" content="width=device-width, initial-scale=1">'
           f"<title>{_esc(title)}</title>\n")
    yield _asset_tags(assets, cdn)
    yield "\n<style>" + _asset("map.css") + "</style>\n<script>" + _asset("map.js") + "</script>\n</head><body>\n"
    away = ""
    if outside:
        named = ", ".join(f"{i.place.name} ({i.place.country_code})" for i in outside[:MAX_OUTLIERS_NAMED])
        more = f" and {len(outside) - MAX_OUTLIERS_NAMED} more" if len(outside) > MAX_OUTLIERS_NAMED else ""
        away = (f'<div id="im-outliers">{len(outside)} outside the border region, not in the first view: '
                f"{_esc(named)}{_esc(more)}</div>")
    yield (f'<header id="im-head"><div id="im-title"><div class="im-h">{_esc(title)}</div>'
           f'<div class="im-asof">{n_inc} incident{"s" if n_inc != 1 else ""}'
           + (f' · data as of {_esc(as_of)}' if as_of else " · undated") + '</div>'
           f'{away}<div id="im-notice"></div></div>'
           '<div class="im-search"><input id="im-search-input" class="im-search-input" type="search" '
           'placeholder="Find a place…" aria-label="Find a place"><div id="im-search-list" class="im-search-list">'
           "</div></div></header>\n")
    yield (f'<div id="im-main"><div id="im-map"></div>{_legend_html(Counter(i.event_type for i in incidents), n_areas)}'
           '</div>\n<div id="im-time" hidden></div>\n<script>\n')
    if sum(1 for i in incidents if i.level in ("region", "district")) > MAX_REGION_SHAPES:
        shapes = None  # thousands of copies of an oblast would take seconds to draw: diamonds
    else:
        for i in incidents:
            shapes.index(i)  # which outlines the page must carry: only those are written
    polys = [g if k in shapes.used else None for k, g in enumerate(shapes.geometries)] if shapes else []
    cfg = {"span": list(span) if span else None, "days": _days(incidents, span),
           "sources": sorted({"; ".join(i.sources) or i.source for i in incidents}),
           "sides": [[k, v] for k, v in SIDE_LABELS.items() if any(i.claimant_side == k for i in incidents)],
           "labels": [[round(p.lat, 5), round(p.lon, 5), p.name, k] for k, p in enumerate(busiest)],
           "bounds": _fit(inside), "cluster": cluster, "dashAreas": n_areas <= MAX_DASHED_AREAS,
           "tiles": TILES,
           "heat": [[round(i.place.lat, 4), round(i.place.lon, 4), max(0.2, i.confidence)]
                    for i in incidents if i.kind == "incident"],
           "regions": {"type": "FeatureCollection", "features": [
               {"type": "Feature", "properties": {"name": _esc(r["name"])}, "geometry": r["geometry"]}
               for r in regions]} if regions else None}
    yield "IM.start(Object.assign(" + _js_json(cfg) + ", {polys: " + _js_json(polys) + "}), " + base + ",\n"
    yield from _layer_specs(order, span, shapes)
    yield ");\n</script></body></html>\n"


def _options(*, title: str = "Incidents", cdn: bool = False, as_of: str | None = None,
             regions: list[dict] | None = None, cluster: bool | None = None) -> dict:
    return {"title": title, "cdn": cdn, "as_of": as_of, "regions": regions, "cluster": cluster}


def render_html(incidents: Iterable[Incident], **kw) -> str:
    """The map page as a string (:func:`write_map` writes it to a file in pieces)."""
    return "".join(_page(list(incidents), **_options(**kw)))


def write_map(path: str | os.PathLike, incidents: Iterable[Incident], **kw) -> Path:
    """Write the map page: the incident data is serialised and written in pieces, so a map of
    hundreds of thousands of incidents is never held in memory as one string. Options:
    ``title``, ``cdn`` (link the libraries instead of carrying them), ``as_of``, ``regions``
    (from :func:`load_regions`), ``cluster`` (default: above CLUSTER_OVER points)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        for piece in _page(list(incidents), **_options(**kw)):
            fh.write(piece)
    return Path(path)


__all__ = ["EVENT_COLOURS", "load_regions", "map_feature", "popup_data", "render_html", "time_span", "write_map"]
