"""Batches: folders, collections, bad files listed and skipped, exit code 3."""

import json

import pytest

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


def _feed(tmp_path, n=30):
    feed = tmp_path / "feed.jsonl"
    villages = ["Kozinka", "Grayvoron", "Glotovo", "Tetkino", "Vovchansk", "Kupiansk"]
    feed.write_text("\n".join(json.dumps({"id": f"r{k}", "date": f"2023-05-{1 + k % 28:02d}",
                                          "text": f"Shelling of {villages[k % 6]} on Monday."}) for k in range(n)))
    return feed


def test_rerun_uses_the_cache_and_gives_identical_outputs(runner, tmp_path):
    feed = _feed(tmp_path)
    out = tmp_path / "out"
    args = ["-q", "batch", str(feed), "-o", str(out), "-f", "html,geojson,csv,kml"]
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "summary.json"}
    assert json.loads((out / "summary.json").read_text())["cached_reports"] == 0
    assert runner.invoke(cli, args, catch_exceptions=False).exit_code == 0
    second = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and p.name != "summary.json"}
    assert json.loads((out / "summary.json").read_text())["cached_reports"] == 30
    assert first == second


def test_inputs_are_never_modified(runner, tmp_path):
    feed = _feed(tmp_path, 5)
    before = feed.read_bytes(), feed.stat().st_mtime_ns
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "o")], catch_exceptions=False)
    assert (feed.read_bytes(), feed.stat().st_mtime_ns) == before


def test_dask_engine_on_a_local_cluster_matches_local(tmp_path):
    distributed = __import__("pytest").importorskip("distributed")
    from mapper import batch
    from mapper.pipeline import open_gazetteer

    files = []
    for k in range(12):
        f = tmp_path / f"r{k}.txt"
        f.write_text(f"date 2023-05-23\nDrone strike on {['Kozinka', 'Tetkino', 'Vovchansk'][k % 3]} overnight.")
        files.append(str(f))
    (tmp_path / "bad.txt").write_bytes(b"")
    files.append(str(tmp_path / "bad.txt"))
    gaz = str(open_gazetteer().path)
    local = batch.run(files, gaz, out_dir=tmp_path / "a", use_cache=False)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        with distributed.Client(cluster) as client:
            assert len(client.scheduler_info()["workers"]) == 2
            remote = batch.run(files, gaz, out_dir=tmp_path / "b", engine="dask", scheduler=client, use_cache=False)
    key = lambda r: [(i.incident_id, i.place.geonameid, i.date) for i in r.incidents]  # noqa: E731
    assert key(remote) == key(local) and len(remote.incidents) == 12
    assert [e["path"] for e in remote.errors] == [str(tmp_path / "bad.txt")]


def test_geojson_joined_from_worker_features_equals_one_built_from_the_records(runner, tmp_path):
    import datetime as dt

    from mapper import batch, export
    from mapper.pipeline import open_gazetteer

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"r{k}", "date": f"2023-05-{1 + k % 28:02d}",
                                          "text": f"Shelling of {['Kozinka', 'Tetkino'][k % 2]} on Monday. "
                                                  f"Officials in Belgorod spoke."}) for k in range(40)))
    out = tmp_path / "out"
    r = runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out), "-j", "2", "--no-map", "-f", "geojson",
                            "--since", "2023-05-10", "--mentions", "--precision", "4"], catch_exceptions=False)
    assert r.exit_code == 0
    records = batch.run([str(feed)], str(open_gazetteer().path), out_dir=tmp_path / "x", use_cache=False).incidents
    kept = [i for i in records if i.date is None or i.date >= dt.date(2023, 5, 10)]
    assert any(i.kind == "mention" for i in kept) and len(kept) < len(records)
    assert (out / "incidents.geojson").read_bytes() == export.geojson_bytes(kept, digits=4, mentions=True)


def test_workers_send_features_and_the_records_stay_packed_until_asked_for(tmp_path):
    from mapper import batch
    from mapper.pipeline import open_gazetteer

    res = batch.run([str(_feed(tmp_path, 12))], str(open_gazetteer().path), out_dir=tmp_path / "o", jobs=2,
                    use_cache=False)
    fc = json.loads(res.write_geojson(tmp_path / "x.geojson").read_bytes())
    assert len(fc["features"]) == res.counts()["incident"] == 12
    assert all(c.unpacked is None and c.blob for c in res.chunks)  # the GeoJSON did not need them
    assert [f["id"] for f in fc["features"]] == [i.incident_id for i in res.incidents]


