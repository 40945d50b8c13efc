"""Section 1.1 of the paper: population aging in China.

Modules, as in every section: ``rules`` (the paper's values, thresholds, verdict rules),
``tables`` (raw store -> tidy tables), ``claims`` (decide), ``text`` (render, from
``text/<lang>.yaml``), ``plots`` (figures) and ``params`` (the notebook's parameters).
Claims: ``aging.share60``, ``aging.count60``, ``aging.rising``.
"""

from __future__ import annotations

from types import MappingProxyType

from .. import lazy_plots
from .claims import check_claims, count60, evidence, rising, share60
from .params import Parameters, validate_parameters
from .rules import NAME, NOTEBOOK, THRESHOLDS, VARIANTS
from .tables import annual_for, annual_older, older_population, peak, peaks, process, series
from .text import data_note, display_name, labels, peaks_caption, peaks_table, title

TITLE = MappingProxyType({lang: title(lang) for lang in ("zh", "en")})
DATA_NOTE = MappingProxyType({lang: data_note(lang) for lang in ("zh", "en")})
SOURCES = ("wpp", "worldbank")
CLAIM_PREFIX = "aging"
CLAIM_IDS = ("aging.share60", "aging.count60", "aging.rising")
KEY_FIGURE = "aging_trend_CHN_60"

__all__ = [
    "CLAIM_IDS",
    "CLAIM_PREFIX",
    "DATA_NOTE",
    "KEY_FIGURE",
    "NAME",
    "NOTEBOOK",
    "Parameters",
    "SOURCES",
    "THRESHOLDS",
    "TITLE",
    "VARIANTS",
    "annual_for",
    "annual_older",
    "check_claims",
    "count60",
    "data_note",
    "display_name",
    "evidence",
    "labels",
    "older_population",
    "peak",
    "peaks",
    "peaks_caption",
    "peaks_table",
    "plots",
    "process",
    "rising",
    "series",
    "share60",
    "validate_parameters",
]


__getattr__ = lazy_plots(__name__)  # plots (matplotlib) on first use
