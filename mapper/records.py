"""The records that pass between pipeline stages: Report -> Recognition (its Mentions) ->
Resolved -> Incident.

Small frozen dataclasses, so a stage cannot change what an earlier one produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum
from operator import attrgetter

from gazetteer import Place

from .language import detect_language


class Role(StrEnum):
    """What recognition and resolution made of a mention."""

    PLACE = "place"
    QUALIFIER = "qualifier"  # ", Kharkiv Oblast" after a place: where the place is, not a place of its own
    REJECTED = "rejected"


class Level(StrEnum):
    """How specific a place is: the ``level`` of a resolved mention and of an incident (the
    ``precision`` column of the outputs). Not ACLED's ``geo_precision`` (1-3), not a date's
    ``time_precision``, not the coordinates' decimal digits."""

    SETTLEMENT = "settlement"
    COMMUNITY = "community"  # a Ukrainian hromada
    DISTRICT = "district"
    REGION = "region"
    COUNTRY = "country"


class Kind(StrEnum):
    """An incident proper, or a place the report names with no event."""

    INCIDENT = "incident"
    MENTION = "mention"


class DateSource(StrEnum):
    """Where an incident's date came from."""

    SENTENCE = "sentence"  # an expression in the evidence: "on Saturday", "12 May"
    REPORT = "report"  # the report's own date: metadata, header or --date
    NONE = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One report: its text and what is known of where it came from and when."""

    id: str
    text: str
    date: dt.date | None = None
    title: str = ""
    source: str = ""
    url: str = ""
    path: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def language(self) -> str:
        """'uk', 'ru' or 'en' from the script, worked out when asked: no stage needs it, and
        detecting it for every row cost a batch's parent time (benchmarks/MEASURED.md)."""
        return detect_language(self.text)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the report that may name a place, and what recognition decided about it."""

    text: str
    start: int
    end: int
    key: str
    sentence: int  # index into the report's sentences
    role: Role = Role.PLACE
    reason: str = ""  # why rejected, or a note (e.g. "near")
    near: bool = False  # "near X", "outside X", "X area": the event is around the place
    headline: bool = False  # in the report's headline (a Title Case run of its first two sentences)
    axis: bool = False  # names an axis of advance («на Покровському напрямку»): context, not an incident place


@dataclass(frozen=True, slots=True)
class Recognition:
    """What recognition saw in one report."""

    text: str  # the masked text (same length as the report's)
    sentences: tuple[tuple[int, int], ...]
    mentions: tuple[Mention, ...]  # accepted and rejected, in text order
    masked: tuple[tuple[int, int, str], ...]
    boilerplate: frozenset[int]  # sentence indices that are sidebars or teasers
    dropped: int = 0  # place mentions over the cap of one sentence: counted, not kept

    @property
    def accepted(self) -> list[Mention]:
        return [m for m in self.mentions if m.role != Role.REJECTED]

    def sentence_text(self, i: int) -> str:
        s, e = self.sentences[i]
        return " ".join(self.text[s:e].split())  # str.split's whitespace is re's \s, and faster


@dataclass(frozen=True, slots=True)
class Resolved:
    """A mention with the gazetteer entry chosen for it."""

    mention: Mention
    place: Place
    confidence: float
    level: Level
    geo_precision: int  # ACLED: 1 settlement, 2 near a town / part of a region, 3 region
    alternatives: tuple[tuple[int, float], ...] = ()  # (geonameid, score) of the runners-up


@dataclass(frozen=True, slots=True)
class Incident:
    """What happened, where and when, with the evidence for it."""

    incident_id: str
    report_id: str
    kind: Kind
    place: Place
    mentions: tuple[str, ...]
    evidence: tuple[str, ...]
    event_type: str
    sub_event_type: str
    date: dt.date | None
    date_end: dt.date | None
    time_precision: int | None
    time_expression: str
    level: Level
    geo_precision: int
    confidence: float
    source: str = ""
    url: str = ""
    border_km: float | None = None
    border_side: str = ""
    fatalities: int | None = None
    sources: tuple[str, ...] = field(default=())
    date_source: DateSource = DateSource.NONE
    # who says so (mapper.claims): the claimant as normalised ("Belgorod governor"), its side
    # (ru_official, ua_official, independent, other, or unknown), the words that attribute it,
    # every claimant of the evidence, hedged wording, and sides telling different outcomes
    claimed_by: str = ""
    claimant_side: str = "unknown"
    claim: str = ""
    claimants: tuple[str, ...] = field(default=())
    hedged: bool = False
    outcome: str = ""
    contested: bool = False
    # how an event no cue word of the place's own states was inferred: "frame" (words that say
    # only that an attack happened: "came under fire"), "list" (an item of an attack's list:
    # «Гирине (двічі)», a bullet under a lead line), "report" (a place of a report that tells an
    # attack, nothing else explaining it); "" when stated
    inferred_from: str = ""
    # the attackers the evidence names, else the report ("ворог", «ВСУ», "Russian forces"), as
    # ACLED names them (mapper/data/actors.toml): ACLED's actor1 and actor2
    actors: tuple[str, ...] = field(default=())

    @property
    def __geo_interface__(self) -> dict:
        """The place's point as a GeoJSON geometry (``shapely.geometry.shape(incident)``)."""
        return {"type": "Point", "coordinates": (self.place.lon, self.place.lat)}

    def __reduce__(self):
        # as a tuple of fields: faster than dataclass(slots=True)'s __getstate__/__setstate__
        # for the incidents a batch's workers send to its parent
        return (Incident, _incident_fields(self))


