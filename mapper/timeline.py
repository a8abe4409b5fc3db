"""Timeline: resolve each sentence's temporal expression against the report's date.

"on Monday" in a report of Tuesday 2023-05-23 is 2023-05-22; "overnight" is the night of 22–23
May; "since Monday" runs from the 22nd to the report date. English, Russian and Ukrainian forms.
A sentence with no expression inherits the report's date. time_precision follows ACLED:
1 the day is known, 2 the week, 3 the month.

The rules and their trigger words are ``mapper/data/time.toml``, over the calendar words of
:mod:`mapper.dates`; hand-written because dateparser, measured on the
seed's sentences, was fifty times slower (benchmarks/MEASURED.md), missed
"during the night" and "вночі", read the verb "may" as a date, and put "on Tuesday" in a Tuesday
report a week back.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

from .dates import FULL_DATE_RES, MONTH_ALT, MONTHS, WEEKDAY_ALT, WEEKDAYS
from .language import fold_cues

_DAY = dt.timedelta(days=1)


@dataclass(frozen=True, slots=True)
class TimeRef:
    date: dt.date | None
    date_end: dt.date | None = None
    time_precision: int | None = 1  # ACLED: 1 a day, 2 a week, 3 a month
    expression: str = ""


KINDS = ("ago2", "last24", "since_wd", "night", "ago1", "today", "weekday", "daymonth", "dm", "week", "month")
PLAIN_TAGS = ("digit", "dot")  # tags found by plain tests, not by trigger words


def load_rules(data: dict | None = None):
    """``mapper/data/time.toml`` as (rules: [(regex, kind)], triggers: {tag: substrings}, needs:
    {kind: tags}, inside-word tags). Every rule's kind is one :func:`_relative` knows, its
    pattern compiles, and every tag it needs is a trigger's or a plain one."""
    if data is None:
        data = tomllib.loads((files("mapper") / "data" / "time.toml").read_text(encoding="utf-8"))
    try:
        triggers = {tag: tuple(subs) for tag, subs in data["triggers"].items()}
        if not all(isinstance(x, str) and x and x == x.lower() for subs in triggers.values() for x in subs):
            raise ValueError("triggers must be lists of lower-case substrings")
        rules, needs = [], {}
        for r in data["rule"]:
            kind, pattern, tags = r["kind"], r["pattern"], frozenset(r["needs"])
            if kind not in KINDS or kind in needs:
                raise ValueError(f"rule kind {kind!r}: one of {', '.join(KINDS)}, each once")
            if not tags or not tags <= set(triggers) | set(PLAIN_TAGS):
                raise ValueError(f"rule {kind}: needs {sorted(tags)} must be trigger tags or {PLAIN_TAGS}")
            rules.append((re.compile(pattern.replace("{weekday}", WEEKDAY_ALT).replace("{month}", MONTH_ALT), re.I), kind))
            needs[kind] = tags
        inside = frozenset(data["inside_words"])
        if not inside <= set(triggers):
            raise ValueError("inside_words must be trigger tags")
    except (KeyError, TypeError, AttributeError, re.error) as e:
        raise ValueError(f"time.toml: bad shape ({type(e).__name__}: {e})") from None
    except ValueError as e:
        raise ValueError(f"time.toml: {e}") from None
    return rules, triggers, needs, inside


# searched in order, the first family that matches wins for a sentence
_RULES, _TRIGGERS, _NEEDS, _INSIDE_WORDS = load_rules()
_RULES_LOW = [re.compile(rx.pattern) for rx, _kind in _RULES]


def _weekday_on_or_before(anchor: dt.date, wd: int, *, strict: bool = False) -> dt.date:
    delta = (anchor.weekday() - wd) % 7
    if strict and delta == 0:
        delta = 7
    return anchor - dt.timedelta(days=delta)


