"""The aging section: tables on small inputs, each verdict rule at its boundaries (evidence, no
prose), the renderer in both languages, plots without a kernel, and the parameter checks."""

import re

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd
import pytest

from exo_industry import theme
from exo_industry.claims import Evidence
from exo_industry.errors import BadParameter
from exo_industry.locations import Location
from exo_industry.sections import aging
from exo_industry.sections.aging import rules, text
from exo_industry.sources.wpp import AGE_GROUPS

CHINA = Location(156, "China", "CHN")
JAPAN = Location(392, "Japan", "JPN")
EMPTY_OLDER = pd.DataFrame(
    columns=["location_code", "year", "variant", "threshold", "older_pop", "total_pop", "share"]
)
EMPTY_ANNUAL = pd.DataFrame(columns=["location_code", "year", "threshold", "older_pop", "total_pop", "share"])


def tiny_population(shares: dict[int, float], variant="medium", code=156):
    """Population where the 60+ share in each year is ``shares[year]`` (per cent)."""
    rows = []
    for year, share in shares.items():
        for g in AGE_GROUPS:
            start = int(g.rstrip("+").split("-")[0])
            n_old, n_young = 9, 12
            value = (share / n_old) if start >= 60 else ((100 - share) / n_young)
            rows.append(
                {
                    "location_code": code,
                    "year": year,
                    "variant": variant,
                    "age_group": g,
                    "pop_male": value / 2,
                    "pop_female": value / 2,
                    "pop_total": value * 1000,
                }
            )
    return pd.DataFrame(rows)


def projections(medium: dict[int, float], others: dict[int, float] | None = None) -> pd.DataFrame:
    """60+/65+ table: estimates for 2020, the medium variant as given, low and high as ``others``."""
    others = others or medium
    pop = pd.concat(
        [tiny_population(medium, "medium")]
        + [tiny_population(others, v) for v in ("low", "high")]
        + [tiny_population({2020: 18}, "estimates")]
    )
    return aging.older_population(pop)


def annual_end_2022(share: float, count: float = 272.0) -> pd.DataFrame:
    """Annual China 60+ rows whose end-2022 midpoint is ``share`` (%) and ``count`` (millions)."""
    total = count * 1000 * 100 / share  # thousands
    rows = [
        {"location_code": 156, "year": y, "threshold": 60, "older_pop": count * 1000, "total_pop": total}
        for y in (2021, 2022, 2023)
    ]
    out = pd.DataFrame(rows)
    out["share"] = 100.0 * out["older_pop"] / out["total_pop"]
    return out


# --------------------------------------------------------------------------- tables
def test_older_population_counts_and_shares():
    pop = tiny_population({2020: 18.0, 2025: 21.0})
    out = aging.older_population(pop)
    s60 = out[out.threshold == 60].set_index("year")["share"]
    assert s60.loc[2020] == pytest.approx(18.0) and s60.loc[2025] == pytest.approx(21.0)
    s65 = out[out.threshold == 65].set_index("year")["share"]
    assert (s65 < s60).all()


def test_series_joins_projection_to_last_estimate():
    older = projections({2025: 21, 2050: 40})
    s = aging.series(older, 156, 60, "medium", 1950, 2100)
    proj = s[s.kind == "projection"]
    assert proj.year.min() == 2020 and proj.share.iloc[0] == pytest.approx(18)
    assert s.loc[s.year == 2020, "share_low"].notna().all()


# --------------------------------------------------------------------------- evidence: share60
@pytest.mark.parametrize(
    "share, verdict",
    [
        (20.0, "reproduced"),
        (20.49, "reproduced"),  # just inside SHARE_EXACT_PP
        (19.51, "reproduced"),
        (20.51, "reproduced with caveat"),  # just outside SHARE_EXACT_PP
        (19.49, "reproduced with caveat"),
        (21.99, "reproduced with caveat"),  # just inside SHARE_CLOSE_PP
        (18.01, "reproduced with caveat"),
        (22.01, "contradicted"),  # just outside SHARE_CLOSE_PP
        (17.99, "contradicted"),
    ],
)
def test_share60_verdict_boundaries(share, verdict):
    ev = aging.share60(EMPTY_OLDER, annual_end_2022(share))
    assert ev.verdict == verdict
    assert ev["share"] == pytest.approx(share)
    assert ev.thresholds["share_exact_pp"] == rules.SHARE_EXACT_PP


