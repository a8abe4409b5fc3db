"""Events: classify a sentence that names a place into an ACLED-like event type.

The cue table is ``mapper/data/events.toml`` (English, Russian, Ukrainian), one place to extend.
A sentence with no cue gives no event of its own: :mod:`mapper.incidents` says when its places
take a list's or the report's event (``counted``, ``marks``).
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from types import MappingProxyType
from typing import Mapping, NamedTuple

from .errors import MapperError
from .language import PhraseMatcher, fold_cues

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
    "interception": "#117733",
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
    acled: str  # ACLED's event_type
    priority: int
    cue: str = ""
    acled_sub: str = ""  # ACLED's sub_event_type: every output's sub_event_type
    inferred: str = ""  # "frame": the words say an attack happened ("came under fire"), not by what
    attack: bool = False  # an attack: the report's places with no cue of their own may take it


FORMS_FILE = "cue_forms.json"  # the word forms of events.toml's lemmas (python -m mapper.build_cues)


@dataclass(frozen=True, slots=True)
class CueTable:
    """events.toml, checked and compiled: the event types in priority order, and every cue as
    (phrase, type, whole word?, frame?) in one automaton."""

    types: tuple[EventType, ...]
    cues: tuple[tuple[str, EventType, bool, bool], ...]
    compound_prefixes: frozenset[str]
    origin: tuple[str, ...]  # words before a place fire came from («з боку»)
    destination: tuple[str, ...]  # words before a place people were taken to ("evacuated to")
    speakers: tuple[str, ...]  # words of a sentence about who says so ("officials", «повідомили»)
    counted: re.Pattern  # a place counted as an attack's item ("(5 разів)", «двічі»)
    civilians: tuple[str, ...] = ()  # words that say an attack hit civilians
    intercepted: re.Pattern | None = None  # «уничтожены 12 беспилотников»: an interception


def _strings(where: str, value: object) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise MapperError(f"events.toml: {where} must be a list of non-empty strings")
    return value


def load_table(data: dict, forms: dict[str, list[str]]) -> CueTable:
    """events.toml's data (and the lemmas' word forms) as a :class:`CueTable`; MapperError if it
    is malformed. A cue is a prefix ("shell" is shelled, shelling), folded as the text is
    (:func:`mapper.language.fold_cues`); a lemma ("uk:влучити") stands for its word forms,
    each a whole word; a frame is a cue whose words say only that an attack happened."""
    try:
        types, cues = [], []
        for e in sorted(data["event"], key=lambda e: e["priority"]):
            if not isinstance(e["priority"], int) or not isinstance(e.get("attack", False), bool):
                raise MapperError(f"events.toml: {e['type']}: priority must be an integer, attack true or false")
            et = EventType(str(e["type"]), str(e["label"]), str(e["acled"]), e["priority"],
                           acled_sub=str(e["acled_sub"]), attack=e.get("attack", False))
            types.append(et)
            cues += [(fold_cues(c), et, False, False) for c in _strings(f"{et.type}.cues", e.get("cues", []))]
            cues += [(fold_cues(c), et, False, True) for c in _strings(f"{et.type}.frames", e.get("frames", []))]
            for lemma in _strings(f"{et.type}.lemmas", e.get("lemmas", [])):
                lang, _, word = lemma.partition(":")
                if lang not in ("uk", "ru") or not word:
                    raise MapperError(f"events.toml: lemma {lemma!r} is not 'uk:word' or 'ru:word'")
                if lemma not in forms:
                    raise MapperError(f"events.toml: lemma {lemma!r} has no word forms in {FORMS_FILE}; "
                                      "run python -m mapper.build_cues")
                cues += [(fold_cues(f), et, True, False) for f in forms[lemma]]
        inf = data["inference"]
        counted = re.compile("|".join(f"(?:{p})" for p in _strings("inference.counted", inf["counted"])), re.I)
        return CueTable(tuple(types), tuple(cues),
                        frozenset(fold_cues(p) for p in _strings("compound_prefixes", data["compound_prefixes"])),
                        tuple(fold_cues(p) for p in _strings("inference.origin", inf["origin"])),
                        tuple(fold_cues(p) for p in _strings("inference.destination", inf["destination"])),
                        tuple(fold_cues(p) for p in _strings("inference.speakers", inf["speakers"])),
                        counted, tuple(fold_cues(w) for w in _strings("civilians", data["civilians"])),
                        re.compile("|".join(f"(?:{p})" for p in _strings("inference.intercepted", inf["intercepted"]))))
    except (KeyError, TypeError, AttributeError, re.error) as e:
        raise MapperError(f"events.toml is malformed: {e}") from None


@lru_cache(maxsize=1)
def cue_table() -> CueTable:
    """events.toml and its lemmas' forms, read once."""
    data = files("mapper") / "data"
    forms = json.loads((data / FORMS_FILE).read_text(encoding="utf-8"))
    return load_table(tomllib.loads((data / "events.toml").read_text(encoding="utf-8")), forms)


