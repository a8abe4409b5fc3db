"""The CLI as users drive it: CliRunner for behaviour, a few real subprocess runs."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapper.cli import cli
from mapper.outputs import slugify
from tests.conftest import SEED


def run(runner, *args):
    return runner.invoke(cli, list(args), catch_exceptions=False)


def test_render_writes_map_and_geojson(runner, tmp_path):
    r = run(runner, "render", str(SEED), "-o", str(tmp_path))
    assert r.exit_code == 0, r.output
    stem = SEED.stem
    fc = json.loads((tmp_path / f"{stem}.geojson").read_text())
    assert {"Grayvoron", "Kozinka", "Borisovka"} <= {f["properties"]["place"] for f in fc["features"]}
    assert "<html" in (tmp_path / f"{stem}.html").read_text()[:500].lower()


def test_render_to_stdout_as_geojson_sequence(runner):
    r = run(runner, "render", str(SEED), "-o", "-", "-f", "geojson", "--seq")
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert lines and all(x["type"] == "Feature" for x in lines)


def test_stdout_needs_exactly_one_streamable_format(runner):
    r = runner.invoke(cli, ["render", str(SEED), "-o", "-", "-f", "html,geojson"])
    assert r.exit_code == 2


def test_all_formats(runner, tmp_path):
    r = run(runner, "render", str(SEED), "-o", str(tmp_path), "-f", "html,geojson,csv,kml,gpkg", "--offline")
    assert r.exit_code == 0
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".csv", ".geojson", ".gpkg", ".html", ".kml"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "a/b\\c", "..", "", "con:x?*"])
def test_slugs_cannot_escape_the_output_folder(name):
    s = slugify(name)
    assert s and "/" not in s and "\\" not in s and not s.startswith(".")


def test_two_reports_with_one_id_do_not_clobber(runner, tmp_path):
    a, b = tmp_path / "in1", tmp_path / "in2"
    a.mkdir(); b.mkdir()
    for d in (a, b):
        (d / "same.txt").write_text("date 2023-05-23\nShelling of Kozinka.")
    r = run(runner, "render", str(a / "same.txt"), str(b / "same.txt"), "-o", str(tmp_path / "out"), "-f", "geojson")
    assert r.exit_code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["same-2.geojson", "same.geojson"]


def test_bad_input_is_one_line_and_exit_1(runner, tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("")
    r = runner.invoke(cli, ["render", str(p), "-o", str(tmp_path)])
    assert r.exit_code == 1
    assert r.output.strip().count("\n") == 0 and "empty file" in r.output and "Traceback" not in r.output


def test_impossible_date_option_is_a_usage_error(runner):
    r = runner.invoke(cli, ["render", str(SEED), "--date", "2023-99-99"])
    assert r.exit_code == 2 and "impossible" in r.output


def test_unknown_gazetteer_path(runner, tmp_path):
    r = runner.invoke(cli, ["render", str(SEED), "--gazetteer", str(tmp_path / "none.gaz"), "-o", str(tmp_path)])
    assert r.exit_code == 1 and "gazetteer file not found" in r.output


def test_extract_explains_rejections(runner):
    r = run(runner, "extract", str(SEED), "--json")
    recs = [json.loads(x) for x in r.output.splitlines()]
    kyiv = next(x for x in recs if x["text"] == "Kyiv")
    assert kyiv["status"] == "rejected" and "Kyiv Post" in kyiv["reason"]
    koz = next(x for x in recs if x["text"] == "Kozinka")
    assert koz["place"] == "Kozinka" and koz["precision"] == "settlement"


def test_gazetteer_lookup_and_info(runner):
    r = run(runner, "gazetteer", "lookup", "Graivoron", "--json")
    assert json.loads(r.output.splitlines()[0])["name"] == "Grayvoron"
    r = run(runner, "gazetteer", "info", "--json")
    info = json.loads(r.output)
    assert info["places"] > 50_000 and info["by_country"]["RU"] > 10_000
    assert runner.invoke(cli, ["gazetteer", "lookup", "Xqzzyqx"]).exit_code == 1


@pytest.mark.slow  # more than a few seconds: `-m 'not slow'` leaves it out
def test_eval_scores_each_system_against_the_gold(runner, tmp_path):
    # invented captions: two placed right, one whose gold is 200 km from the place it names
    reports = [("a", "2023-05-22 Shelling of Shebekino"), ("b", "2023-05-22 Drones over Vovchansk"),
               ("c", "2023-05-22 Explosions in Valuyki")]
    gold = [("a", 50.41, 36.90), ("b", 50.29, 36.94), ("c", 52.0, 38.5)]
    feed, answers = tmp_path / "r.jsonl", tmp_path / "g.jsonl"
    feed.write_text("".join(json.dumps({"id": i, "date": t[:10], "text": t}) + "\n" for i, t in reports), encoding="utf-8")
    answers.write_text("".join(json.dumps({"id": i, "lat": la, "lon": lo}) + "\n" for i, la, lo in gold), encoding="utf-8")
    rows = {x["system"]: x for x in json.loads(run(runner, "eval", str(feed), str(answers), "--json").output)}
    assert set(rows) == {"incident-mapper", "baseline (geotext)"}
    ours = rows["incident-mapper"]
    assert ours["reports"] == 3 and ours["acc@10km"] == round(2 / 3, 3) and ours["answered"] == 1.0


def test_help_has_examples_and_version(runner):
    for cmd in (["--help"], ["render", "--help"], ["batch", "--help"], ["extract", "--help"], ["eval", "--help"],
                ["gazetteer", "lookup", "--help"], ["gazetteer", "build", "--help"]):
        r = run(runner, *cmd)
        assert r.exit_code == 0 and ("Example" in r.output or "Commands" in r.output)
    assert "0.1.0" in run(runner, "--version").output


def test_installed_command_runs_as_a_subprocess(tmp_path):
    installed = Path(sys.executable).parent / "mapper"
    exe = [str(installed)] if installed.exists() else [sys.executable, "-m", "mapper"]
    r = subprocess.run([*exe, "-q", "render", str(SEED), "-o", str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / f"{SEED.stem}.html").exists()
    r = subprocess.run([*exe, "render", str(tmp_path / "missing.txt")], capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and r.stderr.startswith("mapper: error:") and "Traceback" not in r.stderr


from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8", "surrogatepass"))),
       suffix=st.sampled_from([".txt", ".json", ".jsonl", ".csv", ".html", ".md"]))
def test_render_never_shows_a_traceback(tmp_path_factory, data, suffix):
    from click.testing import CliRunner

    d = tmp_path_factory.mktemp("fuzz")
    p = d / f"in{suffix}"
    p.write_bytes(data)
    r = CliRunner().invoke(cli, ["render", str(p), "-o", str(d / "out"), "-f", "geojson", "--date", "2023-05-23"])
    assert r.exit_code in (0, 1), r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "Traceback" not in r.output


@pytest.mark.slow  # more than a few seconds: `-m 'not slow'` leaves it out
def test_gazetteer_build_and_use_through_the_cli(runner, tmp_path, monkeypatch):
    from tests.test_gazetteer import DUMP

    dump = tmp_path / "UA.txt"
    dump.write_text("\n".join("\t".join(r) for r in DUMP) + "\n", encoding="utf-8")
    own = tmp_path / "own.gaz"
    r = run(runner, "gazetteer", "build", "--geonames", str(dump), "-o", str(own))
    assert r.exit_code == 0 and own.exists()
    r = run(runner, "gazetteer", "lookup", "Testowka", "--gazetteer", str(own), "--json")
    assert json.loads(r.output.splitlines()[0])["geonameid"] == 9000001
    # --extend keeps the default's places and adds the dump's
    ext = tmp_path / "ext.gaz"
    assert run(runner, "gazetteer", "build", "--geonames", str(dump), "--extend", "-o", str(ext)).exit_code == 0
    monkeypatch.setenv("MAPPER_GAZETTEER", str(ext))  # every command uses it
    names = [json.loads(x)["name"] for x in run(runner, "gazetteer", "lookup", "Testivka", "--json").output.splitlines()]
    assert names[0] == "Testivka"
    assert json.loads(run(runner, "gazetteer", "lookup", "Grayvoron", "--json").output.splitlines()[0])["name"] == "Grayvoron"


def test_gazetteer_build_needs_inputs(runner, tmp_path):
    assert runner.invoke(cli, ["gazetteer", "build", "-o", str(tmp_path / "x.gaz")]).exit_code == 2


def test_unwritable_output_is_exit_4_with_one_line(runner, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    r = runner.invoke(cli, ["render", str(SEED), "-o", str(blocker / "out"), "-f", "geojson"])
    assert r.exit_code == 4 and "cannot write" in r.output and "Traceback" not in r.output


def _two_reports(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("date 2023-05-23\nShelling of Glotovo today.")
    b.write_text("date 2023-05-24\nShelling of Tetkino today.")
    return a, b


def test_stdout_gets_one_feature_collection_for_any_number_of_reports(runner, tmp_path):
    a, b = _two_reports(tmp_path)
    r = run(runner, "render", str(a), str(b), "-o", "-")
    fc = json.loads(r.output)
    assert fc["type"] == "FeatureCollection" and {f["properties"]["report_id"] for f in fc["features"]} == {"a", "b"}
    seq = run(runner, "render", str(a), str(b), "-o", "-", "-f", "geojson", "--seq").output.strip().splitlines()
    assert [json.loads(line)["type"] for line in seq] == ["Feature", "Feature"]


@pytest.mark.parametrize("name", ["map.html", "all.geojson", "all.csv", "all.kml"])
def test_an_output_file_name_writes_that_one_file(runner, tmp_path, name):
    a, b = _two_reports(tmp_path)
    out = tmp_path / "out" / name
    r = run(runner, "render", str(a), str(b), "-o", str(out))
    assert r.exit_code == 0 and out.is_file()
    assert [p.name for p in out.parent.iterdir() if not p.name.startswith(".")] == [name]


def test_an_output_file_and_another_format_is_a_usage_error(runner, tmp_path):
    a, _ = _two_reports(tmp_path)
    r = runner.invoke(cli, ["render", str(a), "-o", str(tmp_path / "map.html"), "-f", "geojson"])
    assert r.exit_code == 2


@pytest.mark.parametrize("value", ["12/05/2024", "2024/05/12", "May 12 2024", "2024-5-12"])
def test_dates_on_the_command_line_are_iso_only(runner, value):
    r = runner.invoke(cli, ["render", str(SEED), "-o", "-", "--date", value])
    assert r.exit_code == 2 and "YYYY-MM-DD" in r.output


def test_a_reversed_period_is_a_usage_error(runner, tmp_path):
    a, _ = _two_reports(tmp_path)
    r = runner.invoke(cli, ["batch", str(a), "-o", str(tmp_path / "o"), "--since", "2024-02-01", "--until", "2024-01-01"])
    assert r.exit_code == 2 and "after" in r.output


def test_telegram_service_and_media_only_messages_are_skipped_and_counted(runner, tmp_path):
    export = {"name": "Test channel", "type": "public_channel", "id": 1, "messages": [
        {"id": 1, "type": "service", "action": "create_channel", "date": "2023-05-23T10:00:00"},
        {"id": 2, "type": "message", "date": "2023-05-23T10:01:00", "photo": "photos/1.jpg", "text": ""},
        {"id": 3, "type": "message", "date": "2023-05-23T10:02:00", "text": "Shelling of Glotovo this morning."},
    ]}
    p = tmp_path / "result.json"
    p.write_text(json.dumps(export))
    r = runner.invoke(cli, ["batch", str(p), "-o", str(tmp_path / "o"), "--json"], catch_exceptions=False)
    assert r.exit_code == 0
    summary = json.loads(r.output.strip().splitlines()[-1])
    assert (summary["reports"], summary["failures"], summary["skipped"]) == (1, 0, 2)


def test_the_map_of_an_undated_report_says_no_date_of_the_clock(runner, tmp_path):
    import datetime as dt

    f = tmp_path / "undated.txt"
    f.write_text("Shelling of Glotovo.")
    r = runner.invoke(cli, ["-q", "render", str(f), "-o", str(tmp_path / "out")], catch_exceptions=False)
    assert r.exit_code == 0
    page = (tmp_path / "out" / "undated.html").read_text()
    assert dt.date.today().isoformat() not in page and "undated" in page


def test_render_of_only_bad_rows_replaces_nothing_and_exits_1(runner, tmp_path):
    good, bad, half = tmp_path / "good.txt", tmp_path / "bad.jsonl", tmp_path / "half.jsonl"
    good.write_text("date 2024-01-01\nShelling of Glotovo.")
    bad.write_text('{broken\n{"id": "x"}\n')
    half.write_text('{broken\n{"id": "y", "date": "2024-01-01", "text": "Shelling of Tetkino."}\n')
    target = tmp_path / "map.html"
    assert runner.invoke(cli, ["-q", "render", str(good), "-o", str(target)]).exit_code == 0
    before = target.read_bytes()
    r = runner.invoke(cli, ["render", str(bad), "-o", str(target)])
    assert r.exit_code == 1 and "nothing written" in r.output and target.read_bytes() == before
    r = runner.invoke(cli, ["-q", "render", str(half), "-o", str(target)])
    assert r.exit_code == 3 and target.read_bytes() != before  # partly done: written, and said so
