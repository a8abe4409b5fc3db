"""Exports read back by the tools users open them with, and RFC 7946 shape."""

import csv
import io
import json
import pickle
import xml.etree.ElementTree as ET

import re

import pytest

from mapper import export


@pytest.fixture(scope="module")
def incs(seed_result):
    return list(seed_result.incidents)


def test_geojson_is_rfc7946(incs):
    fc = json.loads(export.geojson_text(incs, digits=4))
    assert fc["type"] == "FeatureCollection" and "crs" not in fc
    assert fc["features"]
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 20 < lon < 45 and 40 < lat < 60  # longitude first
        assert round(lon, 4) == lon and round(lat, 4) == lat
        assert f["properties"]["kind"] == "incident"
    xs = [f["geometry"]["coordinates"][0] for f in fc["features"]]
    assert fc["bbox"][0] == min(xs) and fc["bbox"][2] == max(xs)


def test_geojson_validates_against_the_schema(incs):
    jsonschema = pytest.importorskip("jsonschema")
    schema = {
        "type": "object", "required": ["type", "features"],
        "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {"type": {"const": "Feature"}, "geometry": {
                "type": "object", "required": ["type", "coordinates"],
                "properties": {"type": {"const": "Point"}, "coordinates": {
                    "type": "array", "minItems": 2, "maxItems": 3,
                    "prefixItems": [{"type": "number", "minimum": -180, "maximum": 180},
                                    {"type": "number", "minimum": -90, "maximum": 90}]}}}}}}},
    }
    jsonschema.validate(json.loads(export.geojson_text(incs)), schema)


SCHEMA = ["report_id", "incident_id", "place", "mention", "geonameid", "country_code", "admin1", "admin2",
          "precision", "geo_precision", "confidence", "date", "date_end", "time_precision", "event_type",
          "evidence", "source", "url", "border_km", "border_side"]


def test_every_feature_has_the_documented_properties(incs):
    for f in json.loads(export.geojson_text(incs, mentions=True))["features"]:
        assert set(SCHEMA) <= set(f["properties"])


def test_mentions_are_left_out_unless_asked(incs):
    plain = json.loads(export.geojson_text(incs))["features"]
    withm = json.loads(export.geojson_text(incs, mentions=True))["features"]
    assert len(withm) > len(plain)
    assert {f["properties"]["kind"] for f in withm} == {"incident", "mention"}


def test_geojson_seq_is_one_feature_per_line(incs):
    lines = export.geojsonseq_text(incs).splitlines()
    assert all(json.loads(x)["type"] == "Feature" for x in lines)


def test_gpkg_and_geojson_round_trip_through_geopandas(incs, tmp_path):
    gpd = pytest.importorskip("geopandas")
    export.write("gpkg", tmp_path / "i.gpkg", incs)
    export.write("geojson", tmp_path / "i.geojson", incs)
    a = gpd.read_file(tmp_path / "i.gpkg", layer="incidents")
    b = gpd.read_file(tmp_path / "i.geojson")
    n = len(export.select(incs))
    assert len(a) == len(b) == n
    assert a.crs.to_epsg() == 4326
    assert sorted(a["place"]) == sorted(i.place.name for i in export.select(incs))
    assert abs(a.geometry.x.mean() - b.geometry.x.mean()) < 1e-6


def test_csv_has_acled_columns_and_round_trips(incs):
    rows = list(csv.DictReader(io.StringIO(export.csv_text(incs))))
    assert set(export.ACLED_COLUMNS) <= set(rows[0])
    kozinka = next(r for r in rows if r["location"] == "Kozinka")
    assert kozinka["event_date"] == "2023-05-23" and kozinka["country"] == "Russia" and kozinka["geo_precision"] == "1"
    assert float(kozinka["latitude"]) == pytest.approx(50.46, abs=0.01)


def test_kml_parses_with_a_placemark_and_timestamp_per_incident(incs):
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(export.kml_text(incs).encode())
    marks = root.findall(".//k:Placemark", ns)
    assert len(marks) == len(export.select(incs))
    for m in marks:
        assert m.find(".//k:TimeStamp/k:when", ns) is not None or m.find(".//k:TimeSpan/k:begin", ns) is not None
        lon, lat = map(float, m.find(".//k:coordinates", ns).text.split(","))
        assert 20 < lon < 45 and 40 < lat < 60


