"""Render stage: the site's static files (stylesheet, browser code, plotly.js).

Our own files get a hash of their content in their name, so a browser never mixes a
cached old script with new data; vendored scripts (plotly.js, a partial bundle of the
trace types the site draws, built from plotly's npm package by tools/plotly/build.sh)
are copied in (never from a CDN: the site works offline) and keep their version in
their names.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from exnet.render.families import stylesheet

#: logical name -> file in site_templates/assets/
OWN_ASSETS = {"css": "exnet.css", "common": "exnet-common.js", "task": "exnet-task.js",
              "compare": "exnet-compare.js", "map": "exnet-map.js",
              "parcoords": "exnet-parcoords.js", "dist": "exnet-dist.js",
              "search": "exnet-search.js", "facts": "exnet-facts.js"}
#: logical name -> vendored file in site_templates/assets/, copied under its own name
#: (which carries its version)
VENDORED = {"minisearch": "minisearch-7.2.0.js",
            # plotly.js with only the trace types the site draws (PLOTLY_TRACES): 1.3 MB
            # instead of the full bundle's 4.6 MB; rebuilt by tools/plotly/build.sh.
            "plotly": "plotly-partial-4.1.1.min.js"}
#: The plotly trace types in the partial bundle (tests/test_render_assets.py checks that
#: the site's scripts ask for no other).
PLOTLY_TRACES = ("scatter", "bar", "sankey")


@dataclass(frozen=True)
class Assets:
    """Files to write (site path -> bytes) and where each logical asset ended up."""

    files: dict[str, bytes]
    paths: dict[str, str]


def templates_dir() -> Path:
    """The folder of the jinja2 templates (the exnet.site_templates package)."""
    return Path(str(resources.files("exnet.site_templates")))


def site_assets() -> Assets:
    """Read every asset; name our own by content hash, vendored ones (plotly.js) by
    their versioned file names."""
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
    return Assets(files=files, paths=paths)
