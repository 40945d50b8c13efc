"""Section 1.1: raw store -> tidy tables.

Tables (data/processed):
- ``wpp_locations``: UN location codes, names, ISO3, country or aggregate;
- ``wpp_population_by_age``: population by location, year, variant, 5-year age group;
  male, female and total in columns (thousands, 1 July);
- ``aging_older``: 60+ and 65+ counts and shares by location, year and variant
  (estimates 1950–2020, medium/low/high 2025–2100; 5-year steps);
- ``aging_annual``: the same for China, annually 2015–2025 (WPP 2024 via the DDF extract);
- ``wdi_population``: World Bank SP.POP.65UP.TO.ZS and SP.POP.TOTL, a cross-check.
"""

from __future__ import annotations

from ..._lazy import pd
from ...errors import MissingData
from ...sources import worldbank, wpp
from ...store import RawStore
from .. import Result, Table
from .rules import CHINA, THRESHOLDS, VARIANTS, WDI_CODES

ANNUAL_COLUMNS = ["location_code", "year", "threshold", "older_pop", "total_pop", "share"]


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
    """Annual counts and shares at or above each threshold (the extract's locations and years)."""
    if ages.empty or totals.empty:
        return pd.DataFrame(columns=ANNUAL_COLUMNS)
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
    """(year, share) of the highest share of one location, threshold and variant."""
    s = older[(older.location_code == location) & (older.threshold == threshold) & (older.variant == variant)]
    row = s.loc[s["share"].idxmax()]
    return int(row["year"]), float(row["share"])


def peaks(older: pd.DataFrame, code: int, threshold: int) -> pd.DataFrame:
    """The peak year and share (rounded to 0.1) in each projection variant."""
    rows = []
    for v in VARIANTS:
        year, share = peak(older, code, threshold, v)
        rows.append({"variant": v, "peak_year": year, "peak_share": round(share, 1)})
    return pd.DataFrame(rows)


def medium_share(older: pd.DataFrame, year: int, threshold: int = 60) -> float:
    """China's share in ``year`` in the medium variant (NaN where the year is missing)."""
    o = older[(older.location_code == CHINA) & (older.threshold == threshold) & (older.variant == "medium")]
    return float(o.set_index("year")["share"].get(year, float("nan")))


def at_end_2022(annual: pd.DataFrame, older: pd.DataFrame, threshold: int = 60) -> dict:
    """China's UN count (millions) and share (%) at 31 Dec 2022: midpoint of 1 July 2022 and 2023.

    ``basis`` is ``annual`` (with the two 1 July values) or, without the annual extract,
    ``interpolated`` between the 2020 estimate and the 2025 medium projection.
    """
    a = annual[(annual.location_code == CHINA) & (annual.threshold == threshold)].set_index("year")
    if {2022, 2023} <= set(a.index):
        c = (a.loc[2022, "older_pop"] + a.loc[2023, "older_pop"]) / 2 / 1000
        t = (a.loc[2022, "total_pop"] + a.loc[2023, "total_pop"]) / 2
        s = 100 * (a.loc[2022, "older_pop"] + a.loc[2023, "older_pop"]) / 2 / t
        return {
            "basis": "annual",
            "count": float(c),
            "share": float(s),
            "jul2022_count": float(a.loc[2022, "older_pop"] / 1000),
            "jul2022_share": float(a.loc[2022, "share"]),
            "jul2023_count": float(a.loc[2023, "older_pop"] / 1000),
            "jul2023_share": float(a.loc[2023, "share"]),
        }
    o = older[(older.location_code == CHINA) & (older.threshold == threshold)]
    e = o[(o.variant == "estimates") & (o.year == 2020)].iloc[0]
    m = o[(o.variant == "medium") & (o.year == 2025)].iloc[0]
    w = 2.5 / 5
    c = (e.older_pop + w * (m.older_pop - e.older_pop)) / 1000
    t = e.total_pop + w * (m.total_pop - e.total_pop)
    return {"basis": "interpolated", "count": float(c), "share": float(100 * c * 1000 / t)}


def first_year_over(annual: pd.DataFrame, level: float) -> int | None:
    """The first year (1 July) in the annual series when China's 60+ share reaches ``level``."""
    a = annual[(annual.location_code == CHINA) & (annual.threshold == 60) & (annual.share >= level)]
    return int(a.year.min()) if len(a) else None


def totals_2022(annual: pd.DataFrame, wdi: pd.DataFrame | None) -> tuple[float, float] | None:
    """China's 2022 total population in millions: (UN, 1 July; World Bank SP.POP.TOTL)."""
    if wdi is None or wdi.empty:
        return None
    w = wdi[(wdi.indicator == "SP.POP.TOTL") & (wdi.country_code == "CHN") & (wdi.year == 2022)]
    a = annual[(annual.location_code == CHINA) & (annual.year == 2022) & (annual.threshold == 60)]
    if w.empty or a.empty:
        return None
    return float(a.total_pop.iloc[0]) / 1000, float(w.value.iloc[0]) / 1e6


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
        joint = {
            "share_low": [v.share],
            "share_high": [v.share],
            "older_pop_low": [v.older_pop],
            "older_pop_high": [v.older_pop],
        }
        band = pd.concat([band, pd.DataFrame(joint, index=pd.Index([y], name="year"))])
    out = pd.concat([est, proj], ignore_index=True).merge(band.reset_index(), on="year", how="left")
    out["older_pop_m"] = out["older_pop"] / 1000
    return out.sort_values("year").reset_index(drop=True)


def annual_for(annual: pd.DataFrame, code: int, threshold: int) -> pd.DataFrame:
    """The annual rows of one location and threshold (empty outside China 2015–2025)."""
    return annual[(annual.location_code == code) & (annual.threshold == threshold)]


def process(store: RawStore) -> Result:
    from .claims import check_claims  # claims decide on the tables built here

    pop, pop_entries = wpp.load_population(store)
    locations, loc_entries = wpp.load_locations(store)
    ages, totals, annual_entries = wpp.load_annual(store)
    older = older_population(pop)
    annual = annual_older(ages, totals)
    inputs = pop_entries + loc_entries + annual_entries
    tables = {
        "wpp_locations": Table(locations, ["location_code"]),
        "wpp_population_by_age": Table(
            pop,
            ["location_code", "year", "variant", "age_group"],
        ),
        "aging_older": Table(
            older,
            ["location_code", "threshold", "variant", "year"],
        ),
        "aging_annual": Table(annual, ["location_code", "threshold", "year"]),
    }
    notes = []
    wdi = None
    try:
        wdi, wdi_entries = worldbank.load_indicators(store, list(WDI_CODES))
        tables["wdi_population"] = Table(wdi, ["indicator", "country_code", "year"], decimals=3)
        inputs += wdi_entries
    except MissingData as exc:  # the WDI cross-check is optional for this section
        notes.append(f"World Bank cross-check not built: {exc}")
    return Result(tables=tables, claims=check_claims(older, annual, wdi), inputs=inputs, notes=notes)
