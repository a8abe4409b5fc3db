"""Interleaved A/B of per-report latency: recognition + resolution, and the full pipeline, of
generated 4 KB news reports, each seen for the first time, in one process; a base revision
against the working tree.

    python benchmarks/bench_latency_ab.py --base 465fa8a [--n 2000] [--repeats 5]

As in bench_ab.py the base is checked out with `git worktree` and run from its source with its
own gazetteer; runs alternate so that a busy neighbour slows both sides alike. Each run is a
fresh process that warms up on other reports first (imports, gazetteer pages, the lexicons).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from abrun import base_checkout, interleaved  # noqa: E402
from corpus import write_jsonl  # noqa: E402

# run inside each side's process: median ms per report of recognise + resolve, and of process()
PROBE = r"""
import json, statistics, sys, time
from mapper.pipeline import Pipeline
from mapper.records import Report
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
reps = [Report(id=r["id"], text=r["text"]) for r in rows]
pipe = Pipeline()
for r in reps[:300]:
    pipe.process(r)
rr, full = [], []
for r in reps[300:]:
    t = time.perf_counter()
    pipe.resolver.resolve(pipe.recognizer.recognize(r.text))
    rr.append(time.perf_counter() - t)
for r in reps[300:]:
    t = time.perf_counter()
    pipe.process(r)
    full.append(time.perf_counter() - t)
print(json.dumps([statistics.median(rr) * 1000, statistics.median(full) * 1000]))
"""


def run(src: Path, feed: Path) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    env.pop("MAPPER_GAZETTEER", None)
    out = subprocess.run([sys.executable, "-c", PROBE, str(feed)], check=True, env=env, cwd=src,
                         capture_output=True, text=True).stdout
    rr, full = json.loads(out.strip().splitlines()[-1])
    return rr, full


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True, help="git revision to compare against")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    a = ap.parse_args()
    with base_checkout(a.base) as (tmp, base):
        feed = tmp / "feed.jsonl"
        write_jsonl(feed, a.n + 300, density="news")
        got: dict[str, list[tuple[float, float]]] = {"base": [], "tree": []}
        for side, src in interleaved(base, a.repeats):
            got[side].append(run(src, feed))
        for side, runs in got.items():
            rr = statistics.median(r for r, _ in runs)
            full = statistics.median(f for _, f in runs)
            print(f"{side:>4} ({a.base if side == 'base' else 'working tree'}): recognise + resolve {rr:.3f} ms, "
                  f"full pipeline {full:.3f} ms median per report (median of {a.repeats} runs)")
        ratio_rr = statistics.median(r for r, _ in got["tree"]) / statistics.median(r for r, _ in got["base"])
        ratio_full = statistics.median(f for _, f in got["tree"]) / statistics.median(f for _, f in got["base"])
        print(f"working tree / base latency: recognise + resolve {ratio_rr:.2f}, full pipeline {ratio_full:.2f}")

if __name__ == "__main__":
    main()
