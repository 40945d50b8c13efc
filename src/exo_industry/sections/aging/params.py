"""Section 1.1: the notebook's parameters and their checks."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..._lazy import pd
from ...choices import accepts, choices, pick
from ...errors import BadParameter
from ...i18n import LANGS, check_lang
from ...locations import resolve
from .rules import THRESHOLDS, VARIANTS, WPP_FIRST_YEAR, WPP_LAST_YEAR


@dataclass(frozen=True)
class Parameters:
    """The ``parameters`` cell of ``01_aging_demographics``, checked.

    ``location`` and ``others`` (not init fields) are the resolved country and comparators;
    ``others`` leaves out the chosen country and any location named twice.
    """

    country: str = field(
        default="China", metadata=accepts("a UN location name, ISO 3166 code or UN M49 code")
    )
    comparators: tuple[str, ...] = field(
        default=("Japan", "Republic of Korea", "United States of America", "World"),
        metadata=accepts("a list of locations, as for country"),
    )
    threshold: int = field(default=60, metadata=choices(THRESHOLDS))
    start_year: int = field(default=1950, metadata=accepts(f"a year, {WPP_FIRST_YEAR}-{WPP_LAST_YEAR}"))
    end_year: int = field(default=2100, metadata=accepts(f"a year, {WPP_FIRST_YEAR}-{WPP_LAST_YEAR}"))
    variant: str = field(default="medium", metadata=choices(VARIANTS))
    lang: str = field(default="zh", metadata=choices(LANGS))
    location: Any = field(default=None, init=False, compare=False)
    others: tuple = field(default=(), init=False, compare=False)

    @property
    def tag(self) -> str:
        """The figure-name suffix: location, threshold and language, e.g. ``CHN_60.zh``."""
        return f"{self.location.iso3 or self.location.code}_{self.threshold}.{self.lang}"


def _check_values(p: Parameters) -> None:
    check_lang(p.lang)
    if p.threshold not in THRESHOLDS:
        raise BadParameter(f"age threshold {p.threshold!r} is not supported; use one of {THRESHOLDS}")
    if not (isinstance(p.start_year, int) and isinstance(p.end_year, int)):
        raise BadParameter(f"years must be whole numbers, got {p.start_year!r} and {p.end_year!r}")
    if p.start_year > p.end_year:
        raise BadParameter(f"reversed years: start_year {p.start_year} is after end_year {p.end_year}")
    if p.start_year < WPP_FIRST_YEAR or p.end_year > WPP_LAST_YEAR:
        raise BadParameter(
            f"years {p.start_year}-{p.end_year} are outside WPP 2024's range {WPP_FIRST_YEAR}-{WPP_LAST_YEAR}"
        )


def validate_parameters(*, locations: pd.DataFrame | None = None, **values: Any) -> Parameters:
    """Check the notebook's parameters (any may be left out) and resolve the locations.

    ``locations`` is the ``wpp_locations`` table (read from data/processed when not given).
    """
    known = [f.name for f in dataclasses.fields(Parameters) if f.init]
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise BadParameter(f"01_aging_demographics has no parameter {', '.join(map(repr, unknown))}")
    if isinstance(values.get("comparators"), str):
        values["comparators"] = [values["comparators"]]
    if "comparators" in values:
        if not isinstance(values["comparators"], list | tuple):
            raise BadParameter(f"comparators must be a list of locations, got {values['comparators']!r}")
        values["comparators"] = tuple(values["comparators"])
    if "variant" in values:
        values["variant"] = pick(values["variant"], VARIANTS, "projection variant")
    p = Parameters(**values)
    _check_values(p)
    if locations is None:
        from ...processed import read_table

        locations = read_table("wpp_locations")
    object.__setattr__(p, "location", resolve(p.country, locations))
    object.__setattr__(
        p, "others", distinct_others(p.location, [resolve(c, locations) for c in p.comparators])
    )
    return p


def distinct_others(location, others: list) -> tuple:
    """The comparators without the chosen location and without repeats, in the order given."""
    seen = {location.code}
    out = []
    for loc in others:
        if loc.code not in seen:
            seen.add(loc.code)
            out.append(loc)
    return tuple(out)
