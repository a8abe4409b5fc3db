"""Who says so: every incident carries the claimant its sentence, paragraph or bulletin names,
how surely it is worded, and across a feed which reports say the same or the opposite."""

import json

import pytest

from mapper.claims import lexicon
from tests.conftest import report


@pytest.mark.parametrize("sentence, claimant, side", [
    ("Governor Vyacheslav Gladkov said a drone hit a house in Glotovo.", "Belgorod governor", "ru_official"),
    ("According to the Russian Ministry of Defence, the attack on Tetkino was repelled.", "Russian MoD", "ru_official"),
    ("Astra reported explosions near Shebekino overnight.", "Astra", "independent"),
    ("Pro-Ukrainian channels said fighters were digging in near Kozinka.", "Pro-Ukrainian channels", "other"),
    ("По данным Минобороны, беспилотник сбит над Белгородом.", "Russian MoD", "ru_official"),
    ("Губернатор Белгородской области сообщил об обстреле Шебекино.", "Belgorod governor", "ru_official"),
    ("Хинштейн заявил, что в Судже продолжается эвакуация.", "Kursk governor", "ru_official"),
    ("Сумська ОВА повідомляє про обстріл Хотіня.", "Sumy Oblast Military Administration", "ua_official"),
    ("За даними Генштабу, ворог атакував біля Вовчанська.", "Ukrainian General Staff", "ua_official"),
    ("Синєгубов повідомив, що вночі було обстріляно Куп'янськ.", "Kharkiv Oblast Military Administration", "ua_official"),
    # an acronym beside a name is written in any case
    ("According to Ria Novosti, a drone was shot down over Belgorod.", "Russian state media", "ru_official"),
    ("По данным Риа Новости, над Белгородом сбит беспилотник.", "Russian state media", "ru_official"),
])
def test_a_sentence_names_its_claimant(sentence, claimant, side):
    (c,) = [c for c in lexicon().sentence(sentence) if c.claimant]
    assert (c.claimant.name, c.claimant.side) == (claimant, side)
    assert c.span and c.span in " ".join(sentence.split())


@pytest.mark.parametrize("sentence", [
    "Drones hit Glotovo overnight.",  # nobody says so
    "Gladkov visited Glotovo on Monday.",  # a claimant, but no claim
    "Competing Claims Remain Over Kozinka",  # "claims" as a noun attributes nothing
    "The rap band Ap said hello to Sumy.",  # an acronym (AP) is matched in capitals only
    "Мо рф said hello to Sumy.",  # and so is a phrase of acronyms only (МО РФ)
])
def test_a_sentence_without_an_attribution_has_no_claimant(sentence):
    assert [c.claimant for c in lexicon().sentence(sentence)] == [None]


@pytest.mark.parametrize("sentence, hedged", [
    ("Shelling allegedly hit Kozinka.", True),
    ("Kozinka was reportedly shelled overnight.", True),
    ("По неподтверждённым данным, в Глотово прилёт.", True),
    ("Козинку якобы обстреляли ночью.", True),
    ("Хотінь нібито обстріляли вночі.", True),
    ("Shelling hit Kozinka.", False),
])
def test_hedged_wording_is_marked(sentence, hedged):
    assert lexicon().sentence(sentence)[0].hedged is hedged