@lru_cache(maxsize=1)
def automaton():
    """All cues in one Aho-Corasick automaton: a sentence is scanned once, in C, whatever the
    number of cues (a regex alternation of the cues, and a scan by word starts, were slower:
    benchmarks/MEASURED.md)."""
    import ahocorasick

    by_cue: dict[str, tuple[EventType, bool, bool]] = {}
    for cue, et, whole, frame in cue_table().cues:  # in priority order: a cue listed twice keeps its first type
        if cue in by_cue:
            prev = by_cue[cue]
            by_cue[cue] = (prev[0], prev[1] and whole, prev[2])  # a prefix cue covers the whole word
        else:
            by_cue[cue] = (et, whole, frame)
    auto = ahocorasick.Automaton()
    for cue, (et, whole, frame) in by_cue.items():
        auto.add_word(cue, (len(cue), et, whole, frame))
    auto.make_automaton()
    return auto


@lru_cache(maxsize=1)
def labels() -> Mapping[str, str]:
    """Event type -> label; read-only, built once (exports ask for it per incident)."""
    return MappingProxyType({et.type: et.label for et in cue_table().types})


@lru_cache(maxsize=1)
def event_types() -> Mapping[str, EventType]:
    """Event type name -> its record; read-only."""
    return MappingProxyType({et.type: et for et in cue_table().types})


def event_type(name: str) -> EventType:
    """The event type called ``name`` in events.toml (KeyError if there is none)."""
    return event_types()[name]


@lru_cache(maxsize=1)
def _actor_table() -> tuple[re.Pattern, dict[str, tuple[str, int]]]:
    """``mapper/data/actors.toml`` as one alternation (longest phrase first) and phrase -> actor."""
    data = tomllib.loads((files("mapper") / "data" / "actors.toml").read_text(encoding="utf-8"))
    by_phrase: dict[str, tuple[str, int]] = {}
    for a in data["actor"]:
        if not isinstance(a.get("name"), str) or not isinstance(a.get("inter"), int):
            raise ValueError("actors.toml: every actor needs a name and an integer inter code")
        for ph in a["phrases"]:
            by_phrase[fold_cues(ph)] = (a["name"], a["inter"])
    return PhraseMatcher(by_phrase), by_phrase


def actor_inter(name: str) -> int:
    """ACLED's inter code of an actor of actors.toml (0 if it is none of them)."""
    return next((inter for n, inter in _actor_table()[1].values() if n == name), 0)


def actors(text: str) -> list[tuple[str, int]]:
    """The actors a text states, in order, each once: (ACLED actor name, ACLED inter code)."""
    out: list[tuple[str, int]] = []
    for _, _, a in _actor_table()[0].find(fold_cues(text)):
        if a not in out:
            out.append(a)
    return out


def classify(sentence: str) -> EventType | None:
    """The highest-priority event type whose cue starts a word of the sentence (or follows a
    compounding prefix: «артобстрел», «авианалёт»), with that cue; between cues of one type,
    the leftmost wins, then the longest. A word form of a lemma matches whole words only."""
    low = fold_cues(sentence)
    prefixes = cue_table().compound_prefixes
    best: tuple[int, int, int] | None = None
    best_et: EventType | None = None
    cue, frame = "", False
    for end, (n, et, whole, is_frame) in automaton().iter(low):
        start = end - n + 1
        if start and (low[start - 1].isalnum() or low[start - 1] == "_"):
            k = start - 1  # inside a word: only after a compounding prefix that opens the word
            while k > 0 and low[k - 1].isalnum():
                k -= 1
            if low[k:start] not in prefixes:
                continue
        if whole and end + 1 < len(low) and (low[end + 1].isalnum() or low[end + 1] in "'-"):
            continue
        rank = (et.priority, start, -n)
        if best is None or rank < best:
            best, best_et, cue, frame = rank, et, low[start:end + 1], is_frame
    if best_et is None:
        return None
    if best_et.type in ("air_drone_strike", "missile_strike"):  # «уничтожены 12 беспилотников»
        m = cue_table().intercepted.search(low)
        if m:
            return _with_cue(event_types()["interception"], m.group(0), "")
    return _with_cue(best_et, cue, "frame" if frame else "")


