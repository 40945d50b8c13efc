"""ClinicalTrials.gov source: the API v2 client on the replay server, and the import route.

The replayed bodies are the real API v2 answers recorded in
../shared/data/clinical_trials/fixtures_ctgov_api_v2_responses_cyanheads (read at test time).
The recorded pages both carry a nextPageToken; the walk's last page is made here, at test
time, by wrapping the recorded single-study answer (NCT03934567) in the ``{"studies": [...]}``
envelope the API uses, without a token.
"""

from __future__ import annotations

import json

import pytest

from exo_industry.errors import BadParameter, MalformedFile, MissingData, SourceError
from exo_industry.sources import ctgov
from exo_industry.sources import get as get_source
from exo_industry.store import RawStore
from helpers import need_shared

FIX = ("clinical_trials", "fixtures_ctgov_api_v2_responses_cyanheads")
WEB = ("clinical_trials", "fixtures_ctgov_website_export_dgg32")
PAGE_A = "studies_2025-06-17T11-15-33-773Z.json"  # 1 study, nextPageToken NF0g5JaGmg
PAGE_B = "studies_2025-06-17T11-16-37-179Z.json"  # 2 studies, nextPageToken NF0g5JCG
STUDY_1 = "study_NCT00184067_2025-06-17T11-17-42-480Z.json"
STUDY_2 = "study_NCT03934567_2025-06-17T11-17-59-791Z.json"


def _fix(name: str) -> bytes:
    return (need_shared(*FIX) / name).read_bytes()


def _walk_server(replay, params: dict, first_page_extra: dict | None = None):
    """Register a three-page walk: page A, page B, then a last page without a token."""
    a = json.loads(_fix(PAGE_A))
    if first_page_extra:
        a.update(first_page_extra)
    last = json.dumps({"studies": [json.loads(_fix(STUDY_2))]}).encode()
    q = {k: [str(v)] for k, v in params.items()}
    replay.add("GET", "/api/v2/studies", json.dumps(a).encode(), query=q)
    replay.add("GET", "/api/v2/studies", _fix(PAGE_B), query={**q, "pageToken": [a["nextPageToken"]]})
    replay.add(
        "GET", "/api/v2/studies", last, query={**q, "pageToken": [json.loads(_fix(PAGE_B))["nextPageToken"]]}
    )


def _client(replay, **kw):
    return ctgov.make_client(base_url=replay.url + "/api/v2", min_interval=0, backoff=0.1, **kw)


def test_module_contract():
    m = get_source("ctgov")
    assert m.NAME == "ctgov" and m.API_URL.startswith("https://clinicaltrials.gov/api/v2")


def test_multi_page_walk_to_the_end_then_store(replay, iso_env):
    params = ctgov.build_params(term=["exosome", "extracellular vesicles"], page_size=2)
    _walk_server(replay, params, {"totalCount": 4})
    store = RawStore()
    entries = ctgov.fetch(
        store, term=["exosome", "extracellular vesicles"], page_size=2, client=_client(replay)
    )
    assert len(entries) == 3
    assert [e.kind for e in entries] == ["api_page"] * 3
    # the client asked for what the API expects, and followed the tokens
    asked = [r.query for r in replay.log]
    assert asked[0]["query.term"] == ['exosome OR "extracellular vesicles"']
    assert asked[0]["countTotal"] == ["true"] and asked[0]["pageSize"] == ["2"]
    assert "pageToken" not in asked[0]
    assert asked[1]["pageToken"] == ["NF0g5JaGmg"] and asked[2]["pageToken"] == ["NF0g5JCG"]
    studies, used = ctgov.load_studies(store)
    assert [s.nct_id for s in studies] == ["NCT00184067", "NCT03934567", "NCT05147467"]
    assert all(e.provenance.route == "live" and e.provenance.url.startswith(replay.url) for e in used)
    assert entries[0].provenance.query["query.term"] == 'exosome OR "extracellular vesicles"'


