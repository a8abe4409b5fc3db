"""What the interleaved A/B scripts share: a base revision checked out beside the working tree,
and the order the two sides run in (A, B, then B, A, ...), so that a busy neighbour on this
shared machine slows both alike."""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def base_checkout(rev: str) -> Iterator[tuple[Path, Path]]:
    """(a scratch folder, the base revision checked out in it with `git worktree`), removed after."""
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(base), rev], check=True)
        try:
            yield Path(tmp), base
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)], check=False)


def interleaved(base: Path, repeats: int) -> Iterator[tuple[str, Path]]:
    """("base" | "tree", its source folder), alternating which runs first."""
    for k in range(repeats):
        yield from (("base", base), ("tree", ROOT)) if k % 2 == 0 else (("tree", ROOT), ("base", base))
