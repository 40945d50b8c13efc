"""Section 2.1.3, clinical trials: the data dictionary of its tables (see :mod:`exo_industry.schema`)."""

from __future__ import annotations

from ...schema import Col, Schema
from .rules import AREAS, COUNTRY_GROUPS, KINDS, TABLE1_STATUSES

s, i, n = "string", "integer", "number"
_KIND = Col("ev_kind", s, "what the EVs are to the study", enum=KINDS, required=True)
_STUDIES = Col("studies", i, "studies", "studies")
_GROUP = Col("country_group", s, "where the study runs or its sponsor is", enum=COUNTRY_GROUPS, required=True)
_PHASE = Col("phase_label", s, "the study's phases, in words", required=True)
_DATE = "date as the registry gives it (YYYY-MM or YYYY-MM-DD)"
_LIST = "|-separated"

SCHEMA = {
    "trials_studies": Schema(
        "registry studies naming EVs (therapeutic, diagnostic or mention), with areas and countries",
        (
            Col("nct_id", s, "ClinicalTrials.gov id", required=True),
            Col("title", s, "brief title"),
            _KIND,
            Col("ev_rule", s, "the rule that decided ev_kind (its letter, then what it found)"),
            Col("ev_terms", s, f"EV terms found, {_LIST}"),
            Col(
                "study_type",
                s,
                "registry study type",
                enum=("INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"),
            ),
            Col("phases", s, f"registry phases, {_LIST}"),
            _PHASE,
            Col("top_phase", s, "the highest phase"),
            Col("overall_status", s, "registry recruitment status"),
            Col("start_date", s, f"start {_DATE}"),
            Col("start_year", n, "year of start_date"),
            Col("first_posted", s, f"first posted {_DATE}"),
            Col("last_update", s, f"last update posted {_DATE}"),
            Col("conditions", s, f"conditions, {_LIST}"),
            Col("areas", s, f"disease areas, {_LIST}"),
            Col(
                "area_basis",
                s,
                "where the areas come from",
                enum=("MeSH branches", "condition words", "no match"),
            ),
            Col("interventions", s, f"TYPE: name of each intervention, {_LIST}"),
            Col("lead_sponsor", s, "lead sponsor"),
            Col("sponsor_class", s, "registry sponsor class"),
            Col("funded_by", s, f"sponsor classes of the lead sponsor and collaborators, {_LIST}"),
            Col("collaborators", s, f"collaborators, {_LIST}"),
            Col("sponsor_country", s, "lead sponsor's country where it is known"),
            Col("site_countries", s, f"countries of the study sites, {_LIST}"),
            _GROUP,
            Col("origin", s, "the stored file kind the record came from"),
        ),
        ("nct_id",),
    ),
    "trials_by_area": Schema(
        "therapeutic and diagnostic EV studies per disease area (a study counts in each of its areas)",
        (
            Col("area", s, "disease area", enum=tuple(AREAS), required=True),
            Col("therapeutic", i, "therapeutic EV studies", "studies"),
            Col("diagnostic", i, "diagnostic EV studies", "studies"),
            Col("all", i, "therapeutic + diagnostic", "studies"),
        ),
        ("area",),
    ),
    "trials_by_phase": Schema(
        "EV studies by phase and kind", (_PHASE, _KIND, _STUDIES), ("phase_label", "ev_kind")
    ),
    "trials_by_year": Schema(
        "EV studies by start year and kind (empty start_year: no start date)",
        (Col("start_year", n, "year the study started"), _KIND, _STUDIES),
    ),
    "trials_by_country": Schema(
        "EV studies by country group (China, US, both, other) and kind",
        (_GROUP, _KIND, _STUDIES),
        ("country_group", "ev_kind"),
    ),
    "trials_table1": Schema(
        "the paper's Table 1 (EV products in trials) beside what the registry records",
        (
            Col("company", s, "company", required=True),
            Col("product", s, "product (English)"),
            Col("product_zh", s, "product (Chinese, as in the paper)"),
            Col("paper_indications", s, "indications the paper gives"),
            Col("paper_indications_zh", s, "indications the paper gives (Chinese, as in the paper)"),
            Col("paper_phases", s, "phases the paper gives"),
            Col("registry_records", s, f"the company's registry records, {_LIST}"),
            Col("registry_phases", s, "phases in those records"),
            Col("registry_detail", s, "per record: phase, status, last update and conditions"),
            Col("atlas_records", s, f"the product's trials in the EV atlas dosed-trial list, {_LIST}"),
            Col("status", s, "how the paper's row compares with the registry", enum=TABLE1_STATUSES),
        ),
        ("company",),
    ),
    "trials_reference_counts": Schema(
        "registry counts from a cited snapshot of ClinicalTrials.gov (2026-02-15)",
        (
            Col("key", s, "count id", required=True),
            _STUDIES,
            Col("what", s, "the query counted"),
            Col("citation", s, "the publication cited"),
            Col("url", s, "its web address"),
        ),
        ("key",),
    ),
    "trials_records": Schema(
        "the stored registry files used",
        (
            Col("file", s, "stored file", required=True),
            Col("kind", s, "file kind as detected on import"),
            Col("route", s, "live (fetched), import (an export) or mirror"),
            Col("n_studies", i, "studies in the file", "studies"),
            Col("ev_studies", i, "of which name EVs", "studies"),
            Col("last_posted", s, "the latest first-posted date of the file's records (YYYY-MM-DD)"),
            Col("sha256", s, "first 12 hex digits of the file's sha256"),
        ),
        ("file",),
    ),
}
