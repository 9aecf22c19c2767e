"""`exnet build` and `exnet serve` through click's CliRunner and a real local server."""

from __future__ import annotations

import shutil
import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from exnet.cli import main
from exnet.errors import ExnetError
from exnet.render.serve import make_server

FIXTURES = Path(__file__).parent / "fixtures" / "site"


def test_build_prints_the_index(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "corpus", tmp_path / "corpus")
    result = CliRunner().invoke(main, ["build", "--corpus", str(tmp_path / "corpus"),
                                       "--out", str(tmp_path / "site")])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(tmp_path / "site" / "index.html")
    assert (tmp_path / "site" / "text-classification" / "index.html").is_file()


def test_build_with_no_argument_aggregates_and_renders_the_bundled_corpus(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """README Quick start: `exnet build` alone renders the gallery from the bundled
    corpus, aggregating first a task whose summary.json is missing (on a copy, so the
    repository's corpus/ is never written)."""
    import exnet.bundled

    bundled = tmp_path / "bundled"
    shutil.copytree(exnet.bundled.corpus_dir(), bundled)
    monkeypatch.setattr(exnet.bundled, "corpus_dir", lambda: bundled)
    tasks = sorted(p.name for p in bundled.iterdir() if (p / "models.jsonl").is_file())
    assert tasks
    (bundled / tasks[0] / "summary.json").unlink(missing_ok=True)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == str(Path("build") / "index.html")
    assert (bundled / tasks[0] / "summary.json").is_file()
    for task in tasks:
        assert (tmp_path / "build" / task / "index.html").is_file()


def test_build_of_an_unknown_task_says_what_to_do(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "corpus", tmp_path / "corpus")
    result = CliRunner().invoke(main, ["build", "--corpus", str(tmp_path / "corpus"),
                                       "--task", "nope", "--out", str(tmp_path / "site")])
    assert result.exit_code == 1, result.output
    assert "no models.jsonl in" in result.output and "exnet mine --task nope" in result.output
    assert "Traceback" not in result.output


def test_serve_serves_the_site_on_loopback(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "corpus", tmp_path / "corpus")
    CliRunner().invoke(main, ["build", "--corpus", str(tmp_path / "corpus"),
                              "--out", str(tmp_path / "site")])
    server = make_server(tmp_path / "site", port=0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/text-classification/") as r:
            assert r.status == 200
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
            assert b"Structure overview" in r.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/text-classification/data.js") as r:
            assert r.headers["Content-Type"].startswith("text/javascript")
    finally:
        server.shutdown()
        server.server_close()


def test_serve_without_a_site(tmp_path: Path) -> None:
    with pytest.raises(ExnetError, match="run `exnet build` first"):
        make_server(tmp_path)
    result = CliRunner().invoke(main, ["serve", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "exnet build" in result.output
