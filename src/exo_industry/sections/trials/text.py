"""Render: the section's words in each language, filled from ``text/<lang>.yaml``.

Claims: :func:`claim` turns an evidence record (from :mod:`.claims`) into a ledger row;
each claim's words are chosen by the rule the evidence names (its verdict or ``basis``),
never decided here. Notebook: labels, localized names and the tables as shown.
"""

from __future__ import annotations

import re

from ... import i18n
from ..._lazy import pd
from ...claims import Claim, Evidence, make_claim
from ...sources import ctgov
from ...sources.ev_atlas import CITATION as ATLAS_CITATION
from .paper import CITED_QUERIES, CITED_TOTAL_KEY, MIZENKO_2024, NAME, NOTEBOOK, claim_section
from .rules import DEFAULT_TERMS, phase_label, product

LANGS = ("zh", "en")
AUDIT_LANG = "en"  # the language of the audit's registry_detail column (data/processed/trials_table1.csv)
# the shape of one matched record in the audit's registry_detail (``tables.registry_detail`` in en.yaml)
_DETAIL_PART = re.compile(
    r"^(?P<id>\S+) (?P<phase>[^,]+), (?P<status>[^,]+), last update (?P<date>[^:]+): (?P<cond>.*)$", re.S
)


def t(lang: str, key: str, /, **values) -> str:
    """The template ``key`` of this section in ``lang``, filled with ``values``."""
    return i18n.text(NAME, lang, key, **values)


def names(lang: str, group: str) -> dict:
    """A mapping of identifiers to words (areas, kinds, groups, phases...); may be empty (identity)."""
    return i18n.labels(NAME, lang, group)


def labels(lang: str) -> dict:
    """The notebook's headings, titles and column names."""
    return names(lang, "labels")


def name(lang: str, group: str, key) -> str:
    return names(lang, group).get(key, key)


def phase_name(label: str, lang: str) -> str:
    """A phase label ("phase 1/phase 2") in ``lang``."""
    return "/".join(name(lang, "phases", p) for p in str(label).split("/"))


def describe_records(records, lang: str) -> str:
    """The stored files a claim rests on (file names stay as they are; kinds in reader's words)."""
    parts = []
    for r in records:
        route = name(lang, "routes", r["route"])
        kind = name(lang, "record_kinds", r["kind"])
        m = re.fullmatch(r"(\d+) studies", r["notes"])
        notes = t(lang, "records.n_studies", n=m[1]) if m else r["notes"]
        key = "records.item_notes" if notes else "records.item"
        parts.append(t(lang, key, name=r["name"], kind=kind, route=route, notes=notes))
    return t(lang, "records.sep").join(parts)


def registry_detail(company: str, detail: str, lang: str) -> str:
    """The audit's ``registry_detail`` (English, built by ``tables.table1_audit``) in ``lang``.

    Registry text (conditions) and identifiers stay as they are; a part that does not have
    the audit's shape is kept unchanged.
    """
    if not detail or lang == AUDIT_LANG:
        return detail
    p = product(company)
    other_prefix = i18n.template(NAME, "en", "tables.registry_other").split("{")[0]
    if p is not None and p.other_registry is not None and detail.startswith(other_prefix):
        other = p.other_registry
        return t(
            lang,
            "tables.registry_other",
            what=names(lang, "other_registry").get(other.key, other.what),
            ids=t(lang, "list_sep").join(p.other_ids),
            phases=phase_name(phase_label(p.other_phases), lang),
            citation=other.citation,
        )
    out = []
    for part in detail.split(" ; "):
        m = _DETAIL_PART.match(part.strip())
        if not m:
            out.append(part.strip())
            continue
        date = t(lang, "unknown_date") if m["date"] == "?" else m["date"]
        status = name(lang, "statuses", m["status"])
        phase = phase_name(m["phase"], lang)
        values = {"nct_id": m["id"], "phase": phase, "status": status, "date": date, "conditions": m["cond"]}
        out.append(t(lang, "tables.registry_detail", **values))
    return t(lang, "tables.registry_detail_sep").join(out)


