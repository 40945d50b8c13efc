"""Strip outputs and execution counts from notebooks and give every cell an id.

Usage: python scripts/clean_notebooks.py [NOTEBOOK ...]   (default: notebooks/*.ipynb)
Notebooks are committed clean; executed copies live in build/.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
from nbformat.validator import normalize


def clean(path: Path) -> bool:
    before = path.read_text(encoding="utf-8")
    nb = nbformat.reads(before, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
    nb.metadata.pop("papermill", None)
    _, nb = normalize(nb)
    nb = nbformat.from_dict(nb)
    nbformat.validate(nb)
    after = nbformat.writes(nb) + "\n"
    if after != before:
        path.write_text(after, encoding="utf-8")
        return True
    return False


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parents[1]
    files = [Path(a) for a in argv] or sorted((root / "notebooks").glob("*.ipynb"))
    for f in files:
        if clean(f):
            print(f"cleaned {f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
