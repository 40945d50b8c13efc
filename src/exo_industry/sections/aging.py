"""Section 1.1 of the paper: population aging in China.

Tables (data/processed):
- ``wpp_locations``: UN location codes, names, ISO3, country or aggregate;
- ``wpp_population_by_age``: population by location, year, variant, 5-year age group;
  male, female and total in columns (thousands, 1 July);
- ``aging_older``: 60+ and 65+ counts and shares by location, year and variant
  (estimates 1950–2020, medium/low/high 2025–2100; 5-year steps);
- ``aging_annual``: the same for China, annually 2015–2025 (WPP 2024 via the DDF extract);
- ``wdi_population``: World Bank SP.POP.65UP.TO.ZS and SP.POP.TOTL, a cross-check.

Claims: ``aging.share60``, ``aging.count60``, ``aging.rising``.

Verdict rules (stated here, applied in code):
- share: reproduced if the UN share at the paper's reference date is within 0.5
  percentage points of the paper's value; with caveat within 2 points; else contradicted;
- count: reproduced within 2 %; with caveat within 10 %; else contradicted;
- rising: reproduced if the medium variant's 60+ share keeps rising for at least two
  decades after 2024 (peak year ≥ 2045), contradicted if it peaks before 2035.
The paper's reference date is the end of 2022 (its source, ref. [4], is the national
bulletin for 2022). WPP gives 1 July values, so the UN figure for 31 December 2022 is
the midpoint of 1 July 2022 and 1 July 2023.
"""

from __future__ import annotations

import pandas as pd

from .. import references as refs
from ..claims import Claim
from ..errors import MissingData
from ..sources import worldbank, wpp
from ..store import RawStore
from . import Result, Table

NAME = "aging"
NOTEBOOK = "01_aging_demographics"
TITLE = {"zh": "人口老龄化", "en": "Population aging"}
SOURCES = ("wpp", "worldbank")
THRESHOLDS = (60, 65)
CHINA = 156
WDI_CODES = ["SP.POP.65UP.TO.ZS", "SP.POP.TOTL"]


def older_population(pop: pd.DataFrame, thresholds=THRESHOLDS) -> pd.DataFrame:
    """Counts and shares of people at or above each age threshold."""
    starts = pop["age_group"].map(wpp.age_start)
    keys = ["location_code", "year", "variant"]
    total = pop.groupby(keys, sort=True)["pop_total"].sum().rename("total_pop")
    frames = []
    for t in thresholds:
        older = pop[starts >= t].groupby(keys, sort=True)["pop_total"].sum().rename("older_pop")
        f = pd.concat([older, total], axis=1).reset_index()
        f.insert(3, "threshold", t)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["share"] = 100.0 * out["older_pop"] / out["total_pop"]
    return out[["location_code", "year", "variant", "threshold", "older_pop", "total_pop", "share"]]


def annual_older(ages: pd.DataFrame, totals: pd.DataFrame, thresholds=THRESHOLDS) -> pd.DataFrame:
    if ages.empty or totals.empty:
        return pd.DataFrame(columns=["location_code", "year", "threshold", "older_pop", "total_pop", "share"])
    starts = ages["age_group"].map(wpp.age_start)
    frames = []
    for t in thresholds:
        if starts.min() > t:
            continue  # the extract starts at 60: no 55+ etc.
        older = ages[starts >= t].groupby(["location_code", "year"])["pop_total"].sum().rename("older_pop")
        f = pd.concat(
            [older, totals.set_index(["location_code", "year"])["pop_total"].rename("total_pop")],
            axis=1,
            join="inner",
        )
        f = f.reset_index()
        f.insert(2, "threshold", t)
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    out["share"] = 100.0 * out["older_pop"] / out["total_pop"]
    return out


def peak(older: pd.DataFrame, location: int, threshold: int, variant: str) -> tuple[int, float]:
    s = older[(older.location_code == location) & (older.threshold == threshold) & (older.variant == variant)]
    row = s.loc[s["share"].idxmax()]
    return int(row["year"]), float(row["share"])


