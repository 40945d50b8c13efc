"""Section 1.2: figures from tidy views, in the chosen language (call ``theme.use(lang)`` first)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from ... import theme
from . import rules
from .text import cause_label, diabetes_note, display_name, labels, unit_scale


def share(view: pd.DataFrame, locations: list[dict], lang: str) -> Figure:
    """NCD share of all deaths over time, each location in its colour and each source in its style.

    ``view`` is :func:`tables.share_view`; the paper's point is drawn when the world is shown.
    """
    L = labels(lang)
    shown_name = {loc["name"]: display_name(loc, lang) for loc in locations}
    styles = [  # (source, basis or None for any, style)
        (rules.SRC_WHO, None, dict(ls="none", marker="o", ms=7, label=L["source_who"])),
        (rules.SRC_GBD17, None, dict(ls="-", lw=2, label=L["source_gbd17"])),
        (rules.SRC_GBD19, None, dict(ls=":", lw=1.5, label=L["source_gbd19"])),
        (rules.SRC_GHE21, rules.BASIS_ALL, dict(ls="-", marker="s", ms=5, lw=1.5, label=L["source_ghe21"])),
        (rules.SRC_GHE21, rules.BASIS_NON_PANDEMIC,
         dict(ls="--", marker="^", ms=5, lw=1.2, label=L["source_ghe21_other"])),
    ]  # fmt: skip
    fig, ax = plt.subplots(figsize=(9.5, 4.8))
    for i, loc in enumerate(locations):
        name = loc["name"]
        color = theme.PALETTE[i % len(theme.PALETTE)]
        for src, basis, style in styles:
            s = view[(view.label == name) & (view.source == src)]
            if basis is not None and "basis" in s:
                s = s[s.basis == basis]
            if len(s):
                label = f"{shown_name[name]}: {style['label']}"
                ax.plot(s.year, s.share_pct, color=color, **{**style, "label": label})
    if (view.source == rules.SRC_GHE21).any():
        ax.axvspan(2019.5, 2021.5, color="#dddddd", alpha=0.5, lw=0, zorder=0)
    if any(loc["code"] == rules.WORLD for loc in locations):
        ax.scatter(
            [rules.PAPER_YEAR],
            [rules.PAPER_SHARE],
            marker="*",
            s=180,
            color="black",
            zorder=5,
            label=L["paper_point"],
        )
    ax.set_title(L["share_title"])
    ax.set_xlabel(L["year"])
    ax.set_ylabel(L["share_axis"])
    ax.legend(fontsize=8, ncol=1, loc="center left", bbox_to_anchor=(1.0, 0.5))
    fig.text(0.01, -0.03, L["partial_note"], fontsize=8, color="#555")
    fig.tight_layout()
    return fig


def _bar_colors(v: pd.DataFrame) -> list[str]:
    """The four main groups in the first colour, their sum in the second, the rest grey."""
    colors = [theme.PALETTE[0] if m else "#999999" for m in v.main4]
    return [theme.PALETTE[1] if k == "main4_sum" else c for k, c in zip(v.key, colors, strict=True)]


def _cause_panel(ax, v: pd.DataFrame, title: str, who: pd.Series | None, grouping: str, lang: str) -> None:
    """One location's bars (largest at the top), with WHO's published 2019 figures where given."""
    L = labels(lang)
    unit = unit_scale(lang)
    v = v.iloc[::-1]
    names = [
        L[k] if grouping == "main4" else cause_label(g, lang) for k, g in zip(v.key, v.group, strict=True)
    ]
    ax.barh(names, v.deaths / unit, color=_bar_colors(v))
    for yy, (k, d, sh) in enumerate(zip(v.key, v.deaths / unit, v.share_of_ncd_pct, strict=True)):
        x = max(d, who[k] / unit) if who is not None and k in who.index and pd.notna(who[k]) else d
        ax.text(x, yy, "  " + L["share_of_ncd"].format(share=sh), va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(L["deaths_axis"])
    ax.margins(x=0.15)
    if who is not None:
        for k in rules.MAIN4_ORDER + ["main4_sum"]:
            ax.scatter(who[k] / unit, names.index(L[k]), marker="D", color="black", zorder=5, s=25)
        ax.scatter([], [], marker="D", color="black", label=L["source_who_published"])
        ax.legend(loc="lower right", fontsize=8)


def causes(
    views: dict[str, pd.DataFrame],
    locations: list[dict],
    main4: pd.DataFrame,
    year: int,
    grouping: str,
    lang: str,
) -> Figure:
    """NCD deaths by group, one panel per location with data (``views`` from :func:`tables.cause_views`).

    For the world in 2019 with the main-four grouping, WHO's published figures are marked.
    """
    L = labels(lang)
    shown = {k: v for k, v in views.items() if len(v)}
    if not shown:
        raise ValueError("no GBD 2019 deaths by cause for any chosen location and year")
    shown_name = {loc["name"]: display_name(loc, lang) for loc in locations}
    n_rows = max(len(v) for v in shown.values())
    fig, axes = plt.subplots(1, len(shown), figsize=(5.2 * len(shown), 0.45 * n_rows + 1.8), squeeze=False)
    for ax, (name, v) in zip(axes[0], shown.items(), strict=True):
        with_who = name == "World" and year == 2019 and grouping == "main4"
        who = main4[main4.source == rules.SRC_WHO_PUBLISHED].iloc[0] if with_who else None
        title = L["deaths_title"].format(location=shown_name[name], year=year)
        _cause_panel(ax, v, title, who, grouping, lang)
    fig.text(0.01, -0.04, diabetes_note(year, grouping, lang), fontsize=8, color="#555", wrap=True)
    fig.tight_layout()
    return fig


PANDEMIC_GROUPS = ("ncd", "communicable_excl_covid19", "injuries", "covid19", "pandemic_other")


def pandemic(ghe_deaths: pd.DataFrame, lang: str, years=rules.GHE21_YEARS) -> Figure:
    """World deaths by cause group in ``years`` (``ncd_ghe_deaths``), stacked, with the NCD share of
    all deaths and of deaths other than pandemic ones above each bar: the pandemic's deaths
    enlarge the denominator while NCD deaths keep rising."""
    L = labels(lang)
    d = ghe_deaths[ghe_deaths.year.isin(years)].sort_values("year")
    if d.empty:
        raise ValueError(f"no WHO GHE 2021 deaths for the years {list(years)}")
    unit = unit_scale(lang)
    colors = [theme.PALETTE[0], "#9ecae1", "#bbbbbb", theme.PALETTE[1], theme.PALETTE[3 % len(theme.PALETTE)]]
    fig, ax = plt.subplots(figsize=(8.5, 5.6))
    x = [str(y) for y in d.year]
    bottom = pd.Series(0.0, index=d.index)
    for group, color in zip(PANDEMIC_GROUPS, colors, strict=True):
        ax.bar(x, d[group] / unit, bottom=bottom / unit, color=color, label=L[f"grp_{group}"], width=0.6)
        bottom = bottom + d[group]
    for xi, (_, r) in zip(x, d.iterrows(), strict=True):
        text = L["pandemic_share"].format(all=r.ncd_share_all_pct, other=r.ncd_share_non_pandemic_pct)
        ax.text(xi, r.all_causes / unit * 1.02, text, ha="center", va="bottom", fontsize=8,
                bbox=dict(facecolor="white", edgecolor="none", pad=1.5))  # fmt: skip
    ax.set_ylim(0, float(d.all_causes.max()) / unit * 1.25)
    ax.grid(axis="x", visible=False)
    ax.set_title(L["pandemic_title"])
    ax.set_ylabel(L["pandemic_axis"])
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
    fig.tight_layout()
    return fig
