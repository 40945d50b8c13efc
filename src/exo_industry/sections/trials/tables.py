"""Raw store -> tidy tables: one row per study, the selections and counts the figures and
claims use, the Table 1 audit, and :func:`process` (tables and claims for the pipeline)."""

from __future__ import annotations

import re

from ... import i18n
from ..._lazy import pd
from ...sources import ctgov
from ...store import RawStore
from .. import Result, Table
from .paper import CITED_QUERIES, MIZENKO_2024, NAME, TABLE1, Product, snapshot_references
from .rules import (
    AREAS,
    DEFAULT_STUDY_TYPES,
    DEFAULT_TERMS,
    SEARCH_TERMS,
    classify,
    country_group,
    disease_areas,
    ev_families,
    is_ev_query,
    kinds_for,
    phase_label,
    row_status,
    sponsor_country,
    top_phase,
)


def study_rows(studies: list[ctgov.Study]) -> pd.DataFrame:
    """One row per study with its EV kind, areas and country group (all studies, incl. ``none``)."""
    rows = []
    for s in studies:
        kind, rule = classify(s)
        areas, basis = disease_areas(s)
        sp = sponsor_country(s.lead_sponsor)
        rows.append(
            {
                "nct_id": s.nct_id,
                "title": s.title,
                "ev_kind": kind,
                "ev_rule": rule,
                "ev_terms": "|".join(ev_families(s.text())),
                "study_type": s.study_type,
                "phases": "|".join(s.phases),
                "phase_label": phase_label(s.phases),
                "top_phase": top_phase(s.phases),
                "overall_status": s.overall_status,
                "start_date": s.start_date,
                "start_year": s.start_year if s.start_year is not None else pd.NA,
                "first_posted": s.first_posted,
                "last_update": s.last_update,
                "conditions": "|".join(s.conditions),
                "areas": "|".join(areas),
                "area_basis": basis,
                "interventions": " | ".join(
                    f"{i.type}: {i.name}" if i.type else i.name for i in s.interventions
                ),
                "lead_sponsor": s.lead_sponsor,
                "sponsor_class": s.sponsor_class,
                "funded_by": "|".join(s.funded_by),
                "collaborators": "|".join(s.collaborators),
                "sponsor_country": sp,
                "site_countries": "|".join(s.site_countries),
                "country_group": country_group(s.site_countries, sp),
                "origin": s.origin,
            }
        )
    df = pd.DataFrame(rows)
    if len(df):
        df["start_year"] = df["start_year"].astype("Int64")
    return df


def select_studies(
    df: pd.DataFrame,
    search_terms=DEFAULT_TERMS,
    study_types=None,
    start_from=None,
    start_to=None,
    include_diagnostic: bool = True,
) -> pd.DataFrame:
    """EV studies matching the parameters (``df`` is the ``trials_studies`` table)."""
    fams = {SEARCH_TERMS[str(t).lower()] for t in search_terms}
    kinds = kinds_for(include_diagnostic)
    terms = df["ev_terms"].fillna("").astype(str).str.split("|")
    keep = df["ev_kind"].isin(kinds) & terms.map(lambda ts: bool(fams & set(ts)))
    if study_types:
        # records without a study type (the flattened file) are kept when they have a phase (they assign
        # treatment)
        st = df["study_type"].fillna("")
        keep &= st.isin(study_types) | (
            (st == "") & ("INTERVENTIONAL" in study_types) & df["phases"].fillna("").ne("")
        )
    year = pd.to_numeric(df["start_year"], errors="coerce")
    if start_from is not None:
        keep &= year >= start_from
    if start_to is not None:
        keep &= year <= start_to
    return df[keep].reset_index(drop=True)


def by_area(sel: pd.DataFrame) -> pd.DataFrame:
    """Studies per disease area and kind (a study counts in every area it has)."""
    if sel.empty:
        return pd.DataFrame(columns=["area", "ev_kind", "studies"])
    long = sel.assign(area=sel["areas"].str.split("|")).explode("area")
    out = long.groupby(["area", "ev_kind"]).size().rename("studies").reset_index()
    out["_o"] = out["area"].map({a: i for i, a in enumerate(AREAS)})
    return out.sort_values(["_o", "ev_kind"]).drop(columns="_o").reset_index(drop=True)


