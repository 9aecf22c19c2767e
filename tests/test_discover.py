"""discover: GitHub search against a fake GitHub API, manifests, and local checkouts."""

from __future__ import annotations

import io
import socket
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from github_server import FakeGitHub
from gitrepos import git, keras_files, make_repo
from rich.console import Console

from exnet.cache import Cache
from exnet.cli import main
from exnet.discover import discover, license_of_text, local_projects, manifest_entry, parse_manifest
from exnet.errors import ExnetError
from exnet.github_search import GitHubSearch, SearchOptions, rate_limit_wait
from exnet.progress import Reporter
from exnet.tasks import Task, get_task, load_tasks

TASK = Task(
    name="sentiment", title="Sentiment", description="",
    queries=("sentiment keras", "sentiment analysis"), code_queries=('"imdb.load_data"',),
    include_keywords=("sentiment", "imdb"), exclude_keywords=("awesome",), datasets=("imdb",),
)


def options(server: FakeGitHub, **kw: object) -> SearchOptions:
    base = {"api_url": server.base_url, "per_page": 2, "timeout": 1, "backoff": 0.01,
            "request_pause": None, "max_wait": 5, "limit": 100}
    base.update(kw)
    return SearchOptions(**base)  # type: ignore[arg-type]


def quiet_reporter() -> tuple[Reporter, io.StringIO]:
    out = io.StringIO()
    return Reporter(console=Console(file=out, width=200)), out


@pytest.fixture
def server() -> FakeGitHub:
    with FakeGitHub() as fake:
        url = "file:///nonexistent.git"
        fake.add("ann/imdb-lstm", url, stars=50, license="Apache-2.0",
                 topics=("imdb", "keras"))
        fake.add("bob/sentiment-cnn", url, stars=80)
        fake.add("cid/sentiment-fork", url, stars=999, fork=True)
        fake.add("dan/sentiment-js", url, stars=500, language="JavaScript")
        fake.add("eve/sentiment-huge", url, stars=400, size=10_000_000)
        fake.add("fay/awesome-sentiment", url, stars=300)
        fake.add("gus/chatbot", url, stars=200, description="a chatbot in keras",
                 topics=())
        fake.add("hal/sentiment-plain", url, stars=70, description="sentiment of tweets",
                 topics=())
        fake.add("ivy/sentiment-torch", url, stars=5, description="sentiment in pytorch",
                 license=None, topics=())
        fake.searches["sentiment keras"] = [
            "cid/sentiment-fork", "dan/sentiment-js", "eve/sentiment-huge",
            "fay/awesome-sentiment", "gus/chatbot", "bob/sentiment-cnn", "ann/imdb-lstm"]
        fake.searches["sentiment analysis"] = [
            "hal/sentiment-plain", "ivy/sentiment-torch", "bob/sentiment-cnn"]
        yield fake


def test_search_pages_filters_and_ranks(server: FakeGitHub) -> None:
    result = GitHubSearch(options(server)).search(TASK)
    names = [p.full_name for p in result.projects]
    # fork, JavaScript, over the size cap, excluded keyword, no include keyword, and no
    # framework evidence (the query "sentiment analysis" names none) are all dropped.
    assert names == ["bob/sentiment-cnn", "ann/imdb-lstm", "ivy/sentiment-torch"]
    pages = [int(q.get("page", ["1"])[0]) for path, q, _ in server.requests
             if path == "/search/repositories"]
    assert pages == [1, 2, 3, 4, 1, 2]            # several pages, per_page=2
    first_query = next(q for path, q, _ in server.requests if path == "/search/repositories")
    assert "language:Python" in first_query["q"][0] and "fork:false" in first_query["q"][0]
    assert first_query["sort"] == ["stars"]
    ann = result.projects[1].to_json()
    assert ann == {
        "schema": "exnet.project/1", "full_name": "ann/imdb-lstm",
        "url": "https://github.com/ann/imdb-lstm", "default_branch": "main", "sha": None,
        "stars": 50, "forks": 1, "license": "Apache-2.0",
        "description": "Sentiment analysis with Keras", "topics": ["imdb", "keras"],
        "created": "2020-05-01T10:00:00Z", "pushed": "2023-02-03T04:05:06Z",
        "source": "github"}
    assert result.projects[2].license is None
    assert result.stopped is None