# --------------------------------------------------------------------------- claims
def _join(lang: str, items, item_key: str, sep_key: str, **fixed) -> str:
    return t(lang, sep_key).join(t(lang, item_key, **fixed, **item) for item in items)


def _ranking(e: Evidence, lang: str) -> str:
    key = "claims.oncology_most."
    items = [{"area": name(lang, "areas", a), "n": n} for a, n in e["ranking"]]
    return _join(lang, items, key + "ranking_item", "list_sep") or t(lang, key + "ranking_empty")


def _cited_values(e: Evidence, lang: str) -> dict:
    """The cited counts and review facts a template may name ("?" where the snapshot lacks one)."""
    cited = dict(e["cited"])
    keys = {
        "cancer": "ctgov_ev_cancer",
        "total": "ctgov_ev_total",
        "neuro": "ctgov_ev_neurodegeneration",
        "cardiac": "ctgov_ev_cardiac",
    }
    out = {k: cited.get(v, "?") for k, v in keys.items()}
    out["pct"] = round(100 * e["cited_share"]) if e["cited_share"] is not None else "?"
    out["other"] = name(lang, "areas", e["cited_other"]) if e["cited_other"] else "?"
    out["other_n"] = e["cited_other_n"] if e["cited_other_n"] is not None else "?"
    out["review_lead"] = name(lang, "areas", e["review_lead"]) if e["review_lead"] else "?"
    out["review_n"] = int(MIZENKO_2024.value)
    return out


def _fields_note(e: Evidence, lang: str) -> str:
    """Which field each cited count searched, with the live count of the same search beside it
    (or the command that fetches one); "" without cited counts."""
    key, items = "claims.oncology_most.note.", []
    for ref, field, cited, live, when in e["cited_fields"]:
        extra = t(lang, key + "field_live", live=live, field=field, live_date=str(when)[:10] or "?")
        extra = extra if live is not None else ""
        items.append({"what": name(lang, "count_label", ref), "cited": cited, "field": field, "live": extra})
    if not items:
        return ""
    joined = _join(lang, items, key + "field_item", "list_sep")
    out = t(lang, key + "fields", items=joined, date=e["cited_date"] or "?")
    missing = sum(live is None for _, _, _, live, _ in e["cited_fields"])
    if missing:
        command = ctgov.count_command(*CITED_QUERIES[CITED_TOTAL_KEY])
        out += t(lang, key + "live_count", missing=missing, command=command)
    return out


def _oncology(e: Evidence, records, lang: str) -> dict:
    key = "claims.oncology_most."
    lead = name(lang, "areas", e["lead"])
    ranking = _ranking(e, lang)
    v = {
        **_cited_values(e, lang),
        "lead": lead,
        "lead_n": e["lead_n"],
        "oncology": e["oncology"],
        "studies": e["studies"],
        "ranking": ranking,
        "date": e["cited_date"] or "?",
    }
    reason = t(lang, key + "reason." + e["basis"], **v)
    note = t(lang, key + "note.records", records=describe_records(records, lang), **v)
    if not e["complete"]:
        note += t(lang, key + "note.partial", **v)
    note += (
        t(lang, key + "note.cited", citation=e["cited_citation"], **v)
        if e["cited"]
        else t(lang, key + "note.no_cited")
    )
    note += _fields_note(e, lang)
    if e["review_lead"]:
        note += t(lang, key + "note.review", citation=MIZENKO_2024.citation, **v)
    note += t(lang, key + "note.live", command=ctgov.live_command(list(DEFAULT_TERMS)))
    value = t(lang, key + "reproduced_value." + e["basis"], **v)
    return {"reproduced_value": value, "reason": reason, "note": note}


