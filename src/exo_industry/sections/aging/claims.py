"""Section 1.1: decide each claim from the tables (no prose here; see ``text.py``).

- ``aging.share60``: the UN share at the paper's reference date (end of 2022) against the
  paper's 20 %, graded by :data:`rules.SHARE_EXACT_PP` / :data:`rules.SHARE_CLOSE_PP`;
- ``aging.count60``: the UN count against the paper's 280 million, graded in per cent by
  :data:`rules.COUNT_EXACT_PCT` / :data:`rules.COUNT_CLOSE_PCT`;
- ``aging.rising``: the medium variant's peak year against :data:`rules.RISING_PEAK_FROM`
  and :data:`rules.RISING_PEAK_BEFORE`.
"""

from __future__ import annotations

from ... import references as refs
from ..._lazy import pd
from ...claims import Claim, Evidence, render_claims
from . import rules, text
from .tables import at_end_2022, first_year_over, medium_share, peak, totals_2022


def _end_2022(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None) -> dict:
    """The UN values at the end of 2022, the national ones and the two 2022 totals."""
    values = at_end_2022(annual, older, 60)
    totals = totals_2022(annual, wdi)
    values["un_total_2022"], values["wb_total_2022"] = totals if totals else (None, None)
    values["national_count"] = refs.CHINA_AGED60_END2022.value
    values["national_share"] = refs.CHINA_AGED60_SHARE_END2022.value
    return values


def share60(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None = None) -> Evidence:
    values = _end_2022(older, annual, wdi)
    diff = values["share"] - rules.PAPER_SHARE60
    values.update(diff_pp=diff, passes=first_year_over(annual, rules.PAPER_SHARE60))
    return Evidence(
        "aging.share60",
        rules.grade(diff, rules.SHARE_EXACT_PP, rules.SHARE_CLOSE_PP),
        values,
        {
            "paper_share": rules.PAPER_SHARE60,
            "share_exact_pp": rules.SHARE_EXACT_PP,
            "share_close_pp": rules.SHARE_CLOSE_PP,
        },
    )


def count60(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None = None) -> Evidence:
    values = _end_2022(older, annual, wdi)
    rel = (values["count"] - rules.PAPER_COUNT60) / rules.PAPER_COUNT60 * 100
    values["count_rel_pct"] = rel
    return Evidence(
        "aging.count60",
        rules.grade(rel, rules.COUNT_EXACT_PCT, rules.COUNT_CLOSE_PCT),
        values,
        {
            "paper_count": rules.PAPER_COUNT60,
            "count_exact_pct": rules.COUNT_EXACT_PCT,
            "count_close_pct": rules.COUNT_CLOSE_PCT,
        },
    )


def rising(older: pd.DataFrame) -> Evidence:
    values: dict = {}
    for variant in rules.VARIANTS:
        values[f"{variant}_year"], values[f"{variant}_share"] = peak(older, rules.CHINA, 60, variant)
    earliest = min(values[f"{v}_year"] for v in rules.VARIANTS)
    values.update(
        share2025=medium_share(older, 2025),
        share2050=medium_share(older, 2050),
        earliest=earliest,
        years_after=earliest - rules.PAPER_YEAR,
        holds_all=earliest >= rules.RISING_PEAK_FROM,
    )
    return Evidence(
        "aging.rising",
        rules.rising_verdict(values["medium_year"]),
        values,
        {"rising_peak_from": rules.RISING_PEAK_FROM, "rising_peak_before": rules.RISING_PEAK_BEFORE},
    )


def evidence(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None = None) -> list[Evidence]:
    """Every claim of the section, in the paper's order."""
    return [share60(older, annual, wdi), count60(older, annual, wdi), rising(older)]


def to_claims(records: list[Evidence]) -> list[Claim]:
    """Ledger rows: each decision with its words in both languages."""
    return render_claims(records, text, section=rules.PAPER_SECTION, notebook=rules.NOTEBOOK)


def check_claims(older: pd.DataFrame, annual: pd.DataFrame, wdi: pd.DataFrame | None = None) -> list[Claim]:
    return to_claims(evidence(older, annual, wdi))
