"""Render stage: the partial plotly.js bundle holds every trace type the site draws."""

from __future__ import annotations

import re

import plotly.graph_objects as go
from plotly.basedatatypes import BaseTraceType

from exnet.render.assets import PLOTLY_TRACES, VENDORED, site_assets, templates_dir

ASSETS = templates_dir() / "assets"
#: Every trace type plotly knows ("bar", "sankey", "scattergl", ...).
ALL_TRACES = {name.lower() for name in dir(go)     # dir(): go loads its classes lazily
              if isinstance(cls := getattr(go, name, None), type)
              and issubclass(cls, BaseTraceType)}


def test_the_bundle_registers_exactly_the_listed_trace_types() -> None:
    bundle = (ASSETS / VENDORED["plotly"]).read_text(encoding="utf-8")
    registered = set(re.findall(r'moduleType:"trace",name:"(\w+)"', bundle))
    assert registered == set(PLOTLY_TRACES)
    assert bundle.startswith("/*! plotly.js 4.1.1 | MIT License")
    assert len(bundle) < 1_500_000          # the full bundle is 4.6 MB


def test_the_site_draws_no_trace_type_outside_the_bundle() -> None:
    used: set[str] = set()
    for script in ASSETS.glob("exnet-*.js"):
        text = script.read_text(encoding="utf-8")
        used |= set(re.findall(r'\btype:\s*["\'](\w+)["\']', text)) & ALL_TRACES
    assert used and used <= set(PLOTLY_TRACES), used - set(PLOTLY_TRACES)


def test_the_site_copies_the_partial_bundle() -> None:
    assets = site_assets()
    assert assets.paths["plotly"] == "assets/plotly-partial-4.1.1.min.js"
    assert assets.files[assets.paths["plotly"]] == (ASSETS / VENDORED["plotly"]).read_bytes()
