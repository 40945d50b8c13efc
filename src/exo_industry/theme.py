"""One look for every figure, in Chinese or English.

Chinese text is set in Noto Sans CJK SC (Simplified Chinese glyph forms). The font file
comes from the ``mplfonts`` package on PyPI, which ships the single-face
``NotoSansCJKsc-Regular.otf``; we register that file directly. (A Noto CJK ``.ttc``
collection from a system package would expose only its first face, Japanese, to
matplotlib, whose glyph forms differ for many characters.)

Figures are written as PNG and SVG with fixed metadata and a fixed SVG hash salt, so
the same data gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib.pyplot as plt
import seaborn as sns
from matplotlib import font_manager

from .config import paths
from .errors import BadParameter
from .store import atomic_write_bytes

LANGS = ("zh", "en")
CJK_FAMILY = "Noto Sans CJK SC"
PALETTE = ["#c0392b", "#2c7fb8", "#7b3294", "#1b9e77", "#e6ab02", "#666666", "#a6761d", "#e7298a"]
DPI = 110
_registered: Path | None = None


def font_path() -> Path:
    import mplfonts

    path = Path(mplfonts.__file__).parent / "fonts" / "NotoSansCJKsc-Regular.otf"
    if not path.is_file():
        raise FileNotFoundError(f"Noto Sans CJK SC not found at {path}; reinstall the 'mplfonts' package")
    return path


def register_font() -> Path:
    global _registered
    if _registered is None:
        path = font_path()
        font_manager.fontManager.addfont(str(path))
        _registered = path
    return _registered


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise BadParameter(f"unsupported language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


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
        }
    )


def labels(table: dict, lang: str) -> dict:
    """The label dict for ``lang`` from ``{"zh": {...}, "en": {...}}``; keys must agree."""
    check_lang(lang)
    missing = set(table["zh"]) ^ set(table["en"])
    if missing:
        raise KeyError(f"labels differ between languages: {sorted(missing)}")
    return table[lang]


def figure_bytes(fig, fmt: str) -> bytes:
    buf = io.BytesIO()
    meta = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None}}[fmt]
    fig.savefig(buf, format=fmt, metadata=meta, bbox_inches="tight")
    return buf.getvalue()


def save_figure(fig, name: str, formats=("png", "svg"), folder: Path | None = None) -> dict[str, Path]:
    """Write ``figures/<name>.png`` and ``.svg`` (atomically, reproducibly)."""
    folder = Path(folder) if folder else paths().figures
    folder.mkdir(parents=True, exist_ok=True)
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


def publish(fig, name: str, alt: str | None = None) -> dict[str, Path]:
    """Save the figure (PNG and SVG) and show exactly the saved PNG, with alt text, then close it."""
    out = save_figure(fig, name)
    try:
        from IPython.display import Image, display

        display(
            Image(data=out["png"].read_bytes(), format="png"),
            metadata={"image/png": {"alt": alt or alt_text(fig)}},
        )
    except ImportError:  # outside IPython: the files are enough
        pass
    plt.close(fig)
    return out
