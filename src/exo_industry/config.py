"""Where things live. Every path the package uses is derived here, once.

Paths can be moved with environment variables so that tests (and users with an
unusual layout) never have to touch the working tree:

- ``EXO_ROOT``: the project folder (default: found from this file, or the cwd)
- ``EXO_RAW``: the raw-data store (default ``<root>/data/raw``)
- ``EXO_PROCESSED``: derived tables (default ``<root>/data/processed``)
- ``EXO_FIGURES``: figures (default ``<root>/figures``)
- ``EXO_BUILD``: executed notebooks and briefings (default ``<root>/build``)
- ``EXO_SHARED_DATA``: the offline mirror (default ``<root>/../shared/data``)
- ``EXO_CACHE``: HTTP cache for the live clients (default ``<root>/.cache/http``)
- ``EXO_NOTEBOOKS``: the notebooks to execute (default ``<root>/notebooks``)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

KERNEL_NAME = "exo-industry"  # papermill is always told this name; execute.py registers it
RUN_TAG_VAR = "EXO_RUN_TAG"  # set by exo_industry.execute for a run with non-default parameters
DEFAULT_CELL_TIMEOUT = 600  # seconds a notebook cell may run (`run`/`build --cell-timeout`)


def _find_root() -> Path:
    env = os.environ.get("EXO_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").is_file() and (parent / "notebooks").is_dir():
            return parent
    return Path.cwd().resolve()


@dataclass(frozen=True)
class Paths:
    root: Path
    raw: Path
    processed: Path
    figures: Path
    build: Path
    notebooks: Path
    shared_data: Path
    cache: Path

    @property
    def claims(self) -> Path:
        return self.processed / "claims.csv"

    @property
    def manifest(self) -> Path:
        return self.processed / "manifest.json"


def paths() -> Paths:
    """Current paths (read from the environment on every call, so tests can repoint them)."""
    root = _find_root()

    def pick(var: str, default: Path) -> Path:
        value = os.environ.get(var)
        return Path(value).resolve() if value else default

    return Paths(
        root=root,
        raw=pick("EXO_RAW", root / "data" / "raw"),
        processed=pick("EXO_PROCESSED", root / "data" / "processed"),
        figures=pick("EXO_FIGURES", root / "figures"),
        build=pick("EXO_BUILD", root / "build"),
        notebooks=pick("EXO_NOTEBOOKS", root / "notebooks"),
        shared_data=pick("EXO_SHARED_DATA", (root.parent / "shared" / "data")),
        cache=pick("EXO_CACHE", root / ".cache" / "http"),
    )


def secret(name: str) -> str | None:
    """A credential from the environment (never from files in the repository)."""
    value = os.environ.get(name, "").strip()
    return value or None


# Environment variables that hold secrets; their values are redacted from logs,
# executed notebooks and HTML (see redact.py).
SECRET_VARS = (
    "LENS_API_TOKEN",
    "EPO_OPS_KEY",
    "EPO_OPS_SECRET",
    "NCBI_API_KEY",
    "UN_DATAPORTAL_TOKEN",
    "OPENALEX_API_KEY",
    "WHO_GHO_TOKEN",
)
