"""A batch's inputs: the files its arguments name, and their reports as they are read."""

from __future__ import annotations

import datetime as dt
import glob
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputError
from .results import FileResult


def collect_inputs(inputs: tuple[str, ...] | list[str], *, exclude: str | Path | None = None) -> list[str]:
    """Files of folders (recursively, known suffixes), glob matches and plain paths, in order.
    ``exclude``: a folder (the batch's output): inside an input folder, its files (the last
    run's outputs and cache) are no inputs; an output folder that holds the inputs excludes none."""
    from ..reports import SUFFIXES

    skip = Path(exclude).resolve() if exclude is not None else None

    def outside(f: Path) -> bool:
        return skip is None or not f.resolve().is_relative_to(skip)

    def nested(folder: Path) -> bool:  # the output folder lies strictly inside this input folder
        return skip is not None and skip != folder.resolve() and skip.is_relative_to(folder.resolve())

    files: list[str] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            files += sorted(str(f) for f in p.rglob("*")
                            if f.is_file() and f.suffix.lower() in SUFFIXES and not f.name.startswith(".")
                            and (not nested(p) or outside(f)))
        elif any(c in item for c in "*?[") and not p.exists():
            files += sorted(f for f in glob.glob(item, recursive=True) if outside(Path(f))
                            or not nested(Path(f).parent))
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
