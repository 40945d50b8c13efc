"""Section transforms: raw store -> tidy tables + claims, one package per paper section.

The section contract
====================
Each section is a package ``exo_industry.sections.<name>`` whose modules are split by
concern, with the same file names in every section:

- ``rules.py``   pure classification and constants (no I/O, no prose);
- ``tables.py``  raw store -> tidy tables (``process(store) -> Result``);
- ``claims.py``  decide: one pure function per claim, tables -> :class:`~exo_industry.claims.Evidence`;
- ``text.py``    render: evidence -> words, from ``text/<lang>.yaml`` (loaded by :mod:`exo_industry.i18n`);
- ``plots.py``   figures: tidy data + ``lang`` -> a matplotlib figure;
- ``params.py``  the notebook's parameters: a dataclass and ``validate_parameters``;
- ``schema.py``  ``SCHEMA``: the data dictionary of every table ``tables.py`` writes.

The package's ``__init__`` exports the names in :data:`REQUIRED`; :func:`get` checks them
when a section is discovered and names whatever is missing, so a new section that does
not follow the contract fails at once, not in the middle of a build.
"""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from .._lazy import pd
from ..claims import Claim
from ..errors import BadParameter
from ..store import Entry


def lazy_plots(package: str) -> Callable[[str], ModuleType]:
    """A module ``__getattr__`` (PEP 562) for a section package: ``<section>.plots`` is imported
    on first use, so planning a build or validating parameters never loads matplotlib."""

    def __getattr__(name: str) -> ModuleType:
        if name == "plots":
            return importlib.import_module(f"{package}.plots")
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


LANGS = ("zh", "en")


@dataclass
class Table:
    """A table a section writes. What its columns mean, their types, units and allowed values
    are declared once in the section's ``schema.py`` (see :mod:`exo_industry.schema`), which
    ``process`` checks the frame against and writes to ``datapackage.json``."""

    frame: pd.DataFrame
    sort_by: list[str]
    decimals: int = 3
    description: str = ""  # unused: the description is the schema's; kept for older declarations


@dataclass
class Result:
    tables: dict[str, Table]
    claims: list[Claim]
    inputs: list[Entry]
    notes: list[str] = field(default_factory=list)


@runtime_checkable
class Section(Protocol):
    """What every section package exports (checked by :func:`check_contract`)."""

    NAME: str  # short id, the package name, e.g. "trials"
    NOTEBOOK: str  # the notebook's stem, e.g. "03_clinical_trials"
    TITLE: Mapping[str, str]  # {"zh": ..., "en": ...}
    SOURCES: tuple[str, ...]  # source modules it reads (exo_industry.sources.<name>)
    CLAIM_PREFIX: str  # the prefix of the claim ids it owns, as in shared/paper/CLAIMS.md
    CLAIM_IDS: tuple[str, ...]  # the claims it decides, in the paper's order
    KEY_FIGURE: str | None  # the figure stem shown on the overview card (None: no figure)
    DATA_NOTE: Mapping[str, str]  # what the offline data cover, per language
    Parameters: type  # a dataclass: the notebook's parameters with their defaults

    def process(self, store) -> Result: ...

    def validate_parameters(self, **values: Any) -> Any: ...


# name -> (what it must be, a test of the value)
REQUIRED: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "NAME": ("a str", lambda v: isinstance(v, str) and bool(v)),
    "NOTEBOOK": ("a str", lambda v: isinstance(v, str) and bool(v)),
    "TITLE": ("a mapping with zh and en", lambda v: isinstance(v, Mapping) and set(LANGS) <= set(v)),
    "SOURCES": (
        "a tuple of source names",
        lambda v: isinstance(v, tuple) and all(isinstance(s, str) for s in v),
    ),
    "CLAIM_PREFIX": ("a str", lambda v: isinstance(v, str) and bool(v) and "." not in v),
    "CLAIM_IDS": (
        "a tuple of claim ids",
        lambda v: isinstance(v, tuple) and all(isinstance(s, str) for s in v),
    ),
    "KEY_FIGURE": ("a figure stem or None", lambda v: v is None or isinstance(v, str)),
    "DATA_NOTE": ("a mapping with zh and en", lambda v: isinstance(v, Mapping) and set(LANGS) <= set(v)),
    "Parameters": ("a dataclass type", lambda v: isinstance(v, type) and dataclasses.is_dataclass(v)),
    "process": ("a function process(store)", callable),
    "validate_parameters": ("a function validate_parameters(**values)", callable),
}


class ContractError(TypeError):
    """A section package does not follow the section contract."""


def check_contract(module: ModuleType) -> None:
    """Raise :class:`ContractError` naming every missing or malformed piece of ``module``."""
    name = module.__name__.rsplit(".", 1)[-1]
    problems = []
    for attr, (what, ok) in REQUIRED.items():
        if not hasattr(module, attr):
            problems.append(f"{attr} is missing (it must be {what})")
        elif not ok(getattr(module, attr)):
            problems.append(f"{attr} must be {what}, got {getattr(module, attr)!r:.80}")
    if not problems:
        if module.NAME != name:
            problems.append(f"NAME is {module.NAME!r} but the package is {name!r}")
        bad = [c for c in module.CLAIM_IDS if not c.startswith(module.CLAIM_PREFIX + ".")]
        if bad:
            problems.append(f"claim ids {bad} do not start with CLAIM_PREFIX {module.CLAIM_PREFIX!r}")
        if not module.Parameters.__dataclass_params__.frozen:
            problems.append("Parameters must be a frozen dataclass")
    if problems:
        raise ContractError(f"section {name!r} breaks the section contract: " + "; ".join(problems))


def names() -> list[str]:
    return sorted(i.name for i in pkgutil.iter_modules(__path__) if i.ispkg and not i.name.startswith("_"))


@cache
def _load(name: str) -> ModuleType:
    module = importlib.import_module(f"{__name__}.{name}")
    check_contract(module)
    return module


def get(name: str) -> ModuleType:
    if name not in names():
        raise BadParameter(f"unknown section {name!r}; known sections: {', '.join(names())}")
    return _load(name)


def all_sections() -> list[ModuleType]:
    sections = sorted((get(n) for n in names()), key=lambda m: m.NOTEBOOK)
    owners: dict[str, str] = {}
    for s in sections:
        if s.CLAIM_PREFIX in owners:
            raise ContractError(
                f"claim prefix {s.CLAIM_PREFIX!r} is owned by both {owners[s.CLAIM_PREFIX]!r} and {s.NAME!r}"
            )
        owners[s.CLAIM_PREFIX] = s.NAME
    return sections


def by_notebook(stem: str) -> ModuleType | None:
    for m in all_sections():
        if m.NOTEBOOK == stem:
            return m
    return None


def owner_of(claim_id: str) -> ModuleType:
    """The section that decides ``claim_id`` (by its declared ids)."""
    for m in all_sections():
        if claim_id in m.CLAIM_IDS:
            return m
    raise BadParameter(f"unknown claim id {claim_id!r}; known: {', '.join(claim_order())}")


def claim_order() -> list[str]:
    """Every claim id the sections decide, in notebook order, then each section's own order."""
    return [c for m in all_sections() for c in m.CLAIM_IDS]
