"""The pipeline as one object: a report in, its recognition, places and incidents out.

Holds the gazetteer and the stage objects so that a batch pays their set-up once per process.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from gazetteer import Gazetteer, GazetteerError

from .errors import GazetteerUnavailable
from .incidents import build_incidents
from .records import Incident, Level, Mention, Recognition, Report, Resolved, Role
from .recognize import Recognizer
from .resolve import Resolver

GAZETTEER_ENV = "MAPPER_GAZETTEER"


def open_gazetteer(path: str | os.PathLike | None = None) -> Gazetteer:
    """The gazetteer at ``path``, else ``$MAPPER_GAZETTEER``, else the bundled default."""
    path = path or os.environ.get(GAZETTEER_ENV) or None
    try:
        return Gazetteer(Path(path)) if path else Gazetteer.default()
    except GazetteerError as e:
        raise GazetteerUnavailable.from_error(e) from None


def warm_up() -> None:
    """Import and build what every pipeline of a process shares and no gazetteer is needed for:
    numpy, the border index, the cue automata and the claims lexicon. A batch calls this
    before it forks its workers, which then share them instead of each building its own."""
    import numpy  # noqa: F401  (the resolver imports it on first use)
    import rapidfuzz.process  # noqa: F401

    from . import border, claims, events, timeline

    border.border_distance(50.0, 36.0)
    claims.lexicon()
    events.warm_up()
    timeline.warm_up()


@dataclass(frozen=True)
class ReportResult:
    report: Report
    recognition: Recognition
    resolved: tuple[Resolved, ...]
    incidents: tuple[Incident, ...]
    seconds: float
    rejected: tuple[Mention, ...] = ()  # accepted by recognition, given no place, with the reason

    @property
    def warnings(self) -> tuple[str, ...]:
        """What the user should know about this report's reading: place names not kept."""
        n = self.recognition.dropped
        if not n:
            return ()
        return (f"{self.report.id}: {n:,} place names not mapped: over the {Recognizer.MAX_PLACES_PER_SENTENCE} "
                "kept in one sentence",)


class Pipeline:
    def __init__(self, gazetteer: Gazetteer | str | os.PathLike | None = None, *, preload: bool | str = False) -> None:
        self.gazetteer = gazetteer if isinstance(gazetteer, Gazetteer) else open_gazetteer(gazetteer)
        self.recognizer = Recognizer(self.gazetteer, preload=preload)
        self.resolver = Resolver(self.gazetteer)

    def process(self, report: Report, *, feed_regions: frozenset[tuple[str, str]] = frozenset()) -> ReportResult:
        """Recognise, resolve and make incidents of one report. ``feed_regions``: the oblasts a
        feed's other reports of the same days name, a tie-breaker among namesakes."""
        t0 = time.perf_counter()
        return self._resolved(report, self.recognizer.recognize(report.text), feed_regions, t0)

    def with_feed(self, result: ReportResult, feed_regions: frozenset[tuple[str, str]]) -> ReportResult:
        """``result`` resolved again with a feed's regions as a tie-breaker (its recognition is
        kept: only resolution and incidents are redone)."""
        return self._resolved(result.report, result.recognition, feed_regions, time.perf_counter())

    def _resolved(self, report: Report, rec: Recognition, feed_regions: frozenset[tuple[str, str]],
                  t0: float) -> ReportResult:
        rejected: list[Mention] = []
        resolved = self.resolver.resolve(rec, rejected=rejected, feed_regions=feed_regions)
        incidents = build_incidents(report, rec, resolved)
        return ReportResult(report, rec, tuple(resolved), tuple(incidents), time.perf_counter() - t0, tuple(rejected))

    AMBIGUOUS_BELOW = 0.75  # a place chosen with less confidence had a close runner-up

    def namesake_regions(self, result: ReportResult) -> frozenset[tuple[str, str]]:
        """(country, admin-1) of the runners-up in other oblasts than the places chosen with
        little confidence: where a feed's context could change a choice (see mapper.batch)."""
        out = set()
        for r in result.resolved:
            if r.level != Level.SETTLEMENT or r.confidence >= self.AMBIGUOUS_BELOW or r.mention.role != Role.PLACE:
                continue
            for gid, _ in r.alternatives:
                q = self.gazetteer.get(gid)
                if q is not None and (q.country_code, q.admin1_code) != (r.place.country_code, r.place.admin1_code):
                    out.add((q.country_code, q.admin1_code))
        return frozenset(out)
