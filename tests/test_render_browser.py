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
    write_map(path, incs, title="Belgorod incursion", offline=True)
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
    write_map(path, export.select(res.incidents), title="<b>title</b>", offline=True)
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
    write_map(path, [], title="Nothing yet", offline=True)
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
    write_map(path, export.select(seed_result.incidents), title="with outlines", offline=True, regions=regions)
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

    base = [i for i in export.select(seed_result.incidents) if i.precision == "settlement"]
    incs = []
    for n in range(1500):
        b = base[n % len(base)]
        p = replace(b.place, lat=b.place.lat + (n % 37) * 0.03, lon=b.place.lon + (n % 41) * 0.04)
        incs.append(replace(b, place=p, incident_id=f"x{n}", date=dt.date(2023, 1, 1) + dt.timedelta(days=n % 90)))
    path = tmp_path / "many.html"
    write_map(path, incs, title="many", offline=True)
    browser.open(path)
    d = browser.driver
    assert severe(browser) == []
    assert d.execute_script("return IM.cluster") is True
    assert visible(browser) == 1500
    assert len(d.find_elements("css selector", ".im-cluster")) > 0
    d.execute_script("IM.setWindow(7)")
    week = visible(browser)
    assert 0 < week < 1500
