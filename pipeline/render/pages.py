"""Render stage: every page of the site, as bytes keyed by site path.

The jinja2 environment escapes everything (autoescape on for every template) and fails
on any undefined name, so a typo in a template is a build error rather than an empty
cell. `iter_site` yields the site a file at a time, so that `exnet.render.write` can
write each page as it is made (100,000 model pages do not fit in memory at once);
`render_site` is the same as one mapping, for tests.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import jinja2

from exnet.render.assets import Assets, templates_dir
from exnet.render.context import (
    check_context,
    compare_context,
    home_context,
    map_context,
    model_contexts,
    search_context,
    task_context,
)
from exnet.render.corpus import TaskSource
from exnet.render.dataparts import task_data_files
from exnet.render.jsdata import detail_shards, js_assign, js_files, task_data
from exnet.render.links import task_slug
from exnet.render.project import project_contexts
from exnet.render.search import search_data, task_documents
from exnet.render.tables import TaskTables, task_tables


def environment() -> jinja2.Environment:
    """The template environment: autoescape on, strict undefined, tidy whitespace."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True, undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _render(env: jinja2.Environment, template: str, ctx: Mapping[str, Any]) -> bytes:
    return env.get_template(template).render(ctx).encode("utf-8")


def task_pages(env: jinja2.Environment, task: TaskSource, tables: TaskTables,
               assets: Assets) -> dict[str, bytes]:
    """The pages and data files of one task, under its folder."""
    return dict(iter_task_pages(env, task, tables, assets))


def iter_task_pages(env: jinja2.Environment, task: TaskSource, tables: TaskTables,
                    assets: Assets) -> Iterator[tuple[str, bytes]]:
    """The pages and data files of one task, under its folder, one at a time."""
    slug = task_slug(task.name)
    paths = assets.paths
    data = task_data_files(task_data(task, tables))
    first, every = data.names(every_part=False), data.names(every_part=True)
    yield f"{slug}/index.html", _render(env, "task.html",
                                        task_context(task, tables, paths, first))
    yield f"{slug}/compare.html", _render(env, "compare.html",
                                          compare_context(task, paths, every))
    yield f"{slug}/map.html", _render(env, "map.html", map_context(task, tables, paths, every))
    yield f"{slug}/check.html", _render(env, "check.html", check_context(task, paths))
    for name, text in data.files():
        yield f"{slug}/{name}", text.encode("utf-8")
    model_page = env.get_template("model.html")
    for model, ctx in model_contexts(task, tables, paths):
        yield f"{slug}/models/{model}.html", model_page.render(ctx).encode("utf-8")
    project_page = env.get_template("project.html")
    for project, ctx in project_contexts(task, tables, paths):
        yield f"{slug}/projects/{project}.html", project_page.render(ctx).encode("utf-8")
    for k, shard in enumerate(detail_shards(task, tables)):
        yield f"{slug}/details/{k}.js", js_assign(
            f"(window.EXNET_DETAILS=window.EXNET_DETAILS||{{}})[{k}]", shard).encode("utf-8")


def render_site(tasks: Sequence[TaskSource], assets: Assets) -> dict[str, bytes]:
    """The whole site as one mapping of site path to bytes (see `iter_site`)."""
    return dict(iter_site(tasks, assets))


def iter_site(tasks: Sequence[TaskSource], assets: Assets) -> Iterator[tuple[str, bytes]]:
    """The whole site, a file at a time: home page, each task's pages, assets, the
    search, and `.nojekyll` (GitHub Pages would otherwise run Jekyll, which hides
    nothing we need but costs a build)."""
    env = environment()
    yield from assets.files.items()
    yield "index.html", _render(env, "home.html", home_context(tasks, assets.paths))
    yield ".nojekyll", b""
    documents = []
    for task in tasks:
        tables = task_tables(task)
        yield from iter_task_pages(env, task, tables, assets)
        documents.append(task_documents(task, tables))
    search = js_files("window.EXNET_SEARCH", search_data(documents))
    yield "search.html", _render(env, "search.html", search_context(assets.paths,
                                                                    len(search)))
    for i, part in enumerate(search):
        yield ("search.js" if i == 0 else f"search-{i}.js"), part.encode("utf-8")
