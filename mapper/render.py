"""Render incidents as an interactive Leaflet map (folium): the border region, the state border,
markers by event type with escaped popups, a time slider, layers, legend and tools.

Last stage. No template engine ever sees report text: folium (Jinja2/branca) renders a page
whose data-bearing parts are opaque slot tokens (:class:`Slots`), and the data is put in their
place after rendering, in one pass. Every string from a report is escaped for where it lands:
``html.escape`` for HTML, and JSON with ``<`` escaped inside scripts, so no report can end the
script it is carried in, or run as template code.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from importlib.resources import files

from .border import boundaries_geojson, round_coords
from .events import EVENT_COLOURS, labels
from .export import dumps
from .fileio import atomic_path
from .records import Incident

PRECISION_RADIUS_M = {"community": 8_000, "district": 15_000, "region": 45_000, "country": 150_000}
REGION_BOUNDS = [[44.0, 30.0], [53.5, 41.0]]  # the border region, south-west / north-east
_DAY_MS = 86_400_000
MAX_LABELS = 150  # permanent place labels above this would bury the map
CLUSTER_OVER = 1000  # points, above which they are clustered unless told otherwise
_CLUSTER_JS = ["https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/leaflet.markercluster.js"]
_CLUSTER_CSS = ["https://cdnjs.cloudflare.com/ajax/libs/leaflet.markercluster/1.1.0/MarkerCluster.css"]
MAX_DASHED_AREAS = 1000  # dashed area edges cost ~1 s per 7,000 areas to draw

_FROM_REPORT = " (the report’s date)"


def _esc(s: object) -> str:
    return html.escape("" if s is None else str(s), quote=True)


class Slots:
    """Data kept out of the template engine. :meth:`put` returns a token of ASCII letters and
    digits that no template syntax can contain, to place where the data goes; :meth:`write`
    writes the rendered page with the data in the tokens' place, in one left-to-right pass, so
    a value that happens to contain a token is written as it is."""

    def __init__(self) -> None:
        import secrets

        self._values: list[str] = []
        self._tag = "imslot" + secrets.token_hex(8)  # not guessable by a report's author
        self._re = re.compile(self._tag + r"x(\d+)x")

    def put(self, value: str | Callable[[], Iterable[str]]) -> str:
        self._values.append(value)
        return f"{self._tag}x{len(self._values) - 1}x"

    def write(self, page: str, out) -> None:
        """Write ``page`` to the text stream ``out`` with every token replaced by its value; a
        callable value gives the pieces to write (a large value is never joined in memory)."""
        pos = 0
        for m in self._re.finditer(page):
            out.write(page[pos:m.start()])
            value = self._values[int(m.group(1))]
            if callable(value):
                for piece in value():
                    out.write(piece)
            else:
                out.write(value)
            pos = m.end()
        out.write(page[pos:])


def _highlight(sentence: str, mentions: Iterable[str]) -> str:
    """Escape a sentence and wrap the place's mentions in <mark> (matching on the raw text)."""
    spans = []
    for m in sorted(set(mentions), key=len, reverse=True):
        for x in re.finditer(re.escape(m), sentence):
            if all(x.end() <= a or x.start() >= b for a, b in spans):
                spans.append((x.start(), x.end()))
    out, pos = [], 0
    for a, b in sorted(spans):
        out += [_esc(sentence[pos:a]), "<mark>", _esc(sentence[a:b]), "</mark>"]
        pos = b
    out.append(_esc(sentence[pos:]))
    return "".join(out)


