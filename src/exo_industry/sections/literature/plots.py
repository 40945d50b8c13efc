"""Literature figures: tidy tables + ``lang`` -> a matplotlib figure (the notebook publishes it)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ... import theme
from . import rules, text

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
    """The mirror's PubMed EV papers per year in three disease contexts; the partial last year dotted."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    last = rules.CONTEXT_LAST_FULL_YEAR
    for i, (context, g) in enumerate(ctx.groupby("context", sort=True)):
        full = g[g["year"] <= last]
        color = theme.PALETTE[i + 1]
        label = text.context_label(context, lang)
        ax.plot(full["year"], full["papers"], lw=2, marker="o", ms=3, color=color, label=label)
        part = g[g["year"] >= last]
        ax.plot(part["year"], part["papers"], lw=1.5, ls=":", color=color)
    _axes_labels(ax, lab["title_context"], lab)
    ax.legend(fontsize=8)
    fig.text(0.01, -0.03, text.context_caption(lang), **CAPTION)
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


def published(shares: pd.DataFrame, lang: str) -> Figure:
    """The leading country's share of papers in two published bibliometric studies."""
    lab = text.labels(lang)
    fig, ax = plt.subplots(figsize=(9, 2.6))
    values = shares["value"][::-1]
    ax.barh([lab[k] for k in shares["key"]][::-1], values, color=[theme.PALETTE[0], theme.PALETTE[1]])
    for y, v in enumerate(values):
        ax.text(v + 1, y, f"{v:g}%", va="center", fontsize=9)
    ax.set_xlim(0, 100)
    ax.set_xlabel(lab["share_papers"])
    ax.set_title(lab["title_published"], fontsize=11)
    fig.text(0.01, -0.06, lab["pub_source"], **CAPTION)
    fig.tight_layout()
    return fig
