"""Render: the section's words in each language, filled from ``text/<lang>.yaml``.

Claims: :func:`claim` turns an evidence record (from :mod:`.claims`) into a ledger row;
each claim's words are chosen by the rule the evidence names (its verdict or ``basis``),
never decided here. Notebook: labels, localized names and the tables as shown.
"""

from __future__ import annotations

import re

import pandas as pd

from ... import i18n
from ...claims import Claim, Evidence, make_claim
from ...sources import ctgov
from .paper import EXOPHARM_PLEXOVAL, NAME, NOTEBOOK, SNAPSHOT_DATE, SNAPSHOT_TOTAL, claim_section
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
    """The stored files a claim rests on (names and kinds are identifiers and stay as they are)."""
    parts = []
    for r in records:
        route = name(lang, "routes", r["route"])
        m = re.fullmatch(r"(\d+) studies", r["notes"])
        notes = t(lang, "records.n_studies", n=m[1]) if m else r["notes"]
        key = "records.item_notes" if notes else "records.item"
        parts.append(t(lang, key, name=r["name"], kind=r["kind"], route=route, notes=notes))
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


def _oncology(e: Evidence, records, lang: str) -> dict:
    key = "claims.oncology_most."
    lead = name(lang, "areas", e["lead"])
    cited = {
        "cancer": e["cited_cancer"],
        "total": e["cited_total"],
        "cardiac": e["cited_cardiac"],
        "neuro": e["cited_neuro"],
    }
    ranking = _ranking(e, lang)
    reason = t(
        lang, key + "reason." + e["basis"], oncology=e["oncology"], ranking=ranking, lead=lead, **cited
    )
    note = t(lang, key + "note.records", records=describe_records(records, lang), ranking=ranking)
    if not e["complete"]:
        note += t(lang, key + "note.partial", lead=lead)
    pct = 100 * e["cited_share"]
    note += t(
        lang, key + "note.cited", date=SNAPSHOT_DATE, citation=SNAPSHOT_TOTAL.citation, pct=pct, **cited
    )
    if not e["complete"]:
        note += t(lang, key + "note.live", command=ctgov.live_command(list(DEFAULT_TERMS)))
    value = t(lang, key + "reproduced_value", lead=lead, lead_n=e["lead_n"], oncology=e["oncology"])
    return {"reproduced_value": value, "reason": reason, "note": note}


def _china_note(e: Evidence, records, lang: str) -> str:
    key = "claims.china_preclinical.note."
    n, sep = e["n"], t(lang, "list_sep")
    studies = [
        {
            "nct_id": s["nct_id"],
            "phase": phase_name(s["phase_label"], lang),
            "sponsor": s["lead_sponsor"],
            "posted": s["first_posted"],
            "terms": sep.join(name(lang, "terms", x) for x in s["terms"]),
        }
        for s in e["studies"]
    ]
    listing = _join(lang, studies, key + "study", key + "study_sep")
    note = t(lang, key + "head", records=describe_records(records, lang), year=e["year"], n=n)
    note += t(lang, key + "listing", listing=listing) if listing else t(lang, key + "listing_empty")
    if n:
        note += t(lang, key + "split", vesicle=e["n_vesicle"], medium=e["n_medium"])
    classes = [{"cls": name(lang, "sponsor_classes", c), "n": k} for c, k in e["sponsor_classes"]]
    note += t(
        lang,
        key + "classes",
        classes=_join(lang, classes, key + "class_item", "list_sep") or t(lang, key + "no_classes"),
    )
    if n:
        note += t(lang, key + "industry", industry=e["n_industry"], n=n, collaborators=e["n_collaborators"])
        if not e["n_industry"]:
            note += t(lang, key + "investigator")
    if e["n_undated"]:
        note += t(lang, key + "undated", undated=e["n_undated"])
    if not e["complete"]:
        note += t(lang, key + "partial", command=ctgov.live_command(list(DEFAULT_TERMS), ["INTERVENTIONAL"]))
    return note


def _china(e: Evidence, records, lang: str) -> dict:
    key = "claims.china_preclinical."
    phases = [{"phase": phase_name(p, lang), "n": k} for p, k in e["phases"]]
    phases = _join(lang, phases, key + "phase_item", "list_sep")
    return {
        "reproduced_value": t(lang, key + "reproduced_value", n=e["n"], year=e["year"]),
        "reason": t(lang, key + "reason." + e.verdict, n=e["n"], year=e["year"], phases=phases),
        "note": _china_note(e, records, lang),
    }


def _table1_note(e: Evidence, records, lang: str) -> str:
    key = "claims.table1.note."
    rows = [
        {
            "company": r["company"],
            "phases": phase_name(r["paper_phases"], lang) or t(lang, key + "no_phases"),
            "detail": registry_detail(r["company"], r["registry_detail"], lang) or t(lang, key + "no_record"),
        }
        for r in e["rows"]
    ]
    sep = t(lang, "list_sep")
    p3 = e["direct_biologics_phase3"]
    shift = t(lang, key + "shift", ids=sep.join(p3)) if p3 else t(lang, key + "no_shift")
    note = t(lang, key + "records", records=describe_records(records, lang))
    note += _join(lang, rows, key + "row", key + "row_sep") + t(lang, key + "row_sep_end")
    note += t(lang, key + "text", shift=shift, citation=EXOPHARM_PLEXOVAL.citation)
    if e["missing"] and not e["complete"]:
        note += t(lang, key + "missing", companies=sep.join(e["missing"]))
    return note


def _table1(e: Evidence, records, lang: str) -> dict:
    key = "claims.table1."
    sep = t(lang, "list_sep")
    value = t(
        lang, key + "reproduced_value.head", matched=e["products"] - len(e["missing"]), total=e["products"]
    )
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


def table1_view(audit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The Table 1 audit as the notebook shows it: products and statuses in ``lang``."""
    out = audit.copy()
    if lang != AUDIT_LANG and f"product_{lang}" in out:
        out["product"] = out[f"product_{lang}"]
    out["status"] = out["status"].map(names(lang, "table1_status"))
    cols = ["company", "product", "paper_indications", "paper_phases", "registry_phases", "status"]
    return localize_columns(out[cols], lang)


def reference_view(ref: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The cited registry counts as the notebook shows them."""
    return localize_columns(ref[["key", "studies", "what", "citation"]], lang)
