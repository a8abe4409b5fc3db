"""Batches: many files in, one set of incidents out, on local processes or a Dask cluster.

A file that cannot be read, or a row that cannot be parsed, is recorded and skipped; the rest
goes on. Processed reports are cached as JSON in ``OUT/.cache`` (:mod:`mapper.cache`) so that a re-run
on the same inputs skips them and gives identical outputs.

The package: ``inputs`` (files and their reports), ``work`` (a chunk in a worker), ``engines``
(local, pool, Dask), ``results`` (what comes back).
"""

from .engines import run
from .inputs import collect_inputs, read_file
from .results import BatchResult, Chunk, FileResult, Selection
from .work import FEED_DAYS, process_reports

__all__ = ["BatchResult", "Chunk", "FEED_DAYS", "FileResult", "Selection", "collect_inputs", "process_reports",
           "read_file", "run"]