def test_limit_keeps_the_most_starred(server: FakeGitHub) -> None:
    result = GitHubSearch(options(server, limit=1)).search(TASK)
    assert [p.full_name for p in result.projects] == ["bob/sentiment-cnn"]


def test_short_rate_limit_is_waited_out_with_a_countdown(server: FakeGitHub) -> None:
    server.fail("/search/repositories", "ratelimit", times=1, after=1)
    reporter, out = quiet_reporter()
    start = time.monotonic()
    result = GitHubSearch(options(server), reporter).search(TASK)
    assert time.monotonic() - start >= 0.4
    assert len(result.projects) == 3 and result.stopped is None
    assert "GitHub rate limit (403): waiting" in out.getvalue()


def test_secondary_rate_limit_uses_retry_after(server: FakeGitHub) -> None:
    server.fail("/search/repositories", "secondary", times=1)
    result = GitHubSearch(options(server)).search(TASK)
    assert len(result.projects) == 3


def test_long_rate_limit_stops_cleanly_keeping_what_was_found(server: FakeGitHub) -> None:
    server.reset_in = 3600
    server.fail("/search/repositories", "ratelimit", times=99, after=4)  # 2nd query fails
    result = GitHubSearch(options(server)).search(TASK)
    assert [p.full_name for p in result.projects] == ["bob/sentiment-cnn", "ann/imdb-lstm"]
    assert result.stopped is not None
    assert "GitHub answered 403 (rate limit, resets in 60 min)" in result.stopped
    assert "GITHUB_TOKEN" in result.stopped


def test_rate_limit_before_anything_is_found_is_an_error(server: FakeGitHub) -> None:
    server.reset_in = 41 * 60
    server.fail("/search/repositories", "ratelimit", times=99)
    with pytest.raises(ExnetError) as err:
        GitHubSearch(options(server)).search(TASK)
    assert err.value.message == ("GitHub answered 403 (rate limit, resets in 41 min): "
                                 "set GITHUB_TOKEN or wait")


def test_502_is_retried_with_backoff(server: FakeGitHub) -> None:
    server.fail("/search/repositories", "502", times=2)
    reporter, out = quiet_reporter()
    result = GitHubSearch(options(server), reporter).search(TASK)
    assert len(result.projects) == 3
    assert "GitHub answered 502; retry 1/4" in out.getvalue()
    assert "retry 2/4" in out.getvalue()


def test_502_forever_is_an_error_or_a_clean_stop(server: FakeGitHub) -> None:
    server.fail("/search/repositories", "502", times=99)
    with pytest.raises(ExnetError, match=r"GitHub answered 502 \(Server Error\): try again"):
        GitHubSearch(options(server, retries=2)).search(TASK)
    server._faults.clear()
    server.fail("/search/repositories", "502", times=99, after=4)
    result = GitHubSearch(options(server, retries=1)).search(TASK)
    assert len(result.projects) == 2
    assert result.stopped == "GitHub answered 502 (Server Error): stopped searching with 2 projects"


def test_a_refused_query_is_skipped(server: FakeGitHub) -> None:
    server.fail("/search/repositories", "422", times=1)
    reporter, out = quiet_reporter()
    result = GitHubSearch(options(server), reporter).search(TASK)
    assert "GitHub refused the search 'sentiment keras'" in out.getvalue()
    assert [p.full_name for p in result.projects] == ["bob/sentiment-cnn", "ivy/sentiment-torch"]


def test_timeout_is_retried(server: FakeGitHub) -> None:
    server.delay = 1.6
    server.fail("/search/repositories", "timeout", times=1)
    reporter, out = quiet_reporter()
    result = GitHubSearch(options(server), reporter).search(TASK)
    assert len(result.projects) == 3
    assert "did not answer" in out.getvalue()


def test_unreachable_github_names_the_ways_on() -> None:
    with socket.socket() as sock:     # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    opts = SearchOptions(api_url=f"http://127.0.0.1:{port}", backoff=0.01,
                         request_pause=None, timeout=1)
    with pytest.raises(ExnetError) as err:
        GitHubSearch(opts).search(TASK)
    message = err.value.message
    assert message.startswith("GitHub cannot be reached")
    assert "--from DIR" in message and "--manifest FILE" in message
    assert "exnet build" in message and "\n" not in message


