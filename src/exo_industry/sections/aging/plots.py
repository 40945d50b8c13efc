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
        # counts: millions in the table, shown in the language's unit (millions, or 亿 in Chinese)
        div = L["count_divisor"] if col == "older_pop_m" else 1
        band_div = 1000 * div if col == "older_pop_m" else 1  # the band's counts are in thousands
        ax.plot(est.year, est[col] / div, color=theme.PALETTE[0], lw=2, label=L["estimates"])
        ax.plot(proj.year, proj[col] / div, color=theme.PALETTE[0], lw=2, ls="--", label=projection)
        if lo in proj:
            ax.fill_between(
                proj.year,
                proj[lo] / band_div,
                proj[hi] / band_div,
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
    """China's annual count (bars, left axis) and share (line, right axis), with the national
    end-2022 share for 60+ as a star on the share axis, drawn and labelled in the share's colour.

    ``a`` is :func:`tables.annual_for` (non-empty). One legend names bars, line and star.
    """
    if a.empty:
        raise ValueError("no annual rows to plot (annual data cover China 2015–2025 only)")
    L = labels(lang)
    count_color, share_color = theme.PALETTE[1], theme.PALETTE[0]
    fig, ax1 = plt.subplots(figsize=(9, 4.6))
    bars = ax1.bar(
        a.year,
        a.older_pop / 1000 / L["count_divisor"],
        color=count_color,
        alpha=0.75,
        label=L["bars"].format(t=threshold),
    )
    ax1.set_ylabel(L["count_axis"], color=count_color)
    ax1.tick_params(axis="y", colors=count_color)
    ax1.set_xlabel(L["year"])
    ax2 = ax1.twinx()
    (line,) = ax2.plot(a.year, a.share, color=share_color, marker="o", lw=2, label=L["line"])
    ax2.set_ylabel(L["share_axis"], color=share_color)
    ax2.tick_params(axis="y", colors=share_color)
    ax2.spines["right"].set_color(share_color)
    ax2.grid(False)
    handles = [bars, line]
    if threshold == 60:
        handles.append(_national_star(ax2, share_color, L))
    # below the chart, on the share axes (drawn last, so nothing covers it)
    ax2.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3, fontsize=8)
    ax1.set_title(L["annual_title"].format(t=threshold))
    ax1.set_xticks(a.year)
    fig.tight_layout()
    return fig


def _national_star(ax, color: str, L: dict):
    """The national end-2022 share: a star on the share axis ``ax``, with its value written beside it."""
    national = refs.CHINA_AGED60_SHARE_END2022.value
    star = ax.scatter(
        [2022.5],
        [national],
        marker="*",
        s=220,
        color=color,
        edgecolor="black",
        linewidth=0.6,
        zorder=5,
        label=L["national"].format(value=national),
    )
    ax.annotate(
        f"{national}%",
        (2022.5, national),
        xytext=(8, 6),
        textcoords="offset points",
        color=color,
        fontsize=9,
    )
    # a dotted guide from the star to the share axis on the right
    ax.annotate(
        "",
        xy=(1, national),
        xycoords=("axes fraction", "data"),
        xytext=(2022.5, national),
        textcoords="data",
        arrowprops={"arrowstyle": "-", "linestyle": ":", "color": color, "lw": 1.2},
    )
    return star
