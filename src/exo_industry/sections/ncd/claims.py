"""Section 1.2: decide each claim from the tables (no prose here; see ``text.py``).

- ``ncd.share``: with WHO GHE 2021 rows for the paper's year, the paper's 74 % against that
  year's NCD share of all deaths and of deaths other than COVID-19 and pandemic-related ones
  (:func:`rules.grade_share_year`); without them, WHO's nearest year in GHE 2019
  (:func:`rules.grade_share`). The paper's 31 million against GHE 2021's count for that year
  and WHO's published counts (:func:`rules.grade_count`); the verdict is the weaker grade;
- ``ncd.main4``: the paper's list against WHO's list of the four main NCD types, with their
  share of NCD deaths in GHE 2021 (2019-2021; GBD 2019 when GHE 2021 is absent)
  (:func:`rules.grade_main4_list`); the GBD level-2 ranking is a note, not part of the verdict.
"""

from __future__ import annotations

from ..._lazy import pd
from ...claims import Claim, Evidence, render_claims
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


def _ghe_year(share: pd.DataFrame, year: int) -> dict | None:
    """GHE 2021 world NCD shares and deaths for one year, or None when GHE 2021 lacks it."""
    g = share[(share["source"] == rules.SRC_GHE21) & (share["location_code"] == rules.WORLD)]
    g = g[g["year"] == year]
    if g.empty or "basis" not in g.columns:
        return None
    ncd = g[g["group"] == "ncd"].set_index("basis")
    if not {rules.BASIS_ALL, rules.BASIS_NON_PANDEMIC} <= set(ncd.index):
        return None
    by_group = g[g["basis"] == rules.BASIS_ALL].set_index("group")["deaths"]
    return {
        "all": float(ncd.loc[rules.BASIS_ALL, "share_pct"]),
        "other": float(ncd.loc[rules.BASIS_NON_PANDEMIC, "share_pct"]),
        "ncd_m": float(ncd.loc[rules.BASIS_ALL, "deaths"]) / 1e6,
        "all_m": float(by_group.sum() - by_group.get("covid19", 0.0)) / 1e6,  # COVID-19 is inside group I
        "covid_m": float(by_group.get("covid19", 0.0)) / 1e6,
        "pandemic_other_m": float(by_group.get("pandemic_other", 0.0)) / 1e6,
    }


def _ghe_share_values(share: pd.DataFrame) -> tuple[str, str, dict] | None:
    """(share grade, count grade, values) judged on GHE 2021's figures for the paper's year."""
    y = rules.PAPER_YEAR
    now = _ghe_year(share, y)
    if now is None:
        return None
    share_grade, basis = rules.grade_share_year(now["all"], now["other"], rules.PAPER_SHARE)
    counts = {yr: r.value for yr, r in rules.WHO_NCD_DEATHS_BY_YEAR.items()} | {y: now["ncd_m"]}
    count_grade, count_year = rules.grade_count(counts, rules.PAPER_COUNT, y)
    values = {"ghe": True, "share_grade": share_grade, "count_grade": count_grade, "share_basis": basis,
              "year_used": y, "who_share": now["all"], "other_share": now["other"],
              "count_used": now["ncd_m"], "count_year": count_year, "all_m": now["all_m"],
              "covid_m": now["covid_m"], "pandemic_other_m": now["pandemic_other_m"]}  # fmt: skip
    for other in (y - 1, y + 1):
        got = _ghe_year(share, other) or {"all": float("nan"), "other": float("nan"), "ncd_m": float("nan")}
        values.update(
            {f"share_{other}": got["all"], f"other_{other}": got["other"], f"count_{other}": got["ncd_m"]}
        )
    return share_grade, count_grade, values


def _thresholds() -> dict:
    return {
        "paper_share": rules.PAPER_SHARE,
        "paper_count": rules.PAPER_COUNT,
        "paper_year": rules.PAPER_YEAR,
        "share_exact_pp": rules.SHARE_EXACT_PP,
        "share_close_pp": rules.SHARE_CLOSE_PP,
        "share_non_pandemic_pp": rules.SHARE_NON_PANDEMIC_PP,
        "count_tol": rules.COUNT_TOL,
    }


def share_evidence(share: pd.DataFrame) -> Evidence:
    """ncd.share from the ``ncd_share`` table (GHE 2021 for the paper's year when present)."""
    ghe = _ghe_share_values(share)
    if ghe is not None:
        share_grade, count_grade, values = ghe
        values["share_stands"] = False
        values.update(_gbd17_world(share))
        return Evidence("ncd.share", rules.weaker(share_grade, count_grade), values, _thresholds())
    return _ghe2019_share_evidence(share)


