"""Render stage: the site's static files (stylesheet, browser code, plotly.js).

Our own files get a hash of their content in their name, so a browser never mixes a
cached old script with new data; plotly.js is copied from the installed plotly package
(never from a CDN: the site works offline) and keeps its version in its name.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from exnet.errors import ExnetError
from exnet.render.families import stylesheet

#: logical name -> file in site_templates/assets/
OWN_ASSETS = {"css": "exnet.css", "common": "exnet-common.js", "task": "exnet-task.js",
              "compare": "exnet-compare.js", "map": "exnet-map.js",
              "parcoords": "exnet-parcoords.js", "dist": "exnet-dist.js",
              "search": "exnet-search.js"}
#: logical name -> vendored file in site_templates/assets/, copied under its own name
#: (which carries its version)
VENDORED = {"minisearch": "minisearch-7.2.0.js"}


@dataclass(frozen=True)
class Assets:
    """Files to write (site path -> bytes) and where each logical asset ended up."""

    files: dict[str, bytes]
    paths: dict[str, str]


def templates_dir() -> Path:
    """The folder of the jinja2 templates (the exnet.site_templates package)."""
    return Path(str(resources.files("exnet.site_templates")))


def plotly_js() -> tuple[str, bytes]:
    """(version, minified source) of the plotly.js bundled with the plotly package."""
    try:
        import plotly
        from plotly.offline import get_plotlyjs_version
    except ImportError as exc:  # pragma: no cover - plotly is a dependency
        raise ExnetError("plotly is not installed: pip install plotly") from exc
    path = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    try:
        return get_plotlyjs_version(), path.read_bytes()
    except OSError as exc:  # pragma: no cover - a broken plotly install
        raise ExnetError(f"plotly.js is missing from {path}: reinstall plotly") from exc


def site_assets() -> Assets:
    """Read every asset; name our own by content hash and plotly.js by version."""
    files: dict[str, bytes] = {}
    paths: dict[str, str] = {}
    folder = templates_dir() / "assets"
    for key, name in OWN_ASSETS.items():
        data = (folder / name).read_bytes()
        if key == "css":    # the family colours come from the layer-type table
            data = stylesheet(data.decode("utf-8")).encode("utf-8")
        stem, ext = name.rsplit(".", 1)
        path = f"assets/{stem}.{hashlib.sha1(data).hexdigest()[:10]}.{ext}"
        files[path] = data
        paths[key] = path
    for key, name in VENDORED.items():
        paths[key] = f"assets/{name}"
        files[paths[key]] = (folder / name).read_bytes()
    version, source = plotly_js()
    paths["plotly"] = f"assets/plotly-{version}.min.js"
    files[paths["plotly"]] = source
    return Assets(files=files, paths=paths)
