"""Resolution: one place per mention, chosen by context, with confidence and precision."""

from gazetteer import haversine_km
from mapper.recognize import Recognizer
from mapper.resolve import Resolver, primary


def resolve(gaz, text):
    return Resolver(gaz).resolve(Recognizer(gaz).recognize(text))


def test_namesakes_are_chosen_by_their_neighbours(gaz):
    res = {r.mention.text: r for r in resolve(gaz, "Fighting in Grayvoron and Kozinka.")}
    k, g = res["Kozinka"].place, res["Grayvoron"].place
    assert haversine_km(k.lat, k.lon, g.lat, g.lon) < 15


def test_oblast_after_a_name_picks_the_namesake_inside_it(gaz):
    # eight Andriivkas in the gazetteer, one of them in Kharkiv Oblast
    (r, q) = resolve(gaz, "Artillery near Andriivka, Kharkiv Oblast")
    assert r.place.admin1_name == "Kharkiv Oblast"
    assert q.mention.role == "qualifier" and q.place.feature_code == "ADM1"


def test_a_name_with_no_namesake_in_its_oblast_falls_back_to_the_oblast(gaz):
    # Zalishchyky is a town of Ternopil Oblast, and none is in Kharkiv Oblast: say the oblast, not a wrong place
    assert not any(c.place.admin1_name == "Kharkiv Oblast" for c in gaz.lookup("Zalishchyky"))
    (q,) = resolve(gaz, "Artillery near Zalishchyky, Kharkiv Oblast")
    assert q.place.name == "Kharkiv Oblast" and q.mention.role == "place"


def test_precision_levels_and_acled_codes(gaz):
    res = {r.mention.text: r for r in resolve(gaz, "Shelling of Grayvoron, the Graivoronsk region and the Belgorod region; clashes near Kozinka.")}
    assert (res["Grayvoron"].level, res["Grayvoron"].geo_precision) == ("settlement", 1)
    assert (res["Graivoronsk region"].level, res["Graivoronsk region"].geo_precision) == ("district", 2)
    assert (res["Belgorod region"].level, res["Belgorod region"].geo_precision) == ("region", 3)
    assert res["Kozinka"].geo_precision == 2  # "near X"


def test_confidence_is_lower_for_ambiguous_or_fuzzy_names(gaz):
    res = {r.mention.text: r for r in resolve(gaz, "Shelling of Grayvoron. Damage in Popasana.")}
    assert 0 < res["Popasana"].confidence < res["Grayvoron"].confidence <= 1


def test_primary_place_of_a_caption_is_the_most_specific(gaz):
    best = primary(resolve(gaz, "Destroyed Russian artillery in Kharkiv Oblast near Tsyrkuny"))
    assert best.place.name == "Tsyrkuny"


def test_a_place_naming_an_area_or_operation_is_approximate(gaz):
    (r,) = resolve(gaz, "Explosion of a mine on the Popasna front.")
    assert r.place.name == "Popasna" and r.geo_precision == 2


def test_a_warm_resolver_gives_what_a_fresh_one_gives(gaz):
    # the resolver caches candidates and priors across reports; the cache must never leak one
    # report's context into another's answer
    texts = ["Fighting in Grayvoron and Kozinka.", "Kozinka, Bryansk Oblast was shelled.",
             "Artillery near Andriivka, Kharkiv Oblast", "Fighting in Grayvoron and Kozinka."]
    rec = Recognizer(gaz)
    warm = Resolver(gaz)
    for text in texts:
        fresh = Resolver(gaz).resolve(rec.recognize(text))
        assert warm.resolve(rec.recognize(text)) == fresh


def test_a_misspelling_is_guessed_at_only_in_the_theatre(gaz):
    from mapper.resolve import FUZZY_MIN_PRIOR, theatre_prior

    # "Malborivka" is close to "Malborka", a name of Malbork (Poland): no place is better than that
    rec = Recognizer(gaz).recognize("Shells also hit the village of Malborivka overnight.")
    assert [m for m in rec.accepted if m.text == "Malborivka"] == []
    assert [r for r in Resolver(gaz).resolve(rec) if theatre_prior(r.place) < FUZZY_MIN_PRIOR] == []
    (r,) = resolve(gaz, "Windows were broken in the village of Malaya Rohan overnight")  # a misspelling at home still counts
    assert r.place.country_code == "UA"


def test_a_word_nearer_a_famous_name_than_a_theatre_village_is_not_the_village(gaz):
    # "Russian" is as near "Ruzhyn" (a Ukrainian town) as "Russia": the country explains it
    rec = Recognizer(gaz).recognize("The statement was published in Russian yesterday.")
    assert [r.place.name for r in Resolver(gaz).resolve(rec)] == []


def test_the_fuzzy_scope_is_the_theatre_where_a_misspelling_counts(gaz):
    from types import SimpleNamespace

    from mapper.theatre import FUZZY_MIN_PRIOR, in_fuzzy_scope, theatre_prior

    regions = {(row[6], row[7]) for row in gaz.raw_places()}  # (country, admin-1), as documented
    assert len(regions) > 100
    for cc, a1 in regions:
        p = SimpleNamespace(country_code=cc, admin1_code=a1)
        assert in_fuzzy_scope(p) == (theatre_prior(p) >= FUZZY_MIN_PRIOR), (cc, a1)


def test_small_and_large_reports_are_scored_alike(gaz, seed_result):
    # few ambiguous candidates are scored in plain Python, many in numpy: the same sums either way
    common = ["Andriivka", "Mykolaivka", "Oleksandrivka", "Ivanivka", "Novoselivka", "Petrivka", "Vasylivka",
              "Kamianka", "Myrne", "Dmytrivka", "Sofiivka", "Bilohorivka"]
    texts = [seed_result.report.text, "Fighting in Grayvoron and Kozinka.",
             "Artillery near Andriivka, Kharkiv Oblast, and in Kupiansk.",
             " ".join(f"Shelling hit {a} and {b} overnight." for a, b in zip(common, reversed(common)))]
    rec = Recognizer(gaz)
    runs = []
    for numpy_from in (0, 10**9):
        res = Resolver(gaz)
        res.NUMPY_FROM = numpy_from
        runs.append([res.resolve(rec.recognize(t)) for t in texts])
    assert runs[0] == runs[1]  # NUMPY_FROM 0: always numpy; 10**9: always Python
    assert len(runs[0][-1]) >= 2 * len(common) - 2
