"""Writing a gazetteer store: places, their name keys and case forms, and the R*Tree, in one
SQLite file written atomically (the reading side is :mod:`gazetteer.store`, which only reads).
"""

from __future__ import annotations

import math
import os
import sqlite3
import tempfile
from collections.abc import Iterable
from pathlib import Path

from ..errors import GazetteerError
from ..fold import fold_name, is_cyrillic, latin_variants, tokens
from ..store import BORDER_REGION, SCHEMA_VERSION, Gazetteer, scope_condition

_COMMON_ZIPF = {"en": 4.0, "ru": 3.8, "uk": 3.8}
# the words a geocoder query is not guessed at as a misspelling of a place ("Forces",
# "Kremlin", "Russian"): a longer English list, since English words meet Latin place names
_WORD_ZIPF = {"en": 3.0, "ru": 3.8, "uk": 3.8}
_BIG_CITY = 1_000_000
# A romanisation in the other country's system is weaker evidence: "Pytomnyk" (Ukrainian
# system) names the Ukrainian village before the Russian "Pitomnik", though both come from the
# same Cyrillic spelling. Names spelled so in GeoNames itself keep full weight.
_SYSTEM_WEIGHT = {("RU", "uk"): 0.92, ("BY", "uk"): 0.92, ("UA", "ru"): 0.95}

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
    fclass TEXT, fcode TEXT, cc TEXT, a1 TEXT, a2 TEXT, a1name TEXT, a2name TEXT,
    pop INTEGER, names TEXT, source TEXT);
CREATE TABLE names(key TEXT NOT NULL, id INTEGER NOT NULL, name TEXT, weight REAL, common INTEGER);
-- the case forms of Cyrillic names: a form's key, the key of the name it inflects, and whether the
-- form is spelled like a frequent word ("мира", a form of the village Мир, is "of peace")
CREATE TABLE forms(key TEXT NOT NULL, base TEXT NOT NULL, common INTEGER,
                   PRIMARY KEY (key, base)) WITHOUT ROWID;
