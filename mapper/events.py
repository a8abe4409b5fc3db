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

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1,
}
_FATAL_RE = re.compile(
    r"\b(?P<n>\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
    r"(?:\w+\s+){0,2}?(?:were\s+|was\s+|have\s+been\s+|had\s+been\s+)?(?:killed|dead|died)\b|"
    r"\b(?:killed|killing)\s+(?:at\s+least\s+)?(?P<n2>\d{1,4}|one|two|three|four|five|six|seven|eight|nine|ten)\b|"
    r"\b(?P<n3>\d{1,4})\s+(?:человек\s+|людей\s+|мирных\s+жителей\s+|осіб\s+|людини\s+)?(?:погиб|загин)",
    re.I,
)


@dataclass(frozen=True, slots=True)
class EventType:
    type: str
    label: str
    sub: str
    acled: str
    priority: int
    cue: str = ""


@lru_cache(maxsize=1)
def table() -> list[tuple[EventType, re.Pattern]]:
    data = tomllib.loads((files("mapper") / "data" / "events.toml").read_text(encoding="utf-8"))
    out = []
    for e in sorted(data["event"], key=lambda e: e["priority"]):
        rx = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(c) for c in sorted(e["cues"], key=len, reverse=True)) + ")", re.I)
        out.append((EventType(e["type"], e["label"], e["sub"], e["acled"], e["priority"]), rx))
    return out


_WORD_START = re.compile(r"(?<!\w)\w")


@lru_cache(maxsize=1)
def _cue_index() -> dict[str, list[tuple[str, EventType]]]:
    """Cues by their first two letters: a sentence is scanned once, word start by word start.
    (One regex alternation of all ~250 cues was 5x slower: Python's re has no trie.)"""
    idx: dict[str, list[tuple[str, EventType]]] = {}
    for et, _ in table():
        for cue in data_cues(et.type):
            idx.setdefault(cue[:2], []).append((cue, et))
    for v in idx.values():
        v.sort(key=lambda t: (t[1].priority, -len(t[0])))
    return idx


@lru_cache(maxsize=None)
def data_cues(etype: str) -> tuple[str, ...]:
    data = tomllib.loads((files("mapper") / "data" / "events.toml").read_text(encoding="utf-8"))
    return tuple(c.lower() for e in data["event"] if e["type"] == etype for c in e["cues"])


def labels() -> dict[str, str]:
    return {et.type: et.label for et, _ in table()}


def classify(sentence: str) -> EventType | None:
    """The highest-priority event type whose cue the sentence contains, with that cue."""
    low = sentence.lower()
    idx = _cue_index()
    best: EventType | None = None
    cue = ""
    for m in _WORD_START.finditer(low):
        pos = m.start()
        for c, et in idx.get(low[pos:pos + 2], ()):
            if best is not None and et.priority >= best.priority:
                break
            if low.startswith(c, pos):
                best, cue = et, c
                break
    if best is None:
        return None
    return EventType(best.type, best.label, best.sub, best.acled, best.priority, cue)


_FATAL_HINT = re.compile(r"kill|dead|died|погиб|загин", re.I)


def fatalities(sentence: str) -> int | None:
    """A stated number of dead ("three civilians were killed", "killed 2"), else None."""
    m = _FATAL_RE.search(sentence) if _FATAL_HINT.search(sentence) else None
    if not m:
        return None
    raw = (m.group("n") or m.group("n2") or m.group("n3")).lower()
    return int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
