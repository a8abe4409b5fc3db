"""Build ``mapper/data/boundaries.geojson`` from npm ``world-atlas@2.0.2`` (Natural Earth 1:10m,
public domain): the outlines of Ukraine, Russia and Belarus clipped to the border region, and
the Russia–Ukraine state border as a line (the TopoJSON arcs the two countries share).

    python -m mapper.build_boundaries            # runs 'npm pack world-atlas@2.0.2'
    python -m mapper.build_boundaries --topojson countries-10m.json

TopoJSON is decoded here by hand (30 lines): the format is small and fixed, and the PyPI
decoders pull in heavy dependencies for what is a delta-decoding loop.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tarfile
import tempfile
from pathlib import Path

from shapely.geometry import LineString, MultiLineString, Polygon, box, mapping
from shapely.ops import linemerge, unary_union
from shapely.validation import make_valid

from mapper.border import round_coords

OUT = Path(__file__).resolve().parent / "data" / "boundaries.geojson"
COUNTRIES = {"804": ("UA", "Ukraine"), "643": ("RU", "Russia"), "112": ("BY", "Belarus")}
REGION = box(20.0, 43.0, 48.0, 57.5)  # lon/lat window the maps show
TOLERANCE = 0.004  # degrees; ~300 m, invisible at the zooms the map opens at


def fetch_topojson() -> dict:
    tmp = Path(tempfile.mkdtemp())
    subprocess.run(["npm", "pack", "world-atlas@2.0.2", "--silent"], cwd=tmp, check=True)
    with tarfile.open(next(tmp.glob("world-atlas-*.tgz"))) as t:
        return json.load(t.extractfile("package/countries-10m.json"))


def decode_arcs(topo: dict) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        pts = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            pts.append((x * sx + tx, y * sy + ty))
        arcs.append(pts)
    return arcs


def ring(arcs: list, idxs: list[int]) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []
    for i in idxs:
        seg = arcs[i] if i >= 0 else arcs[~i][::-1]
        pts.extend(seg if not pts else seg[1:])
    return pts


def polygons(arcs: list, geom: dict) -> list[Polygon]:
    polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
    out = []
    for rings in polys:
        shell, *holes = [ring(arcs, r) for r in rings]
        out.append(Polygon(shell, holes))
    return out


def arc_ids(geom: dict) -> set[int]:
    polys = [geom["arcs"]] if geom["type"] == "Polygon" else geom["arcs"]
    return {i if i >= 0 else ~i for rings in polys for r in rings for i in r}


def build(topo: dict) -> dict:
    arcs = decode_arcs(topo)
    geoms = {g["id"]: g for g in topo["objects"]["countries"]["geometries"] if g.get("id") in COUNTRIES}
    features = []
    for cid, (cc, name) in COUNTRIES.items():
        # clip each part first: Russia's far-east parts cross the antimeridian and are invalid
        parts = [make_valid(p).intersection(REGION) for p in polygons(arcs, geoms[cid])]
        polys = [g for p in parts for g in getattr(p, "geoms", [p]) if g.geom_type in ("Polygon", "MultiPolygon")]
        shape = unary_union(polys).simplify(TOLERANCE)
        features.append({"type": "Feature", "properties": {"kind": "country", "iso_a2": cc, "name": name},
                         "geometry": mapping(shape)})
    shared = arc_ids(geoms["804"]) & arc_ids(geoms["643"])
    line = linemerge(MultiLineString([LineString(arcs[i]) for i in sorted(shared)]))
    features.append({"type": "Feature",
                     "properties": {"kind": "border", "name": "Russia–Ukraine state border", "between": "RU-UA"},
                     "geometry": mapping(line.simplify(TOLERANCE / 2))})
    return {"type": "FeatureCollection",
            "properties": {"source": "Natural Earth 1:10m admin-0 via npm world-atlas@2.0.2 (public domain)"},
            "features": features}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--topojson", type=Path, help="countries-10m.json (default: npm pack world-atlas@2.0.2)")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    a = ap.parse_args()
    topo = json.loads(a.topojson.read_text()) if a.topojson else fetch_topojson()
    fc = round_coords(build(topo))
    a.output.write_text(json.dumps(fc, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {a.output} ({a.output.stat().st_size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
