"""Every live client against a fault-injecting server (tests/faultserver.py).

Each case runs `exo-industry fetch` in this process and checks the exit status, the
message, the number of requests, the time taken and that the raw store's previous
snapshot (files and sidecars) is byte-identical afterwards. Limits are tightened through
the environment (EXO_HTTP_*) so the whole suite stays short.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import tracemalloc
from pathlib import Path

import pytest

from exo_industry import cli
from exo_industry.store import Page, RawStore
from faultserver import FaultServer
from helpers import need_shared

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
    "OPENALEX_API_KEY": "oakey-5c6d7e8f9a",
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


# ------------------------------------------------------------------ malformed answers, per client
def wb_page(page=1, pages=1, rows=None) -> bytes:
    """The real recorded World Bank page (wbdata-go cassette), with its paging fields set."""
    from replay import load_go_vcr

    folder = need_shared("demography", "worldbank_api_v2_cassettes")
    meta, real = json.loads(
        load_go_vcr(folder / "TestIndicatorValuesService_ListByCountryIDs.yaml")[1]["body"]
    )
    return json.dumps([dict(meta, page=page, pages=pages), real if rows is None else rows]).encode()


def good_worldbank(capsys, pages=1) -> dict:
    with FaultServer("good", default=wb_page(1, pages)) as srv:
        code, msg, _ = fetch("worldbank", srv.url, capsys)
    assert code == 0, msg
    return tree("worldbank")


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda: wb_page(pages="many"), "pages is 'many', not a whole number"),
        (lambda: b'[{"message": "oops"}]', "World Bank API refused"),
        (lambda: wb_page(rows=[{"indicator": {"id": "SP.POP.TOTL"}, "value": 1.0}]), "lacks country"),
        (lambda: wb_page(rows={"a": 1}), "not a list"),
        (lambda: b'[{"page": 1}', "not complete JSON"),
    ],
)
def test_worldbank_malformed_pages_keep_the_last_good_snapshot(body, message, env, capsys):
    before = good_worldbank(capsys)
    with FaultServer("good", default=body()) as srv:
        code, msg, _ = fetch("worldbank", srv.url, capsys)
    check_clean(code, msg, before, "worldbank")
    assert message in msg and srv.count == 1


def test_pages_numbered_by_the_client_and_refresh_replaces_the_snapshot(env, capsys):
    from exo_industry.sources import worldbank

    good_worldbank(capsys, pages=3)  # every page says "page": 1
    store = RawStore()
    [snap] = store.snapshots("worldbank")
    assert snap["pages"] == 3 and len(store.entries("worldbank")) == 3
    good_worldbank(capsys, pages=1)  # a refresh with fewer pages
    [snap] = store.snapshots("worldbank")
    assert snap["pages"] == 1 and len(store.entries("worldbank")) == 1
    assert (
        len(list((Path(os.environ["EXO_RAW"]) / "worldbank" / "snapshots").iterdir())) == 2
    )  # pointer, folder
    df, used = worldbank.load_indicators(store)
    assert len(used) == 1 and not df.duplicated(["country_code", "indicator", "year"]).any()


def test_zero_results_recorded_apart_from_never_fetched(env, capsys):
    store = RawStore()
    assert store.snapshot("worldbank", "api_SP.POP.TOTL_CHN_2020-2021") is None
    with FaultServer("good", default=wb_page(rows=[])) as srv:
        code, msg, _ = fetch("worldbank", srv.url, capsys)
    assert code == 0, msg
    snap = store.snapshot("worldbank", "api_SP.POP.TOTL_CHN_2020-2021")
    assert snap is not None and snap["results"] == 0 and snap["pages"] == 1


def test_page_cap_stops_a_server_that_claims_endless_pages(env, capsys, monkeypatch):
    monkeypatch.setenv("EXO_HTTP_MAX_PAGES", "4")
    before = seed("worldbank")
    with FaultServer("good", default=wb_page(1, 10**9)) as srv:
        code, msg, took = fetch("worldbank", srv.url, capsys)
    check_clean(code, msg, before, "worldbank")
    assert "stopped after 4 pages" in msg and "EXO_HTTP_MAX_PAGES" in msg
    assert srv.count == 4 and took < 5


def test_429_once_without_retry_after_is_retried(env, capsys):
    with FaultServer("then_good", status=429, times=1, default=wb_page()) as srv:
        code, msg, _ = fetch("worldbank", srv.url, capsys)
    assert code == 0, msg
    assert srv.count == 2


@pytest.mark.parametrize(
    "change, message",
    [
        ({"totalCount": "lots"}, "totalCount that is not a count"),
        ({"nextPageToken": ["a", "b"]}, "nextPageToken that is not text"),
        ({"studies": "none"}, "is not a /studies page"),
    ],
)
def test_ctgov_malformed_pages(change, message, env, capsys):
    folder = need_shared("clinical_trials", "fixtures_ctgov_api_v2_responses_cyanheads")
    real = json.loads(next(folder.glob("studies_*.json")).read_text(encoding="utf-8"))
    before = seed("ctgov")
    with FaultServer("good", default=json.dumps({**real, **change}).encode()) as srv:
        code, msg, _ = fetch("ctgov", srv.url, capsys)
    check_clean(code, msg, before, "ctgov")
    assert message in msg and srv.count == 1


@pytest.mark.parametrize("body", [b"null", b"[1, 2]", b'{"token_type": "Bearer"}', b'{"access_token": 7}'])
def test_epo_ops_auth_answers_without_a_token(body, env, capsys):
    before = seed("epo_ops")
    with FaultServer("good", default=body) as srv:
        code, msg, _ = fetch("epo_ops", srv.url, capsys)
    check_clean(code, msg, before, "epo_ops")
    assert "without an access_token" in msg and srv.count == 1


def test_epo_ops_auth_echo_never_shows_the_basic_credential(env, capsys):
    import base64

    basic = base64.b64encode(f"{SECRETS['EPO_OPS_KEY']}:{SECRETS['EPO_OPS_SECRET']}".encode()).decode()
    before = seed("epo_ops")
    with FaultServer("echo", status=400) as srv:
        code, msg, _ = fetch("epo_ops", srv.url, capsys)
    check_clean(code, msg, before, "epo_ops")
    assert srv.requests[0][2]["Authorization"] == f"Basic {basic}"  # it was sent, and echoed
    assert "Basic ***" in msg and basic not in msg


def test_wpp_next_page_to_another_host_is_not_followed(env, capsys):
    before = seed("wpp")
    holder = {}

    def page(path):  # the same server under another name: a followed link would be counted here
        port = holder["srv"].httpd.server_address[1]
        return json.dumps({"data": [], "nextPage": f"http://localhost:{port}/elsewhere"}).encode()

    with FaultServer("good", default=page) as srv:
        holder["srv"] = srv
        code, msg, _ = fetch("wpp", srv.url, capsys)
    check_clean(code, msg, before, "wpp")
    assert "refused to follow a link to localhost" in msg
    assert srv.count == 1


def test_runtime_tokens_redacted_by_shape():
    """Tokens handed out at run time (EPO OPS, Lens) are not in the environment: their form is masked."""
    from exo_industry.redact import redact

    text = redact("Authorization: Bearer rt-0a1b2c3d4e5f and Basic QUJDREVGOkdISUpLTA== sent")
    assert "rt-0a1b2c3d4e5f" not in text and "QUJDREVGOkdISUpLTA" not in text


def test_atomic_write_never_leaves_a_half_file(tmp_path, monkeypatch):
    from exo_industry import store as store_mod

    target = tmp_path / "claims.csv"
    target.write_bytes(b"old,complete\n")

    def crash(fd):
        raise OSError("disk gone")

    monkeypatch.setattr(store_mod.os, "fsync", crash)
    with pytest.raises(OSError):
        store_mod.atomic_write_bytes(target, b"new,but,cut")
    assert target.read_bytes() == b"old,complete\n"
