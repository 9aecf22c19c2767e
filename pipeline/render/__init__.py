"""Render stage: the corpus on disk -> a static, browsable gallery (jinja2 + plotly).

`build_site(corpus_dir, out_dir, tasks)` reads each task's summary.json (written by the
aggregate stage: render never aggregates; `exnet.publish` runs both) and model records,
and writes a site that needs no server and no internet: it works opened from file://
and served from any sub-path (GitHub Pages project sites), because every link is
relative, every script and the data are files of the site, and plotly.js is copied in.

    out_dir/index.html                     home: the tasks, their counts, the mined date
    out_dir/<task>/index.html              filters, Sankey, distributions, tricks,
                                           skeletons and the model list
    out_dir/<task>/models/<slug>.html      one page per model
    out_dir/<task>/compare.html, map.html  side-by-side comparison; the 2-D model map
    out_dir/<task>/data.js, data-*.js      the data the browser filters (see jsdata), in
                                           parts loaded when needed (see dataparts)
    out_dir/<task>/details/*.js            each model's layers, for the compare page
    out_dir/assets/                        stylesheet, browser code, plotly-<version>.min.js

Modules: corpus (reading), tables and context (summary -> template contexts), charts
(plotly layouts), facts and factcharts (the projects' facts: environment, licence,
reported results, curves, preprocessing overview), jsdata (browser data) and dataparts
(its files), pages
(jinja2), assets, write (only changed files), serve (a preview server).
"""

from __future__ import annotations

from pathlib import Path

from exnet.bundled import task_dirs
from exnet.render.corpus import load_task, task_titles

__all__ = ["build_site"]


def build_site(corpus_dir: Path, out_dir: Path, tasks: list[str] | None = None) -> Path:
    """Build the site for `tasks` (default: every task folder of the corpus) into
    out_dir; return the path of its index.html."""
    from exnet.render.assets import site_assets, templates_dir
    from exnet.render.freshness import build_key
    from exnet.render.pages import iter_site
    from exnet.render.write import site_is_current, write_site

    dirs = task_dirs(Path(corpus_dir), tasks)
    key = build_key(Path(corpus_dir), dirs, templates_dir())
    if site_is_current(Path(out_dir), key):    # nothing changed: nothing to render
        return Path(out_dir) / "index.html"
    # Read every task before writing anything: a task that cannot be read stops the
    # build with the previous site still intact and whole. Pages are then written as
    # they are rendered (the manifest's key comes last, so a build stopped midway is
    # redone whole by the next).
    titles = task_titles(Path(corpus_dir))
    sources = [load_task(d, titles) for d in dirs]
    write_site(Path(out_dir), iter_site(sources, site_assets()), key)
    return Path(out_dir) / "index.html"
