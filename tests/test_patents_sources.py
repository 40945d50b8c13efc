"""Patent sources: Lens (JSON-lines, CSV export, Patent API) and EPO OPS (XML, mirror list, live client).

Real files are read in place from the offline mirror (skipped with a reason when it is
absent). Where a live answer is needed that the mirror does not hold, the test builds it
at run time from real records (Lens pages from the real JSON-lines records) or writes a
small one by hand in the vendor's published format (OAuth token answers, an OPS page 2,
error bodies); each such body says so beside it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exo_industry.errors import BadParameter, MalformedFile, SourceError
from exo_industry.sources import epo_ops, lens
from exo_industry.store import RawStore
from helpers import need_shared

JSONL = ("patents", "fixtures_lens_patent_jsonl_PatentsLens")
CSV = ("patents", "fixtures_lens_patent_csv_export_antontruly", "lens-export.csv")
OPS = ("patents", "fixtures_epo_ops_patent-dev")
NEUROCELL = ("patents", "epo_exosome_ev_cns_patents_NeuroCell", "patents_cumulative.csv")
SEARCH_PATH = "/rest-services/published-data/search/biblio"
THROTTLE_OK = (
    "idle (images=green:200, inpadoc=green:60, other=green:1000, retrieval=green:200, search=green:30)"
)


def _jsonl(name: str) -> Path:
    return need_shared(*JSONL, name)


# --------------------------------------------------------------------------- Lens JSON-lines
def test_jsonl_bom_and_minimal_record():
    bom = _jsonl("biopoly_broken2.jsonl").read_bytes()
    assert bom.startswith(b"\xef\xbb\xbf"), "the broken files start with a UTF-8 BOM"
    first = lens.read_jsonl(bom, "broken2").records[0]
    assert first[0] == 1 and first[1]["lens_id"] == "038-066-141-127-891"  # the BOM does not spoil line 1
    path = _jsonl("biopoly_min.jsonl")  # this one has no BOM (SOURCE.md says all do; the bytes say otherwise)
    data = path.read_bytes()
    res = lens.read_jsonl(data, path.name)
    assert res.defects == []
    assert len(res.records) == 1
    row = lens.record_to_row(res.records[0][1], path.name)
    assert row["doc_id"] == "CN102206141A"
    assert row["pub_date"] == "2011-10-05"
    assert row["family_id"] == "lens:038-066-141-127-891"


@pytest.mark.parametrize(
    "name, line, words",
    [
        ("biopoly_broken1.jsonl", 4, "not valid JSON"),
        ("biopoly_broken2.jsonl", 3, "mandatory field 'lens_id' is missing"),
        ("biopoly_broken3.jsonl", 1, "patcit is malformed"),
    ],
)
def test_jsonl_defects_reported_by_line(name, line, words):
    path = _jsonl(name)
    res = lens.read_jsonl(path.read_bytes(), name)
    assert [d.line for d in res.defects] == [line]
    assert words in res.defects[0].reason
    assert len(res.records) == 9
    assert line not in [no for no, _ in res.records]  # the defective one is not among the records
    assert res.lines == 10


def test_jsonl_import_keeps_file_and_lists_defects(iso_env):
    store = RawStore()
    paths = [
        _jsonl(n)
        for n in (
            "biopoly_broken1.jsonl",
            "biopoly_broken2.jsonl",
            "biopoly_broken3.jsonl",
            "biopoly_min.jsonl",
        )
    ]
    entries = lens.import_files(store, paths)
    assert [e.kind for e in entries] == ["lens_jsonl"] * 4
    assert "line 4" in entries[0].provenance.notes and "line 3" in entries[1].provenance.notes
    assert entries[3].provenance.notes is None
    # stored unedited
    assert store.read_bytes(entries[0]) == paths[0].read_bytes()
    docs, used, defects = lens.load_documents(store)
    assert len(docs) == 9 + 9 + 9 + 1
    assert sorted((d["file"], d["line"]) for d in defects) == [
        ("biopoly_broken1.jsonl", 4),
        ("biopoly_broken2.jsonl", 3),
        ("biopoly_broken3.jsonl", 1),
    ]


def test_jsonl_with_no_good_record_is_rejected(iso_env, tmp_path):
    # hand-written: two lines in the Lens JSON-lines layout, both defective
    bad = tmp_path / "all_bad.jsonl"
    bad.write_text('{"lens_id": "000-000-000-000-001", "jurisdiction": "US"}\n{not json\n', encoding="utf-8")
    store = RawStore()
    with pytest.raises(MalformedFile) as exc:
        lens.import_files(store, [bad])
    assert "line 1" in str(exc.value) and "line 2" in str(exc.value)
    assert store.entries("lens") == []


# --------------------------------------------------------------------------- Lens CSV export
def test_lens_csv_export_real_file():
    path = need_shared(*CSV)
    data = path.read_bytes()
    assert lens.detect_kind(data, path.name) == "lens_csv"
    docs = lens.parse("lens_csv", data, path.name).docs
    assert len(docs) == 3779
    offices = docs["pub_office"].value_counts()
    # the jurisdiction counts SOURCE.md gives for this export
    assert (offices["CN"], offices["RU"], offices["JP"], offices["US"], offices["WO"]) == (
        1228,
        890,
        542,
        447,
        216,
    )
    wo = docs[docs["doc_id"] == "WO1995027654A1"].iloc[0]
    assert wo["priority_office"] == "US" and wo["priority_date"] == "1994-04-11"
    assert wo["family_basis"] == "same priority numbers"
    assert (docs["applicant_countries"] == "").all()  # the CSV gives no applicant residence


def test_wrong_files_rejected(iso_env, tmp_path):
    store = RawStore()
    with pytest.raises(MalformedFile, match="Lens"):
        lens.import_files(store, [need_shared(*NEUROCELL)])
    with pytest.raises(MalformedFile, match="EPO OPS"):
        epo_ops.import_files(store, [need_shared(*CSV)])
    with pytest.raises(MalformedFile):
        epo_ops.import_files(store, [_jsonl("biopoly_min.jsonl")])
    cut = tmp_path / "cut.xml"
    cut.write_bytes(need_shared(*OPS, "search", "response.xml").read_bytes()[:900])
    with pytest.raises(MalformedFile, match="not complete XML"):
        epo_ops.import_files(store, [cut])
    assert store.entries() == []


# --------------------------------------------------------------------------- EPO XML + mirror list
def test_ops_xml_real_answers():
    base = need_shared(*OPS)
    kind, docs, meta = epo_ops.parse_xml((base / "search" / "response.xml").read_bytes(), "search")
    assert kind == "ops_search" and meta["total"] == 10000 and (meta["begin"], meta["end"]) == (1, 5)
    assert docs["doc_id"].tolist()[:2] == ["HRP20251003T1", "AU2025202342A1"]
    kind, docs, meta = epo_ops.parse_xml(
        (base / "search_with_constituent" / "response.xml").read_bytes(), "swc"
    )
    assert kind == "ops_search_biblio" and len(docs) == 3
    first = docs.iloc[0]
    assert (first["pub_office"], first["priority_office"], first["priority_date"]) == (
        "AU",
        "EP",
        "2023-05-17",
    )
    assert first["family_id"] == "docdb:86386685"
    kind, docs, _ = epo_ops.parse_xml((base / "get_biblio" / "response.xml").read_bytes(), "biblio")
    assert kind == "ops_biblio"
    assert docs.iloc[0]["applicant_countries"] == "FI" and docs.iloc[0]["app_date"] == "2010-06-24"


def test_neurocell_mirror_list(iso_env, shared):
    files = epo_ops.mirror_files(shared)
    assert [f.name for f in files] == ["patents_cumulative.csv"]
    store = RawStore()
    entries = epo_ops.import_files(store, files)
    assert entries[0].kind == "neurocell_epo_csv" and "narrow slice" in entries[0].provenance.notes
    docs, _ = epo_ops.load_documents(store)
    assert len(docs) == 60
    # the office counts SOURCE.md gives
    assert docs["pub_office"].value_counts().to_dict() == {
        "WO": 20,
        "US": 13,
        "CN": 8,
        "AU": 5,
        "EP": 4,
        "CA": 3,
        "MX": 2,
        "JP": 2,
        "KR": 1,
        "PH": 1,
        "GB": 1,
    }
    assert docs["pub_date"].str[:4].astype(int).between(2015, 2026).all()
    assert lens.mirror_files(shared) == []  # Lens fixtures are off-topic format fixtures


# --------------------------------------------------------------------------- throttling header
def test_parse_throttling():
    t = epo_ops.parse_throttling(THROTTLE_OK)
    assert t.state == "idle" and t.services["search"] == ("green", 30)
    assert t.interval("search") == pytest.approx(2.0)
    busy = epo_ops.parse_throttling("busy (images=green:100, search=yellow:10)")
    assert busy.interval("search") == pytest.approx(60 / 10 * 2 * 2)
    with pytest.raises(SourceError, match="black"):
        epo_ops.parse_throttling("overloaded (search=black:0)").interval("search")
    assert epo_ops.parse_throttling(None) is None and epo_ops.parse_throttling("garbage") is None


# --------------------------------------------------------------------------- EPO live client on replay
# hand-written, in the OPS OAuth answer format (developers.epo.org, "Accessing OPS")
TOKEN_BODY = json.dumps(
    {
        "access_token": "tok-abc123-not-real",
        "token_type": "BearerToken",
        "expires_in": "1199",
        "status": "approved",
    }
)
# hand-written, in the shape of the OPS auth error answer
AUTH_ERROR = json.dumps({"error": "invalid_client", "error_description": "Client credentials are invalid"})


def _ops_env(monkeypatch, replay):
    monkeypatch.setenv("EPO_OPS_KEY", "key-visible-123")
    monkeypatch.setenv("EPO_OPS_SECRET", "secret-visible-456")
    monkeypatch.setenv("EXO_EPO_OPS_URL", replay.url)


def _page2(begin: int, end: int) -> bytes:
    """Hand-written OPS page in the published world-patent-data layout: one document."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<ops:world-patent-data xmlns="http://www.epo.org/exchange" xmlns:ops="http://ops.epo.org">
  <ops:biblio-search total-result-count="4" publications-count="1">
    <ops:query syntax="CQL">pa = Siemens</ops:query>
    <ops:range begin="{begin}" end="{end}"/>
    <ops:search-result><exchange-documents>
      <exchange-document system="ops.epo.org" family-id="1" country="CN" doc-number="1" kind="A">
        <bibliographic-data>
          <publication-reference><document-id document-id-type="docdb"><country>CN</country>
            <doc-number>1</doc-number><kind>A</kind><date>20250101</date></document-id></publication-reference>
          <application-reference><document-id document-id-type="docdb"><country>CN</country>
            <doc-number>2024001</doc-number></document-id></application-reference>
          <parties><applicants><applicant sequence="1" data-format="epodoc"><applicant-name>
            <name>SOME UNIV [CN]</name></applicant-name></applicant></applicants></parties>
        </bibliographic-data>
      </exchange-document>
    </exchange-documents></ops:search-result>
  </ops:biblio-search>
