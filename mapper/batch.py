"""Batches: many files in, one set of incidents out, on local processes or a Dask cluster.

A file that cannot be read, or a row that cannot be parsed, is recorded and skipped; the rest
goes on. Processed reports are cached as JSON in ``OUT/.cache`` (:mod:`mapper.cache`) so that a re-run
on the same inputs skips them and gives identical outputs.
"""

from __future__ import annotations

import datetime as dt
import gc
import glob
import os
import pickle
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import CACHE_DIR, ResultCache, pipeline_key
from .errors import InputError
from .records import Incident


@dataclass
class FileResult:
    path: str
    error: str | None = None
    incidents: int = 0
    reports: int = 0
    cached: int = 0
    row_errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    skipped: int = 0  # Telegram service and media-only messages


@dataclass(frozen=True)
class Selection:
    """Which incidents go into the batch's GeoJSON, and how: travels with every chunk so that
    the workers serialise the features themselves."""

    precision: int = 5
    mentions: bool = False
    since: dt.date | None = None
    until: dt.date | None = None
    records: bool = True  # send the incident records back too (not needed for GeoJSON alone)

    def dated(self, day: dt.date | None) -> bool:
        """Inside --since/--until (an undated incident always is: it says so itself)."""
        return day is None or ((self.since is None or day >= self.since) and (self.until is None or day <= self.until))

    def shown(self, kind: str, day: dt.date | None) -> bool:
        return (self.mentions or kind == "incident") and self.dated(day)


@dataclass
class Chunk:
    """What a worker sends back for a chunk of reports.

    Per report its status; the chunk's selected features as GeoJSON, serialised in the worker
    in one call, with their bbox and the counts the summary needs; and the incidents
    themselves as one pickle that the parent unpacks only if an output needs them
    (the map, CSV, KML, GeoPackage, ``--merge``). Unpickling 56,000 incidents and serialising
    their features had cost the parent 0.8 s of a 4,000-report batch, while the workers waited.
    """

    status: list[tuple[int, bool, str | None]]  # (incidents, from the cache, error) per report
    features: bytes  # the selected features, comma-separated (b"" if none)
    bbox: tuple[float, float, float, float] | None  # of the selected features
    counts: dict[str, int]  # incidents and mentions inside --since/--until, by kind
    blob: bytes | None = None
    unpacked: list[Incident] | None = None
    warnings: list[str] = field(default_factory=list)  # cache entries that were recomputed

    @classmethod
    def pack(cls, results: list[tuple[list[Incident], bool, str | None]], sel: Selection, *,
             pickled: bool, warnings: list[str] | None = None) -> "Chunk":
        import orjson

        from .export import bbox, feature

        incidents = [i for incs, _, _ in results for i in incs]
        dated = [i for i in incidents if sel.dated(i.date)]
        counts = {"incident": 0, "mention": 0}
        for i in dated:
            counts[i.kind] = counts.get(i.kind, 0) + 1
        shown = [feature(i, precision=sel.precision) for i in dated if sel.mentions or i.kind == "incident"]
        features = orjson.dumps(shown)[1:-1]  # one call for the chunk: per feature was 3x slower
        box = bbox(shown)
        status = [(len(incs), cached, err) for incs, cached, err in results]
        blob = unpacked = None
        if sel.records and pickled:
            blob = pickle.dumps(incidents, protocol=pickle.HIGHEST_PROTOCOL)
        elif sel.records:
            unpacked = incidents
        return cls(status, features, box, counts, blob, unpacked, list(warnings or ()))

    def incidents(self) -> list[Incident]:
        if self.unpacked is None:
            if self.blob is None:
                raise ValueError("this batch ran with Selection(records=False): no incident records came back")
            self.unpacked = pickle.loads(self.blob)
            self.blob = None
        return self.unpacked


@dataclass
class BatchResult:
    files: list[FileResult]
    seconds: float
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def incidents(self) -> list[Incident]:
        """Every incident in input order (unpacked from the workers' pickles on first use)."""
        return [i for c in self.chunks for i in c.incidents()]

    def counts(self) -> dict[str, int]:
        """Incidents and mentions inside the selection's --since/--until, by kind."""
        out: dict[str, int] = {}
        for c in self.chunks:
            for kind, n in c.counts.items():
                out[kind] = out.get(kind, 0) + n
        return out

    def write_geojson(self, path: str | os.PathLike) -> Path:
        """The FeatureCollection of the selected incidents, joined from the workers' serialised
        features (the same bytes as :func:`export.geojson_bytes` of those incidents)."""
        from .export import write_collection

        boxes = [c.bbox for c in self.chunks if c.bbox]
        bbox = (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                max(b[3] for b in boxes)) if boxes else None
        return write_collection(path, [c.features for c in self.chunks if c.features], bbox)

    @property
    def errors(self) -> list[dict]:
        out = []
        for f in self.files:
            if f.error:
                out.append({"path": f.path, "row": None, "error": f.error})
            out.extend(f.row_errors)
        return out

    @property
    def reports(self) -> int:
        return sum(f.reports for f in self.files)

    @property
    def cached(self) -> int:
        return sum(f.cached for f in self.files)


