"""A fault-injecting HTTP server on 127.0.0.1, bounded in requests and in lifetime.

Each instance serves one *mode* for every path (so it applies to any live client):

- ``good``: ``bodies[path]`` (or ``default``) with status 200;
- ``status``: ``status`` with ``headers`` and ``body`` (e.g. 429 with or without Retry-After);
- ``then_good``: ``status`` for the first ``times`` requests, then like ``good``;
- ``drip``: announces ``Content-Length`` and sends one byte every ``interval`` seconds;
- ``huge``: a chunked body of ``size`` bytes sent in 64 KiB chunks (no Content-Length);
- ``reset``: reads the request and resets the connection (RST, no answer);
- ``truncated``: announces a length and sends half of ``body``;
- ``echo``: answers ``status`` with the request's headers in the body.

The server stops by itself after ``max_requests`` requests or ``lifetime`` seconds, so
a runaway client cannot keep a test (or the machine) busy.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


class FaultServer:
    def __init__(self, mode: str, *, max_requests: int = 50, lifetime: float = 30.0, **opts):
        self.mode, self.opts = mode, opts
        self.max_requests, self.lifetime = max_requests, lifetime
        self.requests: list[tuple[str, str, dict]] = []  # (method, path with query, headers)
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                with server._lock:
                    server.requests.append((self.command, self.path, dict(self.headers)))
                    n = len(server.requests)
                if n > server.max_requests:
                    self.close_connection = True
                    return
                try:
                    server._respond(self, n)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up: expected
                    self.close_connection = True

            do_GET = do_POST = _handle

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._timer = threading.Timer(lifetime, self.httpd.shutdown)
        self._timer.daemon = True

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def count(self) -> int:
        return len(self.requests)

    # -- answers -------------------------------------------------------------------
    def _send(self, h, status: int, body: bytes, headers: dict | None = None) -> None:
        h.send_response(status)
        for k, v in (headers or {"Content-Type": "application/json"}).items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def _good(self, h) -> None:
        path = urlsplit(h.path).path
        bodies = self.opts.get("bodies") or {}
        body = next((b for p, b in bodies.items() if path.endswith(p)), self.opts.get("default", b"{}"))
        body = body(h.path) if callable(body) else body
        self._send(h, 200, body, self.opts.get("good_headers"))

    def _respond(self, h, n: int) -> None:
        o = self.opts
        if self.mode == "good" or (self.mode == "then_good" and n > o.get("times", 1)):
            return self._good(h)
        if self.mode in ("status", "then_good"):
            return self._send(h, o.get("status", 500), o.get("body", b""), o.get("headers", {}))
        if self.mode == "echo":
            text = "\n".join(f"{k}: {v}" for k, v in h.headers.items()).encode()
            return self._send(h, o.get("status", 400), text, {"Content-Type": "text/plain"})
        if self.mode == "drip":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", "100000")
            h.end_headers()
            for _ in range(int(self.lifetime / o.get("interval", 0.5))):
                h.wfile.write(b" ")
                h.wfile.flush()
                time.sleep(o.get("interval", 0.5))
            return None
        if self.mode == "huge":
            h.send_response(200)
            h.send_header("Content-Type", "application/json")
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            chunk = b"[" + b"0," * (1 << 15)
            for _ in range(o.get("size", 64 << 20) // len(chunk)):
                h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.write(b"0\r\n\r\n")
            return None
        if self.mode == "reset":
            h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            h.close_connection = True
            return None
        if self.mode == "truncated":
            body = o.get("body", b'{"x": 1}')
            h.send_response(200)
            h.send_header("Content-Length", str(len(body)))
            h.send_header("Connection", "close")
            h.end_headers()
            h.wfile.write(body[: len(body) // 2])
            h.close_connection = True
            return None
        raise ValueError(f"unknown fault mode {self.mode!r}")

    def __enter__(self):
        self.thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc):
        self._timer.cancel()
        self.httpd.shutdown()
        self.httpd.server_close()
