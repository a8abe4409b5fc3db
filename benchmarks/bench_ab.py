"""Interleaved A/B of `mapper batch` throughput: a base revision against the working tree.

    python benchmarks/bench_ab.py --base b9e6393 [--n 4000] [--repeats 5] [--jobs 2]
    python benchmarks/bench_ab.py --base 50dba05 --formats html,geojson,csv,kml,gpkg   # every output

The base is checked out with `git worktree` into a temporary folder and run from its source
(PYTHONPATH), with its own shipped gazetteer; runs alternate A, B, A, B... on the same news
corpus (corpus.py), so a busy neighbour on this shared machine slows both sides alike.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from abrun import base_checkout, interleaved  # noqa: E402
from corpus import write_jsonl  # noqa: E402


def run(src: Path, feed: Path, out: Path, jobs: int, formats: str = "geojson") -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("MAPPER_GAZETTEER", None)
    t = time.perf_counter()
    no_map = [] if "html" in formats.split(",") else ["--no-map"]
    subprocess.run([sys.executable, "-m", "mapper", "-q", "batch", str(feed), "-o", str(out), "-j", str(jobs),
                    *no_map, "--no-cache", "-f", formats], check=True, env=env, cwd=src)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="git revision to compare against")
    ap.add_argument("--n", type=int, default=4000)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--density", default="news", choices=["news", "dense"])
    ap.add_argument("--formats", default="geojson", help="the batch's -f (with html, the map is written too)")
    a = ap.parse_args()
    with base_checkout(a.base) as (tmp, base):
        feed = tmp / "feed.jsonl"
        write_jsonl(feed, a.n, density=a.density)
        times: dict[str, list[float]] = {"base": [], "tree": []}
        for side, src in interleaved(base, a.repeats):
            times[side].append(run(src, feed, tmp / f"out-{side}", a.jobs, a.formats))
        for side, ts in times.items():
            rates = [a.n / t for t in ts]
            print(f"{side:>4} ({a.base if side == 'base' else 'working tree'}): median {statistics.median(rates):,.0f} "
                  f"reports/s ({min(rates):,.0f}-{max(rates):,.0f}) over {a.repeats} runs, -j {a.jobs}, {a.density}, -f {a.formats}")
        ratio = statistics.median(times["base"]) / statistics.median(times["tree"])
        print(f"working tree / base throughput: {ratio:.2f}")

if __name__ == "__main__":
    main()