def test_kml_balloons_show_markup_and_quotes_from_reports_as_text(incs):
    """Google Earth renders a description (and data values) as HTML: once parsed as XML the
    text is still escaped HTML, which shows the markup as text instead of running it."""
    import html
    from dataclasses import replace
    from html.parser import HTMLParser

    nasty = "<b>Shelling</b> & \"fire\" near 'Kozinka' ]]> <img src=x onerror=alert(1)>"
    inc = replace(export.select(incs)[0], evidence=(nasty,), mentions=("<i>K</i>",))
    root = ET.fromstring(export.kml_text([inc]).encode())
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    balloon = root.find(".//k:description", ns).text

    class Tags(HTMLParser):
        seen: list = []

        def handle_starttag(self, tag, attrs):
            self.seen.append(tag)

    parser = Tags()
    parser.feed(balloon)
    assert parser.seen == []
    assert html.unescape(balloon) == nasty
    assert '"fire"' in balloon and "&quot;" not in balloon  # quotes are shown as quotes, not as &quot;
    assert html.unescape(root.find(".//k:SimpleData[@name='mention']", ns).text) == "<i>K</i>"


def test_kml_has_a_typed_schema_and_folders_named_by_type_alone(incs):
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    root = ET.fromstring(export.kml_text(incs).encode())
    fields = {f.get("name"): f.get("type") for f in root.findall(".//k:Schema/k:SimpleField", ns)}
    assert fields["confidence"] == "double" and fields["fatalities"] == "int" and fields["place"] == "string"
    assert all(not re.search(r"\(\d+\)$", f.text) for f in root.findall("k:Document/k:Folder/k:name", ns))
    data = root.find(".//k:Placemark/k:ExtendedData/k:SchemaData", ns)
    assert data.get("schemaUrl") == "#incident"
    assert {d.get("name") for d in data.findall("k:SimpleData", ns)} <= set(fields)


