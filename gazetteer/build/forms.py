"""Name forms: the spellings reports use for a place besides its names in the sources.

Admin regions get the English and Cyrillic forms of "X Oblast", "X-sky District", "Белгородская
обл"; every Cyrillic name gets its case forms from pymorphy3 (:func:`case_forms`), so that a
report's inflected word is found by an exact key probe at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ..fold import is_cyrillic


# Words that name a kind of region, by admin level. Used to keep admin aliases that say what
# they are ("Kharkiv Oblast") and to generate the forms reports use ("Belgorod region").
_LEVEL1_WORDS = ("oblast", "region", "province", "oblast'")


_LEVEL2_WORDS = ("district", "raion", "rayon", "region", "area")


_ADMIN_WORD_RE = re.compile(
    r"\b(oblast|oblast'|oblast’|region|province|district|raion|rayon|krai|kray|okrug|republic|"
    r"respublika|voblasts|voblast|область|район|край|округ|республика|обл|вобласць|раён)\b|"
    r"(shchyna|щина)$",
    re.IGNORECASE,
)


_ADJ_END_RE = re.compile(
    r"(s'?k(?:aya|aia|aja|a|iy|ii|ij|yi|yy|yj|y|iy|ogo|oy|oi|oj|ij)|s'?ka|s'?kyi|ski)$",
    re.IGNORECASE,
)


def _admin_stems(alias: str) -> set[str]:
    """'Belgorodskaya oblast' -> {Belgorod, Belgorodsk, Belgorodskaya}; 'Kharkiv Oblast' ->
    {Kharkiv}. Both stems of an adjective are kept: 'Kursk' is Kursk+aya, 'Belgorod' is
    Belgorod+skaya, and only the place list could tell which is meant."""
    words = [w for w in re.split(r"\s+", alias.strip()) if w]
    words = [w for w in words if not _ADMIN_WORD_RE.fullmatch(w.strip("'’"))]
    if not words:
        return set()
    head = " ".join(words).strip(" '’")
    out = {head}
    m = _ADJ_END_RE.search(head)
    if m:
        stem = head[: m.start()]
        if len(stem) >= 3:
            out.update({stem, stem + "sk"})
    return out


def admin_forms(level: int, aliases: Iterable[str]) -> dict[str, float]:
    """Latin forms reports use for an admin region, with a weight for how surely they mean it.

    'X region' means an oblast far more often than a district, so the district's 'region' forms
    weigh less and the oblast wins when both exist.
    """
    forms: dict[str, float] = {}
    words = _LEVEL1_WORDS if level == 1 else _LEVEL2_WORDS
    for alias in aliases:
        if is_cyrillic(alias):
            continue
        for stem in _admin_stems(alias):
            for w in words:
                weight = 0.8 if (level == 2 and w in ("region", "area")) else 1.0
                forms[f"{stem} {w}"] = max(forms.get(f"{stem} {w}", 0), weight)
        if level == 2:
            for stem in _admin_stems(alias):
                forms[f"{stem}sky district"] = 1.0
        if _ADMIN_WORD_RE.search(alias):
            forms[alias] = 1.0
    if level == 1:
        for alias in list(forms):
            if alias.endswith(" region"):
                forms[alias.replace(" region", " area")] = 0.7
    return forms


_CYR_ADJ_RE = re.compile(r"^(\S+?(?:ский|ской|ський|цкий|цький))\s+(?:район|округ|городской округ|муниципальный округ)$", re.I)


_CYR_OBLAST_RE = re.compile(r"^(\S+?(?:ская|ська|цкая|цька))\s+область$", re.I)


def cyrillic_admin_forms(level: int, aliases: Iterable[str]) -> dict[str, float]:
    """Cyrillic forms beside the official name: Russian districts became 'городской округ' /
    'муниципальный округ' (Грайворонский городской округ), and 'обл.' abbreviates 'область'.
    Case endings are folded away at match time, so one form serves every case."""
    forms: dict[str, float] = {}
    for alias in aliases:
        alias = alias.strip()
        if level == 2 and (m := _CYR_ADJ_RE.match(alias)):
            adj = m.group(1)
            for noun in ("район", "округ", "городской округ", "муниципальный округ", "міський округ", "громада"):
                forms[f"{adj} {noun}"] = 1.0
        if level == 1 and (m := _CYR_OBLAST_RE.match(alias)):
            forms[f"{m.group(1)} обл"] = 1.0
    return forms


# --------------------------------------------------------------------------------------------
# Case forms of Cyrillic names (pymorphy3)
# --------------------------------------------------------------------------------------------

_CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_INFLECTED_POS = {"NOUN", "ADJF", "PRTF"}
_UK_ONLY = set("іїєґІЇЄҐ")
_RU_ONLY = set("ыэъёЫЭЪЁ")
_NOT_RU_UK = set("ўЎәөүңһғқӘӨҮҢҺҒҚ")
_PERSON = frozenset({"Surn", "Name", "Patr"})
_DEGREES = frozenset({"Cmp2", "Supr", "compb", "Qual"})
_MORPH: dict[str, object] = {}


def _analyzer(lang: str):
    m = _MORPH.get(lang)
    if m is None:
        import pymorphy3

        m = _MORPH[lang] = pymorphy3.MorphAnalyzer(lang=lang)
    return m


def name_languages(name: str, cc: str = "") -> tuple[str, ...]:
    """The languages whose grammar a Cyrillic name may be inflected by in reports: the one its
    letters show (і/ї/є/ґ Ukrainian; ы/э/ъ/ё Russian), else both, the country's first. A
    Russian village is written in Ukrainian reports too ("у Грайвороні")."""
    letters = set(name)
    if letters & _NOT_RU_UK:
        return ()
    if letters & _UK_ONLY:
        return ("uk",)
    if letters & _RU_ONLY:
        return ("ru",)
    return ("uk", "ru") if cc == "UA" else ("ru", "uk")


def _parses(morph, word: str) -> list:
    """The parses of a name's word as a nominative noun or adjective spelled as written (a
    name is given in the nominative), toponyms first. pymorphy3's first parse of «Глушкове»
    is the surname Глушков: every parse is looked at, not only the first."""
    low = word.lower()
    ps = [p for p in morph.parse(word) if p.tag.POS in _INFLECTED_POS and p.tag.case == "nomn"
          and p.word.replace("ё", "е") == low.replace("ё", "е")]
    geo = [p for p in ps if "Geox" in p.tag.grammemes]
    nouns = [p for p in ps if p.tag.POS == "NOUN" and not p.tag.grammemes & _PERSON]
    return geo or nouns or [p for p in ps if p.tag.POS != "NOUN"] or ps


def _word_forms(morph, word: str) -> dict[str, set[str]]:
    """Case -> forms of one word, in the number (and, for adjectives, the gender) it is
    written in. Empty for a word that does not inflect (an indeclinable part of a name)."""
    out: dict[str, set[str]] = {}
    for p in _parses(morph, word)[:2]:
        g = p.tag.grammemes
        number = p.tag.number or ("plur" if "Pltm" in g or "plur" in g else "sing")
        gender = p.tag.gender if number == "sing" else None
        for f in p.lexeme:
            t = f.tag
            if t.case not in _CASES or t.POS != p.tag.POS:
                continue
            if t.number not in (None, number):
                continue
            if p.tag.POS != "NOUN" and t.gender != gender:  # an adjective agrees in gender (none in the plural)
                continue
            if t.grammemes & _DEGREES - p.tag.grammemes:
                continue
            out.setdefault(t.case, set()).add(f.word)
    return out


@lru_cache(maxsize=None)
def case_forms(name: str, cc: str = "") -> frozenset[str]:
    """The case forms of a Cyrillic place name in Russian and Ukrainian grammar, lower-cased:
    «Велика Писарівка» -> «великої писарівки», «великій писарівці», ...; «Новая Таволжанка» ->
    «новой таволжанке»; «Липці» -> «липців», «липцях». Words agree: every word of a form is in
    the same case. A word before a hyphen is kept as written (Бояро-Лежачі -> Бояро-Лежачах,
    Новгород-Сіверського). Unknown words are inflected by analogy (pymorphy3's predictor).
    The name itself is not in the result; a Latin or non-Russian/Ukrainian name gives none."""
    if not is_cyrillic(name):
        return frozenset()
    import re as _re

    from ..fold import TOKEN_RE

    words = [(m.group(0), m.end()) for m in TOKEN_RE.finditer(name)]
    if not words or len(words) > 5:
        return frozenset()
    out: set[str] = set()
    for lang in name_languages(name, cc):
        morph = _analyzer(lang)
        per_word = []
        for k, (w, end) in enumerate(words):
            before_hyphen = k + 1 < len(words) and _re.match(r"\s*[-‐‑–]", name[end:])
            per_word.append({} if before_hyphen else _word_forms(morph, w))
        if not any(per_word):
            continue
        for case in _CASES:
            choices = [sorted(f.get(case, ()))[:3] or [w.lower()] for f, (w, _) in zip(per_word, words)]
            for combo in _product(choices):
                out.add(_rebuild(name, words, combo))
    out.discard(name.lower())
    return frozenset(out)


def _product(choices: list[list[str]]) -> list[tuple[str, ...]]:
    """The combinations of each word's forms (at most 9: a word has one to three forms a case)."""
    combos: list[tuple[str, ...]] = [()]
    for c in choices:
        combos = [prev + (x,) for prev in combos for x in c][:9]
    return combos


def _rebuild(name: str, words: list[tuple[str, int]], forms: tuple[str, ...]) -> str:
    """The name with its words replaced by ``forms``, separators as written, lower-cased."""
    parts, pos = [], 0
    for (w, end), f in zip(words, forms):
        start = end - len(w)
        parts += [name[pos:start], f]
        pos = end
    parts.append(name[pos:])
    return "".join(parts).lower()
