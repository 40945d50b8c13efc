"""Section 1.2: the notebook's parameters and their checks."""

from __future__ import annotations

import dataclasses
import difflib
import re
from dataclasses import dataclass, field
from typing import Any

from ..._lazy import pd
from ...choices import accepts, choices, pick
from ...errors import BadParameter
from ...locations import fold, iso3_guess
from ...sources import owid
from .rules import CAUSE_GROUPINGS, DEFAULT_LOCATIONS, NOTEBOOK, WORLD, YEARS


@dataclass(frozen=True)
class Parameters:
    """The ``parameters`` cell of ``02_ncd_burden``, checked.

    ``locs`` (not an init field) holds the resolved locations, ``{"code", "name"}`` each.
    """

    locations: tuple[str, ...] = field(
        default=DEFAULT_LOCATIONS, metadata=accepts("names or ISO3 codes as WDI / GBD spell them")
    )
    year: int = field(
        default=2019, metadata=accepts(f"a year, {YEARS[0]}-{YEARS[1]} (WHO GHE: 2000, 2010, 2015, 2019)")
    )
    cause_grouping: str = field(default="main4", metadata=choices(CAUSE_GROUPINGS))
    lang: str = field(default="zh", metadata=choices(("zh", "en")))
    locs: tuple = field(default=(), init=False, compare=False)

    @property
    def tag(self) -> str:
        """The figure-name suffix, e.g. ``WLD-CHN_2019_main4.zh``."""
        return figure_tag(list(self.locs), self.year, self.cause_grouping, self.lang)


def figure_tag(locations: list[dict], year: int, grouping: str, lang: str) -> str:
    """A file-name tag for one set of parameters (so that figures never overwrite each other)."""
    locs = "-".join(loc["code"] or re.sub(r"[^A-Za-z0-9]+", "", loc["name"])[:16] for loc in locations)
    return f"{locs}_{year}_{grouping}.{lang}"


def _location_index(known: pd.DataFrame) -> dict[str, tuple[str, str]]:
    idx = {}
    for code, name in zip(known["location_code"], known["location"], strict=True):
        code = "" if pd.isna(code) else str(code)
        idx.setdefault(fold(name), (code, str(name)))
        if code:
            idx.setdefault(code.lower(), (code, str(name)))
    idx.setdefault(owid.WORLD_CODE.lower(), idx.get("wld", (WORLD, "World")))
    return idx


def _unknown(text: str, known: pd.DataFrame) -> BadParameter:
    by_lower = {str(n).lower(): str(n) for n in sorted({str(n) for n in known["location"]})}
    near = [by_lower[n] for n in difflib.get_close_matches(text.lower(), list(by_lower), n=5, cutoff=0.6)]
    hint = (
        f"near matches: {', '.join(near)}"
        if near
        else "use a location name as WDI or GBD spell it, or an ISO3 code"
    )
    return BadParameter(f"unknown location {text!r}", hint=hint)


def resolve_locations(locations, known: pd.DataFrame) -> list[dict]:
    """Names or codes (ISO3, WLD) to ``{"code", "name"}``; unknown ones rejected with near matches."""
    if isinstance(locations, str):
        locations = [locations]
    if not isinstance(locations, list | tuple):
        raise BadParameter(f"locations must be a list of names or codes, got {locations!r}")
    if not locations:
        raise BadParameter("no location given: name at least one (e.g. 'World', 'China' or 'CHN')")
    idx = _location_index(known)
    out = []
    for loc in locations:
        text = str(loc).strip()
        hit = idx.get(fold(text))
        if hit is None and (iso3 := iso3_guess(text)):  # Turkey, Vietnam, South Korea, ...
            hit = idx.get(iso3.lower())
        if hit is None:
            raise _unknown(text, known)
        code, name = hit
        if {"code": code, "name": name} not in out:
            out.append({"code": code, "name": name})
    return out


def _check_year(year) -> int:
    try:
        y = int(year)
    except (TypeError, ValueError):
        raise BadParameter(f"year {year!r} is not a year") from None
    if y != year or not (YEARS[0] <= y <= YEARS[1]):
        raise BadParameter(f"year {year!r} is outside {YEARS[0]}-{YEARS[1]}, the years IHME GBD 2019 covers")
    return y


def validate_parameters(*, known: pd.DataFrame | None = None, **values: Any) -> Parameters:
    """Check the notebook's parameters (any may be left out) and resolve the locations.

    ``known``: the ``ncd_locations`` table (read from data/processed when not given).
    """
    names = [f.name for f in dataclasses.fields(Parameters) if f.init]
    unknown = sorted(set(values) - set(names))
    if unknown:
        raise BadParameter(f"{NOTEBOOK} has no parameter {', '.join(map(repr, unknown))}")
    if "cause_grouping" in values:
        values["cause_grouping"] = pick(values["cause_grouping"], CAUSE_GROUPINGS, "cause grouping")
    p = Parameters(**values)
    if p.lang not in ("zh", "en"):
        raise BadParameter(f"unsupported language {p.lang!r}; choose one of zh, en")
    year = _check_year(p.year)
    if known is None:
        from .tables import load

        known = load("ncd_locations")
    locs = resolve_locations(p.locations, known)
    given = (p.locations,) if isinstance(p.locations, str) else tuple(p.locations)
    object.__setattr__(p, "locations", given)
    object.__setattr__(p, "year", year)
    object.__setattr__(p, "locs", tuple(locs))
    return p