@pytest.mark.parametrize("cell", ["=1+1", " =1+1", "\n=cmd|' /C calc'!A0", "\t+1", "@SUM(A1)", "-2+3"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(cell):
    assert export.csv_cell(cell) == "'" + cell


def test_csv_opens_in_excel_as_utf8_and_in_pandas_unchanged(incs, tmp_path):
    import pandas as pd

    path = export.write("csv", tmp_path / "a.csv", incs)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel reads UTF-8 by
    df = pd.read_csv(path)
    assert df.columns[0] == "event_id_cnty" and len(df) == len(export.select(incs))
    assert all(re.fullmatch(r"(UKR|RUS|BLR)\d+", v) for v in df["event_id_cnty"])


def test_writes_are_atomic_and_leave_no_temp_files(incs, tmp_path):
    export.write("geojson", tmp_path / "a.geojson", incs)
    export.write("geojson", tmp_path / "a.geojson", incs)
    assert [p.name for p in tmp_path.iterdir()] == ["a.geojson"]


def test_unwritable_output_is_an_output_error(incs, tmp_path):
    from mapper.errors import OutputError

    (tmp_path / "file").write_text("x")
    with pytest.raises(OutputError):
        export.write("geojson", tmp_path / "file" / "sub" / "a.geojson", incs)


def test_incidents_survive_the_trip_between_processes(incs):
    # batch workers send incidents to the parent by pickle: every field, the place included
    back = pickle.loads(pickle.dumps(incs, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == incs
    assert [i.place.names for i in back] == [i.place.names for i in incs]
    assert export.geojson_text(back) == export.geojson_text(incs)


# ACLED's published column list, in its order (the ACLED codebook)
ACLED_PUBLISHED = ("event_id_cnty event_date year time_precision disorder_type event_type sub_event_type actor1 "
                   "assoc_actor_1 inter1 actor2 assoc_actor_2 inter2 interaction civilian_targeting iso region country "
                   "admin1 admin2 admin3 location latitude longitude geo_precision source source_scale notes "
                   "fatalities tags timestamp").split()
ACLED_EVENT_TYPES = {
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}


def test_the_csv_has_acleds_columns_in_acleds_order_and_taxonomy(seed_result, tmp_path):
    import pandas as pd

    path = export.write("csv", tmp_path / "x.csv", list(seed_result.incidents))
    df = pd.read_csv(path)
    assert list(df.columns[:len(ACLED_PUBLISHED)]) == ACLED_PUBLISHED
    assert len(df) == len(export.select(seed_result.incidents))
    for etype, sub in zip(df["event_type"], df["sub_event_type"]):
        assert sub in ACLED_EVENT_TYPES[etype]
    assert set(df["disorder_type"]) <= {"Political violence", "Strategic developments"}
    assert (df["fatalities"] >= 0).all() and df["fatalities"].dtype.kind == "i"
    assert set(df["country"]) <= {"Russia", "Ukraine"} and set(df["iso"]) <= {643, 804}
    assert df["timestamp"].dtype.kind == "i" and (df["year"] == 2023).all()


@pytest.mark.parametrize("text, actor", [
    ("Russian forces shelled Kozinka today.", "Military Forces of Russia (2000-)"),
    ("ВСУ обстреляли Глотово сегодня.", "Military Forces of Ukraine (2019-)"),
    ("Ворог обстріляв Хотінь.", "Military Forces of Russia (2000-)"),
])
def test_the_csv_names_the_actors_a_report_states(pipeline, text, actor):
    import pandas as pd

    from tests.conftest import report

    df = pd.read_csv(io.StringIO(export.csv_text(pipeline.process(report(text)).incidents)))
    assert list(df["actor1"]) == [actor] and list(df["inter1"]) == [1]


def test_the_geopackage_has_one_schema_and_the_same_bytes_every_run(seed_result, tmp_path):
    import pyogrio

    incs = list(seed_result.incidents)
    a = export.write("gpkg", tmp_path / "a.gpkg", incs)
    b = export.write("gpkg", tmp_path / "b.gpkg", incs)
    empty = export.write("gpkg", tmp_path / "empty.gpkg", [])
    assert a.read_bytes() == b.read_bytes()
    full, none = pyogrio.read_info(a), pyogrio.read_info(empty)
    assert list(full["fields"]) == list(none["fields"]) == list(export.PROPERTY_NAMES)
    assert list(full["dtypes"]) == list(none["dtypes"])
    types = dict(zip(full["fields"], full["dtypes"]))
    assert types["date"].startswith("datetime") and types["fatalities"] == "int64" and types["geonameid"] == "int64"
    df = pyogrio.read_dataframe(a)
    assert str(df["date"].min().date()) == "2023-05-22"


def test_kml_opens_in_a_kml_library_with_a_folder_and_a_style_per_event_type(seed_result):
    from fastkml import kml

    incs = export.select(seed_result.incidents)
    doc = next(iter(kml.KML.from_string(export.kml_text(incs).encode()).features))
    folders = list(doc.features)
    types = {i.event_type for i in incs}
    assert len(folders) == len(types)
    styles = {s.id: s for s in doc.styles}
    assert set(styles) == {f"et-{t}" for t in types}
    assert len({s.styles[0].color for s in styles.values()}) == len(types)  # one colour a type
    placemarks = [p for f in folders for p in f.features]
    assert len(placemarks) == len(incs)
    for pm in placemarks:
        assert pm.style_url.url.lstrip("#") in styles
        assert pm.times is not None


ACLED = {  # ACLED's event types and their sub-event types (ACLED Codebook, 2023)
    "Battles": {"Armed clash", "Government regains territory", "Non-state actor overtakes territory"},
    "Explosions/Remote violence": {"Chemical weapon", "Air/drone strike", "Suicide bomb",
                                   "Shelling/artillery/missile attack", "Remote explosive/landmine/IED", "Grenade"},
    "Violence against civilians": {"Sexual violence", "Attack", "Abduction/forced disappearance"},
    "Protests": {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"},
    "Riots": {"Violent demonstration", "Mob violence"},
    "Strategic developments": {"Agreement", "Arrests", "Change to group/activity", "Disrupted weapons use",
                               "Headquarters or base established", "Looting/property destruction",
                               "Non-violent transfer of territory", "Other"},
}


def test_every_event_type_is_an_acled_event_and_sub_event_type():
    from mapper.events import cue_table

    for et in cue_table().types:
        assert et.acled in ACLED, et.type
        assert et.acled_sub in ACLED[et.acled], et.type


@pytest.mark.parametrize("text, etype, sub, targeting", [
    ("Shelling of Glotovo wounded two civilians.", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     "Civilian targeting"),
    ("Shelling of Glotovo hit an army depot.", "Explosions/Remote violence", "Shelling/artillery/missile attack", ""),
    ("Two civilians were wounded in Glotovo.", "Explosions/Remote violence", "Shelling/artillery/missile attack",
     "Civilian targeting"),
    ("Drones dropped grenades on two homes in Glotovo.", "Explosions/Remote violence", "Air/drone strike", ""),
    ("A drone was shot down over Glotovo.", "Strategic developments", "Disrupted weapons use", ""),
    ("Fighting continued near Glotovo.", "Battles", "Armed clash", ""),
])
def test_acled_rows_are_as_acled_codes_them(pipeline, text, etype, sub, targeting):
    from tests.conftest import report

    (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    row = export.acled_row(i)
    assert (row["event_type"], row["sub_event_type"], row["civilian_targeting"]) == (etype, sub, targeting)
    assert row["sub_event_type"] == export.properties(i)["sub_event_type"]  # one vocabulary in every format
    assert row["event_id_cnty"].startswith("RUS") and row["event_id_cnty"][3:].isdigit()
    assert row["geo_precision"] in (1, 2, 3) and row["time_precision"] in (1, 2, 3)


@pytest.mark.parametrize("text, actor", [
    ("Со стороны Украины обстреляли Глотово.", "Military Forces of Ukraine (2019-)"),
    ("Украинские беспилотники атаковали Глотово.", "Military Forces of Ukraine (2019-)"),
    ("Окупанти обстріляли Есмань.", "Military Forces of Russia (2000-)"),
    ("Терористи били по Есмані.", "Military Forces of Russia (2000-)"),
    ("Удар ворога по Есмані.", "Military Forces of Russia (2000-)"),
    ("A Russian attack hit Vovchansk.", "Military Forces of Russia (2000-)"),
    ("A Ukrainian missile struck Glotovo.", "Military Forces of Ukraine (2019-)"),
])
def test_the_attacker_the_text_names_is_acleds_actor1(pipeline, text, actor):
    from tests.conftest import report

    (i,) = [i for i in pipeline.process(report(text)).incidents if i.kind == "incident"]
    row = export.acled_row(i)
    assert (row["actor1"], row["inter1"]) == (actor, 1)


def test_an_attack_whose_sentence_names_no_attacker_takes_the_reports(pipeline):
    from tests.conftest import report

    text = "Окупанти атакували прикордонні громади.\n\nУ Есмані поранено жінку. У Шостці загорівся склад."
    found = {i.place.name: i for i in pipeline.process(report(text)).incidents if i.kind == "incident"}
    assert found["Esman"].actors == ("Military Forces of Russia (2000-)",)
    assert export.acled_row(found["Esman"])["actor1"] == "Military Forces of Russia (2000-)"
    assert export.properties(found["Esman"])["actors"] == "Military Forces of Russia (2000-)"


def test_geojsonseq_escapes_unicode_line_separators(incs):
    from dataclasses import replace

    inc = replace(export.select(incs)[0], evidence=("one\u2028two\u2029three",))
    out = export.geojsonseq_bytes([inc])
    assert "\u2028".encode() not in out and "\u2029".encode() not in out
    assert json.loads(out.decode().splitlines()[0])["properties"]["evidence"] == "one\u2028two\u2029three"


def test_every_format_read_back_by_its_users_library_holds_the_same_values(seed_result, tmp_path):
    """GeoJSON by json, CSV by pandas, KML by fastkml, the GeoPackage by pyogrio: per incident
    the same day, type, place, point and fatalities (ACLED's CSV writes none stated as 0)."""
    import pandas as pd
    import pyogrio
    from fastkml import kml

    incs = export.select(seed_result.incidents)
    paths = {fmt: export.write(fmt, tmp_path / f"all.{fmt}", incs) for fmt in ("geojson", "csv", "kml", "gpkg")}
    geojson = {f["properties"]["incident_id"]: f for f in json.loads(paths["geojson"].read_text())["features"]}
    table = pyogrio.read_dataframe(paths["gpkg"]).set_index("incident_id")
    sheet = pd.read_csv(paths["csv"], encoding="utf-8-sig", keep_default_na=False, dtype=str).set_index("event_id_cnty")
    doc = next(iter(kml.KML.from_string(paths["kml"].read_bytes()).features))
    placemarks = {}
    for folder in doc.features:
        for p in folder.features:
            values = {d.name: d.value for d in p.extended_data.elements[0].data}
            placemarks[values["incident_id"]] = (values, p)
    assert len(geojson) == len(table) == len(sheet) == len(placemarks) == len(incs)
    for i in incs:
        want = export.properties(i)
        g = geojson[i.incident_id]
        assert (g["properties"]["date"], g["properties"]["sub_event_type"], g["properties"]["place"]) == \
            (want["date"], want["sub_event_type"], want["place"])
        assert g["geometry"]["coordinates"] == pytest.approx([i.place.lon, i.place.lat], abs=1e-5)
        row = table.loc[i.incident_id]
        assert row["date"].date().isoformat() == want["date"] and row["sub_event_type"] == want["sub_event_type"]
        assert (pd.isna(row["fatalities"]) and want["fatalities"] is None) or row["fatalities"] == want["fatalities"]
        assert (row.geometry.x, row.geometry.y) == pytest.approx((i.place.lon, i.place.lat), abs=1e-5)
        line = sheet.loc[export.event_id_cnty(i)]
        assert (line["event_date"], line["sub_event_type"], line["location"]) == (want["date"], want["sub_event_type"],
                                                                                   want["place"])
        assert int(line["fatalities"]) == (want["fatalities"] or 0)
        assert (float(line["longitude"]), float(line["latitude"])) == pytest.approx((i.place.lon, i.place.lat), abs=1e-5)
        values, placemark = placemarks[i.incident_id]
        assert (values["date"], values["sub_event_type"], values["place"]) == (want["date"], want["sub_event_type"],
                                                                               want["place"])
        assert values.get("fatalities") == (None if want["fatalities"] is None else str(want["fatalities"]))
        assert (placemark.geometry.x, placemark.geometry.y) == pytest.approx((i.place.lon, i.place.lat), abs=1e-5)


def test_the_geopackage_stores_days_as_dates_and_flags_as_booleans(seed_result, tmp_path):
    import sqlite3

    path = export.write("gpkg", tmp_path / "t.gpkg", list(seed_result.incidents))
    sql = sqlite3.connect(path).execute("SELECT sql FROM sqlite_master WHERE name = 'incidents'").fetchone()[0]
    assert '"date" DATE' in sql and '"date_end" DATE' in sql and '"hedged" BOOLEAN' in sql
    assert '"fatalities" INTEGER' in sql and '"time_precision" INTEGER' in sql


def test_the_geodataframe_can_give_oblasts_their_outline(seed_result):
    from mapper.api import to_geodataframe

    incs = export.select(seed_result.incidents)
    points = to_geodataframe(incs)
    areas = to_geodataframe(incs, areas=True)
    kinds = dict(zip(areas["place"], areas.geometry.geom_type))
    assert set(points.geometry.geom_type) == {"Point"}
    assert kinds["Kharkiv Oblast"] in ("Polygon", "MultiPolygon") and kinds["Kozinka"] == "Point"
    oblast = areas[areas["place"] == "Kharkiv Oblast"].geometry.iloc[0]
    kozinka = areas[areas["place"] == "Kozinka"].geometry.iloc[0]
    assert oblast.area > 1 and not oblast.contains(kozinka)  # Kozinka is over the border, in Russia


def test_incidents_a_user_made_with_their_own_ids_are_written_in_every_format(seed_result, tmp_path):
    from dataclasses import replace

    incs = [replace(i, incident_id=f"my-{n}") for n, i in enumerate(export.select(seed_result.incidents))]
    for fmt in ("geojson", "csv", "kml", "gpkg"):
        assert export.write(fmt, tmp_path / f"mine.{fmt}", incs).stat().st_size > 0
    ids = [export.event_id_cnty(i) for i in incs]
    assert len(set(ids)) == len(ids) and all(x[:3] in ("RUS", "UKR") and x[3:].isdigit() for x in ids)


def test_one_run_computes_each_incidents_properties_once_for_every_format(seed_result, tmp_path, monkeypatch):
    from mapper import table
    from mapper.outputs import write_set

    calls = []
    real = table.compute_properties
    monkeypatch.setattr(table, "compute_properties", lambda i: calls.append(i.incident_id) or real(i))
    incs = export.select(seed_result.incidents)
    write_set(tmp_path, "r", incs, ["geojson", "csv", "kml", "gpkg"], title="t", cdn=False, digits=5, mentions=False)
    assert sorted(calls) == sorted(i.incident_id for i in incs)  # once each, for four formats
