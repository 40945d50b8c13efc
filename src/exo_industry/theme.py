"""One look for every figure, in Chinese or English.

Chinese text is set in Noto Sans CJK SC (Simplified Chinese glyph forms). The font file
comes from the ``mplfonts`` package on PyPI, which ships the single-face
``NotoSansCJKsc-Regular.otf``; we register that file directly. (A Noto CJK ``.ttc``
collection from a system package would expose only its first face, Japanese, to
matplotlib, whose glyph forms differ for many characters.)

Each figure is drawn once, as SVG (vector: sharp on a phone, a high-density screen and in
print), with fixed metadata and a fixed hash salt, so the same data gives the same bytes. Its
layout comes from the ``tight_layout`` every plot function calls; saving with a tight bounding
box as well would draw the figure a second time for nothing.
"""

from __future__ import annotations

import base64
import html
import io
import os
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager
from matplotlib.layout_engine import PlaceHolderLayoutEngine

from .config import RUN_TAG_VAR, paths
from .errors import BadParameter
from .fonts import font_path
from .i18n import LANGS, check_lang  # noqa: F401 - check_lang is part of theme's interface
from .store import atomic_write_bytes

CJK_FAMILY = "Noto Sans CJK SC"
PALETTE = ["#c0392b", "#2c7fb8", "#7b3294", "#1b9e77", "#e6ab02", "#666666", "#a6761d", "#e7298a"]
DPI = 110
_registered: Path | None = None


def register_font() -> Path:
    global _registered
    if _registered is None:
        path = font_path()
        font_manager.fontManager.addfont(str(path))
        _registered = path
    return _registered


def use(lang: str = "zh") -> None:
    """Apply the compendium's style (call once at the top of a notebook)."""
    check_lang(lang)
    register_font()
    sns.set_theme(style="whitegrid", context="notebook", palette=PALETTE)
    plt.rcParams.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [CJK_FAMILY, "DejaVu Sans"],
            "axes.unicode_minus": False,  # the CJK font's minus sign is fine; avoid U+2212 lookups
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (8, 4.5),
            "axes.titleweight": "normal",
            "axes.titlesize": "large",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "svg.fonttype": "path",
            "svg.hashsalt": "exo_industry",
            "legend.frameon": False,
            # Titles sit on the axes' top edge (plus the title pad). Left to itself, matplotlib
            # searches each axes for anything drawn above it (top ticks, the y axis's offset
            # text) before placing a title, and does so at every layout and save: about 9% of
            # a build's cell time. Our charts never draw above an axes, and the two settings
            # after this one make sure no offset or "1e7" scale text appears there, so every
            # committed figure comes out byte for byte as before.
            "axes.titley": 1.0,
            "axes.formatter.useoffset": False,  # tick labels show whole values, no "+2.015e3"
            "axes.formatter.limits": (-99, 99),  # ... and no scientific "1e7" above the axis
        }
    )


def labels(table: dict, lang: str) -> dict:
    """The label dict for ``lang`` from ``{"zh": {...}, "en": {...}}``; keys must agree."""
    check_lang(lang)
    missing = set(table["zh"]) ^ set(table["en"])
    if missing:
        raise KeyError(f"labels differ between languages: {sorted(missing)}")
    return table[lang]


FORMATS = ("svg",)  # what publish writes; PNG stays available to figure_bytes/save_figure callers
_METADATA = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}


def figure_bytes(fig, fmt: str = "svg") -> bytes:
    """The figure in ``fmt`` ("svg" or "png"), without dates or software versions in it."""
    if fmt not in _METADATA:
        raise BadParameter(f"unsupported figure format {fmt!r}; use one of {', '.join(_METADATA)}")
    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        # fig.tight_layout() leaves this placeholder behind; savefig would lay the figure out
        # again (a whole extra draw) for an engine that does nothing. The layout is kept.
        fig.set_layout_engine(None)
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, metadata=_METADATA[fmt], bbox_inches=_content_box(fig))
    return buf.getvalue()


def _content_box(fig):
    """Everything drawn, source notes below the axes included, plus the usual margin.

    Measured with the canvas's own renderer, whose text sizes tight_layout has just cached;
    ``bbox_inches="tight"`` would instead lay out the whole figure again in the output format."""
    get_renderer = getattr(fig.canvas, "get_renderer", None)
    if get_renderer is None:  # a canvas without a raster renderer: let savefig measure
        return "tight"
    return fig.get_tightbbox(get_renderer()).padded(plt.rcParams["savefig.pad_inches"])


def tagged_name(name: str, tag: str | None = None) -> str:
    """``name`` with the run's parameter key before the language: ``x.zh`` -> ``x.p1a2b3c4d.zh``.

    Default runs have no key and keep their names; ``tag`` defaults to the running
    notebook's key (the ``EXO_RUN_TAG`` variable that :mod:`exo_industry.execute` sets)."""
    tag = os.environ.get(RUN_TAG_VAR, "") if tag is None else tag
    if not tag:
        return name
    base, dot, last = name.rpartition(".")
    return f"{base}.{tag}.{last}" if dot and last in LANGS else f"{name}.{tag}"


def save_figure(fig, name: str, formats=FORMATS, folder: Path | None = None) -> dict[str, Path]:
    """Write ``figures/<name>.svg`` (or the ``formats`` asked for; atomically, reproducibly); a run with
    non-default parameters writes into its own folder under ``build/`` with the key in the name."""
    folder = Path(folder) if folder else paths().figures
    folder.mkdir(parents=True, exist_ok=True)
    name = tagged_name(name)
    out = {}
    for fmt in formats:
        path = folder / f"{name}.{fmt}"
        atomic_write_bytes(path, figure_bytes(fig, fmt))
        out[fmt] = path
    return out


