"""Section 2.2.2: raw store -> tidy patent tables, and the counting rules.

Counting rules (parameters of :func:`count_patents`; the defaults are marked):

- unit: ``family`` (default) counts each simple patent family once — the invention, however
  many offices it was filed at; ``application`` counts each application once (its
  publications, e.g. A1 and B1, are merged). Families come from the source when it
  gives them (Lens simple family, EPO DOCDB family); a Lens CSV export groups by equal
  priority numbers (the simple-family definition); the mirror's EPO list has no family
  id and is grouped by equal earliest priority date and applicant countries (approximate).
- country_by: ``applicant`` (default) — the countries of residence/nationality of the
  applicants; a unit with applicants from two countries counts once for each (whole
  counting), units without applicant countries are left out and counted in the
  ``unknown`` row; ``priority`` — the office of the first filing (EP and WO stay as
  such); ``publication`` — the office that published the document; at family level a
  family counts once in each office where a member was published.
- year_by: ``priority`` (default) — year of the earliest priority date (first filing
  anywhere, the closest to the invention date); ``publication`` — year of the earliest
  publication of the unit.

Derived views (usable on any series, live or imported): yearly counts per country (zeros
filled), cumulative counts and ranks, the first year one country passes another (annual
and cumulative), and one country against another in the last year.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..._lazy import pd
from ...errors import BadParameter, MissingData
from ...sources import epo_ops, lens
from ...store import RawStore
from .. import Result, Table
from .params import check_country, check_rule, check_years
from .rules import (
    APPLICANT_SHARE_MIN,
    DEFAULT_COUNTRIES,
    DEFAULT_YEARS,
    MIRROR_SLICE_KIND,
    PAPER_ORDER,
    REFERENCES,
)

UNIT_COLUMNS = [
    "dataset",
    "unit_id",
    "priority_date",
    "priority_office",
    "pub_date",
    "applicant_countries",
    "pub_offices",
]
RANKING_COLUMNS = [
    "country",
    "year",
    "count",
    "cumulative",
    "rank_year",
    "rank_cumulative",
    "series",
    "complete",
]


# --------------------------------------------------------------------------- counting
def units(docs: pd.DataFrame, unit: str = "family") -> pd.DataFrame:
    """Collapse documents to counting units: one row per family or application.

    Columns: ``dataset``, ``unit_id``, ``priority_date``, ``pub_date`` (earliest),
    ``priority_office`` (of the earliest priority), ``applicant_countries`` (union),
    ``pub_offices`` (all offices that published a member).
    """
    check_rule(unit)
    d = docs.copy().fillna("")
    key = "family_id" if unit == "family" else "app_id"
    d["unit_id"] = d[key].where(d[key] != "", "doc:" + d["doc_id"])
    rows = []
    for (ds, uid), g in d.groupby(["dataset", "unit_id"], sort=True):
        pri = g[g["priority_date"] != ""].sort_values(["priority_date", "priority_office"])
        pubs = sorted(x for x in g["pub_date"] if x)
        countries = sorted({c for cell in g["applicant_countries"] for c in cell.split(";") if c})
        rows.append(
            {
                "dataset": ds,
                "unit_id": uid,
                "priority_date": pri["priority_date"].iloc[0] if len(pri) else "",
                "priority_office": next((o for o in pri["priority_office"] if o), ""),
                "pub_date": pubs[0] if pubs else "",
                "applicant_countries": ";".join(countries),
                "pub_offices": ";".join(sorted({o for o in g["pub_office"] if o})),
            }
        )
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def count_patents(
    docs: pd.DataFrame,
    unit: str = "family",
    country_by: str = "applicant",
    year_by: str = "priority",
) -> pd.DataFrame:
    """Counts per dataset, country and year under one counting rule.

    Units with no country or no year under the rule are counted as country ``unknown``
    or left out of the years (year 0 is never invented); the ``unknown`` rows say how many.
    """
    check_rule(unit, country_by, year_by)
    u = units(docs, unit)
    if u.empty:
        return pd.DataFrame(columns=["dataset", "country", "year", "count"])
    date = u["priority_date"] if year_by == "priority" else u["pub_date"]
    u = u.assign(year=pd.to_numeric(date.str[:4], errors="coerce"))
    if country_by == "applicant":
        u["country"] = u["applicant_countries"].str.split(";")
    elif country_by == "priority":
        u["country"] = u["priority_office"].map(lambda x: [x] if x else [""])
    else:
        u["country"] = u["pub_offices"].str.split(";")
    e = u.explode("country")
    e["country"] = e["country"].fillna("").replace("", "unknown")
    e = e[e["year"].notna()]
    out = e.groupby(["dataset", "country", "year"], sort=True).size().rename("count").reset_index()
    out["year"] = out["year"].astype(int)
    return out


def unknown_count(counts: pd.DataFrame) -> int:
    """How many counting units had no country under the rule."""
    return int(counts.loc[counts["country"] == "unknown", "count"].sum())


def yearly_counts(counts: pd.DataFrame, countries=DEFAULT_COUNTRIES, years=DEFAULT_YEARS) -> pd.DataFrame:
    """A full country x year grid (zeros where nothing was counted) for one series.

    ``counts`` has columns country, year, count (one dataset or already summed).
    """
    start, end = check_years(years)
    cs = [check_country(c) for c in countries]
    grid = pd.MultiIndex.from_product([cs, range(start, end + 1)], names=["country", "year"])
    s = counts.groupby(["country", "year"])["count"].sum()
    out = s.reindex(grid, fill_value=0).rename("count").reset_index()
    out["count"] = out["count"].astype(int)
    return out


def cumulative_ranking(yearly: pd.DataFrame) -> pd.DataFrame:
    """Adds the cumulative count since the first year and each country's rank in each year
    (1 = most; ties share the best rank), for annual and cumulative counts."""
    y = yearly.sort_values(["country", "year"]).copy()
    y["cumulative"] = y.groupby("country")["count"].cumsum().astype(int)
    y["rank_year"] = y.groupby("year")["count"].rank(method="min", ascending=False).astype(int)
    y["rank_cumulative"] = y.groupby("year")["cumulative"].rank(method="min", ascending=False).astype(int)
    return y.sort_values(["year", "rank_cumulative", "country"]).reset_index(drop=True)


def first_passing_year(
    ranked: pd.DataFrame, leader: str = "CN", other: str = "GB", basis: str = "count"
) -> dict:
    """The first year in which ``leader``'s count (``basis`` = count or cumulative) exceeds ``other``'s.

    Returns ``{"other", "basis", "year", "ahead_from_start", "ahead_at_end"}``; ``year`` is
    None if the leader never passes. ``ahead_from_start`` says the leader was already ahead
    in the first year of the series (then that first year is not a "passing" in time).
    """
    if basis not in ("count", "cumulative"):
        raise BadParameter(f"basis must be 'count' or 'cumulative', not {basis!r}")
    p = ranked.pivot_table(index="year", columns="country", values=basis, aggfunc="sum").sort_index()
    for c in (leader, other):
        if c not in p.columns:
            raise BadParameter(
                f"country {c!r} is not in the series (countries: {', '.join(map(str, p.columns))})"
            )
    ahead = p[leader] > p[other]
    year = int(ahead.idxmax()) if ahead.any() else None
    return {
        "other": other,
        "basis": basis,
        "year": year,
        "ahead_from_start": bool(ahead.iloc[0]) if len(ahead) else False,
        "ahead_at_end": bool(ahead.iloc[-1]) if len(ahead) else False,
    }


def crossings(ranked: pd.DataFrame, leader: str = "CN", others=("GB", "KR", "JP", "US")) -> pd.DataFrame:
    """For each other country and basis, the first year ``leader`` passes it."""
    rows = []
    present = set(ranked["country"])
    for o in others:
        if o not in present or leader not in present:
            continue
        for basis in ("count", "cumulative"):
            r = first_passing_year(ranked, leader, o, basis)
            rows.append({"leader": leader, **r})
    return pd.DataFrame(
        rows, columns=["leader", "other", "basis", "year", "ahead_from_start", "ahead_at_end"]
    )


def standing(ranked: pd.DataFrame, leader: str = "CN", against: str = "US") -> dict:
    """Where ``leader`` stands against ``against`` in the last year of the series."""
    last = ranked[ranked["year"] == ranked["year"].max()].set_index("country")
    if leader not in last.index or against not in last.index:
        raise BadParameter(f"{leader} and {against} must both be in the series")
    a, b = last.loc[leader], last.loc[against]
    return {
        "year": int(ranked["year"].max()),
        "leader_count": int(a["count"]),
        "against_count": int(b["count"]),
        "leader_cumulative": int(a["cumulative"]),
        "against_cumulative": int(b["cumulative"]),
        "leader_rank_cumulative": int(a["rank_cumulative"]),
        "leader_rank_year": int(a["rank_year"]),
        "ratio_cumulative": (float(a["cumulative"]) / float(b["cumulative"]))
        if b["cumulative"]
        else math.inf,
    }


def country_basis_for(docs: pd.DataFrame, default: str = "applicant") -> str:
    """The default country basis, unless the documents carry (almost) no applicant
    countries — a Lens CSV export gives none — then the first-filing office."""
    if default != "applicant" or docs.empty:
        return default
    share = (docs["applicant_countries"].fillna("") != "").mean()
    return "applicant" if share >= APPLICANT_SHARE_MIN else "priority"


# --------------------------------------------------------------------------- datasets
def dataset_info(entries) -> pd.DataFrame:
    """One row per stored patent file: source, route, and whether it is a series or the mirror's slice."""
    rows = []
    for e in entries:
        p = e.provenance
        complete = p.query.get("complete", True) if isinstance(p.query, dict) else True
        rows.append(
            {
                "dataset": e.name,
                "source": p.source,
                "kind": p.kind,
                "route": p.route,
                "original_name": p.original_name or "",
                "scope": "slice" if p.kind == MIRROR_SLICE_KIND else "series",
                "complete": bool(complete) and not (p.notes or "").startswith("incomplete"),
                "notes": p.notes or "",
            }
        )
    return pd.DataFrame(
        rows, columns=["dataset", "source", "kind", "route", "original_name", "scope", "complete", "notes"]
    )


