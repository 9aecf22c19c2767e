"""Render stage: `exnet serve`, a local preview of the built site on 127.0.0.1.

Python's static file server, bound to the loopback interface only, serving the build
folder; it adds the same Content-Security-Policy the pages declare, and nothing else.
"""

from __future__ import annotations

import functools
import http.server
from collections.abc import Callable
from pathlib import Path

from exnet.errors import ExnetError
from exnet.render.context import CSP


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the stdlib's own (instance-overridable) table
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".json": "application/json"}

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def make_server(directory: Path, port: int = 8000,
                host: str = "127.0.0.1") -> http.server.ThreadingHTTPServer:
    """A server for `directory` (not yet serving); port 0 picks a free port."""
    directory = Path(directory)
    if not (directory / "index.html").is_file():
        raise ExnetError(f"no site in {directory}: run `exnet build` first, or pass --dir")
    handler = functools.partial(_Handler, directory=str(directory))
    try:
        return http.server.ThreadingHTTPServer((host, port), handler)
    except OSError as exc:
        raise ExnetError(f"cannot listen on {host}:{port} ({exc.strerror or exc}): "
                         f"pass another --port") from None


def host_name(server: http.server.ThreadingHTTPServer) -> str:
    """The address the server listens on, as text."""
    host = server.server_address[0]
    return host.decode() if isinstance(host, bytes) else str(host)


def serve(directory: Path, port: int = 8000,
          announce: Callable[[str], None] = print) -> None:
    """Serve `directory` until interrupted (Ctrl+C)."""
    server = make_server(directory, port)
    real_port = server.server_address[1]
    announce(f"http://{host_name(server)}:{real_port}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
