"""Section 1.1: figures from tidy tables, in the chosen language (call ``theme.use(lang)`` first)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ... import references as refs
from ... import theme
from .text import display_name, labels


def trend(s: pd.DataFrame, location, threshold: int, variant: str, lang: str) -> Figure:
    """Share and count of the older population: estimates, the chosen projection, the low–high band.

    ``s`` is :func:`tables.series` for one location.
    """
    L = labels(lang)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    panels = (
        (axes[0], "share", "share_low", "share_high", L["share_title"], L["share_axis"]),
        (axes[1], "older_pop_m", "older_pop_low", "older_pop_high", L["count_title"], L["count_axis"]),
    )
    est, proj = s[s.kind == "estimates"], s[s.kind == "projection"]
    projection = L["projection"].format(variant=L[variant])
    for ax, col, lo, hi, title, axis in panels:
        scale = 1000 if col == "older_pop_m" else 1
        ax.plot(est.year, est[col], color=theme.PALETTE[0], lw=2, label=L["estimates"])
        ax.plot(proj.year, proj[col], color=theme.PALETTE[0], lw=2, ls="--", label=projection)
        if lo in proj:
            ax.fill_between(
                proj.year,
                proj[lo] / scale,
                proj[hi] / scale,
                color=theme.PALETTE[0],
                alpha=0.15,
                label=L["band"],
            )
        ax.set_title(title.format(name=display_name(location, lang), t=threshold))
        ax.set_xlabel(L["year"])
        ax.set_ylabel(axis)
    axes[0].legend(loc="upper left")
    fig.text(0.01, -0.02, L["source"], fontsize=8, color="#555")
    fig.tight_layout()
    return fig


def comparators(lines: list[tuple[object, pd.DataFrame]], threshold: int, lang: str) -> Figure:
    """The share over time for several locations: ``lines`` holds (location, series) pairs."""
    L = labels(lang)
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for i, (loc, c) in enumerate(lines):
        color = theme.PALETTE[i % len(theme.PALETTE)]
        est, proj = c[c.kind == "estimates"], c[c.kind == "projection"]
        ax.plot(est.year, est.share, color=color, lw=2, label=display_name(loc, lang))
        ax.plot(proj.year, proj.share, color=color, lw=2, ls="--")
    ax.set_title(L["comparators_title"].format(t=threshold))
    ax.set_xlabel(L["year"])
    ax.set_ylabel(L["share_axis"])
    ax.legend(ncol=2)
    fig.text(0.01, -0.02, L["source"] + L["dashed"], fontsize=8, color="#555")
    fig.tight_layout()
    return fig


def annual(a: pd.DataFrame, threshold: int, lang: str) -> Figure:
    """China's annual count (bars) and share (line), with the national end-2022 share for 60+.

    ``a`` is :func:`tables.annual_for` (non-empty).
    """
    if a.empty:
        raise ValueError("no annual rows to plot (annual data cover China 2015–2025 only)")
    L = labels(lang)
    fig, ax1 = plt.subplots(figsize=(9, 4.2))
    ax1.bar(a.year, a.older_pop / 1000, color=theme.PALETTE[1], alpha=0.75)
    ax1.set_ylabel(L["count_axis"])
    ax1.set_xlabel(L["year"])
    ax2 = ax1.twinx()
    ax2.plot(a.year, a.share, color=theme.PALETTE[0], marker="o", lw=2)
    ax2.set_ylabel(L["share_axis"])
    ax2.grid(False)
    if threshold == 60:
        national = refs.CHINA_AGED60_SHARE_END2022.value
        ax2.scatter([2022.5], [national], marker="*", s=160, color="black", zorder=5, label=L["national"])
        ax2.legend(loc="upper left")
    ax1.set_title(L["annual_title"].format(t=threshold))
    ax1.set_xticks(a.year)
    fig.tight_layout()
    return fig