def _at_end_2022(annual: pd.DataFrame, older: pd.DataFrame, threshold: int) -> tuple[float, float, dict]:
    """UN count (millions) and share (%) at 31 Dec 2022: midpoint of 1 July 2022 and 2023."""
    a = annual[(annual.location_code == CHINA) & (annual.threshold == threshold)].set_index("year")
    if {2022, 2023} <= set(a.index):
        c = (a.loc[2022, "older_pop"] + a.loc[2023, "older_pop"]) / 2 / 1000
        t = (a.loc[2022, "total_pop"] + a.loc[2023, "total_pop"]) / 2
        s = 100 * (a.loc[2022, "older_pop"] + a.loc[2023, "older_pop"]) / 2 / t
        basis = {
            "basis": "annual",
            "jul2022": (a.loc[2022, "older_pop"] / 1000, a.loc[2022, "share"]),
            "jul2023": (a.loc[2023, "older_pop"] / 1000, a.loc[2023, "share"]),
        }
        return float(c), float(s), basis
    # Without the annual extract: interpolate the 5-year series (2020 estimate, 2025 medium).
    o = older[(older.location_code == CHINA) & (older.threshold == threshold)]
    e = o[(o.variant == "estimates") & (o.year == 2020)].iloc[0]
    m = o[(o.variant == "medium") & (o.year == 2025)].iloc[0]
    w = 2.5 / 5
    c = (e.older_pop + w * (m.older_pop - e.older_pop)) / 1000
    t = e.total_pop + w * (m.total_pop - e.total_pop)
    return float(c), float(100 * c * 1000 / t), {"basis": "5-year interpolation 2020-2025"}


def _first_year_over(annual: pd.DataFrame, level: float) -> int | None:
    """The first year (1 July) in the annual series when China's 60+ share reaches ``level``."""
    a = annual[(annual.location_code == CHINA) & (annual.threshold == 60) & (annual.share >= level)]
    return int(a.year.min()) if len(a) else None


def _grade(diff: float, exact: float, close: float) -> str:
    if abs(diff) <= exact:
        return "reproduced"
    if abs(diff) <= close:
        return "reproduced with caveat"
    return "contradicted"


def _totals_2022(annual: pd.DataFrame, wdi: pd.DataFrame | None) -> tuple[float, float] | None:
    """China's 2022 total population in millions: (UN, 1 July; World Bank SP.POP.TOTL, national series)."""
    if wdi is None or wdi.empty:
        return None
    w = wdi[(wdi.indicator == "SP.POP.TOTL") & (wdi.country_code == "CHN") & (wdi.year == 2022)]
    a = annual[(annual.location_code == CHINA) & (annual.year == 2022) & (annual.threshold == 60)]
    if w.empty or a.empty:
        return None
    return float(a.total_pop.iloc[0]) / 1000, float(w.value.iloc[0]) / 1e6


def _total_gap(annual: pd.DataFrame, wdi: pd.DataFrame | None) -> str:
    totals = _totals_2022(annual, wdi)
    if totals is None:
        return ""
    un, wb = totals
    return (
        f" For 2022 the UN puts China's total population at {un:,.1f} million (1 July), while the World Bank's "
        f"SP.POP.TOTL, which follows the national statistics for China, gives {wb:,.1f} million; a larger "
        "denominator lowers the UN share."
    )


def _total_gap_zh(annual: pd.DataFrame, wdi: pd.DataFrame | None) -> str:
    totals = _totals_2022(annual, wdi)
    if totals is None:
        return ""
    un, wb = totals
    return f"联合国估计2022年中国总人口为{un:,.1f}百万（7月1日），世界银行采用国家统计口径的SP.POP.TOTL为{wb:,.1f}百万；分母更大，比例因而更低。"


