"""The records that pass between pipeline stages: Report -> Mention -> Resolved -> Incident.

Small frozen dataclasses, so a stage cannot change what an earlier one produced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from operator import attrgetter

from gazetteer import Place


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
        detecting it for every row had cost a batch's parent 15 us a report."""
        from .reports import detect_language

        return detect_language(self.text)


@dataclass(frozen=True, slots=True)
class Mention:
    """A span of the report that may name a place, and what recognition decided about it."""

    text: str
    start: int
    end: int
    key: str
    sentence: int  # index into the report's sentences
    role: str = "place"  # "place", "qualifier" (", Kharkiv Oblast" after a place) or "rejected"
    reason: str = ""  # why rejected, or a note (e.g. "near")
    near: bool = False  # "near X", "outside X", "X area": the event is around the place


@dataclass(frozen=True, slots=True)
class Resolved:
    """A mention with the gazetteer entry chosen for it."""

    mention: Mention
    place: Place
    confidence: float
    precision: str  # settlement, district, region, country
    geo_precision: int  # ACLED: 1 settlement, 2 near a town / part of a region, 3 region
    alternatives: tuple[tuple[int, float], ...] = ()  # (geonameid, score) of the runners-up


@dataclass(frozen=True, slots=True)
class Incident:
    """What happened, where and when, with the evidence for it."""

    incident_id: str
    report_id: str
    kind: str  # "incident" or "mention"
    place: Place
    mentions: tuple[str, ...]
    evidence: tuple[str, ...]
    event_type: str
    sub_event_type: str
    date: dt.date | None
    date_end: dt.date | None
    time_precision: int | None
    time_expression: str
    precision: str
    geo_precision: int
    confidence: float
    source: str = ""
    url: str = ""
    border_km: float | None = None
    border_side: str = ""
    fatalities: int | None = None
    sources: tuple[str, ...] = field(default=())

    def __reduce__(self):
        # as a tuple of fields: faster than dataclass(slots=True)'s __getstate__/__setstate__
        # for the incidents a batch's workers send to its parent
        return (Incident, _incident_fields(self))


_incident_fields = attrgetter(*(f.name for f in fields(Incident)))
