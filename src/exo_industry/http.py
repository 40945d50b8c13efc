"""One bounded HTTP policy for every live client.

- retries with exponential backoff on 429 and 5xx and on connections the server reset,
  honouring ``Retry-After`` up to a cap: a server asking for a longer wait ends the run with
  a message saying when to retry (a spent quota is the usual reason);
- an overall deadline per request (connect, headers and the whole body), not only a timeout
  per read, so a server that drips bytes cannot keep a fetch alive;
- a maximum response size, checked while the body streams in (and against
  ``Content-Length`` before reading), so a huge answer is refused, never held in memory;
- a maximum number of pages per query (:func:`check_pages`);
- requests only to the configured origin: a pagination link pointing elsewhere is refused,
  so credentials in headers or query strings never leave for another host;
- an on-disk cache of successful answers (a re-run within the hour is free) whose keys and
  records hold no credential, and which never keeps a body that contains one;
- a minimum interval between requests, for APIs that publish a rate limit;
- failures raised as :class:`SourceError` naming the (redacted) URL, the status and the
  start of the error body; a body that is not complete JSON is an error too.

Limits come from the environment so that tests (and users) can tighten them:
``EXO_HTTP_DEADLINE`` (seconds per request, default 300), ``EXO_HTTP_MAX_RETRY_AFTER``
(seconds, default 120), ``EXO_HTTP_MAX_BYTES`` (default 512 MiB), ``EXO_HTTP_MAX_PAGES``
(pages per query, default 2000), ``EXO_HTTP_TIMEOUT`` (seconds per connect/read, default 60),
``EXO_HTTP_BACKOFF`` (first retry wait when no ``Retry-After`` is given), ``EXO_HTTP_RETRIES``
(an upper bound on the retries of every client).
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import email.utils
import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.util.retry import Retry

from . import __version__
from .config import paths
from .errors import BadParameter, ExoError, SourceError
from .redact import SECRET_PARAMS, redact, redact_url, secret_values

log = logging.getLogger(__name__)

USER_AGENT = f"exo_industry/{__version__} (research compendium; +https://github.com/)"
DEFAULT_TIMEOUT = (10, 60)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)
_CHUNK = 1 << 16


def _env_number(name: str, default: float, kind=float):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise BadParameter(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise BadParameter(f"{name}={raw!r} must be above 0")
    return value


@dataclass(frozen=True)
class Limits:
    deadline: float = 300.0
    max_retry_after: float = 120.0
    max_bytes: int = 512 << 20
    max_pages: int = 2000
    read_timeout: float = 60.0

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(
            deadline=_env_number("EXO_HTTP_DEADLINE", cls.deadline),
            max_retry_after=_env_number("EXO_HTTP_MAX_RETRY_AFTER", cls.max_retry_after),
            max_bytes=_env_number("EXO_HTTP_MAX_BYTES", cls.max_bytes, int),
            max_pages=_env_number("EXO_HTTP_MAX_PAGES", cls.max_pages, int),
            read_timeout=_env_number("EXO_HTTP_TIMEOUT", cls.read_timeout),
        )


def check_pages(count: int, what: str) -> None:
    """Stop a paged walk that reached the page limit (call before requesting page ``count + 1``)."""
    limit = Limits.from_env().max_pages
    if count >= limit:
        raise SourceError(
            f"{what}: stopped after {count} pages, the limit per query (EXO_HTTP_MAX_PAGES={limit})",
            hint="narrow the query (fewer years, countries or terms) or raise EXO_HTTP_MAX_PAGES; "
            "nothing was stored",
        )


@contextlib.contextmanager
def malformed_answers(service: str):
    """Turn a parsing failure on an answer of unexpected shape into a :class:`SourceError`.

    Wrap the part of a fetch that requests and reads pages (never the part that writes):
    a field of the wrong type must end the run with a message, not a traceback."""
    try:
        yield
    except ExoError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise SourceError(
            f"{service}: an answer has an unexpected shape ({type(exc).__name__}: {redact(str(exc))[:160]})",
            hint="the service may have changed its format or answered with an error page; nothing was stored",
        ) from None


def make_retry() -> Retry:
    """urllib3 retries only connections that could not be opened; everything else is ours."""
    return Retry(
        total=None,
        connect=2,  # a refused or unresolvable host rarely recovers within seconds
        read=0,
        status=0,
        other=0,
        redirect=5,
        raise_on_status=False,
        respect_retry_after_header=False,
    )


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds from now (delta-seconds or an HTTP date); None if absent/unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - _dt.datetime.now(_dt.timezone.utc)).total_seconds())


class _Cache:
    """Successful answers on disk, one JSON record and one body file per request.

    The key is built from the method, the URL without credential parameters and the
    request body; the record keeps the redacted URL and a few headers, never request
    headers, so no credential is ever written here. A body holding a known secret is not kept.
    """

    _KEEP_HEADERS = ("Content-Type", "Last-Modified", "ETag", "Date")

    def __init__(self, folder, expire_after: float):
        self.folder = folder
        self.expire_after = expire_after

    @staticmethod
    def key(method: str, url: str, body: bytes | None) -> str:
        parts = urlsplit(url)
        query = sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if k.lower() not in SECRET_PARAMS
        )
        clean = urlunsplit(parts._replace(query=urlencode(query)))
        return hashlib.sha256(b"\n".join([method.encode(), clean.encode(), body or b""])).hexdigest()

    def get(self, key: str) -> requests.Response | None:
        record, data = self.folder / f"{key}.json", self.folder / f"{key}.body"
        try:
            meta = json.loads(record.read_text(encoding="utf-8"))
            if time.time() - float(meta["stored"]) > self.expire_after:
                return None
            content = data.read_bytes()
        except (OSError, ValueError, KeyError, TypeError):
            return None
        resp = requests.Response()
        resp.status_code, resp.url, resp._content = 200, meta["url"], content
        resp.headers = CaseInsensitiveDict(meta.get("headers") or {})
        resp.from_cache = True
        resp.retrieved_at = _iso(float(meta["stored"]))  # when the cached answer was fetched
        return resp

    def put(self, key: str, url: str, headers, content: bytes, received: float) -> None:
        """Keep an answer, with ``received``: the time the client also records for it."""
        from .store import atomic_write_bytes, atomic_write_text

        if any(s.encode("utf-8") in content for s in secret_values()):
            return
        meta = {
            "url": redact_url(url),
            "stored": received,
            "headers": {h: headers[h] for h in self._KEEP_HEADERS if h in headers},
        }
        atomic_write_bytes(self.folder / f"{key}.body", content)
        atomic_write_text(self.folder / f"{key}.json", json.dumps(meta))


class RequestBudget:
    """At most ``limit`` requests sent over the network (cache hits are free), counted per
    client name. Installed by ``exo-industry refresh``; the request that would exceed the
    budget is refused before it is sent, naming the source that asked for it."""

    def __init__(self, limit: int):
        self.limit = int(limit)
        self.used: dict[str, int] = {}

    @property
    def total(self) -> int:
        return sum(self.used.values())

    def charge(self, name: str, url: str) -> None:
        if self.total >= self.limit:
            raise SourceError(
                f"request budget of {self.limit} reached: {name} would make request {self.total + 1} "
                f"({redact_url(url)})",
                hint="raise --budget or refresh fewer sources; nothing of this source was stored",
            )
        self.used[name] = self.used.get(name, 0) + 1


_BUDGET: RequestBudget | None = None


@contextlib.contextmanager
def request_budget(limit: int):
    """Count (and cap) every network request made inside the block."""
    global _BUDGET
    previous, _BUDGET = _BUDGET, RequestBudget(limit)
    try:
        yield _BUDGET
    finally:
        _BUDGET = previous


class Planned(Exception):  # noqa: N818 - a control-flow signal, not an error
    """Raised instead of sending a request while requests are being planned (dry run)."""


_PLAN: list | None = None


@contextlib.contextmanager
def plan_requests():
    """Record the request a client would send, and stop it before any network (``Planned``)."""
    global _PLAN
    previous, _PLAN = _PLAN, []
    try:
        yield _PLAN
    finally:
        _PLAN = previous


def _planned(prepared) -> dict:
    parts = urlsplit(prepared.url)
    params = {
        k: v for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in SECRET_PARAMS
    }
    body = prepared.body
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    with contextlib.suppress(TypeError, ValueError):
        body = json.loads(body) if body else None
    return {"method": prepared.method, "url": urlunsplit(parts._replace(query="")), "params": params,
            "body": body}  # fmt: skip


def _iso(seconds: float) -> str:
    stamp = _dt.datetime.fromtimestamp(seconds, _dt.timezone.utc).replace(microsecond=0)
    return stamp.isoformat().replace("+00:00", "Z")


class Client:
    """A polite, bounded HTTP client for one upstream API."""

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        min_interval: float = 0.0,
        timeout: tuple[float, float] | float | None = None,
        cache: bool = True,
        cache_name: str | None = None,
        expire_after: float = 3600,  # a re-run within the hour is free; provenance times stay honest
        retries: int = 5,
        backoff: float = 0.5,
        backoff_max: float = 60.0,
        headers: dict[str, str] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.min_interval = min_interval
        self.limits = Limits.from_env()
        self.timeout = timeout if timeout is not None else (DEFAULT_TIMEOUT[0], self.limits.read_timeout)
        # EXO_HTTP_BACKOFF (seconds) overrides the first backoff step, e.g. to keep tests fast
        # and EXO_HTTP_RETRIES lowers (never raises) the number of retries
        retries = min(retries, _env_number("EXO_HTTP_RETRIES", retries, int)) if retries else retries
        self.retries, self.backoff = retries, _env_number("EXO_HTTP_BACKOFF", backoff)
        self.backoff_max = backoff_max
        self.cache = None
        if cache:
            folder = paths().cache / (cache_name or name).replace("/", "_").replace(" ", "_")
            folder.mkdir(parents=True, exist_ok=True)
            self.cache = _Cache(folder, expire_after)
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=make_retry())
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        self._lock = threading.Lock()
        self._last = 0.0

    def _throttle(self) -> float:
        """Keep the minimum interval between requests; returns the seconds waited."""
        if self.min_interval <= 0:
            return 0.0
        with self._lock:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()
            return max(wait, 0.0)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def _check_origin(self, url: str) -> None:
        if _origin(url) != _origin(self.base_url):
            raise SourceError(
                f"{self.name}: refused to follow a link to {urlsplit(url).netloc or url}, "
                f"which is not the configured host {urlsplit(self.base_url).netloc}",
                hint="credentials are only sent to the configured host; nothing was stored",
            )

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        hooks = kw.pop("hooks", None) or {}
        url = self.url(path)
        self._check_origin(url)
        prepared = self.session.prepare_request(requests.Request(method, url, **_request_args(kw)))
        self._check_origin(prepared.url)
        if _PLAN is not None:
            _PLAN.append(_planned(prepared))
            raise Planned(prepared.url)
        key = self.cache.key(method, prepared.url, prepared.body) if self.cache else None
        cached = self.cache.get(key) if key else None
        if cached is not None:
            log.debug("%s %s -> 200 (cache)", method, redact_url(cached.url))
            return cached
        started = time.monotonic()
        resp = self._send_with_retries(prepared, started, hooks.get("response"))
        received = time.time()  # one reading for both: the answer now and its cached copy later
        if key and resp.status_code == 200:
            self.cache.put(key, resp.url, resp.headers, resp.content, received)
        resp.from_cache = False
        resp.retrieved_at = _iso(received)
        return resp

    def _send_with_retries(self, prepared, started: float, hook=None) -> requests.Response:
        url = prepared.url
        attempt = 0
        while True:
            remaining = self.limits.deadline - (time.monotonic() - started)
            if remaining <= 0:
                raise self._deadline_error(url)
            started += self._throttle()  # our own politeness does not count against the server
            if _BUDGET is not None:
                _BUDGET.charge(self.name, url)
            resp, error = self._send_once(prepared, started, remaining)
            if resp is not None and hook is not None:  # called once the body is read (and bounded)
                for h in hook if isinstance(hook, list) else [hook]:
                    resp = h(resp) or resp
            status = resp.status_code if resp is not None else None
            if error is None and status not in RETRY_STATUSES:
                return self._checked(resp)
            wait = retry_after_seconds(resp.headers.get("Retry-After")) if resp is not None else None
            if wait is not None and wait > self.limits.max_retry_after:
                raise self._quota_error(url, status, wait)
            if attempt >= self.retries:
                if error is not None:
                    raise error
                return self._checked(resp)  # raises with the status and the body
            wait = wait if wait is not None else min(self.backoff * 2**attempt, self.backoff_max)
            if time.monotonic() - started + wait > self.limits.deadline:
                raise self._deadline_error(url)
            log.debug("%s: %s on %s; retry %d in %.1f s", self.name, status or error, redact_url(url),
                      attempt + 1, wait)  # fmt: skip
            time.sleep(wait)
            attempt += 1

    def _send_once(self, prepared, started: float, remaining: float):
        """One attempt: (response with its body read, None) or (None/response, retryable SourceError)."""
        connect, read = self.timeout if isinstance(self.timeout, tuple) else (self.timeout, self.timeout)
        url = prepared.url
        try:
            resp = self.session.send(
                prepared, stream=True, timeout=(min(connect, remaining), min(read, remaining))
            )
        except requests.exceptions.Timeout:
            raise self._timeout_error(url, started) from None
        except requests.exceptions.ConnectionError as exc:
            reason, retryable = _root_cause(exc)
            if retryable:
                return None, SourceError(
                    f"{self.name}: {reason} on {redact_url(url)}", hint="try again later; nothing was stored"
                )
            raise SourceError(
                f"{self.name}: cannot reach {urlsplit(url).netloc} ({reason})",
                hint="check the network connection (or the --base-url given)",
            ) from None
        except requests.RequestException as exc:
            raise SourceError(
                f"{self.name}: request to {redact_url(url)} failed: {redact(str(exc))[:300]}"
            ) from None
        try:
            resp._content = self._read_body(resp, started)
        except SourceError as exc:
            if resp.status_code in RETRY_STATUSES:
                return resp, exc
            raise
        finally:
            resp.close()
        log.debug("%s %s -> %s", prepared.method, redact_url(resp.url), resp.status_code)
        return resp, None

    def _read_body(self, resp: requests.Response, started: float) -> bytes:
        url, limit = resp.url, self.limits.max_bytes
        declared = resp.headers.get("Content-Length")
        if (
            declared
            and declared.isdigit()
            and int(declared) > limit
            and "Content-Encoding" not in resp.headers
        ):
            raise self._size_error(url, int(declared))
        parts, size = [], 0
        reader = getattr(resp.raw, "read1", None) or resp.raw.read
        try:
            while True:
                if time.monotonic() - started > self.limits.deadline:
                    raise self._deadline_error(url)
                chunk = reader(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
                if size > limit:
                    raise self._size_error(url, size)
                parts.append(chunk)
        except requests.exceptions.Timeout:
            raise self._timeout_error(url, started) from None
        except SourceError:
            raise
        except Exception as exc:  # noqa: BLE001 - urllib3/http.client raise many kinds while streaming
            if "timed out" in str(exc).lower():
                raise self._timeout_error(url, started) from None
            raise SourceError(
                f"{self.name}: the response from {redact_url(url)} was cut short ({_describe(exc)})",
                hint="the result is incomplete; nothing was stored; try again",
            ) from None
        content = b"".join(parts)
        if (
            declared is not None and declared.isdigit() and int(declared) != len(content)
            and "Content-Encoding" not in resp.headers
        ):  # fmt: skip
            raise SourceError(f"{self.name}: the response from {redact_url(url)} was cut short")
        return content

    def _checked(self, resp: requests.Response) -> requests.Response:
        if resp.status_code >= 400:
            body = redact(resp.content.decode("utf-8", "replace"))[:300].strip()
            hint = "check the query; for 401/403 check the credentials in the environment"
            if resp.status_code in RETRY_STATUSES:
                hint = f"still {resp.status_code} after {self.retries} retries; try again later"
            raise SourceError(
                f"{self.name}: HTTP {resp.status_code} from {redact_url(resp.url)}"
                + (f": {body}" if body else ""),
                hint=hint,
            )
        return resp

    def _timeout_error(self, url: str, started: float) -> SourceError:
        return SourceError(
            f"{self.name}: timed out on {redact_url(url)} after {time.monotonic() - started:.0f} s "
            "(the server is slow or not answering)",
            hint="the server was reached but did not answer in time; try again later; nothing was stored",
        )

    def _deadline_error(self, url: str) -> SourceError:
        return SourceError(
            f"{self.name}: timed out on {redact_url(url)}: the request took longer than "
            f"{self.limits.deadline:g} s in all (EXO_HTTP_DEADLINE)",
            hint="the server is too slow to answer in time; try again later; nothing was stored",
        )

    def _size_error(self, url: str, size: int) -> SourceError:
        return SourceError(
            f"{self.name}: the response from {redact_url(url)} is larger than "
            f"{self.limits.max_bytes} bytes (EXO_HTTP_MAX_BYTES; {size} bytes seen)",
            hint="narrow the query or raise EXO_HTTP_MAX_BYTES; nothing was stored",
        )

    def _quota_error(self, url: str, status, wait: float) -> SourceError:
        when = _dt.datetime.now(_dt.timezone.utc) + _dt.timedelta(seconds=wait)
        return SourceError(
            f"{self.name}: {redact_url(url)} answered {status} and asked to wait {wait:.0f} s, more than "
            f"the {self.limits.max_retry_after:g} s this run waits (EXO_HTTP_MAX_RETRY_AFTER)",
            hint=f"retry after {when:%Y-%m-%d %H:%M} UTC; the {self.name} request quota (daily or per-key "
            "allowance) is likely spent; nothing was stored",
        )

    def get(self, path: str, params: dict | None = None, **kw: Any) -> requests.Response:
        return self.request("GET", path, params=params, **kw)

    def get_json(self, path: str, params: dict | None = None, **kw: Any) -> Any:
        resp = self.get(path, params=params, **kw)
        return parse_json(resp.content, f"{self.name}: {redact_url(resp.url)}")

    def post_json(self, path: str, payload: Any, **kw: Any) -> Any:
        resp = self.request("POST", path, json=payload, **kw)
        return parse_json(resp.content, f"{self.name}: {redact_url(resp.url)}")


def _request_args(kw: dict) -> dict:
    allowed = {"params", "data", "json", "headers", "auth", "files", "cookies"}
    unknown = set(kw) - allowed - {"timeout"}
    if unknown:
        raise TypeError(f"unsupported request argument(s): {', '.join(sorted(unknown))}")
    return {k: v for k, v in kw.items() if k in allowed}


def _describe(exc: BaseException) -> str:
    """A short, readable reason for a low-level failure (never a raw tuple of arguments)."""
    seen, chain = exc, []
    while seen is not None and len(chain) < 10:
        chain.append(seen)
        inner = [a for a in getattr(seen, "args", ()) if isinstance(a, BaseException)]
        seen = (
            getattr(seen, "reason", None)
            or (inner[0] if inner else None)
            or seen.__cause__
            or seen.__context__
        )
        if seen in chain:
            break
    names = {type(e).__name__ for e in chain}
    text = " ".join(str(e) for e in chain)
    if names & {"ConnectionResetError", "RemoteDisconnected", "BrokenPipeError"} or "reset" in text.lower():
        return "the server closed the connection"
    if "IncompleteRead" in names or "IncompleteRead" in text:
        return "the body ended before its announced length"
    last = chain[-1]
    return redact(f"{type(last).__name__}: {last}")[:160]


def _root_cause(exc: BaseException) -> tuple[str, bool]:
    """The reason a connection failed, and whether another attempt may help."""
    reason = _describe(exc)
    text = " ".join(str(a) for a in (exc, getattr(exc, "__context__", None)) if a)
    if "Name or service not known" in text or "Failed to resolve" in text or "NameResolution" in text:
        return "the host name could not be resolved", False
    if "Connection refused" in text:
        return "connection refused", False
    if reason == "the server closed the connection":
        return reason, True
    return reason, False


def parse_json(content: bytes, where: str) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        head = content[:200].lstrip().lower()
        html = head.startswith((b"<!doctype html", b"<html"))
        what = "an HTML page, not complete JSON" if html else "not complete JSON"
        raise SourceError(
            f"{where}: the body is {what} ({len(content)} bytes; {redact(str(exc))[:120]})",
            hint="the service may be down or the response was cut short; nothing was stored; try again",
        ) from None
