"""The notebook's parameters: :class:`Parameters` (the ``parameters`` cell's names, order and
defaults) and :func:`validate_parameters`, which checks values before any heavy work."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field

from ...choices import accepts, choices, fold
from ...errors import BadParameter
from ...sources import ctgov
from .rules import DEFAULT_STUDY_TYPES, DEFAULT_TERMS, SEARCH_TERMS

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Parameters:
    search_terms: tuple[str, ...] = field(
        default=DEFAULT_TERMS, metadata=choices(tuple(SEARCH_TERMS), "a list of EV terms, each one of these")
    )
    study_types: tuple[str, ...] = field(
        default=DEFAULT_STUDY_TYPES,
        metadata=choices(ctgov.STUDY_TYPES, "a list, each one of these (any case)"),
    )
    start_from: int | None = field(
        default=None, metadata=accepts("first start year kept, 1990-2100, or null")
    )
    start_to: int | None = field(default=None, metadata=accepts("last start year kept, 1990-2100, or null"))
    include_diagnostic: bool = field(  # count diagnostic EV studies beside therapeutic ones
        default=True, metadata=choices((True, False), "true or false")
    )
    lang: str = field(default="zh", metadata=choices(LANGS))


def _unknown(what: str, value, known, near) -> BadParameter:
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return BadParameter(f"unknown {what} {value!r}{hint} (known: {', '.join(known)})")


def _check_terms(search_terms, study_types) -> None:
    if isinstance(search_terms, str) or not search_terms:
        raise BadParameter(f"search_terms must be a non-empty list of terms, not {search_terms!r}")
    for t in search_terms:
        if str(t).lower() not in SEARCH_TERMS:
            near = difflib.get_close_matches(str(t).lower(), SEARCH_TERMS, n=3)
            raise _unknown("search term", t, SEARCH_TERMS, near)
    if isinstance(study_types, str) or not study_types:
        raise BadParameter(f"study_types must be a non-empty list, not {study_types!r}")
    for t in study_types:
        if t not in ctgov.STUDY_TYPES:
            near = difflib.get_close_matches(str(t).upper(), ctgov.STUDY_TYPES, n=2)
            raise _unknown("study type", t, ctgov.STUDY_TYPES, near)


def _check_years(start_from, start_to) -> None:
    for y, label in ((start_from, "start_from"), (start_to, "start_to")):
        if y is not None and not (isinstance(y, int) and not isinstance(y, bool) and 1990 <= y <= 2100):
            raise BadParameter(f"{label} must be a year between 1990 and 2100, not {y!r}")
    if start_from is not None and start_to is not None and start_from > start_to:
        raise BadParameter(f"reversed years: start_from {start_from} is after start_to {start_to}")


def validate_parameters(**values) -> Parameters:
    """The notebook's parameters, checked (BadParameter names the bad value) and normalised.

    Every parameter is optional (defaults from :class:`Parameters`); lists become tuples.
    """
    known = [f.name for f in dataclasses.fields(Parameters)]
    unknown = [k for k in values if k not in known]
    if unknown:
        raise BadParameter(
            f"unknown parameter(s) {', '.join(unknown)}; the trials notebook takes {', '.join(known)}"
        )
    st = values.get("study_types")
    if isinstance(st, list | tuple):
        values["study_types"] = tuple(fold(t, ctgov.STUDY_TYPES) for t in st)
    p = Parameters(**values)
    _check_terms(p.search_terms, p.study_types)
    _check_years(p.start_from, p.start_to)
    if not isinstance(p.include_diagnostic, bool):
        raise BadParameter(f"include_diagnostic must be True or False, not {p.include_diagnostic!r}")
    if p.lang not in LANGS:
        raise BadParameter(f"unsupported lang {p.lang!r}; use 'zh' or 'en'")
    return dataclasses.replace(p, search_terms=tuple(p.search_terms), study_types=tuple(p.study_types))


def live_command(p: Parameters) -> str:
    """The command that fetches the records these parameters select, from the live API."""
    return ctgov.live_command(
        list(p.search_terms),
        list(p.study_types),
        f"{p.start_from}-01-01" if p.start_from else None,
        f"{p.start_to}-12-31" if p.start_to else None,
    )