def series_group(info: pd.DataFrame) -> pd.Series:
    """Which stored files form one series: the live pages of one source together; each import alone."""
    return info.apply(
        lambda r: f"{r['source']} live" if r["route"] == "live" else f"{r['source']} import {r['dataset']}",
        axis=1,
    )


def select_series(docs: pd.DataFrame, datasets: pd.DataFrame, source: str) -> pd.DataFrame:
    """The documents of the country series that ``source`` names: all live/imported series of a
    source (``lens``, ``epo``) or the one imported file with that name, merged into one set (a
    publication counts once). The mirror's slice is never a series."""
    ds = datasets[datasets["scope"] == "series"]
    if source == "lens":
        ds = ds[ds["source"] == "lens"]
    elif source == "epo":
        ds = ds[ds["source"] == "epo_ops"]
    else:
        name = Path(source).name
        ds = ds[(ds["original_name"] == name) | (ds["dataset"] == name)]
    out = docs[docs["dataset"].isin(ds["dataset"])]
    # one set of documents: families span files (the pages of a live run); a publication counts once
    return out.assign(dataset=str(source)).drop_duplicates("doc_id", keep="first").reset_index(drop=True)


def slice_documents(docs: pd.DataFrame, datasets: pd.DataFrame) -> pd.DataFrame:
    """The documents of the mirror's slice (never a country series)."""
    return docs[docs["dataset"].isin(datasets.loc[datasets["scope"] == "slice", "dataset"])]


