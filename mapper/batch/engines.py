"""Where a batch's chunks run: in this process, a pool of forked workers, or a Dask cluster;
results come back in input order whatever the engine."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from ..cache import CACHE_DIR, pipeline_key
from ..errors import InputError
from .inputs import read_file
from .results import BatchResult, Chunk, FileResult, Selection
from .work import chunk_task, worker_init


def run(files: list[str], gazetteer_path: str, *, out_dir: Path, jobs: int = 1, engine: str = "local",
        scheduler=None, default_date: dt.date | None = None,
        max_bytes: int = 50 * 1024 * 1024, use_cache: bool = True,
        progress: Callable[[int], None] | None = None, chunk_size: int = 64,
        selection: Selection = Selection(), feed_context: bool = False) -> BatchResult:
    """Read ``files`` here, process their reports in chunks on the chosen engine, and return
    results in input order whatever the engine. ``progress`` is called with reports done;
    ``selection`` says which features the workers serialise for :meth:`BatchResult.write_geojson`;
    ``feed_context``: close namesakes are told apart by the chunk's other reports of the same
    days (:func:`work._with_feed_context`)."""
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
        results = run_dask(tasks(), scheduler, tick)
    elif jobs == 1:
        results = []
        for t in tasks():
            results.append(chunk_task(t))
            tick(len(t[0]))
    else:
        import multiprocessing as mp

        method = "fork" if sys.platform.startswith("linux") else "spawn"
        if method == "fork":
            from ..pipeline import warm_up

            warm_up()  # once here, shared by the forked workers
        ctx = mp.get_context(method)
        results = []
        with ctx.Pool(jobs, initializer=worker_init) as pool:
            for r in pool.imap(chunk_task, tasks()):
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


def run_dask(tasks: Iterator[tuple], scheduler, tick: Callable[[int], None], *, in_flight: int = 32) -> list[Chunk]:
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
            fut = client.submit(chunk_task, data, pure=False)
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
