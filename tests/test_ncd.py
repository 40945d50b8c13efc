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

from conftest import assert_values_in_chinese as _assert_values_in_chinese
from conftest import need_shared
from exo_industry import pipeline, theme
from exo_industry.claims import Evidence, read_ledger
from exo_industry.config import paths
from exo_industry.errors import BadParameter
from exo_industry.sections import ncd
from exo_industry.sections.ncd import rules, text
from exo_industry.sources import owid, worldbank
from exo_industry.store import RawStore

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


def build_store(tmp_path, *, world_share_2019=73.6, diabetes=150, digestive=200):
    """A small store: WDI shares + population (to be ignored), GBD categories and causes."""
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
    assert {e.source for e in result.inputs} == {"worldbank", "owid"}
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
    assert share.reproduced_value == "73.6% (41 million), 2019"
    assert "31 million is WHO's count for 2000" in share.reason
    assert "2000" in share.note and "2019" in share.note and "2020" in share.note
    main4 = c["ncd.main4"]
    # diabetes alone (150) is outranked by digestive diseases (200) and Alzheimer's (160):
    # fourth only with kidney disease (150 + 140)
    assert main4.verdict == "reproduced with caveat"
    assert "ranks 6th" in main4.note


def test_claims_can_be_reproduced_or_contradicted(tmp_path, iso_env):
    big_diabetes = ncd.process(build_store(tmp_path, diabetes=300))
    assert {x.claim_id: x.verdict for x in big_diabetes.claims}["ncd.main4"] == "reproduced"
    low_share = ncd.process(build_store(tmp_path, world_share_2019=65.0))
    assert {x.claim_id: x.verdict for x in low_share.claims}["ncd.share"] == "contradicted"


def _numbers(text: str) -> Counter:
    return Counter(re.findall(r"\d+(?:\.\d+)?", text))


def test_claims_have_chinese_reason_and_note_with_the_same_numbers(tmp_path, iso_env):
    """Every claim, on every verdict branch, carries reason_zh / note_zh built from the same values."""
    cjk = re.compile(r"[\u4e00-\u9fff]")
    seen = set()
    for kw in ({}, {"diabetes": 300}, {"world_share_2019": 65.0}, {"diabetes": 10, "digestive": 5000}):
        for c in ncd.process(build_store(tmp_path, **kw)).claims:
            seen.add((c.claim_id, c.verdict))
            for en, zh in ((c.reason, c.reason_zh), (c.note, c.note_zh)):
                assert zh and cjk.search(zh) and zh != en, (c.claim_id, zh)
                # every number of the English text (values, years, ranks) is in the Chinese one
                assert not _numbers(en) - _numbers(zh), (c.claim_id, _numbers(en) - _numbers(zh), zh)
            assert "非传染性疾病" in c.note_zh
            _assert_values_in_chinese(c)
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
    assert "73.6%" in share.reason_zh and "73.6%" in share.note_zh and "全球卫生估计" in share.reason_zh
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
    assert c["ncd.share"]["paper_value_zh"] == "2020年：74%（31百万例死亡）"
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
    g = pd.Series(
        {
            "Cardiovascular diseases": 18,
            "Neoplasms": 10,
            "Chronic respiratory diseases": 4,
            "Diabetes mellitus": 2,
            "X": 1,
        }
    )
    assert ncd.grade_main4(g, g, 80.0) == "reproduced"
    assert ncd.grade_main4(g, g, 45.0) == "contradicted"


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
    "change, verdict",
    [
        ({}, "reproduced"),  # the four are the four largest, diabetes alone
        ({"Diabetes mellitus": 199}, "reproduced with caveat"),  # 5th alone, 4th with kidney disease
        ({"Diabetes mellitus": 199, "Chronic kidney disease": 0.5}, "contradicted"),  # 5th either way
        (
            {"Diabetes mellitus": 199, "Chronic respiratory diseases": 150},
            "contradicted",
        ),  # CRD not top three
    ],
)
def test_main4_rank_rules(change, verdict):
    ev = ncd.main4_evidence(*cause_tables({**BASE, **change}))
    assert ev.verdict == verdict
    assert ev["main4_sum"] == sum({**BASE, **change}[c] for c in ncd.MAIN4.values())


ALONE = pd.Series({"Cardiovascular diseases": 18, "Neoplasms": 10, "Chronic respiratory diseases": 4,
                   "Digestive diseases": 3, "Diabetes mellitus": 2})  # fmt: skip
GROUPED = pd.Series({"Cardiovascular diseases": 18, "Neoplasms": 10, "Chronic respiratory diseases": 4,
                     "Diabetes and kidney diseases": 3.5, "Digestive diseases": 3})  # fmt: skip
TOP4 = ALONE.rename({"Digestive diseases": "Diabetes mellitus", "Diabetes mellitus": "Digestive diseases"})