def check_claims(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None = None) -> list[Claim]:
    count, share, basis = _at_end_2022(annual, older, 60)
    nat_c, nat_s = refs.CHINA_AGED60_END2022, refs.CHINA_AGED60_SHARE_END2022
    if basis["basis"] == "annual":
        j22, j23 = basis["jul2022"], basis["jul2023"]
        detail_c = f"1 July 2022: {j22[0]:.1f} million; 1 July 2023: {j23[0]:.1f} million"
        detail_s = f"1 July 2022: {j22[1]:.1f}%; 1 July 2023: {j23[1]:.1f}%"
        monthly = (j23[0] - j22[0]) / 12
        growth = (
            f" Between 1 July 2022 and 1 July 2023 the UN's 60+ population grew by {j23[0] - j22[0]:.1f} million "
            f"(about {monthly:.1f} million a month), so a half-year shift in the reference date alone moves the count by "
            f"about {6 * monthly:.0f} million."
        )
        src = "UN WPP 2024, annual population by age for China (1 July), 2022 and 2023"
    else:
        detail_c = detail_s = "interpolated between the 2020 estimate and the 2025 medium projection"
        growth = ""
        src = "UN WPP 2024, population by 5-year age group (1 July)"
    gap_note = (
        f"The paper's figures are the national ones for the end of 2022 ({nat_c.value:.2f} million, {nat_s.value}%; "
        f"{nat_c.citation}). The UN estimate for the same date, taken as the midpoint of its 1 July 2022 and "
        f"1 July 2023 values, is {count:.1f} million and {share:.1f}% ({detail_c}; {detail_s}). The gap has known "
        "causes: the UN reports 1 July populations and revises the whole series from all censuses and surveys, "
        "while the national figure is a year-end estimate from the annual population sample survey."
        + _total_gap(annual, wdi)
        + growth
    )
    gap_note_zh = (
        f"论文采用的是国家公布的2022年末数字（{nat_c.value * 100:.0f}万人，占{nat_s.value}%；见论文参考文献[4]）。"
        f"联合国《世界人口展望2024》以每年7月1日为时点；取2022年与2023年7月1日数值的中点作为2022年末的估计，"
        f"得到{count:.1f}百万人、{share:.1f}%。差距的来源：联合国按年中时点并依据全部普查与调查修订整个序列，"
        "国家数字则为年末、基于年度人口抽样调查的估计。"
        + (_total_gap_zh(annual, wdi))
        + (
            f"2022年7月1日至2023年7月1日，联合国估计的60岁及以上人口增加了{j23[0] - j22[0]:.1f}百万人，"
            f"仅参照时点相差半年，人数就相差约{6 * (j23[0] - j22[0]) / 12:.0f}百万人。"
            if basis["basis"] == "annual"
            else ""
        )
    )
    share_verdict = _grade(share - 20.0, 0.5, 2.0)
    passes = _first_year_over(annual, 20.0)
    count_rel = (count - 280.0) / 280.0 * 100
    count_verdict = _grade(count_rel, 2.0, 10.0)

    medium_peak = peak(older, CHINA, 60, "medium")
    low_peak = peak(older, CHINA, 60, "low")
    high_peak = peak(older, CHINA, 60, "high")
    earliest = min(medium_peak[0], low_peak[0], high_peak[0])
    o = older[
        (older.location_code == CHINA) & (older.threshold == 60) & (older.variant == "medium")
    ].set_index("year")["share"]
    if medium_peak[0] >= 2045:
        rising_verdict = "reproduced"
    elif medium_peak[0] < 2035:
        rising_verdict = "contradicted"
    else:
        rising_verdict = "reproduced with caveat"
    nb = NOTEBOOK
    return [
        Claim(
            claim_id="aging.share60",
            section="1.1",
            statement="60 岁及以上的老年人口比例在持续上升，约占总人口的 20%",
            statement_en="People aged 60 and over are about 20% of China's population, and the share keeps rising",
            paper_value="about 20",
            reproduced_value=f"{share:.1f}",
            unit="% of total population",
            verdict=share_verdict,
            reason=f"UN WPP 2024 gives {share:.1f}% at the end of 2022 (national figure {nat_s.value}%)"
            + (f"; the UN share passes 20% in {passes} (1 July)" if passes else ""),
            source=src,
            note=gap_note,
            notebook=nb,
            paper_value_zh="约20",
            unit_zh="占总人口的百分比（%）",
            reason_zh=f"联合国《世界人口展望2024》2022年末为{share:.1f}%（国家数字{nat_s.value}%）"
            + (f"；{passes}年（7月1日）超过20%" if passes else ""),
            note_zh=gap_note_zh,
        ),
        Claim(
            claim_id="aging.count60",
            section="1.1",
            statement="（60 岁及以上老年人口）高达 2.8 亿",
            statement_en="As many as 280 million people are aged 60 and over",
            paper_value="280",
            reproduced_value=f"{count:.1f}",
            unit="million persons",
            verdict=count_verdict,
            reason=f"UN WPP 2024 gives {count:.1f} million at the end of 2022, {count_rel:+.1f}% from the national {nat_c.value:.2f} million",
            source=src,
            note=gap_note,
            notebook=nb,
            unit_zh="百万人",
            reason_zh=f"联合国《世界人口展望2024》2022年末为{count:.1f}百万人，比国家数字{nat_c.value * 100:.0f}万人{'低' if count_rel < 0 else '高'}{abs(count_rel):.1f}%",
            note_zh=gap_note_zh,
        ),
        Claim(
            claim_id="aging.rising",
            section="1.1",
            statement="预计未来几十年这一比例将持续增长",
            statement_en="The share is expected to keep rising for decades",
            paper_value="rising for decades",
            reproduced_value=f"peak {medium_peak[1]:.1f}% in {medium_peak[0]} (medium)",
            unit="% of total population aged 60+",
            verdict=rising_verdict,
            reason=(
                f"medium variant: {o.get(2025, float('nan')):.1f}% (2025) to {o.get(2050, float('nan')):.1f}% (2050), "
                f"peak {medium_peak[1]:.1f}% in {medium_peak[0]}"
            ),
            source="UN WPP 2024 projections (medium, low and high fertility variants), 5-year steps",
            note=(
                f"In the medium variant China's 60+ share rises from {o.get(2025, float('nan')):.1f}% in 2025 to "
                f"{o.get(2050, float('nan')):.1f}% in 2050 and peaks at {medium_peak[1]:.1f}% in {medium_peak[0]}. "
                f"The low-fertility variant peaks at {low_peak[1]:.1f}% in {low_peak[0]}, the high-fertility variant at "
                f"{high_peak[1]:.1f}% in {high_peak[0]}. The earliest peak across the three variants is in {earliest}, "
                f"{earliest - 2024} years after the paper, so "
                + (
                    "the paper's statement holds across the UN's range. "
                    if earliest >= 2045
                    else "the statement does not hold in every variant. "
                )
                + "Projections are in 5-year steps; the peak year is the step with the highest share."
            ),
            notebook=nb,
            paper_value_zh="未来几十年持续增长",
            reproduced_value_zh=f"{medium_peak[0]}年达到峰值{medium_peak[1]:.1f}%（中方案）",
            unit_zh="60岁及以上人口占总人口的百分比（%）",
            reason_zh=(
                f"中方案：{o.get(2025, float('nan')):.1f}%（2025年）升至{o.get(2050, float('nan')):.1f}%（2050年），"
                f"{medium_peak[0]}年达到峰值{medium_peak[1]:.1f}%"
            ),
            note_zh=(
                f"按中方案，中国60岁及以上人口占比由2025年的{o.get(2025, float('nan')):.1f}%升至2050年的"
                f"{o.get(2050, float('nan')):.1f}%，{medium_peak[0]}年达到峰值{medium_peak[1]:.1f}%。"
                f"低生育率方案峰值为{low_peak[0]}年{low_peak[1]:.1f}%，高生育率方案为{high_peak[0]}年"
                f"{high_peak[1]:.1f}%。三个方案中最早的峰值出现在{earliest}年，距论文发表{earliest - 2024}年，"
                + (
                    "论文的判断在联合国预测区间内均成立。"
                    if earliest >= 2045
                    else "论文的判断并非在所有方案下都成立。"
                )
                + "预测为5年间隔，峰值年份取占比最高的时点。"
            ),
        ),
    ]


