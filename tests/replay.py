"""A small HTTP server on 127.0.0.1 that replays recorded upstream responses.

Tests register exchanges (method, path, query, status, headers, body) taken from the
real recordings in ../shared/data/*/fixtures_*; faults (429 with Retry-After, a 500,
a body cut short) are registered in front of a real body to test recovery. Every
request the server sees is logged, so tests can assert what the client asked for.

Rules (``add_rule``) encode a service's documented limits: a rule sees every request
first and may answer it (status, headers, body) the way the service would, e.g. 400 for
a page size above the maximum. ``latency`` adds a delay to every answer (benchmarks).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml


@dataclass
class Exchange:
    method: str
    path: str
    body: bytes
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "application/json"})
    query: dict | None = None  # None matches any query; else every key must match exactly
    times: int | None = None  # served this many times, then skipped (None: forever)
    truncate: bool = False  # announce the full length but send only half, then close
    served: int = 0

    def matches(self, method: str, path: str, query: dict) -> bool:
        if self.method != method or self.path.rstrip("/") != path.rstrip("/"):
            return False
        if self.times is not None and self.served >= self.times:
            return False
        if self.query is None:
            return True
        return {k: sorted(v) for k, v in self.query.items()} == {k: sorted(v) for k, v in query.items()}


@dataclass
class Logged:
    method: str
    path: str
    query: dict
    headers: dict
    body: bytes


class ReplayServer:
    def __init__(self, latency: float = 0.0):
        self.latency = latency
        self.rules: list = []
        self.exchanges: list[Exchange] = []
        self.log: list[Logged] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _handle(self):
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                if server.latency:
                    time.sleep(server.latency)
                with server._lock:
                    server.log.append(Logged(self.command, parts.path, query, dict(self.headers), body))
                    ruled = next(
                        (
                            a
                            for r in server.rules
                            if (a := r(self.command, parts.path, query, self.headers, body))
                        ),
                        None,
                    )
                    ex = (
                        None
                        if ruled
                        else next(
                            (e for e in server.exchanges if e.matches(self.command, parts.path, query)), None
                        )
                    )
                    if ex is not None:
                        ex.served += 1
                if ruled:
                    ex = Exchange(self.command, parts.path, ruled[2], status=ruled[0], headers=ruled[1])
                if ex is None:
                    msg = f"no recorded response for {self.command} {self.path}".encode()
                    self.send_response(599)
                    self.send_header("Content-Length", str(len(msg)))
                    self.end_headers()
                    self.wfile.write(msg)
                    return
                self.send_response(ex.status)
                for k, v in ex.headers.items():
                    if k.lower() not in (
                        "content-length",
                        "transfer-encoding",
                        "content-encoding",
                        "connection",
                    ):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(ex.body)))
                if ex.truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                if ex.truncate:
                    self.wfile.write(ex.body[: len(ex.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                else:
                    self.wfile.write(ex.body)

            do_GET = do_POST = do_HEAD = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def add(self, method: str, path: str, body: bytes | str, **kw) -> Exchange:
        if isinstance(body, str):
            body = body.encode("utf-8")
        ex = Exchange(method.upper(), path, body, **kw)
        with self._lock:
            self.exchanges.append(ex)
        return ex

    def add_rule(self, rule) -> None:
        """``rule(method, path, query, headers, body) -> (status, headers, body) | None``."""
        with self._lock:
            self.rules.append(rule)

    def insert_fault(
        self,
        method: str,
        path: str,
        status: int,
        headers: dict | None = None,
        times: int = 1,
        body: bytes = b"",
    ):
        """Put a failure in front of whatever is registered for this path."""
        ex = Exchange(method.upper(), path, body, status=status, headers=headers or {}, times=times)
        with self._lock:
            self.exchanges.insert(0, ex)
        return ex

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def split_url(url: str, strip_prefix: str = "") -> tuple[str, dict]:
    parts = urlsplit(url)
    path = parts.path
    if strip_prefix and path.startswith(strip_prefix):
        path = path[len(strip_prefix) :] or "/"
    return path, parse_qs(parts.query, keep_blank_values=True)


def load_go_vcr(path: Path) -> list[dict]:
    """Interactions of a go-vcr v1 cassette: dicts with method, url, status, headers, body."""
    doc = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    out = []
    for it in doc["interactions"]:
        req, resp = it["request"], it["response"]
        headers = {k: (v[0] if isinstance(v, list) else v) for k, v in (resp.get("headers") or {}).items()}
        out.append(
            {
                "method": req["method"],
                "url": req["url"],
                "status": int(resp.get("code", 200)),
                "headers": headers,
                "body": resp["body"].encode("utf-8"),
            }
        )
    return out
