"""Calendar words of English, Russian and Ukrainian, and full-date parsing.

Shared by the readers (a report with no date field may state one in its text) and the timeline
(which resolves relative expressions). The words are ``mapper/data/calendar.toml``: a fixed,
fast set of forms with exact offsets, where dateparser's ``search_dates`` was many times
slower and read the verb "may" as a date (benchmarks/MEASURED.md).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from importlib.resources import files

from .errors import InputError

MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def load_calendar(data: dict | None = None) -> tuple[dict[str, int], dict[str, int]]:
    """``mapper/data/calendar.toml`` as (form -> month 1-12, form -> weekday 0-6). Every month and
    weekday must be there, each a list of lower-case forms, and no form may name two of them."""
    if data is None:
        data = tomllib.loads((files("mapper") / "data" / "calendar.toml").read_text(encoding="utf-8"))
    out: list[dict[str, int]] = []
    for table, names, first in (("months", MONTH_NAMES, 1), ("weekdays", WEEKDAY_NAMES, 0)):
        got = data.get(table)
        if not isinstance(got, dict) or sorted(got) != sorted(names):
            raise ValueError(f"calendar.toml: [{table}] must have exactly {', '.join(names)}")
        forms: dict[str, int] = {}
        for n, name in enumerate(names, first):
            words = got[name]
            if not isinstance(words, list) or not all(isinstance(w, str) and w and w == w.lower() for w in words):
                raise ValueError(f"calendar.toml: {table}.{name} must be a list of lower-case forms")
            for w in words:
                if forms.get(w, n) != n:
                    raise ValueError(f"calendar.toml: {w!r} is a form of two {table}")
                forms[w] = n
        out.append(forms)
    return out[0], out[1]


MONTHS, WEEKDAYS = load_calendar()


def word_union(words) -> str:
    """A regex alternation of ``words`` as a trie ("mon(?:day)?|..."), by retrie: where a plain
    alternation makes ``re`` try all ~40 month or weekday forms at every word start, the trie
    tries only the branch of the first letter (the day-month rule ran in half the time). Among
    forms matching at one place it tries the longest first, like a plain alternation sorted by
    length, so it matches the same."""
    from retrie.trie import Trie

    trie = Trie()
    trie.add(*words)
    return trie.pattern()


MONTH_ALT = word_union(MONTHS)
WEEKDAY_ALT = word_union(WEEKDAYS)
# 23 May 2023, May 23, 2023, 23 мая 2023 г., 2023-05-23, 23.05.2023, 23/05/2023
FULL_DATE_RES = [
    re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(r"\b(?P<d>\d{1,2})[./](?P<m>\d{1,2})[./](?P<y>\d{4})\b"),
    re.compile(rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{MONTH_ALT})\.?,?\s+(?P<y>\d{{4}})\b", re.I),
    re.compile(rf"\b(?P<mon>{MONTH_ALT})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b", re.I),
]


def parse_iso_date(value: str, *, what: str = "date") -> dt.date:
    """A date given by the user or a data field: ISO 'YYYY-MM-DD' (a time part is ignored),
    or any full form :func:`find_full_date` knows. Impossible dates are an :class:`InputError`."""
    value = str(value).strip()
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$", value)
    if m:
        try:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as e:
            raise InputError(f"impossible {what} {value!r}: {e}") from None
    found = find_full_date(value)
    if found is None or found[1] - found[0] < len(value) - 2:
        raise InputError(f"unreadable {what} {value!r}: expected YYYY-MM-DD")
    return found[2]


def _mk(y: int, m: int, d: int) -> dt.date | None:
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def find_full_date(text: str) -> tuple[int, int, dt.date] | None:
    """The first fully stated date in a text, with its span; None if there is none."""
    best = None
    for rx in FULL_DATE_RES:
        for m in rx.finditer(text):
            mon = MONTHS.get(m.group("mon").lower()) if "mon" in m.groupdict() else int(m.group("m"))
            day = _mk(int(m.group("y")), mon or 0, int(m.group("d")))
            if day and (best is None or m.start() < best[0]):
                best = (m.start(), m.end(), day)
            if day:
                break
    return best
