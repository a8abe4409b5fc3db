"""Adversarial input shapes: time and peak memory against input size, one `mapper render`
process per run, so that work that grows faster than the input shows as a rising time per MB.

    python benchmarks/bench_shapes.py [--sizes 10000,100000,1000000,10000000] [--shapes name,list,...]

Shapes: one name repeated on one line; a long list of villages in one sentence; a long line
with no full stop; many short lines; HTML of <br> soup; a CSV with one huge field; a Telegram
export whose message is thousands of text entities. Each prints seconds, seconds per MB and
peak RSS (of the child, from wait4).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MAPPER = str(Path(sys.executable).parent / "mapper")
HEAD = "date 2024-05-01\n"


def _fill(unit: str, size: int) -> str:
    return unit * max(1, size // len(unit.encode()))


def shape(name: str, size: int, folder: Path) -> Path:
    """A file of about ``size`` bytes in the named shape."""
    if name == "name":
        p = folder / "name.txt"
        p.write_text(HEAD + _fill("Glotovo ", size))
    elif name == "list":
        p = folder / "list.txt"
        p.write_text(HEAD + "Shelling of " + _fill("Glotovo, Kozinka and Shebekino, ", size) + "Tetkino.")
    elif name == "noend":
        p = folder / "noend.txt"
        p.write_text(HEAD + _fill("drones were seen over the fields near Kozinka and the road ", size))
    elif name == "lines":
        p = folder / "lines.txt"
        p.write_text(HEAD + _fill("Shelling of Glotovo.\n", size))
    elif name == "br":
        p = folder / "br.html"
        p.write_text("<html><head><meta name='date' content='2024-05-01'></head><body><p>"
                     + _fill("Shelling of Glotovo<br>", size) + "</p></body></html>")
    elif name == "csvfield":
        p = folder / "field.csv"
        p.write_text('id,date,text\na,2024-05-01,"' + _fill("Shelling of Glotovo. ", size) + '"\n')
    elif name == "entities":
        p = folder / "result.json"
        ents = [{"type": "plain", "text": "Shelling of "}, {"type": "bold", "text": "Glotovo"}, {"type": "plain", "text": ". "}]
        n = max(1, size // 60)
        p.write_text(json.dumps({"name": "chan", "type": "public_channel", "messages": [
            {"id": 1, "type": "message", "date": "2024-05-01T10:00:00", "text": ents * n}]}))
    else:
        raise SystemExit(f"unknown shape {name}")
    return p


def run(path: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak RSS in MB) of one `mapper render` of ``path``."""
    t = time.perf_counter()
    proc = subprocess.Popen([MAPPER, "-q", "render", str(path), "-o", str(out), "-f", "geojson",
                             "--max-bytes", str(200 * 1024 * 1024)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - t, usage.ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000,1000000,10000000")
    ap.add_argument("--shapes", default="name,list,noend,lines,br,csvfield,entities")
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    print(f"{'shape':<9} {'bytes':>10} {'s':>7} {'s/MB':>7} {'peak MB':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name in a.shapes.split(","):
            for size in sizes:
                p = shape(name, size, folder)
                n = p.stat().st_size
                secs, peak = run(p, folder / "out")
                print(f"{name:<9} {n:>10,} {secs:>7.2f} {secs / (n / 1e6):>7.2f} {peak:>8.0f}", flush=True)


if __name__ == "__main__":
    main()
