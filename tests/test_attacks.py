"""Every place a report says was hit becomes its incident, read as an analyst reads it: cue
words in any spelling and form, attack frames with no weapon named, interceptions, the items of
an attack's list, and the places of a report that tells an attack (issue: events as an analyst
reads them). The sentences are invented for these tests."""

import pytest

from mapper.events import classify
from tests.conftest import report


# -- cause 1: one folding, compounds, word forms of lemmas ----------------------------------------

@pytest.mark.parametrize("sentence, etype", [
    ("Зафіксовано 8 прилётов по околицях", "shelling"),  # ё folded as the cue table is
    ("Прилёты зафиксированы у окраин", "shelling"),
    ("Артобстрел окраины продолжался всю ночь", "shelling"),  # a compound: арт + обстрел
    ("Минобстрел позиций у границы", "shelling"),
    ("Ночной авианалёт на город", "air_drone_strike"),
    ("Контратака противника отбита", "battle"),
    ("Снаряд влучив у будинок культури", "shelling"),  # Ukrainian verb forms of «влучити»
    ("Два снаряди влучили в ангар", "shelling"),
    ("Ворог поцілив у склад", "shelling"),
    ("Окупанти гатили по околицях", "shelling"),
    ("Постраждала жінка 60 років", "civilian_casualties"),  # «постраждати»
    ("Пострадал мирный житель", "civilian_casualties"),
    ("Травмовано двох чоловіків", "civilian_casualties"),
    ("Росіяни атакували ферму", "shelling"),
    ("Росіяни вдарили по громаді", "shelling"),  # «вдарити»
    ("Ворог скинув вибухівку на подвір'я", "air_drone_strike"),  # «скинути»: munitions dropped
    ("Дрон сбросил гранату на автомобиль", "air_drone_strike"),
    ("ВСУ выпустили более 30 снарядов", "shelling"),
])
def test_cue_words_in_any_spelling_and_form(sentence, etype):
    assert classify(sentence).type == etype


@pytest.mark.parametrize("sentence", [
    "Министр обороны прибыл с визитом",  # мин + истр: no cue after the prefix
    "Артем приехал к родителям",
    "Охранение объекта усилено",  # «ранен» inside a word is no cue
    "Билет на поезд подорожал",  # a lemma's form («били») is a whole word only
    "Авиабаза работает в штатном режиме",
])
def test_no_cue_inside_an_ordinary_word(sentence):
    assert classify(sentence) is None


# -- cause 2: attack frames and interceptions -----------------------------------------------------

@pytest.mark.parametrize("sentence", [
    "Під вогнем були околиці трьох сіл",
    "Під ударом опинилися дві громади",
    "Под огнём оказались окраины поселка",
    "Поселок попал под удар ночью",
    "Терористи били по околицях із самого ранку",
    "Окупанти били у напрямку прикордонних сіл",
    "The village came under fire overnight",
    "Two houses were hit on Sunday",
    "Several farms were struck in the morning",
    "A school was targeted again",
])
def test_attack_frames_are_shelling_inferred_from_a_frame(sentence):
    et = classify(sentence)
    assert (et.type, et.inferred) == ("shelling", "frame")


@pytest.mark.parametrize("sentence", [
    "Над районом сбили два беспилотника",
    "ППО збила ракету над містом",
    "ПВО сработала над городом",
    "РЭБ подавила дрон у окраин",
    "Силами ППО знешкоджено п'ять шахедів",
    "A drone was shot down over the district",
    "Two missiles were intercepted overnight",
    "Air defence downed a drone near the border",
    "Дежурными средствами перехвачены три ракеты",
    "Дрон перехоплено над селом",
    "Над территорией области уничтожены 12 беспилотников",  # no air-defence word: the verb and the drone
    "Знищено п'ять ударних БпЛА",
    "Troops destroyed three drones overnight",
])
def test_interceptions_are_events(sentence):
    assert classify(sentence).type == "interception"


@pytest.mark.parametrize("sentence, etype", [
    ("В результате атаки дрона уничтожен автомобиль", "air_drone_strike"),  # what the drone destroyed
    ("Ракетный удар уничтожил склад", "missile_strike"),
])
def test_what_a_strike_destroys_is_no_interception(sentence, etype):
    assert classify(sentence).type == etype


def test_interception_is_acled_disrupted_weapons_use():
    from mapper.events import event_type

    et = event_type("interception")
    assert (et.acled, et.acled_sub) == ("Strategic developments", "Disrupted weapons use")


# -- cause 3: the places of an attack's lists and of a report that tells an attack ----------------

def incidents(pipeline, text, **kw):
    return [i for i in pipeline.process(report(text, **kw)).incidents if i.kind == "incident"]


def by_place(found):
    return {i.place.name: i for i in found}