def test_walk_short_of_total_count_fails_and_stores_nothing(replay, iso_env):
    params = ctgov.build_params(term="exosome", page_size=2)
    _walk_server(replay, params, {"totalCount": 5})  # 4 studies arrive
    store = RawStore()
    with pytest.raises(SourceError, match="received 4 studies but the registry counted 5"):
        ctgov.fetch(store, term="exosome", page_size=2, client=_client(replay))
    assert store.entries("ctgov") == []


def test_429_with_retry_after_then_recovery(replay, iso_env):
    params = ctgov.build_params(term="exosome", page_size=2)
    _walk_server(replay, params)
    replay.insert_fault("GET", "/api/v2/studies", 429, headers={"Retry-After": "1"}, times=1)
    entries = ctgov.fetch(RawStore(), term="exosome", page_size=2, client=_client(replay))
    assert len(entries) == 3
    assert len(replay.log) == 4  # the 429, then the three pages
    assert "pageToken" not in replay.log[0].query and "pageToken" not in replay.log[1].query


def test_truncated_page_fails_clearly_and_keeps_last_snapshot(replay, iso_env):
    store = RawStore()
    # a good earlier snapshot
    params = ctgov.build_params(term="exosome", page_size=2)
    _walk_server(replay, params)
    first = ctgov.fetch(store, term="exosome", page_size=2, client=_client(replay, cache=False))
    assert len(first) == 3
    # now page B arrives cut short
    replay.exchanges.clear()
    a = _fix(PAGE_A)
    q = {k: [str(v)] for k, v in params.items()}
    replay.add("GET", "/api/v2/studies", a, query=q)
    replay.add(
        "GET", "/api/v2/studies", _fix(PAGE_B), query={**q, "pageToken": ["NF0g5JaGmg"]}, truncate=True
    )
    with pytest.raises(SourceError, match="cut short|not complete JSON"):
        ctgov.fetch(store, term="exosome", page_size=2, client=_client(replay, cache=False))
    assert {e.name for e in store.entries("ctgov")} == {e.name for e in first}


def test_error_status_names_status_and_body(replay, iso_env):
    replay.add(
        "GET",
        "/api/v2/studies",
        b"Unknown parameter: query.bogus",
        status=400,
        headers={"Content-Type": "text/plain"},
    )
    with pytest.raises(SourceError) as err:
        ctgov.fetch(RawStore(), term="exosome", client=_client(replay, retries=0))
    assert "HTTP 400" in str(err.value) and "Unknown parameter" in str(err.value)


def test_wrong_answer_shape_is_an_error(replay, iso_env):
    replay.add("GET", "/api/v2/studies", _fix(STUDY_1))  # a bare study where a page is expected
    with pytest.raises(SourceError, match="not a /studies page"):
        ctgov.fetch(RawStore(), term="exosome", client=_client(replay))


def test_single_study_by_nct_id(replay, iso_env):
    replay.add("GET", "/api/v2/studies/NCT00184067", _fix(STUDY_1))
    replay.add("GET", "/api/v2/studies/NCT99999999", _fix(STUDY_1))
    store = RawStore()
    [entry] = ctgov.fetch(store, nct=["NCT00184067"], client=_client(replay))
    assert entry.kind == "api_study"
    [s] = ctgov.parse("api_study", store.read_bytes(entry), entry.name)
    assert s.nct_id == "NCT00184067" and s.overall_status == "TERMINATED"
    with pytest.raises(SourceError, match="asked for NCT99999999"):
        ctgov.fetch(store, nct=["NCT99999999"], client=_client(replay))
    with pytest.raises(BadParameter, match="not an NCT ID"):
        ctgov.fetch(store, nct=["12345"], client=_client(replay))


def test_env_var_overrides_base_url(replay, iso_env, monkeypatch):
    monkeypatch.setenv("EXO_CTGOV_URL", replay.url + "/api/v2")
    replay.add("GET", "/api/v2/studies/NCT00184067", _fix(STUDY_1))
    [entry] = ctgov.fetch(RawStore(), nct=["NCT00184067"])
    assert entry.provenance.url.startswith(replay.url)