def _day_month(anchor: dt.date, day: int, month: int) -> dt.date | None:
    """A day and month with no year: the latest such date not after the report (+1 day)."""
    for year in (anchor.year, anchor.year - 1):
        try:
            d = dt.date(year, month, day)
        except ValueError:
            return None
        if (d - anchor).days <= 1:  # (not anchor + 1 day: no day follows 9999-12-31)
            return d
    return None


_SINCE_RE = re.compile(r"(?:since|from|starting|until|before|after|з|із|від|с|со|от|до|после|після)\s+(?:the\s+)?$", re.I)


def _full_dates(sentence: str):
    """Full dates stated in a sentence, except those that open or close a period ("since 24
    February 2022", «з 24 лютого 2022 року»): background, not when the event happened."""
    for rx in FULL_DATE_RES:
        for m in rx.finditer(sentence):
            if _SINCE_RE.search(sentence, max(0, m.start() - 16), m.start()):
                continue
            g = m.groupdict()
            month = MONTHS.get(g["mon"].lower()) if g.get("mon") else int(g["m"])
            try:
                yield m.start(), TimeRef(dt.date(int(g["y"]), month or 0, int(g["d"])), None, 1, m.group(0))
            except ValueError:
                continue


@lru_cache(maxsize=8192)
def _relative(kind: str, expr: str, groups: tuple[tuple[str, str | None], ...], anchor: dt.date) -> TimeRef | None:
    """The dates of one matched expression (``expr`` as written, ``groups`` its named groups).
    Cached: a day's feed says "yesterday" and "overnight" of the same report date thousands of
    times, and working one out (group dict, date arithmetic, a frozen record) is not free."""
    g = {k: v for k, v in groups if v}
    if kind == "ago2":
        return TimeRef(anchor - 2 * _DAY, None, 1, expr)
    if kind == "ago1":
        return TimeRef(anchor - _DAY, None, 1, expr)
    if kind == "today":
        return TimeRef(anchor, None, 1, expr)
    if kind in ("night", "last24"):
        return TimeRef(anchor - _DAY, anchor, 1, expr)
    if kind == "since_wd":
        wd = WEEKDAYS[(g.get("wd") or g.get("wd2") or g.get("wd3")).lower()]
        return TimeRef(_weekday_on_or_before(anchor, wd, strict=True), anchor, 1, expr)
    if kind == "weekday":
        name = (g.get("wd") or g.get("wd2") or "").lower()
        if name in ("mon", "tue", "wed", "thu", "fri", "sat", "sun", "неделя") and not expr.lower().startswith("on"):
            return None  # bare abbreviations and 'неделя' (week) are too ambiguous alone
        return TimeRef(_weekday_on_or_before(anchor, WEEKDAYS[name], strict=bool(g.get("last"))), None, 1, expr)
    if kind == "daymonth":
        day = int(g.get("d") or g.get("d2"))
        mon = MONTHS[(g.get("mon") or g.get("mon2")).lower()]
        d = _day_month(anchor, day, mon)
        return TimeRef(d, None, 1, expr) if d else None
    if kind == "dm":
        d = _day_month(anchor, int(g["d"]), int(g["m"])) if 1 <= int(g["m"]) <= 12 else None
        return TimeRef(d, None, 1, expr) if d else None
    low = expr.lower()
    if kind == "week":
        start = anchor - dt.timedelta(days=anchor.weekday())
        if any(w in low for w in ("last", "прошл", "минул")):
            start -= 7 * _DAY
        return TimeRef(start, min(anchor, start + 6 * _DAY), 2, expr)
    if kind == "month":
        start = anchor.replace(day=1)
        if "last" in low or "прошл" in low:
            start = (start - _DAY).replace(day=1)
        end = anchor if start.month == anchor.month else anchor.replace(day=1) - _DAY
        return TimeRef(start, end, 3, expr)
    return None


_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"\d{4}")  # every full date states its year


def warm_up() -> None:
    """Build the time-expression automaton (a batch does so before it forks its workers)."""
    _trigger_automaton()


