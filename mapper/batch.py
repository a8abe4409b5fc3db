"""Batches: many files in, one set of incidents out, on local processes or a Dask cluster.

A file that cannot be read, or a row that cannot be parsed, is recorded and skipped; the rest
goes on. Processed reports are cached by content hash in ``OUT/.cache`` so that a re-run on the
same inputs skips them and gives identical outputs.
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .errors import InputError
from .records import Incident

CACHE_DIR = ".cache"


@dataclass
class FileResult:
    path: str
    error: str | None = None
    incidents: list[Incident] = field(default_factory=list)
    reports: int = 0
    cached: int = 0
    row_errors: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class BatchResult:
    files: list[FileResult]
    seconds: float

    @property
    def incidents(self) -> list[Incident]:
        return [i for f in self.files for i in f.incidents]

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


def pipeline_key(gazetteer_path: str) -> str:
    """What a cached result depends on besides the report: code version and gazetteer file."""
    st = os.stat(gazetteer_path)
    return f"{__version__}|{os.path.abspath(gazetteer_path)}|{st.st_size}|{int(st.st_mtime)}"


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


def read_file(path: str, *, default_date: dt.date | None, max_bytes: int) -> tuple[FileResult, list]:
    """Read one file into reports; never raises (a bad file is an error in the result)."""
    from .reports import read_path

    out = FileResult(path)
    try:
        res = read_path(path, default_date=default_date, max_bytes=max_bytes)
    except InputError as e:
        out.error = str(e)
        return out, []
    except Exception as e:  # a bug must not kill the batch: record it and go on
        out.error = f"internal error: {type(e).__name__}: {e}"
        return out, []
    out.row_errors = [{"path": e.path, "row": e.row, "error": e.error} for e in res.errors]
    for rep in res.reports:
        out.warnings.extend(rep.warnings)
    return out, res.reports


def process_reports(reports: list, gazetteer_path: str, cache_dir: str | None) -> list[tuple[list[Incident], bool, str | None]]:
    """(incidents, from cache, error) for each report of a chunk, in order. Never raises."""
    from .reports import content_hash

    key = pipeline_key(gazetteer_path) if cache_dir else ""
    out = []
    for rep in reports:
        cfile = None
        if cache_dir:
            h = hashlib.sha256(f"{key}|{content_hash(rep)}".encode()).hexdigest()[:24]
            cfile = Path(cache_dir) / h[:2] / f"{h}.pkl"
            if cfile.exists():
                try:
                    out.append((pickle.loads(cfile.read_bytes()), True, None))
                    continue
                except Exception:
                    pass  # a damaged cache entry is recomputed
        try:
            incs = list(_pipeline(gazetteer_path).process(rep).incidents)
        except Exception as e:  # pragma: no cover - defensive
            out.append(([], False, f"{rep.id}: internal error: {type(e).__name__}: {e}"))
            continue
        if cfile is not None:
            _write_cache(cfile, incs)
        out.append((incs, False, None))
    return out


def _write_cache(path: Path, incidents: list[Incident]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(incidents, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; never fail a batch for it


def _chunk_task(args):
    reports, gaz, cache = args
    return process_reports(reports, gaz, cache)


# --- engines ------------------------------------------------------------------------------


def run(files: list[str], gazetteer_path: str, *, out_dir: Path, jobs: int = 1, engine: str = "local",
        scheduler=None, default_date: dt.date | None = None,
        max_bytes: int = 50 * 1024 * 1024, use_cache: bool = True,
        progress: Callable[[int], None] | None = None, chunk_size: int = 64) -> BatchResult:
    """Read ``files`` here, process their reports in chunks on the chosen engine, and return
    results in input order whatever the engine. ``progress`` is called with reports done."""
    t0 = time.perf_counter()
    cache = str(out_dir / CACHE_DIR) if use_cache else None
    files_out: list[FileResult] = []
    chunks: list[tuple[list, list[int]]] = []  # (reports, file index of each report)

    def tasks():
        """Chunks of reports, read file by file as the engine asks for them: with a pool,
        reading the next files overlaps the processing of the first chunks."""
        cur: list = []
        owners: list[int] = []
        for k, f in enumerate(files):
            fr, reps = read_file(f, default_date=default_date, max_bytes=max_bytes)
            files_out.append(fr)
            for rep in reps:
                cur.append(rep)
                owners.append(k)
                if len(cur) >= chunk_size:
                    chunks.append((cur, owners))
                    yield (cur, gazetteer_path, cache)
                    cur, owners = [], []
        if cur:
            chunks.append((cur, owners))
            yield (cur, gazetteer_path, cache)

    tick = progress or (lambda n: None)
    if engine == "dask":
        results = _run_dask(list(tasks()), scheduler, tick)
    elif jobs == 1:
        results = []
        for t in tasks():
            results.append(_chunk_task(t))
            tick(len(t[0]))
    else:
        import multiprocessing as mp

        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        results = []
        with ctx.Pool(jobs) as pool:
            for r in pool.imap(_chunk_task, tasks()):
                results.append(r)
                tick(len(r))
    for (_reps, owners), res in zip(chunks, results, strict=True):
        for k, (incs, cached, err) in zip(owners, res, strict=True):
            fr = files_out[k]
            if err:
                fr.row_errors.append({"path": fr.path, "row": None, "error": err})
                continue
            fr.incidents.extend(incs)
            fr.reports += 1
            fr.cached += int(cached)
    return BatchResult(files_out, time.perf_counter() - t0)


def _run_dask(tasks: list[tuple], scheduler, tick: Callable[[int], None]) -> list[list]:
    """Chunks of reports processed on Dask workers; each worker loads the gazetteer once.

    ``scheduler`` is a scheduler address (tcp://host:8786) or a ``distributed.Client``; the
    gazetteer path must be readable on the workers (a shared file system or the same install).
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
        futures = {client.submit(_chunk_task, t, pure=False): k for k, t in enumerate(tasks)}
        done: dict[int, list] = {}
        for fut in as_completed(futures):
            res = fut.result()
            done[futures[fut]] = res
            tick(len(res))
        return [done[k] for k in range(len(tasks))]
    finally:
        if own:
            client.close()


