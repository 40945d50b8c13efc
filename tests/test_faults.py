"""Every live client against a fault-injecting server (tests/faultserver.py).

Each case runs `exo-industry fetch` in this process and checks the exit status, the
message, the number of requests, the time taken and that the raw store's previous
snapshot (files and sidecars) is byte-identical afterwards. Limits are tightened through
the environment (EXO_HTTP_*) so the whole suite stays short.
"""

from __future__ import annotations

import hashlib
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from exo_industry import cli
from exo_industry.store import Page, RawStore
from faultserver import FaultServer

# source -> (arguments after `fetch SOURCE`, attempts per request with the default retries)
CLIENTS = {
    "worldbank": (["--indicator", "SP.POP.TOTL", "--country", "CHN", "--start", "2020", "--end", "2021"], 6),
    "wpp": (["--location", "CHN", "--start", "2020", "--end", "2021"], 6),
    "who_gho": (["--indicator", "NCDMORT3070"], 6),
    "owid": (["--chart", "annual-number-of-deaths-by-cause"], 6),
    "ctgov": (["--term", "exosome"], 6),
    "openalex": (
        [
            "--term",
            "exosome",
            "--country",
            "CN",
            "--top",
            "0",
            "--topic",
            "exosomes",
            "--start",
            "2020",
            "--end",
            "2020",
        ],
        6,
    ),  # fmt: skip
    "pubmed": (
        ["--term", "exosome", "--country", "CN", "--topic", "exosomes", "--start", "2020", "--end", "2020"],
        6,
    ),
    "lens": (["--start", "2020", "--end", "2020"], 6),
    "epo_ops": (["--start", "2020", "--end", "2020"], 3),  # the token exchange retries twice
}
MIN_INTERVAL = {
    "ctgov": 1.3,
    "owid": 1.0,
    "lens": 0.5,
    "wpp": 0.5,
    "who_gho": 0.5,
    "pubmed": 0.4,
    "epo_ops": 0.1,
}
SECRETS = {
    "LENS_API_TOKEN": "lens-token-7f3a9c2e1b",
    "EPO_OPS_KEY": "opskey-4d5e6f",
    "EPO_OPS_SECRET": "opssecret-8a9b0c",
    "UN_DATAPORTAL_TOKEN": "portal-token-2b4d6f8h",
    "NCBI_EMAIL": "someone@example.org",
}


@pytest.fixture
def env(iso_env, monkeypatch):
    for k, v in SECRETS.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("EXO_HTTP_BACKOFF", "0.02")
    monkeypatch.setenv("EXO_HTTP_RETRIES", "2")  # three attempts per request, for every client
    monkeypatch.setenv("EXO_HTTP_DEADLINE", "3")
    monkeypatch.setenv("EXO_HTTP_TIMEOUT", "2")
    monkeypatch.setenv("EXO_HTTP_MAX_RETRY_AFTER", "5")
    return iso_env


def seed(source: str) -> dict[str, str]:
    """A previous snapshot (and an imported file) in the raw store; returns the tree's hashes."""
    store = RawStore()
    page = Page(b'{"previous": true}', "https://example.invalid/old", "old_kind", "CC0")
    store.put_snapshot(source, "previous_query", [page], results=1, query={"q": "old"})
    store.put(source, "imported.csv", b"a,b\n1,2\n", kind="old_import", route="import", licence="CC0")
    return tree(source)


def tree(source: str) -> dict[str, str]:
    root = Path(os.environ["EXO_RAW"]) / source
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def fetch(source: str, url: str, capsys, extra=()) -> tuple[int, str, float]:
    args, _ = CLIENTS[source]
    t0 = time.monotonic()
    code = cli.main(["fetch", source, *args, "--base-url", url, *extra])
    out = capsys.readouterr()
    return code, out.err + out.out, time.monotonic() - t0


def check_clean(code: int, message: str, before: dict, source: str) -> None:
    assert code == 2, message
    assert "Traceback" not in message
    assert tree(source) == before  # the previous snapshot and its sidecar are untouched
    for value in SECRETS.values():
        assert value not in message


# ------------------------------------------------------------------ transport faults, every client
@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_retry_after_beyond_cap_stops_at_once(source, env, capsys):
    before = seed(source)
    with FaultServer("status", status=429, headers={"Retry-After": "3600"}) as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert "asked to wait 3600 s" in msg and "retry after" in msg and "quota" in msg
    assert srv.count == 1 and took < 3


@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_429_without_retry_after_is_retried_then_reported(source, env, capsys):
    before = seed(source)
    with FaultServer("status", status=429) as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert "HTTP 429" in msg
    assert srv.count == 3 and took < 2 + 3 * MIN_INTERVAL.get(source, 0.1)


@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_dripping_server_cut_at_the_deadline(source, env, capsys, monkeypatch):
    monkeypatch.setenv("EXO_HTTP_DEADLINE", "1.5")
    monkeypatch.setenv("EXO_HTTP_TIMEOUT", "1")
    before = seed(source)
    with FaultServer("drip", interval=0.3, lifetime=6) as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert "timed out" in msg and "check the network" not in msg
    assert srv.count == 1 and took < 3.5


@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_reset_is_retried_and_reported_in_words(source, env, capsys):
    before = seed(source)
    with FaultServer("reset") as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert "closed the connection" in msg and "(104" not in msg and "ConnectionResetError(" not in msg
    assert srv.count == 3 and took < 2 + 3 * MIN_INTERVAL.get(source, 0.1)


@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_html_error_page_with_status_200(source, env, capsys):
    before = seed(source)
    html = b"<!DOCTYPE html><html><body>Service Unavailable</body></html>"
    with FaultServer("good", default=html, good_headers={"Content-Type": "text/html"}) as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert srv.count == 1 and took < 3
    if source != "owid":  # OWID serves CSV: the page is rejected as not being its table
        assert "HTML page" in msg or "got <html>" in msg
    else:
        assert "did not return a GBD deaths export" in msg


@pytest.mark.parametrize("source", sorted(CLIENTS))
def test_truncated_body(source, env, capsys):
    before = seed(source)
    with FaultServer("truncated", body=b'{"studies": [], "data": [], "value": []}' * 10) as srv:
        code, msg, took = fetch(source, srv.url, capsys)
    check_clean(code, msg, before, source)
    assert "cut short" in msg or "ended before" in msg
    assert took < 5


@pytest.mark.parametrize("source", ["worldbank", "ctgov", "pubmed"])
def test_large_answer_refused_in_bounded_memory(source, env, capsys, monkeypatch):
    monkeypatch.setenv("EXO_HTTP_MAX_BYTES", str(2 << 20))
    before = seed(source)
    with FaultServer("huge", size=48 << 20) as srv:
        tracemalloc.start()
        try:
            code, msg, took = fetch(source, srv.url, capsys)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    check_clean(code, msg, before, source)
    assert "larger than 2097152 bytes" in msg and srv.count == 1
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MiB"
    assert took < 10
