"""The NCD-burden section (paper §1.2): tables, claims, parameters and notebook 02.

Hand-written inputs below follow the published layouts of a World Bank WDI bulk CSV
(four lines before the ``"Country Name"`` header, one column per year) and of Our World
in Data grapher CSVs (``Entity,Code,Year`` then one column per series). Their numbers
are made up.
"""

from __future__ import annotations

import re
from collections import Counter

import matplotlib.pyplot as plt
import pandas as pd
import pytest

import ghe_workbook
from exo_industry import pipeline, theme
from exo_industry.claims import Evidence, read_ledger
from exo_industry.config import paths
from exo_industry.errors import BadParameter
from exo_industry.sections import ncd
from exo_industry.sections.ncd import rules, text
from exo_industry.sources import owid, who_ghe, worldbank
from exo_industry.store import RawStore
from helpers import assert_values_in_chinese as _assert_values_in_chinese
from helpers import need_shared

COL = "Deaths - {} - Sex: Both - Age: All Ages (Number)"
WDI_HEAD = '"Data Source","World Development Indicators",\n\n"Last Updated Date","2023-03-01",\n\n'


def wdi_csv(rows: list[tuple[str, str, str, float, float]]) -> str:
    lines = ['"Country Name","Country Code","Indicator Name","Indicator Code","2000","2019",']
    for name, code, ind, v2000, v2019 in rows:
        lines.append(f'"{name}","{code}","x","{ind}","{v2000}","{v2019}",')
    return WDI_HEAD + "\n".join(lines) + "\n"


def category_csv(rows) -> str:
    head = "Entity,Code,Year,{},\"{}\",{}\n".format(
        COL.format("Injuries"),
        COL.format("Communicable, maternal, neonatal, and nutritional diseases"),
        COL.format("Non-communicable diseases"),
    )
    return head + "".join(f"{e},{c},{y},{i},{m},{n}\n" for e, c, y, i, m, n in rows)


CAUSES = [
    "Cardiovascular diseases",
    "Neoplasms",
    "Chronic respiratory diseases",
    "Diabetes mellitus",
    "Chronic kidney disease",
    "Digestive diseases",
    "Cirrhosis and other chronic liver diseases",
    "Alzheimer's disease and other dementias",
    "Lower respiratory infections",
    "Road injuries",
]


def cause_csv(rows) -> str:
    head = "Entity,Code,Year," + ",".join(COL.format(c) for c in CAUSES) + "\n"
    return head + "".join(",".join(map(str, r)) + "\n" for r in rows)


def build_store(tmp_path, *, world_share_2019=73.6, diabetes=150, digestive=200, ghe=None):
    """A small store: WDI shares + population (to be ignored), GBD categories and causes, and a
    WHO GHE 2021 workbook (``ghe``: changes to :data:`ghe_workbook.DEFAULT`, by year)."""
    wdi = tmp_path / "API_SH.DTH.NCOM.ZS_DS2_en_csv_v2_1.csv"
    wdi.write_text(
        wdi_csv(
            [
                ("World", "WLD", "SH.DTH.NCOM.ZS", 60.8, world_share_2019),
                ("China", "CHN", "SH.DTH.NCOM.ZS", 81.0, 89.6),
                ("World", "WLD", "SH.DTH.COMM.ZS", 30.0, 18.4),
            ]
        ),
        encoding="utf-8",
    )
    pop = tmp_path / "API_SP.POP.TOTL_DS2_en_csv_v2_2.csv"
    pop.write_text(
        wdi_csv(
            [("World", "WLD", "SP.POP.TOTL", 6.1e9, 7.7e9), ("China", "CHN", "SP.POP.TOTL", 1.26e9, 1.4e9)]
        ),
        encoding="utf-8",
    )
    cat = tmp_path / "deaths-by-cause-category-stacked.csv"
    cat.write_text(
        category_csv(
            [
                ("World", "OWID_WRL", 2000, 45, 150, 310),
                ("World", "OWID_WRL", 2017, 45, 104, 411),
                ("China", "CHN", 2017, 30, 20, 430),
            ]
        ),
        encoding="utf-8",
    )
    cau = tmp_path / "annual-number-of-deaths-by-cause.csv"
    # cvd, neoplasms, crd, diabetes, ckd, digestive, cirrhosis (part of digestive), alzheimer, lri, road
    cau.write_text(
        cause_csv(
            [
                ("World", "OWID_WRL", 2019, 1800, 1000, 400, diabetes, 140, digestive, 150, 160, 250, 120),
                ("China", "CHN", 2019, 450, 270, 110, 17, 20, 40, 30, 30, 20, 25),
                ("Western Pacific Region (WHO)", "", 2019, 900, 500, 200, 50, 40, 60, 40, 50, 40, 50),
            ]
        ),
        encoding="utf-8",
    )
    store = RawStore()
    worldbank.import_files(store, [wdi, pop])
    owid.import_files(store, [cat, cau])
    years = {y: {**v, **(ghe or {}).get(y, {})} for y, v in ghe_workbook.DEFAULT.items()}
    who_ghe.import_files(store, [ghe_workbook.write(tmp_path / "ghe2021.xlsx", years)])
    return store


def claims_by_id():
    ledger = read_ledger(paths().claims)
    return {r["claim_id"]: r for _, r in ledger.iterrows()}