def period(as_of: str, year: int, lang: str) -> str:
    """ "by the end of 2024", or "to September 2022" when the records end earlier."""
    if as_of >= f"{year}-12-31":
        return t(lang, "period.year_end", year=year)
    month = int(as_of[5:7])
    return t(
        lang,
        "period.month",
        year=as_of[:4],
        month=month,
        month_name=names(lang, "months").get(str(month), month),
    )


def _china_note(e: Evidence, records, lang: str) -> str:
    key = "claims.china_preclinical.note."
    n, when = e["n"], period(e["as_of"], e["year"], lang)
    studies = [
        {
            "nct_id": s["nct_id"],
            "phase": phase_name(s["phase_label"], lang),
            "sponsor": s["lead_sponsor"],
            "cls": name(lang, "sponsor_classes", s["sponsor_class"]),
            "collab": t(lang, key + "collab") if s["industry_collaborator"] else "",
            "posted": s["first_posted"],
        }
        for s in e["studies"]
    ]
    note = t(lang, key + "head", records=describe_records(records, lang), period=when, n=n)
    if studies:
        note += t(lang, key + "listing", listing=_join(lang, studies, key + "study", key + "study_sep"))
    if e["n_medium"]:
        note += t(lang, key + "medium", medium=e["n_medium"], ids=t(lang, "list_sep").join(e["medium_ids"]))
    if n:
        note += t(lang, key + "industry", industry=e["n_industry"], n=n, collab=e["n_industry_collaborator"])
        note += t(lang, key + ("literal_industry" if e["n_industry"] else "literal"))
    if e["n_undated"]:
        note += t(lang, key + "undated", undated=e["n_undated"])
    if not e["complete"]:
        cmd = ctgov.live_command(list(DEFAULT_TERMS), ["INTERVENTIONAL"])
        note += t(lang, key + "partial", end=period(e["as_of"], e["year"], lang), command=cmd)
    return note


def _china(e: Evidence, records, lang: str) -> dict:
    key = "claims.china_preclinical."
    phases = _join(
        lang, [{"phase": phase_name(p, lang), "n": k} for p, k in e["phases"]], key + "phase_item", "list_sep"
    )
    classes = [{"cls": name(lang, "sponsor_classes", c), "n": k} for c, k in e["sponsor_classes"]]
    v = {
        "n": e["n"],
        "industry": e["n_industry"],
        "period": period(e["as_of"], e["year"], lang),
        "phases": phases,
        "classes": _join(lang, classes, key + "class_item", "list_sep"),
    }
    return {
        "reproduced_value": t(lang, key + "reproduced_value", **v),
        "reason": t(lang, key + "reason." + e.verdict, **v),
        "note": _china_note(e, records, lang),
    }


def _table1_note(e: Evidence, records, lang: str) -> str:
    key = "claims.table1.note."
    sep = t(lang, "list_sep")
    rows = [
        {
            "company": r["company"],
            "phases": phase_name(r["paper_phases"], lang) or t(lang, key + "no_phases"),
            "detail": registry_detail(r["company"], r["registry_detail"], lang) or t(lang, key + "no_record"),
            "atlas": sep.join(r["atlas"]) or t(lang, key + "no_record"),
        }
        for r in e["rows"]
    ]
    p3 = e["direct_biologics_phase3"]
    shift = t(lang, key + "shift", ids=sep.join(p3)) if p3 else t(lang, key + "no_shift")
    note = t(lang, key + "records", records=describe_records(records, lang), citation=ATLAS_CITATION)
    note += _join(lang, rows, key + "row", key + "row_sep") + t(lang, key + "row_sep_end")
    note += t(lang, key + "text", shift=shift)
    if e["missing"] and not e["complete"]:
        note += t(lang, key + "missing", companies=sep.join(e["missing"]))
    return note


