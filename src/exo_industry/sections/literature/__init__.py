"""Section 2.2.1 of the paper: exosome research output, China and the US (Figure 2).

The paper says (Web of Science) that China's exosome research started later than the
US's but grew fast and, since 2020, has ranked at the front internationally each year;
and that stem-cell exosome research keeps growing, focused on stem-cell exosomes,
engineered exosomes and drug carriers.

Inputs (whatever the raw store holds):

- year series by country and by topic from the live routes: OpenAlex ``group_by``
  answers (``openalex``) and PubMed esearch counts (``pubmed``);
- records from imports: Web of Science and Scopus exports (``bibexport``), PubMed
  MEDLINE text (``pubmed``) and OpenAlex record pages; counted here under each counting
  rule (whole / first author / corresponding author) and China scope
  (:mod:`exo_industry.bibliometrics`, shared with the three sources);
- the offline mirror's PubMed data: EV papers per year in three disease contexts
  (2010–2026) and 271 recent PubMed records on exosomes for CNS disorders;
- published bibliometric figures, cited (:mod:`.published`).

Modules: :mod:`.rules` (thresholds, series arithmetic), :mod:`.tables` (raw store ->
tables, ``process``), :mod:`.claims` (decide; the verdict rules are in its docstring),
:mod:`.text` (render, from ``text/<lang>.yaml``), :mod:`.plots` (figures),
:mod:`.params` (the notebook's parameters).
"""

from __future__ import annotations

from ... import i18n
from .claims import build_claims, decide_china_vs_us, decide_topics
from .params import Parameters, live_commands, validate_parameters
from .published import PUBLISHED
from .rules import (
    SERIES_COLUMNS,
    SOURCE_PREFERENCE,
    china_us,
    first_year_ahead,
    rank_by_year,
    stays_ahead_since,
    top_countries,
    wide,
)
from .tables import (
    PROCESS_COMMAND,
    load_tables,
    mirror_topics_view,
    notebook_view,
    process,
    published_table,
    topic_view,
)
from .text import NAME, NOTEBOOK

TITLE = {lang: i18n.text(NAME, lang, "title") for lang in i18n.LANGS}
DATA_NOTE = {lang: i18n.text(NAME, lang, "data_note") for lang in i18n.LANGS}
SOURCES = ("openalex", "pubmed", "bibexport", "ev_atlas")
CLAIM_PREFIX = "lit"
CLAIM_IDS = ("lit.china_vs_us", "lit.topics")
KEY_FIGURE = "literature_china_us"

__all__ = [
    "CLAIM_IDS",
    "CLAIM_PREFIX",
    "DATA_NOTE",
    "KEY_FIGURE",
    "NAME",
    "NOTEBOOK",
    "PROCESS_COMMAND",
    "PUBLISHED",
    "Parameters",
    "SERIES_COLUMNS",
    "SOURCES",
    "SOURCE_PREFERENCE",
    "TITLE",
    "build_claims",
    "china_us",
    "decide_china_vs_us",
    "decide_topics",
    "first_year_ahead",
    "live_commands",
    "load_tables",
    "mirror_topics_view",
    "notebook_view",
    "process",
    "published_table",
    "rank_by_year",
    "stays_ahead_since",
    "top_countries",
    "topic_view",
    "validate_parameters",
    "wide",
]
