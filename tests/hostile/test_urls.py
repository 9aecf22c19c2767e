"""Where exnet may fetch from: `--api-url` is https (plain http only to this machine, so a
token is never sent in clear); clone URLs from an API answer are https, or file:// and
http:// only from an API on this machine; a manifest's own URLs (file:// included) are
the user's choice and kept, never replaced by an API answer."""

from __future__ import annotations

import pytest

from exnet.errors import ExnetError
from exnet.github_search import GitHubSearch, SearchOptions, check_api_url, safe_clone_url


@pytest.mark.parametrize("url", ["https://api.github.com", "https://ghe.example.org/api/v3",
                                 "http://127.0.0.1:8080", "http://localhost:9"])
def test_api_urls_allowed(url: str) -> None:
    assert check_api_url(url) == url
    GitHubSearch(SearchOptions(api_url=url))


@pytest.mark.parametrize("url", ["http://api.github.com", "file:///etc", "ftp://x",
                                 "http://10.0.0.1", "javascript:alert(1)", ""])
def test_api_urls_refused(url: str) -> None:
    with pytest.raises(ExnetError, match="use https://"):
        GitHubSearch(SearchOptions(api_url=url))


@pytest.mark.parametrize("clone, api, expected", [
    ("https://github.com/a/b.git", "https://api.github.com", "https://github.com/a/b.git"),
    ("file:///home/me/.ssh", "https://api.github.com", None),
    ("http://evil.example/x.git", "https://api.github.com", None),
    ("ext::sh -c touch% /tmp/pwned", "https://api.github.com", None),
    ("--upload-pack=touch /tmp/x", "https://api.github.com", None),
    ("file:///srv/mirror/a.git", "http://127.0.0.1:8080", "file:///srv/mirror/a.git"),
    (None, "https://api.github.com", None),
])
def test_clone_urls_from_api_answers(clone: str | None, api: str, expected: str | None) -> None:
    assert safe_clone_url(clone, api) == expected