</ops:world-patent-data>""".encode()


def test_ops_auth_failure_names_no_secret(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    replay.add("POST", "/auth/accesstoken", AUTH_ERROR, status=401)
    with pytest.raises(SourceError) as exc:
        epo_ops.fetch(RawStore(), start=2025, end=2025, base_url=replay.url)
    msg = str(exc.value)
    assert "authentication failed" in msg and "EPO_OPS_KEY" in msg
    assert "secret-visible-456" not in msg and "key-visible-123" not in msg
    sent = replay.log[0]
    assert (
        sent.headers["Authorization"].startswith("Basic ") and b"grant_type=client_credentials" in sent.body
    )
    assert RawStore().entries("epo_ops") == []


def test_ops_missing_credentials(iso_env, monkeypatch):
    monkeypatch.delenv("EPO_OPS_KEY", raising=False)
    monkeypatch.delenv("EPO_OPS_SECRET", raising=False)
    with pytest.raises(SourceError, match="EPO_OPS_KEY"):
        epo_ops.fetch(RawStore(), start=2025, end=2025)


def test_ops_paging_throttling_and_retry(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    real = need_shared(*OPS, "search_with_constituent", "response.xml").read_bytes()
    # the recorded page says 10000 hits, above the 2,000 range cap (the year would be split,
    # see tests/test_live_limits.py); this test is about paging, so it says 4
    real = real.replace(b'total-result-count="10000"', b'total-result-count="4"')
    q = epo_ops.year_query("pa=Siemens", 2025)
    replay.add("POST", "/auth/accesstoken", TOKEN_BODY)
    hdr = {"Content-Type": "application/xml", "X-Throttling-Control": THROTTLE_OK}
    replay.add("GET", SEARCH_PATH, real, headers=hdr, query={"q": [q], "Range": ["1-3"]})
    # page 2 (hand-written) ends the paging at 4
    replay.add(
        "GET",
        SEARCH_PATH,
        _page2(4, 4),
        headers={**hdr, "X-Throttling-Control": "busy (search=yellow:60)"},
        query={"q": [q], "Range": ["4-4"]},
    )
    replay.insert_fault("GET", SEARCH_PATH, 429, headers={"Retry-After": "1"})
    slept = []
    entries = epo_ops.fetch(
        RawStore(), cql="pa=Siemens", start=2025, end=2025, base_url=replay.url, page=3, sleep=slept.append
    )
    ranges = [rec.query.get("Range") for rec in replay.log if rec.path == SEARCH_PATH]
    assert ranges == [["1-3"], ["1-3"], ["4-4"]]  # 429 retried, then page 2 (up to the total)
    searches = [rec for rec in replay.log if rec.path == SEARCH_PATH]
    assert all(rec.headers["Authorization"] == "Bearer tok-abc123-not-real" for rec in searches)
    # one snapshot of the year's query, its pages numbered by the client
    assert [e.name.rsplit("_", 1)[-1] for e in entries] == ["p0001.xml", "p0002.xml"]
    assert all(e.name.startswith("search_biblio_2025_") for e in entries)
    assert entries[-1].provenance.query["total"] == 4 and entries[-1].provenance.query["complete"] is True
    assert "secret-visible" not in json.dumps([e.provenance.to_json() for e in entries])
    docs, _ = epo_ops.load_documents(RawStore())
    assert len(docs) == 4 and "CN" in set(docs["applicant_countries"])


def test_ops_black_stops_and_wrong_range_detected(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    real = need_shared(*OPS, "search_with_constituent", "response.xml").read_bytes()
    replay.add("POST", "/auth/accesstoken", TOKEN_BODY)
    # the real page answers every range: page 2 then echoes 1-3, which the client must catch
    replay.add(
        "GET",
        SEARCH_PATH,
        real,
        headers={"Content-Type": "application/xml", "X-Throttling-Control": THROTTLE_OK},
    )
    with pytest.raises(SourceError, match="range 1-3 for the requested 4-6"):
        epo_ops.fetch(
            RawStore(),
            cql="pa=Siemens",
            start=2025,
            end=2025,
            base_url=replay.url,
            page=3,
            sleep=lambda s: None,
        )
    assert RawStore().entries("epo_ops") == []  # nothing stored from a failed run
    replay.exchanges.clear()
    replay.add("POST", "/auth/accesstoken", TOKEN_BODY)
    replay.add(
        "GET",
        SEARCH_PATH,
        real,
        headers={"Content-Type": "application/xml", "X-Throttling-Control": "overloaded (search=black:0)"},
        query={"q": [epo_ops.year_query("pa=Bosch", 2025)], "Range": ["1-3"]},
    )
    with pytest.raises(
        SourceError, match="black"
    ):  # (another query: the first run's pages are in the HTTP cache)
        epo_ops.fetch(
            RawStore(),
            cql="pa=Bosch",
            start=2025,
            end=2025,
            base_url=replay.url,
            page=3,
            sleep=lambda s: None,
        )
    assert [rec.query.get("Range") for rec in replay.log if rec.path == SEARCH_PATH][-1] == [
        "1-3"
    ]  # page 2 never sent


def test_ops_quota_rejection_and_no_results(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    replay.add("POST", "/auth/accesstoken", TOKEN_BODY)
    # hand-written OPS fault body for "no results" (SERVER.EntityNotFound, HTTP 404)
    replay.add(
        "GET",
        SEARCH_PATH,
        b'<fault xmlns="http://ops.epo.org"><code>SERVER.EntityNotFound</code>'
        b'<message>No results found</message></fault>',
        status=404,
        times=1,
    )
    replay.add(
        "GET", SEARCH_PATH, b"<fault/>", status=403, headers={"X-Rejection-Reason": "IndividualQuotaPerHour"}
    )
    with pytest.raises(SourceError, match="IndividualQuotaPerHour"):
        epo_ops.fetch(
            RawStore(), cql="ta=zzzz", start=2024, end=2025, base_url=replay.url, sleep=lambda s: None
        )


def test_ops_biblio_on_replay(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    replay.add("POST", "/auth/accesstoken", TOKEN_BODY)
    body = need_shared(*OPS, "get_biblio", "response.xml").read_bytes()
    replay.add(
        "GET",
        "/rest-services/published-data/publication/docdb/EP.2400812.A1/biblio",
        body,
        headers={"Content-Type": "application/xml", "X-Throttling-Control": THROTTLE_OK},
    )
    ops = epo_ops.OPSClient(replay.url, sleep=lambda s: None)
    docs = ops.biblio("EP.2400812.A1")
    assert docs.iloc[0]["doc_id"] == "EP2400812A1" and ops.throttle.services["retrieval"] == ("green", 200)
    with pytest.raises(BadParameter):
        ops.biblio("EP2400812")


# --------------------------------------------------------------------------- Lens live client on replay
def _lens_pages():
    """Two Patent API search pages built at test time from the real records of a JSON-lines
    fixture (the same per-record schema as the API's ``data[]``)."""
    res = lens.read_jsonl(_jsonl("biopoly_broken1.jsonl").read_bytes(), "b1")
    recs = [r for _, r in res.records]
    p1 = {"total": len(recs), "data": recs[:5], "results": 5, "scroll_id": "scroll-one"}
    p2 = {"total": len(recs), "data": recs[5:], "results": len(recs) - 5, "scroll_id": "scroll-two"}
    return json.dumps(p1), json.dumps(p2), len(recs)


def test_lens_scroll_paging_with_429(iso_env, monkeypatch, replay):
    monkeypatch.setenv("LENS_API_TOKEN", "lens-token-visible-789")
    p1, p2, n = _lens_pages()
    replay.add("POST", "/patent/search", p1, times=1)
    replay.add("POST", "/patent/search", p2)
    replay.insert_fault("POST", "/patent/search", 429, headers={"Retry-After": "1"})
    entries = lens.fetch(RawStore(), start=2010, end=2023, base_url=replay.url)
    assert len(entries) == 2
    sent = [json.loads(rec.body) for rec in replay.log]
    assert len(sent) == 3  # 429, page 1 (retried), page 2
    first = sent[1]
    assert (
        first["size"] == lens.PAGE_SIZE
        and first["scroll"] == f"{lens.SCROLL_MINUTES}m"
        and "include" in first
    )
    phrases = json.dumps(first["query"])
    assert '"claim": "exosomes"' in phrases and '"title": "extracellular vesicle"' in phrases
    assert sent[2] == {"scroll_id": "scroll-one", "scroll": f"{lens.SCROLL_MINUTES}m"}
    assert replay.log[1].headers["Authorization"] == "Bearer lens-token-visible-789"
    text = json.dumps([e.provenance.to_json() for e in entries])
    assert "lens-token-visible-789" not in text and entries[-1].provenance.query["complete"] is True
    docs, _, _ = lens.load_documents(RawStore())
    assert len(docs) == n


def test_lens_error_body_and_missing_token(iso_env, monkeypatch, replay):
    monkeypatch.delenv("LENS_API_TOKEN", raising=False)
    with pytest.raises(SourceError, match="LENS_API_TOKEN"):
        lens.fetch(RawStore(), base_url=replay.url)
    monkeypatch.setenv("LENS_API_TOKEN", "lens-token-visible-789")
    # hand-written, in the shape of the Lens API's 400 answer to a bad query
    replay.add(
        "POST", "/patent/search", json.dumps({"error": "Invalid query: unknown field 'titel'"}), status=400
    )
    with pytest.raises(SourceError) as exc:
        lens.fetch(RawStore(), base_url=replay.url)
    assert "HTTP 400" in str(exc.value) and "lens-token-visible-789" not in str(exc.value)
    replay.exchanges.clear()
    p1, _, _ = _lens_pages()
    replay.add("POST", "/patent/search", p1, truncate=True)
    with pytest.raises(SourceError):
        lens.fetch(RawStore(), base_url=replay.url)
    assert RawStore().entries("lens") == []


def test_lens_aggregate_one_request(iso_env, monkeypatch, replay):
    monkeypatch.setenv("LENS_API_TOKEN", "lens-token-visible-789")
    # hand-written, in the Elasticsearch-style bucket layout the Lens aggregation docs describe
    body = {
        "total": 7,
        "aggregations": {
            "by_country": {
                "buckets": [
                    {
                        "key": "CN",
                        "doc_count": 5,
                        "by_year": {
                            "buckets": [
                                {
                                    "key_as_string": "2021-01-01",
                                    "key": 1609459200000,
                                    "doc_count": 3,
                                    "families": {"value": 2},
                                },
                                {
                                    "key_as_string": "2022-01-01",
                                    "key": 1640995200000,
                                    "doc_count": 2,
                                    "families": {"value": 2},
                                },
                            ]
                        },
                    },
                    {
                        "key": "US",
                        "doc_count": 2,
                        "by_year": {
                            "buckets": [
                                {
                                    "key_as_string": "2021-01-01",
                                    "key": 1609459200000,
                                    "doc_count": 2,
                                    "families": {"value": 1},
                                }
                            ]
                        },
                    },
                ]
            }
        },
    }
    replay.add("POST", "/patent/aggregate", json.dumps(body))
    entries = lens.fetch(RawStore(), mode="aggregate", country_by="applicant", base_url=replay.url)
    assert len(replay.log) == 1
    sent = json.loads(replay.log[0].body)
    terms = sent["aggregations"]["by_country"]["terms"]
    assert terms["field"] == "applicant.residence"
    hist = terms["aggregations"]["by_year"]["date_histogram"]
    assert hist["field"] == "earliest_priority_claim_date" and hist["interval"] == "YEAR"
    agg, _ = lens.load_aggregates(RawStore())
    assert agg[["country", "year", "documents", "families"]].values.tolist() == [
        ["CN", 2021, 3, 2],
        ["CN", 2022, 2, 2],
        ["US", 2021, 2, 1],
    ]
    assert entries[0].provenance.query["country_by"] == "applicant"
    with pytest.raises(BadParameter, match="records"):
        lens.fetch(RawStore(), mode="aggregate", country_by="priority", base_url=replay.url)


def test_lens_bad_parameters(iso_env, monkeypatch):
    monkeypatch.setenv("LENS_API_TOKEN", "x" * 10)
    with pytest.raises(BadParameter, match="reversed"):
        lens.fetch(RawStore(), start=2020, end=2010)
    with pytest.raises(BadParameter):
        lens.fetch(RawStore(), mode="everything")
    with pytest.raises(BadParameter, match="reversed"):
        epo_ops.fetch(RawStore(), start=2020, end=2010)


def test_lens_api_page_defects_reported_by_position(iso_env, tmp_path):
    """A saved search page (built from the real records) with one record lacking its lens_id."""
    res = lens.read_jsonl(_jsonl("biopoly_broken1.jsonl").read_bytes(), "b1")
    recs = [dict(r) for _, r in res.records[:3]]
    del recs[1]["lens_id"]
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"total": 3, "data": recs, "results": 3}), encoding="utf-8")
    store = RawStore()
    entries = lens.import_files(store, [page])
    assert entries[0].kind == "lens_api_search" and "data[] record 2" in entries[0].provenance.notes
    docs, _, defects = lens.load_documents(store)
    assert len(docs) == 2 and [d["line"] for d in defects] == [2]


