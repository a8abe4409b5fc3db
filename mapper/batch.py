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
    """One pipeline per process and gazetteer (a Dask worker keeps it between tasks)."""
    p = _PIPELINES.get(gazetteer_path)
    if p is None:
        from .pipeline import Pipeline

        p = _PIPELINES[gazetteer_path] = Pipeline(gazetteer_path, preload=True)
    return p


def process_file(path: str, gazetteer_path: str, *, default_date: dt.date | None = None,
                 max_bytes: int = 50 * 1024 * 1024, cache_dir: str | None = None) -> FileResult:
    """Read and process one file. Never raises: errors are returned in the result."""
    from .reports import content_hash, read_path

    t0 = time.perf_counter()
    out = FileResult(path)
    try:
        res = read_path(path, default_date=default_date, max_bytes=max_bytes)
    except InputError as e:
        out.error = str(e)
        return out
    except Exception as e:  # a bug must not kill the batch: record it and go on
        out.error = f"internal error: {type(e).__name__}: {e}"
        return out
    out.row_errors = [{"path": e.path, "row": e.row, "error": e.error} for e in res.errors]
    key = pipeline_key(gazetteer_path) if cache_dir else ""
    pipe = None
    for rep in res.reports:
        out.warnings.extend(rep.warnings)
        cfile = None
        if cache_dir:
            h = hashlib.sha256(f"{key}|{content_hash(rep)}".encode()).hexdigest()[:24]
            cfile = Path(cache_dir) / h[:2] / f"{h}.pkl"
            if cfile.exists():
                try:
                    out.incidents.extend(pickle.loads(cfile.read_bytes()))
                    out.reports += 1
                    out.cached += 1
                    continue
                except Exception:
                    pass  # a damaged cache entry is recomputed
        pipe = pipe or _pipeline(gazetteer_path)
        try:
            incs = list(pipe.process(rep).incidents)
        except Exception as e:  # pragma: no cover - defensive
            out.row_errors.append({"path": path, "row": None, "error": f"{rep.id}: internal error: {e}"})
            continue
        out.incidents.extend(incs)
        out.reports += 1
        if cfile is not None:
            _write_cache(cfile, incs)
    out.seconds = time.perf_counter() - t0
    return out


def _write_cache(path: Path, incidents: list[Incident]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(incidents, protocol=pickle.HIGHEST_PROTOCOL))
        os.replace(tmp, path)
    except OSError:
        pass  # the cache is an optimisation; never fail a batch for it


def _local_task(args):
    path, gaz, date, max_bytes, cache = args
    return process_file(path, gaz, default_date=date, max_bytes=max_bytes, cache_dir=cache)


# --- engines ------------------------------------------------------------------------------


def run(files: list[str], gazetteer_path: str, *, out_dir: Path, jobs: int = 1, engine: str = "local",
        scheduler: str | None = None, default_date: dt.date | None = None,
        max_bytes: int = 50 * 1024 * 1024, use_cache: bool = True,
        progress: Callable[[int], None] | None = None) -> BatchResult:
    """Process ``files``; results come back in input order whatever the engine."""
    t0 = time.perf_counter()
    cache = str(out_dir / CACHE_DIR) if use_cache else None
    tasks = [(f, gazetteer_path, default_date, max_bytes, cache) for f in files]
    results: list[FileResult] = []
    tick = progress or (lambda n: None)
    if engine == "dask":
        results = _run_dask(tasks, scheduler, tick)
    elif jobs == 1 or len(tasks) < 2:
        for t in tasks:
            results.append(_local_task(t))
            tick(1)
    else:
        import multiprocessing as mp

        ctx = mp.get_context("fork" if sys.platform.startswith("linux") else "spawn")
        chunk = max(1, min(32, len(tasks) // (jobs * 8) or 1))
        with ctx.Pool(jobs) as pool:
            for r in pool.imap(_local_task, tasks, chunksize=chunk):
                results.append(r)
                tick(1)
    return BatchResult(results, time.perf_counter() - t0)


def _run_dask(tasks: list[tuple], scheduler: str | None, tick: Callable[[int], None]) -> list[FileResult]:
    """Partitions of files processed on Dask workers; each worker loads the gazetteer once.

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
        n_workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, min(256, len(tasks) // (n_workers * 4) or 1))
        parts = [tasks[i:i + size] for i in range(0, len(tasks), size)]
        futures = {client.submit(_dask_partition, part, pure=False): k for k, part in enumerate(parts)}
        done: dict[int, list[FileResult]] = {}
        for fut in as_completed(futures):
            res = fut.result()
            done[futures[fut]] = res
            tick(len(res))
        return [r for k in range(len(parts)) for r in done[k]]
    finally:
        if own:
            client.close()


def _dask_partition(part: list[tuple]) -> list[FileResult]:
    return [_local_task(t) for t in part]
