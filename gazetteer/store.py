"""The gazetteer store: one SQLite file with places, folded name keys and an R*Tree.

SQLite opens in well under a millisecond and answers a key lookup from its B-tree index, so a
one-report run pays only for what it looks up; nothing is parsed at start-up. The file is
opened read-only and can be shared by many processes.
"""

from __future__ import annotations

import math
import os
import sqlite3
import threading
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from .errors import GazetteerError
from .fold import fold_name, tokens
from .model import Candidate, NameHit, Place

SCHEMA_VERSION = "4"
# A part of the world as (country code, admin-1 codes or None for the whole country) pairs:
# ``(("UA", None), ("RU", frozenset({"09"})))`` is Ukraine and Belgorod oblast.
Scope = tuple[tuple[str, "frozenset[str] | None"], ...]
# Ukraine, Belarus and Russia's border oblasts (Belgorod 09, Bryansk 10, Kursk 41, Rostov 61,
# Voronezh 86): the region this gazetteer is made for.
BORDER_REGION: Scope = (("UA", None), ("BY", None), ("RU", frozenset({"09", "10", "41", "61", "86"})))
def scope_condition(scope: Scope) -> tuple[str, list]:
    """The SQL condition on ``places`` (and its arguments) of the places in a scope and of the
    well-known places anywhere (countries, capitals, cities of a million): the places a scoped
    misspelling search looks at."""
    where, args = ["fcode IN ('PCLI', 'PPLC') OR pop >= 1000000"], []
    for cc, a1s in scope:
        if a1s is None:
            where.append("cc = ?")
            args.append(cc)
        else:
            where.append(f"(cc = ? AND a1 IN ({', '.join('?' * len(a1s))}))")
            args += [cc, *sorted(a1s)]
    return " OR ".join(where), args


def settlement_counts(path: str | os.PathLike) -> dict[tuple[str, str], int]:
    """Settlements by (country, admin-1) in Ukraine, Russia and Belarus of a gazetteer file of
    any schema version (a rebuild compares itself with the file it replaces)."""
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    try:
        return {(cc, a1): n for cc, a1, n in con.execute(
            "SELECT cc, a1, count(*) FROM places WHERE cc IN ('UA','RU','BY') AND fclass='P' GROUP BY cc, a1")}
    finally:
        con.close()


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


