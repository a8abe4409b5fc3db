"""Dates: every expression family in English, Russian and Ukrainian, against the report date."""

import datetime as dt

import pytest

from mapper.timeline import expressions, resolve_sentence

TUE = dt.date(2023, 5, 23)  # a Tuesday
D = dt.date


@pytest.mark.parametrize(
    "sentence, date, date_end, precision",
    [
        ("Attackers entered on Monday.", D(2023, 5, 22), None, 1),
        ("В понедельник начался прорыв.", D(2023, 5, 22), None, 1),
        ("У понеділок почався прорив.", D(2023, 5, 22), None, 1),
        ("Fighting resumed on Tuesday.", TUE, None, 1),
        ("У вівторок тривали бої.", TUE, None, 1),
        ("Shelling on Wednesday.", D(2023, 5, 17), None, 1),  # the week before: a report is not about the future
        ("Last Tuesday a drone hit.", D(2023, 5, 16), None, 1),
        ("Yesterday a drone hit.", D(2023, 5, 22), None, 1),
        ("Вчера упал беспилотник.", D(2023, 5, 22), None, 1),
        ("Вчора впав дрон.", D(2023, 5, 22), None, 1),
        ("The day before yesterday, too.", D(2023, 5, 21), None, 1),
        ("Today the governor spoke.", TUE, None, 1),
        ("This morning sirens sounded.", TUE, None, 1),
        ("Сегодня утром был обстрел.", TUE, None, 1),
        ("Overnight drones dropped grenades.", D(2023, 5, 22), TUE, 1),
        ("During the night drones dropped grenades.", D(2023, 5, 22), TUE, 1),
        ("Last night two homes were hit.", D(2023, 5, 22), TUE, 1),
        ("Ночью был обстрел.", D(2023, 5, 22), TUE, 1),
        ("Вночі був обстріл.", D(2023, 5, 22), TUE, 1),
        ("Explosions for the last 24 hours.", D(2023, 5, 22), TUE, 1),
        ("За сутки 30 обстрелов.", D(2023, 5, 22), TUE, 1),
        ("За добу 30 обстрілів.", D(2023, 5, 22), TUE, 1),
        ("Fighting continues since Monday.", D(2023, 5, 22), TUE, 1),
        ("The raid on 22 May was repelled.", D(2023, 5, 22), None, 1),
        ("The raid on May 22 was repelled.", D(2023, 5, 22), None, 1),
        ("Рейд 22 мая отбит.", D(2023, 5, 22), None, 1),
        ("Рейд 22 травня відбито.", D(2023, 5, 22), None, 1),
        ("Photo dated 22.05.2023 shows damage.", D(2023, 5, 22), None, 1),
        ("Photo dated May 20, 2023 shows damage.", D(2023, 5, 20), None, 1),
        ("Shelling intensified this week.", D(2023, 5, 22), TUE, 2),
        ("Shelling intensified last week.", D(2023, 5, 15), D(2023, 5, 21), 2),
        ("Shelling intensified this month.", D(2023, 5, 1), TUE, 3),
        ("Nothing said about time.", TUE, None, 1),
    ],
)
def test_expression_families(sentence, date, date_end, precision):
    t = resolve_sentence(sentence, TUE)
    assert (t.date, t.date_end, t.time_precision) == (date, date_end, precision)


def test_week_boundary_monday_report_sunday():
    monday = D(2023, 5, 22)
    assert resolve_sentence("on Sunday", monday).date == D(2023, 5, 21)
    assert resolve_sentence("on Monday", monday).date == monday


@pytest.mark.parametrize(
    "sentence, anchor, expected",
    [
        ("on 30 December", D(2023, 1, 2), D(2022, 12, 30)),  # year rollover
        ("yesterday", D(2023, 1, 1), D(2022, 12, 31)),
        ("yesterday", D(2023, 3, 1), D(2023, 2, 28)),  # month rollover
        ("on Friday", D(2023, 3, 1), D(2023, 2, 24)),
        ("overnight", D(2024, 1, 1), D(2023, 12, 31)),
    ],
)
def test_month_and_year_rollover(sentence, anchor, expected):
    assert resolve_sentence(sentence, anchor).date == expected


def test_the_expression_nearest_the_place_wins():
    s = "Firing for the last 24 hours; fighters in Kozinka were digging in on Tuesday."
    assert resolve_sentence(s, TUE, at=s.index("Kozinka")).date == TUE
    assert resolve_sentence(s, TUE, at=0).date == D(2023, 5, 22)


def test_no_report_date_gives_no_date_unless_stated():
    assert resolve_sentence("on Monday", None).date is None
    assert resolve_sentence("on 22 May 2023", None).date == D(2023, 5, 22)


