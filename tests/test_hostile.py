"""Hostile and careless input: report text stays data, bad input loses nothing, nothing crashes.

Reports come from channels anyone can write to, and output folders are shared: each test here is
an attack or a mistake a real user makes, and what the product must do about it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pickle
import time

import pytest

from mapper import export
from mapper.cli import cli
from mapper.snapshot import find_chromium

TEMPLATE_PAYLOADS = ["{{ 7*7 }}", "{% if 1 %}X{% endif %}", "{{ cycler.__init__.__globals__.os.getcwd() }}",
                     "{%", "{#", "}}"]
SCRIPT_PAYLOAD = "<img src=x onerror=\"window.__pwned=1\"><script>window.__pwned=2</script>"


def hostile_report(tmp_path, marker="CANARY"):
    """A Markdown report whose every text field carries template syntax and script markup."""
    body = (f"Shelling in Shebekino {marker}-{{{{ 7*7 }}}}-X today. {SCRIPT_PAYLOAD} "
            + " ".join(TEMPLATE_PAYLOADS) + " </script><script>window.__pwned=3</script>")
    p = tmp_path / "hostile.md"
    p.write_text("---\ndate: 2023-05-23\n"
                 f"title: \"T {{% raw %}} {{{{ 7*7 }}}} {SCRIPT_PAYLOAD}\"\n"
                 f"source: \"{{{{ 7*7 }}}} <b>src</b>\"\n"
                 "url: \"javascript:window.__pwned=4\"\n---\n" + body + "\n", encoding="utf-8")
    return p


def test_template_syntax_in_a_report_is_shown_as_written(tmp_path, runner):
    res = runner.invoke(cli, ["render", str(hostile_report(tmp_path)), "-o", str(tmp_path / "o"), "-f", "html"],
                        catch_exceptions=False)
    assert res.exit_code == 0, res.output
    page = (tmp_path / "o" / "hostile.html").read_text(encoding="utf-8")
    assert "CANARY-49-X" not in page
    assert "CANARY-{{ 7*7 }}-X" in page
    assert os.getcwd() not in page


@pytest.mark.browser
@pytest.mark.skipif(not find_chromium(), reason="headless Chromium not installed")
def test_no_payload_runs_when_the_map_is_opened(tmp_path, runner):
    from mapper.snapshot import Browser

    out = tmp_path / "o"
    runner.invoke(cli, ["render", str(hostile_report(tmp_path)), "-o", str(out), "-f", "html", "--offline"],
                  catch_exceptions=False)
    with Browser(block_network=True) as b:
        b.open(out / "hostile.html")
        d = b.driver
        d.execute_script("IM.openIncident(0)")
        time.sleep(0.4)
        popup = d.find_element("css selector", ".leaflet-popup-content").get_attribute("textContent")
        assert "CANARY-{{ 7*7 }}-X" in popup
        assert "<img src=x" in popup  # the markup is shown as text
        assert d.execute_script("return window.__pwned === undefined")
        assert "{{ 7*7 }}" in d.title
        links = d.find_elements("css selector", ".leaflet-popup-content a")
        assert all(not (a.get_attribute("href") or "").startswith("javascript:") for a in links)


def test_a_pickle_planted_in_the_cache_is_never_run(tmp_path, runner):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r1", "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n")
    out = tmp_path / "out"
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out)], catch_exceptions=False)
    entries = [p for p in (out / ".cache").rglob("*") if p.is_file()]
    assert entries and all(p.suffix == ".json" for p in entries)
    before = (out / "incidents.geojson").read_bytes()

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    for p in entries:  # an attacker with write access to the shared folder
        p.write_bytes(pickle.dumps(Boom()))
    res = runner.invoke(cli, ["batch", str(feed), "-o", str(out)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert not (tmp_path / "pwned").exists()
    assert "recomputed" in res.output
    assert (out / "incidents.geojson").read_bytes() == before


@pytest.mark.parametrize("entry", [b"[]", b'{"key": "x", "incidents": []}', b"\xff\xfe", b'{"key": 1}'])
def test_a_foreign_or_damaged_cache_entry_is_recomputed(tmp_path, runner, entry):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r1", "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n")
    out = tmp_path / "out"
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out)], catch_exceptions=False)
    before = (out / "incidents.geojson").read_bytes()
    for p in (out / ".cache").rglob("*.json"):
        p.write_bytes(entry)
    res = runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out), "--json"], catch_exceptions=False)
    assert res.exit_code == 0
    assert json.loads(res.output.strip().splitlines()[-1])["cached_reports"] == 0
    assert (out / "incidents.geojson").read_bytes() == before


def test_editing_the_event_table_invalidates_the_cache(monkeypatch):
    from mapper import cache

    key = cache.pipeline_key(export.__file__)
    cache.code_version.cache_clear()
    real = cache.Path.read_bytes

    def edited(self):
        data = real(self)
        return data + b"\n# edited" if self.name == "events.toml" else data

    monkeypatch.setattr(cache.Path, "read_bytes", edited)
    try:
        assert cache.pipeline_key(export.__file__) != key
    finally:
        cache.code_version.cache_clear()


FORMULAS = ["=HYPERLINK(\"http://x\",\"click\")", "+1+2", "-3+4", "@SUM(A1)", "\tx", "\rx"]


@pytest.mark.parametrize("cell", FORMULAS)
def test_csv_cells_never_start_a_formula(seed_result, cell):
    from dataclasses import replace

    inc = replace(export.select(seed_result.incidents)[0], evidence=(cell,), source=cell, sources=(cell,), url=cell,
                  report_id=cell, claimed_by="", claimants=(), hedged=False, contested=False)  # the cell alone
    rows = list(csv.DictReader(io.StringIO(export.csv_text([inc]), newline="")))
    for col in ("notes", "source", "url", "report_id"):
        assert rows[0][col] == "'" + cell


def test_csv_keeps_numbers_numbers(seed_result):
    rows = list(csv.DictReader(io.StringIO(export.csv_text(seed_result.incidents))))
    assert all(float(r["latitude"]) > 0 and not r["latitude"].startswith("'") for r in rows)


def test_control_characters_never_reach_xml(seed_result, tmp_path):
    import xml.etree.ElementTree as ET
    from dataclasses import replace

    inc = replace(export.select(seed_result.incidents)[0], evidence=("a\x00b\x1bc\x0bd",), sources=("s\x01",))
    root = ET.fromstring(export.kml_text([inc]).encode())
    assert root is not None
    path = export.write("gpkg", tmp_path / "x.gpkg", [inc])
    import pyogrio

    df = pyogrio.read_dataframe(path)
    assert df["evidence"][0] == "abcd"


@pytest.mark.parametrize("sep", ["\u2028", "\u2029", "\u0085", "\x0b", "\x1c"])
def test_jsonl_rows_keep_raw_unicode_line_breaks(tmp_path, sep):
    from mapper.reports import read_path

    rows = [{"id": "a", "date": "2023-05-23", "text": f"Shelling{sep}of Glotovo"},
            {"id": "b", "date": "2023-05-23", "text": "Shelling of Tetkino"}]
    p = tmp_path / "feed.jsonl"
    p.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    res = read_path(p)
    assert [r.id for r in res.reports] == ["a", "b"] and not res.errors
    assert sep in res.reports[0].text


def test_a_deeply_nested_jsonl_row_is_that_rows_error(tmp_path):
    from mapper.reports import read_path

    p = tmp_path / "feed.jsonl"
    p.write_text(json.dumps({"id": "a", "date": "2023-05-23", "text": "Shelling of Glotovo"}) + "\n"
                 + "[" * 100_000 + "]" * 100_000 + "\n"
                 + json.dumps({"id": "c", "date": "2023-05-23", "text": "Shelling of Tetkino"}) + "\n")
    res = read_path(p)
    assert [r.id for r in res.reports] == ["a", "c"]
    assert [e.row for e in res.errors] == [2]


def test_a_deeply_nested_json_file_is_one_line_error(tmp_path, runner):
    p = tmp_path / "deep.json"
    p.write_text("[" * 100_000 + "]" * 100_000)
    res = runner.invoke(cli, ["render", str(p), "-o", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "Traceback" not in res.output and len(res.output.strip().splitlines()) == 1


def test_a_csv_field_larger_than_128_kib_is_read(tmp_path):
    from mapper.reports import read_path

    p = tmp_path / "feed.csv"
    long = "Shelling of Glotovo. " + "Calm elsewhere. " * 20_000
    p.write_text("id,date,text\nbig,2023-05-23,\"" + long + "\"\nsmall,2023-05-23,Shelling of Tetkino\n")
    assert [r.id for r in read_path(p).reports] == ["big", "small"]


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30"])
@pytest.mark.parametrize("words", ["yesterday", "last week", "on Monday", "overnight", "last month", "on 31 December",
                                   "вчера", "позавчора", "минулого тижня"])
def test_extreme_report_dates_with_relative_expressions(pipeline, day, words):
    from tests.conftest import report

    res = pipeline.process(report(f"Shelling of Glotovo {words}.", day))
    for i in res.incidents:
        assert i.date is None or dt.date.min <= i.date <= dt.date.max


def test_a_mistyped_path_keeps_the_previous_outputs(tmp_path, runner):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r1", "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n")
    out = tmp_path / "out"
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out), "-f", "html,geojson,csv"], catch_exceptions=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    res = runner.invoke(cli, ["batch", str(tmp_path / "fedd.jsonl"), "-o", str(out), "-f", "html,geojson,csv"])
    assert res.exit_code == 1
    assert "nothing written" in res.output
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_a_failed_write_leaves_the_previous_set_whole(tmp_path, monkeypatch, seed_result):
    """A crash after the GeoJSON but before the map is written replaces neither."""
    from mapper import render
    from mapper.outputs import write_set

    out = tmp_path / "o"
    kw = dict(title="t", cdn=False, digits=5, mentions=False)
    write_set(out, "r", seed_result.incidents, ["geojson", "html"], **kw)
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def broken(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(render, "popup_data", broken)  # fails while the map is being written
    with pytest.raises(OSError):
        write_set(out, "r", export.select(seed_result.incidents)[:1], ["geojson", "html"], **kw)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_render_goes_on_past_a_bad_file(tmp_path, runner):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("date 2023-05-23\nShelling of Glotovo today.")
    b.write_text("date 2023-05-23\nShelling of Tetkino today.")
    bad = tmp_path / "bad.json"
    bad.write_text("[" * 100_000)
    res = runner.invoke(cli, ["render", str(a), str(bad), str(b), "-o", str(tmp_path / "o")])
    assert res.exit_code == 3
    assert (tmp_path / "o" / "a.html").exists() and (tmp_path / "o" / "b.html").exists()


@pytest.mark.parametrize("first", ["Dated 12 May, the report says", "Dateline: Kyiv", "Date palms burned"])
def test_text_reports_starting_with_date_words_are_read(tmp_path, first):
    from mapper.reports import read_path

    p = tmp_path / "r.txt"
    p.write_text(f"{first}. Shelling of Glotovo.")
    assert read_path(p).reports[0].text.startswith(first)


def test_evidence_is_a_window_around_the_mention_not_the_whole_sentence(pipeline):
    """A 9 KB sentence naming many villages must not be copied into each of its incidents."""
    from tests.conftest import report

    names = ["Glotovo", "Tetkino", "Shebekino", "Kozinka", "Grayvoron", "Valuyki", "Sudzha", "Rylsk"]
    filler = " and ".join(f"the farm number {k}" for k in range(400))
    text = "Shelling hit " + f", {filler}, ".join(names) + " today."
    res = pipeline.process(report(text))
    assert len(res.incidents) >= 6
    for i in res.incidents:
        assert all(len(e) <= 310 for e in i.evidence)
        assert any(m in e for m in i.mentions for e in i.evidence)


def test_outputs_name_the_file_not_its_local_path(tmp_path, runner):
    p = tmp_path / "secret-folder" / "r.txt"
    p.parent.mkdir()
    p.write_text("date 2023-05-23\nShelling of Glotovo today.")
    runner.invoke(cli, ["render", str(p), "-o", str(tmp_path / "o"), "-f", "html,geojson,csv,kml"],
                  catch_exceptions=False)
    for out in (tmp_path / "o").iterdir():
        assert "secret-folder" not in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("rid", ["a\nb", "x\x1b[31mred", "r\u202eevil", "z\u200bw"])
def test_ids_with_control_characters_are_printed_escaped(tmp_path, runner, rid):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": rid, "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n",
                    encoding="utf-8")
    res = runner.invoke(cli, ["render", str(feed), "-o", str(tmp_path / "o"), "-f", "geojson"],
                        catch_exceptions=False)
    assert res.exit_code == 0
    line = res.output.strip()
    assert "\n" not in line and "\x1b" not in line and "\u202e" not in line and "\u200b" not in line
    assert "\\x" in line or "\\u" in line


def _cached_run(tmp_path, runner):
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps({"id": "r1", "date": "2023-05-23", "text": "Shelling of Glotovo today."}) + "\n")
    out = tmp_path / "out"
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out)], catch_exceptions=False)
    return feed, out, sorted((out / ".cache").rglob("*.json"))


@pytest.mark.parametrize("field, value", [
    ("border_km", "abc"), ("fatalities", "3"), ("confidence", 7.5), ("geo_precision", True),
    ("time_precision", 9), ("hedged", "no"), ("claimed_by", 3), (("place", "lat"), 1e308),
    (("place", "lon"), -999), (("place", "lat"), float("nan")),
])
def test_a_cache_entry_of_the_right_key_and_a_wrong_value_is_recomputed(tmp_path, runner, field, value):
    feed, out, entries = _cached_run(tmp_path, runner)
    before = (out / "incidents.geojson").read_bytes()
    for p in entries:
        entry = json.loads(p.read_text())
        for inc in entry["incidents"]:
            if isinstance(field, tuple):
                inc[field[0]][field[1]] = value
            else:
                inc[field] = value
        p.write_text(json.dumps(entry))
    res = runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out), "--json"], catch_exceptions=False)
    assert res.exit_code == 0
    assert json.loads(res.output.strip().splitlines()[-1])["cached_reports"] == 0
    assert (out / "incidents.geojson").read_bytes() == before


@pytest.mark.parametrize("plant", ["fifo", "zero"])
def test_a_special_file_in_the_cache_neither_hangs_nor_is_read(tmp_path, runner, plant):
    feed, out, entries = _cached_run(tmp_path, runner)
    for p in entries:
        p.unlink()
        if plant == "fifo":
            os.mkfifo(p)
        else:
            p.symlink_to("/dev/zero")
    res = runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(out), "--json"], catch_exceptions=False)
    assert res.exit_code == 0 and json.loads(res.output.strip().splitlines()[-1])["cached_reports"] == 0


def test_a_cache_write_never_follows_a_planted_link(tmp_path):
    from mapper.cache import ResultCache

    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    store = ResultCache(tmp_path / "cache", "k")
    store.put("h", [])
    (path,) = (tmp_path / "cache").rglob("*.json")
    path.unlink()
    # the temporary name a write used to take (<entry>.<pid>.tmp), planted as a link to a victim
    path.with_suffix(f".{os.getpid()}.tmp").symlink_to(victim)
    store.put("h", [])
    assert victim.read_text() == "keep me" and store.get("h") == ([], None)


@pytest.mark.parametrize("a, b", [
    ({"id": "x", "text": "a\x00b"}, {"id": "x\x00a", "text": "b"}),
    ({"id": "x", "text": "t", "path": "old/feed.jsonl"}, {"id": "x", "text": "t", "path": "new/feed.jsonl"}),
])
def test_reports_differing_in_any_output_field_never_share_a_cache_key(a, b):
    from mapper.records import Report
    from mapper.reports import content_hash

    assert content_hash(Report(**a)) != content_hash(Report(**b))


def test_a_sentence_of_thousands_of_names_keeps_200_and_says_how_many_it_dropped(pipeline, runner, tmp_path):
    from mapper.records import Role
    from tests.conftest import report

    text = "Shelling of " + ", ".join(["Glotovo", "Kozinka", "Shebekino"] * 400) + " was reported. Drones hit Tetkino."
    res = pipeline.process(report(text))
    first = [m for m in res.recognition.mentions if m.sentence == 0]
    assert sum(m.role == Role.PLACE for m in first) == 200
    assert res.recognition.dropped == 1200 - 200  # counted, not kept: memory stays bounded
    assert {i.place.name for i in res.incidents if i.kind == "incident"} >= {"Glotovo", "Kozinka", "Shebekino", "Tëtkino"}
    assert res.warnings == ("t: 1,000 place names not mapped: over the 200 kept in one sentence",)
    path = tmp_path / "long.txt"
    path.write_text("date 2023-05-23\n" + text, encoding="utf-8")
    out = runner.invoke(cli, ["render", str(path), "-o", str(tmp_path / "o"), "-f", "geojson"])
    assert out.exit_code == 0 and "1,000 place names not mapped" in out.output