def count_by(sel: pd.DataFrame, column: str) -> pd.DataFrame:
    if sel.empty:
        return pd.DataFrame(columns=[column, "ev_kind", "studies"])
    return sel.groupby([column, "ev_kind"], dropna=False).size().rename("studies").reset_index()


def area_ranking(sel: pd.DataFrame) -> pd.Series:
    t = by_area(sel)
    return t.groupby("area")["studies"].sum().sort_values(ascending=False, kind="mergesort")


def wide(sel: pd.DataFrame, column: str, include_diagnostic: bool = True, order=None) -> pd.DataFrame:
    """Counts with one column per kind (therapeutic, diagnostic), for stacked bars."""
    kinds = kinds_for(include_diagnostic)
    if column == "area":
        t = by_area(sel)
    else:
        t = count_by(sel, column)
    if t.empty:
        return pd.DataFrame(columns=kinds)
    w = t.pivot_table(index=column, columns="ev_kind", values="studies", aggfunc="sum", fill_value=0)
    w = w.reindex(columns=kinds, fill_value=0)
    if order is not None:
        w = w.reindex([o for o in order if o in w.index])
    return w.astype(int)


def area_table(sel: pd.DataFrame, include_diagnostic: bool = True) -> pd.DataFrame:
    w = wide(sel, "area", include_diagnostic)
    if w.empty:
        return w
    total = w.sum(axis=1)
    return w.loc[total.sort_values(ascending=True, kind="mergesort").index]


# --------------------------------------------------------------------------- Table 1 audit
def match_product(p: Product, studies: list[ctgov.Study]) -> list[ctgov.Study]:
    sp, nm = re.compile(p.sponsor, re.I), re.compile(p.names, re.I)
    out = []
    for s in studies:
        who = " ".join((s.lead_sponsor,) + s.collaborators)
        what = " ".join([s.title, s.official_title] + [f"{i.name} {i.description}" for i in s.interventions])
        if sp.search(who) or nm.search(what):
            out.append(s)
    return out


def china_therapeutic(sel: pd.DataFrame) -> pd.DataFrame:
    """The selected therapeutic studies whose sponsor or sites are in China (the groups the claim
    counts: China, China and US), with the registry's sponsor class, for display."""
    rows = sel[sel["country_group"].isin(["China", "China and US"]) & (sel["ev_kind"] == "therapeutic")]
    cols = [
        "nct_id",
        "title",
        "lead_sponsor",
        "sponsor_class",
        "phase_label",
        "overall_status",
        "first_posted",
    ]
    return (
        rows[cols]
        .rename(columns={"title": "study_title", "phase_label": "phase"})
        .sort_values("nct_id")
        .reset_index(drop=True)
    )


def table1_records(audit: pd.DataFrame, studies: pd.DataFrame) -> pd.DataFrame:
    """One row per registry record matched to a Table 1 product: ID, phase, status, last update.

    Records from other registries (no NCT ID) keep the description the audit gives them.
    """
    by_id = studies.set_index("nct_id") if len(studies) else pd.DataFrame()
    rows = []
    for _, a in audit.iterrows():
        ids = [i for i in str(a["registry_records"]).split("|") if i]
        for i in ids:
            if i in by_id.index:
                st = by_id.loc[i]
                rows.append(
                    {
                        "company": a["company"],
                        "record": i,
                        "phase": st["phase_label"],
                        "overall_status": st["overall_status"],
                        "last_update": st["last_update"],
                        "conditions": st["conditions"],
                    }
                )
            else:
                rows.append(
                    {
                        "company": a["company"],
                        "record": i,
                        "phase": a["registry_phases"],
                        "overall_status": "",
                        "last_update": "",
                        "conditions": a["registry_detail"],
                    }
                )
    return pd.DataFrame(
        rows, columns=["company", "record", "phase", "overall_status", "last_update", "conditions"]
    )


def _detail(study: ctgov.Study) -> str:
    """One matched record in the audit's ``registry_detail`` (a fixed shape the zh renderer reads)."""
    return i18n.text(
        NAME,
        "en",
        "tables.registry_detail",
        nct_id=study.nct_id,
        phase=phase_label(study.phases),
        status=study.overall_status or "?",
        date=study.last_update or "?",
        conditions="; ".join(study.conditions)[:80],
    )