@pytest.mark.parametrize(
    "alone, share4, verdict",
    [
        (TOP4, 50.01, "reproduced"),  # just above MAIN4_MIN_SHARE
        (TOP4, 50.0, "contradicted"),  # at it: not more than half
        (ALONE, 50.01, "reproduced with caveat"),
        (ALONE, 50.0, "contradicted"),
    ],
)
def test_main4_share_boundary(alone, share4, verdict):
    """The four must be more than MAIN4_MIN_SHARE % of NCD deaths (GBD's causes alone cannot put the
    four at the top with less than half, so this rule is tested on ranked groups directly)."""
    assert ncd.grade_main4(alone, GROUPED, share4) == verdict


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
        and zh["reproduced_value"] == "2019年：73.6%（41百万例死亡）"
    )
    assert "The share stands" in en["note"] and "比例本身成立" in zh["note"]
    assert "IHME's GBD 2017" not in en["note"]  # no GBD 2017 rows given
    unmatched = Evidence(
        ev.claim_id, "contradicted", {**ev.values, "count_year": None, "share_stands": False}
    )
    assert "no WHO count matches 31 million" in text.render(unmatched, "en")["reason"]
    assert "没有与31百万例相符" in text.render(unmatched, "zh")["reason"]
    assert "stands" not in text.render(unmatched, "en")["note"]


def test_main4_text_in_both_languages():
    ev = ncd.main4_evidence(*cause_tables({**BASE, "Diabetes mellitus": 150, "Parkinson's disease": 160}))
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "ranks 6th, behind Digestive diseases, Neurological disorders." in en["note"]
    assert "位于“消化系统疾病”、“阿尔茨海默病与帕金森病”之后" in zh["note"]
    assert en["note"].endswith("only when its kidney deaths are counted with it.")
    assert "结论：有保留地复现。" in zh["note"]
    assert text.source(ev) == f"{ncd.SRC_GBD19}; WHO World Health Statistics 2023"


# --------------------------------------------------------------------------- plots (no kernel)
WORLD_CHINA = [{"code": "WLD", "name": "World"}, {"code": "CHN", "name": "China"}]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_share_plot_labels(lang):
    theme.use(lang)
    share = pd.concat([who_share_table({2000: 60.8, 2019: 73.6})], ignore_index=True)
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
    deaths, causes, main4 = cause_tables(BASE)
    tab = ncd.main4_rows(main4, WORLD_CHINA, 2019)
    out = ncd.main4_display(tab, "zh")
    assert list(out["地区"]) == ["全球", "全球"] and "四类合计" in out.columns
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
    return store


@pytest.mark.shared
def test_process_on_the_mirror(iso_env):
    store = import_mirror()
    outcomes = pipeline.process(["ncd"], store, force=True)
    assert outcomes[0].status == "processed"
    c = claims_by_id()
    assert c["ncd.share"]["verdict"] == "reproduced with caveat"
    assert c["ncd.share"]["reproduced_value"] == "73.6% (41 million), 2019"
    assert "31 million is WHO's count for 2000" in c["ncd.share"]["reason"]
    assert c["ncd.main4"]["verdict"] == "reproduced with caveat"
    assert c["ncd.main4"]["reproduced_value"] == "34.17 million, 84.5% of NCD deaths (2019)"
    share = pd.read_csv(
        paths().processed / "ncd_share.csv", keep_default_na=False, na_values={"share_pct": [""]}
    )
    who = share[(share.source == ncd.SRC_WHO) & (share.location_code == "WLD") & (share.group == "ncd")]
    expected = {2000: 60.8, 2010: 67.63, 2015: 71.22, 2019: 73.63}
    assert dict(zip(who.year, who.share_pct, strict=True)) == expected
    gbd17 = share[(share.source == ncd.SRC_GBD17) & (share.location_code == "WLD") & (share.group == "ncd")]
    assert gbd17.year.min() == 1990 and gbd17.year.max() == 2017
    assert set(share.source) == {ncd.SRC_WHO, ncd.SRC_GBD17, ncd.SRC_GBD19}


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
    assert "73.6% (41 million), 2019" in text
    figures = {p.name for p in paths().figures.glob("*.png")}
    assert {"ncd_share_WLD-CHN_2019_main4.en.png", "ncd_causes_WLD-CHN_2019_main4.en.png"} <= figures


@pytest.mark.shared
def test_notebook_rejects_bad_location_before_running(iso_env):
    from exo_industry import execute

    store = import_mirror()
    pipeline.process(["ncd"], store, force=True)
    with pytest.raises(BadParameter, match="unknown location 'Chian'") as err:
        execute.check_parameters("02_ncd_burden", {"locations": ["World", "Chian"]})
    assert "China" in str(err.value)
