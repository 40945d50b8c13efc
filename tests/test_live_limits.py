"""Documented limits of the live services, enforced by the replay server the way each
service enforces them (issue 12). Each test names the documentation page it encodes;
bodies are the real recordings of ../shared/data/*/fixtures_* where they exist."""

from __future__ import annotations

import json

import pytest

from exo_industry import bibliometrics as bib
from exo_industry.cli import main
from exo_industry.errors import SourceError
from exo_industry.sources import lens, openalex, pubmed
from exo_industry.store import RawStore
from test_literature import cassette, ncbi_fixture, year_body
from test_patents_sources import _lens_pages

KEY = "oa-key-0a1b2c3d4e"


# --------------------------------------------------------------------------- service rules
def openalex_rules(method, path, query, headers, body):
    """https://developers.openalex.org/guides/page-through-results (per_page 1-100) and
    https://developers.openalex.org/api-reference/errors (429: daily allowance spent)."""
    if "api_key" not in query:
        return 429, {"Content-Type": "application/json"}, b'{"error": "Rate limit exceeded"}'
    per_page = int((query.get("per_page") or ["25"])[0])
    if not 1 <= per_page <= openalex.PER_PAGE_MAX:
        err = [
            r for r in cassette("pro_request_search_biodiversity_AND_fiance_count.yml") if r["status"] == 400
        ]
        return 400, {"Content-Type": "application/json"}, err[0]["body"]
    return None


class LensRules:
    """https://docs.api.lens.org/getting-started.html (rate-limit headers) and
    https://docs.api.lens.org/request-patent.html (size per plan, scroll lifetime, 204 end)."""

    def __init__(self, plan_size=100, per_minute=100, scroll_alive=2):
        self.plan_size, self.per_minute, self.scroll_alive = plan_size, per_minute, scroll_alive
        self.used, self.scroll_uses = 0, {}

    def __call__(self, method, path, query, headers, body):
        payload = json.loads(body or b"{}")
        self.used += 1
        left = max(self.per_minute - self.used, 0)
        rate = {
            "x-rate-limit-remaining-request-per-minute": str(left),
            "x-rate-limit-retry-after-seconds": "1",
        }
        if self.used > self.per_minute:
            return 429, {**rate, "Content-Type": "application/json"}, b'{"error": "Too many requests"}'
        if payload.get("size", 0) > self.plan_size:
            return 400, {"Content-Type": "application/json"}, b'{"error": "size exceeds the plan maximum"}'
        sid = payload.get("scroll_id")
        if sid:
            self.scroll_uses[sid] = self.scroll_uses.get(sid, 0) + 1
            if self.scroll_uses[sid] > self.scroll_alive:
                return 400, {"Content-Type": "application/json"}, b'{"error": "scroll_id expired"}'
        return None


# --------------------------------------------------------------------------- OpenAlex
def test_openalex_without_key_exits_2_before_any_request(replay, iso_env, monkeypatch, capsys):
    """https://developers.openalex.org/guides/authentication: a key is required since
    13 Feb 2026; the run stops before any request, naming the variable and where to get one."""
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    replay.add_rule(openalex_rules)
    code = main(["fetch", "openalex", "--base-url", replay.url])
    err = capsys.readouterr().err
    assert code == 2 and "OPENALEX_API_KEY" in err and "openalex.org/settings/api" in err
    assert replay.log == []


def test_openalex_per_page_over_100_is_refused_by_the_service(replay, iso_env, monkeypatch):
    """https://developers.openalex.org/guides/page-through-results: per_page 1-100; the
    service answers 400 (here with the recorded 400 body), and the client never asks for more."""
    from exo_industry.http import Client

    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    replay.add_rule(openalex_rules)
    replay.add("GET", "/works", year_body({2020: 5, 2021: 6}))
    client = Client(replay.url, name="OpenAlex API", retries=0)
    with pytest.raises(SourceError, match="HTTP 400"):
        client.get("works", params={"per_page": 200, "api_key": KEY})
    pages = list(openalex.group_pages(client, "x", "publication_year"))
    assert len(pages) == 1 and replay.log[-1].query["per_page"] == ["100"]


def test_openalex_short_group_page_ends_paging(replay, iso_env, monkeypatch):
    """Counting rule: a year series (fewer groups than per_page) costs one request, not two
    (no call for the empty last cursor page): https://developers.openalex.org/guides/page-through-results."""
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    replay.add_rule(openalex_rules)
    replay.add("GET", "/works", year_body({2020: 5, 2021: 6}, next_cursor="more"))
    store = RawStore()
    openalex.fetch(store, country=["CN"], top=0, topic=["exosomes"], start=2020, end=2021, client=None,
                   base_url=replay.url)  # fmt: skip
    assert len(replay.log) == 2  # one CN series, one world series: one request each


