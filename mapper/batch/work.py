"""What a worker does with a chunk of reports: the pipeline (one per process), the cache,
the feed's context, and the chunk's results packed for the parent."""

from __future__ import annotations

import gc

from ..cache import ResultCache
from ..records import Incident
from .results import Chunk


_PIPELINES: dict[str, object] = {}


def pipeline_for(gazetteer_path: str):
    """One pipeline per process and gazetteer (a Dask worker keeps it between tasks). Name keys
    are loaded into memory only once the worker has probed enough of them to make it pay."""
    p = _PIPELINES.get(gazetteer_path)
    if p is None:
        from ..pipeline import Pipeline

        p = _PIPELINES[gazetteer_path] = Pipeline(gazetteer_path, preload="auto")
    return p


def process_reports(reports: list, gazetteer_path: str, cache: tuple[str, str] | None,
                    warnings: list[str] | None = None, *, feed_context: bool = False,
                    ) -> list[tuple[list[Incident], bool, str | None]]:
    """(incidents, from cache, error) for each report of a chunk, in order. Never raises.
    ``cache`` is (folder, pipeline key); entries that had to be recomputed go into ``warnings``.
    ``feed_context``: see :func:`_with_feed_context`."""
    from ..reports import content_hash

    store = ResultCache(*cache) if cache else None
    first: list[tuple[list[Incident], object, str | None, frozenset]] = []  # cached: True, else the result
    for rep in reports:
        h = content_hash(rep) if store else ""
        if store:
            hit = store.get(h)
            if hit is not None and (hit[1] is not None or not feed_context):
                first.append((hit[0], True, None, hit[1] or frozenset()))
                continue
        try:
            pipe = pipeline_for(gazetteer_path)
            res = pipe.process(rep)
            if warnings is not None:
                warnings.extend(res.warnings)
            namesakes = pipe.namesake_regions(res) if feed_context else frozenset()
        except Exception as e:  # a bug must not kill the batch: that report's error
            first.append(([], False, f"{rep.id}: internal error: {type(e).__name__}: {e}", frozenset()))
            continue
        if store:
            store.put(h, list(res.incidents), namesakes if feed_context else None)
        first.append((list(res.incidents), res, None, namesakes))
    if store and warnings is not None:
        warnings.extend(store.warnings)
    if not feed_context:
        return [(incs, made is True, err) for incs, made, err, _ in first]
    return _with_feed_context(reports, first, gazetteer_path)


FEED_DAYS = 3  # reports this many days apart or nearer are "of the same days"


def _with_feed_context(reports: list, results: list[tuple[list[Incident], bool, str | None, frozenset]],
                       gazetteer_path: str) -> list[tuple[list[Incident], bool, str | None]]:
    """A feed's reports of the same days usually speak of the same oblasts: a report whose
    place had a close namesake in another oblast ("shelling in Zolotarivka", Luhansk's or
    Donetsk's?) is resolved again, with the oblasts that the chunk's other reports of those days
    name confidently as a tie-breaker, if one of them is a namesake's. The chunk (64 reports in
    input order) is the feed window; a single ``render`` never does this. The cache keeps the
    results made without the context, so a cached report is looked at again in its chunk."""
    confident: list[tuple[int, object, tuple[str, str]]] = []  # (report, its date, oblast)
    for k, (rep, (incs, _, err, _)) in enumerate(zip(reports, results)):
        if err or rep.date is None:
            continue
        for i in incs:
            if i.kind == "incident" and i.level == "settlement" and i.confidence >= 0.8:
                confident.append((k, rep.date, (i.place.country_code, i.place.admin1_code)))
    out = [(incs, made is True, err) for incs, made, err, _ in results]
    for k, (rep, (_, made, err, namesakes)) in enumerate(zip(reports, results)):
        if err or rep.date is None or not namesakes:
            continue
        feed = frozenset(a1 for j, day, a1 in confident if j != k and abs((day - rep.date).days) <= FEED_DAYS)
        if feed & namesakes:
            pipe = pipeline_for(gazetteer_path)
            try:  # the recognition made a moment ago is kept; a cached report is read again
                res = pipe.process(rep, feed_regions=feed) if made is True else pipe.with_feed(made, feed)
                out[k] = (list(res.incidents), made is True, None)
            except Exception as e:  # a bug must not kill the batch: that report's error
                out[k] = ([], False, f"{rep.id}: internal error: {type(e).__name__}: {e}")
    return out


def worker_init() -> None:
    """A pool worker's garbage collector: what it inherits (modules, the shared tables built
    before the fork) is frozen out of every collection, and the young generation is collected
    every 20,000 allocations instead of 700. A report's records are freed by reference counting,
    few form cycles, and the collections walked the pipeline's ever-growing caches: 1.5% of
    the instructions a report costs (counted with valgrind), for no memory back."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def chunk_task(args) -> Chunk:
    reports, gaz, cache, sel, pickled, feed = args
    warnings: list[str] = []
    results = process_reports(reports, gaz, cache, warnings, feed_context=feed)
    return Chunk.pack(results, sel, pickled=pickled, warnings=warnings)