def test_cli_fetch_routes(iso_env, monkeypatch, replay, capsys):
    """`exo-industry fetch lens|epo_ops` pass their options through to the clients."""
    from exo_industry.cli import main

    monkeypatch.delenv("LENS_API_TOKEN", raising=False)
    assert main(["fetch", "lens", "--base-url", replay.url]) == 2
    assert "LENS_API_TOKEN" in capsys.readouterr().err
    monkeypatch.setenv("LENS_API_TOKEN", "lens-token-visible-789")
    p1, p2, n = _lens_pages()
    replay.add("POST", "/patent/search", p1, times=1)
    replay.add("POST", "/patent/search", p2)
    assert (
        main(
            [
                "fetch",
                "lens",
                "--term",
                "exosome",
                "--start",
                "2015",
                "--end",
                "2016",
                "--year-by",
                "publication",
                "--base-url",
                replay.url,
            ]
        )
        == 0
    )
    sent = json.loads(replay.log[0].body)
    assert json.dumps(sent["query"]).count("match_phrase") == 3  # one term x title, abstract, claims
    assert {"range": {"date_published": {"gte": "2015-01-01", "lte": "2016-12-31"}}} in sent["query"]["bool"][
        "must"
    ]
    out = capsys.readouterr().out
    assert "stored 2 file(s)" in out and "lens-token-visible-789" not in out
    _ops_env(monkeypatch, replay)
    replay.add("POST", "/auth/accesstoken", AUTH_ERROR, status=401)
    assert main(["fetch", "epo_ops", "--start", "2020", "--end", "2020", "--base-url", replay.url]) == 2
    err = capsys.readouterr().err
    assert "authentication failed" in err and "secret-visible-456" not in err


def test_ops_slows_down_when_throttled(iso_env, monkeypatch, replay):
    _ops_env(monkeypatch, replay)
    body = need_shared(*OPS, "get_biblio", "response.xml").read_bytes()
    replay.add(
        "GET",
        "/rest-services/published-data/publication/docdb/EP.2400812.A1/biblio",
        body,
        headers={"Content-Type": "application/xml", "X-Throttling-Control": THROTTLE_OK},
    )
    slept = []
    ops = epo_ops.OPSClient(replay.url, sleep=slept.append)
    ops.token = "already-have-one"
    ops.client.min_interval = 0.0
    ops.throttle = epo_ops.parse_throttling("busy (retrieval=yellow:60, search=green:30)")
    ops.biblio("EP.2400812.A1")
    assert slept == [pytest.approx(60 / 60 * 2 * 2)]  # yellow doubles, busy doubles again
    assert ops.client.min_interval == pytest.approx(4.0)
    assert ops.throttle.services["retrieval"] == ("green", 200)  # the answer's header replaces the old state
