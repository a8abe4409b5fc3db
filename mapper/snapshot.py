"""Headless Chromium for ``render --png`` and for the browser tests: open a map page, wait for
Leaflet to draw it, read the console, take a screenshot.

Uses Debian's ``chromium`` and ``chromium-driver`` through Selenium; nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError

CHROMIUM_FLAGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-quic", "--disable-dev-shm-usage", "--window-size=1400,900",
]


def find_chromium() -> tuple[str, str] | None:
    browser = os.environ.get("MAPPER_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    driver = os.environ.get("MAPPER_CHROMEDRIVER") or shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


class Browser:
    """A headless Chromium session (a context manager)."""

    def __init__(self, *, block_network: bool = False, width: int = 1400, height: int = 900) -> None:
        found = find_chromium()
        if not found:
            raise OutputError("headless Chromium not found: install Debian packages 'chromium' and 'chromium-driver'")
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self._profile = tempfile.mkdtemp(prefix="mapper-chromium-")
        opts = webdriver.ChromeOptions()
        opts.binary_location = found[0]
        for f in CHROMIUM_FLAGS:
            opts.add_argument(f)
        opts.add_argument(f"--window-size={width},{height}")
        opts.add_argument(f"--user-data-dir={self._profile}")
        if block_network:
            # every host resolves nowhere: a page that needs the network shows it at once
            opts.add_argument("--host-resolver-rules=MAP * ~NOTFOUND")
            opts.add_argument("--proxy-server=http://127.0.0.1:9")
        opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(found[1]), options=opts)
        self.driver.set_page_load_timeout(60)

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self._profile, ignore_errors=True)

    def open(self, path: str | os.PathLike, *, wait_for: str = ".leaflet-container", timeout: float = 30) -> None:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions as EC
        from selenium.webdriver.support.ui import WebDriverWait

        self.driver.get(Path(path).resolve().as_uri())
        WebDriverWait(self.driver, timeout).until(EC.presence_of_element_located((By.CSS_SELECTOR, wait_for)))

    def console(self) -> list[dict]:
        return self.driver.get_log("browser")

    def screenshot(self, path: str | os.PathLike) -> Path:
        self.driver.save_screenshot(str(path))
        return Path(path)


def snapshot(html_path: str | os.PathLike, png_path: str | os.PathLike) -> Path:
    """Write a PNG of a rendered map page (for briefings)."""
    import time

    from .fileio import atomic_path

    with Browser() as b:
        b.open(html_path)
        time.sleep(1.0)  # let tiles and the canvas settle
        with atomic_path(png_path, suffix=".png") as tmp:
            b.screenshot(tmp)
    return Path(png_path)
