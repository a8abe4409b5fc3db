"""The map as a folium object: :class:`Map` is a ``folium.Map`` that carries the project's
incident layer (:class:`IncidentLayer`: the atlas, the incidents, the list, filters, search and
time bar) beside folium's own plugins (Fullscreen, MeasureControl, HeatMap), so a notebook user
can add layers of their own, show it inline and save it, and the CLI writes the same object.

Two things folium does by default are changed, for the reasons the map was once written by hand:

* **Report text is never template source.** ``MacroElement.render`` wraps each macro's output in
  a new ``Element(output)``, which compiles it as a Jinja template: a report saying
  ``{{ 7*7 }}`` would show 49, and worse. The elements here (:class:`SafeMacroElement`) place
  their output as data. Report text reaches the page only inside JSON, with ``<`` escaped so no
  string can end the script that carries it, and the page shows it through ``textContent``.
* **Nothing is fetched.** folium links Leaflet, jQuery, Bootstrap and its plugins' files from
  CDNs. This map's page carries the pinned copies in ``mapper/data/vendor`` (built by
  :mod:`mapper.build_assets`) inline, for every element in it that uses them, a user's
  MarkerCluster or HeatMap included; ``cdn=True`` links the same pinned files from unpkg with
  SRI hashes instead. An element of the user's that needs files the page does not carry
  (folium's ``Icon`` needs Font Awesome) keeps folium's links: that is the user's choice.
"""

from __future__ import annotations

import html
import json
import os
from collections.abc import Iterable
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import folium
from branca.element import Element, MacroElement
from folium import plugins
from jinja2 import Template

from .fileio import atomic_path
from .render import basemap_json, js_json, page_data

_VENDOR = files("mapper") / "data" / "vendor"
_DATA = files("mapper") / "data"
# folium's names for the files it links -> the pinned copy the page carries
VENDORED = {
    "leaflet": "leaflet.js", "leaflet_css": "leaflet.css",
    "Control.Fullscreen.js": "Control.FullScreen.js", "Control.FullScreen.css": "Control.FullScreen.css",
    "leaflet_measure_js": "leaflet-measure.js", "leaflet_measure_css": "leaflet-measure.css",
    "markerclusterjs": "leaflet.markercluster.js", "markerclustercss": "MarkerCluster.css",
    "markerclusterdefaultcss": "MarkerCluster.Default.css", "leaflet-heat.js": "leaflet-heat.js",
}


@lru_cache(maxsize=None)
def _text(name: str) -> str:
    """A vendored file by its name, or one of mapper/data as ``data/<name>``."""
    path = _DATA / name.split("/", 1)[1] if name.startswith("data/") else _VENDOR / name
    return path.read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _manifest() -> dict:
    return json.loads(_text("manifest.json"))["files"]


