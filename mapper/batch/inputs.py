"""A batch's inputs: the files its arguments name, and their reports as they are read."""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .results import FileResult


def collect_inputs(inputs: tuple[str, ...] | list[str]) -> list[str]:
    """Files of folders (recursively, known suffixes), glob matches and plain paths, in order."""
    from ..reports import SUFFIXES

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


_PIPELINES: dict[str, object] = {}


def read_file(path: str, *, default_date: dt.date | None, max_bytes: int, into: FileResult) -> Iterator:
    """The reports of one file, as they are read (a JSONL feed row by row). Never raises: bad
    rows go into ``into.row_errors``, a bad file into ``into.error`` (after any rows read)."""
    from ..reports import RowError, Skipped, read_rows

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