# --------------------------------------------------------------------------- hand-written inputs
def test_section_reads_only_its_own_wdi_indicators(tmp_path, iso_env):
    store = build_store(tmp_path)
    result = ncd.process(store)
    share = result.tables["ncd_share"].frame
    who = share[share.source == ncd.SRC_WHO]
    assert set(who.group) == {"ncd", "communicable"}
    assert who.share_pct.max() <= 100  # no population counts leaked in
    assert not any("SP.POP.TOTL" in e.name for e in result.inputs)
    assert {e.source for e in result.inputs} == {"worldbank", "owid", "who_ghe"}
    # OWID's world code is mapped to WDI's
    assert set(share.loc[share.location == "World", "location_code"]) == {"WLD"}


def test_main4_table_and_nested_causes(tmp_path, iso_env):
    result = ncd.process(build_store(tmp_path))
    m = result.tables["ncd_main4"].frame
    w = m[(m.source == ncd.SRC_GBD19) & (m.location_code == "WLD")].iloc[0]
    assert w.main4_sum == 1800 + 1000 + 400 + 150
    # cirrhosis is part of digestive diseases and must not be counted twice
    assert w.ncd_total == 1800 + 1000 + 400 + 150 + 140 + 200 + 160
    assert w.main4_share_pct == pytest.approx(100 * 3350 / 3850)
    who = m[m.source == ncd.SRC_WHO_PUBLISHED].iloc[0]
    assert who.main4_sum == pytest.approx(33.3e6) and who.ncd_total == pytest.approx(41e6)
    assert "kidney" in who.diabetes_definition
    # aggregates without a code are kept and found by name
    assert "Western Pacific Region (WHO)" in set(m.location)


def test_claims_follow_the_rules(tmp_path, iso_env):
    result = ncd.process(build_store(tmp_path))
    c = {x.claim_id: x for x in result.claims}
    share = c["ncd.share"]
    assert share.verdict == "reproduced with caveat"
    assert share.reproduced_value == (
        "68.8% of all deaths, 74.7% of deaths other than COVID-19 and pandemic-related (42.7 million), 2020"
    )
    assert "31 million is WHO's count for 2000" in share.reason and "2019: 73.7%, 42 million" in share.reason
    assert "only once COVID-19 and pandemic-related deaths are set aside" in share.note
    main4 = c["ncd.main4"]
    # WHO's list, 80%+ of NCD deaths each year: reproduced, although diabetes alone (150) is
    # outranked by digestive diseases (200) and Alzheimer's (160) in GBD's broader groups (a note)
    assert main4.verdict == "reproduced"
    assert "comes 6th" in main4.note and "a note, not a caveat" in main4.note
    assert main4.reproduced_value == "WHO's list of four; 34.4 million, 80.6% of NCD deaths (2020)"


# GHE 2021 changes that move each verdict (deaths in millions)
LOW_NCD_2020 = {2020: {"ncd": 36.0, "cvd": 16.0}}  # 65% of all, 69% without pandemic deaths
SMALL_MAIN4_2021 = {2021: {"cvd": 10.0, "cancer": 6.0, "crd": 3.0, "diab": 1.6}}  # 48% of NCD deaths


def test_claims_can_be_reproduced_or_contradicted(tmp_path, iso_env, monkeypatch):
    def verdicts(**kw):
        return {x.claim_id: x.verdict for x in ncd.process(build_store(tmp_path, **kw)).claims}

    assert verdicts(ghe=LOW_NCD_2020)["ncd.share"] == "contradicted"
    assert verdicts(ghe={2020: {"ncd": 44.0, "comm": 10.9, "covid": 0.5, "pan": 0.0}})["ncd.share"] == (
        "reproduced with caveat"  # 74.2% of all deaths, but 44 million is not 31 million
    )
    assert verdicts(ghe=SMALL_MAIN4_2021)["ncd.main4"] == "reproduced with caveat"
    monkeypatch.setattr(rules, "PAPER_MAIN4", ("cvd", "cancer", "chronic_respiratory", "ckd"))
    assert verdicts()["ncd.main4"] == "contradicted"


def _numbers(text: str) -> Counter:
    """The numbers of a text, with English counts ("42.7 million") written as Chinese ones ("4270")
    and disease names that hold numbers ("COVID-19", 新冠肺炎 in Chinese) left out."""
    text = text.replace("COVID-19", "COVID")
    text = re.sub(r"(\d+(?:\.\d+)?) million", lambda m: ncd.count(float(m.group(1)), "zh")[:-1], text)
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


def _assert_values_in_chinese_counts(claim) -> None:
    """conftest's check, with English counts in millions compared as Chinese counts in 万."""
    import types

    wan = lambda m: ncd.count(float(m.group(1)), "zh")  # noqa: E731 - a one-line substitution
    en = {f: re.sub(r"(\d+(?:\.\d+)?) million", wan, getattr(claim, f).replace("COVID-19", "COVID"))
          for f in ("paper_value", "reproduced_value", "unit")}  # fmt: skip
    zh = {f + "_zh": getattr(claim, f + "_zh") for f in en}
    _assert_values_in_chinese(
        types.SimpleNamespace(claim_id=claim.claim_id, verdict=claim.verdict, **en, **zh)
    )