_incident_fields = attrgetter(*(f.name for f in fields(Incident)))


# -- plain data, for the batch cache -----------------------------------------------------------
# Incidents are stored as JSON-ready dicts of their fields, never as pickles: a cache folder may
# be shared, and unpickling runs whatever code the file names. Reading checks the shape exactly.

_PLACE_FIELDS = tuple(f.name for f in fields(Place))
_INCIDENT_FIELDS = tuple(f.name for f in fields(Incident))
_DATE_FIELDS = ("date", "date_end")
_TUPLE_FIELDS = ("mentions", "evidence", "sources", "claimants", "actors")


def incident_to_plain(i: Incident) -> dict:
    """An incident as JSON-ready data (dates as ISO strings, the place as a dict)."""
    out = {}
    for name in _INCIDENT_FIELDS:
        v = getattr(i, name)
        if name == "place":
            v = {k: (list(getattr(v, k)) if k == "names" else getattr(v, k)) for k in _PLACE_FIELDS}
        elif name in _DATE_FIELDS:
            v = v.isoformat() if v else None
        elif name in _TUPLE_FIELDS:
            v = list(v)
        out[name] = v
    return out


def incident_from_plain(d: object) -> Incident:
    """The incident :func:`incident_to_plain` wrote. Raises ValueError on any other shape."""
    if not isinstance(d, dict) or set(d) != set(_INCIDENT_FIELDS):
        raise ValueError("not an incident record")
    p = d["place"]
    if not isinstance(p, dict) or set(p) != set(_PLACE_FIELDS):
        raise ValueError("not a place record")
    try:
        place = Place(**{**p, "names": tuple(str(n) for n in p["names"])})
        kw = dict(d, place=place)
        for name in _DATE_FIELDS:
            kw[name] = dt.date.fromisoformat(d[name]) if d[name] else None
        for name in _TUPLE_FIELDS:
            kw[name] = tuple(str(x) for x in d[name])
        kw["kind"], kw["level"], kw["date_source"] = Kind(d["kind"]), Level(d["level"]), DateSource(d["date_source"])
        inc = Incident(**kw)
    except (TypeError, AttributeError, ValueError) as e:
        raise ValueError(f"bad incident record: {e}") from None
    for name in _STR_FIELDS:
        if not isinstance(getattr(inc, name), str):
            raise ValueError(f"bad incident record: {name} is not text")
    for name in ("hedged", "contested"):
        if not isinstance(getattr(inc, name), bool):
            raise ValueError(f"bad incident record: {name} is not true or false")
    _number(inc.confidence, "confidence", 0.0, 1.0)
    _number(inc.geo_precision, "geo_precision", 1, 3, integer=True)
    if inc.time_precision is not None:
        _number(inc.time_precision, "time_precision", 1, 3, integer=True)
    if inc.fatalities is not None:
        _number(inc.fatalities, "fatalities", 0, 1_000_000, integer=True)
    if inc.border_km is not None:
        _number(inc.border_km, "border_km", 0.0, 40_075.0)
    _number(place.lat, "latitude", -90.0, 90.0)
    _number(place.lon, "longitude", -180.0, 180.0)
    _number(place.geonameid, "geonameid", 0, 2**63 - 1, integer=True)
    for name in ("name", "feature_class", "feature_code", "country_code", "admin1_code", "admin2_code",
                 "admin1_name", "admin2_name", "source"):
        if not isinstance(getattr(place, name, ""), str):
            raise ValueError(f"bad place record: {name} is not text")
    return inc


_STR_FIELDS = ("incident_id", "report_id", "event_type", "sub_event_type", "time_expression", "source", "url",
               "border_side", "claimed_by", "claimant_side", "claim", "outcome", "inferred_from")


def _number(value: object, name: str, lo: float, hi: float, *, integer: bool = False) -> None:
    """A cached number of the right kind and in range (no bool, no NaN, no 1e308 latitude)."""
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not (lo <= value <= hi):
        raise ValueError(f"bad incident record: {name} {value!r} is not a number from {lo} to {hi}")