def test_share60_values_and_first_year_over():
    annual = annual_end_2022(19.0)
    annual.loc[annual.year == 2023, "share"] = 20.2  # the 1 July share column, as the extract has it
    ev = aging.share60(EMPTY_OLDER, annual)
    assert ev["basis"] == "annual" and ev["passes"] == 2023
    assert ev["national_share"] == 19.8 and ev["un_total_2022"] is None
    assert ev["diff_pp"] == pytest.approx(-1.0)


def test_share60_falls_back_to_five_year_interpolation():
    older = projections({2025: 22.0})
    ev = aging.share60(older, EMPTY_ANNUAL)
    assert ev["basis"] == "interpolated"
    assert ev["share"] == pytest.approx(20.0)  # halfway between 18 (2020) and 22 (2025)
    assert ev["passes"] is None


# --------------------------------------------------------------------------- evidence: count60
@pytest.mark.parametrize(
    "rel, verdict",
    [
        (0.0, "reproduced"),
        (1.99, "reproduced"),  # just inside COUNT_EXACT_PCT
        (-1.99, "reproduced"),
        (2.01, "reproduced with caveat"),  # just outside COUNT_EXACT_PCT
        (-2.01, "reproduced with caveat"),
        (9.99, "reproduced with caveat"),  # just inside COUNT_CLOSE_PCT
        (-9.99, "reproduced with caveat"),
        (10.01, "contradicted"),  # just outside COUNT_CLOSE_PCT
        (-10.01, "contradicted"),
    ],
)
def test_count60_verdict_boundaries(rel, verdict):
    count = rules.PAPER_COUNT60 * (1 + rel / 100)
    ev = aging.count60(EMPTY_OLDER, annual_end_2022(19.0, count))
    assert ev.verdict == verdict
    assert ev["count"] == pytest.approx(count) and ev["count_rel_pct"] == pytest.approx(rel)


def test_count60_uses_world_bank_total_when_given():
    wdi = pd.DataFrame(
        {"indicator": ["SP.POP.TOTL"], "country_code": ["CHN"], "year": [2022], "value": [1.41e9]}
    )
    ev = aging.count60(EMPTY_OLDER, annual_end_2022(19.0), wdi)
    assert ev["wb_total_2022"] == pytest.approx(1410.0)
    assert ev["un_total_2022"] == pytest.approx(272.0 * 100 / 19.0)


# --------------------------------------------------------------------------- evidence: rising
@pytest.mark.parametrize(
    "peak_year, verdict",
    [
        (2045, "reproduced"),  # RISING_PEAK_FROM
        (2044, "reproduced with caveat"),  # one year before it
        (2035, "reproduced with caveat"),  # RISING_PEAK_BEFORE
        (2034, "contradicted"),  # one year before it
    ],
)
def test_rising_verdict_boundaries(peak_year, verdict):
    older = projections({2025: 21, peak_year: 30, 2100: 25})
    ev = aging.rising(older)
    assert ev["medium_year"] == peak_year and ev["medium_share"] == pytest.approx(30)
    assert ev.verdict == verdict


def test_rising_values_across_variants():
    older = projections({2025: 21, 2050: 40, 2080: 54, 2100: 52}, {2025: 21, 2040: 35, 2100: 30})
    ev = aging.rising(older)
    assert ev.verdict == "reproduced"
    assert (ev["low_year"], ev["high_year"], ev["earliest"]) == (2040, 2040, 2040)
    assert ev["years_after"] == 2040 - rules.PAPER_YEAR
    assert ev["holds_all"] is False  # the earliest variant peaks before RISING_PEAK_FROM
    assert ev["share2025"] == pytest.approx(21) and ev["share2050"] == pytest.approx(40)


def test_early_peak_contradicts_rising():
    ev = aging.rising(projections({2025: 25, 2030: 24, 2050: 20}))
    assert ev.verdict == "contradicted" and ev["medium_year"] == 2025


# --------------------------------------------------------------------------- rendering
def share_evidence(**over):
    values = {
        "basis": "annual",
        "count": 272.04,
        "share": 19.12,
        "jul2022_count": 268.0,
        "jul2022_share": 18.9,
        "jul2023_count": 276.0,
        "jul2023_share": 19.4,
        "un_total_2022": 1425.9,
        "wb_total_2022": 1412.2,
        "national_count": 280.04,
        "national_share": 19.8,
        "diff_pp": -0.88,
        "passes": 2024,
    }
    values.update(over)
    return Evidence("aging.share60", "reproduced with caveat", values)