def _table1(e: Evidence, records, lang: str) -> dict:
    key = "claims.table1."
    sep = t(lang, "list_sep")
    found = e["products"] - len(e["missing"])
    value = t(lang, key + "reproduced_value.head", matched=found, total=e["products"])
    more = e["more"]
    value += (
        t(lang, key + "reproduced_value.more", companies=sep.join(more))
        if more
        else t(lang, key + "reproduced_value.no_more")
    )
    if e["differs"]:
        value += t(lang, key + "reproduced_value.differs", companies=sep.join(e["differs"]))
    statuses = [{"company": c, "status": name(lang, "table1_status", s)} for c, s in e["statuses"]]
    reason = _join(lang, statuses, key + "status_item", key + "status_sep")
    ids = sep.join(e["direct_biologics_phase3"])
    reason += t(lang, key + "basis." + e["basis"], found=found, total=e["products"], ids=ids or "-")
    return {"reproduced_value": value, "reason": reason, "note": _table1_note(e, records, lang)}


_RENDER = {"trials.oncology_most": _oncology, "trials.china_preclinical": _china, "trials.table1": _table1}


def claim_words(e: Evidence, records, lang: str) -> dict:
    """Every text field of one claim in ``lang`` (statement, values, unit, reason, note)."""
    short = e.claim_id.split(".", 1)[1]
    fixed = {f: t(lang, f"claims.{short}.{f}") for f in ("statement", "paper_value", "unit")}
    return {**fixed, **_RENDER[e.claim_id](e, records, lang)}


def claim(e: Evidence, records) -> Claim:
    """The ledger row of one evidence record, in both languages."""
    short = e.claim_id.split(".", 1)[1]
    source = t("en", f"claims.{short}.source." + ("complete" if e["complete"] else "partial"))
    return make_claim(
        e,
        section=claim_section(e.claim_id),
        notebook=NOTEBOOK,
        source=source,
        en=claim_words(e, records, "en"),
        zh=claim_words(e, records, "zh"),
    )


def partial_note(records, sel: pd.DataFrame, rows: pd.DataFrame, lang: str = "en") -> str:
    """The pipeline's note when the records are partial."""
    totals = sel.groupby("ev_kind").size()
    kinds = [{"kind": k, "n": int(v)} for k, v in totals.items()]
    return t(
        lang,
        "notes.partial",
        records=describe_records(records, lang),
        selected=len(sel),
        total=len(rows),
        kinds=_join(lang, kinds, "notes.kind_count", "notes.kind_sep"),
    )