def process(store: RawStore) -> Result:
    pop, pop_entries = wpp.load_population(store)
    locations, loc_entries = wpp.load_locations(store)
    ages, totals, annual_entries = wpp.load_annual(store)
    older = older_population(pop)
    annual = annual_older(ages, totals)
    inputs = pop_entries + loc_entries + annual_entries
    tables = {
        "wpp_locations": Table(locations, ["location_code"], description="UN WPP locations"),
        "wpp_population_by_age": Table(
            pop,
            ["location_code", "year", "variant", "age_group"],
            description="population by 5-year age group, thousands",
        ),
        "aging_older": Table(
            older,
            ["location_code", "threshold", "variant", "year"],
            description="60+ / 65+ counts and shares",
        ),
        "aging_annual": Table(
            annual, ["location_code", "threshold", "year"], description="annual 60+ / 65+ for China"
        ),
    }
    notes = []
    wdi = None
    try:
        wdi, wdi_entries = worldbank.load_indicators(store, WDI_CODES)
        tables["wdi_population"] = Table(
            wdi, ["indicator", "country_code", "year"], decimals=3, description="WDI cross-check"
        )
        inputs += wdi_entries
    except MissingData as exc:  # the WDI cross-check is optional for this section
        notes.append(f"World Bank cross-check not built: {exc}")
    return Result(tables=tables, claims=check_claims(older, annual, wdi), inputs=inputs, notes=notes)


