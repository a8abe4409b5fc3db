"""The batch cache: each report's incidents (made without a feed's context) and the oblasts of
its close namesakes, stored as JSON under ``OUT/.cache``.

Data, not code: entries are JSON read back through a schema check
(:func:`mapper.records.incident_from_plain`), so a planted or damaged file is recomputed, never
executed. An entry's key is a hash of everything its result depends on: the report's content,
the gazetteer file's content, and the package's code and data files, so that editing
``events.toml`` or a module, or swapping in another gazetteer, invalidates every entry.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

import orjson

from .records import Incident, incident_from_plain, incident_to_plain

CACHE_DIR = ".cache"
FORMAT = 5  # bumped when the entry layout or the key changes
ENTRY_MAX = 64 * 1024 * 1024  # a larger entry is no entry this cache wrote: it is not read


@lru_cache(maxsize=1)
def code_version() -> str:
    """A hash of the sources and data files of ``mapper`` and ``gazetteer`` (not the gazetteer
    file itself, which :func:`gazetteer_id` covers): the code that made a cached result."""
    h = hashlib.sha256()
    for pkg in ("mapper", "gazetteer"):
        root = Path(str(files(pkg)))
        for p in sorted(root.rglob("*")):
            if p.is_file() and p.suffix in (".py", ".toml", ".js", ".json", ".geojson"):
                h.update(str(p.relative_to(root)).encode())
                h.update(p.read_bytes())
    return h.hexdigest()[:16]


@lru_cache(maxsize=8)
def _file_digest(path: str, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:16]


def gazetteer_id(path: str | os.PathLike) -> str:
    """The gazetteer file's content hash (worked out once per file version and process)."""
    st = os.stat(path)
    return _file_digest(os.path.abspath(path), st.st_size, st.st_mtime_ns)


def pipeline_key(gazetteer_path: str | os.PathLike) -> str:
    """What a cached result depends on besides the report itself."""
    return f"{FORMAT}|{code_version()}|{gazetteer_id(gazetteer_path)}"


class ResultCache:
    """Entries of one output folder's cache for one pipeline key. Never raises on I/O: the
    cache is an optimisation, and a batch must not fail for it."""

    def __init__(self, folder: str | os.PathLike, key: str) -> None:
        self.folder = Path(folder)
        self.key = key
        self.warnings: list[str] = []

    def _path(self, report_hash: str) -> Path:
        h = hashlib.sha256(f"{self.key}|{report_hash}".encode()).hexdigest()[:24]
        return self.folder / h[:2] / f"{h}.json"

    def _read(self, path: Path) -> bytes | None:
        """An entry's bytes if it is a regular file of sane size, opened without following a
        link or blocking on a FIFO (a planted link to /dev/zero or a pipe must not hang a batch)."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or st.st_size > ENTRY_MAX:
                self.warnings.append(f"cache entry {path.name} ignored and recomputed (not a regular file of "
                                     "at most 64 MB)")
                return None
            with os.fdopen(fd, "rb") as fh:
                fd = -1
                return fh.read(ENTRY_MAX + 1)
        except OSError:
            return None
        finally:
            if fd >= 0:
                os.close(fd)

    def get(self, report_hash: str) -> tuple[list[Incident], frozenset[tuple[str, str]] | None] | None:
        """(incidents, namesake regions or None if not worked out) of a report, or None if not
        cached (or unreadable)."""
        path = self._path(report_hash)
        data = self._read(path)
        if data is None:
            return None
        try:
            entry = orjson.loads(data)
            if not isinstance(entry, dict) or entry.get("key") != self.key or not isinstance(entry.get("incidents"), list):
                raise ValueError("not an entry of this cache")
            regions = entry.get("namesake_regions")
            if regions is not None and (not isinstance(regions, list) or not all(
                    isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r) for r in regions)):
                raise ValueError("not an entry of this cache")
            incidents = [incident_from_plain(d) for d in entry["incidents"]]
            return incidents, None if regions is None else frozenset((a, b) for a, b in regions)
        except (ValueError, TypeError) as e:
            self.warnings.append(f"cache entry {path.name} ignored and recomputed ({e})")
            return None

    def put(self, report_hash: str, incidents: list[Incident],
            namesake_regions: frozenset[tuple[str, str]] | None = None) -> None:
        """Store a report's incidents and, when worked out (``--feed-context``), the oblasts of
        its close namesakes."""
        path = self._path(report_hash)
        tmp = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # created exclusively in the entry's folder: a planted link cannot redirect the write
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(orjson.dumps({"key": self.key, "incidents": [incident_to_plain(i) for i in incidents],
                                       "namesake_regions": None if namesake_regions is None
                                       else sorted(namesake_regions)}))
            os.replace(tmp, path)
            tmp = None
        except (OSError, TypeError):
            pass
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