def test_claims_have_chinese_reason_and_note_with_the_same_numbers(tmp_path, iso_env):
    """Every claim, on every verdict branch, carries reason_zh / note_zh built from the same values."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    seen = set()
    variants = ({}, {"ghe": LOW_NCD_2020}, {"ghe": SMALL_MAIN4_2021}, {"paper_main4": ("cvd",)})
    for kw in variants:
        kw = dict(kw)
        rules_main4 = kw.pop("paper_main4", rules.PAPER_MAIN4)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(rules, "PAPER_MAIN4", rules_main4)
            claims = ncd.process(build_store(tmp_path, **kw)).claims
        for c in claims:
            seen.add((c.claim_id, c.verdict))
            for en, zh in ((c.reason, c.reason_zh), (c.note, c.note_zh)):
                assert zh and cjk.search(zh) and zh != en, (c.claim_id, zh)
                # every number of the English text (values, years, ranks) is in the Chinese one
                assert not _numbers(en) - _numbers(zh), (c.claim_id, _numbers(en) - _numbers(zh), zh)
            assert "非传染性疾病" in c.note_zh and "百万" not in c.note_zh + c.reason_zh
            _assert_values_in_chinese_counts(c)
            # the reproduced figures that the English gives are given in Chinese too
            for n in _numbers(c.reproduced_value):
                assert (n in _numbers(c.reason)) <= (n in _numbers(c.reason_zh))
                assert (n in _numbers(c.note)) <= (n in _numbers(c.note_zh))
    assert seen == {
        ("ncd.share", "reproduced with caveat"),
        ("ncd.share", "contradicted"),
        ("ncd.main4", "reproduced with caveat"),
        ("ncd.main4", "reproduced"),
        ("ncd.main4", "contradicted"),
    }
    share = {c.claim_id: c for c in ncd.process(build_store(tmp_path)).claims}["ncd.share"]
    assert (
        "74.7%" in share.reason_zh and "4270万例" in share.note_zh and "全球卫生估计2021" in share.reason_zh
    )
    assert "有保留地复现" in share.note_zh and "全球疾病负担研究" in share.note_zh
    # the ledger keeps them, for the zh briefing
    pipeline.process(["ncd"], build_store(tmp_path), force=True)
    c = claims_by_id()
    assert all(
        cjk.search(c[k]["reason_zh"]) and cjk.search(c[k]["note_zh"]) for k in ("ncd.share", "ncd.main4")
    )
    assert all(
        cjk.search(c[k][f])
        for k in ("ncd.share", "ncd.main4")
        for f in ("paper_value_zh", "reproduced_value_zh", "unit_zh")
    )
    assert c["ncd.share"]["paper_value_zh"] == "2020年：74%（3100万例死亡）"
    assert c["ncd.main4"]["paper_value_zh"] == "心血管疾病、癌症、慢性呼吸系统疾病、糖尿病"


def test_grade_functions():
    assert ncd.grade_share({2019: 73.6, 2000: 60.8}, 74.0, 2020) == ("reproduced with caveat", 2019, 73.6)
    assert ncd.grade_share({2020: 73.8}, 74.0, 2020)[0] == "reproduced"
    assert ncd.grade_share({2019: 72.5}, 74.0, 2019)[0] == "reproduced with caveat"
    assert ncd.grade_share({2019: 70.0}, 74.0, 2020)[0] == "contradicted"
    counts = {2000: 31.0, 2019: 41.0}
    assert ncd.grade_count(counts, 31.0, 2019) == ("reproduced with caveat", 2000)
    assert ncd.grade_count(counts, 41.5, 2019) == ("reproduced", 2019)
    assert ncd.grade_count(counts, 36.0, 2019) == ("contradicted", None)
    assert ncd.grade_main4_list(rules.WHO_MAIN4_LIST, rules.WHO_MAIN4_LIST, {2020: 80.6}) == "reproduced"


# --------------------------------------------------------------------------- evidence on hand-made tables
def who_share_table(series: dict[int, float]) -> pd.DataFrame:
    """``ncd_share`` rows: WHO's world NCD share by year."""
    return pd.DataFrame(
        [
            {"source": ncd.SRC_WHO, "location_code": "WLD", "location": "World", "year": y, "group": "ncd",
             "share_pct": v, "deaths": float("nan")}
            for y, v in series.items()
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    "series, share_grade, year_used",
    [
        ({2020: 74.49}, "reproduced", 2020),  # just inside SHARE_EXACT_PP, the paper's year
        ({2020: 73.51}, "reproduced", 2020),
        ({2020: 74.51}, "reproduced with caveat", 2020),  # just outside SHARE_EXACT_PP
        ({2019: 74.49, 2000: 60.8}, "reproduced with caveat", 2019),  # close, but another year
        ({2020: 75.99}, "reproduced with caveat", 2020),  # just inside SHARE_CLOSE_PP
        ({2020: 72.01}, "reproduced with caveat", 2020),
        ({2020: 76.01}, "contradicted", 2020),  # just outside SHARE_CLOSE_PP
        ({2019: 71.99}, "contradicted", 2019),
        ({2019: 73.6, 2021: 74.0}, "reproduced with caveat", 2021),  # nearest year; the later on a tie
    ],
)
def test_share_grade_boundaries(series, share_grade, year_used):
    ev = ncd.share_evidence(who_share_table(series))
    assert (ev["share_grade"], ev["year_used"]) == (share_grade, year_used)
    assert ev["who_share"] == series[year_used]
    assert ev.thresholds["share_exact_pp"] == rules.SHARE_EXACT_PP


@pytest.mark.parametrize(
    "paper_count, count_grade, count_year, verdict",
    [
        (41.0 * 1.0499, "reproduced", 2019, "reproduced"),  # just inside COUNT_TOL of the same year
        (41.0 * 0.9501, "reproduced", 2019, "reproduced"),
        (41.0 * 1.0501, "contradicted", None, "contradicted"),  # just outside it, and no other year
        (31.0 * 1.0499, "reproduced with caveat", 2000, "reproduced with caveat"),  # another year's count
        (31.0 * 1.0501, "contradicted", None, "contradicted"),
    ],
)
def test_count_grade_boundaries_and_weaker_verdict(
    monkeypatch, paper_count, count_grade, count_year, verdict
):
    monkeypatch.setattr(rules, "PAPER_COUNT", paper_count)
    monkeypatch.setattr(rules, "PAPER_YEAR", 2019)
    ev = ncd.share_evidence(who_share_table({2019: 74.0}))
    assert ev["share_grade"] == "reproduced"
    assert (ev["count_grade"], ev["count_year"]) == (count_grade, count_year)
    assert ev.verdict == verdict  # the weaker of the two grades


# --------------------------------------------------------------------------- ncd.share on GHE 2021
def ghe_share_table(
    all_share: float, other_share: float, ncd_m: float = 42.7, year: int = 2020
) -> pd.DataFrame:
    """``ncd_share`` rows of WHO GHE 2021 for one year (world): NCD share of all / non-pandemic deaths."""
    base = {"source": ncd.SRC_GHE21, "location_code": "WLD", "location": "World", "year": year}
    return pd.DataFrame(
        [
            {**base, "basis": rules.BASIS_ALL, "group": "ncd", "share_pct": all_share, "deaths": ncd_m * 1e6},
            {**base, "basis": rules.BASIS_NON_PANDEMIC, "group": "ncd", "share_pct": other_share,
             "deaths": ncd_m * 1e6},
            {**base, "basis": rules.BASIS_ALL, "group": "covid19", "share_pct": 1.0, "deaths": 4e6},
        ]
    )  # fmt: skip


@pytest.mark.parametrize(
    "all_share, other_share, share_grade, basis",
    [
        (74.49, 74.49, "reproduced", rules.BASIS_ALL),  # just inside SHARE_EXACT_PP of all deaths
        (73.51, 80.0, "reproduced", rules.BASIS_ALL),
        (74.51, 74.51, "reproduced with caveat", rules.BASIS_ALL),  # just outside it
        (75.99, 90.0, "reproduced with caveat", rules.BASIS_ALL),  # just inside SHARE_CLOSE_PP
        (71.99, 74.99, "reproduced with caveat", rules.BASIS_NON_PANDEMIC),  # only without pandemic deaths
        (68.8, 74.7, "reproduced with caveat", rules.BASIS_NON_PANDEMIC),  # GHE 2021's 2020
        (68.8, 72.99, "contradicted", rules.BASIS_ALL),  # just outside SHARE_NON_PANDEMIC_PP
        (68.8, 75.01, "contradicted", rules.BASIS_ALL),
        (76.01, 74.0, "reproduced with caveat", rules.BASIS_NON_PANDEMIC),
    ],
)
def test_share_year_grade_boundaries(all_share, other_share, share_grade, basis):
    ev = ncd.share_evidence(ghe_share_table(all_share, other_share))
    assert (ev["share_grade"], ev["share_basis"], ev["year_used"]) == (share_grade, basis, 2020)
    assert ev["ghe"] is True and ev.thresholds["share_non_pandemic_pp"] == rules.SHARE_NON_PANDEMIC_PP


@pytest.mark.parametrize(
    "ncd_m, count_grade, count_year, verdict",
    [
        (32.63, "reproduced", 2020, "reproduced"),  # 31 is within COUNT_TOL of GHE's 2020 count (<= 32.63)
        (32.64, "reproduced with caveat", 2000, "reproduced with caveat"),  # just outside: 2000's count (WHS)
        (42.7, "reproduced with caveat", 2000, "reproduced with caveat"),  # the real case
    ],
)
def test_share_year_count_grade(ncd_m, count_grade, count_year, verdict):
    ev = ncd.share_evidence(ghe_share_table(74.0, 74.0, ncd_m))
    assert (ev["count_grade"], ev["count_year"], ev.verdict) == (count_grade, count_year, verdict)
    assert ev["count_used"] == pytest.approx(ncd_m)


def test_share_falls_back_to_ghe2019_without_the_papers_year():
    ev = ncd.share_evidence(
        pd.concat([who_share_table({2019: 73.6}), ghe_share_table(73.8, 73.8, 42.0, 2019)])
    )
    assert ev["ghe"] is False and ev["year_used"] == 2019


def test_share_evidence_on_the_paper_values():
    ev = ncd.share_evidence(who_share_table({2000: 60.8, 2019: 73.6}))
    assert ev.verdict == "reproduced with caveat" and ev["count_year"] == 2000 and ev["count_used"] == 41.0
    assert ev["share_stands"] is True and ev["gbd17"] is False and ev["last_year"] == 2019


def cause_tables(values: dict[str, float]):
    """(deaths, causes, main4) tables for the world in 2019 from deaths by GBD cause."""
    deaths = pd.DataFrame(
        [
            {"location_code": "WLD", "location": "World", "year": 2019, "cause": c, "deaths": d}
            for c, d in values.items()
        ]
    )
    causes = ncd.classify_causes(list(values))
    return deaths, causes, ncd.main4_table(deaths, causes)


BASE = {
    "Cardiovascular diseases": 1800,
    "Neoplasms": 1000,
    "Chronic respiratory diseases": 400,
    "Diabetes mellitus": 300,
    "Chronic kidney disease": 100,
    "Digestive diseases": 200,
}


@pytest.mark.parametrize(
    "change",
    [{}, {"Diabetes mellitus": 199}, {"Diabetes mellitus": 199, "Chronic kidney disease": 0.5},
     {"Diabetes mellitus": 199, "Chronic respiratory diseases": 150}],
)  # fmt: skip
def test_main4_ranking_is_a_note_not_the_verdict(change):
    """Where diabetes or chronic respiratory disease ranks in GBD's broader groups does not decide
    ncd.main4: the paper repeats WHO's list (here GBD 2019 alone, so the four's share decides)."""
    ev = ncd.main4_evidence(*cause_tables({**BASE, **change}))
    assert ev.verdict == "reproduced" and ev["source"] == ncd.SRC_GBD19 and ev["ranking"] is True
    assert ev["main4_sum"] == sum({**BASE, **change}[c] for c in ncd.MAIN4.values())


@pytest.mark.parametrize(
    "shares, paper, verdict",
    [
        ({2019: 50.01, 2020: 80.0}, rules.WHO_MAIN4_LIST, "reproduced"),  # just above MAIN4_MIN_SHARE
        ({2019: 50.0, 2020: 80.0}, rules.WHO_MAIN4_LIST, "reproduced with caveat"),  # at it, in one year
        ({2020: 80.0}, ("cvd", "cancer", "chronic_respiratory", "ckd"), "contradicted"),  # not WHO's list
        ({2020: 80.0}, ("cvd", "cancer", "chronic_respiratory"), "contradicted"),
        ({2020: 80.0}, ("diabetes", "chronic_respiratory", "cancer", "cvd"), "reproduced"),  # order free
    ],
)
def test_main4_list_and_share_boundaries(shares, paper, verdict):
    assert ncd.grade_main4_list(paper, rules.WHO_MAIN4_LIST, shares) == verdict


def ghe_main4_table(shares: dict[int, float]) -> pd.DataFrame:
    """``ncd_main4`` rows of WHO GHE 2021 for the world with the given share of the four."""
    rows = [{"source": ncd.SRC_GHE21, "location_code": "WLD", "location": "World", "year": y, "cvd": 19e6,
             "cancer": 9.5e6, "chronic_respiratory": 4.3e6, "diabetes": 1.6e6, "diabetic_kidney": 0.5e6,
             "main4_sum": 34.4e6, "ncd_total": 34.4e6 * 100 / sh, "main4_share_pct": sh}
            for y, sh in shares.items()]  # fmt: skip
    return pd.DataFrame(rows)


def test_main4_evidence_on_ghe2021_every_year():
    deaths, causes, gbd = cause_tables(BASE)
    main4 = pd.concat([gbd, ghe_main4_table({2019: 80.8, 2020: 80.6, 2021: 50.0})], ignore_index=True)
    ev = ncd.main4_evidence(deaths, causes, main4)
    assert ev.verdict == "reproduced with caveat" and ev["share4_min"] == 50.0  # 2021 is at the threshold
    assert ev["source"] == ncd.SRC_GHE21 and ev["year"] == 2020 and ev["share4"] == 80.6
    assert ev["shares"] == ((2019, 80.8), (2020, 80.6), (2021, 50.0))
    main4 = pd.concat([gbd, ghe_main4_table({2019: 80.8, 2020: 80.6, 2021: 50.01})], ignore_index=True)
    assert ncd.main4_evidence(deaths, causes, main4).verdict == "reproduced"


def test_main4_values_name_the_groups_ahead_of_diabetes():
    ev = ncd.main4_evidence(*cause_tables({**BASE, "Diabetes mellitus": 150, "Parkinson's disease": 160}))
    assert ev["rank_alone"] == 6 and ev["ahead"] == ("Digestive diseases", "Neurological disorders")
    assert ev["diabetes_kidney"] == 250


# --------------------------------------------------------------------------- rendering
def test_share_text_fragments_follow_the_evidence():
    ev = ncd.share_evidence(who_share_table({2000: 60.8, 2019: 73.6}))
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert (
        en["reproduced_value"] == "73.6% (41 million), 2019"
        and zh["reproduced_value"] == "2019年：73.6%（4100万例死亡）"
    )
    assert "The share stands" in en["note"] and "比例本身成立" in zh["note"]
    assert "IHME's GBD 2017" not in en["note"]  # no GBD 2017 rows given
    unmatched = Evidence(
        ev.claim_id, "contradicted", {**ev.values, "count_year": None, "share_stands": False}
    )
    assert "no WHO count matches 31 million" in text.render(unmatched, "en")["reason"]
    assert "没有与3100万例相符" in text.render(unmatched, "zh")["reason"]
    assert "stands" not in text.render(unmatched, "en")["note"]


def test_main4_text_in_both_languages():
    ev = ncd.main4_evidence(*cause_tables({**BASE, "Diabetes mellitus": 150, "Parkinson's disease": 160}))
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "comes 6th, behind Digestive diseases, Neurological disorders, and 4th together" in en["note"]
    assert "位于“消化系统疾病”、“阿尔茨海默病与帕金森病”之后" in zh["note"]
    assert "a note, not a caveat" in en["note"] and "不构成对论文的保留" in zh["note"]
    assert en["note"].endswith("most NCD deaths in every year shown.")
    assert "结论：已复现。" in zh["note"]
    assert "[NCD fact sheet](https://www.who.int/" in en["note"]  # the citation is a link, once
    assert en["note"].count("fact sheet") == 1 and zh["note"].count("情况说明书") == 1
    assert text.source(ev).startswith("WHO's list of the four main NCDs")


def test_share_text_on_ghe2021_in_both_languages():
    ev = ncd.share_evidence(ghe_share_table(68.8, 74.7, 42.66))
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "(42.7 million), 2020" in en["reproduced_value"] and "（4270万例死亡）" in zh["reproduced_value"]
    assert zh["paper_value"] == "2020年：74%（3100万例死亡）" and "百万" not in "".join(zh.values())
    assert "74% fits 2020 only once COVID-19 and pandemic-related deaths are set aside" in en["note"]
    assert "31 million is WHO's count for 2000, not for 2020, when WHO estimates 42.7 million" in en["note"]
    assert "3100万例是WHO 2000年的死亡数，不是2020年的" in zh["note"]
    for note in (en["note"], zh["note"]):  # reader's words: links, no paths or module names
        assert "](https://www.who.int/publications/item/9789240074323)" in note
        assert "shared/data" not in note and "exo_industry" not in note
    assert not re.search(r"[A-Za-z]{4,}", re.sub(r"\[[^\]]*\]\([^)]*\)|WHO|GBD|IHME|COVID", "", zh["note"]))


@pytest.mark.parametrize(
    "million, zh, en",
    [(42.66, "4270万", "42.7 million"), (31.0, "3100万", "31 million"), (4.06, "406万", "4.06 million"),
     (0.8625, "86万", "0.86 million"), (272.4, "2.72亿", "272.4 million"), (2.0, "200万", "2 million")],
)  # fmt: skip
def test_counts_in_wan_and_yi(million, zh, en):
    assert ncd.count(million, "zh") == zh and ncd.count(million, "en") == en


def test_notes_speak_to_readers():
    for lang in ("zh", "en"):
        note = ncd.live_note(lang)
        assert "../shared" not in note and "exo-industry import who_ghe --mirror" in note
        assert ("离线数据副本" if lang == "zh" else "offline data copy") in note
    # WHO's 2019 markers are named only where they are drawn (2019, main four)
    assert "WHO" in ncd.diabetes_note(2019, "main4", "en")
    assert "WHO" not in ncd.diabetes_note(2010, "main4", "en") + ncd.diabetes_note(2019, "gbd_level2", "en")
    assert "2010" in ncd.diabetes_note(2010, "main4", "zh") and "200 万" not in ncd.diabetes_note(
        2010, "main4", "zh"
    )


# --------------------------------------------------------------------------- plots (no kernel)
WORLD_CHINA = [{"code": "WLD", "name": "World"}, {"code": "CHN", "name": "China"}]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_share_plot_labels(lang):
    theme.use(lang)
    ghe = pd.concat([ghe_share_table(73.8, 73.8, 42.0, 2019), ghe_share_table(68.8, 74.7)])
    share = pd.concat([who_share_table({2000: 60.8, 2019: 73.6}), ghe], ignore_index=True)
    fig = ncd.plots.share(ncd.share_view(share, WORLD_CHINA), WORLD_CHINA, lang)
    try:
        ax = fig.axes[0]
        assert (
            ax.get_title() == ncd.labels(lang)["share_title"]
            and ax.get_ylabel() == ncd.labels(lang)["share_axis"]
        )
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert (
            legend[0].startswith(ncd.display_name(WORLD_CHINA[0], lang))
            and legend[-1] == ncd.labels(lang)["paper_point"]
        )
        L = ncd.labels(lang)
        assert any(t.endswith(L["source_ghe21"]) for t in legend)
        assert any(t.endswith(L["source_ghe21_other"]) for t in legend)
        lines = {ln.get_label(): ln for ln in ax.get_lines()}
        other = next(ln for k, ln in lines.items() if k.endswith(L["source_ghe21_other"]))
        assert list(other.get_ydata()) == [73.8, 74.7]  # the two denominators part in 2020
        assert ax.patches, "the pandemic years are shaded"
    finally:
        plt.close(fig)


@pytest.mark.parametrize("lang, grouping", [("en", "main4"), ("zh", "main4"), ("zh", "gbd_level2")])
def test_causes_plot_labels(lang, grouping):
    theme.use(lang)
    deaths, causes, main4 = cause_tables(BASE)
    views = ncd.cause_views(deaths, causes, main4, WORLD_CHINA, 2019, grouping)
    assert views["China"].empty
    fig = ncd.plots.causes(views, WORLD_CHINA, main4, 2019, grouping, lang)
    try:
        assert len(fig.axes) == 1  # China has no rows: one panel
        ax = fig.axes[0]
        assert ax.get_xlabel() == ncd.labels(lang)["deaths_axis"]
        assert ax.get_title().startswith(ncd.display_name(WORLD_CHINA[0], lang))
        ticks = [t.get_text() for t in ax.get_yticklabels()]
        assert ncd.cause_label("Cardiovascular diseases", lang) in ticks or ncd.labels(lang)["cvd"] in ticks
        assert (ax.get_legend() is not None) == (grouping == "main4")  # WHO's published figures
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="no GBD 2019 deaths"):
        ncd.plots.causes({"China": views["China"]}, WORLD_CHINA, main4, 2019, grouping, lang)


