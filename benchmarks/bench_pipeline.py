"""Pipeline speed: per-report latency of recognition + resolution on 4 KB reports, full-pipeline
reports/s, and `mapper batch -j 1/2` throughput with peak memory, on two generated corpora:
'news' (shaped like the seed article) and 'dense' (a place in every sentence); see corpus.py."""

import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from corpus import make, write_jsonl  # noqa: E402


def main(n: int = 10_000, batch_n: int = 4_000, repeats: int = 3) -> None:
    """Figures for the README; n reports for latency/throughput, batch_n for the batch runs,
    each batch run ``repeats`` times."""
    from mapper.pipeline import Pipeline
    from mapper.records import Report

    import datetime as dt

    pipe = Pipeline(preload=True)
    from mapper.reports import read_path

    seed = read_path(Path(__file__).resolve().parent.parent / "seeds" / "000_d1e38bd754553174.txt").reports[0]
    for _ in range(30):
        pipe.process(seed)
    seed_lat = []
    for _ in range(300):
        t = time.perf_counter()
        pipe.resolver.resolve(pipe.recognizer.recognize(seed.text))
        seed_lat.append(time.perf_counter() - t)
    print(f"recognition + resolution, the seed report ({len(seed.text):,} chars): median {statistics.median(seed_lat) * 1000:.2f} ms")
    for density in ("news", "dense"):
        reports = [Report(id=r["id"], text=r["text"], date=dt.date(2023, 5, 23)) for r in make(n, density=density)]
        for r in reports[:50]:
            pipe.process(r)  # warm caches
        lat = []
        for r in reports[:1000]:
            t = time.perf_counter()
            pipe.resolver.resolve(pipe.recognizer.recognize(r.text))
            lat.append(time.perf_counter() - t)
        print(f"[{density}] recognition + resolution, 4 KB report: median {statistics.median(lat) * 1000:.2f} ms, "
              f"p95 {sorted(lat)[int(0.95 * len(lat))] * 1000:.2f} ms")
        t = time.perf_counter()
        incidents = sum(len(pipe.process(r).incidents) for r in reports)
        dt_ = time.perf_counter() - t
        print(f"[{density}] full pipeline (incidents, dates, border), 1 process: {n / dt_:,.0f} reports/s "
              f"over {n:,} reports ({incidents / n:.1f} incidents a report)")
    with tempfile.TemporaryDirectory() as tmp:
        for density in ("news", "dense"):
            feed = Path(tmp) / f"{density}.jsonl"
            write_jsonl(feed, batch_n, density=density)
            for jobs in (1, 2):
                out = Path(tmp) / f"out-{density}-{jobs}"
                rates = []
                for _ in range(repeats):  # the machines are shared: one run can be 20% off
                    t = time.perf_counter()
                    subprocess.run([sys.executable, "-m", "mapper", "-q", "batch", str(feed), "-o", str(out),
                                    "-j", str(jobs), "--no-map", "--no-cache", "-f", "geojson"], check=True)
                    rates.append(batch_n / (time.perf_counter() - t))
                s = json.loads((out / "summary.json").read_text())
                print(f"[{density}] mapper batch -j {jobs}: {statistics.median(rates):,.0f} reports/s wall "
                      f"(median of {repeats}, {min(rates):,.0f}-{max(rates):,.0f}), "
                      f"{s['incidents']:,} incidents from {batch_n:,} reports")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of a batch process: {peak:,.0f} MB")
    reports = [Report(id=r["id"], text=r["text"], date=dt.date(2023, 5, 23)) for r in make(batch_n)]
    dask_scaling(reports[:batch_n])


def dask_scaling(reports) -> None:
    """The same chunks on a Dask LocalCluster of 1, then 2 worker processes."""
    try:
        import distributed
    except ImportError:
        print("dask scaling skipped: pip install 'incident-mapper[dask]'")
        return
    from mapper import batch
    from mapper.pipeline import open_gazetteer

    gaz = str(open_gazetteer().path)
    chunks = [(reports[i:i + 64], gaz, None, batch.Selection(), True, False) for i in range(0, len(reports), 64)]
    for n in (1, 2):
        with distributed.LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None) as c:
            with distributed.Client(c) as client:
                client.run(batch.work.pipeline_for, gaz)  # load the gazetteer on every worker first
                t = time.perf_counter()
                batch.engines.run_dask(chunks, client, lambda k: None)
                wall = time.perf_counter() - t
        print(f"dask LocalCluster, {n} worker(s): {len(reports) / wall:,.0f} reports/s")


if __name__ == "__main__":
    main()