def test_openalex_first_author_above_max_records_says_so(replay, iso_env, monkeypatch):
    """Counting rule: first-author counting needs every record; above --max-records the error
    names the request count, and nothing is cut silently."""
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    replay.add_rule(openalex_rules)
    body = json.dumps({"meta": {"count": 250000, "next_cursor": "c2"}, "results": [], "group_by": []})
    replay.add("GET", "/works", body)
    with pytest.raises(SourceError, match="250000 works match.*2500 requests"):
        openalex.fetch(RawStore(), country=["CN"], top=0, counting="first", base_url=replay.url)
    assert len(replay.log) == 1


# --------------------------------------------------------------------------- PubMed
def test_pubmed_warning_list_is_an_error(replay, iso_env):
    """https://www.ncbi.nlm.nih.gov/books/NBK25499/ (ESearch): a phrase not found is dropped
    from the query; a Count > 0 with an ErrorList/WarningList answers another question."""
    body = ncbi_fixture("esearch1.xml").read_bytes()
    warned = body.replace(
        b"</eSearchResult>",
        b"<ErrorList><PhraseNotFound>exosomal-xyz</PhraseNotFound></ErrorList>"
        b"<WarningList><OutputMessage>Quoted phrase not found.</OutputMessage></WarningList></eSearchResult>",
    )
    assert pubmed.parse_esearch(body)["count"] == 63
    replay.add("GET", "/esearch.fcgi", warned)
    store = RawStore()
    with pytest.raises(SourceError, match="exosomal-xyz"):
        pubmed.fetch(store, country=["CN"], topic=["exosomes"], start=2020, end=2020,
                     client=pubmed.make_client(replay.url))  # fmt: skip
    assert store.entries() == []


def test_pubmed_overlapping_years_are_measured(replay, iso_env):
    """Counting rule: YEAR[dp] matches print and electronic dates
    (https://pubmed.ncbi.nlm.nih.gov/help/#publication-date); the range query measures how
    many papers the yearly counts hold twice."""
    one, five = ncbi_fixture("esearch1.xml").read_bytes(), ncbi_fixture("esearch5.xml").read_bytes()

    def answer(method, path, query, headers, body):
        term = query["term"][0]
        if "2020:2021[dp]" in term:
            return 200, {"Content-Type": "text/xml"}, one  # 63 in the whole range
        return 200, {"Content-Type": "text/xml"}, (one if "2020[dp]" in term else five)  # 63 + 5

    replay.add_rule(answer)
    store = RawStore()
    pubmed.fetch(store, country=["US"], topic=["exosomes"], start=2020, end=2021,
                 client=pubmed.make_client(replay.url))  # fmt: skip
    overlap = pubmed.load_overlap(store).set_index("country")
    assert overlap.loc["US", "overlap"] == 63 + 5 - 63 and overlap.loc["US", "range"] == "2020-2021"


@pytest.mark.parametrize(
    "scope, excluded",
    [("mainland", ("Hong Kong", "Macau", "Taiwan")), ("cn_hk_mo", ("Taiwan",)), ("cn_hk_mo_tw", ())],
)
def test_pubmed_china_scope_matches_its_label(scope, excluded):
    """Counting rule: [ad] is a text match, so China[ad] also finds "Hong Kong, China" and
    "Taiwan, China" (https://pubmed.ncbi.nlm.nih.gov/help/#affiliation-search); the mainland
    scope leaves them out, and each wider scope includes exactly what its label says."""
    clause = pubmed.country_clause("CN", scope)
    inside, _, outside = clause.partition(" NOT ")
    for name in ("Hong Kong", "Macau", "Taiwan"):
        assert (name in outside) == (name in excluded)
        assert (name in inside) == (name not in excluded)
    assert bib.CHINA_SCOPES == ("mainland", "cn_hk_mo", "cn_hk_mo_tw")


# --------------------------------------------------------------------------- Lens
@pytest.fixture
def lens_env(iso_env, monkeypatch):
    monkeypatch.setenv("LENS_API_TOKEN", "lens-token-limits-123")
    monkeypatch.setenv("EXO_HTTP_BACKOFF", "0.01")