def test_hedged_incidents_are_less_sure(pipeline):
    def conf(text):
        (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
        return i

    plain, hedged = conf("Shelling hit Kozinka on Monday."), conf("Shelling allegedly hit Kozinka on Monday.")
    assert hedged.hedged and not plain.hedged and hedged.confidence < plain.confidence


def test_two_claims_in_one_sentence_go_to_the_places_each_introduces(pipeline):
    text = "Astra reported explosions in Shebekino, and pro-Ukrainian channels said fighters held Kozinka."
    got = {i.place.name: i.claimed_by for i in pipeline.process(report(text)).incidents if i.kind == "incident"}
    assert got == {"Shebekino": "Astra", "Kozinka": "Pro-Ukrainian channels"}


def test_a_paragraph_keeps_its_claimant_and_the_next_one_takes_the_reports(pipeline):
    text = ("Gladkov said the situation in the region was difficult. Drones hit Glotovo overnight.\n\n"
            "Astra reported shelling in Shebekino. Shelling damaged houses in Kozinka.\n\n"
            "Gladkov added that Tetkino was hit by a drone.\n\nA fire broke out in Grayvoron.")
    got = {i.place.name: i.claimed_by for i in pipeline.process(report(text)).incidents if i.kind == "incident"}
    assert got == {"Glotovo": "Belgorod governor", "Shebekino": "Astra", "Kozinka": "Astra",
                   "Tëtkino": "Belgorod governor", "Grayvoron": "Belgorod governor"}


FILLER = "The weather was cold. "


@pytest.mark.parametrize("text, claimed_by", [
    # the claimant of the sentence before the one naming no claimant
    ("Astra reported that the night was loud. " + FILLER * 5 + "Drones hit Glotovo.", "Astra"),
    # further back than PARAGRAPH_REACH sentences: the report's
    ("Gladkov said it was calm. Astra reported that the night was loud. " + FILLER * 6 + "Drones hit Glotovo.",
     "Belgorod governor"),
    # a claimant named without a claim is passed over for the one before it
    ("Astra reported that the night was loud. Gladkov visited a school. Drones hit Glotovo.", "Astra"),
    # the nearest of two
    ("Astra reported a loud night. Gladkov said it was calm. Drones hit Glotovo.", "Belgorod governor"),
])
def test_a_sentence_naming_nobody_takes_the_last_claimant_within_reach(pipeline, text, claimed_by):
    (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert i.claimed_by == claimed_by


@pytest.mark.parametrize("text, source, claimant", [
    ("Гладков: за прошедшие сутки обстрелам подверглись Шебекино и Глотово.\n\nВ Шебекино повреждены дома.",
     "", "Belgorod governor"),
    ("Обстріляли Хотінь та Юнаківку.", "Сумська ОВА", "Sumy Oblast Military Administration"),
])
def test_a_bulletins_author_attributes_the_whole_bulletin(pipeline, text, source, claimant):
    from dataclasses import replace

    res = pipeline.process(replace(report(text), source=source))
    incs = [i for i in res.incidents if i.kind == "incident"]
    assert incs and {i.claimed_by for i in incs} == {claimant}


@pytest.mark.parametrize("text, claimant", [
    # the attribution after the retold content
    ("Обстріляли Есмань і Хотінь.\n\nПошкоджено лінію електропередач у Краснопіллі.\n\n"
     "Про це повідомили в Сумській ОВА.", "Sumy Oblast Military Administration"),
    # after a quote
    ("«Ворог атакував Білопілля дронами. Пошкоджено склад у Есмані», — написав керівник Сумської ОВА.",
     "Sumy Oblast Military Administration"),
    # in the second sentence
    ("Ночью обстреляли Шебекино. Об этом сообщил глава региона Вячеслав Гладков.\n\nВ Глотово повреждены дома.",
     "Belgorod governor"),
    # at the end, in English
    ("Shelling hit Glotovo overnight.\n\nTwo houses were damaged in Tetkino.\n\nStarovoit wrote on Telegram.",
     "Kursk governor"),
    # a title standing for the named official beside it, however far the verb
    ("Ночью обстреляли Шебекино, сообщил временно исполняющий обязанности губернатора Вячеслав Гладков.",
     "Belgorod governor"),
    # a title alone
    ("Глотово обстреляли дроны. Об этом сообщил глава региона.", "Russian regional governor"),
    ("Обстріляли Есмань. Про це написали у ОВА.", "Ukrainian regional military administration"),
    # the claimant most sentences attribute their words to
    ("Astra reported a drone over Glotovo. Gladkov said Shebekino was shelled. Gladkov said a house burned."
     "\n\nTetkino was shelled too.", "Belgorod governor"),
    # a named claimant before a title elsewhere in the report
    ("Про це повідомили в ОВА. Синєгубов повідомив про обстріл.\n\nОбстріляли Вовчанськ.",
     "Kharkiv Oblast Military Administration"),
    ("The regional military administration reported on Facebook. Drones attacked Krasnopillia.\n\n"
     "The Sumy Oblast Military Administration said Esman was shelled.\n\nBilopillia was shelled twice.",
     "Sumy Oblast Military Administration"),
])
def test_a_retold_bulletin_is_its_authors_wherever_the_attribution_stands(pipeline, text, claimant):
    incs = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    last = incs[-1]
    assert incs and last.claimed_by == claimant


def test_the_seeds_incidents_carry_at_least_three_claimants(seed_result):
    incs = [i for i in seed_result.incidents if i.kind == "incident"]
    names = {i.claimed_by for i in incs}
    assert {"Belgorod governor", "Russian MoD"} <= names
    assert names & {"Astra", "Pro-Ukrainian channels"}
    assert len({i.claimant_side for i in incs} - {"unknown"}) >= 2


FEED = [
    ("r1", "Gladkov said fighting near Kozinka yesterday ended when the attackers were repelled."),
    ("r2", "The Russian defence ministry said fighting at Kozinka yesterday was repelled."),
    ("r3", "Astra reported fighting in Kozinka yesterday."),
    ("r4", "The Russian Volunteer Corps said fighting in Kozinka yesterday was still continuing."),
]


def _merged(runner, tmp_path, rows):
    from mapper.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": rid, "date": "2024-06-04", "text": t, "source": rid})
                              for rid, t in rows), encoding="utf-8")
    out = tmp_path / "out"
    r = runner.invoke(cli, ["batch", str(feed), "-o", str(out), "--merge", "-f", "geojson,csv", "--no-map", "--no-cache"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    feats = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))["features"]
    return [f["properties"] for f in feats if f["properties"]["place"] == "Kozinka"], out


