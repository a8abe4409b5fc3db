"""Recognition: which spans of a report name places, and why the others do not."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mapper.recognize import Recognizer
from tests.conftest import report


@pytest.fixture(scope="module")
def rec(gaz):
    return Recognizer(gaz)


def accepted(rec, text):
    return [m.text for m in rec.recognize(text).accepted]


def rejected(rec, text):
    return {m.text: m.reason for m in rec.recognize(text).mentions if m.role == "rejected"}


def test_seed_places_are_found(seed_result):
    found = {m.text for m in seed_result.recognition.accepted}
    for name in ("Grayvoron", "Kozinka", "Borisovka", "Graivoronsk region", "Belgorod region", "Kharkiv region"):
        assert name in found


@pytest.mark.parametrize(
    "text, name, reason",
    [
        ("Obtain the latest update from the Kyiv Post’s news reports today.", "Kyiv", "organisation"),
        ("Video published by the state-controlled Ria Novosti television channel.", "Ria", "organisation"),
        ("They contradicted that Moscow official line.", "Moscow", "actor"),
        ("Moscow's official line is different.", "Moscow", "actor"),
        ("They fought government troops sent by Moscow.", "Moscow", "actor"),
        ("Kyiv is urgently trying to change the narrative.", "Kyiv", "actor"),
        ("Vyacheslav Gladkov, governor of the region, spoke.", "Vyacheslav", "given name"),
        ("A direct appointee of President Vladimir Putin spoke.", "Vladimir", "person"),
        ("Губернатор Иван Козинка сообщил об обстреле.", "Козинка", "person"),
        ("Chechnya units were seen moving through Kupiansk", "Chechnya", "actor"),
        ("Tank and TOS-1 in Pervomaisk", "TOS", "acronym"),
        ("Damaged School in Kharkiv", "School", "common word"),
        ("Shelling resumed in March near Kupiansk", "March", "date word"),  # March is a town in England
        ("Officials named the dead man as Ivan Kozinka, a tractor driver.", "Kozinka", "given name 'Ivan'"),
        ("Officials named the dead man as Ivan Kozinka, a tractor driver.", "Ivan", "given name"),
        ("Жителька Анна Грайворон розповіла про обстріл.", "Грайворон", "given name 'Анна'"),
    ],
)
def test_what_is_not_a_location(rec, text, name, reason):
    rej = rejected(rec, text)
    assert name in rej and reason in rej[name]


@pytest.mark.parametrize("text, name", [
    ("У селищі Середа мирний житель зазнав поранення.", "Середа"),  # a weekday (Wednesday) as a village
    ("Обстріляли н.п. Середа.", "Середа"),
    ("Shelling hit the village of May.", "May"),
])
def test_after_a_kind_of_settlement_a_date_word_is_a_place(rec, text, name):
    assert name in accepted(rec, text)


def test_links_handles_and_tweet_signatures_are_masked(rec):
    text = ("Roads in Belgorod region are good. pic.twitter.com/ZnoNYVdOta — Alex Bond (@Kharkiv) May 23, 2023 "
            "see https://kharkiv.example/Sumy")
    assert accepted(rec, text) == ["Belgorod region"]


def test_links_are_masked_whatever_their_case(rec):
    text = "Shelling hit Kozinka. Video: HTTPS://T.ME/Sumy_news/123 and WWW.Kharkiv.example/Izium"
    assert accepted(rec, text) == ["Kozinka"]


def test_sidebar_teasers_are_not_the_report(rec):
    text = ("Fourteen villages lost power. Similar topics of Interest Ukraine Urges EU to Unblock Aid in "
            "January Kyiv is trying to change the narrative in Washington. Shelling hit Kozinka.")
    assert accepted(rec, text) == ["Kozinka"]


@pytest.mark.parametrize("teaser", ["READ ALSO: Shelling in Kupiansk.", "\n\n   Read more: Drones over Sumy.",
                                    "Читайте также: обстрел Белгорода."])
def test_a_teaser_is_one_in_any_case_and_after_any_space(rec, teaser):
    assert accepted(rec, f"Shelling hit Kozinka. {teaser}") == ["Kozinka"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Обстрел в Грайвороне и Козинке.", ["Грайвороне", "Козинке"]),
        ("Ситуация в Белгородской области остаётся сложной.", ["Белгородской области"]),
        ("Вибухи у Вовчанську та з Харкова.", ["Вовчанську", "Харкова"]),
        ("Дрон атакував Грайворонський район.", None),
        ("В Грайворонском городском округе обесточены 14 сёл.", ["Грайворонском городском округе"]),
        ("Обстрел в Белгородской обл. продолжается.", ["Белгородской обл"]),
    ],
)
def test_cyrillic_inflection(rec, text, expected):
    got = accepted(rec, text)
    if expected is None:
        assert got  # at least the district is found
    else:
        assert got == expected


def test_common_word_needs_a_place_cue(rec):
    assert "Vesele" in accepted(rec, "Large fire in Vesele")
    assert "Tank" not in accepted(rec, "Tank moving towards the border")


def test_misspelling_after_a_place_cue_is_matched_fuzzily(rec):
    r = rec.recognize("Windows were broken in the village of Malaya Rohan overnight")
    (m,) = r.accepted
    assert m.text == "Malaya Rohan" and m.reason.startswith("fuzzy")


def test_all_lowercase_posts_still_find_places(rec):
    assert "kharkiv" in accepted(rec, "explosions in kharkiv tonight, shelling near vovchansk")


def test_words_keep_their_offsets_and_possessives_end_at_the_name():
    from mapper.text import tokenize

    text = "Moscow's line: shelling near Kozinka’s school, 3 km; l'Aquila.\nВ Грайвороне"
    tk = tokenize(text)
    assert tk.words == ("Moscow", "line", "shelling", "near", "Kozinka", "school", "km", "l'Aquila", "В",
                        "Грайвороне")
    assert [text[a:b] for a, b in zip(tk.start, tk.end)] == list(tk.words)
    assert tk.possessive[0] and tk.possessive[4] and not any(tk.possessive[5:])
    assert not tk.spaced(0)  # "Moscow's line": the 's is between them
    assert tk.spaced(3) and not tk.spaced(7)  # "near Kozinka"; the line break before "В"
    assert tk.key[-1] == "грайвороне"  # as written: the gazetteer knows the case forms


def test_index_probes_memory_keys_and_the_automatic_switch_agree(gaz, seed_report):
    texts = [seed_report.text, "Explosions in kharkiv tonight, shelling near vovchansk",
             "В Грайвороне и Белгородской области слышны взрывы"]
    by_index = Recognizer(gaz)
    in_memory = Recognizer(gaz, preload=True)
    auto = Recognizer(gaz, preload="auto")
    auto.AUTO_PRELOAD_AFTER = 5
    for text in texts:
        expected = by_index.recognize(text)
        assert in_memory.recognize(text) == expected
        assert auto.recognize(text) == expected
    assert auto.preloaded and not by_index.preloaded  # the switch happened, once needed


@pytest.mark.parametrize("text, sentences", [
    ("Обстріл у напрямку н.п. Сеньківка. Наступного дня тихо.", 2),  # населений пункт
    ("Ворог атакував с. Грем'яч і м. Семенівка. Постраждалих немає.", 2),  # село, місто
    ("Голова ОВА В. Живицький повідомив про обстріл. Усе.", 2),  # an initial
    ("Обстрелу подвергся г. Шебекино и пос. Маслова Пристань. Пострадавших нет.", 2),
    ("Gov. Gladkov said a drone hit Glotovo. Later, the U.S. embassy said nothing.", 2),
    ("It happened on Jan. 5 in Sumy. Then it stopped.", 2),
    ("The convoy drove 500 m. Then it stopped.", 2),  # metres after a number end a sentence
    ("Shelling hit Sumy. Drones hit Kharkiv.", 2),
    ("Обстріляли с.\nНаступного дня тихо.", 2),  # a line break still ends one
])
def test_a_full_stop_after_an_abbreviation_ends_no_sentence(text, sentences):
    from mapper.text import split_sentences

    assert len(split_sentences(text)) == sentences


@pytest.mark.parametrize("data", [
    {}, {"words": "gov"}, {"words": ["Gov"]}, {"words": ["gov."]}, {"words": ["н. п"]}, {"words": [""]}, {"words": [3]},
])
def test_an_abbreviations_file_of_the_wrong_shape_is_refused(data):
    from mapper.text import load_abbreviations

    with pytest.raises(ValueError, match="abbreviations.toml"):
        load_abbreviations(data)


def test_a_village_after_an_abbreviation_keeps_its_sentences_event(pipeline):
    res = pipeline.process(report("Ворог обстріляв з мінометів н.п. Сеньківка Чернігівської області."))
    assert [(i.place.name, i.event_type) for i in res.incidents] == [("Senkivka", "shelling")]


def _sentences_by_full_scan(text):
    """The specification of split_sentences: every match of the sentence-end pattern, but a
    full stop after an abbreviation that no line break follows."""
    from mapper.text import SENTENCE_END, abbreviation_before

    out, pos = [], 0
    for m in SENTENCE_END.finditer(text):
        if text[m.start() - 1:m.start()] == "." and "\n" not in m.group(0) and abbreviation_before(text, m.start()):
            continue
        if text[pos:m.start()].strip():
            out.append((pos, m.start()))
        pos = m.end()
    if text[pos:].strip():
        out.append((pos, len(text)))
    return out


@given(st.text(alphabet=list("ab .!?…:\n\"”»'’)“«([ ABZ09-•*#>\t") + ["А", "ё"], max_size=40))
@settings(max_examples=3000, deadline=None)
def test_sentence_ends_are_those_of_a_full_scan(text):
    from mapper.text import split_sentences

    assert split_sentences(text) == _sentences_by_full_scan(text)


def _title_words_by_full_scan(tk, lo, hi):
    """The specification of TitleCase: a left-to-right scan of the sentence for runs."""
    from mapper.lexicon import Lexicon

    small_words = Lexicon().title_small_words

    long_words = [k for k in range(lo, hi) if len(tk.words[k]) >= 4]
    if len(long_words) >= 6 and sum(tk.caps[k] for k in long_words) >= 0.6 * len(long_words):
        return set(range(lo, hi))
    out, run, caps = set(), [], 0
    for k in range(lo, hi):
        joined = k == lo or "\n" not in tk.gaps[k]
        if tk.caps[k] and joined:
            run.append(k)
            caps += 1
        elif tk.lower[k] in small_words and run and joined:
            run.append(k)
        else:
            if caps >= 4:
                out.update(run)
            run, caps = ([k], 1) if tk.caps[k] else ([], 0)
    if caps >= 4:
        out.update(run)
    return out


@given(st.lists(st.sampled_from(["Belgorod", "Raid", "Ends", "to", "be", "of", "the", "village", "was",
                                 "hit", "A", "Over"]), max_size=16),
       st.lists(st.sampled_from([" ", " ", " ", "\n", ", "]), min_size=16, max_size=16),
       st.integers(0, 3), st.integers(0, 3))
@pytest.mark.slow  # more than a few seconds: `-m 'not slow'` leaves it out
@settings(max_examples=3000, deadline=None)
def test_title_case_words_are_those_of_a_full_scan(words, gaps, skip_start, skip_end):
    from mapper.lexicon import Lexicon
    from mapper.recognize import TitleCase
    from mapper.text import tokenize

    tk = tokenize("".join(w + g for w, g in zip(words, gaps)))
    lo, hi = min(skip_start, len(tk)), max(min(skip_start, len(tk)), len(tk) - skip_end)
    in_title = TitleCase(tk, lo, hi, Lexicon().title_small_words)
    assert {i for i in range(lo, hi) if in_title(i)} == _title_words_by_full_scan(tk, lo, hi)


@given(st.lists(st.sampled_from(list("ab —–-(@)\n\t,") + ["(@x) May 23, 2023", "— Name (@h)", "x" * 40, " " * 30,
                                                          "\n  \n"]), max_size=30).map("".join))
@settings(max_examples=3000, deadline=None)
def test_tweet_signatures_are_those_of_a_full_scan(text):
    from mapper.text import MASKS, mask

    signature = dict(MASKS)["tweet signature"]
    expected = [(m.start(), m.end()) for m in signature.finditer(text)] if "@" in text else []
    assert [(a, b) for a, b, why in mask(text)[1] if why == "tweet signature"] == expected


@pytest.mark.parametrize("change, complaint", [
    (lambda d: d.pop("near"), "missing tables ['near']"),
    (lambda d: d.update(nera=["near"]), "unknown tables ['nera']"),
    (lambda d: d.update(near="near"), "near must be a list"),
    (lambda d: d.update(near=["near", 3]), "near must be a list"),
])
def test_a_lexicon_of_the_wrong_shape_is_refused_at_load(change, complaint):
    import tomllib
    from importlib.resources import files

    from mapper.lexicon import Lexicon

    data = tomllib.loads((files("mapper") / "data" / "lexicon.toml").read_text(encoding="utf-8"))
    change(data)
    with pytest.raises(ValueError, match=re.escape(complaint)):
        Lexicon(data)


@pytest.mark.parametrize("text, place, code", [
    ("Ворог обстріляв Харківщину.", "Kharkiv Oblast", "ADM1"),  # a village Харківщина exists
    ("На Харківщині пошкоджено лінію електропередач.", "Kharkiv Oblast", "ADM1"),
    ("Обстріли Харківщини тривали всю ніч.", "Kharkiv Oblast", "ADM1"),
    ("На Сумщині пошкоджено підстанцію.", "Sumy Oblast", "ADM1"),
    ("Обстріл Чернігівщини з мінометів.", "Chernihiv Oblast", "ADM1"),
    ("Дрони атакували Білгородщину.", "Belgorod Oblast", "ADM1"),  # a Ukrainian stem of a Russian oblast
    ("Обстрелы Курщины не прекращаются.", "Kursk Oblast", "ADM1"),
    ("На Брянщине сбили дрон.", "Bryansk Oblast", "ADM1"),
    ("Обстріли Донеччини посилилися.", "Donetsk Oblast", "ADM1"),
    ("Белгородчина под обстрелом.", "Belgorod Oblast", "ADM1"),
    ("Shelling in Kharkivshchyna overnight.", "Kharkiv Oblast", "ADM1"),
    ("На Краснопільщині лунали вибухи.", "Krasnopilska hromada", "ADM3"),  # a hromada's
])
def test_a_colloquial_region_name_is_the_region(pipeline, text, place, code):
    (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    assert (i.place.name, i.place.feature_code) == (place, code)


@pytest.mark.parametrize("text, actor", [
    ("Брянский губернатор сообщил об атаке дронов на Климово.", "Брянский"),
    ("Belgorod authorities reported shelling of Shebekino.", "Belgorod"),
    ("Белгородский оперштаб сообщил об обстреле Шебекино.", "Белгородский"),
    ("Сумська влада повідомила про обстріл Есмані.", "Сумська"),
])
def test_a_regions_adjective_before_an_official_is_an_actor(pipeline, text, actor):
    res = pipeline.process(report(text))
    assert actor not in {m.text for m in res.recognition.mentions if m.role == "place"}
    assert [i for i in res.incidents if i.kind == "incident"]


def test_a_place_named_before_officials_after_a_preposition_stays_a_place(pipeline):
    res = pipeline.process(report("В Белгороде власти объявили тревогу после обстрела."))
    assert [i.place.name for i in res.incidents if i.kind == "incident"] == ["Belgorod"]


@pytest.mark.parametrize("text, place, aside", [
    ("KHARKIV, Ukraine (AP) — Russian shelling hit Vovchansk on Monday.", "Vovchansk", "Kharkiv"),
    ("KYIV (Reuters) - Russian drones struck Kupiansk overnight.", "Kupiansk", "Kyiv"),
    ("SUMY — Russian drones hit Bilopillia overnight.", "Bilopillia", "Sumy"),
    ("Talks in Istanbul ended as shelling of Kupiansk continued.", "Kupiansk", "Istanbul"),
    ("Переговоры в Стамбуле закончились, обстрел Волчанска продолжился.", "Vovchansk", "Istanbul"),
    ("Після зустрічі у Женеві ворог обстріляв Куп'янськ.", "Kupyansk", "Geneva"),
])
def test_a_dateline_or_a_venue_is_no_incident_place(pipeline, text, place, aside):
    names = {i.place.name for i in pipeline.process(report(text)).incidents if i.kind == "incident"}
    assert place in names and aside not in names


def test_a_place_opening_a_sentence_of_its_own_is_still_a_place(pipeline):
    names = {i.place.name for i in pipeline.process(report("Kharkiv was shelled — two people were hurt.")).incidents}
    assert names == {"Kharkiv"}


@pytest.mark.parametrize("text, place, axis", [
    ("На Новопавлівському напрямку ворог атакував поблизу Котлиного.", "Kotlyne", "Novopavlivske"),
    ("Fighting continued in the Vovchansk direction near Starytsia.", "Starytsia", "Vovchansk"),
    ("На Покровском направлении противник атаковал у Котлиного.", "Kotlyne", "Pokrovsk"),
])
def test_an_axis_of_advance_places_the_report_but_is_no_incident_place(pipeline, text, place, axis):
    res = pipeline.process(report(text))
    assert place in {i.place.name for i in res.incidents if i.kind == "incident"}
    assert axis not in {i.place.name for i in res.incidents if i.kind == "incident"}
    assert any(m.axis for m in res.recognition.mentions)
