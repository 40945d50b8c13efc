"""Section 2.2.2: the notebook's parameters and their checks (also used by the counting functions)."""

from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pycountry

from ...choices import accepts, choices, pick
from ...errors import BadParameter
from ...i18n import LANGS
from .rules import (
    ALIASES,
    COUNTRY_BASES,
    DEFAULT_COUNTRIES,
    DEFAULT_QUERY,
    DEFAULT_YEARS,
    IMPORT_SUFFIXES,
    REGIONAL,
    SOURCE_CHOICES,
    UNITS,
    YEAR_BASES,
    YEARS_ALLOWED,
)


@dataclass(frozen=True)
class Parameters:
    """The ``parameters`` cell of ``05_patent_trends``, checked and normalised by
    :func:`validate_parameters`: ``source`` stripped, ``countries`` upper-case codes,
    ``years`` a ``(start, end)`` pair of ints."""

    query: str = field(default=DEFAULT_QUERY, metadata=accepts("search words, joined by OR"))
    source: str = field(
        default="lens",
        metadata=choices(SOURCE_CHOICES, "lens, epo, or the path of an imported Lens/EPO export"),
    )
    countries: tuple[str, ...] = field(
        default=DEFAULT_COUNTRIES, metadata=accepts("ISO 3166 alpha-2 codes or country names (EP, WO too)")
    )
    years: tuple[int, int] = field(
        default=DEFAULT_YEARS, metadata=accepts(f"[first, last] year, {YEARS_ALLOWED[0]}-{YEARS_ALLOWED[1]}")
    )
    unit: str = field(default="family", metadata=choices(UNITS))
    country_by: str = field(default="applicant", metadata=choices(COUNTRY_BASES))
    year_by: str = field(default="priority", metadata=choices(YEAR_BASES))
    lang: str = field(default="zh", metadata=choices(LANGS))

    @property
    def rule(self) -> dict[str, str]:
        """The counting rule, as the keyword arguments of ``count_patents``."""
        return {"unit": self.unit, "country_by": self.country_by, "year_by": self.year_by}


def _country_codes() -> set[str]:
    return {c.alpha_2 for c in pycountry.countries} | set(REGIONAL)


def _country_guesses(text: str, known: set[str]) -> list[str]:
    c = text.upper()
    guesses = [ALIASES[c]] if c in ALIASES else []
    try:
        guesses.append(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    if len(c) > 2:
        names = dict(ALIASES) | {x.name.upper(): x.alpha_2 for x in pycountry.countries}
        guesses += [names[n] for n in difflib.get_close_matches(c, list(names), n=3, cutoff=0.7)]
    else:
        guesses += difflib.get_close_matches(c, sorted(known), n=3, cutoff=0.5)
    return list(dict.fromkeys(guesses))


def check_country(code: str) -> str:
    """An ISO 3166 alpha-2 code (or EP/WO for regional and PCT filings), upper-cased.

    Anything else is refused with the likely code(s) named."""
    if not isinstance(code, str) or not code.strip():
        raise BadParameter(
            f"empty country code {code!r}: use ISO 3166 two-letter codes such as US, CN, GB, KR, JP"
        )
    text = code.strip()
    known = _country_codes()
    if text.upper() in known:
        return text.upper()
    guesses = _country_guesses(text, known)
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    raise BadParameter(
        f"unknown country code {code!r}: use ISO 3166 two-letter codes (EP, WO for regional/PCT){hint}"
    )


def check_rule(unit: str = "family", country_by: str = "applicant", year_by: str = "priority") -> None:
    for value, options, what in (
        (unit, UNITS, "counting unit"),
        (country_by, COUNTRY_BASES, "country basis"),
        (year_by, YEAR_BASES, "year basis"),
    ):
        if value not in options:
            pick(value, options, what)  # raises, with the near match; case is folded in validate_parameters


def check_years(years) -> tuple[int, int]:
    try:
        start, end = (int(years[0]), int(years[1]))
    except (TypeError, ValueError, IndexError):
        raise BadParameter(f"years must be [start, end], e.g. [2010, 2023], not {years!r}") from None
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    if start < YEARS_ALLOWED[0] or end > YEARS_ALLOWED[1]:
        raise BadParameter(f"years {start}-{end} are outside {YEARS_ALLOWED[0]}-{YEARS_ALLOWED[1]}")
    return start, end


def imported_names() -> set[str]:
    """The file names of the exports imported so far (``patents_datasets``; empty before any)."""
    from ...errors import MissingData
    from ...processed import read_table

    try:
        ds = read_table("patents_datasets", dtype=str, keep_default_na=False)
    except MissingData:  # nothing processed yet: no file has been imported
        return set()
    cols = [c for c in ("original_name", "dataset") if c in ds.columns]
    return {str(n) for c in cols for n in ds[c] if n}


def check_source(source: str) -> str:
    """``lens``, ``epo`` or the path of an export: a file that exists, or the name of one imported.

    A path that is neither (a typo, a file moved before it was imported) is refused, so a run
    never reports "no series" for a file that was never read."""
    if not isinstance(source, str) or not source.strip():
        raise BadParameter("empty source: use 'lens', 'epo' or the path of an imported Lens/EPO file")
    src = source.strip()
    if src.lower() not in SOURCE_CHOICES and Path(src).suffix.lower() not in IMPORT_SUFFIXES:
        near = difflib.get_close_matches(src.lower(), SOURCE_CHOICES, n=2, cutoff=0.5)
        raise BadParameter(
            f"unsupported source {source!r}: use 'lens', 'epo' or an imported file "
            f"(.csv, .jsonl, .json, .xml)" + (f"; did you mean {' or '.join(near)}?" if near else "")
        )
    if src.lower() not in SOURCE_CHOICES:
        path = Path(src).expanduser()
        if not path.is_file() and path.name not in imported_names():
            raise BadParameter(
                f"import file {src!r} not found: no such file, and no imported export has that name",
                hint="give the path of a Lens or EPO export (import it: `exo-industry import lens FILE`), "
                "or use 'lens' or 'epo'",
            )
    return src


def validate_parameters(**values: Any) -> Parameters:
    """Check the notebook's parameters (any may be left out); raise BadParameter naming the bad
    value or the unknown parameter."""
    names = [f.name for f in dataclasses.fields(Parameters) if f.init]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise BadParameter(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; parameters: {', '.join(names)}"
        )
    for name, options, what in (
        ("unit", UNITS, "counting unit"),
        ("country_by", COUNTRY_BASES, "country basis"),
        ("year_by", YEAR_BASES, "year basis"),
    ):
        if name in values:
            values[name] = pick(values[name], options, what)
    p = Parameters(**values)
    if not isinstance(p.query, str) or not p.query.strip():
        raise BadParameter(
            "empty query: give the search words (default: exosome(s) / extracellular vesicle(s))"
        )
    src = check_source(p.source)
    countries = [p.countries] if isinstance(p.countries, str) else p.countries
    if not countries:
        raise BadParameter("no countries given (default: US, CN, GB, KR, JP)")
    codes = tuple(check_country(c) for c in countries)
    years = check_years(p.years)
    check_rule(p.unit, p.country_by, p.year_by)
    if p.lang not in LANGS:
        raise BadParameter(f"unsupported lang {p.lang!r}: use 'zh' or 'en'")
    return dataclasses.replace(p, source=src, countries=codes, years=years)
