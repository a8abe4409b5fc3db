"""Records the gazetteer hands out: a :class:`Place` and a ranked :class:`Candidate`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import NamedTuple

_CYRILLIC = re.compile("[\u0400-\u04ff]")

# Letters that mark a Cyrillic spelling as not Russian / not Ukrainian (Belarusian ў, Kazakh
# and Turkic ә ө ү ң һ ғ қ, Ukrainian і ї є ґ; Russian ы э ъ ё), and the adjective + noun form
# of Russian and Ukrainian region names ("Белгородская область", "Грайворонський район").
_NOT_RUSSIAN = re.compile("[іїєґўәөүңһғқІЇЄҐЎӘӨҮҢҺҒҚ]")
_NOT_UKRAINIAN = re.compile("[ыэъёўәөүңһғқЫЭЪЁЎӘӨҮҢҺҒҚ]")
_ADMIN_FORM = re.compile(r"(?:ск|цк|зк)(?:ая|ий|ой|а|ий|ого)\s+(?:область|район|округ|городской округ)", re.I)

# GeoNames feature codes we use. Settlements are class P; administrative regions class A.
# ADM2H: a former (pre-2020) raion of Ukraine; ADM3: a Ukrainian hromada (territorial community).
ADMIN_LEVEL = {"PCLI": 0, "ADM1": 1, "ADM2": 2, "ADM2H": 2, "ADM3": 3}


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
    def region_name(self) -> str:
        """The name of the first-level region (oblast) the place is in, or is."""
        return self.name if self.feature_code == "ADM1" else self.admin1_name

    @property
    def district_name(self) -> str:
        """The name of the district (raion) the place is in, or is."""
        return self.name if self.feature_code == "ADM2" else self.admin2_name

    @property
    def admin_level(self) -> int | None:
        """0 country, 1 oblast/region, 2 district, 3 community (hromada); None for a settlement."""
        return ADMIN_LEVEL.get(self.feature_code) if self.is_admin else None

    def contains(self, inner: "Place") -> bool:
        """Does this admin region (country, oblast, district) contain ``inner``, by codes?"""
        if self.country_code != inner.country_code or self.geonameid == inner.geonameid:
            return False
        if self.feature_code == "PCLI":
            return True
        if self.feature_code == "ADM1":
            return self.admin1_code == inner.admin1_code
        if self.feature_code in ("ADM2", "ADM2H"):
            return bool(self.admin2_code) and (self.admin1_code, self.admin2_code) == (inner.admin1_code, inner.admin2_code)
        return False

    @property
    def cyrillic_name(self) -> str:
        """The Cyrillic name to show beside the Latin one ('' if none): of the Cyrillic variants,
        the one written in the place's own country's alphabet that reads most like the Latin
        name. GeoNames lists Belarusian, Chechen, Kalmyk... spellings too, and the first
        variant was often one of them ("Белгарад" for Belgorod)."""
        cyr = [n for n in self.names if _CYRILLIC.search(n)]
        if len(cyr) <= 1:
            return cyr[0] if cyr else ""
        from rapidfuzz.fuzz import ratio

        if self.country_code == "UA":  # romanised as Ukraine does it: г -> h (Луганськ, Luhansk)
            import translitua

            foreign, romanise = _NOT_UKRAINIAN, lambda n: translitua.translit(n, translitua.UkrainianKMU)
        else:
            from anyascii import anyascii

            foreign, romanise = _NOT_RUSSIAN, anyascii
        latin = self.name.casefold()

        def score(n: str) -> tuple:
            return (not foreign.search(n), bool(self.is_admin and _ADMIN_FORM.search(n)),
                    ratio(romanise(n).casefold(), latin), -len(n))

        return max(cyr, key=score)


_place_fields = attrgetter(*(f.name for f in fields(Place)))


class NameHit(NamedTuple):
    """A place a name key names (:meth:`Gazetteer.by_key`): with the name variant that has the
    key, its weight, and whether it is spelled like a frequent word."""

    place: Place
    variant: str
    weight: float
    common: bool


@dataclass(frozen=True, slots=True)
class Candidate:
    """A place returned for a name, with how well the name matched (1.0 exact ... 0 none)."""

    place: Place
    score: float
    match: str  # "exact", "folded" or "fuzzy"
    matched_name: str = ""