def test_share60_renders_numbers_in_both_languages():
    ev = share_evidence()
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "19.1%" in en["reason"] and "passes 20% in 2024" in en["reason"]
    assert "19.1%" in zh["reason"] and "2024年" in zh["reason"]
    assert re.search(r"[\u4e00-\u9fff]", zh["note"]) and "28004万人" in zh["note"]
    assert "1,425.9 million" in en["note"] and "14.26亿人" in zh["note"]  # the UN's 2022 total
    assert text.source(ev).startswith("UN WPP 2024, annual")


def count_evidence(**over) -> Evidence:
    return Evidence("aging.count60", "reproduced with caveat", {**share_evidence(**over).values})


def test_count60_chinese_counts_in_wan_and_yi():
    ev = count_evidence(count_rel_pct=-2.9)
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "2.72亿人" in zh["reason"] and "28004万人" in zh["reason"]
    assert "2.72亿人" in zh["note"] and "2.68亿人" in zh["note"] and "2.76亿人" in zh["note"]
    assert "800万人" in zh["note"] and "约400万人" in zh["note"]  # growth (276-268) and half of it
    assert (zh["reproduced_value"], zh["unit"], zh["paper_value"]) == ("2.72", "亿人", "2.8")
    for field in zh.values():
        assert "百万" not in field and "million" not in field
    assert "272.0 million" in en["note"] and "about 4 million" in en["note"]  # (276-268)/12*6


def test_national_citation_given_once():
    share, count = share_evidence(), count_evidence(count_rel_pct=-2.9)
    for lang, cited in (("en", "National Bulletin"), ("zh", "2022年度国家老龄事业发展公报")):
        notes = text.render(share, lang)["note"] + text.render(count, lang)["note"]
        assert notes.count(cited) == 1, lang
        assert notes.count("mca.gov.cn") == 1, lang
        assert "aging.share60" in text.render(count, lang)["note"]  # the count note points to it


@pytest.mark.parametrize(
    "millions, digits, words",
    [
        (272.04, 2, "2.72亿"),
        (280.04, 4, "2.8004亿"),
        (1425.9, 2, "14.26亿"),
        (12.8, 2, "1280万"),
        (6.4, 2, "640万"),
        (99.99, 2, "9999万"),
        (100.0, 2, "1.00亿"),
        (0.004, 2, "4000"),
    ],
)
def test_zh_count(millions, digits, words):
    assert text.zh_count(millions, digits) == words


def test_share60_text_leaves_out_missing_fragments():
    ev = share_evidence(passes=None, un_total_2022=None, wb_total_2022=None, basis="interpolated")
    en, zh = text.render(ev, "en"), text.render(ev, "zh")
    assert "passes" not in en["reason"] and "超过" not in zh["reason"]
    assert "World Bank" not in en["note"] and "interpolated" in en["note"]
    count = Evidence("aging.count60", ev.verdict, {**ev.values, "count_rel_pct": -2.9})
    assert (
        "Between" not in text.render(count, "en")["note"]
        and "interpolated" in text.render(count, "en")["note"]
    )
    assert text.source(ev) == "UN WPP 2024, population by 5-year age group (1 July)"


@pytest.mark.parametrize("rel, word", [(-2.9, "低"), (3.1, "高")])
def test_count60_zh_direction(rel, word):
    ev = share_evidence(count_rel_pct=rel)
    ev = Evidence("aging.count60", "reproduced with caveat", ev.values)
    zh = text.render(ev, "zh")
    assert f"{word}{abs(rel):.1f}%" in zh["reason"]
    assert f"{rel:+.1f}%" in text.render(ev, "en")["reason"]


def test_rising_conclusion_follows_holds_all():
    older = projections({2025: 21, 2050: 40, 2080: 54, 2100: 52})
    ev = aging.rising(older)
    assert "holds across" in text.render(ev, "en")["note"]
    assert "均成立" in text.render(ev, "zh")["note"]
    fails = Evidence(ev.claim_id, ev.verdict, {**ev.values, "holds_all": False})
    assert "does not hold in every variant" in text.render(fails, "en")["note"]
    assert "并非" in text.render(fails, "zh")["note"]