def popup_html(i: Incident) -> str:
    p = i.place
    label = labels().get(i.event_type, "Place mentioned, no event")
    when = "date unknown" if i.date is None else i.date.isoformat()
    if i.date_end and i.date_end != i.date:
        when += f" – {i.date_end.isoformat()}"
    tp = {1: "day", 2: "week", 3: "month"}.get(i.time_precision or 0, "")
    local = f' <span class="im-local">{_esc(p.cyrillic_name)}</span>' if p.cyrillic_name else ""
    admin = ", ".join(x for x in (i.place.admin2_name if p.feature_code != "ADM2" else "", i.place.admin1_name if p.feature_code != "ADM1" else "") if x)
    rows = [
        f'<div class="im-popup"><div class="im-title"><b>{_esc(p.name)}</b>{local}</div>',
        f'<div class="im-sub">{_esc(admin)}{" · " if admin else ""}{_esc(p.country_code)}</div>',
        f'<div class="im-type" style="border-left:4px solid {EVENT_COLOURS.get(i.event_type, "#777")}">{_esc(label)}</div>',
        f'<div class="im-when">{_esc(when)}{" (" + _esc(i.time_expression) + ")" if i.time_expression else ""}'
        f'{_FROM_REPORT if i.date_source == "report" else ""}'
        f'{" · precision: " + tp if tp else ""}</div>',
    ]
    for e in i.evidence[:3]:
        rows.append(f'<blockquote class="im-evidence">{_highlight(e, i.mentions)}</blockquote>')
    facts = [f"location precision: {_esc(i.precision)} (ACLED {i.geo_precision})", f"confidence: {i.confidence:.2f}"]
    if i.border_km is not None:
        facts.append(f"{i.border_km:.0f} km from the RU–UA border ({_esc(i.border_side or 'n/a')} side)")
    if i.fatalities:
        facts.append(f"fatalities stated: {i.fatalities}")
    rows.append('<div class="im-facts">' + "<br>".join(facts) + "</div>")
    src = _esc("; ".join(i.sources) or i.source)
    if i.url and re.match(r"^https?://", i.url):
        rows.append(f'<div class="im-source">Source: <a href="{_esc(i.url)}" target="_blank" rel="noopener noreferrer">{src}</a></div>')
    else:
        rows.append(f'<div class="im-source">Source: {src}</div>')
    rows.append("</div>")
    return "".join(rows)


def _ms(d: dt.date) -> int:
    return int(dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc).timestamp() * 1000)


def time_span(incidents: Iterable[Incident]) -> tuple[int, int] | None:
    """The first day and the day after the last of the dated incidents, in ms (None if none)."""
    dated = [i for i in incidents if i.date]
    if not dated:
        return None
    return min(_ms(i.date) for i in dated), max(_ms(i.date_end or i.date) for i in dated) + _DAY_MS


def map_feature(i: Incident, span: tuple[int, int] | None, poly: dict[str, int] | None = None) -> dict:
    """An incident as the page needs it, pre-escaped. ``s``/``e`` are its first day and the
    day after its last, in ms; an undated incident spans the whole period so that no time
    window hides it. ``poly``: region outline index by folded name (``--regions``)."""
    if i.date:
        start, end = _ms(i.date), _ms(i.date_end or i.date) + _DAY_MS
    elif span:
        start, end = span
    else:
        start, end = 0, _DAY_MS
    props = {
        "t": i.event_type, "c": EVENT_COLOURS.get(i.event_type, "#777"),
        "r": round(5 + 6 * i.confidence, 1), "m": PRECISION_RADIUS_M.get(i.precision, 0),
        "precision": i.precision, "s": start, "e": end,
        "src": "; ".join(i.sources) or i.source,
        "name": i.place.name,  # shown with textContent only
        "search": f"{i.place.name} {i.place.cyrillic_name}".lower(),
        "popup": popup_html(i),
        "tip": _esc(f"{i.place.name} · {labels().get(i.event_type, 'mention')} · {i.date or 'date unknown'}"),
        "id": i.incident_id,
    }
    if poly and i.precision in ("region", "district"):
        from gazetteer import fold_name

        k = poly.get(fold_name(i.place.name))
        if k is not None:
            props["poly"] = k
    return {"type": "Feature", "properties": props,
            "geometry": {"type": "Point", "coordinates": [round(i.place.lon, 5), round(i.place.lat, 5)]}}


_BATCH = 2000  # features serialised at a time: the page is written in pieces, never held whole


def _layer_specs(buckets: list[tuple[str, list[Incident]]], span, poly) -> Iterator[str]:
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
            part = dumps([map_feature(i, span, poly) for i in incs[k:k + _BATCH]])[1:-1]
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


