"""A refetch within the cache hour records when the cached answer was fetched (issue 12).

``http.Client`` keeps successful answers for an hour and marks a cached answer with the time it
was first fetched (``resp.retrieved_at``). Each live source must store that time, not the
time of the refetch, or a snapshot claims a freshness it does not have. Each test fetches
twice against the replay server; the second fetch runs with the store's clock moved to
2099, so a source that records the fetch time instead of the answer's time fails.

Bodies: ClinicalTrials.gov, EPO OPS and OWID replay the real recordings in the offline
mirror; WHO GHO and the UN Data Portal reuse the hand-written pages of their own test modules
(no recording of either exists in the mirror).
"""

from __future__ import annotations

import pytest

import test_ctgov
import test_owid
import test_patents_sources as tps
import test_who_gho
import test_wpp
from exo_industry import store as store_mod
from exo_industry.http import Client
from exo_industry.sources import ctgov, epo_ops, owid, wpp
from exo_industry.store import RawStore

LATER = "2099-01-01T00:00:00Z"


def _twice(monkeypatch, replay, fetch, paths: tuple[str, ...] | None = None):
    """Fetch, then refetch with the store's clock in 2099; returns both runs' retrieved_at sets."""
    first = {e.provenance.retrieved_at for e in fetch()}
    asked = [r for r in replay.log if paths is None or r.path in paths]
    monkeypatch.setattr(store_mod, "utc_now", lambda: LATER)
    second = {e.provenance.retrieved_at for e in fetch()}
    again = [r for r in replay.log if paths is None or r.path in paths]
    assert len(again) == len(asked), "the refetch was not answered from the cache"
    assert LATER not in first
    return first, second


@pytest.mark.shared
def test_ctgov_refetch_keeps_cached_time(replay, iso_env, monkeypatch):
    params = ctgov.build_params("exosome", None, None, None, None, None, None, None, None, 2)
    test_ctgov._walk_server(replay, params)
    replay.add("GET", "/api/v2/studies/NCT00184067", test_ctgov._fix(test_ctgov.STUDY_1))

    def fetch():
        client = test_ctgov._client(replay)
        return ctgov.fetch(RawStore(), term="exosome", nct=["NCT00184067"], page_size=2, client=client)

    first, second = _twice(monkeypatch, replay, fetch)
    assert second == first


def test_who_gho_refetch_keeps_cached_time(replay, iso_env, monkeypatch):
    test_who_gho.serve_two_pages(replay)
    first, second = _twice(monkeypatch, replay, lambda: test_who_gho.fetch(replay))
    assert second == first


def test_wpp_refetch_keeps_cached_time(replay, iso_env, monkeypatch):
    path = "/data/indicators/46/locations/156/start/2022/end/2030"
    replay.add("GET", path, test_wpp.portal_page([test_wpp.row(2022, "60-64", "Both sexes", 77000300)]))

    def fetch():
        client = Client(replay.url, name="UN Data Portal", min_interval=0)
        return wpp.fetch(RawStore(), location=["CHN"], start=2022, end=2030, client=client)

    first, second = _twice(monkeypatch, replay, fetch)
    assert second == first


@pytest.mark.shared
def test_owid_refetch_keeps_cached_time(replay, iso_env, monkeypatch):
    test_owid._serve_mirror(replay)
    first, second = _twice(monkeypatch, replay, lambda: owid.fetch(RawStore(), base_url=replay.url))
    assert second == first


@pytest.mark.shared
def test_epo_ops_refetch_keeps_cached_time(replay, iso_env, monkeypatch):
    tps._ops_env(monkeypatch, replay)
    real = tps.need_shared(*tps.OPS, "search_with_constituent", "response.xml").read_bytes()
    real = real.replace(b'total-result-count="10000"', b'total-result-count="3"')
    q = epo_ops.year_query("pa=Siemens", 2025)
    replay.add("POST", "/auth/accesstoken", tps.TOKEN_BODY)
    hdr = {"Content-Type": "application/xml", "X-Throttling-Control": tps.THROTTLE_OK}
    replay.add("GET", tps.SEARCH_PATH, real, headers=hdr, query={"q": [q], "Range": ["1-3"]})

    def fetch():
        client = Client(replay.url, name="EPO OPS", min_interval=0)
        return epo_ops.fetch(
            RawStore(), cql="pa=Siemens", start=2025, end=2025, base_url=replay.url, page=3, client=client
        )

    first, second = _twice(monkeypatch, replay, fetch, paths=(tps.SEARCH_PATH,))
    assert second == first


def test_a_live_answer_and_its_cached_copy_carry_the_same_time(replay, iso_env, monkeypatch):
    """Even when a second ends between receiving an answer and caching it, the refetch from the
    cache reports the time the live fetch recorded (the clock is read once for both)."""
    import itertools
    import time
    import types

    from exo_industry import http

    # every reading of the client's wall clock is 0.6 s later than the last, from x.7 s on
    clock = itertools.count(1_795_000_000.7, 0.6)
    monkeypatch.setattr(http, "time", types.SimpleNamespace(**{**vars(time), "time": lambda: next(clock)}))
    replay.add("GET", "/answer", b'{"value": 1}')
    client = Client(replay.url, name="test", min_interval=0)
    live = client.get("/answer")
    cached = client.get("/answer")
    assert (live.from_cache, cached.from_cache) == (False, True)
    assert cached.retrieved_at == live.retrieved_at