def alt_text(fig) -> str:
    """A description for screen readers: the figure's titles and axis labels."""
    parts = []
    if fig._suptitle is not None and fig._suptitle.get_text():
        parts.append(fig._suptitle.get_text())
    for ax in fig.axes:
        axes = " / ".join(
            b for b in (ax.get_ylabel(), ax.get_xlabel()) if b
        )  # the labels, already in the figure's language
        parts.append(f"{ax.get_title()} ({axes})" if ax.get_title() and axes else ax.get_title() or axes)
    return "; ".join(p for p in parts if p) or "figure"


def chart_data(fig):
    """The plotted values of ``fig`` as a tidy frame (panel, series, x, y): lines and bars."""
    import pandas as pd
    from matplotlib.container import BarContainer

    rows = []
    for i, ax in enumerate(fig.axes):
        panel = ax.get_title() or ax.get_ylabel() or f"panel {i + 1}"
        for line in ax.get_lines():
            label = line.get_label()
            if label.startswith("_"):
                continue
            rows += [(panel, label, x, y) for x, y in zip(line.get_xdata(), line.get_ydata(), strict=False)]
        for c in ax.containers:
            if isinstance(c, BarContainer):
                label = c.get_label() if not c.get_label().startswith("_") else ax.get_ylabel()
                for r in c.patches:
                    x = r.get_x() + r.get_width() / 2
                    rows.append((panel, label, x, r.get_height()))
    return pd.DataFrame(rows, columns=["panel", "series", "x", "y"])


CSV_LINK = {"zh": "下载图表数据（CSV）", "en": "Download the chart's data (CSV)"}
SCHEMA_LINK = {"zh": "列说明（表结构 JSON）", "en": "column descriptions (Table Schema, JSON)"}
CHART_FIELDS = {
    "zh": {"panel": "图表分图（其标题）", "series": "数据系列（图例名称）", "x": "横轴：{}", "y": "纵轴：{}"},
    "en": {
        "panel": "chart panel (its title)",
        "series": "series (its legend label)",
        "x": "x axis: {}",
        "y": "y axis: {}",
    },
}


def chart_fields(fig, data, lang: str = "en") -> list[dict]:
    """Column descriptions for a chart's CSV, as Frictionless Table Schema fields (the form of
    ``data/processed/datapackage.json``): the read-back columns take the chart's own axis labels."""
    words = CHART_FIELDS.get(lang, CHART_FIELDS["en"])
    xlab = " / ".join(dict.fromkeys(a.get_xlabel() for a in fig.axes if a.get_xlabel())) or "-"
    ylab = " / ".join(dict.fromkeys(a.get_ylabel() for a in fig.axes if a.get_ylabel())) or "-"
    known = {
        "panel": words["panel"],
        "series": words["series"],
        "x": words["x"].format(xlab),
        "y": words["y"].format(ylab),
    }
    fields = []
    for col in data.columns:
        kind = "number" if str(data[col].dtype).startswith(("int", "float")) else "string"
        fields.append({"name": str(col), "type": kind, "description": known.get(str(col), str(col))})
    return fields


def _data_uri(kind: str, text: str) -> str:
    return f"data:{kind};charset=utf-8;base64," + base64.b64encode(text.encode("utf-8")).decode()


def csv_link_html(data, name: str, lang: str = "en", fields: list[dict] | None = None) -> str:
    """A download link holding ``data`` as CSV in a data: URI (no request to any host), and beside
    it the columns' descriptions as a Table Schema when ``fields`` are given."""
    import json

    csv_uri = _data_uri("text/csv", "\ufeff" + data.to_csv(index=False))
    label = CSV_LINK.get(lang, CSV_LINK["en"])
    link = f'<a download="{html.escape(name)}.csv" href="{csv_uri}">{html.escape(label)}</a>'
    if fields:
        schema = json.dumps({"fields": fields}, ensure_ascii=False, indent=1)
        uri = _data_uri("application/json", schema)
        text = html.escape(SCHEMA_LINK.get(lang, SCHEMA_LINK["en"]))
        link += f' · <a download="{html.escape(name)}.schema.json" href="{uri}">{text}</a>'
    return f'<p class="exo-csv">{link}</p>'


def chart_html(svg: bytes, alt: str) -> str:
    """The chart as an ``<img>`` holding the SVG in a data: URI, with its alt text.

    An HTML output rather than an ``image/svg+xml`` one: JupyterLab renders SVG outputs only in
    trusted notebooks, and the copies papermill executes are not trusted, whereas an ``<img>``
    with a data: URI passes its HTML sanitizer (and nbconvert, VS Code and GitHub) unchanged."""
    uri = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    return f'<img class="exo-chart" src="{uri}" alt="{html.escape(alt, quote=True)}">'


def publish(fig, name: str, alt: str | None = None, data=None) -> None:
    """Save the figure as SVG, show exactly the saved file with alt text and a CSV of its data
    (``data``, a tidy frame, or else the values read back from the axes), then close it.

    Returns None, so a ``publish`` on a cell's last line shows nothing but the figure."""
    out = save_figure(fig, name)
    if data is None:
        data = chart_data(fig)
    lang = name.rpartition(".")[2] if name.rpartition(".")[2] in LANGS else "en"
    try:
        from IPython.display import HTML, display

        display(HTML(chart_html(out["svg"].read_bytes(), alt or alt_text(fig))))
        if len(data):
            display(HTML(csv_link_html(data, out["svg"].stem, lang, chart_fields(fig, data, lang))))
    except ImportError:  # outside IPython: the files are enough
        pass
    plt.close(fig)
