"""A fake GitHub REST API on 127.0.0.1 for the discover tests (never the real network).

`FakeGitHub` serves, in the shape of GitHub's API, the repositories it is given:
`/search/repositories` (paged, matched by the words of the query before its qualifiers),
`/search/code` and `/repos/{owner}/{name}`. Faults are scripted per path prefix with
`fail(prefix, kind, times)`: "ratelimit" (403 with x-ratelimit-* headers, reset in
`reset_in` seconds), "secondary" (403 with retry-after), "502", "422" (a refused
query), and "timeout" (the
answer comes after `delay` seconds, later than the client waits). Every request is
logged in `requests` as (path, query, authorization header).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


def repo_json(base: str, full_name: str, clone_url: str, *, stars: int = 10,
              forks: int = 1, description: str = "Sentiment analysis with Keras",
              topics: tuple[str, ...] = ("keras", "sentiment-analysis"),
              license: str | None = "MIT", fork: bool = False, size: int = 100,
              language: str | None = "Python", default_branch: str = "main") -> dict[str, Any]:
    """A repository object as GitHub's REST API returns it (the fields PyGithub reads)."""
    owner, name = full_name.split("/")
    return {
        "id": abs(hash(full_name)) % 10**8, "node_id": "R_x", "name": name,
        "full_name": full_name, "private": False,
        "owner": {"login": owner, "id": 1, "type": "User", "url": f"{base}/users/{owner}"},
        "html_url": f"https://github.com/{full_name}", "url": f"{base}/repos/{full_name}",
        "clone_url": clone_url, "git_url": clone_url, "default_branch": default_branch,
        "stargazers_count": stars, "watchers_count": stars, "forks_count": forks,
        "license": None if license is None else {
            "key": license.lower(), "name": license, "spdx_id": license,
            "url": f"{base}/licenses/{license.lower()}"},
        "description": description, "topics": list(topics), "fork": fork, "size": size,
        "language": language, "archived": False,
        "created_at": "2020-05-01T10:00:00Z", "pushed_at": "2023-02-03T04:05:06Z",
        "updated_at": "2023-02-03T04:05:06Z",
    }


@dataclass
class FakeGitHub:
    """The server; use as a context manager, `base_url` is what PyGithub is given."""

    repos: list[dict[str, Any]] = field(default_factory=list)
    #: query words (before qualifiers) -> full names returned, in order
    searches: dict[str, list[str]] = field(default_factory=dict)
    code_searches: dict[str, list[str]] = field(default_factory=dict)
    reset_in: int = 1
    delay: float = 2.0
    requests: list[tuple[str, dict[str, list[str]], str | None]] = field(default_factory=list)
    _faults: list[list[Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def fail(self, prefix: str, kind: str, times: int = 1, after: int = 0) -> None:
        """Answer the next `times` requests whose path starts with `prefix` with a fault,
        after letting `after` of them through."""
        self._faults.append([prefix, kind, times, after])

    def __enter__(self) -> FakeGitHub:  # noqa: PYI034
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._handle(self)

            def log_message(self, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def add(self, full_name: str, clone_url: str, **kw: Any) -> dict[str, Any]:
        repo = repo_json(self.base_url, full_name, clone_url, **kw)
        self.repos.append(repo)
        return repo

    # -- answering ---------------------------------------------------------------------

    def _fault_for(self, path: str) -> str | None:
        with self._lock:
            for fault in self._faults:
                prefix, kind, times, after = fault
                if not path.startswith(prefix) or times <= 0:
                    continue
                if after > 0:
                    fault[3] -= 1
                    return None
                fault[2] -= 1
                return str(kind)
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        url = urlparse(h.path)
        query = parse_qs(url.query)
        with self._lock:
            self.requests.append((url.path, query, h.headers.get("Authorization")))
        fault = self._fault_for(url.path)
        if fault == "timeout":
            time.sleep(self.delay)
            return self._send(h, 200, {"total_count": 0, "items": []})
        if fault == "502":
            return self._send(h, 502, {"message": "Server Error"})
        if fault == "422":
            return self._send(h, 422, {"message": "Validation Failed"})
        if fault == "ratelimit":
            reset = int(time.time()) + self.reset_in
            return self._send(h, 403, {
                "message": "API rate limit exceeded for 127.0.0.1.",
                "documentation_url": "https://docs.github.com/rest/rate-limit"},
                {"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0",
                 "X-RateLimit-Reset": str(reset), "X-RateLimit-Resource": "search"})
        if fault == "secondary":
            return self._send(h, 403, {"message": "You have exceeded a secondary rate limit."},
                              {"Retry-After": str(self.reset_in)})
        by_name = {r["full_name"]: r for r in self.repos}
        if url.path.startswith("/repos/"):
            name = url.path[len("/repos/"):].strip("/")
            if name in by_name:
                return self._send(h, 200, by_name[name])
            return self._send(h, 404, {"message": "Not Found"})
        if url.path in ("/search/repositories", "/search/code"):
            words = query.get("q", [""])[0].split(" language:")[0].strip()
            table = self.searches if url.path.endswith("repositories") else self.code_searches
            names = [n for n in table.get(words, []) if n in by_name]
            page = int(query.get("page", ["1"])[0])
            per_page = int(query.get("per_page", ["30"])[0])
            chunk = names[(page - 1) * per_page: page * per_page]
            if url.path.endswith("repositories"):
                items = [by_name[n] for n in chunk]
            else:
                items = [{"name": "model.py", "path": "model.py", "sha": "0" * 40,
                          "url": f"{self.base_url}/repos/{n}/contents/model.py",
                          "html_url": f"https://github.com/{n}/blob/main/model.py",
                          "repository": {k: by_name[n][k] for k in
                                         ("id", "name", "full_name", "owner", "html_url",
                                          "url", "fork", "description")}}
                         for n in chunk]
            return self._send(h, 200, {"total_count": len(names),
                                       "incomplete_results": False, "items": items})
        return self._send(h, 404, {"message": "Not Found"})

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: Any,
              headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json; charset=utf-8")
            h.send_header("Content-Length", str(len(data)))
            for key, value in (headers or {}).items():
                h.send_header(key, value)
            h.end_headers()
            h.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the client gave up (a timeout test)
