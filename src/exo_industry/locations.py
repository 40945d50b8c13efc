"""Resolve what a user types ("CHN", "China", "156", "Korea") to a WPP location code."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass

import pycountry

from ._lazy import pd
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
    "turkey": 792,
    "czech republic": 203,
    "syria": 760,
    "laos": 418,
    "bolivia": 68,
    "venezuela": 862,
    "tanzania": 834,
    "moldova": 498,
    "ivory coast": 384,
    "dr congo": 180,
    "drc": 180,
    "congo-kinshasa": 180,
    "congo-brazzaville": 178,
    "palestine": 275,
    "micronesia": 583,
    "the netherlands": 528,
    "holland": 528,
    "world": 900,
    "wld": 900,
}


def fold(text: str) -> str:
    """Lower case without accents or surrounding blanks: ``" Türkiye"`` -> ``"turkiye"``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def m49_guess(text: str) -> int | None:
    """A UN M49 code for a common country name or code (aliases, then pycountry's names), or None."""
    key = fold(text)
    if key in ALIASES:
        return ALIASES[key]
    for query in (str(text).strip(), key):
        try:
            return int(pycountry.countries.lookup(query).numeric)
        except LookupError:
            continue
    return None


def iso3_guess(text: str) -> str | None:
    code = m49_guess(text)
    return iso3_for(code) if code is not None else None


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
    by_name = {fold(n): int(c) for c, n in zip(table["location_code"], table["name"], strict=True)}
    code: int | None = None
    guess = None if text.isdigit() or len(text) in (2, 3) else m49_guess(text)
    if text.isdigit() and int(text) in codes:
        code = int(text)
    elif fold(text) in by_name:
        code = by_name[fold(text)]
    elif guess is not None and guess in codes:
        code = guess
    elif len(text) in (2, 3) and text.isalpha():
        c = (
            pycountry.countries.get(alpha_2=text.upper())
            if len(text) == 2
            else pycountry.countries.get(alpha_3=text.upper())
        )
        if c is not None and int(c.numeric) in codes:
            code = int(c.numeric)
    if code is None:
        near = difflib.get_close_matches(fold(text), list(by_name) + list(ALIASES), n=5, cutoff=0.6)
        hint = (
            f"did you mean: {', '.join(near)}?"
            if near
            else "use a UN location name, an ISO 3166 code or a UN M49 code"
        )
        raise BadParameter(f"unknown location {text!r}", hint=hint)
    name = table.loc[table["location_code"].astype(int) == code, "name"].iloc[0]
    return Location(code, str(name), iso3_for(code))
