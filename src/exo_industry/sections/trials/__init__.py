"""Sections 2.1.3 and 3.1 of the paper: exosome clinical studies on ClinicalTrials.gov.

Where each concern lives: ``paper`` (the paper's values, Table 1 and the cited registry
counts), ``rules`` (how a record is classified: EV kind, disease areas, countries; the
verdict thresholds), ``tables`` (raw store -> tidy tables, :func:`process`), ``claims``
(the verdict rules: tables -> evidence), ``text`` and ``text/<lang>.yaml`` (the words),
``plots`` (the figures) and ``params`` (the notebook's parameters).
"""

from __future__ import annotations

from .. import lazy_plots
from . import text
from .claims import (
    CLAIM_IDS,
    china_evidence,
    decide,
    make_claims,
    oncology_evidence,
    table1_evidence,
)
from .paper import (
    MIZENKO_2024,
    NAME,
    NOTEBOOK,
    PAPER_YEAR,
    SNAPSHOT_KEYS,
    TABLE1,
    snapshot_references,
)
from .params import Parameters, live_command, validate_parameters
from .rules import (
    AREAS,
    DEFAULT_TERMS,
    SEARCH_TERMS,
    classify,
    country_group,
    disease_areas,
    kinds_for,
    phase_label,
    phase_order,
    sponsor_country,
)
from .tables import (
    area_ranking,
    area_table,
    by_area,
    china_therapeutic,
    count_by,
    process,
    records_complete,
    select_studies,
    study_rows,
    table1_audit,
    table1_records,
    wide,
)
from .text import (
    area_caption,
    china_caption,
    china_view,
    is_live,
    labels,
    localize_columns,
    phase_name,
    records_notice,
    records_view,
    reference_caption,
    reference_view,
    table1_records_view,
    table1_view,
)

TITLE = {lang: text.t(lang, "title") for lang in text.LANGS}
SOURCES = ("ctgov", "ctgov_counts", "ev_atlas")
CLAIM_PREFIX = "trials"
KEY_FIGURE = "trials_by_area"  # figures/trials_by_area.<lang>.png is the overview card's figure
DATA_NOTE = {lang: text.t(lang, "data_note") for lang in text.LANGS}

__all__ = [
    "AREAS",
    "CLAIM_IDS",
    "CLAIM_PREFIX",
    "DATA_NOTE",
    "DEFAULT_TERMS",
    "KEY_FIGURE",
    "NAME",
    "NOTEBOOK",
    "PAPER_YEAR",
    "SEARCH_TERMS",
    "MIZENKO_2024",
    "SNAPSHOT_KEYS",
    "SOURCES",
    "TABLE1",
    "TITLE",
    "Parameters",
    "area_caption",
    "area_ranking",
    "area_table",
    "by_area",
    "china_caption",
    "china_evidence",
    "china_therapeutic",
    "china_view",
    "classify",
    "count_by",
    "country_group",
    "decide",
    "disease_areas",
    "is_live",
    "kinds_for",
    "labels",
    "live_command",
    "localize_columns",
    "make_claims",
    "oncology_evidence",
    "phase_label",
    "phase_name",
    "phase_order",
    "plots",
    "process",
    "records_complete",
    "records_notice",
    "records_view",
    "reference_caption",
    "reference_view",
    "select_studies",
    "snapshot_references",
    "sponsor_country",
    "study_rows",
    "table1_audit",
    "table1_evidence",
    "table1_records",
    "table1_records_view",
    "table1_view",
    "text",
    "validate_parameters",
    "wide",
]


__getattr__ = lazy_plots(__name__)  # plots (matplotlib) on first use