def test_a_feeds_other_reports_of_the_same_days_break_a_tie_among_namesakes(tmp_path, runner):
    """"Shelling in Zolotarivka" alone is the Donetsk one (the likeliest); in a feed whose other
    reports of those days are about Luhansk Oblast it is the Luhansk one: a batch uses the feed's
    context unless told not to (--no-feed-context). Single renders never use a feed's context."""
    from mapper.cli import cli

    rows = [{"id": "a", "date": "2024-03-01", "text": "Shelling of Sievierodonetsk and Lysychansk today."},
            {"id": "b", "date": "2024-03-02", "text": "Shelling in Zolotarivka overnight."},
            {"id": "c", "date": "2024-03-02", "text": "Drones attacked Rubizhne and Kreminna."}]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "out")], catch_exceptions=False)
    fc = json.loads((tmp_path / "out" / "incidents.geojson").read_text())
    (z,) = [f["properties"] for f in fc["features"] if f["properties"]["report_id"] == "b"]
    assert (z["place"], z["admin1"]) == ("Zolotarivka", "Luhansk Oblast")
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "again"), "--feed-context"], catch_exceptions=False)
    assert json.loads((tmp_path / "again" / "incidents.geojson").read_text()) == fc
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "plain"), "--no-feed-context"],
                  catch_exceptions=False)
    plain = json.loads((tmp_path / "plain" / "incidents.geojson").read_text())
    assert [f["properties"]["admin1"] for f in plain["features"] if f["properties"]["report_id"] == "b"] == ["Donetsk Oblast"]
    alone = tmp_path / "b.txt"
    alone.write_text("date 2024-03-02\nShelling in Zolotarivka overnight.")
    r = runner.invoke(cli, ["render", str(alone), "-o", "-", "-f", "geojson"], catch_exceptions=False)
    assert json.loads(r.output)["features"][0]["properties"]["admin1"] == "Donetsk Oblast"


def test_far_apart_reports_are_no_context(tmp_path, runner):
    from mapper.cli import cli

    rows = [{"id": "a", "date": "2024-01-01", "text": "Shelling of Sievierodonetsk and Lysychansk today."},
            {"id": "b", "date": "2024-03-02", "text": "Shelling in Zolotarivka overnight."}]
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "out"), "--feed-context"], catch_exceptions=False)
    fc = json.loads((tmp_path / "out" / "incidents.geojson").read_text())
    (z,) = [f["properties"] for f in fc["features"] if f["properties"]["report_id"] == "b"]
    assert z["admin1"] == "Donetsk Oblast"


def test_undated_reports_give_null_dates_warnings_naming_their_rows_and_a_count(tmp_path, runner):
    from mapper.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"id": "first", "text": "Shelling of Glotovo."},
        {"id": "second", "date": "2024-01-02", "text": "Shelling of Tetkino."},
        {"id": "third", "text": "Drones hit Kozinka."}]) + "\n")
    out = tmp_path / "out"
    r = runner.invoke(cli, ["batch", str(feed), "-o", str(out), "--no-map"], catch_exceptions=False)
    assert r.exit_code == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["undated_incidents"] == 2
    named = [w for w in summary["warning_list"] if "no date given" in w]
    assert len(named) == 2 and "(report first)" in named[0] and "(report third)" in named[1]
    dates = {f["properties"]["report_id"]: f["properties"]["date"]
             for f in json.loads((out / "incidents.geojson").read_text())["features"]}
    assert dates == {"first": None, "second": "2024-01-02", "third": None}


def test_a_row_with_lone_surrogates_loses_nothing_and_stops_nothing(tmp_path, runner):
    from mapper.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text('{"id":"a","date":"2024-01-01","text":"Shelling of Glotovo."}\n'
                    '{"id":"b","date":"2024-01-01","text":"Shelling of Tetkino \\ud800."}\n'
                    '{"id":"c","date":"2024-01-01","source":"x\\udc00","text":"Shelling of Kozinka."}\n')
    out = tmp_path / "out"
    r = runner.invoke(cli, ["batch", str(feed), "-o", str(out), "-f", "geojson,csv,kml,gpkg"], catch_exceptions=False)
    assert r.exit_code == 0
    fc = json.loads((out / "incidents.geojson").read_text())
    assert sorted(f["properties"]["report_id"] for f in fc["features"]) == ["a", "b", "c"]
    warned = json.loads((out / "summary.json").read_text())["warning_list"]
    assert any("(report b): its text had unpaired surrogate" in w for w in warned)
    assert any("(report c): its source" in w for w in warned)


def test_an_output_folder_inside_the_input_folder_is_never_read_as_input(tmp_path, runner):
    from mapper.cli import cli

    src = tmp_path / "reports"
    src.mkdir()
    (src / "a.txt").write_text("date 2024-01-01\nShelling of Glotovo.")
    out = src / "out"
    for _ in range(2):
        r = runner.invoke(cli, ["-q", "batch", str(src), "-o", str(out), "--json", "-f", "geojson,csv"],
                          catch_exceptions=False)
        assert json.loads(r.output.strip().splitlines()[-1])["inputs"] == 1


def test_a_killed_runs_staged_files_are_removed_by_the_next(tmp_path, runner):
    import os
    import time

    from mapper.cli import cli

    feed = tmp_path / "a.txt"
    feed.write_text("date 2024-01-01\nShelling of Glotovo.")
    out = tmp_path / "out"
    out.mkdir()
    old, young = out / ".incidents.geojson.abc123.tmp", out / ".map.html.def456.tmp"
    for p in (old, young):
        p.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out)], catch_exceptions=False)
    assert not old.exists() and young.exists()  # a run still writing keeps its own


def test_a_failed_rename_of_the_output_set_keeps_the_old_set(tmp_path, monkeypatch):
    import os

    from mapper import fileio
    from mapper.errors import OutputError

    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("old a")
    b.write_text("old b")
    real = os.replace
    calls = []

    def flaky(src, dst):
        calls.append(dst)
        if len(calls) == 2:  # the second file's rename fails (a full disk, a killed mount)
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(fileio.os, "replace", flaky)
    with pytest.raises(OutputError, match="previous outputs are kept"):
        with fileio.output_set():
            fileio.write_text(a, "new a")
            fileio.write_text(b, "new b")
    monkeypatch.setattr(fileio.os, "replace", real)
    assert (a.read_text(), b.read_text()) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]
