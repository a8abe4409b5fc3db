"""Readers: every format, dates, and no crash on any input."""

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mapper.errors import InputError
from mapper.language import detect_language
from mapper.reports import read_path


def test_text_with_date_line(tmp_path):
    p = tmp_path / "r.txt"
    p.write_text("date 2023-05-23\nShelling of Kozinka.", encoding="utf-8")
    (r,) = read_path(p).reports
    assert r.date == dt.date(2023, 5, 23) and r.text == "Shelling of Kozinka." and r.id == "r"


def test_markdown_front_matter(tmp_path):
    p = tmp_path / "r.md"
    p.write_text("---\ndate: 2023-05-22\ntitle: Raid\nurl: https://example.org/a\n---\n# Raid\nFighting in Grayvoron.")
    (r,) = read_path(p).reports
    assert (r.date, r.title, r.url) == (dt.date(2023, 5, 22), "Raid", "https://example.org/a")


def test_html_main_text(tmp_path):
    p = tmp_path / "a.html"
    body = "<p>Shelling of Kozinka and Grayvoron continued on Tuesday, officials said in a statement.</p>" * 5
    p.write_text(f"<html><head><title>Raid</title></head><body><nav>Home | News</nav><article>{body}</article></body></html>")
    (r,) = read_path(p, default_date=dt.date(2023, 5, 23)).reports
    assert "Kozinka" in r.text and "Home | News" not in r.text


def test_jsonl_keeps_good_rows_and_reports_bad_ones(tmp_path):
    p = tmp_path / "f.jsonl"
    p.write_text('{"id": "a", "date": "2023-05-23", "text": "Shelling of Kozinka."}\n{broken\n'
                 '{"id": "c", "date": "2023-99-99", "text": "x"}\n{"id": "d", "text": ""}\n')
    res = read_path(p)
    assert [r.id for r in res.reports] == ["a"]
    assert [e.row for e in res.errors] == [2, 3, 4]
    assert "impossible date" in res.errors[1].error


def test_a_jsonl_feed_is_read_row_by_row_in_line_order(tmp_path):
    from mapper.reports import RowError, read_rows

    p = tmp_path / "feed.jsonl"
    p.write_text('{"id": "a", "text": "Shelling of Kozinka."}\n{broken\n{"id": "c", "text": "Grayvoron."}\n'
                 '{"type": "service", "id": 9}\n')
    rows = read_rows(p)
    first = next(rows)  # the first row comes before the rest is parsed
    assert first.id == "a"
    rest = list(rows)
    # the service message is no error: it is skipped and counted, last
    assert [type(x).__name__ for x in rest] == ["RowError", "Report", "Skipped"]
    assert isinstance(rest[0], RowError) and rest[0].row == 2 and rest[1].id == "c" and rest[2].count == 1
    service = tmp_path / "service-only.jsonl"
    service.write_text('{"type": "service", "id": 1}\n{"id": 2, "type": "message", "photo": "a.jpg", "text": ""}\n')
    assert [(type(x).__name__, x.count) for x in read_rows(service)] == [("Skipped", 2)]
    empty = tmp_path / "blank-rows.jsonl"
    empty.write_text("\n \n{}\n")
    assert [type(x).__name__ for x in read_rows(empty)] == ["RowError"]


def test_csv_collection(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("id,date,text,url\na,2023-05-23,Shelling of Kozinka.,https://x\n")
    (r,) = read_path(p).reports
    assert r.url == "https://x"


def test_telegram_export_with_text_entities(tmp_path):
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "Border news", "type": "public_channel", "messages": [
        {"id": 1, "type": "service", "date": "2023-05-22T10:00:00", "text": ""},
        {"id": 2, "type": "message", "date": "2023-05-23T08:15:00",
         "text": ["Drone strike on ", {"type": "bold", "text": "Kozinka"}, " ",
                  {"type": "link", "text": "https://t.me/x/2"}]},
    ]}), encoding="utf-8")
    (r,) = read_path(p).reports
    assert r.text.startswith("Drone strike on Kozinka") and r.date == dt.date(2023, 5, 23)
    assert r.id == "Border_news-2" and r.url == "https://t.me/x/2"


@pytest.mark.parametrize("channel", [{"username": "border_news"}, {"link": "https://t.me/border_news"}])
def test_a_public_channels_posts_keep_their_t_me_link(tmp_path, channel):
    p = tmp_path / "result.json"
    p.write_text(json.dumps({"name": "Border news", "type": "public_channel", **channel, "messages": [
        {"id": 7, "type": "message", "date": "2023-05-23T08:15:00",
         "text": ["Shelling of Kozinka, details: ", {"type": "link", "text": "https://example.org/a"}]},
        {"id": 8, "type": "message", "date": "2023-05-23T09:00:00", "text": "Drones over Glotovo.",
         "link": "https://t.me/c/123/8"},
    ]}), encoding="utf-8")
    first, second = read_path(p).reports
    assert first.url == "https://t.me/border_news/7"  # the post's own link, not the one it quotes
    assert second.url == "https://t.me/c/123/8"  # a message's own link wins


def test_a_date_in_the_body_is_no_report_date(tmp_path):
    """Page furniture, background and bylines state dates too: only metadata, the header or
    --date date a report."""
    a = tmp_path / "a.txt"
    a.write_text("07.01.2026\nOn May 20, 2023 shelling hit Kozinka.")
    (r,) = read_path(a).reports
    assert r.date is None and "no date given" in r.warnings[0]


