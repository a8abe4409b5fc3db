"""Batches: folders, collections, bad files listed and skipped, exit code 3."""

import json

from mapper.cli import cli


def test_thousand_good_and_twenty_broken(runner, tmp_path):
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    villages = ["Kozinka", "Grayvoron", "Glotovo", "Borisovka", "Tetkino"]
    for n in range(1000):
        (src / ("sub" if n % 2 else "") / f"r{n:04d}.txt").write_text(
            f"date 2023-05-{1 + n % 28:02d}\nShelling of {villages[n % 5]} on Monday, report {n}.", encoding="utf-8")
    for n in range(20):
        bad = src / f"bad{n:02d}.txt"
        bad.write_bytes(b"" if n % 2 else b"\x00\x01binary")
    out = tmp_path / "out"
    r = runner.invoke(cli, ["-q", "batch", str(src), "-o", str(out), "-j", "2", "-f", "geojson,csv", "--no-map"],
                      catch_exceptions=False)
    assert r.exit_code == 3
    errors = (out / "errors.jsonl").read_text().splitlines()
    assert len(errors) == 20 and all(json.loads(e)["path"].endswith(".txt") for e in errors)
    fc = json.loads((out / "incidents.geojson").read_text())
    assert len({f["properties"]["report_id"] for f in fc["features"]}) == 1000
    summary = json.loads((out / "summary.json").read_text())
    assert summary["reports"] == 1000 and summary["failures"] == 20


def test_collections_merge_and_dates(runner, tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(x) for x in [
        {"id": "a", "date": "2023-05-22", "text": "Shelling of Kozinka."},
        {"id": "b", "date": "2023-05-22", "text": "Kozinka was shelled again."},
        {"id": "c", "date": "2023-06-30", "text": "Shelling of Grayvoron."},
    ]))
    out = tmp_path / "out"
    r = runner.invoke(cli, ["batch", str(feed), "-o", str(out), "--merge", "--until", "2023-05-31", "--json"],
                      catch_exceptions=False)
    assert r.exit_code == 0
    summary = json.loads(r.output)
    fc = json.loads((out / "incidents.geojson").read_text())
    (f,) = fc["features"]
    assert f["properties"]["place"] == "Kozinka" and f["properties"]["report_id"] == "a,b"
    assert summary["incidents"] == 1 and (out / "map.html").exists()
