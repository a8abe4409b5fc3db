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
