"""A local HTTP server on 127.0.0.1 that plays the APOD sites for tests: no test leaves the
machine. Each path answers what the test put in `routes`; every request is logged."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})


class LocalSite:
    """Serves `routes` (path with query -> Answer); anything else is a 404."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer] = {}
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                site.requests.append(self.path)
                answer = site.routes.get(self.path, Answer(404, b"not found"))
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # the test reads site.requests instead

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def page(self, path: str, body: bytes, status: int = 200, **headers: str) -> None:
        """Serve `body` at `path`."""
        self.routes[path] = Answer(status, body, {"Content-Type": "text/html", **headers})

    def requested(self, prefix: str) -> list[str]:
        """The logged request paths that start with `prefix`."""
        return [path for path in self.requests if path.startswith(prefix)]
