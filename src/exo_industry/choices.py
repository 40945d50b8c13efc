"""Choice parameters: one declaration of what a parameter accepts, used to check it and to list it.

A notebook's ``Parameters`` dataclass declares, in each field's metadata, either
``choices`` (the accepted values; matched without regard to case) or ``accepts`` (what the
value may be, in words). :func:`pick` checks a value against the same ``choices`` and
returns the canonical spelling; :func:`describe` is what ``exo-industry list`` prints.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Sequence
from typing import Any

from .errors import BadParameter


def choices(options: Sequence, accepts: str | None = None) -> dict:
    """Field metadata: ``field(default=..., metadata=choices(VARIANTS))``."""
    return {"choices": tuple(options), **({"accepts": accepts} if accepts else {})}


def accepts(words: str) -> dict:
    """Field metadata for a parameter that is not a fixed choice."""
    return {"accepts": words}


def fold(value: Any, options: Sequence) -> Any:
    """``value`` as spelled in ``options`` when it matches one without regard to case; else unchanged."""
    if isinstance(value, str):
        return {str(o).casefold(): o for o in options}.get(value.strip().casefold(), value)
    return value


def pick(value: Any, options: Sequence, what: str) -> Any:
    """``value`` as spelled in ``options``, matched without regard to case or surrounding blanks."""
    if value in options:
        return value
    if isinstance(value, str):
        folded = {str(o).casefold(): o for o in options}
        hit = folded.get(value.strip().casefold())
        if hit is not None:
            return hit
    near = difflib.get_close_matches(str(value).casefold(), [str(o).casefold() for o in options], n=2)
    by_fold = {str(o).casefold(): str(o) for o in options}
    raise BadParameter(
        f"unknown {what} {value!r}; use one of {', '.join(map(str, options))}",
        hint=f"did you mean {' or '.join(repr(by_fold[n]) for n in near)}?" if near else None,
    )


def field_choices(cls: type, name: str) -> tuple:
    """The ``choices`` declared for field ``name`` of the dataclass ``cls``."""
    return next(f for f in dataclasses.fields(cls) if f.name == name).metadata["choices"]


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not dataclasses.MISSING else None


def parameters(cls: type) -> list[dict]:
    """Each init field of a Parameters dataclass: name, default, accepted values or words."""
    out = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        d = _default(f)
        row = {"name": f.name, "default": list(d) if isinstance(d, tuple) else d}
        if "choices" in f.metadata:
            row["choices"] = list(f.metadata["choices"])
        row["accepts"] = f.metadata.get("accepts") or (
            "one of " + ", ".join(map(str, f.metadata["choices"])) if "choices" in f.metadata else ""
        )
        out.append(row)
    return out


def notebooks() -> list[dict]:
    """What ``exo-industry list`` shows: each notebook, its paper sections, parameters and claims."""
    from .claims import read_ledger
    from .config import paths
    from .sections import all_sections

    ledger = read_ledger(paths().claims)
    out = []
    for sec in all_sections():
        rows = ledger[ledger["claim_id"].isin(sec.CLAIM_IDS)]
        out.append(
            {
                "notebook": sec.NOTEBOOK,
                "section": sec.NAME,
                "paper_sections": sorted(set(rows["section"]), key=lambda s: [int(x) for x in s.split(".")]),
                "title": dict(sec.TITLE),
                "parameters": parameters(sec.Parameters),
                "claims": list(sec.CLAIM_IDS),
            }
        )
    return out