@pytest.mark.parametrize(
    "kw, msg",
    [
        ({}, "at least one of"),
        ({"term": "exosome", "page_size": 5000}, "out of range"),
        ({"term": "exosome", "study_type": ["INTERVENTIONL"]}, "unknown study type"),
        ({"term": "exosome", "start_from": "2024-01-01", "start_to": "2020-01-01"}, "reversed dates"),
        ({"term": "exosome", "start_from": "2024"}, "not a date"),
        ({"term": "exosome", "start_from": "2020-99-99"}, "'2020-99-99' is not a date"),
        ({"term": "exosome", "start_to": "2023-02-30"}, "'2023-02-30' is not a date"),
        ({"term": "exosome", "status": ["OPEN"]}, "unknown status"),
    ],
)
def test_bad_query_parameters(kw, msg):
    with pytest.raises(BadParameter, match=msg):
        ctgov.build_params(**kw)


def test_filters_become_advanced_query():
    p = ctgov.build_params(
        cond="cancer",
        intr="exosome",
        study_type=["INTERVENTIONAL"],
        start_from="2015-01-01",
        status=["RECRUITING", "COMPLETED"],
        fields=["NCTId", "BriefTitle"],
    )
    assert p["filter.advanced"] == "(AREA[StudyType]INTERVENTIONAL) AND AREA[StartDate]RANGE[2015-01-01,MAX]"
    assert p["filter.overallStatus"] == "RECRUITING,COMPLETED" and p["fields"] == "NCTId,BriefTitle"
    assert p["query.cond"] == "cancer" and p["query.intr"] == "exosome"


# --------------------------------------------------------------------------- parsers on real files
def test_api_pages_parse_into_the_study_model():
    a = ctgov.parse("api_page", _fix(PAGE_A), PAGE_A)
    [s] = a
    assert s.nct_id == "NCT05147467" and s.phases == ("PHASE2",) and s.site_countries == ("China",)
    assert s.lead_sponsor == "Ascentage Pharma Group Inc." and s.sponsor_class == "INDUSTRY"
    assert "Chronic Lymphocytic Leukemia" in s.conditions and "Neoplasms" in s.browse_branches
    assert s.start_date == "2021-12-28" and s.interventions[0].type == "DRUG"
    [u] = ctgov.parse("api_study", _fix(STUDY_1), STUDY_1)
    assert u.site_countries == ("United States",) and u.conditions == ("Melanoma",)
    assert "Melanoma" in u.mesh_terms and u.first_posted == "2005-09-16" and u.start_date == "2004-05"
    assert any(i.type == "BIOLOGICAL" and i.name == "Montanide ISA 51" for i in u.interventions)
    assert "All Conditions" not in u.browse_branches


def test_website_json_tolerates_unknown_keys():
    base = need_shared(*WEB)
    studies = []
    for f in ("ctg-studies.json", "ctg-studies(2).json", "ctg-studies(5).json"):
        data = (base / f).read_bytes()
        assert ctgov.detect_kind(data.decode("utf-8"), f) == "website_json"
        studies += ctgov.parse("website_json", data, f)
    assert len(studies) == 61
    # contactsLocationsModule carries a non-standard key locations_nested: ignored, countries still read
    assert all(s.site_countries for s in studies)
    assert sum(bool(s.browse_branches) for s in studies) == 53
    assert {p for s in studies for p in s.phases} <= set(ctgov.PHASES)


def test_classic_tsv_and_csv_exports():
    tsv = need_shared(*WEB) / "SearchResults.tsv"
    text = tsv.read_text(encoding="utf-8")
    assert ctgov.detect_kind(text, tsv.name) == "classic_tsv"
    rows = ctgov.parse("classic_tsv", tsv.read_bytes(), tsv.name)
    assert len(rows) == 40 and rows[0].nct_id == "NCT05600257"
    assert rows[0].site_countries == ("Taiwan",) and rows[0].start_date == "2011-09-01"
    csvp = (
        need_shared("clinical_trials", "msc_trials_ctgov_csv_export_jesnyder")
        / "mesenchymal stem OR mesenchymal stromal.csv"
    )
    studies = ctgov.parse("classic_csv", csvp.read_bytes(), csvp.name)
    assert len(studies) == 1389
    by = {s.nct_id: s for s in studies}
    s = by["NCT04276987"]  # MSC exosome inhalation for COVID-19 pneumonia, Ruijin Hospital
    assert s.phases == ("PHASE1",) and s.site_countries == ("China",) and s.lead_sponsor == "Ruijin Hospital"
    assert s.interventions[0] == ctgov.Intervention("BIOLOGICAL", "MSCs-derived exosomes")
    assert by["NCT05122234"].phases == ("PHASE3",)
    assert by["NCT04657458"].study_type == "EXPANDED_ACCESS"
    assert (
        by["NCT03437759"].phases == ("EARLY_PHASE1",)
        and by["NCT03437759"].overall_status == "ACTIVE_NOT_RECRUITING"
    )