def test_may_the_verb_is_not_a_date():
    assert resolve_sentence("Troops may advance.", TUE).expression == ""


def test_letters_that_change_length_when_lower_cased_keep_the_offsets():
    # "İ" lower-cases to two characters; the rules then run case-insensitively on the original
    sentence = "İstanbul-based monitors said Shebekino was shelled yesterday"
    [(pos, ref)] = expressions(sentence, dt.date(2023, 5, 23))
    assert sentence[pos:pos + len(ref.expression)] == "yesterday"
    assert ref.date == dt.date(2023, 5, 22)


@pytest.mark.parametrize("sentence, expression", [
    ("Footage showed the strike, as allowed", ""),  # "wed" inside words is no Wednesday
    ("The remarkable damage was filmed", ""),  # nor "mar" a March
    ("Drones struck on Wednesday", "on Wednesday"),
    ("Drones struck on 3 March", "3 March"),
    ("Drones struck overnight", "overnight"),  # "night" counts inside a word
    ("Дрони атакували вночі", "вночі"),
])
def test_calendar_words_count_at_word_starts_except_night(sentence, expression):
    assert resolve_sentence(sentence, D(2023, 5, 23)).expression == expression


def test_calendar_word_tries_match_what_plain_alternations_match():
    import re

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from mapper.dates import MONTH_ALT, MONTHS, WEEKDAY_ALT, WEEKDAYS

    pairs = []
    for words, trie in ((MONTHS, MONTH_ALT), (WEEKDAYS, WEEKDAY_ALT)):
        plain = "|".join(sorted(words, key=len, reverse=True))
        for flags in (0, re.I):
            for shape in (r"\b(?P<w>{})\b", r"\b(?P<w>{})\.?\s+(?P<d>\d{{1,2}})", r"(?P<w>{})"):
                pairs.append((re.compile(shape.format(plain), flags), re.compile(shape.format(trie), flags)))
    vocabulary = sorted(MONTHS) + sorted(WEEKDAYS)
    pieces = st.one_of(st.sampled_from(vocabulary), st.sampled_from([" ", ". ", "'", "s", "a", "я", "5", "23", "\n"]),
                       st.text(alphabet="abcdefmnorstuyвдеилмнопрсткуя' ", max_size=4))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(pieces, max_size=12).map("".join), st.booleans())
    def same(text, upper):
        text = text.upper() if upper else text
        for plain, trie in pairs:
            assert [(m.span(), m.groupdict()) for m in plain.finditer(text)] == \
                   [(m.span(), m.groupdict()) for m in trie.finditer(text)]

    same()


@pytest.mark.parametrize("change, complaint", [
    (lambda d: d["months"].pop("may"), "[months] must have exactly"),
    (lambda d: d["weekdays"].update(funday=["fun"]), "[weekdays] must have exactly"),
    (lambda d: d["months"].update(may=["May"]), "months.may must be a list of lower-case forms"),
    (lambda d: d["weekdays"]["sunday"].append("mon"), "'mon' is a form of two weekdays"),
])
def test_a_calendar_of_the_wrong_shape_is_refused_at_load(change, complaint):
    import re
    import tomllib
    from importlib.resources import files

    from mapper.dates import load_calendar

    data = tomllib.loads((files("mapper") / "data" / "calendar.toml").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValueError, match=re.escape(complaint)):
        load_calendar(data)


@pytest.mark.parametrize("change, complaint", [
    (lambda d: d["rule"][0].update(kind="fortnight"), "rule kind 'fortnight'"),
    (lambda d: d["rule"][1].update(kind=d["rule"][0]["kind"]), "each once"),
    (lambda d: d["rule"][0].update(needs=["ago3"]), "must be trigger tags"),
    (lambda d: d["rule"][0].update(pattern="(unclosed"), "bad shape"),
    (lambda d: d["triggers"].update(night=["Night"]), "lower-case substrings"),
    (lambda d: d.pop("triggers"), "bad shape"),
])
def test_time_rules_of_the_wrong_shape_are_refused_at_load(change, complaint):
    import re
    import tomllib
    from importlib.resources import files

    from mapper.timeline import load_rules

    data = tomllib.loads((files("mapper") / "data" / "time.toml").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValueError, match=re.escape(complaint)):
        load_rules(data)


@pytest.mark.parametrize("sentence, expression", [("Днём обстреляли окраины.", "Днём"), ("Днем обстреляли окраины.", "Днем")])
def test_time_words_fold_as_the_tables_do(sentence, expression):
    import datetime as dt

    from mapper.timeline import expressions

    (found,) = [t for _, t in expressions(sentence, dt.date(2024, 5, 2))]
    assert (found.expression, found.date) == (expression, dt.date(2024, 5, 2))
