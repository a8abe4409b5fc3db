"""Spellings of a name in the other language of the border, by rule, at build time.

Ukrainian reports write Russia's border villages in Ukrainian («Шебекіне», «Рильськ»,
«Олексіївка»), Russian reports write Ukraine's hromadas in Russian («Юнаковской общины»,
«в Краснопольской общине»); the sources have each in one language. The rules are data
(``spellings.toml``); each generated name gets its case forms like any other (in the grammar
its letters show), and :func:`add_cross_spellings` keeps one only if no other place is so named.
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache
from importlib.resources import files
from itertools import product

from ..errors import GazetteerError
from ..fold import fold_name, is_cyrillic

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_VOWELS = set("аеёиоуыэюяАЕЁИОУЫЭЮЯ")


@lru_cache(maxsize=1)
def rules() -> dict:
    """spellings.toml, checked: pairs are [from, to] lists of strings."""
    data = tomllib.loads((files("gazetteer.build") / "spellings.toml").read_text(encoding="utf-8"))
    try:
        for section, keys in (("ukrainian", ("endings", "letters", "starts")),
                              ("russian", ("endings", "letters", "initial"))):
            for key in keys:
                for pair in data[section][key]:
                    if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair[:1])):
                        raise GazetteerError(f"spellings.toml: {section}.{key}: {pair!r} is not [from, to]")
        ru = data["russian"]
        if not isinstance(ru["most"], int) or not ru["last_i"] or not ru["other_i"]:
            raise GazetteerError("spellings.toml: russian.most, last_i and other_i are required")
    except (KeyError, TypeError) as e:
        raise GazetteerError(f"spellings.toml is malformed: {e}") from None
    return data


def _ukrainian_word(word: str) -> str:
    r = rules()["ukrainian"]
    low = word.lower()
    stem, ending = word, ""
    for a, b in r["endings"]:
        if low.endswith(a) and len(low) > len(a) + 1:
            stem, ending = word[:-len(a)], b
            break
    head = ""
    for a, b in r["starts"]:
        if stem.startswith(a):
            head, stem = b, stem[len(a):]
            break
    out = []
    for k, c in enumerate(stem):
        lc = c.lower()
        for a, b in r["letters"]:
            if lc == a:
                if a == "ё" and (k == 0 and not head or (stem[k - 1] if k else head[-1]) in _VOWELS):
                    b = "йо"
                c = b.capitalize() if c.isupper() else b
                break
        out.append(c)
    return head + "".join(out) + ending


def ukrainian_spelling(name: str) -> str | None:
    """A Russian name as Ukrainian writes it («Шебекино» -> «Шебекіне», «Рыльск» -> «Рильськ»,
    «Алексеевка» -> «Олексіївка», «Новая Таволжанка» -> «Нова Таволжанка»), or None if the
    rules change nothing or the name is not Russian Cyrillic."""
    if not is_cyrillic(name) or set(name) & set("іїєґІЇЄҐ"):
        return None
    out = _WORD_RE.sub(lambda m: _ukrainian_word(m.group(0)), name)
    return out if out != name else None


def russian_adjectives(adjective: str) -> list[str]:
    """A Ukrainian hromada adjective as Russian reports may write it: «Юнаківська» ->
    [«Юнаковская», «Юнакивская», «Юнакевская»], «Білопільська» -> [«Белопольская», ...],
    «Есманська» -> [«Есманская», «Эсманская»]; at most ``most`` spellings."""
    r = rules()["russian"]
    low = adjective.lower()
    for a, b in r["endings"]:
        if low.endswith(a):
            stem, ending = adjective[:-len(a)], b
            break
    else:
        return []
    for a, b in r["letters"]:
        stem = stem.replace(a, b).replace(a.upper(), b.upper())
    slots = [k for k, c in enumerate(stem) if c in "іІ"]
    choices = [r["other_i"]] * (len(slots) - 1) + [r["last_i"]] if slots else []
    stems = []
    for combo in product(*choices):
        s = list(stem)
        for k, v in zip(slots, combo):
            s[k] = v.upper() if stem[k].isupper() else v
        stems.append("".join(s))
    stems = stems or [stem]
    for a, b in r["initial"]:
        stems += [b + s[len(a):] for s in list(stems) if s.startswith(a)]
    return list(dict.fromkeys(s + ending for s in stems))[:r["most"]]


def add_cross_spellings(places, *, ru_admin1: frozenset[str]) -> int:
    """Give the Russian places of ``ru_admin1`` (settlements and districts) their Ukrainian
    spelling as a name, where the rules make one and no other place already has it. Returns
    how many were added. (Hromadas get their Russian spellings where they are made.)"""
    taken: dict[str, set[int]] = {}
    for p in places:
        for n in (p.name, *p.names):
            taken.setdefault(fold_name(n), set()).add(p.geonameid)
    added = 0
    for p in places:
        if p.country_code != "RU" or p.admin1_code not in ru_admin1 or p.feature_class not in ("P", "A"):
            continue
        for n in list(p.names):
            uk = ukrainian_spelling(n)
            if uk is None or uk in p.names:
                continue
            key = fold_name(uk)
            if taken.get(key, {p.geonameid}) - {p.geonameid}:
                continue  # another place's name: a generated spelling must not take it
            p.names.append(uk)
            taken.setdefault(key, set()).add(p.geonameid)
            added += 1
    return added


__all__ = ["add_cross_spellings", "russian_adjectives", "rules", "ukrainian_spelling"]
