"""Decide the section's claims: one pure function per claim, tables in, an :class:`Evidence` out.

The words are rendered apart, in :mod:`.text`; :func:`make_claims` joins the two.

Verdict rules
-------------
- ``trials.oncology_most`` (:func:`oncology_evidence`): studies selected with the default
  terms (those the area chart counts). With a complete record set (a live API walk for an EV
  query is in the store) -> reproduced if oncology has the most EV studies (therapeutic and
  diagnostic together) and leads the therapeutic ones too, reproduced with caveat if it leads
  only with diagnostic studies counted or is tied, contradicted otherwise. With partial
  records -> contradicted if the cited systematic review (Mizenko et al. 2024) names another
  area as the most frequent; reproduced with caveat if the review names cancer and the stored
  count snapshot has more EV + cancer studies than any other area it counted (basis
  ``cited_review``; the caveat: among therapeutic trials respiratory illness leads), or if
  the cancer count is more than ``CITED_SHARE_DECIDES`` of all EV studies (``cited``); else
  ``not checkable offline``. The partial records' own ranking never decides: one of them is
  a file of nervous-system studies only.
- ``trials.china_preclinical`` (:func:`china_evidence`): therapeutic exosome/EV studies
  (conditioned medium and secretome are counted apart) with a Chinese sponsor or site, first
  posted by the end of ``PAPER_YEAR`` or by the records' last first-posted date if earlier.
  Judged on the plain reading (the sentence sits in a paragraph on drug review: no Chinese EV
  product in industry-sponsored registered trials): contradicted if at least
  ``CHINA_INDUSTRY_CONTRADICT`` of them has an industry lead sponsor (the registry's sponsor
  class); reproduced with caveat if all are investigator-initiated (the literal reading, "all
  preclinical", fails: ``literal`` says so); reproduced if a complete record set has none;
  ``not checkable offline`` if partial records have none.
- ``trials.table1`` (:func:`table1_evidence`): each product is matched to records by lead
  sponsor or collaborator and by product-name patterns (``TABLE1``); a row's status is
  ``rules.row_status``. ExoPharm's trials are in the Australian registry, not
  ClinicalTrials.gov; its row is compared with those cited records (``EXOPHARM_PLEXOVAL``).
  A product found only in the EV atlas's list of dosed trials is ``listed only`` (the list
  gives no phase). Verdict: contradicted if a row is not in a complete record set; not
  checkable offline if partial records find no more than ``TABLE1_FOUND_DECIDES`` (half) of
  the products; contradicted if a row differs (other than the ExoFlo/ExoPharm rows,
  ``SHIFTED_ROWS``, while the registry shows ExoFlo in phase 3: the row shift the paper's
  text implies); reproduced if every row agrees; reproduced with caveat otherwise.
"""

from __future__ import annotations

from ..._lazy import pd
from ...claims import Claim, Evidence
from .paper import (
    CITED_AREA_KEYS,
    CITED_QUERIES,
    CITED_TOTAL_KEY,
    PAPER_YEAR,
    REVIEW_LEAD_ALL,
    REVIEW_LEAD_THERAPEUTIC,
)
from .rules import (
    CHINA_INDUSTRY_CONTRADICT,
    CITED_SHARE_DECIDES,
    DEFAULT_STUDY_TYPES,
    DEFAULT_TERMS,
    SHIFTED_ROWS,
    TABLE1_FOUND_DECIDES,
    VESICLE_TERMS,
)
from .tables import area_ranking, select_studies

CLAIM_IDS = ("trials.oncology_most", "trials.china_preclinical", "trials.table1")


def _cited_lead(cited: dict) -> tuple[str, int | None, int | None]:
    """(the largest other cited area, its count, oncology's count); None where the snapshot lacks it."""
    onc = cited.get(CITED_AREA_KEYS["oncology"])
    others = {a: cited[k] for a, k in CITED_AREA_KEYS.items() if a != "oncology" and k in cited}
    if not others:
        return "", None, onc
    area = max(others, key=others.get)
    return area, others[area], onc


def _oncology_verdict(rank, ther, complete: bool, cited: dict, review_lead: str) -> tuple[str, str]:
    """(verdict, basis): basis names the rule applied (empty, complete, review, cited_review, cited,
    partial)."""
    if complete:
        if rank.empty:
            return "not checkable offline", "empty"
        lead, onc = rank.index[0], int(rank.get("oncology", 0))
        tied = len(rank) > 1 and rank.iloc[0] == rank.iloc[1]
        if lead == "oncology" and not tied and len(ther) and ther.index[0] == "oncology":
            return "reproduced", "complete"
        if lead == "oncology" or (tied and onc == rank.iloc[0]):
            return "reproduced with caveat", "complete"
        return "contradicted", "complete"
    if review_lead and review_lead != "oncology":
        return "contradicted", "review"
    _, other_n, onc = _cited_lead(cited)
    total = cited.get(CITED_TOTAL_KEY)
    if review_lead == "oncology" and onc is not None and other_n is not None and onc > other_n:
        return "reproduced with caveat", "cited_review"
    if total and onc is not None and onc / total > CITED_SHARE_DECIDES:
        return "reproduced with caveat", "cited"
    return "not checkable offline", "partial"


