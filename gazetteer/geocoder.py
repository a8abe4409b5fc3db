"""A geopy-compatible geocoder over the local gazetteer, so code written for geopy's online
geocoders (Nominatim, GeoNames) can run offline: ``geocode`` and ``reverse`` return
``geopy.location.Location`` objects.

A query reads as geocoders read it: "Name, Qualifier, ..." where each qualifier is a region or
country that must contain the place ("Glushkovo, Kursk Oblast", "Vovchansk, Ukraine", "Kozinka,
Belgorod"); ``country_codes`` restricts the countries as Nominatim's does. A name with no exact
or folded match is guessed at (misspellings) only among the places of the border region and
well-known places anywhere, so that a non-name gives None instead of a random far-away town.
"""

from __future__ import annotations

from geopy.location import Location
from geopy.point import Point

from .model import Candidate, Place
from .store import BORDER_REGION, Gazetteer, Scope


# English adjectives of nationality end so ("Russian", "Chinese", "Polish"); Slavic place names do not
_NATIONALITY_ENDINGS = ("ian", "ese", "ish")


def _address(p: Place) -> str:
    parts = [p.name]
    for a in (p.admin2_name, p.admin1_name):
        if a and a != p.name and a not in parts:
            parts.append(a)
    parts.append(p.country_code)
    return ", ".join(x for x in parts if x)


def _location(c: Candidate | Place) -> Location:
    p = c.place if isinstance(c, Candidate) else c
    raw = {"geonameid": p.geonameid, "name": p.name, "feature_code": p.feature_code,
           "country_code": p.country_code, "admin1": p.admin1_name, "admin2": p.admin2_name,
           "population": p.population}
    if isinstance(c, Candidate):
        raw.update(score=round(c.score, 3), match=c.match, matched_name=c.matched_name)
    return Location(_address(p), Point(p.lat, p.lon), raw)


class LocalGeocoder:
    """``geocode(query, exactly_one=True, country_codes=None)`` and ``reverse(point,
    exactly_one=True)`` as in geopy. ``fuzzy_scope``: where misspellings are guessed at."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, fuzzy_scope: Scope | None = BORDER_REGION) -> None:
        self.gazetteer = gazetteer or Gazetteer.default()
        self.fuzzy_scope = fuzzy_scope

    def _regions(self, qualifier: str) -> list[Place]:
        """The countries and admin regions a qualifier names: "Kursk Oblast", "Ukraine", and
        "Belgorod" for the oblast named after its city."""
        g = self.gazetteer
        found = [c.place for c in g.lookup(qualifier, fuzzy=False, limit=50) if c.place.is_admin]
        for word in ("Oblast", "Region", "District"):
            found += [c.place for c in g.lookup(f"{qualifier} {word}", fuzzy=False, limit=20) if c.place.is_admin]
        return found

    def _candidates(self, name: str) -> list[Candidate]:
        """Exact and folded matches; else misspellings, guessed at only in scope and never for a
        common word or an adjective of nationality ("Forces", "Kremlin", "Russian"). A common
        word matches exactly or not at all, and a place of that very name ("Police", Poland) before
        one it is an alternate spelling of (Polytsi)."""
        g = self.gazetteer
        cands = g.lookup(name, limit=200, fuzzy=False)
        common = g.is_common_word(name) or name.strip().lower().endswith(_NATIONALITY_ENDINGS)
        if common:
            exact = [c for c in cands if c.match == "exact"]
            own = [c for c in exact if c.place.name.casefold() == name.strip().casefold()]
            return own or exact
        if not cands and self.fuzzy_scope is not None:
            cands = [c for c in g.lookup(name, limit=50, fuzzy_scope=self.fuzzy_scope)
                     if self._in_scope(c.place) or c.place.feature_code in ("PCLI", "PPLC") or c.place.population >= 1_000_000]
        return cands

    def _in_scope(self, p: Place) -> bool:
        return any(p.country_code == cc and (a1s is None or p.admin1_code in a1s) for cc, a1s in self.fuzzy_scope or ())

    def geocode(self, query, *, exactly_one: bool = True, limit: int | None = None,
                country_codes: str | list[str] | None = None, **_ignored):
        """Places for ``query``, best first; None when nothing matches (also for None, an empty
        query or a string with no word in it)."""
        if query is None:
            return None
        parts = [p.strip() for p in str(query).split(",")]
        parts = [p for p in parts if p]
        if not parts:
            return None
        cands = self._candidates(parts[0])
        for qualifier in parts[1:]:
            regions = self._regions(qualifier)
            if regions:
                cands = [c for c in cands if any(r.contains(c.place) for r in regions)]
        if country_codes:
            wanted = {country_codes.upper()} if isinstance(country_codes, str) else {c.upper() for c in country_codes}
            cands = [c for c in cands if c.place.country_code in wanted]
        # of equally good matches, the border region's first: that is what this gazetteer is for
        cands.sort(key=lambda c: (-round(c.score, 3), not self._in_scope(c.place)))
        locs = [_location(c) for c in cands[: limit or 10]]
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