def test_main4_display_in_chinese():
    deaths, causes, main4 = cause_tables({k: v * 1e4 for k, v in BASE.items()})  # deaths in 万 = BASE
    tab = ncd.main4_rows(main4, WORLD_CHINA, 2019)
    out = ncd.main4_display(tab, "zh")
    assert list(out["地区"]) == ["全球", "全球"] and "四类合计" in out.columns
    assert list(out["四类合计"]) == [1800 + 1000 + 400 + 300, 3330]  # GBD row and WHO's, in 万
    assert str(out["四类合计"].dtype) == "Int64"
    assert ncd.causes_sentences(tab, WORLD_CHINA, 2019, "zh")[0]["location"] == "全球"


def test_pipeline_writes_tables_deterministically(tmp_path, iso_env):
    store = build_store(tmp_path)
    pipeline.process(["ncd"], store, force=True)
    out = paths().processed
    names = {
        "ncd_share",
        "ncd_deaths_by_cause",
        "ncd_gbd_causes",
        "ncd_main4",
        "ncd_reference",
        "ncd_locations",
    }
    assert names <= {p.stem for p in out.glob("*.csv")}
    first = {n: (out / f"{n}.csv").read_bytes() for n in names}
    pipeline.process(["ncd"], store, force=True)
    assert first == {n: (out / f"{n}.csv").read_bytes() for n in names}
    assert set(claims_by_id()) == {"ncd.share", "ncd.main4"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_pandemic_plot_shows_the_denominator(lang):
    theme.use(lang)
    d = pd.DataFrame({"year": [2000, 2019, 2020, 2021], "ncd": [30.5e6, 42.0e6, 42.7e6, 43.3e6],
                      "communicable_excl_covid19": [16.7e6, 10.4e6, 10.0e6, 9.9e6],
                      "covid19": [0, 0, 4.06e6, 8.7e6], "pandemic_other": [0, 0, 0.86e6, 1.84e6],
                      "injuries": [4.3e6, 4.5e6, 4.4e6, 4.5e6]})  # fmt: skip
    d["all_causes"] = d[list(ncd.plots.PANDEMIC_GROUPS)].sum(axis=1)
    d["ncd_share_all_pct"] = 100 * d.ncd / d.all_causes
    d["ncd_share_non_pandemic_pct"] = 100 * d.ncd / (d.all_causes - d.covid19 - d.pandemic_other)
    fig = ncd.plots.pandemic(d, lang)
    try:
        ax = fig.axes[0]
        L = ncd.labels(lang)
        assert [t.get_text() for t in ax.get_xticklabels()] == ["2019", "2020", "2021"]  # 2000 left out
        assert ax.get_ylabel() == L["pandemic_axis"]
        legend = [t.get_text() for t in ax.get_legend().get_texts()]
        assert L["grp_covid19"] in legend and L["grp_pandemic_other"] in legend
        tops: dict[float, float] = {}
        for p in ax.patches:
            x = round(p.get_x() + p.get_width() / 2, 3)
            tops[x] = max(tops.get(x, 0.0), p.get_y() + p.get_height())
        unit = 1e4 if lang == "zh" else 1e6
        got = [round(tops[x], 3) for x in sorted(tops)]
        assert got == [round(v / unit, 3) for v in d.all_causes[1:]]  # each stack reaches all deaths
        labels = [t.get_text() for t in ax.texts]
        r = d[d.year == 2020].iloc[0]
        assert any(
            f"{r.ncd_share_all_pct:.1f}%" in t and f"{r.ncd_share_non_pandemic_pct:.1f}%" in t for t in labels
        )
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="no WHO GHE 2021 deaths"):
        ncd.plots.pandemic(d[d.year == 2000], lang)