def slice_by_country(docs: pd.DataFrame, datasets: pd.DataFrame, rule: dict) -> pd.DataFrame:
    """The mirror slice's counts per country under ``rule``, largest first."""
    sc = count_patents(slice_documents(docs, datasets), **rule)
    return sc.groupby("country")["count"].sum().sort_values(ascending=False).reset_index()


def references_table() -> pd.DataFrame:
    keys = ("key", "value", "unit", "what", "citation", "url")
    return pd.DataFrame([{k: getattr(r, k) for k in keys} for r in REFERENCES])


# --------------------------------------------------------------------------- process
def _load(store: RawStore):
    epo_docs, epo_entries = epo_ops.load_documents(store)
    lens_docs, lens_entries, defects = lens.load_documents(store)
    agg, agg_entries = lens.load_aggregates(store)
    entries = epo_entries + lens_entries
    if not entries and not agg_entries:
        from .text import LIVE_COMMANDS

        raise MissingData(
            "no patent documents in the raw store",
            hint="`exo-industry import epo_ops --mirror` (offline slice) or " + LIVE_COMMANDS.splitlines()[0],
        )
    docs = pd.concat([epo_docs, lens_docs], ignore_index=True)
    info = dataset_info(entries + agg_entries)
    info["series"] = series_group(info) if len(info) else []
    docs = docs.merge(info[["dataset", "series"]], on="dataset", how="left")
    return docs, info, agg, defects, entries + agg_entries


