"""Atomic output: write to a temporary file beside the target, then rename over it, so a crash
or a full disk never leaves a half-written map or dataset where a good one was.

Outputs that belong together (a report's map and GeoJSON; a batch's map, datasets, summary and
error list) are written as one set: inside ``with output_set():`` every file is staged under a
temporary name and all are renamed into place only once every one of them was written, so a
failure or a kill while writing leaves the previous set whole rather than a mix.
"""

from __future__ import annotations

import contextlib
import contextvars
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .errors import OutputError

_STAGED: contextvars.ContextVar[list[tuple[Path, Path]] | None] = contextvars.ContextVar("staged", default=None)


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
    """Rename every staged file into place; if one rename fails, put back what the others
    replaced (each old file is kept under a hard link until all are in place), so the folder
    holds the old set or the new one, never a mix."""
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
        for backup in [b for _, b in done] + [pending]:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()


STALE_AFTER = 600  # seconds: a staged file this old belongs to a run that was killed


def remove_stale(folder: str | os.PathLike, *, older_than: float = STALE_AFTER) -> int:
    """Remove the staged files (``.<name>.<random>.tmp``) and backups (``.<name>.<pid>.old``) a
    killed run left in ``folder``; a run still writing keeps its own (they are younger)."""
    import time

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