def test_lens_page_above_plan_size_is_explained(replay, lens_env):
    """https://docs.api.lens.org/request-patent.html: the page size is capped by the plan;
    above it Lens answers 400. The default (100) stays within every plan."""
    rules = LensRules(plan_size=100)
    replay.add_rule(rules)
    p1, p2, n = _lens_pages()
    replay.add("POST", "/patent/search", p1, times=1)
    replay.add("POST", "/patent/search", p2)
    with pytest.raises(SourceError, match="above your plan"):
        lens.fetch(RawStore(), start=2010, end=2023, base_url=replay.url, page_size=500)
    assert len(lens.fetch(RawStore(), start=2010, end=2023, base_url=replay.url)) == 2


def test_lens_429_waits_for_the_rate_header(replay, lens_env):
    """https://docs.api.lens.org/getting-started.html (Rate Limiting): past the per-minute
    allowance Lens answers 429 with x-rate-limit-retry-after-seconds; the client waits that long."""
    p1, p2, n = _lens_pages()
    replay.add("POST", "/patent/search", p1, times=1)
    replay.add("POST", "/patent/search", p2)
    replay.insert_fault("POST", "/patent/search", 429, headers={"x-rate-limit-retry-after-seconds": "1",
                        "x-rate-limit-remaining-request-per-minute": "0"})  # fmt: skip
    entries = lens.fetch(RawStore(), start=2010, end=2023, base_url=replay.url)
    assert len(entries) == 2 and len(replay.log) == 3


def test_lens_wait_extends_the_scroll_and_204_ends_it(replay, lens_env):
    """https://docs.api.lens.org/request-patent.html: ``scroll`` is the context's lifetime, so
    a wait for the rate limit is covered by a longer lifetime; the end of a scroll is 204 with
    no body, which must not be parsed as JSON; a 204 before ``total`` records is incomplete."""
    p1, _p2, n = _lens_pages()
    rate = {"x-rate-limit-remaining-request-per-minute": "0", "x-rate-limit-retry-after-seconds": "45"}
    replay.add("POST", "/patent/search", json.dumps({**json.loads(p1), "total": 6}), times=1,
               headers={"Content-Type": "application/json", **rate})  # fmt: skip
    replay.add("POST", "/patent/search", b"", status=204, headers={})
    slept = []
    with pytest.raises(SourceError, match="scroll ended after 5 of 6 records"):
        lens._walk_search(lens._client(replay.url), {}, 100, 1000, sleep=slept.append)
    sent = [json.loads(r.body) for r in replay.log]
    assert slept == [45] and sent[1] == {"scroll_id": "scroll-one", "scroll": "2m"}
    replay.exchanges.clear()
    replay.add("POST", "/patent/search", json.dumps({**json.loads(p1), "total": 5}), times=1)
    pages, got, total = lens._walk_search(lens._client(replay.url), {}, 100, 1000)
    assert got == total == 5 and len(pages) == 1


def test_lens_expired_scroll_is_explained(replay, lens_env):
    """https://docs.api.lens.org/request-patent.html: a scroll_id used after its lifetime is refused."""
    rules = LensRules(scroll_alive=0)
    replay.add_rule(rules)
    p1, p2, n = _lens_pages()
    replay.add("POST", "/patent/search", p1, times=1)
    replay.add("POST", "/patent/search", p2)
    store = RawStore()
    with pytest.raises(SourceError, match="scroll context expired"):
        lens.fetch(store, start=2010, end=2023, base_url=replay.url)
    assert store.entries() == []


