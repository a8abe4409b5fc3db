"""Build ``mapper/data/vendor/``: the browser libraries every map page carries, from pinned npm
packages, so a map works from ``file://`` with no network.

    python -m mapper.build_assets                 # runs 'npm pack' for each package
    python -m mapper.build_assets --packs DIR     # the .tgz files already in DIR

Each file is copied as the package ships it, except that every image a stylesheet names
(Leaflet's layer-control icon, the full-screen and measuring buttons) is inlined as a data: URI:
a page that is one file cannot point at images beside it. These are the files folium's own
plugins (Fullscreen, MeasureControl, MarkerCluster, HeatMap) load from CDNs; the map carries
them instead (:mod:`mapper.webmap`). The manifest
records, per file, the package and version, the unpkg URL of the same file and its SRI hash, so
``--cdn`` pages load exactly these versions, checked by the browser, never a moving branch.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import posixpath
import re
import subprocess
import tarfile
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data" / "vendor"
# package, version, licence, files (path in the package -> name here)
PACKAGES = [
    ("leaflet", "1.9.4", "BSD-2-Clause", {"dist/leaflet.js": "leaflet.js", "dist/leaflet.css": "leaflet.css"}),
    ("leaflet.markercluster", "1.5.3", "MIT", {"dist/leaflet.markercluster.js": "leaflet.markercluster.js",
                                                "dist/MarkerCluster.css": "MarkerCluster.css",
                                                "dist/MarkerCluster.Default.css": "MarkerCluster.Default.css"}),
    ("leaflet.heat", "0.2.0", "BSD-2-Clause", {"dist/leaflet-heat.js": "leaflet-heat.js"}),
    ("leaflet.fullscreen", "3.0.0", "MIT", {"Control.FullScreen.js": "Control.FullScreen.js",
                                             "Control.FullScreen.css": "Control.FullScreen.css"}),
    ("leaflet-measure", "2.1.7", "MIT", {"dist/leaflet-measure.js": "leaflet-measure.js",
                                          "dist/leaflet-measure.css": "leaflet-measure.css"}),
]
_URL_RE = re.compile(r"url\(['\"]?([^'\")]+)['\"]?\)")
_MIME = {".png": "image/png", ".svg": "image/svg+xml", ".gif": "image/gif"}


def sri(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()


def _pack(name: str, version: str, packs: Path | None) -> tarfile.TarFile:
    if packs is None:
        packs = Path(tempfile.mkdtemp())
        subprocess.run(["npm", "pack", f"{name}@{version}", "--silent"], cwd=packs, check=True,
                       stdout=subprocess.DEVNULL)
    return tarfile.open(packs / f"{name}-{version}.tgz")


def _inline_images(css: str, src: str, tar: tarfile.TarFile) -> str:
    """Every ``url(...)`` of a file in the package replaced by the file as a data: URI."""
    def inline(m: re.Match) -> str:
        ref = m.group(1)
        if ref.startswith(("data:", "http:", "https:", "#")):
            return m.group(0)
        path = posixpath.normpath(posixpath.join("package", posixpath.dirname(src), ref))
        data = tar.extractfile(path).read()
        mime = _MIME[posixpath.splitext(path)[1]]
        return f"url(data:{mime};base64,{base64.b64encode(data).decode()})"

    return _URL_RE.sub(inline, css)


def build(packs: Path | None, out: Path = OUT) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    manifest: dict = {"files": {}, "packages": []}
    licences = []
    for name, version, licence, wanted in PACKAGES:
        with _pack(name, version, packs) as tar:
            for src, dest in wanted.items():
                raw = tar.extractfile(f"package/{src}").read()
                text = raw.decode("utf-8")
                if dest.endswith(".css"):
                    text = _inline_images(text, src, tar)
                (out / dest).write_text(text, encoding="utf-8")
                manifest["files"][dest] = {"package": name, "version": version,
                                           "cdn": f"https://unpkg.com/{name}@{version}/{src}", "integrity": sri(raw)}
            lic_name = next(m for m in tar.getnames() if m.count("/") == 1 and "LICEN" in m.upper())
            lic = tar.extractfile(lic_name).read().decode("utf-8")
        manifest["packages"].append({"name": name, "version": version, "license": licence})
        licences.append(f"== npm {name}@{version} ({licence}) ==\n{lic.strip()}\n")
    (out / "LICENSES.txt").write_text("\n".join(licences), encoding="utf-8")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--packs", type=Path, help="folder holding the packages' .tgz files (default: npm pack)")
    ap.add_argument("-o", "--output", type=Path, default=OUT)
    a = ap.parse_args()
    m = build(a.packs, a.output)
    size = sum((a.output / f).stat().st_size for f in m["files"])
    print(f"wrote {len(m['files'])} files to {a.output} ({size / 1e3:.0f} kB)")


if __name__ == "__main__":
    main()
