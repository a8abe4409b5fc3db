"""The record a build collects places in, and the small rules every source applies to names."""

from __future__ import annotations

import re
from dataclasses import MISSING, field, fields, make_dataclass

from ..fold import is_cyrillic, tokens
from ..model import Place


REGION_COUNTRIES = {"UA", "RU", "BY"}


SME_ID_BASE = 2_000_000_000


POSTAL_ID_BASE = 3_000_000_000


def _row_fields() -> list[tuple[str, str, object]]:
    """A :class:`~gazetteer.model.Place`'s fields, its names a list, and the admin forms."""
    out: list[tuple[str, str, object]] = []
    for f in fields(Place):
        if f.name == "names":
            out.append(("names", "list[str]", field(default_factory=list)))
        else:
            out.append((f.name, f.type, field(default=f.default) if f.default is not MISSING else field()))
    # names that only an admin region may be called by, with a name-quality weight
    out.append(("forms", "dict[str, float]", field(default_factory=dict)))
    return out


PlaceRow = make_dataclass("PlaceRow", _row_fields())
PlaceRow.__module__ = __name__
PlaceRow.__doc__ = """A place while the build collects it: a :class:`~gazetteer.model.Place`'s fields,
    made from them (so the two cannot drift apart), but mutable, its ``names`` a list, and with
    ``forms``, the names only an admin region may be called by, each with a quality weight. The
    writer stores rows as the places the store reads back."""


def _usable_name(n: str) -> bool:
    """Latin or Cyrillic names only; no airport/ISO codes (EGO, HRK) or empty strings."""
    n = n.strip()
    if len(n) < 2 or not tokens(n):
        return False
    if n.isupper() and len(n) <= 4 and not is_cyrillic(n):
        return False
    for c in n:
        if c.isalpha() and not ("\u0000" <= c <= "\u024f" or "\u0400" <= c <= "\u04ff"):
            return False
    return True


def display_latin(name: str, cc: str = "") -> str:
    """A readable Latin name for a Cyrillic-only place, in its country's system: Ukraine's
    national one for Ukrainian places (Питомник -> Pytomnyk), a BGN/PCGN-like one for Russian
    places (Глотово -> Glotovo)."""
    if not is_cyrillic(name):
        return name
    import translitua

    ukrainian = cc == "UA" or (not cc and any(c in "іїєґІЇЄҐ" for c in name))
    table = translitua.UkrainianKMU if ukrainian else translitua.RussianInternationalPassport1997
    return translitua.translit(name, table).replace("Ë", "E").replace("ë", "e")


_COUNCIL_RE = re.compile(r"\s*\([^)]*\)\s*$")


def strip_council(name: str) -> str:
    """'Нагірна (Нагірнянська сільська рада)' -> 'Нагірна': the council suffix of 5,306 of the
    GeoNames postal file's rows, which hid the bare name."""
    return _COUNCIL_RE.sub("", name).strip()
