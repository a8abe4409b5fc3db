"""The seed report comes out as the issue describes: places, dates, event types, evidence."""

import datetime as dt

import pytest

from tests.conftest import report

D = dt.date


def incidents(seed_result):
    return [i for i in seed_result.incidents if i.kind == "incident"]


def find(seed_result, place, etype=None):
    return [i for i in incidents(seed_result) if i.place.name == place and (etype is None or i.event_type == etype)]


def test_fortifications_in_the_three_villages_on_the_23rd(seed_result):
    for place in ("Grayvoron", "Kozinka", "Borisovka"):
        (i,) = find(seed_result, place, "fortification")
        assert i.date == D(2023, 5, 23) and i.level == "settlement"
        assert "fortifications" in i.evidence[0]


def test_power_outage_in_the_graivoronsk_district(seed_result):
    (i,) = find(seed_result, "Grayvoronsky District", "infrastructure")
    assert i.date == D(2023, 5, 23) and i.level == "district" and "without power" in i.evidence[0]


def test_firefights_in_the_grayvoron_area(seed_result):
    (i,) = find(seed_result, "Grayvoronsky District", "battle")
    assert "firefights" in i.evidence[0]


def test_drone_grenades_in_belgorod_oblast_overnight(seed_result):
    (i,) = [x for x in find(seed_result, "Belgorod Oblast", "air_drone_strike") if "grenades" in x.evidence[0]]
    assert (i.date, i.date_end) == (D(2023, 5, 22), D(2023, 5, 23))


def test_incursion_from_the_kharkiv_side_on_the_22nd(seed_result):
    (i,) = find(seed_result, "Kharkiv Oblast", "incursion")
    assert i.date == D(2023, 5, 22) and i.place.country_code == "UA" and i.border_side == "UA"


def test_no_incident_in_moscow_or_kyiv(seed_result):
    names = {i.place.name for i in seed_result.incidents}
    assert "Moscow" not in names and "Kyiv" not in names


def test_border_distance_and_side(seed_result):
    (k,) = find(seed_result, "Kozinka")
    assert k.border_side == "RU" and 0 < k.border_km < 10


def test_place_without_event_is_a_mention(seed_result):
    roads = [i for i in seed_result.incidents if any("roads in Belgorod" in e for e in i.evidence)]
    assert roads and all(i.kind == "mention" for i in roads)


def test_merge_joins_the_same_place_and_day_across_reports(pipeline):
    from mapper.incidents import merge_across_reports
    from tests.conftest import report

    a = pipeline.process(report("Shelling of Kozinka on Monday.", rid="a")).incidents
    b = pipeline.process(report("Kozinka was shelled on Monday, officials said.", rid="b")).incidents
    merged = merge_across_reports(list(a) + list(b))
    (m,) = [i for i in merged if i.place.name == "Kozinka"]
    assert m.report_id == "a,b" and len(m.evidence) == 2


@pytest.mark.parametrize("text", ["Glotovo", "Вовчанськ, Харківська область", "Козинка сегодня", "Kupiansk axis, photo"])
def test_a_report_with_a_place_and_no_event_is_an_incident_of_type_other(pipeline, text):
    from tests.conftest import report

    incs = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert [i.event_type for i in incs] == ["other"]
    assert incs[0].confidence < 0.7


def test_only_the_most_specific_place_of_such_a_report_is_the_incident(pipeline):
    from tests.conftest import report

    incs = [i for i in pipeline.process(report("Kozinka, Belgorod Oblast")).incidents if i.kind == "incident"]
    assert [(i.place.name, i.event_type) for i in incs] == [("Kozinka", "other")]


def test_a_place_outside_the_theatre_with_no_event_stays_a_mention(pipeline):
    from tests.conftest import report

    res = pipeline.process(report("The delegation visited Paris."))
    assert all(i.kind == "mention" for i in res.incidents)


@pytest.mark.parametrize("text, event", [
    ("ДРГ намагалася зайти біля села Юнаківка.", "incursion"),
    ("Mass grave found in Izyum.", "civilian_casualties"),
    ("Wreckage of a drone fell in Shebekino.", "air_drone_strike"),
    ("Ukrainian army in Vovchansk, locals say.", "incursion"),
])
def test_wider_event_cues(pipeline, text, event):
    from tests.conftest import report

    (inc,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert inc.event_type == event


@pytest.mark.parametrize("text, dead", [
    ("В Шебекино погибли два человека после обстрела.", 2),
    ("Загинули 2 людини внаслідок обстрілу Вовчанська.", 2),
    ("Двоє людей загинули внаслідок обстрілу Вовчанська.", 2),
    ("Shelling of Kozinka killed three civilians.", 3),
    ("Russian shelling of Kozinka killed at least 4 people.", 4),
])
def test_fatalities_in_digits_and_words_in_three_languages(pipeline, text, dead):
    from tests.conftest import report

    (inc,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert inc.fatalities == dead


def test_a_sentences_dead_are_counted_once_not_at_every_place(pipeline):
    from tests.conftest import report

    res = pipeline.process(report("Shelling of Kozinka and Glotovo killed three civilians."))
    assert sorted(i.fatalities or 0 for i in res.incidents if i.kind == "incident") == [0, 3]


def test_a_headlines_place_is_no_incident_when_the_body_reports_one(pipeline):
    from tests.conftest import report

    text = ("Kharkiv Shelling Leaves Homes Damaged In Border Villages\n\n"
            "Artillery hit Lyptsi overnight, damaging two houses.")
    incs = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert [i.place.name for i in incs] == ["Lyptsi"]


def test_a_headline_alone_is_still_an_incident(pipeline):
    from tests.conftest import report

    incs = [i for i in pipeline.process(report("Kozinka Shelling Continues For Third Day")).incidents
            if i.kind == "incident"]
    assert [i.place.name for i in incs] == ["Kozinka"]


def test_a_headlines_dead_are_the_bodys_counted_once(pipeline):
    from tests.conftest import report

    text = ("Four Civilians Killed In Russian Strike On Kharkiv Region\n\n"
            "A glide bomb hit a street in Zolochiv on Monday, killing four civilians.")
    res = pipeline.process(report(text))
    assert sum(i.fatalities or 0 for i in res.incidents) == 4  # mentions included
    (inc,) = [i for i in res.incidents if i.kind == "incident"]
    assert inc.place.name == "Zolochiv" and inc.fatalities == 4


@pytest.mark.parametrize("text, source", [
    ("Shelling hit Kozinka on Monday.", "sentence"),  # the sentence says when
    ("Shelling hit Kozinka.", "report"),  # the report's own date
])
def test_every_incident_says_where_its_date_came_from(pipeline, text, source):
    from tests.conftest import report

    (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert i.date_source == source and i.date is not None


def test_an_undated_report_gives_undated_incidents_with_no_date_source(pipeline):
    from mapper.records import Report

    (i,) = [i for i in pipeline.process(Report(id="r", text="Shelling hit Kozinka.")).incidents
            if i.kind == "incident"]
    assert i.date is None and i.date_source == ""


def test_a_place_named_like_a_date_word_dates_nothing(pipeline):
    # Середа is Wednesday: the report's day stands, not the Wednesday before it
    (i,) = pipeline.process(report("У селищі Середа мирний житель зазнав поранення.", "2024-05-17")).incidents
    assert (i.place.name, str(i.date), i.time_expression) == ("Sereda", "2024-05-17", "")
