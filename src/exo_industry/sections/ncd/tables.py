"""Section 1.2: raw store -> tidy tables, and the views the notebook draws.

Inputs:
- WHO Global Health Estimates 2019 (GHE) as republished by the World Bank: WDI
  ``SH.DTH.NCOM.ZS`` (NCD share of all deaths) and ``SH.DTH.COMM.ZS`` (communicable,
  maternal, perinatal and nutritional conditions), 2000, 2010, 2015, 2019;
- IHME Global Burden of Disease via Our World in Data: deaths by GBD level-1 group
  (GBD 2017, 1990–2017) and deaths by cause (GBD 2019, 1990–2019);
- WHO Global Health Estimates 2021 (GHE 2021, WHO's workbook: world deaths by GHE cause code,
  2000-2021, with COVID-19 and other pandemic-related deaths; rows built in ``ghe``);
- WHO's published figures (cited constants in ``rules``).

Tables (data/processed):
- ``ncd_share``: share of all deaths by group (ncd, communicable, injuries) for every
  location and year, one row per source: WHO GHE 2019 via WDI (all deaths), IHME GBD
  2017 (all deaths), and IHME GBD 2019 computed from the causes the export lists
  (``basis = listed causes``: the export has no all-cause total, so this share is an
  approximation and is labelled so), and WHO GHE 2021 for the world (all deaths, and NCDs
  among deaths other than COVID-19 and pandemic-related ones);
- ``ncd_deaths_by_cause``: GBD 2019 deaths for every NCD cause the export holds,
  by location and year;
- ``ncd_gbd_causes``: every cause column of the GBD 2019 export with its GBD level-1
  group, its GBD level-2 group, the cause it is part of when nested, and its main-four key;
- ``ncd_main4``: deaths from the four main NCD groups, their sum, the NCD total and
  the four's share of it, by location and year (GBD 2019; GHE 2021 for the world), plus WHO's
  published 2019 figures for the world;
- ``ncd_ghe_deaths``: world deaths by top-level group and year (GHE 2021);
- ``ncd_reference``: the WHO figures used as cited constants;
- ``ncd_locations``: every location in any of the sources, with the sources that have it.
"""

from __future__ import annotations

import math

from ..._lazy import pd
from ...errors import BadParameter
from ...sources import owid, who_ghe, worldbank
from ...store import RawStore
from .. import Result, Table
from . import ghe as ghe21
from .rules import (
    CAUSE_GROUPINGS,
    CKD,
    DIABETES_KIDNEY,
    GBD_CAUSES,
    GHE21_YEARS,
    MAIN4,
    MAIN4_ORDER,
    SRC_GBD17,
    SRC_GBD19,
    SRC_GHE21,
    SRC_WHO,
    SRC_WHO_PUBLISHED,
    WDI_CODES,
    WDI_COMM,
    WDI_NCD,
    WHO_CANCER_2019,
    WHO_CRD_2019,
    WHO_CVD_2019,
    WHO_DIABETES_2019,
    WHO_MAIN4_2019,
    WHO_NCD_DEATHS_2019,
    WORLD,
)


# --------------------------------------------------------------------------- transforms
def norm_code(code) -> str:
    code = "" if code is None or (isinstance(code, float) and math.isnan(code)) else str(code)
    return WORLD if code == owid.WORLD_CODE else code


def who_share(wdi: pd.DataFrame) -> pd.DataFrame:
    """WDI cause-of-death shares (WHO GHE) as ``ncd_share`` rows."""
    groups = {WDI_NCD: "ncd", WDI_COMM: "communicable"}
    w = wdi[wdi["indicator"].isin(groups)]
    return pd.DataFrame(
        {
            "source": SRC_WHO,
            "basis": "all deaths",
            "location_code": w["country_code"].map(norm_code),
            "location": w["country"],
            "year": w["year"].astype(int),
            "group": w["indicator"].map(groups),
            "share_pct": w["value"].astype(float),
            "deaths": float("nan"),
        }
    )


