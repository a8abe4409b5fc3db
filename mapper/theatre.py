"""The theatre: the part of the world this tool is built for, as weights and as a search scope.

Every Ukrainian place, and Russia's border oblasts, weigh more than places of the same name
elsewhere (:func:`theatre_prior`, used by the resolver). A misspelt name is guessed at only
inside :data:`FUZZY_SCOPE`, the places whose prior is at least :data:`FUZZY_MIN_PRIOR`: Suakin
in Sudan for a man named Shevakin, or Malbork in Poland for "Malborivka", is noise. The
recognizer passes the scope to the gazetteer's misspelling search, so it searches only the
names that could be accepted (a fifth of them, and five times faster).
"""

from __future__ import annotations

from gazetteer import Place
from gazetteer.store import BORDER_REGION

# RU admin-1 codes: Belgorod 09, Bryansk 10, Kursk 41, Rostov 61, Voronezh 86 (the gazetteer's).
RU_BORDER_A1: frozenset[str] = dict(BORDER_REGION)["RU"]
# Ukraine's oblasts on the border with Russia or on the front line since 2022 (Chernihiv 02,
# Dnipropetrovsk 04, Donetsk 05, Kharkiv 07, Kherson 08, Crimea 11, Kyiv 13, Luhansk 14,
# Mykolaiv 16, Sumy 21, Zaporizhzhia 26).
UA_FRONT_A1 = frozenset({"02", "04", "05", "07", "08", "11", "13", "14", "16", "21", "26"})
# Ukraine's oblasts on the Russian border (Chernihiv, Donetsk, Kharkiv, Luhansk, Sumy): of two
# namesakes in front-line oblasts, the one there is likelier in reports this tool is built for.
UA_BORDER_A1 = frozenset({"02", "05", "07", "14", "21"})

FUZZY_MIN_PRIOR = 0.15
FRONT_PRIOR = 0.35  # the prior of a place in a border or front oblast (Ukraine's or Russia's), at least


def theatre_prior(p: Place) -> float:
    if p.country_code == "UA":
        return 0.4 if p.admin1_code in UA_BORDER_A1 else FRONT_PRIOR if p.admin1_code in UA_FRONT_A1 else 0.2
    if p.country_code == "RU":
        return FRONT_PRIOR if p.admin1_code in RU_BORDER_A1 else 0.1
    if p.country_code == "BY":
        return 0.15
    return 0.0

# The same set of places as ``theatre_prior(p) >= FUZZY_MIN_PRIOR``: the gazetteer's border
# region, spelt as (country, admin-1 codes or None for all) so the gazetteer can select it.
FUZZY_SCOPE = BORDER_REGION


def in_fuzzy_scope(p: Place) -> bool:
    return any(p.country_code == cc and (a1s is None or p.admin1_code in a1s) for cc, a1s in FUZZY_SCOPE)


__all__ = ["FRONT_PRIOR", "FUZZY_MIN_PRIOR", "FUZZY_SCOPE", "RU_BORDER_A1", "UA_BORDER_A1", "UA_FRONT_A1",
           "in_fuzzy_scope", "theatre_prior"]
