"""Literature figures: tidy tables + ``lang`` -> a matplotlib figure (the notebook publishes it)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ... import theme
from . import published, rules, text

CAPTION = {"fontsize": 8, "color": "#555"}
MAIN_COUNTRIES = ("CN", "US")


def _axes_labels(ax, title: str, lab: dict, ylabel: str = "papers") -> None:
    ax.set_title(title)
    ax.set_xlabel(lab["year"])
    ax.set_ylabel(lab[ylabel])


def china_us(view: dict, lang: str) -> Figure:
    """Papers per year of the shown countries (left) and China's papers over the US's (right)."""
    lab = text.labels(lang)
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [3, 2]})
    w = rules.wide(view["counts"])
    for i, c in enumerate(view["countries"]):
        main = c in MAIN_COUNTRIES
        axes[0].plot(
            w.index,
            w[c],
            lw=2.4 if main else 1.2,
            alpha=1 if main else 0.7,
            color=theme.PALETTE[i % len(theme.PALETTE)],
            label=text.country_name(c, lang),
        )
    _axes_labels(axes[0], lab["title_country"], lab)
    axes[0].legend(ncol=2, fontsize=8)
    cu = view["china_us"]
    axes[1].plot(cu["year"], cu["ratio"], color=theme.PALETTE[0], lw=2, marker="o")
    axes[1].axhline(1, color="#555", lw=1, ls="--")
    axes[1].text(cu["year"].min(), 1.02, lab["parity"], **CAPTION)
    _axes_labels(axes[1], lab["title_ratio"], lab, "ratio")
    for ax in axes:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    fig.text(0.01, -0.03, text.series_caption(view, lang), **CAPTION)
    fig.tight_layout()
    return fig


def topics(src: str, series: pd.DataFrame, lang: str) -> Figure:
    """World papers per research direction and year (log scale), from one source."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for i, (topic, g) in enumerate(series.groupby("topic", sort=False)):
        ax.plot(
            g["year"],
            g["papers"],
            lw=2,
            color=theme.PALETTE[i % len(theme.PALETTE)],
            label=text.topic_label(topic, lang),
        )
    ax.set_yscale("log")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _axes_labels(ax, lab["title_topics"], lab)
    ax.legend(fontsize=8)
    fig.text(0.01, -0.03, f"{lab['source_note']}: {text.source_label(src, lang)}", **CAPTION)
    fig.tight_layout()
    return fig


def pubmed_context(ctx: pd.DataFrame, lang: str) -> Figure:
    """The mirror's PubMed EV papers per year in three disease contexts, complete years only: a
    year after ``rules.CONTEXT_LAST_FULL_YEAR`` was not over when counted and is left out (the
    caption names it), so no line drops into a partial year."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    last = rules.CONTEXT_LAST_FULL_YEAR
    partial = sorted(int(y) for y in ctx["year"].unique() if y > last)
    for i, (context, g) in enumerate(ctx.groupby("context", sort=True)):
        full = g[g["year"] <= last]
        label = text.context_label(context, lang)
        ax.plot(full["year"], full["papers"], lw=2, marker="o", ms=3, color=theme.PALETTE[i + 1], label=label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _axes_labels(ax, lab["title_context"], lab)
    ax.legend(fontsize=8)
    fig.text(0.01, -0.03, text.context_caption(lang, partial), **CAPTION)
    fig.tight_layout()
    return fig


def records_topics(mt: pd.DataFrame, lang: str) -> Figure:
    """Share of the mirror's PubMed records matching each topic query (``tables.mirror_topics_view``)."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(8, 3.2))
    names = [text.topic_label(t, lang) for t in mt["topic"]]
    ax.barh(names, mt["share"], color=theme.PALETTE[1])
    ax.set_xlabel(lab["share_axis"])
    ax.set_title(lab["mirror_topics_title"], fontsize=10)
    fig.tight_layout()
    return fig


def subfields(lang: str) -> Figure:
    """China's and the US's papers in the same published study, for the sub-fields whose
    studies give both counts (like with like: one study, one field, one database each)."""
    lab = text.labels(lang)
    rows = [s for s in published.subfields() if s.cn is not None and s.us is not None]
    fig, ax = plt.subplots(figsize=(9, 0.9 + 0.9 * len(rows)))
    ys = range(len(rows))
    h = 0.38
    for off, attr, code, color in (
        (-h / 2, "cn", "CN", theme.PALETTE[0]),
        (h / 2, "us", "US", theme.PALETTE[1]),
    ):
        values = [getattr(r, attr) for r in rows]
        ax.barh([y + off for y in ys], values, height=h, color=color, label=text.country_name(code, lang))
        for y, v in zip(ys, values, strict=True):
            ax.text(v, y + off, f" {v}", va="center", fontsize=9)
    ax.set_yticks(list(ys), [text.subfield_label(r, lang) for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel(lab["papers"])
    ax.set_title(lab["title_subfields"], fontsize=11)
    ax.legend(fontsize=8, loc="lower right")
    fig.text(0.01, -0.04, lab["subfields_caption"], **CAPTION)
    fig.tight_layout()
    return fig


def atlas_years(by_year: pd.DataFrame, lang: str) -> Figure:
    """EV articles per year and category in the EV atlas (Fig 1a; every year complete)."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    for i, cat in enumerate(rules.ATLAS_CATEGORIES):
        g = by_year[by_year["category"] == cat].sort_values("year")
        main = cat == rules.ATLAS_GROWTH_SERIES
        ax.plot(g["year"], g["articles"], lw=2.6 if main else 1.4, marker="o", ms=3,
                color=theme.PALETTE[i], label=text.atlas_label("category", cat, lang))  # fmt: skip
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    _axes_labels(ax, lab["title_atlas_years"], lab, "articles")
    ax.legend(fontsize=8)
    fig.text(0.01, -0.03, lab["atlas_caption"], **CAPTION)
    fig.tight_layout()
    return fig


def atlas_focus(cells: pd.DataFrame, loading: pd.DataFrame, lang: str, top: int = 8) -> Figure:
    """Left: therapeutic EV papers by cell source (the ``top`` largest; stem cells marked).
    Right: drug-loading studies per method (the review's curated selection)."""
    lab = text.labels(lang)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.4))
    c = cells.sort_values("therapeutic", ascending=False).head(top)[::-1]
    colors = [
        theme.PALETTE[0] if n == rules.ATLAS_STEM_SOURCE else theme.PALETTE[5] for n in c["cell_source"]
    ]
    left.barh(
        [text.atlas_label("cell_source", n, lang) for n in c["cell_source"]], c["therapeutic"], color=colors
    )
    left.set_xlabel(lab["papers"])
    left.set_title(lab["title_atlas_cells"], fontsize=10)
    m = loading.sort_values(["studies", "method"], ascending=[False, True]).head(top)[::-1]
    right.barh(
        [text.atlas_label("loading", n, lang) for n in m["method"]], m["studies"], color=theme.PALETTE[1]
    )
    right.set_xlabel(lab["studies"])
    right.set_title(lab["title_atlas_loading"], fontsize=10)
    fig.text(0.01, -0.03, lab["atlas_caption"], **CAPTION)
    fig.tight_layout()
    return fig
