"""Render stage: `build_site` on a small real corpus (tests/fixtures/site/corpus), built
through `exnet.publish` (aggregate what is out of date, then render), and render alone.

The corpus is copied to a temporary folder, so the aggregate stage can write summary.json
next to it; the pages are checked by fragments and properties, not as whole files.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from exnet.aggregate import aggregate_corpus
from exnet.aggregate.load import read_task
from exnet.errors import ExnetError
from exnet.publish import publish
from exnet.records import model_id
from exnet.render import build_site
from exnet.render.context import CSP
from exnet.render.corpus import read_records
from exnet.render.dataparts import read_task_data

FIXTURES = Path(__file__).parent / "fixtures" / "site"
TASK = "text-classification"


def copy_corpus(tmp_path: Path, name: str = "corpus") -> Path:
    corpus = tmp_path / name
    shutil.copytree(FIXTURES / name, corpus)
    return corpus


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("site")
    index = publish(copy_corpus(tmp), tmp / "build")
    assert index == tmp / "build" / "index.html"
    return tmp / "build"


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline: list[str] = []
        self._script: dict[str, str | None] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._script = dict(attrs) if tag == "script" else None

    def handle_data(self, data: str) -> None:
        if self._script is not None and not self._script.get("src") and data.strip():
            self.inline.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._script = None


def parse(path: Path) -> Tags:
    tags = Tags()
    tags.feed(path.read_text(encoding="utf-8"))
    return tags


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def test_the_site_has_every_page(site: Path) -> None:
    assert (site / ".nojekyll").is_file()
    for page in ("index.html", f"{TASK}/index.html", f"{TASK}/compare.html", f"{TASK}/map.html",
                 f"{TASK}/data.js", f"{TASK}/details/0.js"):
        assert (site / page).is_file(), page
    assert len(list((site / TASK / "models").glob("*.html"))) == 12
    assert [p.name for p in (site / "assets").glob("plotly-*.min.js")] == \
        ["plotly-partial-4.1.1.min.js"]


def test_links_are_relative_or_http(site: Path) -> None:
    for page in html_pages(site):
        for tag, attrs in parse(page).tags:
            for name in ("href", "src"):
                url = attrs.get(name)
                if url is None or (tag, attrs.get("rel"), url) == ("link", "icon", "data:,"):
                    continue                # no icon (and no request for /favicon.ico)
                assert not url.startswith("/"), (page, url)
                scheme = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*):", url)
                assert scheme is None or url.startswith("https://github.com/"), (page, url)
                if scheme is None and tag in ("link", "script"):
                    target = (page.parent / url.split("#")[0]).resolve()
                    assert target.is_file(), (page, url)


def test_every_page_has_the_csp_and_no_inline_script(site: Path) -> None:
    for page in html_pages(site):
        tags = parse(page)
        metas = [a for t, a in tags.tags if t == "meta"
                 and a.get("http-equiv") == "Content-Security-Policy"]
        assert metas and metas[0]["content"] == CSP, page
        scripts = [a for t, a in tags.tags if t == "script"]
        assert all(a.get("src") or a.get("type") == "application/json" for a in scripts), page
        assert "script-src 'self'" in CSP and "unsafe-eval" not in CSP


def test_home_lists_tasks_with_counts_and_date(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="{TASK}/index.html"' in home
    assert "<dt>Models</dt><dd>12</dd>" in home
    assert "<dt>Projects</dt><dd>10</dd>" in home
    assert "<dt>Mined on</dt><dd>2024-05-01</dd>" in home


def test_task_page_fragments(site: Path) -> None:
    page = (site / TASK / "index.html").read_text(encoding="utf-8")
    assert 'id="f-framework-0" data-facet="framework" value="0"><label for="f-framework-0">' \
        'keras</label>' in page
    assert '<legend>Layer types present <span class="facet-hint">any of</span></legend>' in page
    assert '<tr data-trick="dropout">' in page
    assert '<span class="chip fam-embedding">Embedding</span>' in page
    assert 'data-filter-skeleton="0"' in page
    assert 'id="chart-sankey"' in page and 'id="hp-learning_rate"' in page
    assert re.search(r'<script src="\.\./assets/plotly-partial-[\d.]+\.min\.js" defer>'
                     r'</script>', page)
    assert f'<script src="../{TASK}/data.js" defer></script>' in page


def _data(site: Path) -> dict:
    text = (site / TASK / "data.js").read_text(encoding="utf-8")
    assert text.startswith("window.EXNET_DATA=") and text.endswith(";\n")
    return read_task_data(site / TASK)


def test_data_for_the_browser(site: Path) -> None:
    data = _data(site)
    assert data["n"] == 12 and len(data["models"]["slug"]) == 12
    assert data["frameworks"] == ["keras", "pytorch"]
    assert {f["key"] for f in data["facets"]} >= {"framework", "dataset", "style", "layer",
                                                   "size", "stars"}
    assert {h["key"] for h in data["hyper"]} >= {"optimizer", "learning_rate", "batch_size",
                                                 "epochs", "loss", "weight_decay", "momentum"}
    # every model follows one path through each Sankey view, and the paths give the
    # summary's link counts back
    summary = json.loads((site.parent / "corpus" / TASK / "summary.json").read_text())
    for name, view in data["sankey"].items():
        counts: dict[tuple[int, int], int] = {}
        for path_id in view["row"]:
            path = view["paths"][path_id]
            for s, t in itertools.pairwise(path):
                counts[(s, t)] = counts.get((s, t), 0) + 1
        expected = {(s, t): len(rows) for s, t, rows in summary["sankey"]["views"][name]["links"]}
        assert counts == expected, name


def test_model_page_links_to_the_mined_commit(site: Path) -> None:
    data = _data(site)
    row = data["models"]["name"].index("SentimentGRU")
    page = (site / TASK / "models" / f"{data['models']['slug'][row]}.html").read_text()
    sha = "2" * 40
    assert f'href="https://github.com/ben/sentiment-gru/blob/{sha}/net.py#L6"' in page
    assert f'href="https://github.com/ben/sentiment-gru/blob/{sha}/train.py#L12"' in page
    assert '<span class="arg-name">bidirectional</span>=<span class="arg-value">true</span>' \
        in page
    assert "<th scope=\"row\">Weight decay</th><td><code>0.0001</code></td><td>literal</td>" \
        in page
    assert 'class="neighbours"' in page and "compare.html#m=" in page


def test_notebook_links_have_no_line_and_unknown_commits_use_head(site: Path) -> None:
    data = _data(site)
    m = data["models"]
    nb = m["file"].index(data["files"].index("train.ipynb"))
    page = (site / TASK / "models" / f"{m['slug'][nb]}.html").read_text()
    assert 'href="https://github.com/dan/news-cnn/blob/' in page
    assert "train.ipynb#L" not in page and "(cell 3)" in page
    spam = m["project"].index(data["projects"]["name"].index("jon/spam-gru"))
    page = (site / TASK / "models" / f"{m['slug'][spam]}.html").read_text()
    assert 'href="https://github.com/jon/spam-gru/blob/HEAD/spam.py#L4"' in page


def test_rebuild_writes_nothing_and_is_deterministic(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path)
    out = tmp_path / "build"
    publish(corpus, out)
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    publish(corpus, out)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert after == before
    other = tmp_path / "again"
    publish(corpus, other)
    assert {p.relative_to(other): p.read_bytes() for p in other.rglob("*") if p.is_file()} == \
        {p.relative_to(out): b for p, (b, _) in before.items()}


def test_stale_pages_are_removed_and_the_summary_refreshed(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path)
    out = tmp_path / "build"
    (out / "mine.txt").parent.mkdir(parents=True)
    (out / "mine.txt").write_text("not ours")
    publish(corpus, out)
    models = corpus / TASK / "models.jsonl"
    lines = models.read_text().splitlines(keepends=True)
    models.write_text("".join(lines[:-1]))
    os.utime(models, (1e10, 1e10))      # newer than summary.json, whatever the clock says
    publish(corpus, out)
    assert len(list((out / TASK / "models").glob("*.html"))) == 11
    assert (out / "mine.txt").read_text() == "not ours"
    assert json.loads((corpus / TASK / "summary.json").read_text())["totals"]["models"] == 11


def test_only_the_named_tasks(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path)
    shutil.copytree(corpus / TASK, corpus / "other")
    publish(corpus, tmp_path / "one", [TASK])
    assert not (tmp_path / "one" / "other").exists()
    publish(corpus, tmp_path / "both")
    assert (tmp_path / "both" / "other" / "index.html").is_file()


def test_errors_name_the_cause_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ExnetError, match="no corpus folder"):
        build_site(tmp_path / "missing", tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ExnetError, match="exnet mine --task TASK"):
        build_site(tmp_path / "empty", tmp_path / "out")
    corpus = copy_corpus(tmp_path)
    with pytest.raises(ExnetError, match="no models.jsonl in .*nope"):
        build_site(corpus, tmp_path / "out", ["nope"])
    assert not (tmp_path / "out").exists()


def test_render_never_aggregates(tmp_path: Path) -> None:
    """Without summary.json, or with one of another schema, render stops and names
    `exnet aggregate`; a summary older than its records is drawn as it is."""
    corpus = copy_corpus(tmp_path)
    summary = corpus / TASK / "summary.json"
    with pytest.raises(ExnetError, match=f"no summary.json in .*exnet aggregate --corpus "
                                         f".* --task {TASK}"):
        build_site(corpus, tmp_path / "out")
    assert not summary.exists() and not (tmp_path / "out").exists()
    summary.write_text('{"schema": "exnet.summary/0"}')
    with pytest.raises(ExnetError, match="schema 'exnet.summary/0', this exnet reads "
                                         "'exnet.summary/1'.*exnet aggregate"):
        build_site(corpus, tmp_path / "out")
    summary.write_text("[1, 2")
    with pytest.raises(ExnetError, match="cannot be read.*exnet aggregate"):
        build_site(corpus, tmp_path / "out")
    aggregate_corpus(corpus)
    written = summary.read_bytes()
    models = corpus / TASK / "models.jsonl"
    os.utime(models, (1e10, 1e10))      # newer than summary.json: render does not care
    build_site(corpus, tmp_path / "out")
    assert summary.read_bytes() == written
    assert summary.stat().st_mtime < models.stat().st_mtime


def test_render_reads_the_models_aggregate_reads(tmp_path: Path) -> None:
    """The same validation rule (exnet.validate.model_problem): bad lines, failure
    records and records of the wrong shape are left out by both stages alike."""
    corpus = copy_corpus(tmp_path)
    path = corpus / TASK / "models.jsonl"
    good = path.read_text().splitlines()
    bad = ["not json", "[1, 2]", '{"schema": "exnet.model/9"}',
           json.dumps({"schema": "exnet.failure/1", "file": "x.py", "reason": "r"}),
           json.dumps({**json.loads(good[0]), "name": "Broken", "layers": "Dense"}),
           json.dumps({**json.loads(good[1]), "name": "NoSpan", "span": []}), ""]
    path.write_text("\n".join(good[:3] + bad + good[3:]) + "\n")
    aggregated = read_task(corpus / TASK)
    assert len(aggregated.skipped) == 5
    assert set(read_records(corpus / TASK)) == {model_id(r) for r in aggregated.models}
    publish(corpus, tmp_path / "out")
    summary = json.loads((corpus / TASK / "summary.json").read_text())
    ids = summary["models"]["rows"]
    column = summary["models"]["columns"].index("id")
    assert {row[column] for row in ids} <= set(read_records(corpus / TASK))


def test_model_page_shows_dataset_evidence_copies_and_blocks(tmp_path: Path) -> None:
    corpus = copy_corpus(tmp_path)
    path = corpus / TASK / "models.jsonl"
    records = [json.loads(line) for line in path.read_text().splitlines()]
    first = records[0]
    first.update({
        "schema": "exnet.model/2", "blocks": ["ResidualBlock"],
        "dataset_evidence": [{"id": d, "file": "train.py", "line": 12, "cell": None,
                              "source": "loader"} for d in first["datasets"]],
        "occurrences": [
            {"file": first["file"], "cell": first["cell"], "span": first["span"],
             "name": first["name"], "role": "trained"},
            {"file": "predict.py", "cell": None, "span": [7, 20], "name": first["name"],
             "role": "inference"}]})
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    build = tmp_path / "build"
    publish(corpus, build)
    pages = [p.read_text() for p in (build / TASK).rglob("*.html")
             if f"<h1>{first['name']}</h1>" in p.read_text()]
    assert pages, "no page for the model"
    html = pages[0]
    assert f"loaded at <a href=\"https://github.com/{first['project']}/blob/" in html
    assert "train.py#L12" in html and "predict.py#L7" in html and "(inference)" in html
    assert "ResidualBlock" in html