def collect_inputs(inputs: tuple[str, ...] | list[str]) -> list[str]:
    """Files of folders (recursively, known suffixes), glob matches and plain paths, in order."""
    from .reports import SUFFIXES

    files: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(str(f) for f in p.rglob("*")
                            if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith("."))
        elif any(c in item for c in "*?[") and not p.exists():
            files += sorted(glob.glob(item, recursive=True))
        else:
            files.append(item)
    seen: set[str] = set()
    return [f for f in files if not (f in seen or seen.add(f))]


# --- worker side --------------------------------------------------------------------------

_PIPELINES: dict[str, object] = {}


def _pipeline(gazetteer_path: str):
    """One pipeline per process and gazetteer (a Dask worker keeps it between tasks). Name keys
    are loaded into memory only once the worker has probed enough of them to make it pay."""
    p = _PIPELINES.get(gazetteer_path)
    if p is None:
        from .pipeline import Pipeline

        p = _PIPELINES[gazetteer_path] = Pipeline(gazetteer_path, preload="auto")
    return p


def read_file(path: str, *, default_date: dt.date | None, max_bytes: int, into: FileResult) -> Iterator:
    """The reports of one file, as they are read (a JSONL feed row by row). Never raises: bad
    rows go into ``into.row_errors``, a bad file into ``into.error`` (after any rows read)."""
    from .reports import RowError, Skipped, read_rows

    try:
        for item in read_rows(path, default_date=default_date, max_bytes=max_bytes):
            if isinstance(item, Skipped):
                into.skipped += item.count
            elif isinstance(item, RowError):
                into.row_errors.append({"path": item.path, "row": item.row, "error": item.error})
            else:
                into.warnings.extend(item.warnings)
                yield item
    except InputError as e:
        into.error = str(e)
    except Exception as e:  # a bug must not kill the batch: record it and go on
        into.error = f"internal error: {type(e).__name__}: {e}"


def process_reports(reports: list, gazetteer_path: str, cache: tuple[str, str] | None,
                    warnings: list[str] | None = None, *, feed_context: bool = False,
                    ) -> list[tuple[list[Incident], bool, str | None]]:
    """(incidents, from cache, error) for each report of a chunk, in order. Never raises.
    ``cache`` is (folder, pipeline key); entries that had to be recomputed go into ``warnings``.
    ``feed_context``: see :func:`_with_feed_context`."""
    from .reports import content_hash

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
            pipe = _pipeline(gazetteer_path)
            res = pipe.process(rep)
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
            pipe = _pipeline(gazetteer_path)
            try:  # the recognition made a moment ago is kept; a cached report is read again
                res = pipe.process(rep, feed_regions=feed) if made is True else pipe.with_feed(made, feed)
                out[k] = (list(res.incidents), made is True, None)
            except Exception as e:  # a bug must not kill the batch: that report's error
                out[k] = ([], False, f"{rep.id}: internal error: {type(e).__name__}: {e}")
    return out


def _worker_init() -> None:
    """A pool worker's garbage collector: what it inherits (modules, the shared tables built
    before the fork) is frozen out of every collection, and the young generation is collected
    every 20,000 allocations instead of 700. A report's records are freed by reference counting,
    few form cycles, and the collections walked the pipeline's ever-growing caches: 1.5% of
    the instructions a report costs (counted with valgrind), for no memory back."""
    gc.freeze()
    gc.set_threshold(20_000, 10, 10)


def _chunk_task(args) -> Chunk:
    reports, gaz, cache, sel, pickled, feed = args
    warnings: list[str] = []
    results = process_reports(reports, gaz, cache, warnings, feed_context=feed)
    return Chunk.pack(results, sel, pickled=pickled, warnings=warnings)


# --- engines ------------------------------------------------------------------------------


