"""Figures: tidy tables + ``lang`` -> a matplotlib figure (the notebook publishes them).

Both take the selected studies (``tables.select_studies`` on ``trials_studies``); ``live``
says whether the records come from a live walk (it picks the source line).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ... import theme
from .rules import COUNTRY_GROUPS, kinds_for, phase_order
from .tables import area_table, wide
from .text import labels, names, phase_name

COLORS = {"therapeutic": theme.PALETTE[0], "diagnostic": theme.PALETTE[1]}


def _source(lang: str, live: bool) -> str:
    return labels(lang)["source_live" if live else "source"]


def by_area(sel: pd.DataFrame, lang: str, include_diagnostic: bool = True, live: bool = False) -> Figure:
    """Figure 1: EV studies by disease area, stacked by kind (a study counts in each of its areas)."""
    theme.use(lang)
    L, areas, kind_names = labels(lang), names(lang, "areas"), names(lang, "kinds")
    w = area_table(sel, include_diagnostic)
    fig, ax = plt.subplots(figsize=(8.5, 0.38 * len(w) + 1.6))
    left = pd.Series(0, index=w.index)
    for k in kinds_for(include_diagnostic):
        ax.barh([areas[a] for a in w.index], w[k], left=left, color=COLORS[k], label=kind_names[k])
        left = left + w[k]
    ax.set_xlabel(L["studies"])
    ax.set_title(L["area_title"])
    ax.legend(loc="lower right")
    fig.text(0.01, -0.02, _source(lang, live), fontsize=7, color="#555")
    fig.tight_layout()
    return fig


def _stacked(ax, t: pd.DataFrame, title: str, name, lang: str, include_diagnostic: bool) -> None:
    kind_names = names(lang, "kinds")
    bottom = pd.Series(0, index=t.index)
    xs = [name(v) for v in t.index]
    for k in kinds_for(include_diagnostic):
        ax.bar(xs, t[k], bottom=bottom, color=COLORS[k], label=kind_names[k])
        bottom = bottom + t[k]
    ax.set_title(title)
    ax.set_ylabel(labels(lang)["studies"])
    ax.tick_params(axis="x", rotation=60)
    for lab in ax.get_xticklabels():
        lab.set_horizontalalignment("right")


def phase_year_country(
    sel: pd.DataFrame, lang: str, include_diagnostic: bool = True, live: bool = False
) -> Figure:
    """EV studies by phase, start year and country group (China, US), stacked by kind."""
    theme.use(lang)
    L, groups = labels(lang), names(lang, "groups")
    fig, axes = plt.subplots(1, 3, figsize=(14, 4.4))
    no_year = L["no_year"].format(n=int(sel["start_year"].isna().sum()))
    panels = (
        (
            wide(sel, "phase_label", include_diagnostic, phase_order(sel["phase_label"])),
            L["phase_title"],
            lambda v: phase_name(v, lang),
        ),
        (wide(sel, "start_year", include_diagnostic), L["year_title"] + no_year, str),
        (
            wide(sel, "country_group", include_diagnostic, list(COUNTRY_GROUPS)),
            L["country_title"],
            lambda v: groups[v],
        ),
    )
    for ax, (t, title, name) in zip(axes, panels, strict=True):
        _stacked(ax, t, title, name, lang, include_diagnostic)
    axes[0].legend(loc="upper right")
    fig.text(0.01, -0.04, _source(lang, live), fontsize=7, color="#555")
    fig.tight_layout()
    return fig
