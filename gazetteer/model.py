"""Records the gazetteer hands out: a :class:`Place` and a ranked :class:`Candidate`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from operator import attrgetter

_CYRILLIC = re.compile("[\u0400-\u04ff]")

# GeoNames feature codes we use. Settlements are class P; administrative regions class A.
ADMIN_LEVEL = {"PCLI": 0, "ADM1": 1, "ADM2": 2}


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer entry: a settlement, an administrative region or a country.

    ``geonameid`` is the GeoNames id where the place has one; places that exist only in the
    Rosstat settlement list get ids from 2,000,000,000 up (documented in the README).
    """

    geonameid: int
    name: str
    lat: float
    lon: float
    feature_class: str = "P"
    feature_code: str = "PPL"
    country_code: str = ""
    admin1_code: str = ""
    admin2_code: str = ""
    admin1_name: str = ""
    admin2_name: str = ""
    population: int = 0
    names: tuple[str, ...] = field(default=(), compare=False)
    source: str = ""

    def __reduce__(self):
        # pickled as the tuple of its fields: ~25% faster both ways than the per-field
        # __getstate__/__setstate__ that dataclass(slots=True) generates (batches move
        # hundreds of thousands of places between processes)
        return (Place, _place_fields(self))

    @property
    def is_admin(self) -> bool:
        return self.feature_class == "A"

    @property
    def admin_level(self) -> int | None:
        """0 country, 1 oblast/region, 2 district; None for a settlement."""
        return ADMIN_LEVEL.get(self.feature_code) if self.is_admin else None

    @property
    def cyrillic_name(self) -> str:
        """The first Cyrillic variant, for display beside the Latin name ('' if none)."""
        for n in self.names:
            if _CYRILLIC.search(n):
                return n
        return ""


_place_fields = attrgetter(*(f.name for f in fields(Place)))


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place returned for a name, with how well the name matched (1.0 exact ... 0 none)."""

    place: Place
    score: float
    match: str  # "exact", "folded" or "fuzzy"
    matched_name: str = ""
