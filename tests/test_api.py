"""The library face, used as a notebook user would: ``import mapper``, process a text or a
feed, and work with the incidents as a GeoDataFrame."""

import json
import subprocess
import sys

import pytest

import mapper
from tests.conftest import ROOT

TEXT = ("date 2024-05-10\nShelling of Glotovo overnight. Drones hit Tetkino, killing two civilians.\n\n"
        "Officials in Kursk gave no details.")


def test_the_public_names_are_documented_and_importable():
    for name in mapper.__all__:
        assert getattr(mapper, name) is not None
    with pytest.raises(AttributeError):
        mapper.no_such_thing  # noqa: B018


def test_a_fresh_interpreter_processes_a_text_and_filters_its_geodataframe():
    script = f"""
import json, mapper
res = mapper.process({TEXT!r})
gdf = res.to_geodataframe()
hit = gdf[gdf["event_type"] == "air_drone_strike"]
print(json.dumps({{"places": sorted(gdf["place"]), "drone": list(hit["place"]), "dead": int(hit["fatalities"].iloc[0]),
                   "crs": gdf.crs.to_epsg(), "date": str(hit["date"].iloc[0].date())}}))
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True)
    got = json.loads(out.stdout)
    assert got == {"places": ["Glotovo", "Tëtkino"], "drone": ["Tëtkino"], "dead": 2, "crs": 4326,
                   "date": "2024-05-10"}


def test_the_geodataframe_has_real_types_even_when_empty():
    full = mapper.process(TEXT).to_geodataframe()
    empty = mapper.to_geodataframe([])
    assert list(full.columns) == list(empty.columns)
    for gdf in (full, empty):
        assert str(gdf["date"].dtype) == str(gdf["date_end"].dtype) == "datetime64[ns]"
        for col in ("event_type", "kind", "precision", "claimant_side", "inferred_from"):
            assert str(gdf[col].dtype) == "category", col
        for col in ("fatalities", "time_precision", "geo_precision", "geonameid"):
            assert str(gdf[col].dtype) == "Int64", col
        assert str(gdf["hedged"].dtype) == "bool" and gdf.crs.to_epsg() == 4326
    # the event types are one vocabulary, whatever the rows hold
    assert "interception" in full["event_type"].cat.categories


def test_results_speak_the_geo_interface():
    from shapely.geometry import shape

    res = mapper.process(TEXT)
    fc = res.__geo_interface__
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == len(res.incidents)
    for inc, feat in zip(res.incidents, fc["features"]):
        assert shape(inc).equals(shape(feat["geometry"]))
        assert abs(shape(inc).x - inc.place.lon) < 1e-9


def test_mentions_are_kept_apart_from_incidents():
    res = mapper.process("date 2024-05-10\nShelling of Glotovo.\n\nThe talks between Ukraine and Russia in "
                         "Istanbul ended.")
    assert [i.place.name for i in res.incidents] == ["Glotovo"]
    assert {i.place.name for i in res.mentions} == {"Ukraine", "Russian Federation", "Istanbul"}
    assert len(res.to_geodataframe(mentions=True)) == 4 and len(res.to_geodataframe()) == 1


def test_read_takes_a_path_or_a_text(tmp_path):
    f = tmp_path / "a.txt"
    f.write_text("date 2024-05-10\nShelling of Glotovo.")
    (from_file,) = mapper.read(f)
    (from_text,) = mapper.read("Shelling of Glotovo.", date="2024-05-10")
    assert from_file.date == from_text.date and from_file.text == from_text.text
    with pytest.raises(mapper.InputError):
        mapper.read("Shelling.", date="10 May")


def test_process_many_equals_mapper_batch(tmp_path, runner):
    from mapper import export
    from mapper.cli import cli

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"r{k}", "date": f"2024-03-{1 + k:02d}",
                                          "text": ["Shelling of Glotovo.", "Drones hit Tetkino.",
                                                   "Shelling in Zolotarivka."][k % 3]}) for k in range(9))
                    + "\n{broken\n")
    res = mapper.process_many([feed])
    assert len(res.errors) == 1 and res.reports == 9
    runner.invoke(cli, ["-q", "batch", str(feed), "-o", str(tmp_path / "out"), "--no-map"], catch_exceptions=False)
    cli_fc = json.loads((tmp_path / "out" / "incidents.geojson").read_text())
    assert json.loads(export.geojson_bytes(res.incidents)) == cli_fc
    assert len(res.to_geodataframe()) == len(cli_fc["features"])


def test_the_readmes_python_example_runs(tmp_path):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert "Tëtkino" in out.stdout and "datetime64" in out.stdout
    assert "Tetkino" in (tmp_path / "glotovo.html").read_text(encoding="utf-8")  # the map it saved


def test_write_saves_a_result_in_the_format_its_suffix_names(tmp_path):
    import pandas as pd
    import pyogrio

    res = mapper.process(TEXT)
    paths = {s: mapper.write(res, tmp_path / f"out.{s}") for s in ("geojson", "csv", "kml", "gpkg", "html")}
    assert {f["properties"]["place"] for f in json.loads(paths["geojson"].read_text())["features"]} == {"Glotovo", "Tëtkino"}
    assert sorted(pd.read_csv(paths["csv"], encoding="utf-8-sig")["location"]) == ["Glotovo", "Tëtkino"]
    assert len(pyogrio.read_dataframe(paths["gpkg"])) == 2
    assert "Tëtkino" in paths["kml"].read_text(encoding="utf-8") and "Glotovo" in paths["html"].read_text(encoding="utf-8")
    with_mentions = mapper.write(res, tmp_path / "all.geojson", mentions=True)
    assert {f["properties"]["place"] for f in json.loads(with_mentions.read_text())["features"]} >= {"Kursk"}
    with pytest.raises(mapper.InputError, match="suffix names no format"):
        mapper.write(res, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()
