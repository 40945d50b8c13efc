"""The notebook's parameters: :class:`Parameters` and :func:`validate_parameters`."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from ... import bibliometrics as bib
from ...choices import accepts, choices, pick
from ...errors import BadParameter
from ...sources import openalex, pubmed
from .rules import SOURCE_CHOICES

YEAR_RANGE = (1950, 2100)
TOP_RANGE = (0, 20)


@dataclass(frozen=True)
class Parameters:
    """The ``parameters`` cell of 04_literature_trends, in its order and with its defaults.

    After :func:`validate_parameters`, ``terms`` is a tuple of checked query terms and
    ``countries`` a tuple of ISO alpha-2 codes (``China`` -> ``CN``), without repeats.
    """

    terms: tuple[str, ...] = field(default=bib.DEFAULT_TERMS, metadata=accepts("title/abstract query terms"))
    source: str = field(default="auto", metadata=choices(SOURCE_CHOICES))
    countries: tuple[str, ...] = field(
        default=("CN", "US"), metadata=accepts("countries always shown: ISO codes or names")
    )
    top: int = field(
        default=5, metadata=accepts(f"the next N countries by output, {TOP_RANGE[0]}-{TOP_RANGE[1]}")
    )
    start_year: int = field(default=2007, metadata=accepts(f"a year, {YEAR_RANGE[0]}-{YEAR_RANGE[1]}"))
    end_year: int = field(default=2024, metadata=accepts(f"a year, {YEAR_RANGE[0]}-{YEAR_RANGE[1]}"))
    counting: str = field(default="whole", metadata=choices(bib.COUNTING_RULES))  # author country
    china_scope: str = field(default="mainland", metadata=choices(bib.CHINA_SCOPES))
    lang: str = field(default="zh", metadata=choices(("zh", "en")))


def _check_source(source: str) -> str:
    return pick(source, SOURCE_CHOICES, "source")


def _check_years(start_year, end_year) -> None:
    lo, hi = YEAR_RANGE
    for name, y in (("start_year", start_year), ("end_year", end_year)):
        if not isinstance(y, int) or not lo <= y <= hi:
            raise BadParameter(f"{name} {y!r} is not a year between {lo} and {hi}")
    if start_year > end_year:
        raise BadParameter(f"reversed years: start_year {start_year} is after end_year {end_year}")


def validate_parameters(**values) -> Parameters:
    """Check the notebook's parameters (any may be left out); raise BadParameter naming the bad value."""
    names = [f.name for f in dataclasses.fields(Parameters)]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise BadParameter(
            f"unknown parameter {', '.join(map(repr, unknown))}; parameters: {', '.join(names)}"
        )
    for name, what in (("source", "source"), ("counting", "counting rule"), ("china_scope", "China scope")):
        if name in values:
            values[name] = pick(values[name], choices_of(name), what)
    p = dataclasses.replace(Parameters(), **values)
    terms = bib.check_terms(p.terms)
    _check_source(p.source)
    codes = bib.normalise_country_list(p.countries)
    _check_years(p.start_year, p.end_year)
    bib.check_rule(p.counting)
    bib.check_scope(p.china_scope)
    if p.lang not in ("zh", "en"):
        raise BadParameter(f"unsupported language {p.lang!r}; use zh or en")
    lo, hi = TOP_RANGE
    if not isinstance(p.top, int) or not lo <= p.top <= hi:
        raise BadParameter(f"top {p.top!r} must be an integer from {lo} to {hi}")
    return dataclasses.replace(p, terms=terms, countries=tuple(codes))


def choices_of(name: str) -> tuple:
    return next(f for f in dataclasses.fields(Parameters) if f.name == name).metadata["choices"]


def live_commands(p: Parameters) -> list[str]:
    """The commands that fetch the series these parameters ask for (PubMed only under whole counting)."""
    years = (p.start_year, p.end_year)
    cmds = [openalex.live_command(p.terms, p.countries, *years, p.counting, p.china_scope, p.top)]
    if p.counting == "whole":
        cmds.append(pubmed.live_command(p.terms, p.countries, *years, p.china_scope))
    return cmds