def _audit_row(p: Product, records: str, phases: str, detail: str, status: str, listed) -> dict:
    return {
        "company": p.company,
        "product": p.product,
        "product_zh": p.product_zh,
        "paper_indications": p.indications,
        "paper_indications_zh": p.indications_zh,
        "paper_phases": phase_label(p.paper_phases),
        "registry_records": records,
        "registry_phases": phases,
        "registry_detail": detail,
        "atlas_records": "|".join(listed),
        "status": status,
    }


def match_atlas(p: Product, atlas: pd.DataFrame | None, ids) -> list[str]:
    """NCT numbers of the EV atlas's dosed-trial list (``ev_atlas`` kind ``trial_doses``) that belong
    to product ``p``: by product name in the title or EV source, or by a registry record already matched."""
    if atlas is None or atlas.empty:
        return []
    nm = re.compile(p.names, re.I)
    what = atlas["Study_Title"].fillna("") + " " + atlas["EV_Source"].fillna("")
    hit = what.map(lambda t: bool(nm.search(t))) | atlas["NCT_Number"].isin(set(ids))
    return sorted(set(atlas.loc[hit, "NCT_Number"]))


def table1_audit(studies: list[ctgov.Study], atlas: pd.DataFrame | None = None) -> pd.DataFrame:
    """The paper's Table 1 beside the registry and the EV atlas's dosed-trial list: one row per
    product (statuses by ``rules.row_status``; ``atlas_records``: the list's NCT numbers)."""
    rows = []
    for p in TABLE1:
        found = sorted(match_product(p, studies), key=lambda s: s.nct_id)
        listed = match_atlas(p, atlas, [s.nct_id for s in found])
        reg = set()
        for s in found:
            reg |= {"PHASE1" if x == "EARLY_PHASE1" else x for x in s.phases if x != "NA"}
        if not found and p.other_registry is not None:
            other = p.other_registry
            detail = i18n.text(NAME, "en", "tables.registry_other", what=other.what, citation=other.citation)
            status = row_status(set(p.paper_phases), set(p.other_phases))
            rows.append(
                _audit_row(p, "|".join(p.other_ids), phase_label(p.other_phases), detail, status, listed)
            )
            continue
        detail = i18n.text(NAME, "en", "tables.registry_detail_sep").join(_detail(s) for s in found)
        phases = phase_label(reg) if found else ""
        status = row_status(set(p.paper_phases), reg, bool(listed))
        rows.append(_audit_row(p, "|".join(s.nct_id for s in found), phases, detail, status, listed))
    return pd.DataFrame(rows)


def records_complete(entries) -> bool:
    """An unfiltered live API walk for an EV query (an EV term in query.term, .cond or .intr)
    is in the store. A walk narrowed by study type, dates, status, sponsor or IDs
    (``filter.*``, ``query.spons``) is a subset: it can never show that a study is absent."""
    for e in entries:
        q = e.provenance.query or {}
        asked = " ".join(str(q.get(k, "")) for k in ("query.term", "query.cond", "query.intr"))
        narrowed = any(str(k).startswith("filter.") or k == "query.spons" for k in q)
        if e.provenance.route == "live" and e.kind == "api_page" and is_ev_query(asked) and not narrowed:
            return True
    return False


def records_used(entries) -> tuple[dict, ...]:
    """The stored files' names, kinds, routes and notes (what the claims' texts cite)."""
    return tuple(
        {
            "name": e.provenance.original_name or e.name,
            "kind": e.provenance.kind,
            "route": e.provenance.route,
            "notes": e.provenance.notes or "",
        }
        for e in entries
    )


def records_table(store: RawStore, entries, rows: pd.DataFrame) -> pd.DataFrame:
    """The stored files the section used, with how many studies and EV studies each holds."""
    ev_ids = set(rows.loc[rows["ev_kind"].isin(["therapeutic", "diagnostic"]), "nct_id"])
    out = []
    for e in entries:
        p = e.provenance
        parsed = ctgov.parse(p.kind, store.read_bytes(e), e.name)
        ids = {st.nct_id for st in parsed}
        out.append(
            {
                "file": p.original_name or e.name,
                "kind": p.kind,
                "route": p.route,
                "n_studies": len(ids),
                "ev_studies": len(ids & ev_ids),
                "last_posted": max((st.first_posted for st in parsed if st.first_posted), default=""),
                "sha256": p.sha256[:12],
            }
        )
    cols = ["file", "kind", "route", "n_studies", "ev_studies", "last_posted", "sha256"]
    return pd.DataFrame(out, columns=cols)


