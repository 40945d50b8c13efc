"""Helpers the tests import (fixtures live in conftest.py): the offline mirror, small notebooks,
the browser, the text an executed notebook shows, Chinese claim values."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exo_industry.config import paths

ROOT = Path(__file__).resolve().parents[1]
# Tests that read the offline mirror; conftest marks them `shared` at collection (see there).
MIRROR_HELPERS = ("need_shared(", "shared_data(")


def shared_data() -> Path:
    return paths().shared_data


def need_shared(*parts: str) -> Path:
    """Path inside the offline mirror; skip the test (with the reason) when it is absent."""
    p = shared_data().joinpath(*parts)
    if not p.exists():
        pytest.skip(
            f"offline mirror not found at {p} (set EXO_SHARED_DATA or place ../shared beside the repo)"
        )
    return p


def make_notebook(folder: Path, stem: str, code: str, params: str = 'lang = "en"') -> Path:
    """A small notebook (parameters cell + one code cell) for tests of the execution machinery."""
    import nbformat

    from exo_industry.config import KERNEL_NAME

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (exo-industry)",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(code)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.ipynb"
    nbformat.write(nb, str(path))
    return path


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    pytest.skip(
        "no Chromium on this machine (.ci/run installs Debian's chromium; install it to run browser checks)"
    )


def outputs_text(path: Path) -> str:
    """All text an executed notebook shows (stream text and text/* display data)."""
    import json

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for key, value in out.get("data", {}).items():
                if key.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else value)
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


def assert_values_in_chinese(claim) -> None:
    """Where the English paper_value / reproduced_value / unit hold words, the _zh field is Chinese
    text that carries every number of the English one."""
    import re

    for field in ("paper_value", "reproduced_value", "unit"):
        en, zh = getattr(claim, field), getattr(claim, field + "_zh")
        if not re.search(r"[A-Za-z]", en):
            continue
        assert zh.strip() and re.search(r"[\u4e00-\u9fff]", zh), (
            claim.claim_id,
            claim.verdict,
            field,
            en,
            zh,
        )
        missing = set(re.findall(r"\d+(?:\.\d+)?", en)) - set(re.findall(r"\d+(?:\.\d+)?", zh))
        assert not missing, (claim.claim_id, claim.verdict, field, missing, en, zh)