# --------------------------------------------------------------------------- parameters
KNOWN = pd.DataFrame(
    {"location_code": ["WLD", "CHN", "IND", ""], "location": ["World", "China", "India", "G20"]}
)


def test_validate_parameters_resolves_names_and_codes():
    p = ncd.validate_parameters(
        locations=["world", "CHN", "G20", "OWID_WRL"],
        year=2019,
        cause_grouping="main4",
        lang="en",
        known=KNOWN,
    )
    assert isinstance(p, ncd.Parameters)
    assert list(p.locs) == [
        {"code": "WLD", "name": "World"},
        {"code": "CHN", "name": "China"},
        {"code": "", "name": "G20"},
    ]
    assert p.tag == "WLD-CHN-G20_2019_main4.en" and p.locations == ("world", "CHN", "G20", "OWID_WRL")


def test_parameters_default_and_single_location():
    p = ncd.validate_parameters(locations="China", known=KNOWN)
    assert p.locations == ("China",) and p.year == 2019 and p.lang == "zh"
    with pytest.raises(AttributeError):
        p.year = 2000


@pytest.mark.parametrize(
    "kw, message, hint",
    [
        ({"locations": ["Chnia"]}, "unknown location 'Chnia'", "China"),
        ({"locations": ["Atlantis"]}, "unknown location 'Atlantis'", "ISO3"),
        ({"locations": []}, "no location", None),
        ({"year": 1980}, "outside 1990-2019", None),
        ({"year": "last"}, "not a year", None),
        ({"cause_grouping": "icd10"}, "unknown cause grouping", None),
        ({"lang": "fr"}, "unsupported language", None),
        ({"locations": 5}, "must be a list", None),
        ({"colour": "red"}, "no parameter 'colour'", None),
    ],
)
def test_bad_parameters_rejected(kw, message, hint):
    params = {"locations": ["World"], "year": 2019, "cause_grouping": "main4", "lang": "zh", **kw}
    with pytest.raises(BadParameter, match=message) as err:
        ncd.validate_parameters(known=KNOWN, **params)
    if hint:
        assert hint in str(err.value)