def test_claims_rows_have_both_languages():
    older = projections({2025: 21, 2050: 40, 2080: 54, 2100: 52})
    claims = aging.check_claims(older, annual_end_2022(19.1))
    assert [c.claim_id for c in claims] == list(aging.CLAIM_IDS)
    for c in claims:
        assert c.notebook == aging.NOTEBOOK and c.section == "1.1"
        assert re.search(r"[\u4e00-\u9fff]", c.statement) and re.search(r"[\u4e00-\u9fff]", c.reason_zh)
    assert claims[2].reproduced_value == "peak 54.0% in 2080 (medium)"
    assert claims[2].reproduced_value_zh == "2080年达到峰值54.0%（中方案）"


def test_display_name_in_each_language():
    assert text.display_name(JAPAN, "zh") == "日本" and text.display_name(JAPAN, "en") == "Japan"
    assert text.display_name(Location(4, "Afghanistan", "AFG"), "zh") == "Afghanistan"


# --------------------------------------------------------------------------- plots
@pytest.mark.parametrize(
    "lang, share_title, year",
    [("en", "China: share of population aged 60+", "Year"), ("zh", "中国：60岁及以上人口占比", "年份")],
)
def test_trend_plot_labels(lang, share_title, year):
    theme.use(lang)
    older = projections({2025: 21, 2050: 40})
    fig = aging.plots.trend(aging.series(older, 156, 60, "medium", 1950, 2100), CHINA, 60, "medium", lang)
    try:
        assert fig.axes[0].get_title() == share_title and fig.axes[0].get_xlabel() == year
        assert len(fig.axes[0].collections) == 1  # the low–high band
    finally:
        plt.close(fig)


@pytest.mark.parametrize("lang, word", [("en", "comparison"), ("zh", "国际比较")])
def test_comparators_plot_labels(lang, word):
    theme.use(lang)
    older = pd.concat([projections({2025: 21}), projections({2025: 30}).assign(location_code=392)])
    lines = [(loc, aging.series(older, loc.code, 60, "medium", 1950, 2100)) for loc in (CHINA, JAPAN)]
    fig = aging.plots.comparators(lines, 60, lang)
    try:
        assert word in fig.axes[0].get_title()
        names = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
        assert names == [text.display_name(CHINA, lang), text.display_name(JAPAN, lang)]
    finally:
        plt.close(fig)