def run(files: list[str], gazetteer_path: str, *, out_dir: Path, jobs: int = 1, engine: str = "local",
        scheduler=None, default_date: dt.date | None = None,
        max_bytes: int = 50 * 1024 * 1024, use_cache: bool = True,
        progress: Callable[[int], None] | None = None, chunk_size: int = 64,
        selection: Selection = Selection(), feed_context: bool = False) -> BatchResult:
    """Read ``files`` here, process their reports in chunks on the chosen engine, and return
    results in input order whatever the engine. ``progress`` is called with reports done;
    ``selection`` says which features the workers serialise for :meth:`BatchResult.write_geojson`;
    ``feed_context``: close namesakes are told apart by the chunk's other reports of the same
    days (:func:`_with_feed_context`)."""
    pickled = engine == "dask" or jobs > 1  # results cross a process boundary
    t0 = time.perf_counter()
    cache = (str(out_dir / CACHE_DIR), pipeline_key(gazetteer_path)) if use_cache else None
    files_out: list[FileResult] = []
    # per chunk, the file index of each report; not the reports themselves, which would keep a
    # whole feed's texts in memory to the end
    owners_of: list[list[int]] = []

    def tasks():
        """Chunks of reports, read as the engine asks for them: with a pool, reading the rest
        of a feed overlaps the processing of its first chunks."""
        cur: list = []
        owners: list[int] = []
        for k, f in enumerate(files):
            fr = FileResult(f)
            files_out.append(fr)
            for rep in read_file(f, default_date=default_date, max_bytes=max_bytes, into=fr):
                cur.append(rep)
                owners.append(k)
                if len(cur) >= chunk_size:
                    owners_of.append(owners)
                    yield (cur, gazetteer_path, cache, selection, pickled, feed_context)
                    cur, owners = [], []
        if cur:
            owners_of.append(owners)
            yield (cur, gazetteer_path, cache, selection, pickled, feed_context)

    tick = progress or (lambda n: None)
    if engine == "dask":
        results = _run_dask(tasks(), scheduler, tick)
    elif jobs == 1:
        results = []
        for t in tasks():
            results.append(_chunk_task(t))
            tick(len(t[0]))
    else:
        import multiprocessing as mp

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        if method == "fork":
            from .pipeline import warm_up

            warm_up()  # once here, shared by the forked workers
        ctx = mp.get_context(method)
        results = []
        with ctx.Pool(jobs, initializer=_worker_init) as pool:
            for r in pool.imap(_chunk_task, tasks()):
                results.append(r)
                tick(len(r.status))
    for owners, res in zip(owners_of, results, strict=True):
        for k, (n, cached, err) in zip(owners, res.status, strict=True):
            fr = files_out[k]
            if err:
                fr.row_errors.append({"path": fr.path, "row": None, "error": err})
                continue
            fr.incidents += n
            fr.reports += 1
            fr.cached += int(cached)
    return BatchResult(files_out, time.perf_counter() - t0, results)


def _run_dask(tasks: Iterator[tuple], scheduler, tick: Callable[[int], None], *, in_flight: int = 32) -> list[Chunk]:
    """Chunks of reports processed on Dask workers; each worker loads the gazetteer once.

    ``scheduler`` is a scheduler address (tcp://host:8786) or a ``distributed.Client``; the
    gazetteer path must be readable on the workers (a shared file system or the same install).
    A chunk's reports are scattered straight to a worker, so report texts never pass through
    the scheduler, and at most ``in_flight`` chunks are out at once: each chunk's data is
    released as its result comes back, so memory does not grow with the batch.
    """
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise InputError("--engine dask needs the 'dask' extra: pip install 'incident-mapper[dask]'") from None
    client = scheduler if isinstance(scheduler, Client) else Client(scheduler) if scheduler else None
    if client is None:
        raise InputError("--engine dask needs --scheduler ADDRESS (tcp://host:8786)")
    own = not isinstance(scheduler, Client)
    try:
        done: dict[int, Chunk] = {}
        pending = as_completed()
        index: dict[str, int] = {}
        it = iter(tasks)

        def submit() -> bool:
            t = next(it, None)
            if t is None:
                return False
            [data] = client.scatter([t], hash=False)
            fut = client.submit(_chunk_task, data, pure=False)
            index[fut.key] = len(index)
            pending.add(fut)
            return True

        for _ in range(in_flight):
            if not submit():
                break
        for fut in pending:
            res = fut.result()
            done[index[fut.key]] = res
            fut.release()
            tick(len(res.status))
            submit()
        return [done[k] for k in range(len(done))]
    finally:
        if own:
            client.close()