# --------------------------------------------------------------------------- notebook helpers
VARIANTS = ("medium", "low", "high")
KEY_FIGURE = "aging_trend_CHN_60"
DATA_NOTE = {
    "zh": "人口数据来自联合国《世界人口展望2024》（5岁年龄组，1950–2100）及中国2015–2025年逐年数据；离线数据完整。",
    "en": "Population data: UN World Population Prospects 2024 (5-year age groups, 1950–2100) and China's annual 2015–2025 series; complete offline.",
}

LABELS = {
    "zh": {
        "title": "# 人口老龄化（论文第1.1节）",
        "intro": "论文称，中国60岁及以上人口约占总人口的20%，高达2.8亿，且这一比例将在未来几十年持续上升。"
        "本节用联合国《世界人口展望2024》重建这些数字：1950–2020年的估计值、至2100年的预测（中、低、高方案）、"
        "国际比较、2015–2025年的逐年细节，以及占比何时见顶。",
        "claims_heading": "## 论文论断核验",
        "share_title": "{name}：{t}岁及以上人口占比",
        "count_title": "{name}：{t}岁及以上人口数量",
        "share_axis": "占总人口比例（%）",
        "count_axis": "人口（百万）",
        "year": "年份",
        "estimates": "估计值",
        "projection": "预测（{variant}方案）",
        "band": "低–高方案区间",
        "comparators_title": "{t}岁及以上人口占比：国际比较",
        "annual_title": "中国{t}岁及以上人口，2015–2025年（逐年，7月1日）",
        "national": "国家统计数据（2022年末）",
        "peak_table": "{name}：{t}岁及以上人口占比的峰值",
        "variant": "方案",
        "peak_year": "峰值年份",
        "peak_share": "峰值占比（%）",
        "medium": "中",
        "low": "低",
        "high": "高",
        "no_annual": "逐年数据仅覆盖中国2015–2025年；所选国家/地区只显示5年间隔数据。",
        "source": "数据来源：联合国经济和社会事务部人口司，《世界人口展望2024》（CC BY 3.0 IGO）",
    },
    "en": {
        "title": "# Population aging (paper, section 1.1)",
        "intro": "The paper says people aged 60 and over are about 20% of China's population, as many as 280 million, "
        "and that the share will keep rising for decades. This section rebuilds those numbers from the UN World Population "
        "Prospects 2024: estimates for 1950–2020, projections to 2100 (medium, low and high variants), comparisons with other "
        "countries, an annual close-up of 2015–2025, and when the share peaks.",
        "claims_heading": "## Checking the paper's claims",
        "share_title": "{name}: share of population aged {t}+",
        "count_title": "{name}: population aged {t}+",
        "share_axis": "Share of total population (%)",
        "count_axis": "People (millions)",
        "year": "Year",
        "estimates": "Estimates",
        "projection": "Projection ({variant} variant)",
        "band": "Low–high variant range",
        "comparators_title": "Share of population aged {t}+: comparison",
        "annual_title": "China, population aged {t}+, 2015–2025 (annual, 1 July)",
        "national": "National statistics (end of 2022)",
        "peak_table": "{name}: peak of the {t}+ share",
        "variant": "Variant",
        "peak_year": "Peak year",
        "peak_share": "Peak share (%)",
        "medium": "medium",
        "low": "low",
        "high": "high",
        "no_annual": "Annual data cover China 2015–2025 only; for the chosen location only 5-year steps are shown.",
        "source": "Source: United Nations, DESA, Population Division, World Population Prospects 2024 (CC BY 3.0 IGO)",
    },
}


