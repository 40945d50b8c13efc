"""Section 1.2 of the paper: the burden of noncommunicable diseases (NCDs).

The paper (section 1.2, citing WHO's World Health Statistics 2023 as its ref. [9]):
"据世界卫生组织 (WHO) 报告，2020 年，全球 74% 的死亡 (3100 万) 归因于非传染性疾病 (NCDs)，
主要的非传染性疾病包括：心血管疾病、癌症、慢性呼吸系统疾病和糖尿病".

Modules, as in every section: ``rules`` (the paper's values, WHO's cited figures, the GBD
cause hierarchy, thresholds, verdict rules), ``tables`` (raw store -> tidy tables, and the
notebook's views), ``claims`` (decide), ``text`` (render, from ``text/<lang>.yaml``),
``plots`` (figures) and ``params`` (the notebook's parameters).
``ghe`` turns WHO's Global Health Estimates 2021 into rows of the section's tables.
Claims: ``ncd.share`` and ``ncd.main4``.
"""

from __future__ import annotations

from types import MappingProxyType

from .. import lazy_plots
from .claims import check_claims, evidence, main4_evidence, share_evidence
from .params import Parameters, figure_tag, resolve_locations, validate_parameters
from .rules import (
    CAUSE_GROUPINGS,
    MAIN4,
    MAIN4_ORDER,
    NAME,
    NOTEBOOK,
    PAPER_SHARE,
    PAPER_YEAR,
    SRC_GBD17,
    SRC_GBD19,
    SRC_GHE21,
    SRC_WHO,
    SRC_WHO_PUBLISHED,
    WORLD,
    grade_count,
    grade_main4_list,
    grade_share,
    grade_share_year,
)
from .tables import (
    cause_view,
    cause_views,
    classify_causes,
    level2_groups,
    load,
    main4_rows,
    main4_table,
    missing_shares,
    process,
    share_view,
    who_world_shares,
)
from .text import (
    cause_label,
    causes_sentences,
    count,
    data_note,
    diabetes_note,
    display_name,
    labels,
    live_note,
    main4_display,
    no_share,
    pandemic_values,
    title,
)

TITLE = MappingProxyType({lang: title(lang) for lang in ("zh", "en")})
DATA_NOTE = MappingProxyType({lang: data_note(lang) for lang in ("zh", "en")})
SOURCES = ("worldbank", "owid", "who_ghe")
CLAIM_PREFIX = "ncd"
CLAIM_IDS = ("ncd.share", "ncd.main4")
KEY_FIGURE = "ncd_share_WLD-CHN_2019_main4"  # the share figure for the notebook's default parameters

__all__ = [
    "CAUSE_GROUPINGS",
    "CLAIM_IDS",
    "CLAIM_PREFIX",
    "DATA_NOTE",
    "KEY_FIGURE",
    "MAIN4",
    "MAIN4_ORDER",
    "NAME",
    "NOTEBOOK",
    "PAPER_SHARE",
    "PAPER_YEAR",
    "Parameters",
    "SOURCES",
    "SRC_GBD17",
    "SRC_GBD19",
    "SRC_GHE21",
    "SRC_WHO",
    "SRC_WHO_PUBLISHED",
    "TITLE",
    "WORLD",
    "cause_label",
    "cause_view",
    "cause_views",
    "causes_sentences",
    "check_claims",
    "classify_causes",
    "count",
    "data_note",
    "diabetes_note",
    "display_name",
    "evidence",
    "figure_tag",
    "grade_count",
    "grade_main4_list",
    "grade_share",
    "grade_share_year",
    "labels",
    "level2_groups",
    "live_note",
    "load",
    "main4_evidence",
    "main4_display",
    "main4_rows",
    "main4_table",
    "missing_shares",
    "no_share",
    "pandemic_values",
    "plots",
    "process",
    "resolve_locations",
    "share_evidence",
    "share_view",
    "validate_parameters",
    "who_world_shares",
]


__getattr__ = lazy_plots(__name__)  # plots (matplotlib) on first use
