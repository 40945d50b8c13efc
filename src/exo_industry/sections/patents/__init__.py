"""Section 2.2.2 and Figure 3 of the paper: exosome patents by country and year.

The paper: by patent applications China has passed the UK, Korea and Japan and is second
only to the US (claim ``patents.rank``).

Modules, as in every section: ``rules`` (the paper's values, thresholds, cited figures),
``tables`` (raw store -> tidy tables, and the counting rules), ``claims`` (decide),
``text`` (render, from ``text/<lang>.yaml``), ``plots`` (figures) and ``params`` (the
notebook's parameters).
"""

from __future__ import annotations

from types import MappingProxyType

from .. import lazy_plots
from .claims import check_rank, pick_series, rank, rank_offline, rank_on_series, to_claim
from .params import Parameters, check_country, check_rule, check_source, check_years, validate_parameters
from .rules import (
    COUNTRY_BASES,
    DEFAULT_COUNTRIES,
    DEFAULT_QUERY,
    DEFAULT_YEARS,
    LIU_2022,
    NAME,
    NOTEBOOK,
    OPRETZKA_2024,
    PAPER_ORDER,
    PONCE_POLO_2022,
    REFERENCES,
    UNITS,
    YEAR_BASES,
)
from .tables import (
    count_patents,
    country_basis_for,
    crossings,
    cumulative_ranking,
    dataset_info,
    first_passing_year,
    process,
    references_table,
    select_series,
    series_group,
    slice_by_country,
    standing,
    units,
    unknown_count,
    yearly_counts,
)
from .text import (
    LIVE_COMMANDS,
    crossings_table,
    data_note,
    labels,
    live_commands,
    live_notice,
    no_series_notice,
    offline_commands,
    rank_words,
    ranking_table,
    references_display,
    references_markdown,
    rule_words,
    slice_table,
    terms_from_query,
    title,
)

TITLE = MappingProxyType({lang: title(lang) for lang in ("zh", "en")})
DATA_NOTE = MappingProxyType({lang: data_note(lang) for lang in ("zh", "en")})
SOURCES = ("epo_ops", "lens")
CLAIM_PREFIX = "patents"
CLAIM_IDS = ("patents.rank",)
KEY_FIGURE = "patents_country_years"

__all__ = [
    "CLAIM_IDS",
    "CLAIM_PREFIX",
    "COUNTRY_BASES",
    "DEFAULT_COUNTRIES",
    "DEFAULT_QUERY",
    "DEFAULT_YEARS",
    "DATA_NOTE",
    "KEY_FIGURE",
    "LIU_2022",
    "LIVE_COMMANDS",
    "NAME",
    "NOTEBOOK",
    "OPRETZKA_2024",
    "PAPER_ORDER",
    "PONCE_POLO_2022",
    "Parameters",
    "REFERENCES",
    "SOURCES",
    "TITLE",
    "UNITS",
    "YEAR_BASES",
    "check_country",
    "check_rank",
    "check_rule",
    "check_source",
    "check_years",
    "count_patents",
    "country_basis_for",
    "crossings",
    "crossings_table",
    "cumulative_ranking",
    "data_note",
    "dataset_info",
    "first_passing_year",
    "labels",
    "live_commands",
    "live_notice",
    "no_series_notice",
    "offline_commands",
    "pick_series",
    "plots",
    "process",
    "rank",
    "rank_offline",
    "rank_on_series",
    "rank_words",
    "ranking_table",
    "references_display",
    "references_markdown",
    "references_table",
    "rule_words",
    "select_series",
    "series_group",
    "slice_by_country",
    "slice_table",
    "standing",
    "terms_from_query",
    "title",
    "to_claim",
    "unknown_count",
    "units",
    "validate_parameters",
    "yearly_counts",
]


__getattr__ = lazy_plots(__name__)  # plots (matplotlib) on first use