# --------------------------------------------------------------------------- real mirror
def import_mirror():
    shared = need_shared("ncd")
    store = RawStore()
    wdi = [p for p in worldbank.mirror_files(shared.parent) if "SH.DTH" in p.name]
    if not wdi:
        pytest.skip("the WDI cause-of-death files are not in the offline mirror")
    worldbank.import_files(store, worldbank.mirror_files(shared.parent))
    owid.import_files(store, owid.mirror_files(shared.parent))
    ghe = who_ghe.mirror_files(shared.parent)
    if not all(p.exists() for p in ghe):
        pytest.skip("the WHO GHE 2021 workbook is not in the offline mirror")
    who_ghe.import_files(store, ghe)
    return store


@pytest.mark.shared
def test_process_on_the_mirror(iso_env):
    store = import_mirror()
    outcomes = pipeline.process(["ncd"], store, force=True)
    assert outcomes[0].status == "processed"
    c = claims_by_id()
    # CLAIMS.md: NCDs 2020 42.7 million, 68.8% of all deaths, 74.7% of deaths other than COVID-19
    # and pandemic-related ones; 2019: 42.0 million, 73.8%
    assert c["ncd.share"]["verdict"] == "reproduced with caveat"
    assert c["ncd.share"]["reproduced_value"] == (
        "68.8% of all deaths, 74.7% of deaths other than COVID-19 and pandemic-related (42.7 million), 2020"
    )
    assert "(2019: 73.8%, 42.0 million); 31 million is WHO's count for 2000" in c["ncd.share"]["reason"]
    assert "4270万例" in c["ncd.share"]["note_zh"] and "3100万" in c["ncd.share"]["note_zh"]
    assert c["ncd.main4"]["verdict"] == "reproduced"
    assert (
        c["ncd.main4"]["reproduced_value"] == "WHO's list of four; 34.4 million, 80.6% of NCD deaths (2020)"
    )
    assert "80.8% (2019), 80.6% (2020), 80.6% (2021)" in c["ncd.main4"]["reason"]
    share = pd.read_csv(
        paths().processed / "ncd_share.csv", keep_default_na=False, na_values={"share_pct": [""]}
    )
    who = share[(share.source == ncd.SRC_WHO) & (share.location_code == "WLD") & (share.group == "ncd")]
    expected = {2000: 60.8, 2010: 67.63, 2015: 71.22, 2019: 73.63}
    assert dict(zip(who.year, who.share_pct, strict=True)) == expected
    gbd17 = share[(share.source == ncd.SRC_GBD17) & (share.location_code == "WLD") & (share.group == "ncd")]
    assert gbd17.year.min() == 1990 and gbd17.year.max() == 2017
    assert set(share.source) == {ncd.SRC_WHO, ncd.SRC_GBD17, ncd.SRC_GBD19, ncd.SRC_GHE21}
    ghe = share[(share.source == ncd.SRC_GHE21) & (share.group == "ncd")].set_index(["year", "basis"])
    assert ghe.loc[(2021, rules.BASIS_ALL), "share_pct"] == pytest.approx(63.43, abs=0.01)
    assert ghe.loc[(2021, rules.BASIS_NON_PANDEMIC), "share_pct"] == pytest.approx(75.03, abs=0.01)