class Gazetteer:
    """Read-only access to a gazetteer file: lookups by name, by id, by point.

    >>> g = Gazetteer.default()                     # doctest: +SKIP
    >>> g.lookup("Graivoron")[0].place.name         # doctest: +SKIP
    'Grayvoron'
    """

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise GazetteerError(f"gazetteer file not found: {self.path}")
        try:
            self._con = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                        check_same_thread=False)
            self.meta = dict(self._con.execute("SELECT key, value FROM meta"))
        except sqlite3.DatabaseError as e:
            raise GazetteerError(f"{self.path} is not a gazetteer file ({e})") from None
        if self.meta.get("schema") != SCHEMA_VERSION:
            raise GazetteerError(
                f"{self.path} has gazetteer schema {self.meta.get('schema')!r}, this version reads "
                f"{SCHEMA_VERSION!r}: rebuild it with 'mapper gazetteer build'"
            )
        self._place = lru_cache(maxsize=50_000)(self._load_place)
        self._key_rows = lru_cache(maxsize=50_000)(self._load_key_rows)
        self._buckets: dict[tuple[str, Scope | None], dict[int, list[str]]] = {}  # (letter, scope) -> keys by length
        self._spans: dict[tuple, list[str]] = {}  # (letter, scope, lengths) -> keys
        self._scopes: dict[Scope, str] = {}  # scope -> name of its temp table
        self._scope_lock = threading.Lock()
        # the border region's name keys as the build stored them (files built before it did
        # have none: their misspelling search filters the names itself)
        self._has_region_keys = bool(self._con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'region_keys'").fetchone())
        self.common_keys = frozenset(self.meta.pop("common_keys", "").split("\n")) - {""}
        self._has_common_words = bool(self._con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'common_words'").fetchone())

    @classmethod
    def default(cls) -> "Gazetteer":
        from importlib.resources import files

        return cls(Path(str(files("gazetteer") / "data" / "default.gaz")))

    def close(self) -> None:
        self._con.close()

    def __getstate__(self):  # picklable for worker processes: reopen by path
        return {"path": str(self.path)}

    def __setstate__(self, state):
        self.__init__(state["path"])

    # -- records ---------------------------------------------------------------------------
    def _load_place(self, pid: int) -> Place | None:
        r = self._con.execute("SELECT * FROM places WHERE id=?", (pid,)).fetchone()
        if r is None:
            return None
        return Place(geonameid=r[0], name=r[1], lat=r[2], lon=r[3], feature_class=r[4],
                     feature_code=r[5], country_code=r[6], admin1_code=r[7], admin2_code=r[8],
                     admin1_name=r[9], admin2_name=r[10], population=r[11] or 0,
                     names=tuple(n for n in (r[12] or "").split("|") if n), source=r[13] or "")

    def get(self, geonameid: int) -> Place | None:
        return self._place(int(geonameid))

    _KEY_ROWS_SQL = (
        "SELECT id, name, weight, common FROM names WHERE key = ?1 "
        "UNION ALL SELECT n.id, n.name, n.weight, f.common FROM forms f JOIN names n ON n.key = f.base "
        "WHERE f.key = ?1")

    def _load_key_rows(self, key: str) -> tuple[tuple[int, str, float, bool], ...]:
        """(place id, name, weight, common) of the names whose key, or one of whose case forms'
        keys, is ``key``; one row per place (its best). A form's row names the name it
        inflects, so that the caller sees the word was not that name's own spelling."""
        best: dict[int, tuple[int, str, float, bool]] = {}
        for i, n, w, c in self._con.execute(self._KEY_ROWS_SQL, (key,)):
            old = best.get(i)
            if old is None or w > old[2] or (w == old[2] and old[3] and not c):
                best[i] = (i, n, w, bool(c))
        return tuple(best.values())

    def by_key(self, key: str) -> list[NameHit]:
        """Places named ``key`` (a folded name, or a case form of one), each with the name
        variant, its weight and its common-word flag."""
        out = []
        for pid, name, w, common in self._key_rows(key):
            p = self._place(pid)
            if p is not None:
                out.append(NameHit(p, name, w, bool(common)))
        return out

    _PROBE_SQL = (
        "SELECT EXISTS(SELECT 1 FROM names WHERE key = ?1) OR EXISTS(SELECT 1 FROM forms WHERE key = ?1), "
        "EXISTS(SELECT 1 FROM names WHERE key > ?2 AND key < ?3) "
        "OR EXISTS(SELECT 1 FROM forms WHERE key > ?2 AND key < ?3)")

    def probe(self, key: str) -> tuple[bool, bool]:
        """(``key`` names a place, ``key`` is the first words of a longer name): what a
        recogniser walking a report's words asks, answered from the index."""
        is_key, is_prefix = self._con.execute(self._PROBE_SQL, (key, key + " ", key + " \uffff")).fetchone()
        return bool(is_key), bool(is_prefix)

    def keys(self) -> Iterator[str]:
        """Every distinct folded name and case form, for building a multi-pattern matcher."""
        for (k,) in self._con.execute("SELECT key FROM names UNION SELECT key FROM forms"):
            yield k

    def raw_places(self) -> Iterator[tuple]:
        """Every places row as stored (id, name, lat, lon, fclass, fcode, cc, a1, a2, a1name,
        a2name, pop, names, source): for rebuilding a store with more places."""
        yield from self._con.execute("SELECT * FROM places")

    def raw_forms(self) -> Iterator[tuple[str, str]]:
        """Every (form key, key of the name it inflects) row: for rebuilding a store without
        inflecting its names again."""
        yield from self._con.execute("SELECT key, base FROM forms")

    def raw_names(self) -> Iterator[tuple[int, str, float]]:
        """Every (place id, name variant, weight) row: for rebuilding a store."""
        yield from self._con.execute("SELECT id, name, weight FROM names")

    def admin(self, cc: str, a1: str, a2: str = "") -> Place | None:
        """The admin-1 (or, with ``a2``, admin-2) region record for codes."""
        if a2:
            r = self._con.execute("SELECT id FROM places WHERE cc=? AND a1=? AND a2=? AND fcode='ADM2'", (cc, a1, a2)).fetchone()
        else:
            r = self._con.execute("SELECT id FROM places WHERE cc=? AND a1=? AND fcode='ADM1'", (cc, a1)).fetchone()
        return self.get(r[0]) if r else None

    def country(self, cc: str) -> Place | None:
        r = self._con.execute("SELECT id FROM places WHERE cc=? AND fcode='PCLI'", (cc,)).fetchone()
        return self.get(r[0]) if r else None

    def hierarchy(self, place: Place) -> list[Place]:
        """Country, admin-1 and admin-2 records above a place, outermost first."""
        out = []
        for p in (
            self.country(place.country_code),
            self.admin(place.country_code, place.admin1_code) if place.admin1_code and place.feature_code != "ADM1" else None,
            self.admin(place.country_code, place.admin1_code, place.admin2_code) if place.admin2_code and place.feature_code != "ADM2" else None,
        ):
            if p is not None and p.geonameid != place.geonameid:
                out.append(p)
        return out

    # -- lookups ---------------------------------------------------------------------------
    @staticmethod
    def importance(place: Place) -> float:
        """A prior for ranking same-named places: population, and admin level for regions."""
        pop = math.log10(place.population + 10)
        level_bonus = {0: 3.0, 1: 2.0, 2: 0.5}.get(place.admin_level or -1, 0.0) if place.is_admin else 0.0
        return pop + level_bonus

    # Places anyone may name anywhere: countries, capitals, cities of a million.
    def _scope_table(self, scope: Scope) -> str:
        """A temporary table of the ids of the places in a scope and of the well-known places
        anywhere (in the connection's own temp database: the gazetteer file stays read-only),
        so that SQLite filters each letter's keys itself: fetching every (key, place) row of a
        letter to filter it here took twice as long, and a batch worker pays it per letter."""
        with self._scope_lock:
            table = self._scopes.get(scope)
            if table is None:
                where, args = scope_condition(scope)
                table = f"scope_{len(self._scopes)}"
                self._con.execute("PRAGMA temp_store = MEMORY")  # no temp file, whatever $TMPDIR is
                self._con.execute(f"CREATE TEMP TABLE {table} (id INTEGER PRIMARY KEY)")
                self._con.execute(f"INSERT INTO temp.{table} SELECT id FROM places WHERE {where}", args)
                self._scopes[scope] = table
        return table

    def is_common_word(self, text: str) -> bool:
        """Is ``text`` one frequent word of English, Russian or Ukrainian ("Forces", "Kremlin",
        «війська»), as the build recorded them (files built before it did know none)?"""
        from .fold import fold_token

        words = tokens(text)
        if len(words) != 1 or not self._has_common_words:
            return False
        return self._con.execute("SELECT 1 FROM common_words WHERE key = ?", (fold_token(words[0]),)).fetchone() is not None

    def similar_keys(self, key: str, limit: int, cutoff: float, scope: Scope | None = None) -> list[tuple[str, float]]:
        """The keys most like ``key`` (rapidfuzz's ratio, at least ``cutoff``), best first, ties
        in key order. Only keys of a length that can reach the cutoff are compared: ratio is
        2·LCS / (a + b) and LCS ≤ min(a, b), so a key of length ``n`` can score ``c`` only if its
        own length lies in [n·c / (2 − c), n·(2 − c) / c] (for 85: 0.74 n to 1.35 n) — a third
        of its letter's keys, so a third of the comparisons."""
        from rapidfuzz import fuzz, process

        first, n = key[:1], len(key)
        c = cutoff / 100.0
        lo, hi = math.ceil(n * c / (2 - c) - 1e-9), math.floor(n * (2 - c) / c + 1e-9) if c > 0 else 10**9
        choices = self._spans.get((first, scope, lo, hi))
        if choices is None:
            by_length = self._by_length(first, scope)
            choices = self._spans[(first, scope, lo, hi)] = [
                k for length in sorted(by_length) if lo <= length <= hi for k in by_length[length]]
        # rapidfuzz's C search over those keys
        res = process.extract(key, choices, scorer=fuzz.ratio, limit=None, score_cutoff=cutoff)
        res.sort(key=lambda r: (-r[1], r[0]))
        return [(k, sc / 100.0) for k, sc, _ in res[:limit]]

    def _by_length(self, first: str, scope: Scope | None) -> dict[int, list[str]]:
        """The keys sharing a first letter (a misspelling seldom changes it), by length, each
        length's joined by SQLite and split in C (a row per key was slow: benchmarks/MEASURED.md)."""
        got = self._buckets.get((first, scope))
        if got is None:
            hi = first[:-1] + chr(ord(first[-1]) + 1) if first else "\uffff"
            keys = "SELECT DISTINCT key FROM names WHERE key >= ?1 AND key < ?2"
            if scope == BORDER_REGION and self._has_region_keys:
                # the border region's keys, stored by the build: no filtering of every name here
                keys = "SELECT key FROM region_keys WHERE key >= ?1 AND key < ?2"
            elif scope is not None:
                keys += f" AND id IN temp.{self._scope_table(scope)}"
            sql = f"SELECT length(key), group_concat(key, char(31)) FROM ({keys}) GROUP BY length(key)"
            got = self._buckets[(first, scope)] = {n: joined.split("\x1f") for n, joined in self._con.execute(sql, (first, hi))}
        return got

    def lookup(self, name: str, *, limit: int = 10, fuzzy: bool = True, fuzzy_cutoff: float = 85.0,
               fuzzy_scope: Scope | None = None) -> list[Candidate]:
        """Ranked candidates for a name: exact spelling, then folded key, then fuzzy key.

        With a ``fuzzy_scope`` (see :data:`Scope`) the misspelling search looks only at the
        names of places there and of well-known places anywhere: several times faster when the
        caller will accept only the scope's places, and a word nearer a famous name than any in
        the scope still finds the famous one ("Russian" is Russia, not the village Rushin), so
        the caller can reject it.

        Score: 1.0 for the exact spelling, 0.95 for a folded match, the rapidfuzz ratio (times
        0.9) for a fuzzy one; multiplied by the name's weight (an oblast's 'X area' form weighs
        less than 'X oblast'). Ties go to the more important place.
        """
        key = fold_name(name)
        if not key:
            return []
        scored: dict[int, Candidate] = {}

        def offer(c: Candidate) -> None:
            old = scored.get(c.place.geonameid)
            if old is None or old.score < c.score:
                scored[c.place.geonameid] = c

        for p, variant, w, _ in self.by_key(key):
            exact = variant.casefold() == name.strip().casefold()
            offer(Candidate(p, (1.0 if exact else 0.95) * w, "exact" if exact else "folded", variant))
        if fuzzy and not scored and len(key) >= 4:
            for k, s in self.similar_keys(key, limit=20, cutoff=fuzzy_cutoff, scope=fuzzy_scope):
                for p, variant, w, _ in self.by_key(k):
                    offer(Candidate(p, 0.9 * s * w, "fuzzy", variant))
        ranked = sorted(scored.values(), key=lambda c: (-round(c.score, 3), -self.importance(c.place)))
        return ranked[:limit]

    def near(self, lat: float, lon: float, k: int = 5, *, max_km: float = 500.0) -> list[tuple[Place, float]]:
        """The ``k`` places nearest a point, with their distance in km (R*Tree, growing box)."""
        radius = 0.1
        while True:
            dlon = radius / max(0.05, math.cos(math.radians(lat)))
            ids = [r[0] for r in self._con.execute(
                "SELECT id FROM places_rtree WHERE minlat<=? AND maxlat>=? AND minlon<=? AND maxlon>=?",
                (lat + radius, lat - radius, lon + dlon, lon - dlon))]
            if len(ids) >= k or radius * 111 > max_km:
                break
            radius *= 2
        out = []
        for pid in ids:
            p = self.get(pid)
            if p is not None:
                d = haversine_km(lat, lon, p.lat, p.lon)
                if d <= max_km:
                    out.append((p, d))
        out.sort(key=lambda t: (t[1], -t[0].population))
        return out[:k]

    def settlements_within(self, south: float, west: float, north: float, east: float,
                           limit: int = 2000) -> list[tuple[float, float, str]]:
        """(lat, lon, name) of the settlements in a box, the most populous first (R*Tree): the
        villages a map names around its incidents when it has no tiles."""
        return [(lat, lon, name) for lat, lon, name in self._con.execute(
            "SELECT p.lat, p.lon, p.name FROM places_rtree r JOIN places p ON p.id = r.id "
            "WHERE r.minlat<=? AND r.maxlat>=? AND r.minlon<=? AND r.maxlon>=? AND p.fclass='P' "
            "ORDER BY p.pop DESC LIMIT ?", (north, south, east, west, limit))]

    def settlement_counts(self) -> dict[tuple[str, str], int]:
        """Settlements by (country, admin-1) in Ukraine, Russia and Belarus."""
        return settlement_counts(self.path)

    def stats(self) -> dict:
        """Counts for 'gazetteer info': places by country and by admin-1 of the region."""
        by_cc = dict(self._con.execute("SELECT cc, count(*) FROM places GROUP BY cc ORDER BY 2 DESC"))
        by_a1 = {
            f"{cc}.{a1} {name or ''}".strip(): n
            for cc, a1, name, n in self._con.execute(
                "SELECT cc, a1, max(a1name), count(*) FROM places WHERE cc IN ('UA','RU','BY') AND fclass='P' "
                "GROUP BY cc, a1 ORDER BY 4 DESC")
        }
        n_names = self._con.execute("SELECT count(*) FROM names").fetchone()[0]
        return {
            "path": str(self.path),
            "size_bytes": self.path.stat().st_size,
            "places": sum(by_cc.values()),
            "names": n_names,
            "sources": [s for s in self.meta.get("sources", "").split("\n") if s],
            "by_country": by_cc,
            "by_admin1": by_a1,
        }
