"""Stage 1, discover (GitHub part): find a task's projects through GitHub's REST API.

Repository search runs every query of the task (with `language:Python`, `fork:false` and
a size cap added, sorted by stars); code search runs the task's code queries when a
token is given (GitHub answers code search only to signed-in users) and fetches each new
repository's details. A hit is kept when it is a Python repository, not a fork, below the
size cap, not excluded by the task's keywords, and shows that it uses Keras, TensorFlow
or PyTorch (its query, a code search hit, or its name, description or topics say so).

GitHub's limits are met like this: a rate limit that resets soon is waited out with a
visible countdown; one that resets later stops the search cleanly, keeping what was
found; 5xx answers, timeouts and dropped connections are retried with exponential
backoff; when GitHub cannot be reached at all, the error says which ways are left.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

from exnet.errors import ExnetError
from exnet.progress import Reporter
from exnet.records import Project
from exnet.tasks import Task, normalize

T = TypeVar("T")

FRAMEWORKS = re.compile(r"(?<![a-z])(keras|tensorflow|tf ?2|pytorch|torch)(?![a-z])")
#: GitHub answers at most 1,000 results per search.
MAX_SEARCH_RESULTS = 1000

OFFLINE_HINT = ("mine local checkouts with --from DIR, list repositories with "
                "--manifest FILE, or build the bundled corpus with `exnet build`")


@dataclass(frozen=True)
class SearchOptions:
    """How to talk to GitHub; the defaults suit api.github.com, tests shrink the waits."""

    token: str | None = None
    api_url: str = "https://api.github.com"
    limit: int = 100
    max_size_kb: int = 200_000        # GitHub's `size` is in KB
    per_page: int = 100
    timeout: float = 20.0             # seconds per request
    retries: int = 4                  # for 5xx, timeouts and dropped connections
    backoff: float = 2.0              # first retry wait, doubled each time
    max_wait: float = 120.0           # longest rate-limit wait shown as a countdown
    request_pause: float | None = 0.25  # between requests, as GitHub asks


class RateLimited(Exception):
    """A rate limit whose reset is further away than `max_wait`."""

    def __init__(self, wait: float, status: int) -> None:
        super().__init__(f"rate limit resets in {wait:.0f} s")
        self.wait = wait
        self.status = status

    def describe(self) -> str:
        minutes = self.wait / 60
        when = f"{minutes:.0f} min" if minutes >= 1 else f"{self.wait:.0f} s"
        return f"GitHub answered {self.status} (rate limit, resets in {when})"


@dataclass(frozen=True)
class SearchResult:
    projects: tuple[Project, ...]
    stopped: str | None = None       # why the search ended early, for people


class GitHubSearch:
    """One session with GitHub's API: searches and repository details, with retries."""

    def __init__(self, options: SearchOptions, reporter: Reporter | None = None) -> None:
        from github import Auth, Github

        self.options = options
        check_api_url(options.api_url)
        self.reporter = reporter or Reporter(quiet=True)
        self._reached = False
        self.gh = Github(
            auth=Auth.Token(options.token) if options.token else None,
            base_url=options.api_url.rstrip("/"), timeout=int(max(1, options.timeout)),
            per_page=options.per_page, retry=None,   # retries are ours: see `call`
            seconds_between_requests=options.request_pause, seconds_between_writes=None)

    # -- one request, with GitHub's limits handled ---------------------------------------

    def call(self, fn: Callable[[], T]) -> T:
        """Run one API request; wait out short rate limits, retry transient failures."""
        import requests
        from github import GithubException

        attempt = 0
        while True:
            try:
                result = fn()
                self._reached = True
                return result
            except GithubException as exc:
                wait = rate_limit_wait(exc.status, exc.headers or {}, exc.data)
                if wait is not None:
                    if wait > self.options.max_wait:
                        raise RateLimited(wait, exc.status) from None
                    self.reporter.countdown(wait, f"GitHub rate limit ({exc.status})")
                    continue
                if exc.status >= 500 and attempt < self.options.retries:
                    attempt += 1
                    self._backoff(attempt, f"GitHub answered {exc.status}")
                    continue
                raise
            except (requests.Timeout, requests.ConnectionError) as exc:
                # A GitHub never reached in this run (offline, no DNS, refused) gets one
                # more try, not the full backoff: people should hear about it quickly.
                first_contact = not self._reached and not isinstance(exc, requests.Timeout)
                if attempt < (min(1, self.options.retries) if first_contact
                              else self.options.retries):
                    attempt += 1
                    self._backoff(attempt, f"GitHub did not answer ({type(exc).__name__})")
                    continue
                raise ExnetError(
                    f"GitHub cannot be reached at {self.options.api_url} "
                    f"({type(exc).__name__}): {OFFLINE_HINT}") from None

    def _backoff(self, attempt: int, why: str) -> None:
        wait = self.options.backoff * 2 ** (attempt - 1)
        self.reporter.note(f"{why}; retry {attempt}/{self.options.retries} in {wait:g} s")
        time.sleep(wait)

    # -- searches ------------------------------------------------------------------------

    def search(self, task: Task) -> SearchResult:
        """The task's projects, best first (stars), at most `limit`; see the docstring."""
        from github import GithubException

        found: dict[str, Project] = {}
        stopped = None
        searches = [(self._search_repositories, q) for q in task.queries]
        if self.options.token:
            searches += [(self._search_code, q) for q in task.code_queries]
        try:
            for run, query in searches:
                try:
                    run(task, query, found)
                except GithubException as exc:
                    if exc.status != 422:
                        raise
                    # GitHub refuses this query (bad syntax): say so, run the others.
                    self.reporter.note(f"GitHub refused the search {query!r} "
                                       f"({_message(exc)}): fix it in tasks.toml")
        except RateLimited as exc:
            stopped = (f"{exc.describe()}: stopped searching with {len(found)} projects; "
                       "set GITHUB_TOKEN or wait")
            if not found:
                raise ExnetError(f"{exc.describe()}: set GITHUB_TOKEN or wait") from None
        except GithubException as exc:
            if exc.status == 401:
                raise ExnetError("GitHub answered 401 (bad credentials): check the token "
                                 "in GITHUB_TOKEN or --token") from None
            why = f"GitHub answered {exc.status} ({_message(exc)})"
            if not found:
                raise ExnetError(f"{why}: try again later, or {OFFLINE_HINT}") from None
            stopped = f"{why}: stopped searching with {len(found)} projects"
        ranked = sorted(found.values(), key=lambda p: (-(p.stars or 0), p.full_name.lower()))
        return SearchResult(tuple(ranked[: self.options.limit]), stopped)

    def _qualified(self, query: str) -> str:
        return f"{query} language:Python fork:false size:<{self.options.max_size_kb}"

    def _search_repositories(self, task: Task, query: str, found: dict[str, Project]) -> None:
        framework_query = FRAMEWORKS.search(normalize(query)) is not None
        results = self.gh.search_repositories(self._qualified(query), sort="stars",
                                              order="desc")
        kept = 0
        for page in range(MAX_SEARCH_RESULTS // self.options.per_page):
            items = self.call(partial(results.get_page, page))
            for repo in items:
                project = self._keep(task, repo, framework_query, code_hit=False)
                if project is not None and project.full_name not in found:
                    found[project.full_name] = project
                    kept += 1
                    self.reporter.update("discover", len(found))
            if len(items) < self.options.per_page or kept >= self.options.limit:
                break

    def _search_code(self, task: Task, query: str, found: dict[str, Project]) -> None:
        results = self.gh.search_code(f"{query} language:Python")
        seen: set[str] = set()
        for page in range(MAX_SEARCH_RESULTS // self.options.per_page):
            items = self.call(partial(results.get_page, page))
            for hit in items:
                name = hit.repository.full_name
                if name in found or name in seen:
                    continue
                seen.add(name)
                repo = self.call(partial(self.gh.get_repo, name))
                project = self._keep(task, repo, framework_query=True, code_hit=True)
                if project is not None:
                    found[name] = project
                    self.reporter.update("discover", len(found))
            if len(items) < self.options.per_page or len(seen) >= self.options.limit:
                break

    def _keep(self, task: Task, repo: Any, framework_query: bool,
              code_hit: bool) -> Project | None:
        """The project of a search hit, or None when the hit does not qualify."""
        if repo.fork or (repo.language or "").lower() != "python":
            return None
        if (repo.size or 0) > self.options.max_size_kb:
            return None
        text = " ".join([repo.full_name, repo.description or "", " ".join(repo.topics or [])])
        if task.excluded(text):
            return None
        if not code_hit and not task.matches(text):
            return None
        if not framework_query and not FRAMEWORKS.search(normalize(text)):
            return None
        return project_from_repo(repo, self.options.api_url)

    # -- details for a manifest -------------------------------------------------------

    def details(self, project: Project) -> Project:
        """`project` with GitHub's metadata filled in (a manifest names only owner/name)."""
        repo = self.call(lambda: self.gh.get_repo(project.full_name))
        # The manifest's clone URL stays: metadata from an API answer never redirects git.
        return replace(project_from_repo(repo, self.options.api_url), sha=project.sha,
                       source=project.source, clone_url=project.clone_url)


def _message(exc: Any) -> str:
    data = exc.data if isinstance(exc.data, dict) else {}
    return str(data.get("message") or "no message")[:120]


def check_api_url(url: str) -> str:
    """`--api-url` as given, if safe: https, or plain http only to this machine (a token
    sent in clear to another host could be read on the way)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return url
    if parts.scheme == "http" and parts.hostname in LOOPBACK:
        return url
    raise ExnetError(f"--api-url {url!r}: use https:// (plain http only for "
                     "127.0.0.1 or localhost)")


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def safe_clone_url(clone_url: str | None, api_url: str) -> str | None:
    """A clone URL that an API answer gave, if exnet may fetch it: https always; a
    file:// or http:// one only from an API on this machine (a local mirror or the test
    server), never from a remote answer that could point git at the user's own files."""
    if not clone_url:
        return None
    scheme = urlsplit(clone_url).scheme
    if scheme == "https":
        return clone_url
    if scheme in ("file", "http") and urlsplit(api_url).hostname in LOOPBACK:
        return clone_url
    return None


def project_from_repo(repo: Any, api_url: str = "https://api.github.com") -> Project:
    """A Project record from a PyGithub Repository (search hit or details)."""
    spdx = repo.license.spdx_id if repo.license is not None else None
    return Project(
        full_name=repo.full_name,
        url=repo.html_url,
        clone_url=safe_clone_url(repo.clone_url, api_url),
        default_branch=repo.default_branch,
        sha=None,
        stars=repo.stargazers_count,
        forks=repo.forks_count,
        license=None if spdx in (None, "", "NOASSERTION") else spdx,
        description=repo.description,
        topics=tuple(sorted(repo.topics or ())),
        created=_iso(repo.created_at),
        pushed=_iso(repo.pushed_at),
        source="github",
    )


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def rate_limit_wait(status: int, headers: dict[str, Any], data: Any) -> float | None:
    """Seconds to wait when an answer is a rate limit, else None.

    GitHub signals a rate limit with 403 or 429 and either `x-ratelimit-remaining: 0`
    (then `x-ratelimit-reset` is the epoch second of the reset), a `retry-after` header,
    or a message about a (secondary) rate limit.
    """
    if status not in (403, 429):
        return None
    low = {str(k).lower(): str(v) for k, v in headers.items()}
    message = str(data.get("message", "")) if isinstance(data, dict) else ""
    if "retry-after" in low and low["retry-after"].isdigit():
        return float(low["retry-after"])
    if low.get("x-ratelimit-remaining") == "0" and low.get("x-ratelimit-reset", "").isdigit():
        # +0.5: the reset happens at some moment within that second
        return max(0.0, int(low["x-ratelimit-reset"]) - time.time()) + 0.5
    if "rate limit" in message.lower():
        return 60.0
    return None
