"""One HTTP session recipe for every live client.

- retries with exponential backoff on 429 and 5xx, honouring ``Retry-After``
  (urllib3's ``Retry`` on an ``HTTPAdapter``, as pudl does);
- a timeout on every request;
- an on-disk cache (requests-cache) so that re-running a fetch is free, with
  credentials left out of cache keys;
- a minimum interval between requests, for APIs that publish a rate limit;
- failures raised as :class:`SourceError` naming the (redacted) URL, the status and
  the start of the error body; a body that is not complete JSON is an error too.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import requests_cache
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from . import __version__
from .config import paths
from .errors import SourceError
from .redact import SECRET_HEADERS, SECRET_PARAMS, redact, redact_url

log = logging.getLogger(__name__)

USER_AGENT = f"exo_industry/{__version__} (research compendium; +https://github.com/)"
DEFAULT_TIMEOUT = (10, 60)  # connect, read (seconds)
RETRY_STATUSES = (429, 500, 502, 503, 504)


def make_retry(total: int = 5, backoff: float = 0.5, backoff_max: float = 60.0) -> Retry:
    return Retry(
        total=total,
        connect=min(2, total),  # a refused or unresolvable host rarely recovers within seconds
        read=2,
        status=total,
        backoff_factor=backoff,
        backoff_max=backoff_max,
        status_forcelist=RETRY_STATUSES,
        allowed_methods=frozenset({"GET", "POST", "HEAD"}),
        respect_retry_after_header=True,
        raise_on_status=False,
    )


class Client:
    """A polite HTTP client for one upstream API."""

    def __init__(
        self,
        base_url: str,
        *,
        name: str,
        min_interval: float = 0.0,
        timeout: tuple[float, float] | float = DEFAULT_TIMEOUT,
        cache: bool = True,
        cache_name: str | None = None,
        expire_after: float = 3600,  # a re-run within the hour is free; provenance times stay honest
        retries: int = 5,
        backoff: float = 0.5,
        headers: dict[str, str] | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.min_interval = min_interval
        self.timeout = timeout
        if cache:
            cache_dir = paths().cache
            cache_dir.mkdir(parents=True, exist_ok=True)
            self.session: requests.Session = requests_cache.CachedSession(
                str(cache_dir / (cache_name or name)),
                backend="sqlite",
                expire_after=expire_after,
                allowable_codes=(200,),
                allowable_methods=("GET", "POST"),
                # requests-cache compares names case-sensitively: list each header as sent, too
                ignored_parameters=sorted(
                    SECRET_PARAMS
                    | SECRET_HEADERS
                    | {h.title() for h in SECRET_HEADERS}
                    | {"X-API-Key", "api-key"}
                ),
                match_headers=False,
                stale_if_error=False,
            )
        else:
            self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=make_retry(retries, backoff))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers.update(headers or {})
        self._lock = threading.Lock()
        self._last = 0.0

    def _throttle(self) -> None:
        if self.min_interval <= 0:
            return
        with self._lock:
            wait = self._last + self.min_interval - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self._last = time.monotonic()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(self, method: str, path: str, **kw: Any) -> requests.Response:
        url = self.url(path)
        kw.setdefault("timeout", self.timeout)
        from_cache = False
        try:
            self._throttle()
            resp = self.session.request(method, url, **kw)
            from_cache = bool(getattr(resp, "from_cache", False))
        except requests.exceptions.RetryError as exc:
            raise SourceError(
                f"{self.name}: gave up on {redact_url(url)} after retries: {redact(str(exc))}"
            ) from None
        except requests.exceptions.Timeout:
            raise SourceError(
                f"{self.name}: timed out on {redact_url(url)}", hint="try again later"
            ) from None
        except requests.exceptions.ChunkedEncodingError as exc:
            raise SourceError(
                f"{self.name}: the response from {redact_url(url)} was cut short ({redact(str(exc))[:200]})",
                hint="the result is incomplete; nothing was stored; try again",
            ) from None
        except requests.exceptions.ConnectionError as exc:
            reason = _root_cause(exc)
            raise SourceError(
                f"{self.name}: cannot reach {urlsplit(url).netloc} ({reason})",
                hint="check the network connection (or the --base-url given)",
            ) from None
        except requests.RequestException as exc:
            raise SourceError(
                f"{self.name}: request to {redact_url(url)} failed: {redact(str(exc))[:300]}"
            ) from None
        log.debug(
            "%s %s -> %s%s", method, redact_url(resp.url), resp.status_code, " (cache)" if from_cache else ""
        )
        if resp.status_code >= 400:
            body = redact(resp.text)[:300].strip()
            raise SourceError(
                f"{self.name}: HTTP {resp.status_code} from {redact_url(resp.url)}"
                + (f": {body}" if body else ""),
                hint="check the query; for 401/403 check the credentials in the environment",
            )
        declared = resp.headers.get("Content-Length")
        if (
            declared is not None
            and declared.isdigit()
            and int(declared) != len(resp.content)
            and "Content-Encoding" not in resp.headers
        ):
            raise SourceError(f"{self.name}: the response from {redact_url(resp.url)} was cut short")
        return resp

    def get(self, path: str, params: dict | None = None, **kw: Any) -> requests.Response:
        return self.request("GET", path, params=params, **kw)

    def get_json(self, path: str, params: dict | None = None, **kw: Any) -> Any:
        resp = self.get(path, params=params, **kw)
        return parse_json(resp.content, f"{self.name}: {redact_url(resp.url)}")

    def post_json(self, path: str, payload: Any, **kw: Any) -> Any:
        resp = self.request("POST", path, json=payload, **kw)
        return parse_json(resp.content, f"{self.name}: {redact_url(resp.url)}")


def _root_cause(exc: BaseException) -> str:
    """The innermost reason of a connection failure, without the long wrapper messages."""
    seen = exc
    while True:
        nxt = getattr(seen, "reason", None) or seen.__cause__ or seen.__context__
        if nxt is None or nxt is seen or not isinstance(nxt, BaseException):
            break
        seen = nxt
    text = str(seen)
    if (
        "Name or service not known" in text
        or "NameResolution" in type(seen).__name__
        or "Failed to resolve" in text
    ):
        return "the host name could not be resolved"
    if "Connection refused" in text:
        return "connection refused"
    return redact(text)[:160]


def parse_json(content: bytes, where: str) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        raise SourceError(
            f"{where}: the body is not complete JSON ({len(content)} bytes; {exc})",
            hint="the response may have been cut short; nothing was stored; try again",
        ) from None