CREATE VIRTUAL TABLE places_rtree USING rtree(id, minlat, maxlat, minlon, maxlon);
-- the name keys of the places in the border region and of the well-known places anywhere: what
-- a misspelling is looked for among (store.BORDER_REGION, store.scope_condition)
CREATE TABLE region_keys(key TEXT PRIMARY KEY) WITHOUT ROWID;
-- the keys of frequent words of English, Russian and Ukrainian: no misspelling of a place
CREATE TABLE common_words(key TEXT PRIMARY KEY) WITHOUT ROWID;
"""
_INDEXES = """
CREATE INDEX names_key ON names(key);
CREATE INDEX places_admin ON places(cc, a1, a2, fcode);
"""


def wordfreq_common_keys(zipf: dict[str, float] = _COMMON_ZIPF) -> set[str] | None:
    """Keys of frequent English, Russian and Ukrainian words ("In", "But", "Mir", "March"),
    from wordfreq (a build-time helper); None when wordfreq is not installed."""
    try:
        from wordfreq import iter_wordlist, zipf_frequency
    except ImportError:
        return None
    from ..fold import fold_token

    keys = set()
    for lang, z in zipf.items():
        for w in iter_wordlist(lang):
            if zipf_frequency(w, lang) < z:
                break
            if w.isalpha():
                keys.add(fold_token(w))
    return keys


def default_common_keys() -> set[str]:
    """The common-word keys recorded in the shipped default gazetteer: what a build without
    wordfreq uses, so that user-built gazetteers flag the same words."""
    try:
        return set(Gazetteer.default().common_keys)
    except GazetteerError:
        return set()


def _common_checker(common_keys: set[str]):
    """Flag names whose *key* is also the key of a frequent word, so the recogniser asks for a
    place cue before them."""
    from ..fold import fold_token

    def common(name: str, pop: int) -> bool:
        words = tokens(name)
        return len(words) == 1 and pop < _BIG_CITY and fold_token(words[0]) in common_keys

    return common


def write_store(path: Path, places: Iterable, *, sources: list[str], common_keys: set[str] | None = None,
                inflect=None) -> None:
    """Write a store atomically from build rows (see :class:`gazetteer.build.PlaceRow`).

    ``common_keys``: keys of frequent words (see :func:`wordfreq_common_keys`); by default
    wordfreq's, else those recorded in the shipped default gazetteer. ``inflect(name, cc)``
    gives a Cyrillic name's case forms (:func:`gazetteer.build.forms.case_forms`), stored in
    the ``forms`` table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)
    if common_keys is None:
        common_keys = wordfreq_common_keys()
        if common_keys is None:
            common_keys = default_common_keys()
    common = _common_checker(common_keys)
    try:
        con = sqlite3.connect(tmp)
        con.executescript(_SCHEMA)
        name_rows: dict[tuple[str, int], tuple[str, float, int]] = {}
        form_rows: dict[tuple[str, str], int] = {}
        place_rows = []
        for p in sorted(places, key=lambda p: p.geonameid):
            if math.isnan(p.lat) or math.isnan(p.lon):
                continue
            display = []
            for n in (p.name, *p.names):
                if n and n not in display:
                    display.append(n)
            place_rows.append((p.geonameid, p.name, round(p.lat, 5), round(p.lon, 5), p.feature_class, p.feature_code,
                               p.country_code, p.admin1_code, p.admin2_code, p.admin1_name, p.admin2_name, p.population, "|".join(display[:40]),
                               p.source))
            weighted: dict[str, float] = {n: 1.0 for n in display}
            for f, w in getattr(p, "forms", {}).items():
                weighted[f] = max(weighted.get(f, 0.0), w)
            for n, w0 in weighted.items():
                if is_cyrillic(n):
                    lat = latin_variants(n)
                    variants = [(n, 1.0)] + [(v, _SYSTEM_WEIGHT.get((p.country_code, lat[v]), 1.0)) for v in sorted(lat)]
                    if inflect is not None and w0 >= 0.5:
                        base = fold_name(n)
                        for f in inflect(n, p.country_code):
                            fk = fold_name(f)
                            if fk and fk != base:
                                form_rows[(fk, base)] = min(form_rows.get((fk, base), 1), int(common(f, p.population)))
                else:
                    variants = [(n, 1.0)]
                for v, wv in variants:
                    w = round(w0 * wv, 3)
                    is_common = int(common(v, p.population))
                    k = fold_name(v)
                    if len(k) < 2:
                        continue
                    old = name_rows.get((k, p.geonameid))
                    if old is None or old[1] < w:
                        name_rows[(k, p.geonameid)] = (v, w, is_common if old is None else min(old[2], is_common))
        con.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)", place_rows)
        con.executemany(
            "INSERT INTO places_rtree VALUES (?,?,?,?,?)",
            [(r[0], r[2], r[2], r[3], r[3]) for r in place_rows],
        )
        con.executemany(
            "INSERT INTO names VALUES (?,?,?,?,?)",
            sorted((k, i, v, w, c) for (k, i), (v, w, c) in name_rows.items()),
        )
        con.executemany("INSERT INTO forms VALUES (?,?,?)", sorted((k, b, c) for (k, b), c in form_rows.items()))
        con.executescript(_INDEXES)
        where, args = scope_condition(BORDER_REGION)
        con.execute(f"INSERT INTO region_keys SELECT DISTINCT key FROM names WHERE id IN "
                    f"(SELECT id FROM places WHERE {where})", args)
        used = {k for k, _ in name_rows} | {k for k, _ in form_rows}
        meta = {"schema": SCHEMA_VERSION, "sources": "\n".join(sources), "places": str(len(place_rows)),
                "common_keys": "\n".join(sorted(common_keys & used))}
        con.executemany("INSERT INTO meta VALUES (?,?)", meta.items())
        words = wordfreq_common_keys(_WORD_ZIPF) or set()
        con.executemany("INSERT INTO common_words VALUES (?)", sorted((k,) for k in words if k))
        con.commit()
        con.execute("VACUUM")
        con.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
