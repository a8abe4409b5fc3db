"""Event types from cue words, in the three languages, including short captions."""

import pytest

from mapper.events import classify, fatalities


@pytest.mark.parametrize(
    "sentence, etype",
    [
        ("Tanks moving towards the border", "incursion"),
        ("Damaged kindergarten in Kharkiv", "infrastructure"),
        ("Fighters were constructing battle fortifications on Tuesday", "fortification"),
        ("Fourteen villages are completely without power", "infrastructure"),
        ("Audio seemed to show small arms firefights were still in progress", "battle"),
        ("Drones dropped grenades on two private homes", "air_drone_strike"),
        ("Heavy shelling of Kupiansk resumed at dawn", "shelling"),
        ("A missile strike destroyed a fuel depot near Valuyki", "missile_strike"),
        ("An explosion was heard near the bridge in Shebekino", "explosion"),
        ("Buses began the evacuation of families from Vovchansk", "evacuation"),
        ("A column of military vehicles was filmed on a road near Rylsk", "military_presence"),
        ("The governor said the situation was under control", "statement"),
        ("Обстрел Белгорода из артиллерии", "shelling"),
        ("Беспилотник атаковал подстанцию", "air_drone_strike"),
        ("Обстріл Харкова", "shelling"),
        ("Евакуація мешканців Вовчанська", "evacuation"),
        ("Дві «герані» поцілили по будівлі школи", "air_drone_strike"),  # a drone named in any case form
        ("Ночью герани атаковали подстанцию", "air_drone_strike"),
        ("Снаряд поцілив у склад", "shelling"),  # «поцілити», to hit
    ],
)
def test_event_types(sentence, etype):
    assert classify(sentence).type == etype


def test_no_cue_no_event():
    assert classify("I must say that roads in Belgorod region are pretty good.") is None


@pytest.mark.parametrize("sentence, n", [("Three civilians were killed in Kozinka", 3),
                                         ("The strike killed 2 people", 2), ("Nobody was hurt", None)])
def test_fatalities_when_stated(sentence, n):
    assert fatalities(sentence) == n


def test_cues_match_at_word_starts_only():
    # "shell" inside "nutshell" is no shelling; "shelled" is
    assert classify("In a nutshell, the talks went nowhere") is None
    assert classify("Artillery shelled the village at dawn").type == "shelling"


def test_the_higher_priority_cue_wins_wherever_it_stands():
    # a missile strike outranks the shelling named before it in the same sentence
    et = classify("After hours of shelling, a missile hit the depot")
    assert (et.type, et.cue) == ("missile_strike", "missile")


def test_the_lemmas_word_forms_are_those_pymorphy3_makes():
    """cue_forms.json is made by python -m mapper.build_cues: it holds every lemma of
    events.toml, with the forms pymorphy3 makes of it today."""
    import json
    import tomllib
    from importlib.resources import files

    from mapper.build_cues import lemma_forms, lemmas_of

    data = files("mapper") / "data"
    lemmas = lemmas_of(tomllib.loads((data / "events.toml").read_text(encoding="utf-8")))
    assert json.loads((data / "cue_forms.json").read_text(encoding="utf-8")) == lemma_forms(lemmas)


@pytest.mark.parametrize("change, message", [
    (lambda d: d["event"][0].update(lemmas=["xx:word"]), "is not 'uk:word'"),
    (lambda d: d["event"][0].update(lemmas=["uk:небувале"]), "has no word forms"),
    (lambda d: d["event"][0].update(frames=[""]), "non-empty strings"),
    (lambda d: d["inference"].update(counted=["(unclosed"]), "malformed"),
    (lambda d: d["event"][0].update(attack="yes"), "attack true or false"),
    (lambda d: d.pop("compound_prefixes"), "malformed"),
])
def test_a_malformed_cue_table_is_refused_with_its_reason(change, message):
    import json
    import tomllib
    from importlib.resources import files

    from mapper.errors import MapperError
    from mapper.events import FORMS_FILE, load_table

    data = files("mapper") / "data"
    table = tomllib.loads((data / "events.toml").read_text(encoding="utf-8"))
    forms = json.loads((data / FORMS_FILE).read_text(encoding="utf-8"))
    change(table)
    with pytest.raises(MapperError, match=message):
        load_table(table, forms)
