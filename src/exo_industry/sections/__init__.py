"""Section transforms: raw store -> tidy tables + claims, one module per paper section.

Every section module defines:

- ``NAME`` (short id, e.g. ``"aging"``), ``NOTEBOOK`` (e.g. ``"01_aging_demographics"``),
  ``TITLE = {"zh": ..., "en": ...}`` and ``SOURCES`` (source module names it reads);
- ``process(store) -> Result``: load what the raw store holds, derive tables, check
  claims. Raises :class:`MissingData` when a required input is absent; the pipeline
  then keeps the committed outputs.

The pipeline (``pipeline.py``) writes the tables, the claims rows and the manifest.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from types import ModuleType

import pandas as pd

from ..claims import Claim
from ..errors import BadParameter
from ..store import Entry


@dataclass
class Table:
    frame: pd.DataFrame
    sort_by: list[str]
    decimals: int = 3
    description: str = ""


@dataclass
class Result:
    tables: dict[str, Table]
    claims: list[Claim]
    inputs: list[Entry]
    notes: list[str] = field(default_factory=list)


def names() -> list[str]:
    return sorted(i.name for i in pkgutil.iter_modules(__path__) if not i.name.startswith("_"))


def get(name: str) -> ModuleType:
    if name not in names():
        raise BadParameter(f"unknown section {name!r}; known sections: {', '.join(names())}")
    return importlib.import_module(f"{__name__}.{name}")


def all_sections() -> list[ModuleType]:
    return sorted((get(n) for n in names()), key=lambda m: m.NOTEBOOK)


def by_notebook(stem: str) -> ModuleType | None:
    for m in all_sections():
        if m.NOTEBOOK == stem:
            return m
    return None