@pytest.mark.shared
@pytest.mark.notebook
def test_notebook_runs_and_shows_claims(iso_env):
    import nbformat

    from exo_industry import execute

    store = import_mirror()
    pipeline.process(["ncd"], store, force=True)
    out = execute.run_notebook(
        "02_ncd_burden",
        {"locations": ["World", "China"], "year": 2019, "lang": "en"},
        output_dir=iso_env / "build",
    )
    nb = nbformat.read(str(out), as_version=4)
    text = "\n".join(
        str(o.get("data", {}).get("text/html", ""))
        + str(o.get("data", {}).get("text/markdown", ""))
        + str(o.get("text", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert not any(
        o.get("output_type") == "error"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert "ncd.share" in text and "ncd.main4" in text
    assert "reproduced with caveat" in text
    assert "74.7% of deaths other than COVID-19 and pandemic-related (42.7 million), 2020" in text
    figures = {p.name for p in paths().figures.glob("*.svg")}
    assert {"ncd_share_WLD-CHN_2019_main4.en.svg", "ncd_causes_WLD-CHN_2019_main4.en.svg",
            "ncd_ghe2021_pandemic.en.svg"} <= figures  # fmt: skip


@pytest.mark.shared
@pytest.mark.notebook
def test_notebook_captions_follow_the_year(iso_env):
    """``-p year 2010``: no caption or note about 2019's WHO markers; the table caption names 2010."""
    import nbformat

    from exo_industry import execute

    store = import_mirror()
    pipeline.process(["ncd"], store, force=True)
    out = execute.run_notebook(
        "02_ncd_burden", {"locations": ["World"], "year": 2010, "lang": "zh"}, output_dir=iso_env / "build"
    )
    nb = nbformat.read(str(out), as_version=4)
    text = "\n".join(
        str(o.get("data", {}).get("text/html", "")) + str(o.get("data", {}).get("text/markdown", ""))
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.get("outputs", [])
    )
    assert ncd.diabetes_note(2010, "main4", "zh") in text and "黑色菱形" not in text
    assert ncd.labels("zh")["table_caption"].format(year=2010) in text
    assert "百万" not in text and "全球，2010 年" in text


@pytest.mark.shared
def test_notebook_rejects_bad_location_before_running(iso_env):
    from exo_industry import execute

    store = import_mirror()
    pipeline.process(["ncd"], store, force=True)
    with pytest.raises(BadParameter, match="unknown location 'Chian'") as err:
        execute.check_parameters("02_ncd_burden", {"locations": ["World", "Chian"]})
    assert "China" in str(err.value)
