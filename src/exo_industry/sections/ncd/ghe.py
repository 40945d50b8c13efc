"""Section 1.2: WHO Global Health Estimates 2021 (GHE 2021) -> rows of the section's tables.

GHE 2021 gives world deaths by GHE cause code for 2000, 2010, 2015, 2019, 2020 and 2021
(:mod:`exo_industry.sources.who_ghe`). From it this module builds:

- ``ncd_share`` rows (source :data:`rules.SRC_GHE21`): each group's share of all deaths, and
  the NCD share of deaths other than COVID-19 and other pandemic-related outcomes (basis
  :data:`rules.BASIS_NON_PANDEMIC`), with the deaths behind each share;
- ``ncd_main4`` rows: the four main NCD types by their GHE codes, their sum, all NCD deaths
  (GHE code 600, a true total) and the four's share of it, by year;
- ``ncd_ghe_deaths``: world deaths by top-level group and year, for the denominator chart;
- ``ncd_reference``: WHO's published figures used as cited constants.
"""

from __future__ import annotations

from ..._lazy import pd
from ...sources import who_ghe
from . import rules


def wide(ghe: pd.DataFrame) -> pd.DataFrame:
    """Deaths by year (rows) and the GHE codes this section reads (columns); COVID-19 and the
    pandemic-related group are 0 in years WHO lists them without deaths or not at all."""
    w = who_ghe.deaths_by_code(ghe, [c for c in rules.GHE_CODES if c != rules.GHE_COVID])
    covid = ghe[ghe["ghe_code"] == rules.GHE_COVID].set_index("year")["deaths"]
    w[rules.GHE_COVID] = covid.reindex(w.index).fillna(0.0)
    return w


def non_pandemic(w: pd.DataFrame) -> pd.Series:
    """All deaths other than COVID-19 and other pandemic-related outcomes, by year."""
    return w[rules.GHE_ALL] - w[rules.GHE_COVID] - w[rules.GHE_PANDEMIC_OTHER]


def share_rows(ghe: pd.DataFrame) -> pd.DataFrame:
    """``ncd_share`` rows for the world from GHE 2021."""
    w = wide(ghe)
    rows = []
    for year, r in w.iterrows():
        base = {
            "source": rules.SRC_GHE21,
            "location_code": rules.WORLD,
            "location": "World",
            "year": int(year),
        }
        for group, code in rules.GHE_GROUPS.items():
            share = 100.0 * r[code] / r[rules.GHE_ALL]
            rows.append(
                {**base, "basis": rules.BASIS_ALL, "group": group, "share_pct": share, "deaths": r[code]}
            )
        other = r[rules.GHE_ALL] - r[rules.GHE_COVID] - r[rules.GHE_PANDEMIC_OTHER]
        share = 100.0 * r[rules.GHE_NCD] / other
        rows.append({**base, "basis": rules.BASIS_NON_PANDEMIC, "group": "ncd", "share_pct": share,
                     "deaths": r[rules.GHE_NCD]})  # fmt: skip
    cols = ["source", "basis", "location_code", "location", "year", "group", "share_pct", "deaths"]
    return pd.DataFrame(rows, columns=cols)


def main4_rows(ghe: pd.DataFrame) -> pd.DataFrame:
    """``ncd_main4`` rows for the world from GHE 2021 (one per year)."""
    w = wide(ghe)
    out = pd.DataFrame({"year": w.index.astype(int)})
    for key, code in rules.GHE_MAIN4.items():
        out[key] = w[code].to_numpy()
    out["ckd"] = (w[rules.GHE_CKD_DIABETES] + w[rules.GHE_CKD_OTHER]).to_numpy()
    out["diabetic_kidney"] = w[rules.GHE_CKD_DIABETES].to_numpy()
    out["main4_sum"] = out[rules.MAIN4_ORDER].sum(axis=1)
    out["ncd_total"] = w[rules.GHE_NCD].to_numpy()
    out.insert(0, "source", rules.SRC_GHE21)
    out.insert(1, "location_code", rules.WORLD)
    out.insert(2, "location", "World")
    out["ncd_total_basis"] = "all NCD deaths (GHE code 600)"
    out["diabetes_definition"] = "diabetes mellitus only (chronic kidney disease due to diabetes apart)"
    return out


def deaths_table(ghe: pd.DataFrame) -> pd.DataFrame:
    """The ``ncd_ghe_deaths`` table: world deaths by top-level group and year (COVID-19 apart)."""
    w = wide(ghe)
    out = pd.DataFrame(
        {
            "year": w.index.astype(int),
            "all_causes": w[rules.GHE_ALL].to_numpy(),
            "ncd": w[rules.GHE_NCD].to_numpy(),
            "communicable_excl_covid19": (w[rules.GHE_COMMUNICABLE] - w[rules.GHE_COVID]).to_numpy(),
            "covid19": w[rules.GHE_COVID].to_numpy(),
            "pandemic_other": w[rules.GHE_PANDEMIC_OTHER].to_numpy(),
            "injuries": w[rules.GHE_INJURIES].to_numpy(),
        }
    )
    out["non_pandemic"] = non_pandemic(w).to_numpy()
    out["ncd_share_all_pct"] = 100.0 * out["ncd"] / out["all_causes"]
    out["ncd_share_non_pandemic_pct"] = 100.0 * out["ncd"] / out["non_pandemic"]
    return out


def reference_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": r.key,
                "value": r.value,
                "unit": r.unit,
                "what": r.what,
                "citation": r.citation,
                "url": r.url,
            }
            for r in rules.REFERENCES
        ]
    )