@lru_cache(maxsize=4096)
def _with_cue(et: EventType, cue: str, inferred: str) -> EventType:
    """The event type with the cue that found it; the same few pairs recur, and the records are
    frozen, so each is made once (a frozen dataclass is slow to create)."""
    return EventType(et.type, et.label, et.acled, et.priority, cue, et.acled_sub, inferred, et.attack)


class Marks(NamedTuple):
    """What a sentence's words say of the places in it (:func:`marks`): where phrases before a
    place fire came from («з боку») or people were taken ("taken to hospital in") end, and
    whether it speaks of who says so ("officials", «повідомили»)."""

    origin: tuple[int, ...]
    destination: tuple[int, ...]
    speakers: bool

    def _just_before(self, ends: tuple[int, ...], low: str, at: int, reach: int, words: int) -> bool:
        return any(at - reach <= e <= at and len(low[e:at].split()) <= words for e in ends)

    def origin_of_fire(self, low: str, at: int) -> bool:
        """Is the place at offset ``at`` of the folded sentence ``low`` where fire came from: right
        after «з боку» or one word more («з боку російського Бєлгорода»)? («Со стороны Украины
        обстреляли Глотово»: Glotovo, two words on, is where it landed.)"""
        return bool(self.origin) and self._just_before(self.origin, low, at, 40, 1)

    def destination_of(self, low: str, at: int) -> bool:
        """Is the place at ``at`` where people were taken, up to two words after ("evacuated to",
        «доставили в областную больницу Белгорода»)?"""
        return bool(self.destination) and self._just_before(self.destination, low, at, 60, 2)


_NO_MARKS = Marks((), (), False)


@lru_cache(maxsize=1)
def _marks_automaton():
    """The inference phrases of events.toml in one automaton (one pass a sentence, in C)."""
    import ahocorasick

    t = cue_table()
    auto = ahocorasick.Automaton()
    for kind, phrases in (("origin", t.origin), ("destination", t.destination), ("speakers", t.speakers)):
        for p in phrases:
            got = auto.get(p, ())
            auto.add_word(p, (len(p), got[1] | {kind} if got else {kind}))
    auto.make_automaton()
    return auto


def warm_up() -> None:
    """Build the cue and inference automata (a batch does so before it forks its workers)."""
    automaton()
    _marks_automaton()


def marks(low: str) -> Marks:
    """The :class:`Marks` of a folded sentence (:func:`mapper.language.fold_cues`): phrases
    start at a word's start; «з боку» and "from the direction of" end where the place may follow."""
    origin, dest, speakers = [], [], False
    for end, (n, kinds) in _marks_automaton().iter(low):
        start = end - n + 1
        if "speakers" in kinds:
            speakers = True
        if start and low[start - 1].isalnum():
            continue
        if "origin" in kinds:
            origin.append(end + 1)
        if "destination" in kinds:
            dest.append(end + 1)
    if not (origin or dest or speakers):
        return _NO_MARKS
    return Marks(tuple(origin), tuple(dest), speakers)


def civilian_targeting(et: EventType | None, evidence: str) -> bool:
    """Did the attack hit civilians, as ACLED's ``civilian_targeting`` asks: civilian casualties,
    or an explosion or battle whose evidence speaks of civilians or residents?"""
    if et is None or not et.attack:
        return False
    if et.type == "civilian_casualties":
        return True
    low = fold_cues(evidence)
    return any(w in low for w in cue_table().civilians)


def counted(text: str, at: int) -> bool:
    """Is the place ending at offset ``at`` counted as an item of an attack's list: «Гирине
    (двічі)», "Glotovo (3 times)", «Рогізки — 5 разів»?"""
    return cue_table().counted.match(text, at) is not None


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
