"""The patent section: counting rules, rankings and crossings on small hand-made inputs,
the claim's verdict rules, parameter checks, and the section run on the mirror."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from exo_industry import pipeline
from exo_industry.claims import read_ledger
from exo_industry.config import paths
from exo_industry.errors import BadParameter
from exo_industry.sections import patents as S
from exo_industry.sources import _patents as P
from exo_industry.sources import epo_ops, lens
from exo_industry.store import RawStore
from helpers import assert_values_in_chinese as _assert_values_in_chinese
from helpers import need_shared


def _doc(doc_id, family, app, pub_office, pub_date, prio_date, prio_office, countries, dataset="d"):
    return {
        "dataset": dataset,
        "doc_id": doc_id,
        "pub_office": pub_office,
        "kind": "A",
        "pub_date": pub_date,
        "app_id": app,
        "app_date": "",
        "priority_date": prio_date,
        "priority_office": prio_office,
        "family_id": family,
        "family_basis": "test",
        "applicant_countries": countries,
        "applicants": "",
        "title": "",
    }


@pytest.fixture
def docs():
    # family f1: a CN first filing (2019) later published in CN, WO and US by a CN+US applicant pair
    # family f2: a US first filing (2020), published in US twice (A1 then B1: one application)
    # family f3: a KR filing (2021) without applicant countries
    return P.frame(
        [
            _doc("CN1A", "f1", "CN1", "CN", "2020-05-01", "2019-03-01", "CN", "CN;US"),
            _doc("WO1A1", "f1", "WO1", "WO", "2020-09-01", "2019-03-01", "CN", "CN;US"),
            _doc("US1A1", "f1", "US1", "US", "2021-02-01", "2019-03-01", "CN", "CN;US"),
            _doc("US2A1", "f2", "US2", "US", "2021-06-01", "2020-01-15", "US", "US"),
            _doc("US2B1", "f2", "US2", "US", "2023-01-10", "2020-01-15", "US", "US"),
            _doc("KR3A", "f3", "KR3", "KR", "2022-07-01", "2021-04-01", "KR", ""),
        ]
    )


def _as_dict(c):
    return {(r.country, r.year): r.count for r in c.itertuples()}


def test_family_applicant_priority_default(docs):
    c = S.count_patents(docs)
    assert _as_dict(c) == {("CN", 2019): 1, ("US", 2019): 1, ("US", 2020): 1, ("unknown", 2021): 1}


def test_application_publication_office_and_year(docs):
    c = S.count_patents(docs, unit="application", country_by="publication", year_by="publication")
    # US2 is one application with two publications: counted once, in its first publication year
    assert _as_dict(c) == {("CN", 2020): 1, ("WO", 2020): 1, ("US", 2021): 2, ("KR", 2022): 1}


def test_family_priority_office_and_family_publication_offices(docs):
    c = S.count_patents(docs, unit="family", country_by="priority", year_by="priority")
    assert _as_dict(c) == {("CN", 2019): 1, ("US", 2020): 1, ("KR", 2021): 1}
    c = S.count_patents(docs, unit="family", country_by="publication", year_by="publication")
    # a family counts once in each office that published a member, in the family's first publication year
    assert _as_dict(c) == {
        ("CN", 2020): 1,
        ("US", 2020): 1,
        ("WO", 2020): 1,
        ("US", 2021): 1,
        ("KR", 2022): 1,
    }


def test_bad_rules_rejected(docs):
    for kw in ({"unit": "patent"}, {"country_by": "inventor"}, {"year_by": "grant"}):
        with pytest.raises(BadParameter):
            S.count_patents(docs, **kw)


def _series(rows):
    return pd.DataFrame(rows, columns=["country", "year", "count"])


def test_yearly_cumulative_and_crossings():
    counts = _series(
        [
            ("US", 2018, 10),
            ("US", 2019, 12),
            ("US", 2020, 14),
            ("CN", 2018, 2),
            ("CN", 2019, 9),
            ("CN", 2020, 20),
            ("GB", 2018, 4),
            ("GB", 2019, 4),
            ("GB", 2020, 3),
            ("JP", 2018, 5),
            ("JP", 2019, 6),
            ("JP", 2020, 5),
        ]
    )
    y = S.yearly_counts(counts, ("US", "CN", "GB", "KR", "JP"), (2018, 2020))
    assert len(y) == 15 and y[(y.country == "KR")]["count"].sum() == 0  # zero-filled
    r = S.cumulative_ranking(y)
    last = r[r.year == 2020].set_index("country")
    assert last.loc["CN", "cumulative"] == 31 and last.loc["US", "cumulative"] == 36
    assert last.loc["CN", "rank_cumulative"] == 2 and last.loc["CN", "rank_year"] == 1
    assert S.first_passing_year(r, "CN", "GB", "count") == {
        "other": "GB",
        "basis": "count",
        "year": 2019,
        "ahead_from_start": False,
        "ahead_at_end": True,
    }
    assert S.first_passing_year(r, "CN", "GB", "cumulative")["year"] == 2019  # 11 > 8
    assert S.first_passing_year(r, "CN", "JP", "cumulative")["year"] == 2020  # 31 > 16, 11 = 11 not passing
    assert S.first_passing_year(r, "CN", "KR", "count")["ahead_from_start"] is True
    assert S.first_passing_year(r, "CN", "US", "cumulative")["year"] is None
    x = S.crossings(r, "CN", ("GB", "KR", "JP", "US"))
    assert set(x["other"]) == {"GB", "KR", "JP", "US"} and len(x) == 8
    st = S.standing(r, "CN", "US")
    assert (st["leader_count"], st["against_count"], st["leader_rank_cumulative"]) == (20, 14, 2)
    assert st["ratio_cumulative"] == pytest.approx(31 / 36)
    with pytest.raises(BadParameter):
        S.first_passing_year(r, "CN", "FR")


def _grid(values: dict[str, list[int]], start=2010):
    rows = [(c, start + i, n) for c, ns in values.items() for i, n in enumerate(ns)]
    return _series(rows)


def test_verdict_rules():
    years = (2010, 2012)
    ok = _grid({"US": [10, 10, 10], "CN": [1, 6, 9], "GB": [3, 3, 3], "KR": [2, 2, 2], "JP": [4, 4, 4]})
    c = S.check_rank({"s": (ok, True, "applicant")}, None, years)
    assert c.verdict == "reproduced" and "CN rank 2" in c.reproduced_value
    assert S.check_rank({"s": (ok, False, "applicant")}, None, years).verdict == "reproduced with caveat"
    first = _grid({"US": [5, 5, 5], "CN": [8, 9, 10], "GB": [1, 1, 1], "KR": [1, 1, 1], "JP": [1, 1, 1]})
    c = S.check_rank({"s": (first, True, "applicant")}, None, years)
    assert c.verdict == "contradicted" and "ahead of the US" in c.reason
    behind = _grid({"US": [9, 9, 9], "CN": [1, 1, 1], "GB": [0, 0, 0], "KR": [0, 0, 0], "JP": [5, 5, 5]})
    c = S.check_rank({"s": (behind, True, "priority")}, None, years)
    assert c.verdict == "contradicted" and "below JP" in c.reason and "first-filing office" in c.unit
    off = S.check_rank({}, None, years)
    assert off.verdict == "not checkable offline"
    assert "exo-industry fetch lens" in off.note and "Ponce-Polo et al. (2022)" in off.note


def test_references_cited():
    for r in S.REFERENCES:
        assert r.url.startswith(("https://", "http://")) and r.citation
    assert "Recent Pat Biotechnol" in S.PONCE_POLO_2022.citation and "35240977" in S.PONCE_POLO_2022.url


@pytest.mark.parametrize(
    "kw, words",
    [
        ({"countries": ["US", "CX", "Chna"]}, "Chna"),
        ({"countries": ["Chin"]}, "did you mean CN"),
        ({"countries": ["UK"]}, "did you mean GB"),
        ({"years": [2023, 2010]}, "reversed"),
        ({"years": "2010"}, "years"),
        ({"unit": "patents"}, "unit"),
        ({"country_by": "inventor"}, "country basis"),
        ({"year_by": "grant"}, "year basis"),
        ({"source": "lense"}, "did you mean lens"),
        ({"source": ""}, "source"),
        ({"query": " "}, "query"),
        ({"lang": "fr"}, "lang"),
        ({"countries": []}, "countries"),
    ],
)
def test_bad_parameters_rejected(kw, words):
    with pytest.raises(BadParameter, match=words):
        S.validate_parameters(**kw)


def test_good_parameters(tmp_path):
    export = tmp_path / "export.jsonl"
    export.write_text("{}\n", encoding="utf-8")
    p = S.validate_parameters(
        countries=["us", "cn", "GB", "KR", "JP", "EP"], years=[2012, 2023], source=f" {export} "
    )
    assert isinstance(p, S.Parameters)
    assert p.countries == ("US", "CN", "GB", "KR", "JP", "EP") and p.years == (2012, 2023)
    assert p.source == str(export) and S.validate_parameters(source="  lens ").source == "lens"
    assert S.validate_parameters(countries="cn").countries == ("CN",)  # one code as a string
    assert S.validate_parameters() == S.Parameters(query=S.DEFAULT_QUERY)  # defaults, as in the notebook
    with pytest.raises(BadParameter, match="did you mean CN"):
        S.check_country("China")  # a name is not a code, but the code is suggested


def test_unknown_parameter_named():
    with pytest.raises(BadParameter, match="colour"):
        S.validate_parameters(colour="red", lang="en")


def test_parameters_are_frozen():
    p = S.validate_parameters()
    with pytest.raises(AttributeError):
        p.unit = "application"
    assert p.rule == {"unit": "family", "country_by": "applicant", "year_by": "priority"}


def _run(store):
    out = pipeline.process(["patents"], store, force=True)
    assert out[0].status == "processed", out
    return read_ledger(paths().claims).set_index("claim_id").loc["patents.rank"]


def test_section_on_mirror_is_not_checkable_offline_and_deterministic(iso_env, shared):
    store = RawStore()
    epo_ops.import_files(store, epo_ops.mirror_files(shared))
    row = _run(store)
    assert row["verdict"] == "not checkable offline"
    assert "60 exosome/EV patent publications" in row["note"] and "US 18" in row["note"]
    assert "exo-industry fetch epo_ops" in row["note"]
    proc = paths().processed
    offices = pd.read_csv(proc / "patents_mirror_offices.csv")
    assert offices["publications"].sum() == 60
    assert offices.groupby("pub_office")["publications"].sum()["WO"] == 20
    assert pd.read_csv(proc / "patents_ranking.csv").empty  # no country series offline
    refs = pd.read_csv(proc / "patents_references.csv")
    assert "ponce_polo_2022_msc_ev_patents" in set(refs["key"])
    before = {p.name: p.read_bytes() for p in proc.glob("patents_*.csv")}
    _run(store)
    assert {p.name: p.read_bytes() for p in proc.glob("patents_*.csv")} == before


def test_section_with_imported_series(iso_env, shared):
    store = RawStore()
    epo_ops.import_files(store, epo_ops.mirror_files(shared))
    lens.import_files(
        store,
        [
            need_shared("patents", "fixtures_lens_patent_csv_export_antontruly", "lens-export.csv"),
            need_shared("patents", "fixtures_lens_patent_jsonl_PatentsLens", "biopoly_broken1.jsonl"),
        ],
    )
    row = _run(store)
    # a real export (jet engines, a format fixture) stands in for a user's exosome export here:
    # the verdict is computed from it, and says which series it rests on
    assert row["verdict"] in ("reproduced", "reproduced with caveat", "contradicted")
    assert "lens import lens-export.csv" in row["source"] and "first-filing office" in row["unit"]
    proc = paths().processed
    counts = pd.read_csv(proc / "patents_counts.csv")
    assert set(counts.loc[counts.series == "lens import lens-export.csv", "country_by"]) == {"priority"}
    defects = pd.read_csv(proc / "patents_input_defects.csv")
    assert defects[["file", "line"]].values.tolist() == [["biopoly_broken1.jsonl", 4]]
    ranking = pd.read_csv(proc / "patents_ranking.csv")
    assert {"lens import lens-export.csv", "lens import biopoly_broken1.jsonl"} <= set(ranking["series"])


def test_claim_has_chinese_reason_and_note():
    off = S.check_rank({}, None)
    assert (
        "离线" in off.reason_zh and "exo-industry fetch lens" in off.note_zh and "参考文献[18]" in off.note_zh
    )
    ok = _grid({"US": [10, 10, 10], "CN": [1, 6, 9], "GB": [3, 3, 3], "KR": [2, 2, 2], "JP": [4, 4, 4]})
    c = S.check_rank({"s": (ok, False, "applicant")}, None, (2010, 2012))
    assert "序列不完整" in c.reason_zh and "申请人国家" in c.note_zh


def test_claim_values_and_unit_in_chinese():
    """On every branch (offline with and without the mirror slice; reproduced, with caveat, contradicted),
    the values and unit that hold words have a Chinese version with the same numbers."""
    years = (2010, 2012)
    ok = _grid({"US": [10, 10, 10], "CN": [1, 6, 9], "GB": [3, 3, 3], "KR": [2, 2, 2], "JP": [4, 4, 4]})
    first = _grid({"US": [5, 5, 5], "CN": [8, 9, 10], "GB": [1, 1, 1], "KR": [1, 1, 1], "JP": [1, 1, 1]})
    behind = _grid({"US": [9, 9, 9], "CN": [1, 1, 1], "GB": [0, 0, 0], "KR": [0, 0, 0], "JP": [5, 5, 5]})
    mirror = pd.DataFrame(
        {"dataset": ["m"] * 3, "country": ["US", "CN", "DE"], "year": [2020, 2021, 2021], "count": [3, 2, 1]}
    )
    produced = [
        S.check_rank({}, None, years),
        S.check_rank({}, mirror, years),
        S.check_rank({"s": (ok, True, "applicant")}, None, years),
        S.check_rank({"s": (ok, False, "publication")}, None, years),
        S.check_rank({"s": (first, True, "applicant")}, None, years),
        S.check_rank({"s": (behind, True, "priority")}, None, years),
    ]
    assert {c.verdict for c in produced} == {
        "not checkable offline",
        "reproduced",
        "reproduced with caveat",
        "contradicted",
    }
    for c in produced:
        _assert_values_in_chinese(c)
    assert produced[0].paper_value_zh == "中国居第2位，仅次于美国；领先英国、韩国和日本"
    assert (
        produced[2].reproduced_value_zh
        == "2010–2012年累计，中国排第2位（美国 30 > 中国 16 > 日本 12 > 英国 9 > 韩国 6）"
    )
    assert "首次申请局" in produced[5].unit_zh and "公开局" in produced[3].unit_zh


def test_family_spanning_live_pages_counts_once(iso_env):
    """Two live Lens pages, each with one member of the same simple family (hand-written records
    in the Lens patent record schema): the family is counted once for the series."""
    import json

    def rec(lens_id, office, number, other):
        return {
            "lens_id": lens_id,
            "jurisdiction": office,
            "doc_number": number,
            "kind": "A1",
            "date_published": "2021-06-01",
            "biblio": {
                "priority_claims": {
                    "claims": [{"jurisdiction": "CN", "doc_number": "2020100", "date": "2020-02-01"}],
                    "earliest_claim": {"date": "2020-02-01"},
                },
                "parties": {"applicants": [{"residence": "CN", "extracted_name": {"value": "A UNIV"}}]},
            },
            "families": {"simple_family": {"members": [{"lens_id": lens_id}, {"lens_id": other}], "size": 2}},
        }

    store = RawStore()
    for i, r in enumerate(
        (
            rec("000-000-000-000-001", "CN", "1", "000-000-000-000-002"),
            rec("000-000-000-000-002", "US", "2", "000-000-000-000-001"),
        ),
        start=1,
    ):
        body = json.dumps({"total": 2, "data": [r], "scroll_id": f"s{i}"}).encode()
        store.put(
            "lens",
            f"api_search_p{i:04d}.json",
            body,
            kind="lens_api_search",
            route="live",
            licence="test",
            query={"complete": True},
        )
    row = _run(store)
    counts = pd.read_csv(paths().processed / "patents_counts.csv")
    assert counts[["series", "country", "year", "count"]].values.tolist() == [["lens live", "CN", 2020, 1]]
    assert "lens live" in row["source"]
    docs = pd.read_csv(paths().processed / "patents_documents.csv", dtype=str, keep_default_na=False)
    datasets = pd.read_csv(paths().processed / "patents_datasets.csv", dtype=str, keep_default_na=False)
    sel = S.select_series(docs, datasets, "lens")
    assert len(sel) == 2 and S.count_patents(sel)["count"].tolist() == [1]


def test_missing_import_file_refused(iso_env, tmp_path):
    missing = tmp_path / "no-such-export.csv"
    with pytest.raises(BadParameter, match="import file .*no-such-export.csv.* not found"):
        S.validate_parameters(source=str(missing))
    # a name already imported is accepted even when the original file has moved
    processed = Path(os.environ["EXO_PROCESSED"])
    pd.DataFrame({"dataset": ["lens-export.csv"], "original_name": ["lens-export.csv"]}).to_csv(
        processed / "patents_datasets.csv", index=False
    )
    assert S.validate_parameters(source="gone/lens-export.csv").source == "gone/lens-export.csv"
    with pytest.raises(BadParameter, match="not found"):
        S.validate_parameters(source="gone/other.csv")


def test_run_with_missing_import_file_exits_2(iso_env, tmp_path, capsys):
    from exo_industry.cli import main

    missing = tmp_path / "missing.csv"
    code = main(["run", "05", "-p", "source", str(missing), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "missing.csv" in err and "was never imported" in err and "Traceback" not in err
    assert not list((Path(os.environ["EXO_BUILD"])).rglob("*.ipynb"))  # refused before any kernel