def gbd_category_share(cat: pd.DataFrame) -> pd.DataFrame:
    """GBD level-1 deaths (ncd, communicable, injuries) to shares of their sum (= all deaths)."""
    c = cat.assign(code=cat["code"].map(norm_code))
    total = c.groupby(["entity", "year"])["deaths"].transform("sum")
    return pd.DataFrame(
        {
            "source": SRC_GBD17,
            "basis": "all deaths",
            "location_code": c["code"],
            "location": c["entity"],
            "year": c["year"].astype(int),
            "group": c["cause"],
            "share_pct": 100.0 * c["deaths"] / total,
            "deaths": c["deaths"],
        }
    )


def classify_causes(causes) -> pd.DataFrame:
    """The ``ncd_gbd_causes`` table for the cause names found in an export."""
    unknown = sorted(set(causes) - set(GBD_CAUSES))
    if unknown:
        raise BadParameter(
            f"GBD cause(s) not placed in the GBD hierarchy: {', '.join(unknown)}",
            hint="add them to GBD_CAUSES in sections/ncd/rules.py with their level-1 and level-2 groups",  # noqa: E501
        )
    key_of = {v: k for k, v in MAIN4.items()}
    rows = [
        {
            "cause": c,
            "gbd_group": GBD_CAUSES[c][0],
            "gbd_level2": GBD_CAUSES[c][1],
            "part_of": GBD_CAUSES[c][2],
            "main4": key_of.get(c, ""),
        }
        for c in sorted(set(causes))
    ]
    return pd.DataFrame(rows)


