"""Events: classify a sentence that names a place into an ACLED-like event type.

The cue table is ``mapper/data/events.toml`` (English, Russian, Ukrainian), one place to extend.
A sentence with no cue gives no event: its places become ``mention`` records.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping

# One colour per event type (Okabe–Ito plus greys, colour-blind-safe-ish), for the map and KML.
EVENT_COLOURS = {
    "fortification": "#0072B2",
    "missile_strike": "#D55E00",
    "air_drone_strike": "#CC79A7",
    "shelling": "#E69F00",
    "incursion": "#882255",
    "battle": "#B2182B",
    "explosion": "#F0E442",
    "evacuation": "#56B4E9",
    "infrastructure": "#009E73",
    "civilian_casualties": "#000000",
    "military_presence": "#4477AA",
    "statement": "#999999",
    "other": "#777777",
    "mention": "#BBBBBB",
}


@lru_cache(maxsize=1)
def _fatal() -> tuple[re.Pattern, dict[str, int]]:
    """The pattern of a stated number of dead, from ``mapper/data/numbers.toml``: a number (in
    digits or words, any case form) before or after a word for dying, a few words apart."""
    data = tomllib.loads((files("mapper") / "data" / "numbers.toml").read_text(encoding="utf-8"))
    words = {k.lower(): int(v) for k, v in data["numbers"].items()}
    num = r"(?:\d{1,4}|" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"
    after = "|".join(re.escape(w) for w in data["deaths"]["after_number"])
    before = "|".join(re.escape(w) for w in data["deaths"]["before_number"])
    rx = re.compile(
        rf"(?<!\w)(?P<n>{num})\s+(?:[\w'’-]+\s+){{0,3}}?(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?:{after})\w*|"
        rf"(?<!\w)(?:{before})\w*\s+(?:at\s+least\s+|не\s+менее\s+|щонайменше\s+)?(?P<n2>{num})(?!\w)",
        re.I)
    return rx, words


@dataclass(frozen=True, slots=True)
class EventType:
    type: str
    label: str
    sub: str
    acled: str
    priority: int
    cue: str = ""
    acled_sub: str = ""  # ACLED's sub_event_type


@lru_cache(maxsize=1)
def table() -> list[tuple[EventType, tuple[str, ...]]]:
    """The event types in priority order, each with its lower-case cues (events.toml, read once)."""
    data = tomllib.loads((files("mapper") / "data" / "events.toml").read_text(encoding="utf-8"))
    return [(EventType(e["type"], e["label"], e["sub"], e["acled"], e["priority"], acled_sub=e["acled_sub"]),
             tuple(c.lower() for c in e["cues"]))
            for e in sorted(data["event"], key=lambda e: e["priority"])]


@lru_cache(maxsize=1)
def _automaton():
    """All cues in one Aho-Corasick automaton: a sentence is scanned once, in C, whatever the
    number of cues (a regex alternation of the cues, and a scan by word starts, were slower:
    benchmarks/MEASURED.md)."""
    import ahocorasick

    by_cue: dict[str, EventType] = {}
    for et, cues in table():  # in priority order: a cue listed twice keeps its first type
        for cue in cues:
            by_cue.setdefault(cue, et)
    auto = ahocorasick.Automaton()
    for cue, et in by_cue.items():
        auto.add_word(cue, (len(cue), et))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=1)
def labels() -> Mapping[str, str]:
    """Event type -> label; read-only, built once (exports ask for it per incident)."""
    return MappingProxyType({et.type: et.label for et, _ in table()})


def event_type(name: str) -> EventType:
    """The event type called ``name`` in events.toml (KeyError if there is none)."""
    for et, _ in table():
        if et.type == name:
            return et
    raise KeyError(name)


@lru_cache(maxsize=1)
def _actor_table() -> tuple[re.Pattern, dict[str, tuple[str, int]]]:
    """``mapper/data/actors.toml`` as one alternation (longest phrase first) and phrase -> actor."""
    data = tomllib.loads((files("mapper") / "data" / "actors.toml").read_text(encoding="utf-8"))
    by_phrase: dict[str, tuple[str, int]] = {}
    for a in data["actor"]:
        if not isinstance(a.get("name"), str) or not isinstance(a.get("inter"), int):
            raise ValueError("actors.toml: every actor needs a name and an integer inter code")
        for ph in a["phrases"]:
            by_phrase[ph.lower()] = (a["name"], a["inter"])
    alternation = "|".join(re.escape(p) for p in sorted(by_phrase, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternation})(?!\w)"), by_phrase


def actors(text: str) -> list[tuple[str, int]]:
    """The actors a text states, in order, each once: (ACLED actor name, ACLED inter code)."""
    rx, by_phrase = _actor_table()
    out: list[tuple[str, int]] = []
    for m in rx.finditer(text.lower()):
        a = by_phrase[m.group(0)]
        if a not in out:
            out.append(a)
    return out


def classify(sentence: str) -> EventType | None:
    """The highest-priority event type whose cue starts a word of the sentence, with that cue;
    between cues of one type, the leftmost wins, then the longest."""
    low = sentence.lower()
    best: tuple[int, int, int] | None = None
    best_et: EventType | None = None
    cue = ""
    for end, (n, et) in _automaton().iter(low):
        start = end - n + 1
        if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
            continue  # inside a word: cues are matched at word starts
        rank = (et.priority, start, -n)
        if best is None or rank < best:
            best, best_et, cue = rank, et, low[start:end + 1]
    if best_et is None:
        return None
    return _with_cue(best_et, cue)


@lru_cache(maxsize=4096)
def _with_cue(et: EventType, cue: str) -> EventType:
    """The event type with the cue that found it; the same few pairs recur, and the records are
    frozen, so each is made once (a frozen dataclass is slow to create)."""
    return EventType(et.type, et.label, et.sub, et.acled, et.priority, cue, et.acled_sub)


_FATAL_HINTS = ("kill", "dead", "died", "погиб", "загин", "убит", "вбит", "загибл")


def fatalities(sentence: str) -> int | None:
    """A stated number of dead ("three civilians were killed", "killed 2"), else None."""
    low = sentence.lower()
    if not any(h in low for h in _FATAL_HINTS):
        return None
    rx, words = _fatal()
    m = rx.search(sentence)
    if not m:
        return None
    raw = (m.group("n") or m.group("n2")).lower()
    return int(raw) if raw.isdigit() else words.get(raw)
