"""Rendering: cold `mapper render` of the seed (map + GeoJSON), interleaved with a process that
only imports folium (the floor any folium map starts from), and a combined map of 20,000
incidents (write time, file size, and time until Chromium has drawn it)."""

import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_d1e38bd754553174.txt"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs, floor = [], []
        for k in range(7):  # interleaved: a busy neighbour slows both alike
            t = time.perf_counter()
            subprocess.run([str(Path(sys.executable).parent / "mapper"), "-q", "render", str(SEED), "-o", f"{tmp}/r{k}"], check=True)
            runs.append(time.perf_counter() - t)
            t = time.perf_counter()
            subprocess.run([sys.executable, "-c", "import folium"], check=True)
            floor.append(time.perf_counter() - t)
        print(f"cold `mapper render seed` (html + geojson): median {statistics.median(runs):.2f} s, min {min(runs):.2f} s; "
              f"`import folium` alone: median {statistics.median(floor):.2f} s "
              f"(+{statistics.median(runs) - statistics.median(floor):.2f} s)")

        import datetime as dt

        from mapper import export
        from mapper.pipeline import Pipeline
        from mapper.reports import read_path
        from mapper.webmap import write_map

        res = Pipeline().process(read_path(SEED).reports[0])
        base = export.select(res.incidents)
        rnd = random.Random(7)
        incs = []
        for n in range(20_000):
            b = base[n % len(base)]
            p = replace(b.place, lat=b.place.lat + rnd.uniform(-1.5, 1.5), lon=b.place.lon + rnd.uniform(-2, 2))
            incs.append(replace(b, place=p, incident_id=f"x{n}", date=dt.date(2023, 1, 1) + dt.timedelta(days=n % 365)))
        for cdn in (False, True):
            out = Path(tmp) / f"big{'-cdn' if cdn else ''}.html"
            writes = []
            for _ in range(3):
                t = time.perf_counter()
                write_map(out, incs, title="20,000 incidents", cdn=cdn)
                writes.append(time.perf_counter() - t)
            print(f"map of 20,000 incidents{' (--cdn)' if cdn else ' (self-contained)'}: written in "
                  f"{statistics.median(writes):.2f} s (median of 3), {out.stat().st_size / 1e6:.1f} MB")
        try:
            from mapper.snapshot import Browser

            with Browser(block_network=True) as b:
                t = time.perf_counter()
                b.open(Path(tmp) / "big.html")
                while not b.driver.execute_script("return !!(window.IM && IM.drawnAt)"):
                    time.sleep(0.05)
                wall = time.perf_counter() - t
                ready, drawn, n = b.driver.execute_script("return [IM.readyAt, IM.drawnAt, IM.visible()]")
                print(f"Chromium, 20,000-incident self-contained map: {n:,} markers interactive {ready / 1000:.1f} s and "
                      f"first frame drawn {drawn / 1000:.1f} s after navigation start ({wall:.1f} s wall incl. WebDriver)")
        except Exception as e:  # no Chromium here
            print(f"Chromium timing skipped: {e}")


if __name__ == "__main__":
    main()