# Chinese names for the locations a reader is most likely to pick; others keep the UN's English name.
ZH_NAMES = {
    156: "中国",
    392: "日本",
    410: "韩国",
    840: "美国",
    900: "世界",
    826: "英国",
    276: "德国",
    250: "法国",
    643: "俄罗斯",
    356: "印度",
    344: "中国香港",
    446: "中国澳门",
    158: "中国台湾",
}


def display_name(loc, lang: str) -> str:
    return ZH_NAMES.get(loc.code, loc.name) if lang == "zh" else loc.name


def validate_parameters(country, comparators, threshold, start_year, end_year, variant, lang, locations=None):
    """Check the notebook's parameters; return the resolved (country, [comparators])."""
    from ..errors import BadParameter
    from ..locations import resolve
    from ..processed import read_table
    from ..theme import check_lang

    check_lang(lang)
    if threshold not in THRESHOLDS:
        raise BadParameter(f"age threshold {threshold!r} is not supported; use one of {THRESHOLDS}")
    if not (isinstance(start_year, int) and isinstance(end_year, int)):
        raise BadParameter(f"years must be whole numbers, got {start_year!r} and {end_year!r}")
    if start_year > end_year:
        raise BadParameter(f"reversed years: start_year {start_year} is after end_year {end_year}")
    if start_year < 1950 or end_year > 2100:
        raise BadParameter(f"years {start_year}-{end_year} are outside WPP 2024's range 1950-2100")
    if variant not in VARIANTS:
        raise BadParameter(f"projection variant {variant!r} is not one of {VARIANTS}")
    if isinstance(comparators, str):
        comparators = [comparators]
    table = locations if locations is not None else read_table("wpp_locations")
    return resolve(country, table), [resolve(c, table) for c in comparators]


def series(
    older: pd.DataFrame, code: int, threshold: int, variant: str, start: int, end: int
) -> pd.DataFrame:
    """One location's estimates and chosen projection, with the low–high band, in years [start, end]."""
    o = older[(older.location_code == code) & (older.threshold == threshold) & older.year.between(start, end)]
    est = o[o.variant == "estimates"][["year", "older_pop", "share"]].assign(kind="estimates")
    proj = o[o.variant == variant][["year", "older_pop", "share"]].assign(kind="projection")
    band = o[o.variant.isin(["low", "high"])].pivot_table(
        index="year", columns="variant", values=["share", "older_pop"]
    )
    band.columns = [f"{a}_{b}" for a, b in band.columns]
    if len(est) and len(proj):
        # the projection line (and band) starts from the last estimate, so the two join up
        last = est.iloc[[-1]].assign(kind="projection")
        proj = pd.concat([last, proj], ignore_index=True)
        y, v = int(last.year.iloc[0]), last.iloc[0]
        band = pd.concat(
            [
                band,
                pd.DataFrame(
                    {
                        "share_low": [v.share],
                        "share_high": [v.share],
                        "older_pop_low": [v.older_pop],
                        "older_pop_high": [v.older_pop],
                    },
                    index=pd.Index([y], name="year"),
                ),
            ]
        )
    out = pd.concat([est, proj], ignore_index=True).merge(band.reset_index(), on="year", how="left")
    out["older_pop_m"] = out["older_pop"] / 1000
    return out.sort_values("year").reset_index(drop=True)


def peaks(older: pd.DataFrame, code: int, threshold: int) -> pd.DataFrame:
    rows = []
    for v in VARIANTS:
        year, share = peak(older, code, threshold, v)
        rows.append({"variant": v, "peak_year": year, "peak_share": round(share, 1)})
    return pd.DataFrame(rows)