def gbd_listed_share(by_cause: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """Approximate level-1 shares from the causes the GBD 2019 export lists (nested ones counted once)."""
    top = causes[causes["part_of"] == ""].set_index("cause")["gbd_group"]
    d = by_cause[by_cause["cause"].isin(top.index)]
    d = d.assign(group=d["cause"].map(top))
    g = d.groupby(["entity", "code", "year", "group"], as_index=False, dropna=False)["deaths"].sum()
    total = g.groupby(["entity", "year"])["deaths"].transform("sum")
    return pd.DataFrame(
        {
            "source": SRC_GBD19,
            "basis": "listed causes",
            "location_code": g["code"].map(norm_code),
            "location": g["entity"],
            "year": g["year"].astype(int),
            "group": g["group"],
            "share_pct": 100.0 * g["deaths"] / total,
            "deaths": g["deaths"],
        }
    )


def ncd_deaths(by_cause: pd.DataFrame, causes: pd.DataFrame) -> pd.DataFrame:
    """The ``ncd_deaths_by_cause`` table: GBD 2019 deaths from every NCD cause listed."""
    ncd_causes = set(causes.loc[causes["gbd_group"] == "ncd", "cause"])
    d = by_cause[by_cause["cause"].isin(ncd_causes)]
    return pd.DataFrame(
        {
            "location_code": d["code"].map(norm_code),
            "location": d["entity"],
            "year": d["year"].astype(int),
            "cause": d["cause"],
            "deaths": d["deaths"],
        }
    ).reset_index(drop=True)


def main4_table(deaths: pd.DataFrame, causes: pd.DataFrame, ghe: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deaths from the four main NCD groups, their sum, the NCD total and the four's share of it.

    GBD 2019 rows: the NCD total is the sum of the NCD causes the export lists (nested
    causes not counted twice); the export misses some small NCD causes, so the total is
    a little low and the share a little high (``ncd_total_basis`` says so).
    """
    top = set(causes.loc[(causes["gbd_group"] == "ncd") & (causes["part_of"] == ""), "cause"])
    wide = deaths.pivot_table(
        index=["location_code", "location", "year"], columns="cause", values="deaths", aggfunc="first"
    )
    out = pd.DataFrame(index=wide.index)
    for key, cause in MAIN4.items():
        out[key] = wide[cause] if cause in wide else float("nan")
    out["ckd"] = wide[CKD] if CKD in wide else float("nan")
    out["main4_sum"] = out[MAIN4_ORDER].sum(axis=1, min_count=len(MAIN4_ORDER))
    out["ncd_total"] = wide[[c for c in wide.columns if c in top]].sum(axis=1, min_count=1)
    out = out.reset_index()
    out.insert(0, "source", SRC_GBD19)
    out["ncd_total_basis"] = "NCD causes listed in the export"
    out["diabetes_definition"] = "diabetes mellitus only (chronic kidney disease apart)"
    who = pd.DataFrame(
        [
            {
                "source": SRC_WHO_PUBLISHED,
                "location_code": WORLD,
                "location": "World",
                "year": 2019,
                "cvd": WHO_CVD_2019.value * 1e6,
                "cancer": WHO_CANCER_2019.value * 1e6,
                "chronic_respiratory": WHO_CRD_2019.value * 1e6,
                "diabetes": WHO_DIABETES_2019.value * 1e6,
                "ckd": float("nan"),
                "main4_sum": WHO_MAIN4_2019.value * 1e6,
                "ncd_total": WHO_NCD_DEATHS_2019.value * 1e6,
                "ncd_total_basis": "all NCD deaths (published)",
                "diabetes_definition": "including kidney deaths caused by diabetes",
            }
        ]
    )
    extra = [ghe21.main4_rows(ghe)] if ghe is not None else []
    out = pd.concat([out, who, *extra], ignore_index=True)
    out["diabetic_kidney"] = out.get("diabetic_kidney", float("nan"))
    out["main4_share_pct"] = 100.0 * out["main4_sum"] / out["ncd_total"]
    cols = ["source", "location_code", "location", "year", *MAIN4_ORDER, "ckd", "diabetic_kidney",
            "main4_sum", "ncd_total", "main4_share_pct", "ncd_total_basis",
            "diabetes_definition"]  # fmt: skip
    return out[cols]


def locations_table(share: pd.DataFrame, deaths: pd.DataFrame) -> pd.DataFrame:
    frames = []
    for src, df in (
        (SRC_WHO, share[share["source"] == SRC_WHO]),
        (SRC_GBD17, share[share["source"] == SRC_GBD17]),
        (SRC_GBD19, deaths),
    ):
        f = df[["location_code", "location"]].drop_duplicates()
        frames.append(f.assign(source=src))
    both = pd.concat(frames, ignore_index=True)
    out = both.pivot_table(
        index=["location", "location_code"], columns="source", aggfunc="size", fill_value=0
    ).reset_index()
    out = out.rename(columns={SRC_WHO: "in_who_ghe", SRC_GBD17: "in_gbd2017", SRC_GBD19: "in_gbd2019"})
    for col in ("in_who_ghe", "in_gbd2017", "in_gbd2019"):
        out[col] = out[col].astype(bool) if col in out else False
    out.columns.name = None
    return out[["location_code", "location", "in_who_ghe", "in_gbd2017", "in_gbd2019"]]


# --------------------------------------------------------------------------- views for the notebook
def level2_groups(
    deaths: pd.DataFrame,
    causes: pd.DataFrame,
    location_code: str,
    location: str,
    year: int,
    diabetes_alone: bool,
) -> pd.Series:
    """NCD deaths by GBD level-2 group for one location and year, largest first.

    With ``diabetes_alone`` the level-2 group "diabetes and kidney diseases" is split into
    diabetes mellitus and chronic kidney disease, to rank diabetes as the paper names it.
    """
    d = pick(deaths, location_code, location)
    d = d[d["year"] == year]
    info = causes.set_index("cause")
    d = d[d["cause"].map(info["part_of"]) == ""]
    group = d["cause"].map(info["gbd_level2"])
    if diabetes_alone:
        group = group.where(~d["cause"].isin([MAIN4["diabetes"], CKD]), d["cause"])
    return d.groupby(group)["deaths"].sum().sort_values(ascending=False, kind="mergesort")


def pick(df: pd.DataFrame, location_code: str, location: str) -> pd.DataFrame:
    codes = df["location_code"].fillna("").astype(str)
    if location_code:
        return df[codes == location_code]
    return df[(codes == "") & (df["location"] == location)]


def share_view(share: pd.DataFrame, locations: list[dict]) -> pd.DataFrame:
    """NCD share of all deaths for the chosen locations, every source (for the line chart)."""
    frames = [pick(share, loc["code"], loc["name"]).assign(label=loc["name"]) for loc in locations]
    out = pd.concat(frames, ignore_index=True) if frames else share.iloc[0:0]
    return out[out["group"] == "ncd"].sort_values(["label", "source", "year"]).reset_index(drop=True)


def cause_view(
    deaths: pd.DataFrame, causes: pd.DataFrame, main4: pd.DataFrame, location: dict, year: int, grouping: str
) -> pd.DataFrame:
    """Deaths by NCD group for one location and year, in the chosen grouping.

    Columns: group, key (main-four key or ''), deaths, share_of_ncd_pct, main4 (bool).
    ``main4``: the four main groups, their sum and the rest of the NCD total;
    ``gbd_level2``: every NCD group at GBD level 2; ``gbd_causes``: every NCD cause the
    export lists (nested causes shown, but not added twice to the total).
    """
    if grouping not in CAUSE_GROUPINGS:
        raise BadParameter(f"unknown cause grouping {grouping!r}; choose one of {', '.join(CAUSE_GROUPINGS)}")
    m = pick(main4, location["code"], location["name"])
    m = m[(m["year"] == year) & (m["source"] == SRC_GBD19)]
    if m.empty:
        return pd.DataFrame(columns=["group", "key", "deaths", "share_of_ncd_pct", "main4"])
    total = float(m["ncd_total"].iloc[0])
    key_of = {v: k for k, v in MAIN4.items()}
    if grouping == "main4":
        rows = [{"group": MAIN4[k], "key": k, "deaths": float(m[k].iloc[0])} for k in MAIN4_ORDER]
        s = float(m["main4_sum"].iloc[0])
        rows.append({"group": "main4_sum", "key": "main4_sum", "deaths": s})
        rows.append({"group": "other_ncd", "key": "other_ncd", "deaths": total - s})
    elif grouping == "gbd_level2":
        g = level2_groups(deaths, causes, location["code"], location["name"], year, diabetes_alone=False)
        rows = [{"group": k, "key": key_of.get(k, ""), "deaths": float(v)} for k, v in g.items()]
    else:
        d = pick(deaths, location["code"], location["name"])
        d = d[d["year"] == year].sort_values("deaths", ascending=False, kind="mergesort")
        rows = [
            {"group": c, "key": key_of.get(c, ""), "deaths": float(v)}
            for c, v in zip(d["cause"], d["deaths"], strict=True)
        ]
    out = pd.DataFrame(rows)
    out["share_of_ncd_pct"] = 100.0 * out["deaths"] / total
    main_names = set(MAIN4.values()) | {DIABETES_KIDNEY}
    out["main4"] = out["key"].isin(MAIN4_ORDER) | out["group"].isin(main_names)
    return out


# --------------------------------------------------------------------------- reading and small views
# how each processed table is read back (codes stay strings; "NA" is Namibia, not a missing value)
_READ = {
    "ncd_share": dict(
        dtype={"location_code": str}, keep_default_na=False, na_values={"share_pct": [""], "deaths": [""]}
    ),
    "ncd_deaths_by_cause": dict(
        dtype={"location_code": str}, keep_default_na=False, na_values={"deaths": [""]}
    ),
    "ncd_gbd_causes": dict(dtype=str, keep_default_na=False),
    "ncd_main4": dict(
        dtype={"location_code": str},
        keep_default_na=False,
        na_values={c: [""] for c in MAIN4_ORDER + ["ckd", "diabetic_kidney"]},
    ),
    "ncd_ghe_deaths": dict(),
    "ncd_locations": dict(dtype={"location_code": str}, keep_default_na=False),
}


def load(name: str) -> pd.DataFrame:
    """A processed table of this section, read back with the right types."""
    from ...processed import read_table

    if name not in _READ:
        raise BadParameter(f"{name!r} is not a table of the ncd section; tables: {', '.join(_READ)}")
    return read_table(name, **_READ[name])


def who_world_shares(share: pd.DataFrame) -> dict[str, float]:
    """WHO's NCD share of all deaths for the world in 2000 and 2019 (NaN where missing)."""
    who = share[(share.source == SRC_WHO) & (share.location_code == WORLD) & (share.group == "ncd")]
    world = who.set_index("year").share_pct
    return {"w2000": world.get(2000, float("nan")), "w2019": world.get(2019, float("nan"))}


def missing_shares(view: pd.DataFrame, locations: list[dict]) -> list[str]:
    """The chosen locations with no NCD share in any source."""
    return [loc["name"] for loc in locations if view[view.label == loc["name"]].empty]


def cause_views(
    deaths: pd.DataFrame,
    causes: pd.DataFrame,
    main4: pd.DataFrame,
    locations: list[dict],
    year: int,
    grouping: str,
) -> dict[str, pd.DataFrame]:
    """:func:`cause_view` for each location, by name (empty where GBD 2019 has no data)."""
    return {loc["name"]: cause_view(deaths, causes, main4, loc, year, grouping) for loc in locations}


def main4_rows(main4: pd.DataFrame, locations: list[dict], year: int) -> pd.DataFrame:
    """The ``ncd_main4`` rows of the chosen locations in ``year`` (GBD 2019, WHO's published row), and
    for the world WHO GHE 2021's rows for 2019-2021 (the pandemic years beside the last before it)."""
    rows = []
    for loc in locations:
        m = pick(main4, loc["code"], loc["name"])
        ghe = (m.source == SRC_GHE21) & m.year.isin(GHE21_YEARS)
        rows.append(m[((m.year == year) & (m.source != SRC_GHE21)) | ghe])
    return pd.concat(rows, ignore_index=True)


# --------------------------------------------------------------------------- process
def process(store: RawStore) -> Result:
    from .claims import check_claims as _claims  # claims decide on the tables built here

    wdi, wdi_entries = worldbank.load_indicators(store, WDI_CODES)
    wdi = wdi[wdi["indicator"].isin(WDI_CODES)]  # only this section's indicators, never the aging ones
    cat, cat_entries, _ = owid.load(store, owid.KIND_BY_CATEGORY)
    by_cause, cause_entries, _ = owid.load(store, owid.KIND_BY_CAUSE)
    ghe, ghe_entries, _ = who_ghe.load(store)
    causes = classify_causes(by_cause["cause"].unique())
    parts = [
        who_share(wdi),
        gbd_category_share(cat),
        gbd_listed_share(by_cause, causes),
        ghe21.share_rows(ghe),
    ]
    share = pd.concat(parts, ignore_index=True)
    deaths = ncd_deaths(by_cause, causes)
    main4 = main4_table(deaths, causes, ghe)
    tables = {
        "ncd_share": Table(
            share,
            ["source", "location_code", "location", "group", "year"],
            decimals=2,
        ),
        "ncd_deaths_by_cause": Table(
            deaths,
            ["location_code", "location", "cause", "year"],
            decimals=1,
        ),
        "ncd_gbd_causes": Table(causes, ["cause"]),
        "ncd_main4": Table(
            main4,
            ["source", "location_code", "location", "year"],
            decimals=1,
            description="the four main NCD groups, their sum and share of NCD deaths",
        ),
        "ncd_ghe_deaths": Table(
            ghe21.deaths_table(ghe), ["year"], decimals=1, description="WHO GHE 2021 world deaths by group"
        ),
        "ncd_reference": Table(
            ghe21.reference_table(), ["key"], decimals=1, description="WHO published figures (cited)"
        ),
        "ncd_locations": Table(
            locations_table(share, deaths),
            ["location", "location_code"],
        ),
    }
    inputs = wdi_entries + cat_entries + cause_entries + ghe_entries
    # WDI entries that hold none of our indicators are not inputs of this section.
    notes = [
        "IHME GBD 2019 export has no all-cause or NCD total; shares from it use the causes it lists.",
        "WHO GHE 2019 via WDI has four years only: 2000, 2010, 2015, 2019; GHE 2021 adds 2020 and 2021.",
    ]
    return Result(tables=tables, claims=_claims(share, deaths, causes, main4), inputs=inputs, notes=notes)