def test_code_search_only_with_a_token(server: FakeGitHub) -> None:
    server.add("joe/imdb-notebooks", "file:///x.git", stars=90, description="notebooks",
               topics=())
    server.code_searches['"imdb.load_data"'] = ["joe/imdb-notebooks", "bob/sentiment-cnn"]
    without = GitHubSearch(options(server)).search(TASK)
    assert "joe/imdb-notebooks" not in [p.full_name for p in without.projects]
    assert not any(path == "/search/code" for path, _, _ in server.requests)
    server.requests.clear()
    with_token = GitHubSearch(options(server, token="t0ken")).search(TASK)
    names = [p.full_name for p in with_token.projects]
    assert names[0] == "joe/imdb-notebooks"   # kept without keywords: the code is evidence
    assert with_token.projects[0].stars == 90  # details came from /repos/joe/imdb-notebooks
    assert ("/repos/joe/imdb-notebooks", {}, "token t0ken") in server.requests
    assert all(auth == "token t0ken" for _, _, auth in server.requests)


def test_search_is_cached_for_a_resumed_run(server: FakeGitHub, tmp_path: Path) -> None:
    cache = Cache(tmp_path)
    first = discover(TASK, search=options(server), cache=cache)
    count = len(server.requests)
    again = discover(TASK, search=options(server), cache=cache)
    assert again.from_cache and again.projects == first.projects
    assert len(server.requests) == count


@pytest.mark.parametrize("headers, expected", [
    ({"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0"}, 0.5),
    ({"Retry-After": "7"}, 7.0),
    ({}, None),
])
def test_rate_limit_wait(headers: dict[str, str], expected: float | None) -> None:
    assert rate_limit_wait(403, headers, {"message": "Forbidden"}) == expected
    assert rate_limit_wait(502, headers, {}) is None


# -- manifests -------------------------------------------------------------------------

SHA = "a" * 40


@pytest.mark.parametrize("line, full_name, clone_url, sha", [
    ("ann/imdb", "ann/imdb", "https://github.com/ann/imdb.git", None),
    (f"ann/imdb@{SHA}", "ann/imdb", "https://github.com/ann/imdb.git", SHA),
    ("https://github.com/ann/imdb.git", "ann/imdb", "https://github.com/ann/imdb.git", None),
    (f"https://github.com/ann/imdb@{SHA}", "ann/imdb", "https://github.com/ann/imdb.git",
     SHA),
    ("git@github.com:ann/imdb.git", "ann/imdb", "https://github.com/ann/imdb.git", None),
    ("https://gitlab.com/grp/proj.git", "grp/proj", "https://gitlab.com/grp/proj.git", None),
    ("file:///srv/git/proj.git", "git/proj", "file:///srv/git/proj.git", None),
    ("file:///srv/ann/proj/.git", "ann/proj", "file:///srv/ann/proj/.git", None),
])
def test_manifest_lines(line: str, full_name: str, clone_url: str, sha: str | None) -> None:
    project = manifest_entry(line)
    assert (project.full_name, project.clone_url, project.sha) == (full_name, clone_url, sha)
    assert project.source == "manifest"


def test_manifest_file_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text("# projects\nann/imdb  # the first\n\nann/imdb\nann/x@abc123\n")
    with pytest.raises(ExnetError, match=r"m.txt:5: 'abc123' is not a full commit SHA"):
        parse_manifest(path)
    path.write_text("ann/imdb\nnot a project\n")
    with pytest.raises(ExnetError, match=r"m.txt:2: .*neither owner/name"):
        parse_manifest(path)
    path.write_text("ann/imdb\nann/imdb\nbob/x\n")
    assert [p.full_name for p in parse_manifest(path)] == ["ann/imdb", "bob/x"]


