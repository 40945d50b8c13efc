"""Where the Chinese font is: Noto Sans CJK SC, shipped by the ``mplfonts`` package (PyPI).

Kept apart from :mod:`exo_industry.theme` so that exporting a page, which embeds a subset of
this font, does not import matplotlib; ``mplfonts`` itself imports matplotlib when imported,
so its folder is looked up without importing it.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

FONT_FILE = "NotoSansCJKsc-Regular.otf"  # the single Simplified Chinese face, not a .ttc


def font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        path = Path(folder) / "fonts" / FONT_FILE
        if path.is_file():
            return path
    where = folders[0] if folders else "(mplfonts is not installed)"
    raise FileNotFoundError(f"Noto Sans CJK SC not found in {where}; reinstall the 'mplfonts' package")
