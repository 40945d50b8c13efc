"""Resolve what a user types ("CHN", "China", "156", "Korea") to a WPP location code."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

import pandas as pd
import pycountry

from .errors import BadParameter

# Names people use that differ from the UN's, mapped to UN M49 codes.
ALIASES = {
    "korea": 410,
    "south korea": 410,
    "north korea": 408,
    "usa": 840,
    "us": 840,
    "united states": 840,
    "uk": 826,
    "britain": 826,
    "great britain": 826,
    "russia": 643,
    "vietnam": 704,
    "iran": 364,
    "hong kong": 344,
    "macao": 446,
    "macau": 446,
    "taiwan": 158,
    "world": 900,
    "wld": 900,
}


@dataclass(frozen=True)
class Location:
    code: int
    name: str
    iso3: str | None


def iso3_for(code: int) -> str | None:
    c = pycountry.countries.get(numeric=f"{int(code):03d}")
    return c.alpha_3 if c else None


def resolve(query: str | int, table: pd.DataFrame) -> Location:
    """``table`` has columns location_code, name (the processed ``locations`` table)."""
    if query is None or str(query).strip() == "":
        raise BadParameter(
            "empty location: give a name, an ISO code or a UN M49 code (e.g. 'China', 'CHN', 156)"
        )
    text = str(query).strip()
    codes = set(table["location_code"].astype(int))
    by_name = {str(n).lower(): int(c) for c, n in zip(table["location_code"], table["name"])}
    code: int | None = None
    if text.isdigit() and int(text) in codes:
        code = int(text)
    elif text.lower() in by_name:
        code = by_name[text.lower()]
    elif text.lower() in ALIASES and ALIASES[text.lower()] in codes:
        code = ALIASES[text.lower()]
    elif len(text) in (2, 3) and text.isalpha():
        c = (
            pycountry.countries.get(alpha_2=text.upper())
            if len(text) == 2
            else pycountry.countries.get(alpha_3=text.upper())
        )
        if c is not None and int(c.numeric) in codes:
            code = int(c.numeric)
    if code is None:
        near = difflib.get_close_matches(text.lower(), list(by_name) + list(ALIASES), n=5, cutoff=0.6)
        hint = (
            f"did you mean: {', '.join(near)}?"
            if near
            else "use a UN location name, an ISO 3166 code or a UN M49 code"
        )
        raise BadParameter(f"unknown location {text!r}", hint=hint)
    name = table.loc[table["location_code"].astype(int) == code, "name"].iloc[0]
    return Location(code, str(name), iso3_for(code))
