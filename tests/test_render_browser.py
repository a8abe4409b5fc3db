"""The map as a user sees it, in headless Chromium with the network blocked."""


import datetime as dt
import os
import time

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from mapper import export
from mapper.render import write_map
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
    assert "Russia–Ukraine state border" in control and "Incursion or ground movement" in control


def test_popup_shows_place_evidence_and_highlight(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    d.execute_script("IM.all.filter(function(l){return l.feature.properties.name === 'Kozinka'})[0].openPopup()")
    popup = d.find_element("css selector", ".leaflet-popup-content")
    # the popup fades in (a CSS transition): on a busy machine it takes a moment to be visible
    WebDriverWait(d, 5).until(lambda _: popup.is_displayed())
    text = popup.get_attribute("textContent")
    assert text.startswith("Kozinka") and "fortifications" in text and "Fortification" in text
    assert d.find_element("css selector", ".leaflet-popup-content mark").get_attribute("textContent") == "Kozinka"


def test_time_slider_and_presets_change_what_is_visible(browser, seed_map):
    from selenium.webdriver.common.by import By

    browser.open(seed_map[0])
    d = browser.driver
    before = visible(browser)
    d.execute_script("IM.setTime(IM.span[0]);")  # what the slider does when dragged to 22 May
    after = visible(browser)
    assert 0 < after < before  # on 22 May only the first day's incidents had happened
    label = d.find_element(By.CLASS_NAME, "im-time-label").text
    assert label.startswith("2023-05-22 – 2023-05-22")
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
    box = d.find_element(By.CLASS_NAME, "im-search-input")
    box.send_keys("kozin")
    item = d.find_element(By.CLASS_NAME, "im-search-item")
    assert item.text == "Kozinka"
    item.click()
    assert "Kozinka" in d.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").get_attribute("textContent")


def test_report_text_is_escaped_in_the_page(browser, pipeline, tmp_path):
    evil = ('Shelling of Kozinka <script>window.__pwned = 1</script> <img src=x onerror="window.__pwned=2"> '
            'with `backticks` and ${template} on Monday.')
    res = pipeline.process(report(evil))
    path = tmp_path / "evil.html"
    write_map(path, export.select(res.incidents), title="<b>title</b>")
    browser.open(path)
    d = browser.driver
    assert d.execute_script("return window.__pwned === undefined")
    d.execute_script("IM.all[0].openPopup()")
    text = d.find_element("css selector", ".leaflet-popup-content").get_attribute("textContent")
    assert "<script>window.__pwned = 1</script>" in text and "`backticks`" in text and "${template}" in text
    assert "<b>title</b>" in d.find_element("id", "im-title").text
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





def test_region_outlines_shade_region_incidents(browser, seed_result, shared, tmp_path):
    from mapper.render import load_regions

    regions = load_regions(shared / "boundaries" / "ukr_adm1_geoboundaries.geojson")
    path = tmp_path / "regions.html"
    write_map(path, export.select(seed_result.incidents), title="with outlines", regions=regions)
    browser.open(path)
    d = browser.driver
    # the Kharkiv Oblast incursion is drawn as the oblast's polygon, not a circle
    kinds = d.execute_script(
        "return IM.all.filter(function(l){return l.feature.properties.name === 'Kharkiv Oblast'})"
        ".map(function(l){return l instanceof L.Polygon ? 'polygon' : 'other'})")
    assert kinds == ["polygon"]
    assert "Region outlines" in d.find_element("css selector", ".leaflet-control-layers").get_attribute("textContent")
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
    assert d.execute_script("return IM.cluster") is True
    assert visible(browser) == 1500
    assert len(d.find_elements("css selector", ".im-cluster")) > 0
    d.execute_script("IM.setWindow(7)")
    week = visible(browser)
    assert 0 < week < 1500


# -- self-contained, atlas, overview, tools (issue 16) ------------------------------------------

def test_the_default_map_is_one_file_that_fetches_nothing(browser, seed_map):
    import re

    page = seed_map[0].read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", page)  # every library is in the page
    browser.open(seed_map[0])
    d = browser.driver
    time.sleep(0.3)
    fetched = d.execute_script("return performance.getEntriesByType('resource').map(function(e){return e.name})")
    assert [u for u in fetched if not u.startswith(("file:", "data:", "blob:"))] == []
    assert d.execute_script("return typeof L.markerClusterGroup === 'function' || !IM.cluster")
    assert severe(browser) == []


def test_cdn_maps_link_pinned_versions_checked_by_the_browser(seed_result, tmp_path):
    import re

    path = write_map(tmp_path / "cdn.html", export.select(seed_result.incidents), title="t", cdn=True)
    tags = re.findall(r"<(?:script|link)[^>]+(?:src|href)=\"([^\"]+)\"[^>]*>", path.read_text(encoding="utf-8"))
    assert tags and all(re.match(r"https://unpkg\.com/[\w.-]+@\d+\.\d+\.\d+/", u) for u in tags)
    assert all("integrity=\"sha384-" in t for t in re.findall(r"<(?:script|link)[^>]+(?:src|href)=[^>]+>",
                                                              path.read_text(encoding="utf-8")))


def test_oblasts_are_drawn_and_region_incidents_are_their_outline(browser, seed_map):
    browser.open(seed_map[0])
    d = browser.driver
    n = d.execute_script("return IM.overlay('Oblast outlines').getLayers().length")
    assert n >= 30  # Ukraine's 27 and the Russian regions along the border
    kinds = d.execute_script(
        "return IM.all.filter(function(l){return l.feature.properties.name === 'Kharkiv Oblast'})"
        ".map(function(l){return l instanceof L.Polygon ? 'polygon' : 'other'})")
    assert kinds == ["polygon"]  # not a circle that looks like a blast radius
    # a district is a diamond, not a circle
    district = d.execute_script(
        "return IM.all.filter(function(l){return l.feature.properties.precision === 'district'})"
        ".map(function(l){return l instanceof IM.Diamond})")
    assert district and all(district)


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
    d = browser.driver
    d.find_element("class name", "im-search-input").send_keys("borisov", Keys.ENTER)
    popup = d.find_element("css selector", ".leaflet-popup-content")
    WebDriverWait(d, 5).until(lambda _: popup.is_displayed())
    assert popup.get_attribute("textContent").startswith("Borisovka")


def test_title_legend_and_time_bar_sit_outside_the_map(browser, seed_map):
    """Nothing of ours covers a marker or a popup: the title, legend and time bar frame the map."""
    browser.open(seed_map[0])
    d = browser.driver
    m = d.find_element("id", "im-map").rect
    for box in ("im-head", "im-legend", "im-time"):
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


@pytest.mark.parametrize("precision", ["settlement", "district", "region"])
def test_a_click_on_any_kind_of_incident_opens_its_popup(browser, seed_map, precision):
    from selenium.webdriver.common.action_chains import ActionChains

    browser.open(seed_map[0])
    d = browser.driver
    x, y, name = d.execute_script("""
        var want = arguments[0];
        var l = IM.all.filter(function (l) { return l.feature.properties.precision === want; })[0];
        var ll = l.getLatLng ? l.getLatLng() : l.getBounds().getCenter();
        var p = IM.map.latLngToContainerPoint(ll), r = document.getElementById('im-map').getBoundingClientRect();
        return [Math.round(p.x + r.left), Math.round(p.y + r.top), l.feature.properties.name];""", precision)
    body = d.find_element("tag name", "body")
    ActionChains(d).move_to_element_with_offset(body, x - body.size["width"] // 2, y - body.size["height"] // 2) \
        .click().perform()
    popup = d.find_element("css selector", ".leaflet-popup-content")
    WebDriverWait(d, 5).until(lambda _: popup.is_displayed())
    assert popup.get_attribute("textContent").startswith(name)


def test_popups_say_who_claims_it_and_the_map_filters_by_side(browser, seed_map):
    from selenium.webdriver.support.ui import Select

    browser.open(seed_map[0])
    d = browser.driver
    d.execute_script("IM.all.filter(function(l){return l.feature.properties.name === 'Kozinka'})[0].openPopup()")
    popup = d.find_element("css selector", ".leaflet-popup-content")
    WebDriverWait(d, 5).until(lambda _: popup.is_displayed())
    assert "Claimed by Pro-Ukrainian channels (other)" in popup.get_attribute("textContent")
    before = visible(browser)
    Select(d.find_element("class name", "im-side")).select_by_visible_text("Russian official")
    ru = visible(browser)
    assert 0 < ru < before
    assert all(p == "ru_official" for p in d.execute_script(
        "return IM.all.filter(function(l){return l._imGroup.hasLayer(l)}).map(function(l){return l.feature.properties.side})"))
    Select(d.find_element("class name", "im-side")).select_by_visible_text("all claimants")
    assert visible(browser) == before


def test_the_ruler_measures_great_circle_distances(browser, seed_map):
    from selenium.webdriver.common.action_chains import ActionChains

    browser.open(seed_map[0])
    d = browser.driver
    d.find_element("css selector", ".im-tools a[title^='Measure']").click()
    # two clicks on the map 100 px apart, then the same distance worked out here from the points
    m = d.find_element("id", "im-map")
    ActionChains(d).move_to_element_with_offset(m, -50, 0).click().move_by_offset(100, 0).click().perform()
    km, a, b = d.execute_script("var p = IM.measure.points; return [IM.measure.km, [p[0].lat, p[0].lng], [p[1].lat, p[1].lng]]")
    from gazetteer import haversine_km

    assert km > 0 and abs(km - haversine_km(a[0], a[1], b[0], b[1])) < 0.01 * km
    assert d.find_element("css selector", ".im-measure").text.endswith(" km")
    assert visible(browser) == len(seed_map[1])  # measuring clicks open no popups and hide nothing
    d.find_element("css selector", ".im-tools a[title^='Measure']").click()
    assert d.execute_script("return IM.measure.on") is False
    WebDriverWait(d, 5).until(lambda _: not d.find_elements("css selector", ".im-measure"))  # it fades out