@lru_cache(maxsize=1)
def _trigger_automaton():
    import ahocorasick

    tags: dict[str, set[str]] = {}
    for tag, subs in _TRIGGERS.items():
        for sub in subs:
            tags.setdefault(sub, set()).add(tag)
    auto = ahocorasick.Automaton()
    for sub, ts in tags.items():
        auto.add_word(sub, (len(sub), frozenset(ts - _INSIDE_WORDS), frozenset(ts & _INSIDE_WORDS)))
    auto.make_automaton()
    return auto


def _tags(low: str, has_digit: bool) -> set[str]:
    # "digit" and "dot" (for 22.05) by plain tests: a "." trigger fired at every full stop
    out: set[str] = ({"digit", "dot"} if "." in low else {"digit"}) if has_digit else set()
    for end, (n, at_start, anywhere) in _trigger_automaton().iter(low):
        if anywhere:
            out |= anywhere
        if at_start and not at_start <= out:
            start = end - n + 1
            if start == 0 or not low[start - 1].isalnum():
                out |= at_start
    return out


@lru_cache(maxsize=256)
def _rules_for(tags: frozenset[str]) -> tuple[tuple[re.Pattern, re.Pattern, str], ...]:
    """The rules whose triggers are all in ``tags``, in order (a sentence has a few of ~60
    tag combinations: testing all eleven rules' needs each time cost more than this lookup)."""
    return tuple((rx, rx_low, kind) for (rx, kind), rx_low in zip(_RULES, _RULES_LOW) if _NEEDS[kind] <= tags)


def expressions(sentence: str, anchor: dt.date | None) -> list[tuple[int, TimeRef]]:
    """Every temporal expression of a sentence with its offset, resolved against ``anchor``."""
    has_digit = bool(_DIGIT.search(sentence))
    found = list(_full_dates(sentence)) if has_digit and _YEAR.search(sentence) else []
    if anchor is not None:
        low = fold_cues(sentence)  # the one folding of tables and text: «днём» is «днем»
        tags = _tags(low, has_digit)
        # the lower-case patterns on the lower-cased text are faster than re.I; a text whose
        # length changes when lower-cased (rare letters like İ) keeps re.I, to keep the offsets
        same = len(low) == len(sentence)
        taken = [(p, p + len(t.expression)) for p, t in found]
        for rx, rx_low, kind in _rules_for(frozenset(tags)):
            for m in (rx_low.finditer(low) if same else rx.finditer(sentence)):
                if any(a < m.end() and m.start() < b for a, b in taken):
                    continue
                # as written, also when matched in the lower-cased text
                try:
                    tr = _relative(kind, sentence[m.start():m.end()], tuple(m.groupdict().items()), anchor)
                except OverflowError:  # "yesterday" of 0001-01-01: a day outside the calendar
                    tr = None
                if tr is not None:
                    found.append((m.start(), tr))
                    taken.append((m.start(), m.end()))
    return found


@lru_cache(maxsize=1024)
def _report_day(anchor: dt.date | None) -> TimeRef:
    """A sentence with no time expression: the report's own day (one frozen record per day)."""
    return TimeRef(anchor, None, 1 if anchor else None, "")


def resolve_sentence(sentence: str, anchor: dt.date | None, *, at: int | None = None,
                     found: list[tuple[int, TimeRef]] | None = None) -> TimeRef:
    """The date a sentence speaks of, given the report's date (``anchor``). With several
    expressions, the one nearest offset ``at`` (the place mention) wins, else the first.
    ``found`` passes :func:`expressions` already computed for the sentence."""
    return nearest(expressions(sentence, anchor) if found is None else found, anchor, at)


def nearest(found: list[tuple[int, TimeRef]], anchor: dt.date | None, at: int | None = None) -> TimeRef:
    """Of a sentence's expressions (from :func:`expressions`), the one nearest offset ``at``,
    else the first; with none, the report's day."""
    if not found:
        return _report_day(anchor)
    if at is None:
        return min(found, key=lambda t: t[0])[1]
    return min(found, key=lambda t: (abs(t[0] - at), t[0]))[1]
