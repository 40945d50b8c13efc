"""The notebook's parameters: :class:`Parameters` and :func:`validate_parameters`."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from ... import bibliometrics as bib
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

    terms: tuple[str, ...] = bib.DEFAULT_TERMS  # title/abstract query terms
    source: str = "auto"  # auto, openalex, pubmed, import, wos, scopus, pubmed_medline
    countries: tuple[str, ...] = ("CN", "US")  # always shown; ISO codes or names
    top: int = 5  # plus the next N countries by output in the series
    start_year: int = 2007
    end_year: int = 2024
    counting: str = "whole"  # whole, first or corresponding (author country)
    china_scope: str = "mainland"  # mainland, cn_hk_mo or cn_hk_mo_tw
    lang: str = "zh"  # zh or en


def _check_source(source: str) -> str:
    if source not in SOURCE_CHOICES:
        near = difflib.get_close_matches(str(source), SOURCE_CHOICES, n=1)
        raise BadParameter(
            f"unknown source {source!r}; use one of {', '.join(SOURCE_CHOICES)}",
            hint=f"did you mean {near[0]!r}?" if near else None,
        )
    return source


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


def live_commands(p: Parameters) -> list[str]:
    """The commands that fetch the series these parameters ask for (PubMed only under whole counting)."""
    years = (p.start_year, p.end_year)
    cmds = [openalex.live_command(p.terms, p.countries, *years, p.counting, p.china_scope, p.top)]
    if p.counting == "whole":
        cmds.append(pubmed.live_command(p.terms, p.countries, *years, p.china_scope))
    return cmds