def _series_counts(docs: pd.DataFrame, info: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Default-rule counts per series (live pages form one series; each import is its own)."""
    frames, series = [], {}
    for name, g in docs.groupby("series", sort=True):
        # a series is counted as one set of documents: families span the pages of a live run
        g = g.assign(dataset=name).drop_duplicates("doc_id", keep="first")
        basis = country_basis_for(g)
        c = count_patents(g, country_by=basis)
        scope = info.loc[info["series"] == name, "scope"].iloc[0]
        frames.append(
            c.groupby(["country", "year"], sort=True)["count"]
            .sum()
            .reset_index()
            .assign(series=name, scope=scope, country_by=basis)
        )
        if scope == "series":
            complete = bool(info.loc[info["series"] == name, "complete"].all())
            series[name] = (frames[-1][["country", "year", "count"]], complete, basis)
    columns = ["series", "scope", "country_by", "country", "year", "count"]
    by_series = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    return by_series[columns], series


def _aggregate_series(agg: pd.DataFrame) -> dict:
    """Lens aggregations: families per applicant country and priority year, when asked for that."""
    if not len(agg):
        return {}
    ok = agg[(agg["country_by"] == "applicant") & (agg["year_by"] == "priority")]
    return {
        f"lens aggregate {ds}": (
            g.rename(columns={"families": "count"})[["country", "year", "count"]],
            True,
            "applicant",
        )
        for ds, g in ok.groupby("dataset")
    }


def _mirror_tables(docs: pd.DataFrame, info: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """The mirror slice: default-rule counts, publications by office and year, and its size."""
    slice_docs = slice_documents(docs, info)
    if not len(slice_docs):
        empty = pd.DataFrame(columns=["dataset", "country", "year", "count"])
        return empty, pd.DataFrame(columns=["pub_office", "year", "publications"]), 0
    offices = (
        slice_docs.assign(year=slice_docs["pub_date"].str[:4].astype(int))
        .groupby(["pub_office", "year"])
        .size()
        .rename("publications")
        .reset_index()
    )
    return count_patents(slice_docs), offices, len(slice_docs)


def _ranking(series: dict) -> pd.DataFrame:
    frames = [
        cumulative_ranking(yearly_counts(c, PAPER_ORDER, DEFAULT_YEARS)).assign(
            series=name, complete=complete
        )
        for name, (c, complete, _basis) in sorted(series.items())
    ]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=RANKING_COLUMNS)


def _tables(docs, info, by_series, ranking, offices, defects, agg) -> dict[str, Table]:
    tables = {
        "patents_documents": Table(
            docs[["series", *[c for c in docs.columns if c != "series"]]],
            ["series", "dataset", "doc_id"],
        ),
        "patents_datasets": Table(info, ["dataset"]),
        "patents_counts": Table(
            by_series,
            ["series", "country", "year"],
        ),
        "patents_ranking": Table(
            ranking,
            ["series", "year", "rank_cumulative", "country"],
        ),
        "patents_mirror_offices": Table(offices, ["pub_office", "year"]),
        "patents_references": Table(references_table(), ["key"]),
        "patents_input_defects": Table(
            pd.DataFrame(defects, columns=["source", "file", "line", "problem"]),
            ["source", "file", "line"],
        ),
    }
    if len(agg):
        tables["patents_lens_aggregates"] = Table(agg, ["dataset", "country", "year"])
    return tables


def process(store: RawStore) -> Result:
    from .claims import check_rank  # the claim is decided on the tables built here

    docs, info, agg, defects, inputs = _load(store)
    by_series, series = _series_counts(docs, info)
    series.update(_aggregate_series(agg))
    mirror_counts, offices, n_slice = _mirror_tables(docs, info)
    claim = check_rank(series, mirror_counts if len(mirror_counts) else None, mirror_publications=n_slice)
    tables = _tables(docs, info, by_series, _ranking(series), offices, defects, agg)
    notes = []
    if not series:
        notes.append("no country series: only the mirror's CNS slice; patents.rank is not checkable offline")
    return Result(tables=tables, claims=[claim], inputs=inputs, notes=notes)
