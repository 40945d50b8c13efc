"""Section 1.1: the paper's values, the verdict thresholds and the rules that apply them.

Pure: no I/O, no prose. The paper's reference date is the end of 2022 (its source, ref. [4],
is the national bulletin for 2022); WPP gives 1 July values, so the UN figure for
31 December 2022 is the midpoint of 1 July 2022 and 1 July 2023 (see ``tables.at_end_2022``).
"""

from __future__ import annotations

NAME = "aging"
NOTEBOOK = "01_aging_demographics"
PAPER_SECTION = "1.1"

# --- what the paper says (section 1.1)
# "60 岁及以上的老年人口比例在持续上升，约占总人口的 20%"
PAPER_SHARE60 = 20.0  # % of the total population
# "（60 岁及以上老年人口）高达 2.8 亿"
PAPER_COUNT60 = 280.0  # million persons
# "预计未来几十年这一比例将持续增长"; the paper appeared in 2024
PAPER_YEAR = 2024

# --- verdict thresholds
# share: |UN share - paper share| in percentage points
SHARE_EXACT_PP = 0.5  # reproduced within this
SHARE_CLOSE_PP = 2.0  # reproduced with caveat within this, else contradicted
# count: |UN count - paper count| / paper count, in per cent
COUNT_EXACT_PCT = 2.0
COUNT_CLOSE_PCT = 10.0
# rising: the medium variant's peak year (5-year steps)
RISING_PEAK_FROM = 2045  # peak in or after this year (two decades after the paper): reproduced
RISING_PEAK_BEFORE = 2035  # peak before this year: contradicted; in between: with caveat

# --- data choices
THRESHOLDS = (60, 65)  # age thresholds the tables are built for
CHINA = 156  # UN M49 code
WDI_CODES = ("SP.POP.65UP.TO.ZS", "SP.POP.TOTL")  # World Bank cross-check
VARIANTS = ("medium", "low", "high")  # WPP 2024 projection variants shown
WPP_FIRST_YEAR, WPP_LAST_YEAR = 1950, 2100


def grade(diff: float, exact: float, close: float) -> str:
    """Verdict for a difference: within ``exact`` reproduced, within ``close`` with caveat."""
    if abs(diff) <= exact:
        return "reproduced"
    if abs(diff) <= close:
        return "reproduced with caveat"
    return "contradicted"


def rising_verdict(peak_year: int) -> str:
    """Verdict for "the share keeps rising for decades" from the medium variant's peak year."""
    if peak_year >= RISING_PEAK_FROM:
        return "reproduced"
    if peak_year < RISING_PEAK_BEFORE:
        return "contradicted"
    return "reproduced with caveat"
