"""A geopy-compatible geocoder over the local gazetteer, so code written for geopy's online
geocoders (Nominatim, GeoNames) can run offline: ``geocode`` and ``reverse`` return
``geopy.location.Location`` objects."""

from __future__ import annotations

from geopy.location import Location
from geopy.point import Point

from .model import Place
from .store import Gazetteer


def _address(p: Place) -> str:
    parts = [p.name]
    for a in (p.admin2_name, p.admin1_name):
        if a and a != p.name and a not in parts:
            parts.append(a)
    parts.append(p.country_code)
    return ", ".join(x for x in parts if x)


def _location(p: Place, score: float | None = None) -> Location:
    raw = {"geonameid": p.geonameid, "name": p.name, "feature_code": p.feature_code,
           "country_code": p.country_code, "admin1": p.admin1_name, "admin2": p.admin2_name,
           "population": p.population}
    if score is not None:
        raw["score"] = score
    return Location(_address(p), Point(p.lat, p.lon), raw)


class LocalGeocoder:
    """``geocode(query, exactly_one=True)`` and ``reverse(point, exactly_one=True)`` as in geopy."""

    def __init__(self, gazetteer: Gazetteer | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer.default()

    def geocode(self, query: str, *, exactly_one: bool = True, limit: int | None = None, **_ignored):
        cands = self.gazetteer.lookup(str(query), limit=limit or 10)
        locs = [_location(c.place, round(c.score, 3)) for c in cands]
        if exactly_one:
            return locs[0] if locs else None
        return locs or None

    def reverse(self, query, *, exactly_one: bool = True, limit: int | None = None, **_ignored):
        pt = Point(query) if not isinstance(query, Point) else query
        near = self.gazetteer.near(pt.latitude, pt.longitude, k=limit or 5)
        settlements = [(p, d) for p, d in near if not p.is_admin] or near
        locs = [_location(p) for p, _ in settlements]
        if exactly_one:
            return locs[0] if locs else None
        return locs or None