# --------------------------------------------------------------------------- notebook
def localize_columns(df: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``df`` with the column names the notebook shows (unknown names stay)."""
    L = labels(lang)
    return df.rename(columns={c: L.get(c, c) for c in df.columns})


def records_notice(
    studies: pd.DataFrame, records: pd.DataFrame, sel: pd.DataFrame, lang: str
) -> tuple[str, str]:
    """(text, kind) of the notice about the records a notebook run rests on."""
    counts = sel["ev_kind"].value_counts()
    text = t(
        lang,
        "notebook.records_notice",
        studies=len(studies),
        files=len(records),
        selected=len(sel),
        therapeutic=counts.get("therapeutic", 0),
        diagnostic=counts.get("diagnostic", 0),
    )
    return text + t(lang, "data_note"), "note" if is_live(records) else "warning"


def is_live(records: pd.DataFrame) -> bool:
    """Do the records (the ``trials_records`` table) include a live walk?"""
    return bool((records["route"] == "live").any())


def _statuses(values: pd.Series, lang: str) -> pd.Series:
    return values.fillna("").map(lambda v: name(lang, "statuses", v) if v else "")


def table1_view(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Table 1 audit as the notebook shows it: products, phases and findings in ``lang``."""
    out = audit.copy()
    if lang != AUDIT_LANG and f"product_{lang}" in out:
        out["product"] = out[f"product_{lang}"]
    if lang != AUDIT_LANG and f"paper_indications_{lang}" in out:
        out["paper_indications"] = out[f"paper_indications_{lang}"]
    out["status"] = out["status"].map(lambda v: name(lang, "table1_status", v))
    for c in ("paper_phases", "registry_phases"):
        out[c] = out[c].fillna("").map(lambda v: phase_name(v, lang) if v else "")
    if "atlas_records" not in out:
        out["atlas_records"] = ""
    out["atlas_records"] = out["atlas_records"].fillna("").str.replace("|", t(lang, "list_sep"), regex=False)
    cols = [
        "company",
        "product",
        "paper_indications",
        "paper_phases",
        "registry_phases",
        "atlas_records",
        "status",
    ]
    return localize_columns(out[cols], lang)


def table1_records_view(matched: pd.DataFrame, audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The records matched to Table 1 products (``tables.table1_records``) in ``lang``: statuses and
    phases translated; a record of another registry carries the compendium's note in ``lang``."""
    out = matched.copy()
    out["phase"] = out["phase"].fillna("").map(lambda v: phase_name(v, lang) if v else "")
    out["overall_status"] = _statuses(out["overall_status"], lang)
    detail = dict(zip(audit["company"], audit["registry_detail"], strict=True))
    other = out["last_update"].fillna("").eq("") & out["conditions"].eq(out["company"].map(detail))
    first = other & ~out["company"].duplicated()
    out.loc[first, "conditions"] = [registry_detail(c, detail[c], lang) for c in out.loc[first, "company"]]
    out.loc[other & ~first, "conditions"] = t(lang, "tables.same_note")  # the note (and its citation) once
    return localize_columns(out, lang)


def records_view(records: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The stored files (the ``trials_records`` table) as the notebook shows them."""
    out = records.copy()
    out["kind"] = out["kind"].map(lambda k: name(lang, "record_kinds", k))
    out["route"] = out["route"].map(lambda r: name(lang, "routes", r))
    return localize_columns(out, lang)


def china_view(cn: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The China table (``tables.china_therapeutic``) in ``lang``: phases, statuses, sponsor classes."""
    out = cn.copy()
    out["phase"] = out["phase"].map(lambda v: phase_name(v, lang))
    out["overall_status"] = _statuses(out["overall_status"], lang)
    out["sponsor_class"] = out["sponsor_class"].fillna("").replace("", "not given")
    out["sponsor_class"] = out["sponsor_class"].map(lambda v: name(lang, "sponsor_classes", v))
    return localize_columns(out, lang)


def china_caption(studies: pd.DataFrame, cn: pd.DataFrame, records: pd.DataFrame, lang: str) -> str:
    """What the verdict counts beside what the table (the chosen parameters) shows."""
    from .claims import china_evidence
    from .tables import records_end

    e = china_evidence(studies, False, records_end(records))
    shown = int(cn["nct_id"].isin([s["nct_id"] for s in e["studies"]]).sum())
    return t(
        lang,
        "notebook.china_caption",
        n=e["n"],
        period=period(e["as_of"], e["year"], lang),
        shown=len(cn),
        same=shown,
        medium=e["n_medium"],
    )


def area_caption(studies: pd.DataFrame, sel: pd.DataFrame, lang: str) -> str:
    """The number of studies the area chart counts beside the number the verdict's ranking counts."""
    from .claims import oncology_evidence

    e = oncology_evidence(studies, False)
    return t(lang, "notebook.area_caption", shown=len(sel), n=e["studies"], ranking=_ranking(e, lang))


def reference_view(ref: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The cited counts as the notebook shows them: the query in ``lang``, no repeated citation."""
    out = ref.copy()
    out["what"] = [names(lang, "cited_what").get(k, w) for k, w in zip(out["key"], out["what"], strict=True)]
    return localize_columns(out[["what", "studies"]], lang)


def reference_caption(ref: pd.DataFrame, lang: str) -> str:
    """Each distinct source of the cited counts, once."""
    cites = list(dict.fromkeys(ref["citation"]))
    return t(lang, "notebook.reference_caption", citations=t(lang, "records.sep").join(cites))
