"""Section 2.2.2: figures. Each function takes tidy tables and ``lang`` and returns a figure;
the notebook publishes it (``theme.publish``). Call ``theme.use(lang)`` first for the fonts."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ... import theme
from .text import labels

OTHER_COLOR = "#bbbbbb"  # offices grouped as "other"


def country_years(ranked: pd.DataFrame, countries, rule: dict[str, str], lang: str) -> Figure:
    """Yearly counts (left) and cumulative counts (right) per country.

    ``ranked`` is :func:`~.tables.cumulative_ranking` output; ``rule`` the counting rule in
    words (:func:`~.text.rule_words`), shown in the left title."""
    L = labels(lang)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    for i, c in enumerate(countries):
        s = ranked[ranked["country"] == c].sort_values("year")
        color = theme.PALETTE[i % len(theme.PALETTE)]
        axes[0].plot(s["year"], s["count"], color=color, lw=2, marker="o", ms=3, label=c)
        axes[1].plot(s["year"], s["cumulative"], color=color, lw=2, label=c)
    axes[0].set_title(L["title_yearly"].format(**rule), fontsize=10)
    axes[1].set_title(L["title_cum"])
    for ax, ylab in ((axes[0], L["count"]), (axes[1], L["cumulative"])):
        ax.set_xlabel(L["year"])
        ax.set_ylabel(ylab)
    axes[0].legend()
    fig.tight_layout()
    return fig


def office_grid(offices: pd.DataFrame, other: str) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Publications per year (rows) and office (columns): the largest offices, one colour each,
    and the rest summed in a column named ``other``. Returns the grid, the top and the rest."""
    grid = offices.pivot_table(
        index="year", columns="pub_office", values="publications", aggfunc="sum", fill_value=0
    )
    order = grid.sum().sort_values(ascending=False, kind="mergesort").index
    top = list(order[: len(theme.PALETTE) - 1])
    rest = [o for o in order if o not in top]
    grid = grid[top].assign(**({other: grid[rest].sum(axis=1)} if rest else {}))
    return grid, top, rest


def mirror_offices(offices: pd.DataFrame, lang: str) -> Figure:
    """The mirror's slice: publications by office and year, stacked bars."""
    L = labels(lang)
    grid, top, rest = office_grid(offices, L["other_offices"])
    fig, ax = plt.subplots(figsize=(9, 4.2))
    bottom = None
    for i, office in enumerate(grid.columns):
        color = theme.PALETTE[i] if office in top else OTHER_COLOR
        label = office if office in top else f"{office} ({', '.join(rest)})"
        ax.bar(grid.index, grid[office], bottom=bottom, color=color, label=label)
        bottom = grid[office] if bottom is None else bottom + grid[office]
    ax.set_title(L["title_mirror"], fontsize=10)
    ax.set_xlabel(L["year"])
    ax.set_ylabel(L["count"])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(title=L["office"], fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    return fig