@pytest.mark.parametrize("lang, axis", [("en", "People (millions)"), ("zh", "人口（亿人）")])
def test_annual_plot_labels(lang, axis):
    theme.use(lang)
    fig = aging.plots.annual(annual_end_2022(19.0), 60, lang)
    try:
        assert fig.axes[0].get_ylabel() == axis
        assert fig.axes[1].get_legend() is not None  # bars, line and the national end-2022 star
    finally:
        plt.close(fig)
    with pytest.raises(ValueError, match="no annual rows"):
        aging.plots.annual(EMPTY_ANNUAL, 60, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_annual_star_sits_on_the_share_axis(lang):
    """The national 19.8% is drawn in the share axes, in the share's colour, labelled in the legend
    as a right-axis value; the legend names bars, line and star; counts use the language's unit."""
    theme.use(lang)
    fig = aging.plots.annual(annual_end_2022(19.0, count=272.0), 60, lang)
    try:
        count_ax, share_ax = fig.axes
        L = aging.labels(lang)
        assert share_ax.get_ylabel() == L["share_axis"] and count_ax.get_ylabel() == L["count_axis"]
        stars = [c for c in share_ax.collections if len(c.get_offsets())]
        assert len(stars) == 1 and not count_ax.collections  # the star is in the share axes only
        (x, y) = stars[0].get_offsets()[0]
        assert y == pytest.approx(19.8)  # in share units (%), not people
        lo, hi = share_ax.get_ylim()
        assert lo <= y <= hi
        share_rgb = share_ax.lines[0].get_color()
        assert matplotlib.colors.same_color(stars[0].get_facecolor()[0], share_rgb)
        assert matplotlib.colors.same_color(share_ax.yaxis.label.get_color(), share_rgb)
        assert any(t.get_text() == "19.8%" for t in share_ax.texts)  # the value written by the star
        legend = share_ax.get_legend()
        names = [t.get_text() for t in legend.get_texts()]
        assert names == [L["bars"].format(t=60), L["line"], L["national"].format(value=19.8)]
        assert ("right axis" in names[2]) if lang == "en" else ("右轴" in names[2])
        heights = [b.get_height() for b in count_ax.patches]
        assert heights[0] == pytest.approx(272.0 / L["count_divisor"])  # 272 million; 2.72 亿
    finally:
        plt.close(fig)


def test_annual_65_has_no_star():
    theme.use("en")
    a = annual_end_2022(19.0).assign(threshold=65)
    fig = aging.plots.annual(a, 65, "en")
    try:
        assert not fig.axes[1].collections
        assert len(fig.axes[1].get_legend().get_texts()) == 2
    finally:
        plt.close(fig)


@pytest.mark.parametrize("lang, divisor", [("en", 1), ("zh", 100)])
def test_trend_counts_in_the_languages_unit(lang, divisor):
    theme.use(lang)
    older = projections({2025: 21, 2050: 40})
    s = aging.series(older, 156, 60, "medium", 1950, 2100)
    fig = aging.plots.trend(s, CHINA, 60, "medium", lang)
    try:
        drawn = fig.axes[1].lines[0].get_ydata()
        est = s[s.kind == "estimates"]["older_pop_m"].to_numpy()
        assert list(drawn) == pytest.approx(list(est / divisor))
    finally:
        plt.close(fig)


def test_peaks_table_in_chinese():
    pk = aging.peaks(projections({2025: 21, 2050: 40}), 156, 60)
    t = aging.peaks_table(pk, "zh")
    assert list(t.columns) == ["方案", "峰值年份", "峰值占比（%）"] and list(t["方案"]) == ["中", "低", "高"]
    assert aging.peaks_caption(CHINA, 65, "zh") == "中国：65岁及以上人口占比的峰值"


# --------------------------------------------------------------------------- parameters
def locations():
    return pd.DataFrame({"location_code": [156, 392, 900], "name": ["China", "Japan", "World"]})


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(country="Chna"), "unknown location 'Chna'"),
        (dict(comparators=["Japan", "Atlantis"]), "unknown location 'Atlantis'"),
        (dict(comparators=5), "comparators must be a list"),
        (dict(threshold=70), "age threshold 70"),
        (dict(start_year=2050, end_year=2000), "reversed years"),
        (dict(start_year=1950.5), "whole numbers"),
        (dict(end_year=2200), "outside WPP"),
        (dict(start_year=1900), "outside WPP"),
        (dict(variant="constant"), "variant 'constant'"),
        (dict(lang="fr"), "unsupported language 'fr'"),
        (dict(colour="red"), "no parameter 'colour'"),
    ],
)
def test_bad_parameters_named(kw, message):
    params = dict(comparators=["Japan", "World"], locations=locations())
    params.update(kw)
    with pytest.raises(BadParameter, match=message):
        aging.validate_parameters(**params)


def test_near_matches_suggested():
    with pytest.raises(BadParameter) as err:
        aging.validate_parameters(country="Chna", comparators=[], locations=locations())
    assert "did you mean: china" in str(err.value)


def test_codes_and_aliases_resolve():
    p = aging.validate_parameters(
        country="CHN",
        comparators=["JP", "392", "world"],
        threshold=65,
        variant="low",
        lang="en",
        locations=locations(),
    )
    # "JP" and "392" name the same country: it is compared once
    assert p.location.code == 156 and [o.code for o in p.others] == [392, 900]
    assert p.comparators == ("JP", "392", "world") and p.tag == "CHN_65.en"


def test_chosen_country_not_among_comparators():
    # the default comparators include Japan; choosing Japan must not draw it twice
    p = aging.validate_parameters(country="Japan", comparators=["Japan", "World"], locations=locations())
    codes = [o.code for o in p.others]
    assert p.location.code == 392 and 392 not in codes
    assert len(codes) == len(set(codes)) and codes  # the other comparators stay
    lines = [(loc, None) for loc in (p.location, *p.others)]
    assert [loc.code for loc, _ in lines].count(392) == 1


def test_single_comparator_string_and_frozen():
    p = aging.validate_parameters(comparators="Japan", locations=locations())
    assert p.comparators == ("Japan",) and isinstance(p, aging.Parameters)
    with pytest.raises(AttributeError):
        p.threshold = 65
