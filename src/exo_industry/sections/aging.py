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
from ..sources import wpp, worldbank
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
        f = pd.concat([older, totals.set_index(["location_code", "year"])["pop_total"].rename("total_pop")], axis=1, join="inner")
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


def _grade(diff: float, exact: float, close: float) -> str:
    if abs(diff) <= exact:
        return "reproduced"
    if abs(diff) <= close:
        return "reproduced with caveat"
    return "contradicted"


def check_claims(older: pd.DataFrame, annual: pd.DataFrame) -> list[Claim]:
    count, share, basis = _at_end_2022(annual, older, 60)
    nat_c, nat_s = refs.CHINA_AGED60_END2022, refs.CHINA_AGED60_SHARE_END2022
    if basis["basis"] == "annual":
        j22, j23 = basis["jul2022"], basis["jul2023"]
        detail_c = f"1 July 2022: {j22[0]:.1f} million; 1 July 2023: {j23[0]:.1f} million"
        detail_s = f"1 July 2022: {j22[1]:.1f}%; 1 July 2023: {j23[1]:.1f}%"
        src = "UN WPP 2024, annual population by age for China (1 July), 2022 and 2023"
    else:
        detail_c = detail_s = "interpolated between the 2020 estimate and the 2025 medium projection"
        src = "UN WPP 2024, population by 5-year age group (1 July)"
    gap_note = (
        f"The paper's figures are the national ones for the end of 2022 ({nat_c.value:.2f} million, {nat_s.value}%; "
        f"{nat_c.citation}). The UN estimate for the same date, taken as the midpoint of its 1 July 2022 and "
        f"1 July 2023 values, is {count:.1f} million and {share:.1f}% ({detail_c}; {detail_s}). The gap has known "
        "causes: the UN reports 1 July populations and revises the whole series from all censuses and surveys, "
        "while the national figure is a year-end estimate from the annual population sample survey; the UN also "
        "puts China's total population higher than the national statistics do, which lowers the share. "
        "The 60+ population was growing fast in 2022-2023 (about 1 million a month), so a half-year shift "
        "alone moves the count by several million."
    )
    share_verdict = _grade(share - 20.0, 0.5, 2.0)
    count_rel = (count - 280.0) / 280.0 * 100
    count_verdict = _grade(count_rel, 2.0, 10.0)

    medium_peak = peak(older, CHINA, 60, "medium")
    low_peak = peak(older, CHINA, 60, "low")
    high_peak = peak(older, CHINA, 60, "high")
    o = older[(older.location_code == CHINA) & (older.threshold == 60) & (older.variant == "medium")].set_index("year")["share"]
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
            reason=f"UN WPP 2024 gives {share:.1f}% at the end of 2022 (national figure {nat_s.value}%); 20% is passed in 2024",
            source=src,
            note=gap_note,
            notebook=nb,
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
                f"The low-fertility variant peaks later and higher ({low_peak[1]:.1f}% in {low_peak[0]}), the "
                f"high-fertility variant at {high_peak[1]:.1f}% in {high_peak[0]}. In every variant the share rises for "
                "more than five decades, so the paper's statement holds across the UN's range. Projections are in "
                "5-year steps; the peak year is the step with the highest share."
            ),
            notebook=nb,
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
            pop, ["location_code", "year", "variant", "age_group"], description="population by 5-year age group, thousands"
        ),
        "aging_older": Table(older, ["location_code", "threshold", "variant", "year"], description="60+ / 65+ counts and shares"),
        "aging_annual": Table(annual, ["location_code", "threshold", "year"], description="annual 60+ / 65+ for China"),
    }
    notes = []
    try:
        wdi, wdi_entries = worldbank.load_indicators(store, WDI_CODES)
        tables["wdi_population"] = Table(wdi, ["indicator", "country_code", "year"], decimals=3, description="WDI cross-check")
        inputs += wdi_entries
    except Exception as exc:  # the WDI cross-check is optional for this section
        notes.append(f"World Bank cross-check not built: {exc}")
    return Result(tables=tables, claims=check_claims(older, annual), inputs=inputs, notes=notes)