def test_reports_of_one_place_and_day_corroborate(runner, tmp_path):
    (ev,), _ = _merged(runner, tmp_path, FEED[:3])
    assert ev["reports"] == 3 and ev["date"] == "2024-06-03"
    assert ev["claimants"].split("; ") == ["Belgorod governor", "Russian MoD", "Astra"]
    assert ev["contested"] is False


def test_opposite_sides_telling_different_outcomes_contest_the_event(runner, tmp_path):
    import pandas as pd

    (ev,), out = _merged(runner, tmp_path, FEED)
    assert ev["reports"] == 4 and ev["contested"] is True
    assert "Russian Volunteer Corps" in ev["claimants"]
    row = pd.read_csv(out / "incidents.csv").query("location == 'Kozinka'").iloc[0]
    assert "Astra" in row["source"] and "contested" in row["notes"]
    assert set(row["source_scale"].split("-")) >= {"Subnational", "National"}


def test_an_oblasts_report_corroborates_a_village_in_it_the_same_day(runner, tmp_path):
    rows = [("v", "Astra reported fighting in Kozinka yesterday."),
            ("o", "Gladkov said there was fighting in the Belgorod region yesterday.")]
    (ev,), out = _merged(runner, tmp_path, rows)
    assert ev["reports"] == 2 and ev["precision"] == "settlement"
    assert set(ev["claimants"].split("; ")) == {"Astra", "Belgorod governor"}
    feats = json.loads((out / "incidents.geojson").read_text(encoding="utf-8"))["features"]
    assert not [f for f in feats if f["properties"]["place"] == "Belgorod Oblast"]  # one event, not two


@pytest.mark.parametrize("sentence", ["Как передаёт ТАСС, обстрел продолжается.", "Как передает ТАСС, обстрел продолжается.",
                                      "Об этом сообщил Гладков.", "Про це повідомили в Сумській ОВА."])
def test_claim_phrases_fold_as_the_text_does(sentence):
    assert [c for c in lexicon().sentence(sentence) if c.claimant]