def records_end(records: pd.DataFrame) -> str:
    """The last first-posted date of any stored record file (the ``trials_records`` table)."""
    dates = (
        [d for d in records["last_posted"].fillna("").astype(str) if d] if "last_posted" in records else []
    )
    return max(dates, default="")


def reference_counts(refs) -> pd.DataFrame:
    """The cited counts (the stored snapshot's) and the cited review, one row each."""
    return pd.DataFrame(
        [
            {"key": r.key, "studies": int(r.value), "what": r.what, "citation": r.citation, "url": r.url}
            for r in refs
        ],
        columns=["key", "studies", "what", "citation", "url"],
    )


def _area_counts(sel: pd.DataFrame) -> pd.DataFrame:
    sel_area = by_area(sel)
    area_tab = sel_area.pivot_table(
        index="area", columns="ev_kind", values="studies", fill_value=0, aggfunc="sum"
    )
    area_tab = area_tab.reindex(columns=["therapeutic", "diagnostic"], fill_value=0).reset_index()
    area_tab["all"] = area_tab["therapeutic"] + area_tab["diagnostic"]
    return area_tab


def _tables(store: RawStore, entries, rows: pd.DataFrame, sel: pd.DataFrame, audit, refs) -> dict[str, Table]:
    ev = rows[rows.ev_kind != "none"].reset_index(drop=True)
    return {
        "trials_studies": Table(
            ev,
            ["nct_id"],
        ),
        "trials_by_area": Table(
            _area_counts(sel),
            ["area"],
            description="EV studies per disease area; a study counts in each of its areas",
        ),
        "trials_by_phase": Table(
            count_by(sel, "phase_label"), ["phase_label", "ev_kind"], description="EV studies by phase"
        ),
        "trials_by_year": Table(
            count_by(sel, "start_year"), ["start_year", "ev_kind"], description="EV studies by start year"
        ),
        "trials_by_country": Table(
            count_by(sel, "country_group"), ["country_group", "ev_kind"], description="China vs US"
        ),
        "trials_table1": Table(audit, ["company"], description="the paper's Table 1 beside the registry"),
        "trials_reference_counts": Table(
            reference_counts(refs), ["key"], description="cited registry counts and the cited review"
        ),
        "trials_records": Table(
            records_table(store, entries, rows), ["file"], description="the stored files used"
        ),
    }


def cited_inputs(store: RawStore) -> tuple[tuple, dict | None, pd.DataFrame | None, list]:
    """(references, cited counts by key, the atlas's dosed-trial list, entries) from the store.

    The count snapshot (source ``ctgov_counts``) and the EV atlas (``ev_atlas``) are optional:
    without them the claims say what is missing.
    """
    from ...errors import MissingData
    from ...sources import ctgov_counts, ev_atlas

    refs, cited, atlas, used = [], None, None, []
    try:
        snap, entries = ctgov_counts.load(store)
        refs = list(snapshot_references(snap, ctgov_counts.CITATION))
        counts = {r.key: int(r.value) for r in refs}
        cited = {"counts": counts, "date": snap["date"], "citation": ctgov_counts.CITATION}
        cited["live"], live_entries = ctgov.counts_for(
            store, {k: CITED_QUERIES[k] for k in counts if k in CITED_QUERIES}
        )
        used += entries + live_entries
    except MissingData:
        pass
    try:
        atlas, entries = ev_atlas.load(store, "trial_doses")
        used += entries
    except MissingData:
        pass
    return tuple(refs) + (MIZENKO_2024,), cited, atlas, used


def process(store: RawStore) -> Result:
    from . import claims, text  # claims decide on these tables, so they import this module

    studies, entries = ctgov.load_studies(store)
    refs, cited, atlas, cited_entries = cited_inputs(store)
    rows = study_rows(studies)
    complete = records_complete(entries)
    sel = select_studies(rows, DEFAULT_TERMS, DEFAULT_STUDY_TYPES)  # what the notebook's default run selects
    audit = table1_audit(studies, atlas)
    records = records_used(entries)
    tables = _tables(store, entries, rows, sel, audit, refs)
    end = records_end(tables["trials_records"].frame)
    evidence = claims.decide(rows, audit, complete, cited, end)
    notes = [] if complete else [text.partial_note(records, sel, rows)]
    return Result(
        tables=tables,
        claims=claims.make_claims(evidence, records),
        inputs=entries + cited_entries,
        notes=notes,
    )
