"""Section 1.2: decide each claim from the tables (no prose here; see ``text.py``).

- ``ncd.share``: WHO's share for the world against the paper's 74 % (:func:`rules.grade_share`),
  the paper's 31 million against WHO's published counts (:func:`rules.grade_count`); the
  verdict is the weaker of the two grades;
- ``ncd.main4``: GBD 2019 NCD groups for the world in 2019, ranked at GBD level 2 with
  diabetes alone and with kidney disease (:func:`rules.grade_main4`).
"""

from __future__ import annotations

import pandas as pd

from ...claims import Claim, Evidence, make_claim
from ...errors import BadParameter
from . import rules, text
from .tables import level2_groups


def _gbd17_world(share: pd.DataFrame) -> dict:
    """IHME GBD 2017 NCD deaths (millions) and share for the world in 2000 and 2017, where both exist."""
    g17 = share[
        (share["source"] == rules.SRC_GBD17)
        & (share["location_code"] == rules.WORLD)
        & (share["group"] == "ncd")
    ].set_index("year")
    if not {2000, 2017} <= set(g17.index):
        return {"gbd17": False}
    return {
        "gbd17": True,
        "gbd2000_deaths_m": g17.loc[2000, "deaths"] / 1e6,
        "gbd2000_share": g17.loc[2000, "share_pct"],
        "gbd2017_deaths_m": g17.loc[2017, "deaths"] / 1e6,
        "gbd2017_share": g17.loc[2017, "share_pct"],
    }


def share_evidence(share: pd.DataFrame) -> Evidence:
    """ncd.share from the ``ncd_share`` table."""
    who = share[
        (share["source"] == rules.SRC_WHO)
        & (share["location_code"] == rules.WORLD)
        & (share["group"] == "ncd")
    ]
    series = dict(zip(who["year"].astype(int), who["share_pct"].astype(float), strict=True))
    share_grade, year_used, who_value = rules.grade_share(series, rules.PAPER_SHARE, rules.PAPER_YEAR)
    counts = {y: r.value for y, r in rules.WHO_NCD_DEATHS_BY_YEAR.items()}
    count_grade, count_year = rules.grade_count(counts, rules.PAPER_COUNT, year_used)
    values = {
        "share_grade": share_grade,
        "count_grade": count_grade,
        "year_used": year_used,
        "who_share": who_value,
        "who_2000": series.get(2000, float("nan")),
        "last_year": max(series) if series else year_used,
        "count_used": counts.get(year_used),  # WHO's published count for the share's year, if any
        "count_year": count_year,  # the year whose WHO count matches the paper's, if any
        # the share stands but goes with another count than the paper's
        "share_stands": share_grade != "contradicted"
        and count_year not in (None, year_used)
        and year_used in counts,
        **_gbd17_world(share),
    }
    return Evidence(
        "ncd.share",
        rules.weaker(share_grade, count_grade),
        values,
        {
            "paper_share": rules.PAPER_SHARE,
            "paper_count": rules.PAPER_COUNT,
            "paper_year": rules.PAPER_YEAR,
            "share_exact_pp": rules.SHARE_EXACT_PP,
            "share_close_pp": rules.SHARE_CLOSE_PP,
            "count_tol": rules.COUNT_TOL,
        },
    )


def main4_evidence(deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame) -> Evidence:
    """ncd.main4 from the GBD 2019 tables (world, :data:`rules.CLAIM_YEAR_MAIN4`)."""
    y = rules.CLAIM_YEAR_MAIN4
    m = main4[
        (main4["source"] == rules.SRC_GBD19) & (main4["location_code"] == rules.WORLD) & (main4["year"] == y)
    ]
    if m.empty:
        raise BadParameter(f"no GBD 2019 deaths for the world in {y}")
    row = m.iloc[0]
    alone = level2_groups(deaths, causes, rules.WORLD, "World", y, diabetes_alone=True)
    grouped = level2_groups(deaths, causes, rules.WORLD, "World", y, diabetes_alone=False)
    share4 = float(row["main4_share_pct"])
    rank_alone = list(alone.index).index(rules.MAIN4["diabetes"]) + 1
    values = {k: row[k] for k in (*rules.MAIN4_ORDER, "ckd", "main4_sum", "ncd_total")}
    values.update(
        year=y,
        share4=share4,
        who_share4=100 * rules.WHO_MAIN4_2019.value / rules.WHO_NCD_DEATHS_2019.value,
        rank_alone=rank_alone,
        # the NCD groups other than the four that rank above diabetes alone
        ahead=tuple(g for g in alone.index[: rank_alone - 1] if g not in set(rules.MAIN4.values())),
        diabetes_kidney=grouped.get(rules.DIABETES_KIDNEY, float("nan")),
    )
    return Evidence(
        "ncd.main4",
        rules.grade_main4(alone, grouped, share4),
        values,
        {"main4_min_share": rules.MAIN4_MIN_SHARE},
    )


def evidence(
    share_table: pd.DataFrame, deaths: pd.DataFrame, causes: pd.DataFrame, main4_table: pd.DataFrame
) -> list[Evidence]:
    """Every claim of the section, in the paper's order."""
    return [share_evidence(share_table), main4_evidence(deaths, causes, main4_table)]


def to_claims(records: list[Evidence]) -> list[Claim]:
    """Ledger rows: each decision with its words in both languages."""
    return [
        make_claim(
            ev,
            section=rules.PAPER_SECTION,
            notebook=rules.NOTEBOOK,
            source=text.source(ev),
            en=text.render(ev, "en"),
            zh=text.render(ev, "zh"),
        )
        for ev in records
    ]


def check_claims(
    share_table: pd.DataFrame, deaths: pd.DataFrame, causes: pd.DataFrame, main4_table: pd.DataFrame
) -> list[Claim]:
    return to_claims(evidence(share_table, deaths, causes, main4_table))