def oncology_evidence(
    rows: pd.DataFrame,
    complete: bool,
    cited: dict | None = None,
    review_lead: str = REVIEW_LEAD_ALL,
    cited_from: tuple[str, str] = ("", ""),
    live: dict | None = None,
) -> Evidence:
    """Is oncology the area with the most EV studies? ``rows``: the ``trials_studies`` table.

    ``cited``: the snapshot's counts by reference key (``paper.SNAPSHOT_KEYS``; None or {} when
    no snapshot is stored), ``cited_from`` its (date, citation); ``review_lead``: the most
    frequent application across all EV trials in the cited systematic review ("" for none).
    """
    cited = dict(cited or {})
    ev = select_studies(rows, DEFAULT_TERMS, DEFAULT_STUDY_TYPES)  # what the area chart counts by default
    rank = area_ranking(ev)
    ther = area_ranking(ev[ev.ev_kind == "therapeutic"])
    verdict, basis = _oncology_verdict(rank, ther, complete, cited, review_lead)
    other, other_n, onc = _cited_lead(cited)
    total = cited.get(CITED_TOTAL_KEY)
    return Evidence(
        "trials.oncology_most",
        verdict,
        values={
            "complete": complete,
            "basis": basis,
            "studies": len(ev),
            "lead": rank.index[0] if len(rank) else "none",
            "lead_n": int(rank.iloc[0]) if len(rank) else 0,
            "oncology": int(rank.get("oncology", 0)),
            "ranking": tuple((a, int(n)) for a, n in rank.head(5).items()),
            "cited": tuple(sorted(cited.items())),
            "cited_cancer": onc,
            "cited_total": total,
            "cited_other": other,
            "cited_other_n": other_n,
            "cited_share": onc / total if onc is not None and total else None,
            "cited_date": cited_from[0],
            "cited_citation": cited_from[1],
            # per cited count: (key, field searched, cited n, live n or None, live count's time or "")
            "cited_fields": tuple(
                (
                    k,
                    CITED_QUERIES[k][0],
                    cited[k],
                    (live or {}).get(k, {}).get("count"),
                    (live or {}).get(k, {}).get("retrieved_at", ""),
                )
                for k in CITED_QUERIES
                if k in cited
            ),  # fmt: skip
            "review_lead": review_lead,
            "review_lead_therapeutic": REVIEW_LEAD_THERAPEUTIC if review_lead else "",
        },
        thresholds={"cited_share_decides": CITED_SHARE_DECIDES},
    )


def _as_of(end: str) -> str:
    """The date the China count runs to: the end of PAPER_YEAR, or the records' last first-posted date
    (``end``) when that is earlier."""
    last = f"{PAPER_YEAR}-12-31"
    return end if end and end < last else last


