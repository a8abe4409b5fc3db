"""Regenerate the README's screenshots in docs/, in headless Chromium with the network blocked
(so they show what a user with no network sees):

    python docs/make_screenshots.py

* ``seed-map.png``: ``mapper render`` of the bundled seed report.
* ``batch-map.png``: ``mapper batch`` of ~600 generated reports (benchmarks/corpus.py) spread
  over 60 days, ~5,000 incidents, clustered.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from corpus import make  # noqa: E402

from mapper.snapshot import Browser  # noqa: E402


def shoot(html: Path, png: Path, script: str = "") -> None:
    with Browser(block_network=True, width=1400, height=860) as b:
        b.open(html)
        time.sleep(0.5)
        if script:
            b.driver.execute_script(script)
        time.sleep(1.0)
        errors = [m for m in b.console() if m["level"] == "SEVERE"]
        if errors:
            raise SystemExit(f"{html}: errors in the page: {errors}")
        b.screenshot(png)
    print(f"wrote {png}")


def main() -> None:
    mapper = [sys.executable, "-m", "mapper", "-q"]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([*mapper, "render", str(ROOT / "seeds" / "000_d1e38bd754553174.txt"), "-o", f"{tmp}/seed",
                        "-f", "html"], check=True, cwd=ROOT)
        shoot(next(Path(tmp, "seed").glob("*.html")), ROOT / "docs" / "seed-map.png")
        feed = Path(tmp) / "feed.jsonl"
        start = dt.date(2024, 6, 1)
        with feed.open("w", encoding="utf-8") as fh:
            for k, row in enumerate(make(600, seed=3)):
                row["date"] = (start + dt.timedelta(days=k % 60)).isoformat()
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        subprocess.run([*mapper, "batch", str(feed), "-o", f"{tmp}/batch", "-f", "html", "--no-cache",
                        "--title", "Generated feed: 600 reports, June–July 2024"], check=True, cwd=ROOT)
        shoot(Path(tmp, "batch", "map.html"), ROOT / "docs" / "batch-map.png")


if __name__ == "__main__":
    main()
