"""Decide the section's claims: one pure function per claim, tables in, an :class:`Evidence` out.

The words are rendered apart, in :mod:`.text`; :func:`make_claims` joins the two.

Verdict rules
-------------
- ``trials.oncology_most`` (:func:`oncology_evidence`): with a complete record set (a live
  API walk for an EV query is in the store) -> reproduced if oncology has the most EV
  studies (therapeutic and diagnostic together) and leads the therapeutic ones too,
  reproduced with caveat if it leads only with diagnostic studies counted or is tied,
  contradicted otherwise. With partial records only -> reproduced with caveat if the cited
  registry count for EV + cancer terms is more than ``CITED_SHARE_DECIDES`` (half) of all
  EV studies (no other area could then be larger), else ``not checkable offline``. No EV
  study at all -> ``not checkable offline``.
- ``trials.china_preclinical`` (:func:`china_evidence`): contradicted if the records hold
  at least ``CHINA_STUDIES_CONTRADICT`` (one) therapeutic EV study in China (sponsor or
  site) first posted by the end of the paper's publication year (``PAPER_YEAR``, 2024) —
  the registry then shows clinical research in China; reproduced if a complete record set
  has none; ``not checkable offline`` if partial records have none.
- ``trials.table1`` (:func:`table1_evidence`): each product is matched to records by lead
  sponsor or collaborator and by product-name patterns (``TABLE1``); a row's status is
  ``rules.row_status``. ExoPharm's trials are in the Australian registry, not
  ClinicalTrials.gov; its row is compared with those cited records (``EXOPHARM_PLEXOVAL``).
  Verdict: not checkable offline if any row is not in the records (with partial records),
  contradicted if a row is not in a complete record set, reproduced if all rows agree,
  reproduced with caveat if every row agrees or shows more (or differs only in the
  ExoFlo/ExoPharm rows, ``SHIFTED_ROWS``, while the registry shows ExoFlo in phase 3: the
  row shift the paper's text implies), contradicted otherwise.
"""

from __future__ import annotations

import pandas as pd

from ...claims import Claim, Evidence
from .paper import PAPER_YEAR, SNAPSHOT_CANCER, SNAPSHOT_CARDIAC, SNAPSHOT_NEURO, SNAPSHOT_TOTAL
from .rules import CHINA_STUDIES_CONTRADICT, CITED_SHARE_DECIDES, SEARCH_TERMS, SHIFTED_ROWS
from .tables import area_ranking, select_studies

CLAIM_IDS = ("trials.oncology_most", "trials.china_preclinical", "trials.table1")


def _oncology_verdict(rank: pd.Series, ther: pd.Series, complete: bool, share: float) -> tuple[str, str]:
    """(verdict, basis): basis names the rule applied (empty, complete, cited, partial)."""
    if rank.empty:
        return "not checkable offline", "empty"
    if complete:
        lead, onc = rank.index[0], int(rank.get("oncology", 0))
        tied = len(rank) > 1 and rank.iloc[0] == rank.iloc[1]
        if lead == "oncology" and not tied and len(ther) and ther.index[0] == "oncology":
            return "reproduced", "complete"
        if lead == "oncology" or (tied and onc == rank.iloc[0]):
            return "reproduced with caveat", "complete"
        return "contradicted", "complete"
    if share > CITED_SHARE_DECIDES:
        return "reproduced with caveat", "cited"
    return "not checkable offline", "partial"


def oncology_evidence(rows: pd.DataFrame, complete: bool, cited=None) -> Evidence:
    """Is oncology the area with the most EV studies? ``rows``: the ``trials_studies`` table.

    ``cited`` (cancer, total, cardiac, neuro) defaults to the registry counts of 2026-02-15.
    """
    cancer, total, cardiac, neuro = cited or (
        SNAPSHOT_CANCER.value,
        SNAPSHOT_TOTAL.value,
        SNAPSHOT_CARDIAC.value,
        SNAPSHOT_NEURO.value,
    )
    ev = select_studies(rows, SEARCH_TERMS.keys())
    rank = area_ranking(ev)
    ther = area_ranking(ev[ev.ev_kind == "therapeutic"])
    share = cancer / total
    verdict, basis = _oncology_verdict(rank, ther, complete, share)
    return Evidence(
        "trials.oncology_most",
        verdict,
        values={
            "complete": complete,
            "basis": basis,
            "lead": rank.index[0] if len(rank) else "none",
            "lead_n": int(rank.iloc[0]) if len(rank) else 0,
            "oncology": int(rank.get("oncology", 0)),
            "ranking": tuple((a, int(n)) for a, n in rank.head(5).items()),
            "cited_cancer": cancer,
            "cited_total": total,
            "cited_cardiac": cardiac,
            "cited_neuro": neuro,
            "cited_share": share,
        },
        thresholds={"cited_share_decides": CITED_SHARE_DECIDES},
    )