def _china_studies(rows: pd.DataFrame, as_of: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(posted by ``as_of``, without a first-posted date): therapeutic studies in China."""
    ther = rows[(rows.ev_kind == "therapeutic") & rows.country_group.isin(["China", "China and US"])]
    posted = ther["first_posted"].fillna("")
    return ther[posted.le(as_of) & posted.ne("")], ther[posted.eq("")]


def _china_verdict(n: int, n_industry: int, complete: bool) -> str:
    """Judged on the plain reading: no Chinese EV product in industry-sponsored registered trials."""
    if n_industry >= CHINA_INDUSTRY_CONTRADICT:
        return "contradicted"
    if n == 0:
        return "reproduced" if complete else "not checkable offline"
    return "reproduced with caveat"  # investigator-initiated studies only: the literal reading fails


def _china_rows(found: pd.DataFrame) -> tuple[dict, ...]:
    funded = found["funded_by"].fillna("") if "funded_by" in found else pd.Series("", index=found.index)
    return tuple(
        {
            "nct_id": r.nct_id,
            "phase_label": r.phase_label,
            "lead_sponsor": r.lead_sponsor,
            "sponsor_class": r.sponsor_class or "not given",
            "industry_collaborator": "INDUSTRY" in str(f).split("|") and r.sponsor_class != "INDUSTRY",
            "first_posted": r.first_posted,
        }
        for r, f in zip(found.itertuples(), funded, strict=True)
    )


def china_evidence(rows: pd.DataFrame, complete: bool, records_end: str = "") -> Evidence:
    """Is China's EV R&D all preclinical? Therapeutic exosome/EV studies in China in ``rows``.

    Two readings: the literal one (no registered clinical study at all) and the plain one the
    paper's paragraph on drug review implies (no industry-sponsored trial of a Chinese EV product).
    The verdict judges the plain one; the literal one is reported beside it. ``records_end``: the
    last first-posted date in the stored record files ("" when not known: then the paper's year).
    """
    as_of = _as_of(records_end)
    before, undated = _china_studies(rows, as_of)
    terms = before["ev_terms"].fillna("").astype(str).str.split("|")
    vesicle = terms.map(lambda ts: bool(set(VESICLE_TERMS) & set(ts))).astype(bool)
    found, medium = before.loc[vesicle], before.loc[~vesicle]
    n_industry = int((found["sponsor_class"] == "INDUSTRY").sum())
    studies = _china_rows(found)
    classes = found["sponsor_class"].replace("", "not given").value_counts().sort_index()
    return Evidence(
        "trials.china_preclinical",
        _china_verdict(len(found), n_industry, complete),
        values={
            "complete": complete,
            "year": PAPER_YEAR,
            "as_of": as_of,
            "n": len(found),
            "literal": "contradicted" if len(found) else "not contradicted",
            "phases": tuple((k, int(v)) for k, v in found["phase_label"].value_counts().sort_index().items()),
            "sponsor_classes": tuple((k, int(v)) for k, v in classes.items()),
            "n_industry": n_industry,
            "n_investigator": len(found) - n_industry,
            "n_industry_collaborator": sum(s["industry_collaborator"] for s in studies),
            "n_medium": len(medium),
            "medium_ids": tuple(medium["nct_id"]),
            "n_undated": len(undated),
            "studies": studies,
        },
        thresholds={
            "industry_studies_to_contradict": CHINA_INDUSTRY_CONTRADICT,
            "posted_by_year": PAPER_YEAR,
        },
    )


def _table1_verdict(statuses: dict, complete: bool, shift_only: bool) -> tuple[str, str]:
    """(verdict, basis). Partial records decide when more than ``TABLE1_FOUND_DECIDES`` of the
    products are found in some record (the registry, the cited ANZCTR records, the dosed-trial list)."""
    missing = [c for c, s in statuses.items() if s == "not in records"]
    differs = [c for c, s in statuses.items() if s == "differs"]
    found = len(statuses) - len(missing)
    if missing and complete:
        return "contradicted", "missing"  # a complete record set shows no registered study of these products
    if missing and found <= TABLE1_FOUND_DECIDES * len(statuses):
        return "not checkable offline", "too_few"
    if differs and not shift_only:
        return "contradicted", "differs"
    if not missing and all(s == "agrees" for s in statuses.values()):
        return "reproduced", "agrees"
    return "reproduced with caveat", "partial" if missing else "more"


def table1_evidence(audit: pd.DataFrame, complete: bool) -> Evidence:
    """Table 1 beside the registry. ``audit``: the ``trials_table1`` table."""
    st = dict(zip(audit["company"], audit["status"], strict=True))
    db = audit[audit["company"] == "Direct Biologics"]
    db_detail = str(db["registry_detail"].iloc[0]) if len(db) else ""
    db_p3 = tuple(part.split()[0] for part in db_detail.split(" ; ") if "phase 3" in part)
    differs = tuple(c for c, s in st.items() if s == "differs")
    # the ExoFlo/ExoPharm rows count as a shifted row only when the registry shows ExoFlo in phase 3
    shift_only = bool(db_p3) and set(differs) <= SHIFTED_ROWS
    atlas = audit["atlas_records"] if "atlas_records" in audit else pd.Series("", index=audit.index)
    rows = tuple(
        {
            "company": r.company,
            "paper_phases": r.paper_phases,
            "registry_detail": r.registry_detail,
            "atlas": tuple(i for i in str(a).split("|") if i),
        }
        for r, a in zip(audit.itertuples(), atlas.fillna(""), strict=True)
    )
    verdict, basis = _table1_verdict(st, complete, shift_only)
    return Evidence(
        "trials.table1",
        verdict,
        values={
            "complete": complete,
            "basis": basis,
            "statuses": tuple(st.items()),
            "missing": tuple(c for c, s in st.items() if s == "not in records"),
            "differs": differs,
            "more": tuple(c for c, s in st.items() if s == "registry shows more"),
            "listed": tuple(c for c, s in st.items() if s == "listed only"),
            "direct_biologics_phase3": db_p3,
            "shift_only": shift_only,
            "products": len(audit),
            "atlas_products": sum(bool(r["atlas"]) for r in rows),
            "rows": rows,
        },
        thresholds={"found_share_decides": TABLE1_FOUND_DECIDES},
    )


def decide(
    rows: pd.DataFrame, audit: pd.DataFrame, complete: bool, cited: dict | None, records_end: str = ""
) -> list[Evidence]:
    """The section's evidence records, in the paper's order (``CLAIM_IDS``).

    ``cited``: {"counts", "date", "citation"} of the stored count snapshot, or None.
    """
    cited = cited or {}
    return [
        oncology_evidence(
            rows,
            complete,
            cited.get("counts"),
            cited_from=(cited.get("date", ""), cited.get("citation", "")),
            live=cited.get("live"),
        ),
        china_evidence(rows, complete, records_end),
        table1_evidence(audit, complete),
    ]


def make_claims(evidence: list[Evidence], records: tuple[dict, ...]) -> list[Claim]:
    """Ledger rows: each evidence record with its words (both languages) from :mod:`.text`."""
    from .text import claim  # rendering needs the tables' vocabulary, not the other way round

    return [claim(e, records) for e in evidence]
