"""Atomic output: write to a temporary file beside the target, then rename over it, so a crash
or a full disk never leaves a half-written map or dataset where a good one was.

Outputs that belong together (a report's map and GeoJSON; a batch's map, datasets, summary and
error list) are written as one set: inside ``with output_set():`` every file is staged under a
temporary name and all are renamed into place only once every one of them was written, so a
failure or a kill while writing leaves the previous set whole rather than a mix.

The renames themselves are journalled: before the first, a journal (``.mapper-publish.json``
in the first file's folder) names every staged file and its target. A run killed between two
renames leaves the journal behind, and the next run that writes into that folder finishes the
renames first (:func:`recover`): the folder then holds the killed run's whole set, never a mix.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

_STAGED: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar("staged", default=None)
JOURNAL = ".mapper-publish.json"
_RECOVERED: set[str] = set()  # folders this process has already recovered


@contextlib.contextmanager
def output_set() -> Iterator[None]:
    """Stage every file written inside the block; rename them all into place at its end, or
    remove them all if the block fails. Nested blocks join the outer set."""
    if _STAGED.get() is not None:
        yield
        return
    staged: list[tuple[Path, Path]] = []
    token = _STAGED.set(staged)
    try:
        yield
        _STAGED.reset(token)
        token = None
        _publish(staged)
    finally:
        if token is not None:
            _STAGED.reset(token)
        for tmp, _ in staged:
            if tmp.exists():
                tmp.unlink()


def _publish(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file into place, journalled (see the module's doc); if one rename
    fails, put back what the others replaced (each old file is kept under a hard link until all
    are in place), so the folder holds the old set or the new one, never a mix."""
    if not staged:
        return
    journal = _write_journal(staged)
    done: list[tuple[Path, Path | None]] = []  # (target, its old file's backup or None)
    pending: Path | None = None  # the backup of the file being replaced
    try:
        for tmp, path in staged:
            backup = None
            if path.exists():
                backup = pending = path.with_name(f".{path.name}.{os.getpid()}.old")
                if backup.exists():
                    backup.unlink()
                os.link(path, backup)
            os.replace(tmp, path)
            pending = None
            done.append((path, backup))
    except OSError as e:
        for target, backup in reversed(done):
            with contextlib.suppress(OSError):
                if backup is not None:
                    os.replace(backup, target)
                else:
                    target.unlink()
        done = []
        raise OutputError(f"cannot write {path}: {e.strerror or e}; the previous outputs are kept") from None
    finally:
        with contextlib.suppress(OSError):
            journal.unlink()
        for backup in [b for _, b in done] + [pending]:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()


def _write_journal(staged: list[tuple[Path, Path]]) -> Path:
    """The journal of one publication, itself written atomically (a torn journal is none)."""
    folder = staged[0][1].parent
    journal = folder / JOURNAL
    entries = [[os.path.abspath(tmp), os.path.abspath(path)] for tmp, path in staged]
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"{JOURNAL}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"pid": os.getpid(), "time": time.time(), "renames": entries}, fh)
        os.replace(tmp, journal)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputError(f"cannot write to {folder}: {e.strerror or e}; the previous outputs are kept") from None
    return journal


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, and is another user's
    return True


def recover(folder: str | os.PathLike) -> int:
    """Finish the publication a killed run left half done in ``folder``: every staged file its
    journal names that is still there is renamed into place (all of them were whole before the
    first rename), so the set is that run's, whole. Returns how many files it moved. A journal
    of a run still alive is left alone; one that is not the product's is an error."""
    journal = Path(folder) / JOURNAL
    try:
        if journal.is_symlink() or not journal.is_file():
            return 0
        data = json.loads(journal.read_text(encoding="utf-8"))
        pid, renames = int(data["pid"]), [(str(a), str(b)) for a, b in data["renames"]]
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise OutputError(f"{journal}: not a publication journal ({e}); remove it to go on") from None
    if pid != os.getpid() and _alive(pid) and time.time() - float(data.get("time", 0)) < STALE_AFTER:
        return 0  # another run is publishing right now
    moved = 0
    base = os.path.abspath(folder)
    for tmp, target in renames:
        # only the product's own staged names, beside their targets, in this folder
        if os.path.dirname(tmp) != os.path.dirname(target) or not os.path.basename(tmp).startswith("."):
            continue
        if os.path.dirname(target) != base and not os.path.dirname(target).startswith(base + os.sep):
            continue
        if os.path.isfile(tmp) and not os.path.islink(tmp):
            os.replace(tmp, target)
            moved += 1
    journal.unlink()
    return moved


STALE_AFTER = 600  # seconds: a staged file this old belongs to a run that was killed


def remove_stale(folder: str | os.PathLike, *, older_than: float = STALE_AFTER) -> int:
    """Remove the staged files (``.<name>.<random>.tmp``) and backups (``.<name>.<pid>.old``) a
    killed run left in ``folder``; a run still writing keeps its own (they are younger). A run
    killed while publishing has its set finished first (:func:`recover`), from its staged files."""
    recover(folder)
    _RECOVERED.add(os.path.abspath(folder))
    n = 0
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return 0
    for e in entries:
        if e.name.startswith(".") and e.name.endswith((".tmp", ".old")) and e.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                if now - e.stat(follow_symlinks=False).st_mtime > older_than:
                    os.unlink(e.path)
                    n += 1
    return n


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, suffix: str = "") -> Iterator[Path]:
    """Yield a temporary path; on success it replaces ``path`` (at the end of the enclosing
    :func:`output_set`, if any), on error it is removed."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = os.path.abspath(path.parent)
        if key not in _RECOVERED:  # a killed run's half-published set is finished before anything
            recover(path.parent)
            _RECOVERED.add(key)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or ".tmp")
        os.close(fd)
    except OSError as e:
        raise OutputError(f"cannot write to {path.parent}: {e.strerror or e}") from None
    tmp_path = Path(tmp)
    staged = _STAGED.get()
    done = False
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o644)
        if staged is not None:
            staged.append((tmp_path, path))
        else:
            os.replace(tmp_path, path)
        done = True
    except OSError as e:
        raise OutputError(f"cannot write {path}: {e.strerror or e}") from None
    finally:
        if not done and tmp_path.exists():
            tmp_path.unlink()


def write_text(path: str | os.PathLike, text: str) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)