def _legend_html(counts: Counter, title: str, as_of: str, n: int) -> str:
    lab = labels()
    items = "".join(
        f'<div class="im-li"><span class="im-dot" style="background:{EVENT_COLOURS.get(t, "#777")}"></span>'
        f"{_esc(lab.get(t, 'Place mentioned (no event)'))} <span class=\"im-n\">{c}</span></div>"
        for t, c in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    return f"""
<div id="im-title" class="im-box"><div class="im-h">{_esc(title)}</div>
<div class="im-asof">{n} incident{'s' if n != 1 else ''} · data as of {_esc(as_of)}</div></div>
<div id="im-legend" class="im-box"><div class="im-lh">Event type</div>{items or '<div class="im-li">no incidents</div>'}
<div class="im-lh">Location precision</div>
<div class="im-li"><span class="im-dot" style="background:#777"></span>settlement (point)</div>
<div class="im-li"><span class="im-ring"></span>district / region (area)</div>
<div class="im-note">Points are place centres, not strike coordinates.</div></div>"""


_CSS = """
<style>
.im-box{position:absolute;z-index:1000;background:rgba(255,255,255,.94);border-radius:6px;
 box-shadow:0 1px 4px rgba(0,0,0,.3);font:12px/1.35 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#222}
#im-title{top:10px;left:50%;transform:translateX(-50%);padding:6px 12px;text-align:center;max-width:60%}
#im-title .im-h{font-weight:600;font-size:14px}
#im-title .im-asof{color:#555}
#im-legend{bottom:115px;right:10px;padding:8px 10px;max-width:240px}
.im-lh{font-weight:600;margin:4px 0 2px}
.im-li{display:flex;align-items:center;gap:6px;margin:1px 0}
.im-dot{display:inline-block;width:11px;height:11px;border-radius:50%;border:1px solid #222}
.im-ring{display:inline-block;width:13px;height:13px;border-radius:50%;border:1.5px dashed #777;background:rgba(120,120,120,.15)}
.im-n{color:#666;margin-left:auto}
.im-note{color:#666;margin-top:4px;font-size:11px}
.im-popup{font:12px/1.4 system-ui,sans-serif}
.im-title{font-size:14px}.im-local{color:#555}
.im-sub{color:#666;margin-bottom:4px}
.im-type{padding-left:6px;font-weight:600;margin:4px 0}
.im-when{color:#333}
.im-evidence{margin:6px 0;padding:4px 8px;border-left:3px solid #ccc;background:#fafafa;max-height:140px;overflow:auto}
.im-evidence mark{background:#ffe58a;padding:0 1px}
.im-facts{color:#444;margin-top:4px}.im-source{margin-top:4px;color:#444}
.leaflet-container{background:#dfe7ec}
.im-time{background:rgba(255,255,255,.95);padding:6px 8px;font:12px system-ui,sans-serif;min-width:340px}
.im-time-row{display:flex;align-items:center;gap:6px}
.im-range{flex:1;min-width:220px}
.im-presets{display:flex;gap:4px;margin-top:4px;flex-wrap:wrap;align-items:center}
.im-btn{border:1px solid #bbb;background:#fff;border-radius:4px;padding:1px 7px;cursor:pointer;font:12px system-ui,sans-serif}
.im-btn.im-on{background:#333;color:#fff;border-color:#333}
.im-source{font:12px system-ui,sans-serif;max-width:160px}
.im-time-label{color:#444;margin-top:3px}
.im-search{background:#fff;padding:3px}
.im-search-input{width:170px;border:0;outline:0;font:13px system-ui,sans-serif;padding:3px}
.im-search-item{display:block;padding:2px 4px;color:#0b5394;text-decoration:none;font:12px system-ui,sans-serif}
.im-search-item:hover{background:#eef}
.im-label{font:600 11px system-ui,sans-serif;color:#222;white-space:nowrap;
 text-shadow:0 0 3px #fff,0 0 3px #fff,0 0 3px #fff;pointer-events:none}
.im-zoom-low .im-label{display:none}
.im-cluster div{width:100%;height:100%;border-radius:50%;border:2px solid rgba(255,255,255,.9);
 box-shadow:0 0 0 1px #222;display:flex;align-items:center;justify-content:center;opacity:.9}
.im-cluster span{color:#fff;font:700 12px system-ui,sans-serif;text-shadow:0 0 2px #000}
</style>"""


def stable_ids(page: str) -> str:
    """folium names its elements with random uuids; renumber them in order of appearance so
    the same incidents always give the same file (re-runs are byte-identical)."""
    seen: dict[str, str] = {}

    def sub(m: re.Match) -> str:
        return seen.setdefault(m.group(0), f"_{len(seen):06d}")

    return re.sub(r"_[0-9a-f]{32}(?![0-9a-f])", sub, page)


def inline_assets(page: str) -> str:
    """Replace every CDN <script>/<link> of a folium page with the file's content, taken from
    PyPI folium-offline, so the page works with no network. Unknown URLs are an error."""
    from offlinefolium.elements import _res

    from .errors import OutputError

    def script(m: re.Match) -> str:
        url = m.group(1)
        if url not in _res:
            raise OutputError(f"--offline: no bundled copy of {url}")
        return "<script>" + _res[url].replace("</script", "<\\/script") + "</script>"

    def link(m: re.Match) -> str:
        url = m.group(1)
        if url not in _res:
            raise OutputError(f"--offline: no bundled copy of {url}")
        return "<style>" + _res[url].replace("</style", "<\\/style") + "</style>"

    page = re.sub(r'<script src="(https?://[^"]+)"></script>', script, page)
    page = re.sub(r'<link rel="stylesheet" href="(https?://[^"]+)"\s*/?>', link, page)
    return page


def _cluster_assets():
    """Leaflet.markercluster's JS/CSS, linked the way folium links its plugins (after Leaflet)."""
    from branca.element import MacroElement
    from folium.elements import JSCSSMixin

    class ClusterAssets(JSCSSMixin, MacroElement):
        default_js = [("markerclusterjs", _CLUSTER_JS[0])]
        default_css = [("markerclustercss", _CLUSTER_CSS[0])]

    return ClusterAssets()


def _script(code: str):
    """A script that runs after the map's earlier children are created (a map child, in order)."""
    from branca.element import MacroElement
    from jinja2 import Template

    el = MacroElement()
    el._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
    el.code = code
    return el


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


def _render(incidents: list[Incident], *, out, title: str = "Incidents", offline: bool = False,
            as_of: str | None = None, regions: list[dict] | None = None, cluster: bool | None = None) -> None:
    """Write the map page to the text stream ``out``. ``regions`` (from :func:`load_regions`) are
    drawn as outlines, and region-level incidents whose region they name take its shape
    instead of a circle."""
    poly = None
    import folium
    from folium.plugins import Fullscreen, HeatMap, MeasureControl, MiniMap, MousePosition

    slots = Slots()
    m = folium.Map(location=[50.5, 36.5], zoom_start=7, tiles=None, control_scale=True, prefer_canvas=True)
    m.get_root().header.add_child(folium.Element(slots.put(_CSS)))
    js = (files("mapper") / "data" / "map.js").read_text(encoding="utf-8")
    m.get_root().header.add_child(folium.Element(slots.put(f"<script>{js}</script>")))
    m.get_root().html.add_child(folium.Element(slots.put(f"<title>{_esc(title)}</title>")))
    bounds = boundaries_geojson()
    if not offline:
        import xyzservices.providers as xyz

        for name, prov, show in (("Light (Esri World Gray Canvas)", xyz.Esri.WorldGrayCanvas, True),
                                 ("OpenStreetMap", xyz.OpenStreetMap.Mapnik, False),
                                 ("Satellite (Esri World Imagery)", xyz.Esri.WorldImagery, False)):
            folium.TileLayer(tiles=prov.build_url(), attr=prov.html_attribution, name=name,
                             max_zoom=prov.get("max_zoom", 18), overlay=False, control=True, show=show).add_to(m)
    countries = {"type": "FeatureCollection", "features": [f for f in bounds["features"] if f["properties"]["kind"] == "country"]}
    border = {"type": "FeatureCollection", "features": [f for f in bounds["features"] if f["properties"]["kind"] == "border"]}
    fill = 0.9 if offline else 0.0
    tint = {"UA": "#f7f1da", "RU": "#ecebe8", "BY": "#eeeeee"}
    folium.GeoJson(countries, name="Countries", control=False,
                   style_function=lambda f, fill=fill: {"color": "#6b6b6b", "weight": 1, "fillOpacity": fill,
                                                        "fillColor": tint.get(f["properties"]["iso_a2"], "#f4f1ea")},
                   tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)).add_to(m)
    folium.GeoJson(border, name="Russia–Ukraine state border",
                   style_function=lambda f: {"color": "#c0392b", "weight": 3.5, "dashArray": "8 4", "opacity": 0.9}).add_to(m)
    span = time_span(incidents)
    buckets: dict[str, list[Incident]] = {}
    for i in incidents:
        buckets.setdefault(i.event_type, []).append(i)
    n_areas = sum(1 for i in incidents if i.precision != "settlement")
    n_points = len(incidents) - n_areas
    if cluster is None:
        cluster = n_points > CLUSTER_OVER
    if cluster:
        _cluster_assets().add_to(m)
        _script("IM.cluster = true;").add_to(m)
    # maxZoom is set on the map itself: with no tile layer (offline) Leaflet has none, and the
    # cluster plugin refuses to start without it (folium does not pass max_zoom to the map)
    _script("%s.setMaxZoom(18); map_pane = %s.createPane('imAreas'); map_pane.style.zIndex = 390; IM.dashAreas = %s;"
            % (m.get_name(), m.get_name(), "true" if n_areas <= MAX_DASHED_AREAS else "false")).add_to(m)
    if regions:
        from gazetteer import fold_name

        poly = {fold_name(r["name"]): k for k, r in enumerate(regions)}
        _script("IM.polys = %s;" % slots.put(_js_json([r["geometry"] for r in regions]))).add_to(m)
        folium.GeoJson({"type": "FeatureCollection", "features": [
                           {"type": "Feature", "properties": {"name": _esc(r["name"])}, "geometry": r["geometry"]} for r in regions]},
                       name="Region outlines",
                       style_function=lambda f: {"color": "#555", "weight": 0.8, "fillOpacity": 0, "opacity": 0.7},
                       tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)).add_to(m)
    order = sorted(buckets.items(), key=lambda kv: -len(kv[1]))
    if incidents:
        HeatMap([[i.place.lat, i.place.lon, max(0.2, i.confidence)] for i in incidents if i.kind == "incident"],
                name="Heat map", show=False, radius=18).add_to(m)
    Fullscreen().add_to(m)
    if not offline:
        MiniMap(toggle_display=True).add_to(m)
    MeasureControl(primary_length_unit="kilometers").add_to(m)
    MousePosition(position="bottomright", separator=" , ", num_digits=4, prefix="lat , lon:", empty_string="").add_to(m)
    control = folium.LayerControl(collapsed=len(buckets) > 8)
    control.add_to(m)
    place_labels = {}
    for i in incidents:
        if i.precision == "settlement":
            place_labels[i.place.geonameid] = [round(i.place.lat, 5), round(i.place.lon, 5), _esc(i.place.name)]
    cfg = {"span": list(span) if span else None,
           "sources": sorted({"; ".join(i.sources) or i.source for i in incidents}),
           "labels": list(place_labels.values()) if len(place_labels) <= MAX_LABELS else []}
    _script(f"IM.init(Object.assign({slots.put(_js_json(cfg))}, {{map: {m.get_name()}, control: {control.get_name()}, "
            f"groups: IM.build({m.get_name()}, {control.get_name()}, "
            f"{slots.put(lambda: _layer_specs(order, span, poly))})}}));").add_to(m)
    pts = [(i.place.lat, i.place.lon) for i in incidents]
    if pts:
        lat0, lat1 = min(p[0] for p in pts), max(p[0] for p in pts)
        lon0, lon1 = min(p[1] for p in pts), max(p[1] for p in pts)
        pad = 0.35
        m.fit_bounds([[lat0 - pad, lon0 - pad], [lat1 + pad, lon1 + pad]])
    else:
        m.fit_bounds(REGION_BOUNDS)
    counts = Counter(i.event_type for i in incidents)
    n_inc = sum(1 for i in incidents if i.kind == "incident")
    as_of = as_of or max((i.date_end or i.date for i in incidents if i.date), default=dt.date.today()).isoformat()
    m.get_root().html.add_child(folium.Element(slots.put(_legend_html(counts, title, as_of, n_inc))))
    page = stable_ids(m.get_root().render())  # folium's ids are renumbered before any data is in
    if offline:
        page = inline_assets(page)
    slots.write(page, out)


def render_html(incidents: list[Incident], **kw) -> str:
    """The map page as a string (:func:`write_map` writes it to a file in pieces)."""
    buf = io.StringIO()
    _render(incidents, out=buf, **kw)
    return buf.getvalue()


def write_map(path: str | os.PathLike, incidents: list[Incident], **kw) -> Path:
    """Write the map page: the incident data is serialised and written in pieces, so a map of
    hundreds of thousands of incidents is never held in memory as one string."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        _render(incidents, out=fh, **kw)
    return Path(path)


__all__ = ["EVENT_COLOURS", "inline_assets", "map_feature", "popup_html", "render_html", "time_span", "write_map"]