@pytest.mark.parametrize("text, day", [
    ("On May 20, 2023 shelling hit Kozinka.", dt.date(2023, 5, 20)),
    ("Shelling hit Kozinka, the first since 24 February 2022.", None),
    ("Обстріл Козинки триває з 24 лютого 2022 року.", None),
])
def test_an_event_takes_the_date_its_sentence_states_but_not_a_periods_start(pipeline, text, day):
    from mapper.records import Report

    (inc,) = [i for i in pipeline.process(Report(id="t", text=text)).incidents if i.kind == "incident"]
    assert inc.date == day


def test_non_utf8_is_decoded_with_a_warning(tmp_path):
    p = tmp_path / "cp.txt"
    p.write_bytes("date 2023-05-23\nОбстрел Грайворона и Козинки продолжается второй день подряд.".encode("cp1251"))
    (r,) = read_path(p).reports
    assert "Грайворона" in r.text and any("not UTF-8" in w for w in r.warnings)


@pytest.mark.parametrize(
    "content, message",
    [(b"", "empty"), (b"   \n", "empty"), (b"\x00\x01\x02binary", "binary"),
     (b"date 2023-99-99\ntext", "impossible date")],
)
def test_bad_files_are_input_errors(tmp_path, content, message):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_path(p)


def test_huge_file_is_refused(tmp_path):
    p = tmp_path / "big.txt"
    p.write_bytes(b"a" * 2000)
    with pytest.raises(InputError, match="limit"):
        read_path(p, max_bytes=1000)


SUFFIXES = [".txt", ".md", ".json", ".jsonl", ".csv", ".html"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400), suffix=st.sampled_from(SUFFIXES))
def test_any_bytes_give_reports_or_an_input_error(tmp_path, data, suffix):
    p = tmp_path / f"f{suffix}"
    p.write_bytes(data)
    try:
        read_path(p)
    except InputError:
        pass


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                           lambda c: st.lists(c, max_size=4) | st.dictionaries(st.sampled_from(["id", "date", "text", "messages", "reports", "type", "x"]), c, max_size=4),
                           max_leaves=12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=json_values)
def test_any_json_shape_gives_reports_or_an_input_error(tmp_path, value):
    p = tmp_path / "f.json"
    p.write_text(json.dumps(value))
    try:
        res = read_path(p)
        assert all(r.text for r in res.reports)
    except InputError:
        pass


@pytest.mark.parametrize("text, lang", [
    ("Shelling of Kharkiv continued overnight.", "en"),
    ("Обстрел Белгорода продолжался всю ночь, сообщил губернатор.", "ru"),
    ("Обстріл Харкова тривав усю ніч, повідомив голова ОВА.", "uk"),
    ("Обстрел \udcff Белгорода", "ru"),  # a lone surrogate from a broken decode does not crash it
])
def test_language_from_the_script(text, lang):
    assert detect_language(text) == lang


def test_a_report_knows_its_language_when_asked(tmp_path):
    f = tmp_path / "r.txt"
    f.write_text("Обстріл Харкова тривав усю ніч, повідомив голова ОВА.", encoding="utf-8")
    assert read_path(f, default_date=dt.date(2023, 5, 23)).reports[0].language == "uk"


def test_a_limit_in_bytes_is_said_in_bytes(tmp_path):
    from mapper.errors import InputError
    from mapper.reports import read_path

    f = tmp_path / "a.txt"
    f.write_text("date 2024-01-01\nShelling of Glotovo.")
    with pytest.raises(InputError, match=r"36 bytes is over the 5 bytes limit"):
        read_path(f, max_bytes=5)


@pytest.mark.parametrize("make", ["fifo", "device link"])
def test_a_special_file_is_refused_not_read(tmp_path, make):
    import os

    from mapper.errors import InputError
    from mapper.reports import read_path, read_rows

    for name in ("x.txt", "x.jsonl"):
        p = tmp_path / name
        if make == "fifo":
            os.mkfifo(p)
        else:
            p.symlink_to("/dev/zero")
        with pytest.raises(InputError, match="not a regular file"):
            list(read_rows(p)) if name.endswith(".jsonl") else read_path(p)


def test_an_oversized_jsonl_row_is_skipped_without_being_held(tmp_path):
    import tracemalloc

    from mapper.reports import RowError, read_rows

    f = tmp_path / "feed.jsonl"
    with open(f, "w") as fh:
        fh.write('{"id":"a","text":"Shelling of Glotovo."}\n')
        fh.write('{"id":"b","text":"' + "x" * 20_000_000 + '"}\n')
        fh.write('{"id":"c","text":"Shelling of Tetkino."}\n')
    tracemalloc.start()
    items = list(read_rows(f, max_bytes=1000))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    errors = [i for i in items if isinstance(i, RowError)]
    assert [r.id for r in items if hasattr(r, "text")] == ["a", "c"]
    assert len(errors) == 1 and "row 2: 20.0 MB is over the 1,000 bytes limit" in errors[0].error
    assert peak < 5_000_000


@pytest.mark.parametrize("text, encoding", [
    ("Обстрел Глотово продолжался всю ночь. Губернатор сообщил о двух раненых.", "koi8_r"),
    ("Обстрел Глотово продолжался всю ночь. Губернатор сообщил о двух раненых.", "cp1251"),
    ("Обстріл Есмані тривав усю ніч. Поранено двох людей.", "koi8_u"),
    ("Шебекино.", "koi8_r"),
])
def test_a_short_report_in_a_cyrillic_single_byte_encoding_reads_as_written(text, encoding):
    from mapper.reports import decode_bytes

    got, warnings = decode_bytes(text.encode(encoding))
    assert got == text and "not UTF-8" in warnings[0]