def test_manifest_projects_get_github_metadata(server: FakeGitHub, tmp_path: Path) -> None:
    path = tmp_path / "m.txt"
    path.write_text(f"ann/imdb-lstm@{SHA}\nzed/missing\nfile:///srv/x/y.git\n")
    found = discover(TASK, search=options(server), manifest=path)
    ann, zed, local = found.projects
    assert (ann.stars, ann.license, ann.sha, ann.source) == (50, "Apache-2.0", SHA, "manifest")
    # the manifest's clone URL stays: an API answer never redirects git
    assert ann.clone_url == "https://github.com/ann/imdb-lstm.git"
    assert zed.stars is None and zed.full_name == "zed/missing"   # 404: name only
    assert local.full_name == "x/y"
    assert not any("/repos/x/" in path for path, _, _ in server.requests)


# -- local checkouts -------------------------------------------------------------------

def test_local_checkouts(tmp_path: Path) -> None:
    base = tmp_path / "repos"
    repo = make_repo(base, "imdb", keras_files("imdb"))
    checkouts = tmp_path / "checkouts"
    checkouts.mkdir()
    git("clone", "-q", str(repo.bare), str(checkouts / "one"))
    git("-C", str(checkouts / "one"), "remote", "set-url", "origin",
        "git@github.com:ann/imdb-lstm.git")
    plain = checkouts / "two"
    plain.mkdir()
    (plain / "train.py").write_text("import torch\n")
    (checkouts / ".hidden").mkdir()
    (checkouts / "notes.txt").write_text("not a project")
    one, two = local_projects(checkouts)
    assert one.to_json() == {
        "schema": "exnet.project/1", "full_name": "ann/imdb-lstm",
        "url": "https://github.com/ann/imdb-lstm", "default_branch": "main",
        "sha": repo.sha, "stars": None, "forks": None, "license": "MIT",
        "description": None, "topics": [], "created": "2023-01-02T03:04:05Z",
        "pushed": "2023-01-02T03:04:05Z", "source": "local"}
    assert (two.full_name, two.sha, two.url, two.path) == ("two", None, None, str(plain))
    # DIR itself when it is a project
    assert [p.full_name for p in local_projects(plain)] == ["two"]


@pytest.mark.parametrize("text, spdx", [
    ("MIT License\n\nPermission is hereby granted, free of charge, to any person", "MIT"),
    ("Apache License\n  Version 2.0, January 2004", "Apache-2.0"),
    ("GNU GENERAL PUBLIC LICENSE\n  Version 3, 29 June 2007", "GPL-3.0"),
    ("GNU GENERAL PUBLIC LICENSE\n  Version 2, June 1991", "GPL-2.0"),
    ("   GNU GENERAL PUBLIC LICENSE\n  Version 3, 29 June 2007\n" + "terms " * 500
     + "the GNU Affero General Public License", "GPL-3.0"),
    ("GNU AFFERO GENERAL PUBLIC LICENSE\n Version 3, 19 November 2007", "AGPL-3.0"),
    (("Redistributions in binary form must reproduce ... Neither the name of the "
      "copyright holder nor the names of its contributors"), "BSD-3-Clause"),
    ("Redistributions in binary form must reproduce the above", "BSD-2-Clause"),
    ("All rights reserved.", None),
])
def test_license_guess(text: str, spdx: str | None) -> None:
    assert license_of_text(text) == spdx


# -- tasks -----------------------------------------------------------------------------

def test_tasks_file_and_command() -> None:
    tasks = load_tasks()
    text = tasks["text-classification"]
    assert "sentiment-analysis" in text.subtasks
    assert "imdb" in text.datasets and "ag_news" in text.datasets
    assert any("sentiment" in q for q in text.queries)
    assert "image-classification" in tasks
    assert text.matches("IMDB sentiment with an LSTM")
    assert not text.matches("awesome-sentiment: a list of links")
    result = CliRunner().invoke(main, ["tasks"])
    assert result.exit_code == 0, result.output
    assert "text-classification: Text classification (with sentiment-analysis)" in \
        result.output
    assert "image-classification" in result.output


def test_unknown_task_is_a_clear_error() -> None:
    with pytest.raises(ExnetError, match="use --task text-classification"):
        get_task("sentiment-analysis")
    result = CliRunner().invoke(main, ["mine", "--task", "nope", "--from", "."])
    assert result.exit_code != 0
    assert "unknown task 'nope'" in result.output and "Traceback" not in result.output