# --------------------------------------------------------------------------- EPO OPS
def _ops_docs_page(begin: int, end: int, total: int) -> bytes:
    """An OPS search page (published world-patent-data layout) holding documents begin..end."""
    docs = "".join(
        f'<exchange-document system="ops.epo.org" family-id="{n}" country="CN" doc-number="{n}" kind="A">'
        "<bibliographic-data><publication-reference><document-id document-id-type=\"docdb\"><country>CN"
        f"</country><doc-number>{n}</doc-number><kind>A</kind><date>20200101</date></document-id>"
        "</publication-reference></bibliographic-data></exchange-document>"
        for n in range(begin, end + 1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><ops:world-patent-data xmlns="http://www.epo.org/exchange" '
        f'xmlns:ops="http://ops.epo.org"><ops:biblio-search total-result-count="{total}">'
        f'<ops:range begin="{begin}" end="{end}"/><ops:search-result><exchange-documents>{docs}'
        "</exchange-documents></ops:search-result></ops:biblio-search></ops:world-patent-data>"
    ).encode()


def ops_rules(per_day: int = 10, drift: int = 0):
    """OPS search: 100 documents a request at most, ranges served only up to 2,000 (OPS v3.2
    reference guide, published-data search "Range"; https://www.epo.org/en/searching-for-patents/
    data/web-services/ops); the total of a ``pd within`` span is ``per_day`` x its days."""
    import datetime as dt
    import re

    def rule(method, path, query, headers, body):
        if path == "/auth/accesstoken":
            return (
                200,
                {"Content-Type": "application/json"},
                b'{"access_token": "tok-limits", "expires_in": "1199"}',
            )
        a, b = re.search(r'pd within "(\d{8}) (\d{8})"', query["q"][0]).groups()
        d0, d1 = (dt.datetime.strptime(x, "%Y%m%d").date() for x in (a, b))
        total = per_day * ((d1 - d0).days + 1) + (drift if (d0.month, d1.month) == (1, 12) else 0)
        begin, end = (int(x) for x in query["Range"][0].split("-"))
        if end > 2000 or end - begin + 1 > 100:
            return 400, {"Content-Type": "application/xml"}, b"<fault>range beyond what OPS serves</fault>"
        return 200, {"Content-Type": "application/xml"}, _ops_docs_page(begin, min(end, total), total)

    return rule


def _ops_fetch(replay, monkeypatch):
    from exo_industry.http import Client
    from exo_industry.sources import epo_ops

    monkeypatch.setenv("EPO_OPS_KEY", "key-limits-1")
    monkeypatch.setenv("EPO_OPS_SECRET", "secret-limits-2")
    client = Client(replay.url, name="EPO OPS")
    return epo_ops.fetch(RawStore(), cql="ta=exosome", start=2020, end=2020, base_url=replay.url,
                         client=client, sleep=lambda s: None)  # fmt: skip


def test_ops_year_above_range_cap_is_split_and_proven_complete(replay, iso_env, monkeypatch):
    """Counting rule (split completeness): 2020 has 3,660 hits, above the 2,000 OPS serves;
    the year is split into halves of 1,830, every document fetched, and the parts' totals
    add up to the year's total (OPS v3.2 reference guide, published-data search)."""
    replay.add_rule(ops_rules())
    entries = _ops_fetch(replay, monkeypatch)
    q = entries[0].provenance.query
    assert q["total"] == 3660 and q["parts_total"] == 3660 and q["complete"] is True
    assert [tuple(p) for p in q["parts"]] == [
        ("2020-01-01", "2020-07-01", 1830),
        ("2020-07-02", "2020-12-31", 1830),
    ]
    ranges = [int(r.query["Range"][0].split("-")[1]) for r in replay.log if "Range" in r.query]
    assert ranges and max(ranges) <= 2000
    from exo_industry.sources import epo_ops

    docs, _ = epo_ops.load_documents(RawStore())
    assert len(docs) == 2 * 1830


def test_ops_split_that_does_not_add_up_is_incomplete(replay, iso_env, monkeypatch):
    """The proof can fail: when the parts do not add up to the year's total (here one hit
    more for the whole year), the year is stored but marked incomplete."""
    replay.add_rule(ops_rules(drift=1))
    q = _ops_fetch(replay, monkeypatch)[0].provenance.query
    assert q["total"] == 3661 and q["parts_total"] == 3660 and q["complete"] is False


# --------------------------------------------------------------------------- WHO GHO
def test_who_gho_rows_differing_in_dim2_are_kept(replay, iso_env):
    """Counting rule: GHO rows carry up to three dimensions (Dim1..Dim3, https://www.who.int/data/gho/
    info/gho-odata-api); rows that differ only in Dim2 (e.g. an age group) are distinct figures."""
    from exo_industry.sources import who_gho
    from test_who_gho import page, row

    a, b = row("CHN", 2019, 15.9), row("CHN", 2019, 9.1)
    a.update({"Dim2Type": "AGEGROUP", "Dim2": "AGE30-49"})
    b.update({"Dim2Type": "AGEGROUP", "Dim2": "AGE50-69"})
    replay.add("GET", "/api/NCDMORT3070", page([a, b]))
    store = RawStore()
    who_gho.fetch(store, indicator=["NCDMORT3070"], location=["CHN"], base_url=f"{replay.url}/api")
    values, _ = who_gho.load_values(store)
    assert sorted(values["dim2"]) == ["AGE30-49", "AGE50-69"] and sorted(values["value"]) == [9.1, 15.9]