def _ghe2019_share_evidence(share: pd.DataFrame) -> Evidence:
    """ncd.share on WHO GHE 2019 (via WDI) alone: the nearest year WHO has to the paper's."""
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
        "ghe": False,
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
    return Evidence("ncd.share", rules.weaker(share_grade, count_grade), values, _thresholds())


def _main4_shares(main4: pd.DataFrame) -> tuple[str, dict[int, float], pd.DataFrame]:
    """(source judged, the four's share of NCD deaths by year, its rows): GHE 2021 for 2019-2021
    when present, else GBD 2019 for :data:`rules.CLAIM_YEAR_MAIN4`."""
    world = main4[main4["location_code"] == rules.WORLD]
    g = world[(world["source"] == rules.SRC_GHE21) & world["year"].isin(rules.GHE21_YEARS)]
    if g.empty:
        g = world[(world["source"] == rules.SRC_GBD19) & (world["year"] == rules.CLAIM_YEAR_MAIN4)]
        src = rules.SRC_GBD19
    else:
        src = rules.SRC_GHE21
    if g.empty:
        raise BadParameter(
            f"no deaths from the four main NCD types for the world in {rules.CLAIM_YEAR_MAIN4}"
        )
    shares = dict(zip(g["year"].astype(int), g["main4_share_pct"].astype(float), strict=True))
    return src, shares, g.set_index("year")


def _ranking_values(deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame) -> dict:
    """The GBD 2019 ranking by broader cause groups (level 2), for the note only."""
    y = rules.CLAIM_YEAR_MAIN4
    m = main4[
        (main4["source"] == rules.SRC_GBD19) & (main4["location_code"] == rules.WORLD) & (main4["year"] == y)
    ]
    if m.empty or deaths.empty:
        return {"ranking": False}
    alone = level2_groups(deaths, causes, rules.WORLD, "World", y, diabetes_alone=True)
    grouped = level2_groups(deaths, causes, rules.WORLD, "World", y, diabetes_alone=False)
    rank_alone = list(alone.index).index(rules.MAIN4["diabetes"]) + 1
    rank_grouped = list(grouped.index).index(rules.DIABETES_KIDNEY) + 1
    return {
        "ranking": True,
        "rank_alone": rank_alone,
        "rank_grouped": rank_grouped,
        # the NCD groups other than the four that rank above diabetes alone
        "ahead": tuple(g for g in alone.index[: rank_alone - 1] if g not in set(rules.MAIN4.values())),
        "diabetes_kidney": float(grouped.get(rules.DIABETES_KIDNEY, float("nan"))),
        "gbd_share4": float(m.iloc[0]["main4_share_pct"]),
    }


def main4_evidence(deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame) -> Evidence:
    """ncd.main4: the paper's list against WHO's, the four's share of NCD deaths, the ranking as a note."""
    src, shares, rows = _main4_shares(main4)
    last = rules.PAPER_YEAR if rules.PAPER_YEAR in shares else max(shares)  # the paper's year if judged
    r = rows.loc[last]
    values = {k: float(r[k]) for k in (*rules.MAIN4_ORDER, "main4_sum", "ncd_total")}
    dk = r.get("diabetic_kidney", float("nan"))
    values.update(
        source=src,
        year=last,
        first_year=min(shares),
        share4=shares[last],
        share4_min=min(shares.values()),
        shares=tuple(sorted(shares.items())),
        diabetic_kidney=float(dk) if pd.notna(dk) else float("nan"),
        same_list=set(rules.PAPER_MAIN4) == set(rules.WHO_MAIN4_LIST),
        who_share4=100 * rules.WHO_MAIN4_2019.value / rules.WHO_NCD_DEATHS_2019.value,
        **_ranking_values(deaths, causes, main4),
    )
    verdict = rules.grade_main4_list(rules.PAPER_MAIN4, rules.WHO_MAIN4_LIST, shares)
    return Evidence("ncd.main4", verdict, values, {"main4_min_share": rules.MAIN4_MIN_SHARE})


def evidence(
    share_table: pd.DataFrame, deaths: pd.DataFrame, causes: pd.DataFrame, main4_table: pd.DataFrame
) -> list[Evidence]:
    """Every claim of the section, in the paper's order."""
    return [share_evidence(share_table), main4_evidence(deaths, causes, main4_table)]


def to_claims(records: list[Evidence]) -> list[Claim]:
    """Ledger rows: each decision with its words in both languages."""
    return render_claims(records, text, section=rules.PAPER_SECTION, notebook=rules.NOTEBOOK)


def check_claims(
    share_table: pd.DataFrame, deaths: pd.DataFrame, causes: pd.DataFrame, main4_table: pd.DataFrame
) -> list[Claim]:
    return to_claims(evidence(share_table, deaths, causes, main4_table))