def test_mirror_import_and_load(iso_env, shared):
    files = ctgov.mirror_files(shared)
    assert [f.name for f in files] == [
        "mesenchymal stem OR mesenchymal stromal.csv",
        "all_trials_semantic_database.csv",
    ]
    store = RawStore()
    entries = ctgov.import_files(store, files)
    assert [e.kind for e in entries] == ["classic_csv", "flat_v2_csv"]
    studies, used = ctgov.load_studies(store)
    assert len(studies) == 1389 + 19 and len(used) == 2
    flat = {s.nct_id: s for s in studies}["NCT06138210"]
    assert flat.phases == ("PHASE1", "PHASE2") and flat.site_countries == () and flat.origin == "flat_v2_csv"


def test_wrong_files_rejected_before_storing(iso_env, tmp_path, shared):
    store = RawStore()
    snap = (
        shared / "clinical_trials" / "ev_trial_counts_snapshot_MichaLie" / "clinicaltrials_ev_snapshot.json"
    )
    good = (
        shared
        / "clinical_trials"
        / "msc_trials_ctgov_csv_export_jesnyder"
        / "mesenchymal stem OR mesenchymal stromal.csv"
    )
    with pytest.raises(
        MalformedFile, match="clinicaltrials_ev_snapshot.json is JSON but not ClinicalTrials.gov"
    ):
        ctgov.import_files(store, [good, snap])
    assert store.entries("ctgov") == []  # the good file was not stored either
    other = tmp_path / "population.csv"
    other.write_text("country_code,year,age,popM,popF,pop\n156,2020,0-4,1,1,2\n", encoding="utf-8")
    with pytest.raises(MalformedFile, match="not a ClinicalTrials.gov export"):
        ctgov.import_files(store, [other])
    cut = tmp_path / "ctg-studies.json"
    cut.write_bytes((need_shared(*WEB) / "ctg-studies.json").read_bytes()[:5000])
    with pytest.raises(MalformedFile, match="not complete JSON"):
        ctgov.import_files(store, [cut])
    bad_phase = tmp_path / "export.csv"
    header = good.read_text(encoding="utf-8").split("\n", 1)[0]
    bad_phase.write_text(
        header
        + "\n"
        + '1,"NCT01234567","T","","Completed","","C","","","S","","","Phase 9"'
        + ",," * 7
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(MalformedFile, match="export.csv: unknown phase"):
        ctgov.import_files(store, [bad_phase])
    assert store.entries("ctgov") == []


def test_live_command_names_the_route():
    cmd = ctgov.live_command(["exosome", "extracellular vesicles"], ["INTERVENTIONAL"], "2015-01-01")
    assert cmd.startswith("exo-industry fetch ctgov --term 'exosome' --term 'extracellular vesicles'")
    assert "--study-type INTERVENTIONAL" in cmd and "--start-from 2015-01-01" in cmd


def test_cli_fetch_and_import(replay, iso_env, monkeypatch, capsys, shared):
    from exo_industry.cli import main

    monkeypatch.setenv("EXO_CTGOV_URL", replay.url + "/api/v2")
    replay.add("GET", "/api/v2/studies/NCT00184067", _fix(STUDY_1))
    assert main(["fetch", "ctgov", "--nct", "NCT00184067"]) == 0
    assert "stored 1 file" in capsys.readouterr().out
    monkeypatch.setenv("EXO_SHARED_DATA", str(shared))
    assert main(["import", "ctgov", "--mirror"]) == 0
    out = capsys.readouterr().out
    assert "classic_csv" in out and "flat_v2_csv" in out
    studies, used = ctgov.load_studies(RawStore())
    assert len(used) == 3 and len(studies) == 1389 + 19 + 1


def test_default_client_is_polite(iso_env):
    c = ctgov.make_client()
    assert c.base_url == ctgov.API_URL and c.min_interval >= 1.0  # about 50 requests a minute at most


def test_cli_refuses_an_impossible_start_date_before_any_request(iso_env, capsys, monkeypatch):
    from exo_industry import cli

    monkeypatch.setenv("EXO_CTGOV_URL", "http://127.0.0.1:9/api/v2")  # nothing listens: a request would fail
    assert cli.main(["fetch", "ctgov", "--term", "exosome", "--start-from", "2020-99-99"]) == 2
    err = capsys.readouterr().err
    assert "2020-99-99" in err and "not a date" in err and "Traceback" not in err


# --------------------------------------------------------------------------- countries
def test_location_country_keeps_names_with_a_comma():
    f = ctgov.location_country
    assert f("Shahid Beheshti University, Tehran, Iran, Islamic Republic of") == "Iran, Islamic Republic of"
    assert f("Dankook University Hospital, Cheonan, Chung Nam, Korea, Republic of") == "Korea, Republic of"
    assert (
        f("Site, Kinshasa, Congo, The Democratic Republic of the") == "Congo, The Democratic Republic of the"
    )
    assert f("Ruijin Hospital, Shanghai, Shanghai, China") == "China"
    assert f("Iran, Islamic Republic of") == "Iran, Islamic Republic of"
    # the record's own separator ("|") splits locations; commas never do
    assert ctgov._classic_countries(
        "A, Tehran, Iran, Tehran, Iran, Islamic Republic of|B, Seoul, Korea, Republic of"
        "|C, Seoul, Korea, Republic of"
    ) == ("Iran, Islamic Republic of", "Korea, Republic of")


def _known_country(name: str) -> bool:
    import pycountry

    try:
        pycountry.countries.lookup(name)
        return True
    except LookupError:
        # registry spellings pycountry no longer lists under that name
        return name in ctgov.COMMA_COUNTRIES or name in {"Turkey", "Former Serbia and Montenegro", "Kosovo"}


def test_every_site_country_in_the_mirror_is_a_whole_country_name(shared):
    seen = set()
    for path in ctgov.mirror_files(shared):
        data = path.read_bytes()
        for s in ctgov.parse(ctgov.detect_kind(data.decode("utf-8"), path.name), data, path.name):
            seen.update(s.site_countries)
    assert {"Iran, Islamic Republic of", "Korea, Republic of", "China"} <= seen
    assert not {c for c in seen if not _known_country(c)}
    assert not {c for c in seen if c.lower().startswith(("islamic republic", "republic of"))}


def test_processed_trial_tables_hold_no_country_fragment():
    """The committed tables (data/processed/trials_*.csv) name whole countries only."""
    import csv
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "data" / "processed"
    found = set()
    for path in sorted(root.glob("trials_*.csv")):
        with path.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                found.update(c for c in (row.get("site_countries") or "").split("|") if c)
    assert found, "no site countries in the committed trial tables"
    assert not {c for c in found if not _known_country(c)}


# --------------------------------------------------------------------------- count snapshot (ctgov_counts)
def test_count_snapshot_import_reads_counts_by_key(iso_env, shared, tmp_path):
    from exo_industry.errors import MissingData
    from exo_industry.sources import ctgov_counts

    store = RawStore()
    with pytest.raises(MissingData, match="import ctgov_counts --mirror"):
        ctgov_counts.load(store)
    files = ctgov_counts.mirror_files(shared)
    [entry] = ctgov_counts.import_files(store, files)
    snap, used = ctgov_counts.load(store)
    doc = json.loads(files[0].read_text(encoding="utf-8"))
    assert snap["date"] == doc["snapshot_date"] and snap["counts"] == doc["summary_counts"]
    assert used == [entry] and entry.kind == "count_snapshot"
    # a records file is not a count snapshot, and a bad count names its key; nothing is stored
    bad = tmp_path / "snap.json"
    bad.write_text(json.dumps({"snapshot_date": "2026-02-15", "summary_counts": {"cardiac_plus_ev": -1}}))
    with pytest.raises(MalformedFile, match="cardiac_plus_ev"):
        ctgov_counts.import_files(RawStore(tmp_path / "s2"), [bad])
    csv_file = ctgov.mirror_files(shared)[0]
    with pytest.raises(MalformedFile, match="not"):
        ctgov_counts.import_files(RawStore(tmp_path / "s3"), [csv_file])


# --------------------------------------------------------------------------- counts by field
EV_COND = '"extracellular vesicle" OR "extracellular vesicles" OR exosome OR exosomes'


def _count_server(replay, field: str, total: int, study_type: str | None = None):
    """The recorded page A with ``totalCount`` added, as the API adds it to the first page when
    ``countTotal=true`` is sent (https://clinicaltrials.gov/data-api/api)."""
    body = dict(json.loads(_fix(PAGE_A)), totalCount=total)
    q = {"format": ["json"], "pageSize": ["1"], "countTotal": ["true"], field: [EV_COND]}
    if study_type:
        q["filter.advanced"] = [f"(AREA[StudyType]{study_type})"]
    replay.add("GET", "/api/v2/studies", json.dumps(body).encode(), query=q)


def test_count_only_asks_one_page_for_the_total_in_the_field_given(replay, iso_env):
    """API reference (https://clinicaltrials.gov/data-api/api): ``countTotal=true`` returns
    ``totalCount`` with the first page; ``pageSize`` 1 keeps that page to one study. The count
    is stored beside (not as) records, keyed by the field it searched."""
    _count_server(replay, "query.cond", 451)
    _count_server(replay, "query.intr", 502)
    _count_server(replay, "query.cond", 260, "INTERVENTIONAL")
    store = RawStore()
    ctgov.fetch(store, cond=EV_COND, count_only=True, client=_client(replay))
    ctgov.fetch(store, intr=EV_COND, count_only=True, client=_client(replay))
    ctgov.fetch(store, cond=EV_COND, study_type=["INTERVENTIONAL"], count_only=True, client=_client(replay))
    assert len(replay.log) == 3 and all(r.query["pageSize"] == ["1"] for r in replay.log)
    counts, used = ctgov.load_counts(store)
    assert len(used) == 3
    assert counts[("query.cond", EV_COND, "")]["count"] == 451
    assert counts[("query.intr", EV_COND, "")]["count"] == 502
    assert counts[("query.cond", EV_COND, "(AREA[StudyType]INTERVENTIONAL)")]["count"] == 260
    with pytest.raises(MissingData):  # a count is not a record set
        ctgov.load_studies(store)


def test_count_only_rejects_two_fields_and_narrowing_filters(iso_env):
    with pytest.raises(BadParameter, match="exactly one"):
        ctgov.fetch(RawStore(), cond="exosome", intr="exosome", count_only=True, client=object())
    with pytest.raises(BadParameter, match="--study-type only"):
        ctgov.fetch(RawStore(), cond="exosome", status=["RECRUITING"], count_only=True, client=object())


def test_count_without_total_is_an_error(replay, iso_env):
    replay.add("GET", "/api/v2/studies", _fix(PAGE_A))  # the recorded page: no totalCount
    with pytest.raises(SourceError, match="totalCount"):
        ctgov.fetch(RawStore(), cond="exosome", count_only=True, client=_client(replay))
    assert RawStore().entries("ctgov") == []


def test_count_only_from_the_command_line(replay, iso_env, monkeypatch):
    from exo_industry.cli import main

    _count_server(replay, "query.cond", 451)
    monkeypatch.setenv("EXO_CTGOV_URL", replay.url + "/api/v2")
    monkeypatch.setenv("EXO_HTTP_BACKOFF", "0.1")
    assert main(["fetch", "ctgov", "--count-only", "--cond", EV_COND]) == 0
    counts, _ = ctgov.load_counts(RawStore())
    assert counts[("query.cond", EV_COND, "")]["count"] == 451
    assert ctgov.count_command("query.cond", EV_COND).startswith(
        "exo-industry fetch ctgov --count-only --cond '"
    )