class Raw(Element):
    """Markup placed as it is, never compiled as a template (branca's ``Element(text)`` is)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Asset(Element):
    """One pinned library: inline, or linked from unpkg with its SRI hash."""

    _template = Template(
        "{% if this.url %}{% if this.css %}<link rel=\"stylesheet\" href=\"{{ this.url }}\" "
        "integrity=\"{{ this.integrity }}\" crossorigin=\"anonymous\">{% else %}<script src=\"{{ this.url }}\" "
        "integrity=\"{{ this.integrity }}\" crossorigin=\"anonymous\"></script>{% endif %}"
        "{% elif this.css %}<style>{{ this.code }}</style>{% else %}<script>{{ this.code }}</script>{% endif %}")

    def __init__(self, name: str, cdn: bool) -> None:
        super().__init__()
        self.css = name.endswith(".css")
        f = _manifest()[name]
        self.url, self.integrity = (f["cdn"], f["integrity"]) if cdn else ("", "")
        tag = "</style" if self.css else "</script"
        self.code = "" if cdn else _text(name).replace(tag, "<\\" + tag[1:])


class SafeMacroElement(MacroElement):
    """A MacroElement whose macros' output is placed as data (:class:`Raw`), not recompiled as a
    template: its templates are fixed, and what they print stays what it is."""

    def render(self, **kwargs) -> None:
        figure = self.get_root()
        mod = self._template.module
        for part in ("header", "html", "script"):
            macro = mod.__dict__.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Raw(str(macro(self, kwargs))), name=self.get_name())
        for child in self._children.values():
            child.render(**kwargs)


class IncidentLayer(SafeMacroElement):
    """The project's plugin: the page's chrome (title, legend, incident list, time bar), the
    atlas and the incidents, built by ``map.js`` from two JSON values made by
    :func:`mapper.render.page_data` (serialised once, when the layer is made)."""

    _template = Template("""
{% macro header(this, kwargs) %}<style>{{ this.css }}</style>{% endmacro %}
{% macro html(this, kwargs) %}<div id="im-app"></div>{% endmacro %}
{% macro script(this, kwargs) %}{{ this.js }}
IM.start({{ this._parent.get_name() }}, {{ this.config }}, {{ this.base }});{% endmacro %}
""")

    def __init__(self, config: dict, base: str) -> None:
        super().__init__()
        self._name = "IncidentLayer"
        self.config = js_json(config)
        self.base = base
        self.css = _text("data/map.css")
        self.js = _text("data/map.js").replace("</script", "<\\/script")


class Map(folium.Map):
    """The incident map, a ``folium.Map``.

    ``Map(incidents)`` (or a :class:`mapper.Result`/``Results``) draws them on the border
    region's atlas; ``m.add_child(...)`` adds a user's own layers, ``m.save(path)`` writes the
    page, and in Jupyter it shows inline. Options: ``title``, ``cdn`` (link the pinned
    libraries instead of carrying them), ``as_of``, ``regions`` (outlines from
    :func:`mapper.render.load_regions`), ``cluster`` (default: above 1,000 places), ``heat``
    (a heat-map layer, off until chosen), ``gazetteer`` (for the villages named around the
    incidents and the search keys; default: the shipped one); other keywords go to
    ``folium.Map``.
    """

    default_js = [("leaflet", _manifest()["leaflet.js"]["cdn"])]
    default_css = [("leaflet_css", _manifest()["leaflet.css"]["cdn"])]

    def __init__(self, incidents=(), *, title: str = "Incidents", cdn: bool = False, as_of: str | None = None,
                 regions: list[dict] | None = None, cluster: bool | None = None, heat: bool = True,
                 gazetteer=None, **kwargs) -> None:
        incidents = list(getattr(incidents, "incidents", incidents))
        config = page_data(incidents, title=title, as_of=as_of, regions=regions, cluster=cluster,
                           gazetteer=gazetteer)
        south_west, north_east = config["bounds"]
        kwargs.setdefault("tiles", None)
        kwargs.setdefault("zoom_start", 6)
        super().__init__(location=[(south_west[0] + north_east[0]) / 2, (south_west[1] + north_east[1]) / 2],
                         prefer_canvas=True, minZoom=3, maxZoom=18, zoomSnap=0.25, **kwargs)
        self.cdn = cdn
        self.get_root().title = html.escape(title)
        own = [self]  # what this map is made of, in order
        if heat:  # made first: the page's layer control lists it
            points = [[round(i.place.lat, 4), round(i.place.lon, 4), max(0.2, i.confidence)]
                      for i in incidents if i.kind == "incident"]
            self.heat = plugins.HeatMap(points, name="Heat map", radius=18, show=False, control=False)
            own.append(self.heat)
        self.incident_layer = IncidentLayer(config, basemap_json())
        if config["cluster"]:
            self.incident_layer.default_js = plugins.MarkerCluster.default_js
            self.incident_layer.default_css = plugins.MarkerCluster.default_css
        own += [self.incident_layer,
                plugins.Fullscreen(position="topleft", title="Full screen", title_cancel="Leave full screen"),
                plugins.MeasureControl(position="topleft", primary_length_unit="kilometers", secondary_length_unit=None,
                                       primary_area_unit="sqkilometers", secondary_area_unit=None)]
        for element in own[1:]:
            self.add_child(element)
        _name([self, *self._children.values()])  # the same incidents, the same page (the view is
        # fitted to the incidents by the page, or restored from its URL)
        if heat:
            config["heat"] = self.heat.get_name()
        self.incident_layer.config = js_json(config)

    def render(self, **kwargs) -> None:
        """Carry (or, with ``cdn``, link with SRI) the pinned copy of every library an element
        on the map asks folium to link; other links stay as folium makes them."""
        figure = self.get_root()
        needs_icons = False
        for element in _walk(self):
            if isinstance(element, folium.Icon):
                needs_icons = True
            for attr in ("default_js", "default_css"):
                wanted = getattr(element, attr, None)
                if not wanted:
                    continue
                kept = []
                for name, url in wanted:
                    if name in VENDORED:
                        figure.header.add_child(Asset(VENDORED[name], self.cdn), name=name)
                    else:
                        kept.append((name, url))
                setattr(element, attr, kept)
        if needs_icons:  # folium's Icon is Bootstrap and Font Awesome markers: folium's links
            self.default_js = self.default_js + [x for x in folium.Map.default_js if x[0] != "leaflet"]
            self.default_css = self.default_css + [x for x in folium.Map.default_css if x[0] != "leaflet_css"]
        super().render(**kwargs)


def _name(elements) -> None:
    """Names in order (im0, im1, ...) for elements made here, in place of folium's random ones,
    re-keyed in their parent: the same incidents give the same page, byte for byte."""
    for n, e in enumerate(elements):
        old = e.get_name()
        e._id = f"im{n}"
        parent = e._parent
        if parent is not None and old in parent._children:
            parent._children = type(parent._children)(
                (e.get_name() if k == old else k, v) for k, v in parent._children.items())


def _walk(element):
    yield element
    for child in element._children.values():
        yield from _walk(child)


def map_of(incidents: Iterable, **kw):
    """The :class:`Map` of ``incidents`` (keywords as ``Map``'s)."""
    return Map(list(incidents), **kw)


def render_html(incidents: Iterable, **kw) -> str:
    """The map page as a string."""
    return map_of(incidents, **kw).get_root().render()


def write_map(path: str | os.PathLike, incidents: Iterable, **kw) -> Path:
    """Write the map page (atomically: a failed write leaves the previous page). Options:
    ``title``, ``cdn`` (link the libraries instead of carrying them), ``as_of``, ``regions``
    (from :func:`mapper.render.load_regions`), ``cluster`` (default: above CLUSTER_OVER places)."""
    page = render_html(incidents, **kw)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(page)
    return Path(path)


__all__ = ["Asset", "IncidentLayer", "Map", "Raw", "SafeMacroElement", "VENDORED", "map_of", "render_html", "write_map"]