@pytest.mark.parametrize("text, places, etype", [
    ("Упродовж доби ворог обстріляв прикордоння.\nКраснопілля (4 рази), Білопілля (двічі), Есмань (6 разів).",
     {"Krasnopillya", "Bilopillia", "Esman"}, "shelling"),
    ("Russian forces shelled the border area overnight.\nGlotovo (3 times), Tetkino (twice).",
     {"Glotovo", "Tëtkino"}, "shelling"),
    ("Зафиксированы обстрелы приграничья.\nГлотово — 5 раз, Теткино — 2 раза.", {"Glotovo", "Tëtkino"}, "shelling"),
    ("Ворог атакував дронами прикордонні громади.\nВелика Писарівка (7), Краснопілля (3).",
     {"Velyka Pysarivka", "Krasnopillya"}, "air_drone_strike"),
    ("Дроны-камикадзе атаковали приграничье.\nГлотово (двічі), Теткино тричі.", {"Glotovo", "Tëtkino"},
     "air_drone_strike"),
])
def test_counted_places_take_the_attack_of_their_list(pipeline, text, places, etype):
    found = by_place(incidents(pipeline, text))
    assert places <= set(found)
    for name in places:
        assert found[name].event_type == etype and found[name].inferred_from == "list"
        assert found[name].confidence < 1.0


@pytest.mark.parametrize("text, place", [
    ("Ворог скинув вибухівку з дрона на Білопілля. Ситуація в Есмані напружена.", "Esman"),
    ("Drones attacked Shebekino overnight. Residents of Glotovo heard it too.", "Glotovo"),
    ("Ночью обстреляли Шебекино. Жители Глотово остались без сна.", "Glotovo"),
    ("Краснопілля обстріляли з мінометів. Мешканці Есмані ховалися в укриттях.", "Esman"),
])
def test_a_report_that_tells_an_attack_reports_it_at_its_other_places(pipeline, text, place):
    found = by_place(incidents(pipeline, text))
    assert found[place].inferred_from == "report"
    assert found[place].event_type in ("shelling", "air_drone_strike")


@pytest.mark.parametrize("text, hit, aside", [
    ("Обстріли Краснопілля велися з боку Бєлгорода.", "Krasnopillya", "Belgorod"),  # where fire came from
    ("The shelling of Glotovo came from the direction of Tetkino.", "Glotovo", "Tëtkino"),
    ("Обстрел Глотово вёлся со стороны Краснопілля.", "Glotovo", "Krasnopillya"),
    ("Обстріл Есмані вівся з боку російського Глушкова.", "Esman", "Glushkovo"),
    ("Drones hit Glotovo; the wounded man was taken to hospital in Rylsk.", "Glotovo", "Rylsk"),
    ("Обстріляли Білопілля, поранену доставили до лікарні в Сумах.", "Bilopillia", "Sumy"),
    ("Shelling of Glotovo overnight. Officials in Belgorod gave no details.", "Glotovo", "Belgorod"),
])
def test_a_place_beside_the_attack_is_no_incident(pipeline, text, hit, aside):
    found = by_place(incidents(pipeline, text))
    assert hit in found and aside not in found


def test_a_place_after_a_weapons_acronym_is_the_place(pipeline):
    found = by_place(incidents(pipeline, "Вночі окупанти атакували ударними БпЛА Харків."))
    assert found["Kharkiv"].event_type == "air_drone_strike"


def test_a_place_two_words_after_the_side_fire_came_from_is_where_it_landed(pipeline):
    assert "Glotovo" in by_place(incidents(pipeline, "Со стороны Украины обстреляли Глотово."))


def test_a_report_that_tells_no_attack_infers_nothing(pipeline):
    found = incidents(pipeline, "Шебекино готовится к празднику. В Глотово открыли школу после ремонта.")
    assert all(i.inferred_from == "" for i in found)


def test_inferred_from_is_in_every_output(pipeline):
    from mapper import export

    res = pipeline.process(report("Ночью обстреляли Шебекино. Жители Глотово остались без сна."))
    (glotovo,) = [i for i in res.incidents if i.place.name == "Glotovo"]
    assert export.properties(glotovo)["inferred_from"] == "report"
    assert "inferred from the report" in export.notes(glotovo)
    csv = export.csv_text(res.incidents)
    assert csv.splitlines()[0].endswith(",inferred_from")


# -- cause 5: each language's spelling of the other side's places ---------------------------------

@pytest.mark.parametrize("text, place", [
    ("ЗСУ вдарили по Шебекіному вночі.", "Shebekino"),
    ("У Шебекіне пошкоджено будинки.", "Shebekino"),
    ("У Рильську пролунали вибухи.", "Ryl’sk"),
    ("Дрони атакували Рильськ.", "Ryl’sk"),
    ("Обстріляли Нову Таволжанку.", "Novaya Tavolzhanka"),
    ("Вибухи в Глушковому.", "Glushkovo"),
])
def test_a_ukrainian_report_finds_russian_villages_in_ukrainian_spelling(pipeline, text, place):
    assert place in by_place(incidents(pipeline, text))


@pytest.mark.parametrize("text, hromada", [
    ("Обстрелу подверглись населённые пункты Юнаковской общины.", "Yunakivska hromada"),
    ("В Краснопольской общине повреждена линия электропередачи.", "Krasnopilska hromada"),
    ("Обстрелы Белопольской общины продолжаются.", "Bilopilska hromada"),
    ("Удары по территории Эсманской общины.", "Esmanska hromada"),
    ("Обстрелы Хотинской общины.", "Khotinska hromada"),
])
def test_a_russian_report_finds_ukrainian_hromadas_in_russian_spelling(pipeline, text, hromada):
    found = by_place(incidents(pipeline, text))
    assert hromada in found and found[hromada].place.admin1_name == "Sumy Oblast"
