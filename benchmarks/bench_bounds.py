"""Bounds on hostile sizes: peak memory and output size of one huge report, output size of one
sentence naming hundreds of villages, and the peak memory of a large batch's combined map.

    python benchmarks/bench_bounds.py [--mb 50] [--batch 20000]

Each figure is from a separate `mapper` process (peak RSS read by /usr/bin/time -v or
getrusage of the child), so imports and the gazetteer count as a user sees them.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402

MAPPER = str(Path(sys.executable).parent / "mapper")


def run(args: list[str]) -> tuple[float, float]:
    """(seconds, peak RSS of the child in MB) of one mapper run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    subprocess.run([MAPPER, "-q", *args], check=False)
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return secs, max(peak, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=float, default=50.0, help="size of the huge report")
    ap.add_argument("--batch", type=int, default=20_000, help="reports in the batch whose map is written")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        # one report of news-shaped text (varied sentences, made-up villages), as one file
        parts, size = [], 0
        rows = corpus.make(4000, seed=3)
        k = 0
        while size < a.mb * 1e6:
            text = rows[k % len(rows)]["text"]
            parts.append(text)
            size += len(text.encode())
            k += 1
        big = t / "big.txt"
        big.write_text("date 2023-05-23\n" + "\n\n".join(parts), encoding="utf-8")
        secs, peak = run(["render", str(big), "-o", str(t / "big"), "-f", "geojson", "--max-bytes",
                          str(int(a.mb * 2e6))])
        out = sum(p.stat().st_size for p in (t / "big").iterdir())
        print(f"{big.stat().st_size / 1e6:.0f} MB report: {secs:.1f} s, peak RSS {peak:.0f} MB, "
              f"GeoJSON {out / 1e6:.2f} MB")

        # one 9 KB sentence naming 800 villages (names of the default gazetteer, near the border)
        from gazetteer import Gazetteer

        g = Gazetteer.default()
        names = [p.name for p, _ in g.near(51.0, 36.5, k=3000, max_km=300) if not p.is_admin and " " not in p.name]
        rnd = random.Random(5)
        picked = rnd.sample(sorted(set(names)), min(800, len(set(names))))
        sentence = "Shelling was reported in " + ", ".join(picked) + " today."
        dense = t / "dense.txt"
        dense.write_text("date 2023-05-23\n" + sentence, encoding="utf-8")
        secs, peak = run(["render", str(dense), "-o", str(t / "dense"), "-f", "geojson"])
        out = (t / "dense" / "dense.geojson").stat().st_size
        print(f"{len(sentence.encode()) / 1e3:.1f} KB sentence naming {len(picked)} villages: {secs:.1f} s, "
              f"GeoJSON {out / 1e6:.2f} MB")

        # a batch's combined map: every incident of a large feed in one page
        feed = t / "feed.jsonl"
        corpus.write_jsonl(feed, a.batch)
        secs, peak = run(["batch", str(feed), "-o", str(t / "batch"), "-f", "html,geojson", "-j", "2", "--no-cache"])
        import json

        summary = json.loads((t / "batch" / "summary.json").read_text())
        size = (t / "batch" / "map.html").stat().st_size
        print(f"batch of {a.batch:,} reports ({summary['incidents']:,} incidents) with its map: {secs:.0f} s, "
              f"peak RSS {peak:.0f} MB, map {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
