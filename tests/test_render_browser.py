"""The map as a user sees it, in headless Chromium with the network blocked."""


import datetime as dt
import os
import time

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from mapper import export
from mapper.webmap import write_map
from mapper.snapshot import Browser, find_chromium
from tests.conftest import report

pytestmark = pytest.mark.browser

if not find_chromium():
    if os.environ.get("CI"):
        raise RuntimeError("CI must install Debian chromium and chromium-driver")
    pytest.skip("headless Chromium not installed", allow_module_level=True)


@pytest.fixture(scope="module")
def browser():
    with Browser(block_network=True) as b:
        yield b


def visible(b):
    return b.driver.execute_script("return IM.visible()")


def place(b, name):
    """The page's place entry of that name: its marker, and the incidents shown there."""
    return b.driver.execute_script(
        "var name = arguments[0], p = IM.places.filter(function(p){return p.name === name})[0];"
        "return p && {k: p.k, n: p.on.length, ids: p.on.map(function(r){return r.id})}", name)


def click_place(b, name):
    """A real click where the place's marker is drawn."""
    from selenium.webdriver.common.action_chains import ActionChains

    d = b.driver
    x, y = d.execute_script("""
        var name = arguments[0], p = IM.places.filter(function(p){return p.name === name})[0];
        var pt = IM.map.latLngToContainerPoint([p.lat, p.lon]), r = IM.map.getContainer().getBoundingClientRect();
        return [Math.round(pt.x + r.left), Math.round(pt.y + r.top)];""", name)
    body = d.find_element("tag name", "body")
    ActionChains(d).move_to_element_with_offset(body, x - body.size["width"] // 2, y - body.size["height"] // 2) \
        .click().perform()
    return popup_text(b)


def popup_text(b):
    popup = b.driver.find_element("css selector", ".leaflet-popup-content")
    # the popup fades in (a CSS transition): on a busy machine it takes a moment to be visible
    WebDriverWait(b.driver, 5).until(lambda _: popup.is_displayed())
    return popup.get_attribute("textContent")


def severe(b):
    return [m for m in b.console() if m["level"] == "SEVERE"]


@pytest.fixture(scope="module")
def seed_map(seed_result, tmp_path_factory):
    path = tmp_path_factory.mktemp("map") / "seed.html"
    incs = export.select(seed_result.incidents)
    write_map(path, incs, title="Belgorod incursion")
    return path, incs


def test_offline_map_loads_with_no_network_and_no_errors(browser, seed_map):
    path, incs = seed_map
    browser.open(path)
    time.sleep(0.5)
    assert severe(browser) == []
    assert visible(browser) == len(incs)


def test_legend_title_and_layer_control(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    legend = d.find_element("id", "im-legend").text
    assert "Fortification or military presence" in legend and "Location precision" in legend
    assert "data as of 2023-05-23" in d.find_element("id", "im-title").text
    control = d.find_element("css selector", ".leaflet-control-layers").get_attribute("textContent")
    assert "Russia–Ukraine state border" in control and "Heat map" in control


def test_popup_shows_place_evidence_and_highlight(browser, seed_map):
    browser.open(seed_map[0])
    text = click_place(browser, "Kozinka")
    assert text.startswith("Kozinka") and "fortifications" in text and "Fortification" in text
    assert browser.driver.find_element("css selector", ".leaflet-popup-content mark").get_attribute("textContent") == "Kozinka"


def test_time_slider_and_presets_change_what_is_visible(browser, seed_map):
    from selenium.webdriver.common.by import By

    browser.open(seed_map[0])
    d = browser.driver
    before = visible(browser)
    d.execute_script("IM.setTime(IM.span[0]);")  # what the slider does when dragged to 22 May
    after = visible(browser)
    assert 0 < after < before  # on 22 May only the first day's incidents had happened
    assert d.find_element(By.CLASS_NAME, "im-time-label").text.startswith("2023-05-22 – 2023-05-22")
    d.execute_script("IM.setTime(IM.span[1]);")
    d.find_element(By.XPATH, "//button[text()='24 h']").click()
    last_day = visible(browser)
    assert 0 < last_day < before  # the 24 h preset hides what ended on the 22nd
    d.find_element(By.XPATH, "//button[text()='All']").click()
    assert visible(browser) == before


def test_place_search_finds_and_opens(browser, seed_map):
    from selenium.webdriver.common.by import By

    browser.open(seed_map[0])
    d = browser.driver
    d.find_element(By.CLASS_NAME, "im-search-input").send_keys("kozin")
    item = d.find_element(By.CLASS_NAME, "im-search-item")
    assert item.text.startswith("Kozinka")
    item.click()
    assert popup_text(browser).startswith("Kozinka")


def test_report_text_is_escaped_in_the_page(browser, pipeline, tmp_path):
    evil = ('Shelling of Kozinka <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned=2"> '
            'with `backticks`, {{ 7*7 }} and ${template} on Monday.')
    res = pipeline.process(report(evil))
    path = tmp_path / "evil.html"
    write_map(path, export.select(res.incidents), title="<b>title</b> {{ 6*7 }}")
    browser.open(path)
    d = browser.driver
    assert d.execute_script("return window.__pwned === undefined")
    text = click_place(browser, "Kozinka")
    assert "<script>window.__pwned = 1</script>" in text and "`backticks`" in text and "${template}" in text
    assert "{{ 7*7 }}" in text and "49" not in text  # report text is data, never template source
    assert "<b>title</b> {{ 6*7 }}" in d.find_element("id", "im-title").text and d.title == "<b>title</b> {{ 6*7 }}"
    assert severe(browser) == []


def test_map_without_incidents_shows_the_border_region(browser, tmp_path):
    path = tmp_path / "empty.html"
    write_map(path, [], title="Nothing yet")
    browser.open(path)
    assert visible(browser) == 0 and "no incidents" in browser.driver.find_element("id", "im-legend").text
    assert severe(browser) == []


def test_png_snapshot(seed_map, tmp_path):
    from mapper.snapshot import snapshot

    png = snapshot(seed_map[0], tmp_path / "seed.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 20_000


def test_an_area_popup_shows_its_outline_from_the_regions_file(browser, seed_result, shared, tmp_path):
    from mapper.render import load_regions

    regions = load_regions(shared / "boundaries" / "ukr_adm1_geoboundaries.geojson")
    path = tmp_path / "regions.html"
    write_map(path, export.select(seed_result.incidents), title="with outlines", regions=regions)
    browser.open(path)
    d = browser.driver
    assert "Region outlines" in d.find_element("css selector", ".leaflet-control-layers").get_attribute("textContent")
    polygons = "return Object.values(IM.map._layers).filter(function(l){return l instanceof L.Polygon}).length"
    before = d.execute_script(polygons)
    assert click_place(browser, "Kharkiv Oblast").startswith("Kharkiv Oblast")
    assert d.execute_script(polygons) > before  # its outline, while its popup is open
    assert severe(browser) == []


def test_bad_regions_file_is_an_input_error(tmp_path):
    from mapper.errors import InputError
    from mapper.render import load_regions

    p = tmp_path / "r.geojson"
    p.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(InputError):
        load_regions(p)


def test_many_points_are_clustered_and_still_filtered(browser, seed_result, tmp_path):
    from dataclasses import replace

    base = [i for i in export.select(seed_result.incidents) if i.level == "settlement"]
    incs = []
    for n in range(1500):
        b = base[n % len(base)]
        p = replace(b.place, lat=b.place.lat + (n % 37) * 0.03, lon=b.place.lon + (n % 41) * 0.04)
        incs.append(replace(b, place=p, incident_id=f"x{n}", date=dt.date(2023, 1, 1) + dt.timedelta(days=n % 90)))
    path = tmp_path / "many.html"
    write_map(path, incs, title="many")
    browser.open(path)
    d = browser.driver
    assert severe(browser) == []
    assert d.execute_script("return IM.cfg.cluster") is True
    assert visible(browser) == 1500
    assert len(d.find_elements("css selector", ".marker-cluster")) > 0
    d.execute_script("IM.setWindow(7)")
    week = visible(browser)
    assert 0 < week < 1500


# -- self-contained, atlas, overview, tools ------------------------------------------------------

def test_the_default_map_is_one_file_that_fetches_nothing(browser, seed_map):
    import re

    page = seed_map[0].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)  # every library is in the page
    browser.open(seed_map[0])
    d = browser.driver
    time.sleep(0.3)
    fetched = d.execute_script("return performance.getEntriesByType('resource').map(function(e){return e.name})")
    assert [u for u in fetched if not u.startswith(("file:", "data:", "blob:"))] == []
    assert severe(browser) == []


def test_cdn_maps_link_pinned_versions_checked_by_the_browser(seed_result, tmp_path):
    import re

    path = write_map(tmp_path / "cdn.html", export.select(seed_result.incidents), title="t", cdn=True)
    page = path.read_text(encoding="utf-8")
    tags = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"[^>]*>", page)
    assert tags and all(re.match(r"https://unpkg\.com/[\w.-]+@\d+\.\d+\.\d+/", u) for u in tags)
    assert all("integrity=\"sha384-" in t for t in re.findall(r"<(?:script|link)[^>]+(?:src|href)=[^>]+>", page))


def test_the_state_border_is_one_line_drawn_above_every_incident(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    z = d.execute_script("""
        function z(l) { return Number(getComputedStyle(IM.map.getPane(l.options.pane)).zIndex); }
        var border = IM.overlay('Russia–Ukraine state border').getLayers()[0];
        var marks = IM.places.map(function (p) { return z(p.marker); });
        return [z(border), Math.max.apply(null, marks)];""")
    assert z[0] > z[1]
    # the area marks are hollow symbols, never fills that hide the border
    fills = d.execute_script("return IM.places.filter(function(p){return p.level !== 'settlement'})"
                             ".map(function(p){return p.marker.options.fillOpacity})")
    assert fills and max(fills) <= 0.3


def test_no_other_outline_runs_beside_the_state_border():
    """The oblast and country lines stop short of the border: one line there, not three 1-2 km apart."""
    import json
    from importlib.resources import files

    from shapely.geometry import shape
    from shapely.ops import unary_union

    from mapper.border import boundaries_geojson

    lines = json.loads((files("mapper") / "data" / "basemap.json").read_text(encoding="utf-8"))["lines"]
    border = unary_union([shape(f["geometry"]) for f in boundaries_geojson()["features"]
                          if f["properties"]["kind"] == "border"])
    for kind in ("oblast", "country"):
        assert shape(lines[kind]).distance(border) > 0.03, kind


def test_names_orient_the_reader_by_zoom(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver

    def shown(cls):
        return d.execute_script(
            "return Array.prototype.filter.call(document.querySelectorAll(arguments[0]),"
            "function(e){return e.offsetParent !== null}).map(function(e){return e.textContent})", cls)

    d.execute_script("IM.map.setView([50.3, 36.5], 7, {animate: false})")
    assert "Kharkiv" in shown(".im-name-town") and "Belgorod" in shown(".im-name-oblast")
    assert "Kozinka" in shown(".im-label")  # a place with incidents is named at this zoom
    d.execute_script("IM.map.setView([50.3, 36.5], 5, {animate: false})")
    towns = shown(".im-name-town")
    assert "Kharkiv" in towns and "Lyman" not in towns  # only the biggest cities far out
    assert "Kozinka" in shown(".im-label")  # the busiest places are named at every zoom
    assert shown(".im-name-village") == []
    # from zoom 10, the villages around the incidents are named: a strike's surroundings, no tiles
    d.execute_script("var p = IM.places.filter(function(p){return p.name === 'Kozinka'})[0];"
                     "IM.map.setView([p.lat, p.lon], 11, {animate: false})")
    WebDriverWait(d, 5).until(lambda _: shown(".im-name-village"))
    villages = shown(".im-name-village")
    assert len(villages) >= 3 and "Kozinka" in villages


def test_one_far_away_incident_does_not_zoom_the_view_out(browser, seed_result, tmp_path):
    from dataclasses import replace

    incs = export.select(seed_result.incidents)
    stray = replace(incs[0], incident_id="far", place=replace(incs[0].place, name="Kabo", lat=7.7, lon=18.6,
                                                              country_code="CF"))
    path = write_map(tmp_path / "stray.html", incs + [stray], title="stray")
    browser.open(path)
    d = browser.driver
    south, west = d.execute_script("var b = IM.map.getBounds(); return [b.getSouth(), b.getWest()]")
    assert south > 40 and west > 25  # still the border region, not Africa
    assert "1 outside the border region" in d.find_element("id", "im-outliers").text
    assert "Kabo (CF)" in d.find_element("id", "im-outliers").text


def test_brushing_the_histogram_shows_only_those_days(browser, seed_map):
    from selenium.webdriver.common.action_chains import ActionChains

    browser.open(seed_map[0])
    d = browser.driver
    before = visible(browser)
    hist = d.find_element("css selector", ".im-hist")
    w = hist.size["width"]
    # drag across the first day only (the seed spans 22-23 May)
    ActionChains(d).move_to_element_with_offset(hist, -w // 2 + 3, 0).click_and_hold() \
        .move_by_offset(w // 4, 0).release().perform()
    after = visible(browser)
    assert 0 < after < before
    assert d.find_element("class name", "im-time-label").text.startswith("2023-05-22 – 2023-05-22")
    # and across both days: everything again
    ActionChains(d).move_to_element_with_offset(hist, -w // 2 + 3, 0).click_and_hold() \
        .move_by_offset(w - 6, 0).release().perform()
    assert visible(browser) == before
    assert d.find_element("class name", "im-time-label").text.startswith("2023-05-22 – 2023-05-23")


def test_enter_in_the_search_box_opens_the_first_match(browser, seed_map):
    from selenium.webdriver.common.keys import Keys

    browser.open(seed_map[0])
    browser.driver.find_element("class name", "im-search-input").send_keys("borisov", Keys.ENTER)
    assert popup_text(browser).startswith("Borisovka")


def test_title_legend_list_and_time_bar_sit_outside_the_map(browser, seed_map):
    """Nothing of ours covers a marker or a popup: the title, side panel and time bar frame the map."""
    browser.open(seed_map[0])
    d = browser.driver
    m = d.find_element("css selector", ".folium-map").rect
    assert m["width"] > 600 and m["height"] > 400
    for box in ("im-head", "im-side", "im-time"):
        r = d.find_element("id", box).rect
        overlap_x = min(m["x"] + m["width"], r["x"] + r["width"]) - max(m["x"], r["x"])
        overlap_y = min(m["y"] + m["height"], r["y"] + r["height"]) - max(m["y"], r["y"])
        assert overlap_x <= 0 or overlap_y <= 0, box


def test_tiles_that_cannot_load_are_said_so_in_one_quiet_line(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    assert d.find_element("id", "im-notice").text == ""
    # the user picks a tile layer in the layer control, with no network
    d.execute_script("""
        var input = Array.prototype.filter.call(document.querySelectorAll('.leaflet-control-layers-base label'),
            function (l) { return l.textContent.indexOf('OpenStreetMap') >= 0; })[0].querySelector('input');
        input.click();""")
    WebDriverWait(d, 10).until(lambda _: d.find_element("id", "im-notice").text != "")
    assert "could not be loaded" in d.find_element("id", "im-notice").text
    assert visible(browser) == len(seed_map[1])  # the incidents are all still there
    d.get("about:blank")
    browser.console()  # the failed tile requests are this test's, not the next one's


@pytest.mark.parametrize("name", ["Kozinka", "Grayvoronsky District", "Kharkiv Oblast"])
def test_a_click_on_any_kind_of_place_opens_its_popup(browser, seed_map, name):
    browser.open(seed_map[0])
    assert click_place(browser, name).startswith(name)


def test_popups_say_who_claims_it_and_the_map_filters_by_side(browser, seed_map):
    from selenium.webdriver.support.ui import Select

    browser.open(seed_map[0])
    d = browser.driver
    assert "Claimed by Pro-Ukrainian channels (other)" in click_place(browser, "Kozinka")
    before = visible(browser)
    Select(d.find_element("class name", "im-side")).select_by_visible_text("Russian official")
    ru = visible(browser)
    assert 0 < ru < before
    assert set(d.execute_script("return IM.rows.filter(function(r){return r.on}).map(function(r){return r.side})")) \
        == {"ru_official"}
    Select(d.find_element("class name", "im-side")).select_by_visible_text("all claimants")
    assert visible(browser) == before


def test_folium_measure_control_measures_in_km(browser, seed_map):
    from selenium.webdriver.common.action_chains import ActionChains

    browser.open(seed_map[0])
    d = browser.driver
    ActionChains(d).move_to_element(d.find_element("css selector", ".leaflet-control-measure-toggle")).perform()
    d.find_element("css selector", ".leaflet-control-measure .js-start").click()
    m = d.find_element("css selector", ".folium-map")
    ActionChains(d).move_to_element_with_offset(m, -50, -100).click().move_by_offset(100, 0).click().perform()
    results = d.find_element("css selector", ".leaflet-control-measure .js-results")
    WebDriverWait(d, 5).until(lambda _: "Path distance" in results.get_attribute("textContent"))
    import re

    from gazetteer import haversine_km

    km = float(re.search(r"Path distance ([\d.,]+) Kilometers", results.get_attribute("textContent"))[1].replace(",", ""))
    a, b = d.execute_script("""var c = IM.map.getSize().divideBy(2);
        return [[c.x - 50, c.y - 100], [c.x + 50, c.y - 100]].map(function (p) {
            var ll = IM.map.containerPointToLatLng(p); return [ll.lat, ll.lng]; });""")
    assert abs(km - haversine_km(a[0], a[1], b[0], b[1])) < 0.02 * km  # great-circle km, as the clicks are apart
    assert visible(browser) == len(seed_map[1])
    assert severe(browser) == []


# -- every incident reachable, filters that agree, list, search, time bar, URL ------------------

def _at(incident, n, **changes):
    from dataclasses import replace

    return replace(incident, incident_id=f"{incident.incident_id}-{n}", **changes)


@pytest.fixture(scope="module")
def stacked_map(seed_result, tmp_path_factory):
    """Twelve incidents at Belgorod Oblast on twelve days, and the seed's others."""
    incs = export.select(seed_result.incidents)
    oblast = next(i for i in incs if i.place.name == "Belgorod Oblast")
    extra = [_at(oblast, n, date=dt.date(2023, 5, 1) + dt.timedelta(days=n)) for n in range(12)]
    path = tmp_path_factory.mktemp("stacked") / "stacked.html"
    write_map(path, incs + extra, title="stacked")
    return path, incs + extra


def test_every_incident_at_one_oblast_is_reachable_from_its_popup(browser, stacked_map):
    path, incs = stacked_map
    browser.open(path)
    d = browser.driver
    want = {i.incident_id for i in incs if i.place.name == "Belgorod Oblast"}
    assert len(want) == 16
    from selenium.common.exceptions import StaleElementReferenceException

    assert click_place(browser, "Belgorod Oblast").startswith("Belgorod Oblast")

    def page():  # the ids on the popup's page, once it has settled (it is redrawn as it pans)
        return WebDriverWait(d, 5, ignored_exceptions=(StaleElementReferenceException,)).until(
            lambda _: [e.get_attribute("data-id") for e in d.find_elements("css selector", ".leaflet-popup-content .im-inc")])

    def turn():
        nxt = d.find_element("css selector", ".leaflet-popup-content .im-next")
        if not nxt.is_enabled():
            return "last"
        nxt.click()
        return "turned"

    seen = []
    for _ in range(10):
        seen += page()
        if WebDriverWait(d, 5, ignored_exceptions=(StaleElementReferenceException,)).until(lambda _: turn()) == "last":
            break
    assert set(seen) == want and len(seen) == len(want)  # every one, once, page by page
    first = d.execute_script("""var p = IM.places.filter(function(p){return p.name === 'Belgorod Oblast'})[0];
        return p.on.slice().sort(function(a,b){return (b.s||0)-(a.s||0)})[0].id""")
    assert seen[0] == first  # newest first
    tip = d.execute_script("""var p = IM.places.filter(function(p){return p.name === 'Belgorod Oblast'})[0];
        p.marker.fire('mouseover', {latlng: p.marker.getLatLng()}); return p.marker.getTooltip().getContent().textContent""")
    assert tip == "Belgorod Oblast · 16 incidents"


def test_a_districts_two_incidents_are_both_in_its_popup(browser, seed_map):
    browser.open(seed_map[0])
    text = click_place(browser, "Grayvoronsky District")
    assert "2 incidents" in text and "Battle or armed clash" in text and "Infrastructure damage or outage" in text


def test_the_list_and_the_map_lead_to_each_other(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    rows = d.find_elements("css selector", "#im-list .im-row")
    assert len(rows) == len(seed_map[1])
    row = next(r for r in rows if "Borisovka" in r.text)
    row.click()
    assert popup_text(browser).startswith("Borisovka")
    assert "im-sel" in row.get_attribute("class")
    d.execute_script("IM.map.closePopup()")
    click_place(browser, "Kozinka")
    selected = d.find_elements("css selector", "#im-list .im-row.im-sel")
    assert selected and all("Kozinka" in r.text for r in selected)


def test_the_list_sorts_by_place(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    d.find_element("css selector", ".im-sort-place").click()
    names = [e.text for e in d.find_elements("css selector", "#im-list .im-rp")]
    assert names == sorted(names) and len(names) == len(seed_map[1])


def test_the_legend_filters_counts_labels_list_and_histogram_together(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    before = visible(browser)

    def bars():
        return d.execute_script("return Array.prototype.map.call(document.querySelectorAll('.im-hist .im-bar'),"
                                "function(r){return r.getAttribute('fill')})")

    colour = d.execute_script("return IM.typeInfo.fortification.colour")
    assert colour in bars()
    item = next(e for e in d.find_elements("css selector", ".im-type-toggle") if "Fortification" in e.text)
    item.click()
    assert visible(browser) == before - 3
    assert colour not in bars()
    assert d.find_element("css selector", ".im-count").text == f"{before - 3} shown"
    assert not any("Fortification" in r.text for r in d.find_elements("css selector", "#im-list .im-row"))
    labels = d.execute_script("return IM.labels.getLayers().map(function(m){return m.getElement().textContent})")
    assert "Kozinka" not in labels  # its only incident is hidden: so is its name
    assert item.get_attribute("aria-pressed") == "false"
    # the claimant side narrows the legend's counts too
    item.click()
    assert visible(browser) == before


def test_undated_incidents_are_a_bin_of_their_own(browser, seed_result, tmp_path):
    from dataclasses import replace

    incs = export.select(seed_result.incidents)
    undated = [replace(incs[0], incident_id="u1", date=None, date_end=None),
               replace(incs[1], incident_id="u2", date=None, date_end=None)]
    path = write_map(tmp_path / "undated.html", incs + undated, title="undated")
    browser.open(path)
    d = browser.driver
    assert visible(browser) == len(incs) + 2  # all dates: the undated too
    assert d.find_element("css selector", ".im-undated").text == "undated 2"
    d.execute_script("IM.setWindow(7)")
    assert visible(browser) == len(incs)  # a time window: only what is dated in it
    assert "im-off" in d.find_element("css selector", ".im-undated").get_attribute("class")
    d.find_element("css selector", ".im-undated").click()
    assert visible(browser) == len(incs) + 2


def test_search_forgives_spelling_and_script(browser, pipeline, tmp_path):
    from selenium.webdriver.common.keys import Keys

    res = pipeline.process(report("Shelling of Sudzha and of Lyptsi in Kharkiv Oblast was reported on Monday."))
    path = write_map(tmp_path / "search.html", export.select(res.incidents), title="search")
    browser.open(path)
    d = browser.driver
    box = d.find_element("class name", "im-search-input")
    for query, place in (("Sudja", "Sudzha"), ("Суджа", "Sudzha"), ("Lipc", "Lyptsi"), ("Липці", "Lyptsi")):
        box.clear()
        box.send_keys(query)
        items = [e.text for e in d.find_elements("css selector", ".im-search-item")]
        assert items and items[0].startswith(place), (query, items)
    box.clear()
    box.send_keys("shelling of", Keys.ENTER)  # words of the evidence
    assert "Shelling of Sudzha" in popup_text(browser)


def test_the_downloads_hold_exactly_the_incidents_shown(browser, seed_map):
    import csv
    import io
    import json

    from selenium.webdriver.support.ui import Select

    browser.open(seed_map[0])
    d = browser.driver
    Select(d.find_element("class name", "im-side")).select_by_visible_text("Russian official")
    shown = set(d.execute_script("return IM.rows.filter(function(r){return r.on}).map(function(r){return r.id})"))
    assert 0 < len(shown) < len(seed_map[1])
    fc = json.loads(d.execute_script("return IM.exportShown('geojson')"))
    assert {f["properties"]["id"] for f in fc["features"]} == shown
    rows = list(csv.DictReader(io.StringIO(d.execute_script("return IM.exportShown('csv')").lstrip("\ufeff"))))
    assert {r["id"] for r in rows} == shown and all(r["place"] for r in rows)
    d.find_element("css selector", ".im-dl-csv").click()  # the button makes the same file
    assert severe(browser) == []


def test_the_url_hash_restores_a_view(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    d.execute_script("IM.toggleType('fortification'); IM.setRange(IM.span[1] - 86400000, IM.span[1] - 86400000);"
                     "IM.map.setView([50.5, 36.0], 9, {animate: false})")
    n = visible(browser)
    url = d.current_url
    assert "hide=fortification" in url and "from=2023-05-23" in url
    d.get("about:blank")
    d.get(url)
    WebDriverWait(d, 10).until(lambda _: d.execute_script("return !!(window.IM && IM.rows && IM.shown !== undefined)"))
    assert visible(browser) == n
    assert d.execute_script("return [IM.state.hidden.fortification, IM.map.getZoom()]") == [True, 9]


def test_the_time_bar_has_a_date_axis_and_stacks_types(browser, stacked_map):
    browser.open(stacked_map[0])
    d = browser.driver
    ticks = [e.text for e in d.find_elements("css selector", ".im-hist .im-tick")]
    assert ticks and all(t[:4] == "2023" for t in ticks)
    fills = set(d.execute_script("return Array.prototype.map.call(document.querySelectorAll('.im-hist .im-bar'),"
                                 "function(r){return r.getAttribute('fill')})"))
    assert len(fills) >= 3  # one colour per event type in the stacks


# -- a folium map in a notebook -------------------------------------------------------------------

def test_mapper_map_is_a_folium_map_a_user_can_add_to(browser, seed_report, tmp_path):
    import re

    import folium

    import mapper

    result = mapper.process(seed_report)
    m = mapper.Map(result, title="notebook")
    assert isinstance(m, folium.Map)
    folium.Marker([50.6, 36.6], tooltip="my own marker").add_to(m)
    inline = m._repr_html_()
    assert "<iframe" in inline  # the page, inline, fetching nothing
    assert not re.search(r"(?:&lt;|<)(?:script|link) [^&>]*(?:src|href)=(?:&quot;|\")https?:", inline)
    path = tmp_path / "nb.html"
    m.save(str(path))
    browser.open(path)
    d = browser.driver
    assert visible(browser) == len(result.incidents)
    icons = d.find_elements("css selector", "img.leaflet-marker-icon")
    assert len(icons) == 1 and icons[0].is_displayed()
    assert severe(browser) == []


def test_tool_buttons_are_images_not_font_glyphs(browser, seed_map):
    """A font without ⛶ or ▶ shows an empty box: the buttons carry their pictures."""
    browser.open(seed_map[0])
    d = browser.driver
    backgrounds = d.execute_script("""return ['.leaflet-control-zoom-fullscreen', '.leaflet-control-measure-toggle']
        .map(function (s) { return getComputedStyle(document.querySelector(s)).backgroundImage.slice(0, 15); })""")
    assert all(b.startswith('url("data:image') for b in backgrounds), backgrounds
    play = d.find_element("css selector", ".im-play")
    assert play.text == "" and play.find_elements("css selector", "svg path")
    play.click()
    assert play.get_attribute("data-state") == "pause"
    # the seed's two days play out in a moment: the button is a play button again at the end
    WebDriverWait(d, 5).until(lambda _: play.get_attribute("data-state") == "play")
