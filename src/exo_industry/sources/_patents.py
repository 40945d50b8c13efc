"""The tidy patent-document table that every patent source parses into.

One row per published document (a publication: an application publication, a grant,
a search report...). The patent section counts these rows under the rules in
``sections/patents.py``; the sources only say what each document is.

Columns (strings; missing values are empty strings, never guessed):

- ``dataset``: which stored file the row came from (its store name);
- ``doc_id``: publication office + number + kind, e.g. ``CN102206141A``;
- ``pub_office``, ``kind``, ``pub_date`` (``YYYY-MM-DD``);
- ``app_id``: the application the document belongs to (office + number), and ``app_date``;
- ``priority_date``: the earliest priority date (the first filing anywhere);
- ``priority_office``: the office of that earliest filing (``EP`` and ``WO`` are kept as
  such: a regional or PCT first filing has no single country);
- ``family_id`` and ``family_basis``: the simple patent family the document belongs to,
  and how it was found (``lens simple family``, ``docdb family``, ``same priority
  numbers``, or ``approximate: priority date + applicant countries``);
- ``applicant_countries``: ISO 3166 alpha-2 codes of the applicants' residence or
  nationality, ``;``-joined, sorted, unique (empty when the source does not give them);
- ``applicants``: applicant names, ``;``-joined; ``title``.
"""

from __future__ import annotations

import re

from .._lazy import pd

DOC_COLUMNS = [
    "dataset",
    "doc_id",
    "pub_office",
    "kind",
    "pub_date",
    "app_id",
    "app_date",
    "priority_date",
    "priority_office",
    "family_id",
    "family_basis",
    "applicant_countries",
    "applicants",
    "title",
]

_BRACKET_CC = re.compile(r"\[([A-Z]{2})\]")
_DATE8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_DATE10 = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def iso_date(text) -> str:
    """``20230215`` or ``2023-02-15`` (or a longer timestamp) to ``2023-02-15``; '' if not a date."""
    if text is None:
        return ""
    s = str(text).strip()
    if not s or s.lower() == "nan":
        return ""
    m = _DATE8.match(s)
    if m:
        return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"
    if _DATE10.match(s[:10]):
        return s[:10]
    return ""


def bracket_countries(text: str) -> list[str]:
    """Country codes written as ``NAME [US]`` (Espacenet/epodoc style)."""
    return sorted(set(_BRACKET_CC.findall(text or "")))


def join(values) -> str:
    return ";".join(v for v in values if v)


def frame(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=DOC_COLUMNS, dtype=object)
    return df.fillna("").astype(str)