def _china_studies(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(posted by the end of PAPER_YEAR, without a first-posted date): therapeutic studies in China."""
    ther = rows[(rows.ev_kind == "therapeutic") & rows.country_group.isin(["China", "China and US"])]
    posted = ther["first_posted"].fillna("")
    return ther[posted.str[:4].le(str(PAPER_YEAR)) & posted.ne("")], ther[posted.eq("")]


def china_evidence(rows: pd.DataFrame, complete: bool) -> Evidence:
    """Is China's EV R&D all preclinical? Counts therapeutic EV studies in China in ``rows``."""
    before, undated = _china_studies(rows)
    n = len(before)
    vesicle = before["ev_terms"].fillna("").str.contains("exosome|extracellular vesicle|microvesicle")
    if n >= CHINA_STUDIES_CONTRADICT:
        verdict = "contradicted"
    elif complete:
        verdict = "reproduced"
    else:
        verdict = "not checkable offline"
    studies = tuple(
        {
            "nct_id": r.nct_id,
            "phase_label": r.phase_label,
            "lead_sponsor": r.lead_sponsor,
            "first_posted": r.first_posted,
            "terms": tuple(t for t in str(r.ev_terms).split("|") if t),
        }
        for r in before.itertuples()
    )
    classes = before["sponsor_class"].replace("", "not given").value_counts().sort_index()
    return Evidence(
        "trials.china_preclinical",
        verdict,
        values={
            "complete": complete,
            "year": PAPER_YEAR,
            "n": n,
            "phases": tuple(
                (k, int(v)) for k, v in before["phase_label"].value_counts().sort_index().items()
            ),
            "sponsor_classes": tuple((k, int(v)) for k, v in classes.items()),
            "n_industry": int((before["sponsor_class"] == "INDUSTRY").sum()),
            "n_collaborators": int(before["collaborators"].fillna("").ne("").sum())
            if "collaborators" in before
            else 0,
            "n_vesicle": int(vesicle.sum()),
            "n_medium": int((~vesicle).sum()),
            "n_undated": len(undated),
            "studies": studies,
        },
        thresholds={"studies_to_contradict": CHINA_STUDIES_CONTRADICT, "posted_by_year": PAPER_YEAR},
    )


def _table1_verdict(statuses: dict, complete: bool, shift_only: bool) -> str:
    missing = [c for c, s in statuses.items() if s == "not in records"]
    differs = [c for c, s in statuses.items() if s == "differs"]
    if missing and not complete:
        return "not checkable offline"
    if missing:
        return "contradicted"  # a complete record set shows no registered study of these products
    if all(s == "agrees" for s in statuses.values()):
        return "reproduced"
    if not differs or shift_only:
        return "reproduced with caveat"
    return "contradicted"


def table1_evidence(audit: pd.DataFrame, complete: bool) -> Evidence:
    """Table 1 beside the registry. ``audit``: the ``trials_table1`` table."""
    st = dict(zip(audit["company"], audit["status"], strict=True))
    db = audit[audit["company"] == "Direct Biologics"]
    db_detail = str(db["registry_detail"].iloc[0]) if len(db) else ""
    db_p3 = tuple(part.split()[0] for part in db_detail.split(" ; ") if "phase 3" in part)
    differs = tuple(c for c, s in st.items() if s == "differs")
    # the ExoFlo/ExoPharm rows count as a shifted row only when the registry shows ExoFlo in phase 3
    shift_only = bool(db_p3) and set(differs) <= SHIFTED_ROWS
    rows = tuple(
        {"company": r.company, "paper_phases": r.paper_phases, "registry_detail": r.registry_detail}
        for r in audit.itertuples()
    )
    return Evidence(
        "trials.table1",
        _table1_verdict(st, complete, shift_only),
        values={
            "complete": complete,
            "statuses": tuple(st.items()),
            "missing": tuple(c for c, s in st.items() if s == "not in records"),
            "differs": differs,
            "more": tuple(c for c, s in st.items() if s == "registry shows more"),
            "direct_biologics_phase3": db_p3,
            "shift_only": shift_only,
            "products": len(audit),
            "rows": rows,
        },
    )


def decide(rows: pd.DataFrame, audit: pd.DataFrame, complete: bool) -> list[Evidence]:
    """The section's evidence records, in the paper's order (``CLAIM_IDS``)."""
    return [
        oncology_evidence(rows, complete),
        china_evidence(rows, complete),
        table1_evidence(audit, complete),
    ]


def make_claims(evidence: list[Evidence], records: tuple[dict, ...]) -> list[Claim]:
    """Ledger rows: each evidence record with its words (both languages) from :mod:`.text`."""
    from .text import claim  # rendering needs the tables' vocabulary, not the other way round

    return [claim(e, records) for e in evidence]
