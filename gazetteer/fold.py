"""Name folding shared by the index and the query side.

A place name and a word in a report meet only if both fold to the same *key*. Folding is done
per token so that a report can be folded once and matched against every name at once:

* Latin tokens collapse the spelling variants of romanised Slavic names onto one skeleton
  (Grayvoron / Graivoron / Grajvoron / Hraivoron -> ``hraivoron``; Velykyi / Velikiy -> ``veliki``).
* Cyrillic tokens are normalised (ё->е, є->е, ї->і, ґ->г, soft/hard signs dropped) and lower-cased,
  nothing more: "в Грайвороне" meets "Грайворон" because the gazetteer stores the case forms of
  every Cyrillic name, made by pymorphy3 when it is built (:mod:`gazetteer.build.forms`).

The skeleton rules are hand-written because no library folds *between* romanisation systems:
transliteration libraries (translitua, anyascii) go from Cyrillic to one system, which we use to
generate variants at build time (:func:`latin_variants`).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "TOKEN_RE",
    "APOSTROPHES",
    "fold_token",
    "fold_name",
    "tokens",
    "is_cyrillic",
    "latin_variants",
    "strip_diacritics",
    "rules",
]

# A word: letters, optionally joined by an apostrophe (Vil'khivka, В'язове). Digits, dashes and
# punctuation separate tokens, so "Gora-Podol" and "Gora Podol" are the same two tokens.
APOSTROPHES = "'’ʼ`′‘ʹ"
TOKEN_RE = re.compile(rf"[^\W\d_]+(?:[{APOSTROPHES}][^\W\d_]+)*", re.UNICODE)
_APOS_TABLE = str.maketrans("", "", APOSTROPHES)
_CYR_RE = re.compile(r"[\u0400-\u04FF]")

# Letters whose plain decomposition loses a sound that another system spells with two letters.
_PRE_MAP = str.maketrans(
    {
        "č": "ch", "š": "sh", "ž": "zh", "ŝ": "shch", "ĥ": "kh", "ć": "c", "ś": "s",
        "ź": "z", "ż": "z", "ł": "l", "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ı": "i",
    }
)
# One regex, alternatives longest first, so "tsch" wins over "sch" and "shch" over "sh".
_LATIN_RULES = [
    ("shch", "s"), ("szcz", "s"), ("tsch", "c"), ("sch", "s"), ("tch", "c"), ("ch", "c"),
    ("cz", "c"), ("sh", "s"), ("sz", "s"), ("zh", "z"), ("kh", "h"), ("ts", "c"), ("tz", "c"),
    ("ph", "f"), ("g", "h"), ("w", "v"), ("j", "i"), ("y", "i"),
]
_LATIN_RE = re.compile("|".join(re.escape(a) for a, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)
_REPEAT_RE = re.compile(r"(.)\1+")


_CYR_MAP = str.maketrans({"ё": "е", "є": "е", "ї": "і", "ґ": "г", "ь": None, "ъ": None})


def strip_diacritics(text: str) -> str:
    """Drop combining marks after mapping the letters that need two Latin letters (č -> ch)."""
    text = text.translate(_PRE_MAP)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_cyrillic(text: str) -> bool:
    return bool(_CYR_RE.search(text))


@lru_cache(maxsize=200_000)
def fold_token(token: str) -> str:
    """The key of one word. Same function for gazetteer names and report text."""
    low = token.lower().translate(_APOS_TABLE)
    if is_cyrillic(low):
        # ё/є/ї/ґ and soft/hard signs are folded away; й, и and і stay apart. Case endings stay:
        # the gazetteer indexes every case form of a name (pymorphy3, at build time), so an
        # inflected word is found by its own key.
        return low.translate(_CYR_MAP)
    low = strip_diacritics(low)
    low = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], low)
    return _REPEAT_RE.sub(r"\1", low)


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(text)


def fold_name(name: str) -> str:
    """The key of a whole name: its token keys joined by one space ('' when it has no word)."""
    return " ".join(fold_token(t) for t in tokens(name))


def _ukrainian_only(name: str) -> bool:
    return any(c in "іїєґІЇЄҐ" for c in name)


def _russian_only(name: str) -> bool:
    return any(c in "ыэъёЫЭЪЁ" for c in name)


def latin_variants(name: str) -> dict[str, str]:
    """Latin spellings of a Cyrillic name under the systems reports use, each with the language
    of the system that produced it ('ru', 'uk', or 'any' for anyascii's scholarly-like one).

    Ukrainian national (KMU 2010), BGN/PCGN, passport and scholarly/ISO-like systems, from the
    translitua and anyascii libraries; Russian systems for names that are not Ukrainian-only and
    Ukrainian systems for names that are not Russian-only. A Latin name maps to itself ('any').
    """
    if not is_cyrillic(name):
        return {name: "any"}
    import translitua
    from anyascii import anyascii

    out: dict[str, str] = {}
    ru_tables = (
        translitua.RussianInternationalPassport1997,
        translitua.RussianDriverLicense,
        translitua.RussianSimple,
        translitua.RussianALALC,
    )
    ua_tables = (
        translitua.UkrainianKMU,
        translitua.UkrainianPassport2007,
        translitua.UkrainianBGN,
        translitua.UkrainianBritish,
        translitua.UkrainianSimple,
    )
    if not _russian_only(name):
        for t in ua_tables:
            out.setdefault(translitua.translit(name, t), "uk")
    if not _ukrainian_only(name):
        for t in ru_tables:
            v = translitua.translit(name, t)
            out[v] = "any" if out.get(v) == "uk" else "ru"
    a = anyascii(name)
    out[a] = "any" if a in out and out[a] != "any" else out.get(a, "any")
    return {v: lang for v, lang in out.items() if v and not is_cyrillic(v)}


def rules() -> dict:
    """The folding rules as data, for a folding done where Python is not (the map page's search
    folds what a user types with them, and meets the keys this module made)."""
    return {"apostrophes": APOSTROPHES, "pre": {chr(k): v for k, v in _PRE_MAP.items()},
            "latin": [list(r) for r in _LATIN_RULES],
            "cyrillic": {chr(k): v or "" for k, v in _CYR_MAP.items()}}
