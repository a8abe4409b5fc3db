"""Distance to the Russia–Ukraine state border and the side a point lies on.

The border is the line Ukraine and Russia share in Natural Earth 1:10m (npm world-atlas 2.0.2),
built into ``mapper/data/boundaries.geojson`` by ``mapper/build_boundaries.py``. Distances are
computed in a local equidistant projection centred on the border region (error < 1% within
500 km), which is what a km figure in a popup needs.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from importlib.resources import files

_LAT0 = 50.0
_KM_PER_DEG_LAT = 111.2
_KM_PER_DEG_LON = 111.32 * math.cos(math.radians(_LAT0))


@lru_cache(maxsize=1)
def basemap() -> dict:
    """The shipped atlas (``data/basemap.json``: oblast outlines, their lines, towns), read once."""
    return json.loads((files("mapper") / "data" / "basemap.json").read_text(encoding="utf-8"))


def boundaries_geojson() -> dict:
    return json.loads((files("mapper") / "data" / "boundaries.geojson").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _shapes():
    import numpy as np
    import shapely
    from shapely.geometry import shape
    from shapely.prepared import prep

    scale = np.array([_KM_PER_DEG_LON, _KM_PER_DEG_LAT])

    fc = boundaries_geojson()
    border = None
    countries = {}
    for f in fc["features"]:
        geom = shapely.transform(shape(f["geometry"]), lambda xy: xy * scale)
        if f["properties"]["kind"] == "border":
            border = geom
        else:
            countries[f["properties"]["iso_a2"]] = prep(geom)
    return border, countries


@lru_cache(maxsize=100_000)
def border_distance(lat: float, lon: float) -> tuple[float, str]:
    """(km to the RU–UA border, side: 'UA', 'RU', 'BY' or '' elsewhere)."""
    from shapely.geometry import Point

    border, countries = _shapes()
    p = Point(lon * _KM_PER_DEG_LON, lat * _KM_PER_DEG_LAT)
    side = next((cc for cc, g in countries.items() if g.contains(p)), "")
    return round(border.distance(p), 1), side


def round_coords(obj, nd: int = 4):
    """Round every float of a GeoJSON-like structure (coordinates) to ``nd`` decimals."""
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [round_coords(v, nd) for v in obj]
    if isinstance(obj, dict):
        return {k: round_coords(v, nd) for k, v in obj.items()}
    return obj
