"""Our World in Data grapher exports of IHME Global Burden of Disease (GBD) deaths.

Our World in Data (OWID) republishes IHME GBD results as "grapher" CSV files:
one row per entity (country or aggregate) and year, one column per series. Two of
them matter here:

- ``annual-number-of-deaths-by-cause`` (GBD 2019, 1990–2019): ``Entity``, ``Code``,
  ``Year`` and one column ``Deaths - <cause> - Sex: Both - Age: All Ages (Number)``
  per GBD cause (a mix of GBD level-2 and level-3 causes), plus two columns that are
  not GBD (Amnesty International executions, terrorism deaths) and are ignored;
- ``deaths-by-cause-category-stacked`` (GBD 2017, 1990–2017): the three GBD level-1
  groups (non-communicable diseases; communicable, maternal, neonatal and nutritional
  diseases; injuries), which together are all deaths.

The kind of a file is detected from its header, never from its name. Neither file
states the GBD round; a GBD round is named after the last year it estimates (GBD 2019
ends in 2019), so the round recorded in provenance is read from the last year present.

Live route: the same CSV from OWID's grapher (``https://ourworldindata.org/grapher/<slug>.csv``).
OWID re-labels its charts when IHME publishes a new round; a download whose header is
no longer one of the two layouts above is rejected before anything is stored.

Codes: OWID uses ISO 3166 alpha-3 for countries and ``OWID_WRL`` for the world;
aggregates (WHO regions, World Bank groups, GBD regions) have no code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .._lazy import pd
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import csv_frame, first_line, import_validated, require_columns, text_of

NAME = "owid"
TITLE = "Our World in Data exports of IHME Global Burden of Disease deaths"
LICENCE = "CC BY 4.0 (Our World in Data); IHME GBD results under IHME's free non-commercial terms"
HOME = "https://ourworldindata.org/causes-of-death"
CITATION = (
    "Institute for Health Metrics and Evaluation (IHME), Global Burden of Disease study; "
    "processed and published by Our World in Data."
)
BASE_URL = "https://ourworldindata.org"
WORLD_CODE = "OWID_WRL"

KIND_BY_CAUSE = "gbd_deaths_by_cause"
KIND_BY_CATEGORY = "gbd_deaths_by_category"
KINDS = (KIND_BY_CAUSE, KIND_BY_CATEGORY)

# The grapher chart behind each kind (for the live route).
SLUGS = {
    KIND_BY_CAUSE: "annual-number-of-deaths-by-cause",
    KIND_BY_CATEGORY: "deaths-by-cause-category-stacked",
}

_DEATHS_COLUMN = re.compile(r"^Deaths - (?P<cause>.+?) - Sex: Both - Age: All Ages \(Number\)$")
# GBD level-1 groups as OWID labels them in the category export.
CATEGORY_LABELS = {
    "Non-communicable diseases": "ncd",
    "Communicable, maternal, neonatal, and nutritional diseases": "communicable",
    "Injuries": "injuries",
}
TIDY_COLUMNS = ["entity", "code", "year", "cause", "deaths"]


# --------------------------------------------------------------------------- parsing
def _header(text: str) -> list[str]:
    import csv

    return next(csv.reader([first_line(text)]))


def detect_kind(text: str, name: str) -> str:
    cols = _header(text)
    if cols[:3] != ["Entity", "Code", "Year"]:
        raise MalformedFile(
            f"{name} is not an Our World in Data grapher CSV "
            f"(first columns {cols[:3]!r}, expected Entity, Code, Year)",
            hint="expected annual-number-of-deaths-by-cause.csv "
            "or deaths-by-cause-category-stacked.csv from OWID",
        )
    causes = {m.group("cause") for c in cols if (m := _DEATHS_COLUMN.match(c))}
    if set(CATEGORY_LABELS) <= causes:
        return KIND_BY_CATEGORY
    if {
        "Cardiovascular diseases",
        "Neoplasms",
        "Chronic respiratory diseases",
        "Diabetes mellitus",
    } <= causes:
        return KIND_BY_CAUSE
    raise MalformedFile(
        f"{name} is an OWID grapher CSV but not a GBD deaths export this importer knows "
        f"(deaths columns found: {sorted(causes)[:6] or 'none'})",
        hint="expected 'Deaths - <cause> - Sex: Both - Age: All Ages (Number)' columns for the GBD causes "
        "(cardiovascular diseases, neoplasms, ...) or for the three GBD cause categories",
    )


def parse(kind: str, text: str, name: str) -> pd.DataFrame:
    """One OWID export to tidy rows: entity, code, year, cause, deaths (persons).

    For the category export ``cause`` is ``ncd``, ``communicable`` or ``injuries``;
    for the cause export it is the GBD cause name as OWID prints it.
    """
    if kind not in KINDS:
        raise MalformedFile(f"{name}: unknown OWID file kind {kind!r}")
    df = csv_frame(text, name, dtype=str, keep_default_na=False)
    require_columns(df, ["Entity", "Code", "Year"], name)
    value_cols = {c: m.group("cause") for c in df.columns if (m := _DEATHS_COLUMN.match(str(c)))}
    if kind == KIND_BY_CATEGORY:
        value_cols = {c: CATEGORY_LABELS[v] for c, v in value_cols.items() if v in CATEGORY_LABELS}
        if len(value_cols) != len(CATEGORY_LABELS):
            raise MalformedFile(
                f"{name}: expected the three GBD cause categories, found {sorted(value_cols.values())}"
            )
    if not value_cols:
        raise MalformedFile(f"{name}: no 'Deaths - ... (Number)' columns")
    try:
        years = pd.to_numeric(df["Year"], errors="raise").astype(int)
    except (ValueError, TypeError) as exc:
        raise MalformedFile(f"{name}: the Year column holds something that is not a year ({exc})") from None
    frames = []
    for col, cause in value_cols.items():
        raw = df[col].astype(str).str.strip()
        values = pd.to_numeric(raw.where(raw != "", None), errors="coerce")
        bad = values.isna() & raw.ne("")
        if bad.any():
            example = raw[bad].iloc[0]
            raise MalformedFile(f"{name}: column {col!r} holds a value that is not a number ({example!r})")
        if (values < 0).any():
            raise MalformedFile(f"{name}: column {col!r} holds negative death counts")
        frames.append(
            pd.DataFrame(
                {"entity": df["Entity"], "code": df["Code"], "year": years, "cause": cause, "deaths": values}
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out = out[out["deaths"].notna()].reset_index(drop=True)
    return out[TIDY_COLUMNS]


def gbd_round(frame: pd.DataFrame) -> str:
    """'GBD <last year>': IHME names each round after the last year it estimates."""
    if frame.empty:
        return "GBD (unknown round)"
    return f"GBD {int(frame['year'].max())}"


def _check(data: bytes, name: str) -> tuple[str, pd.DataFrame]:
    text = text_of(data, name)
    kind = detect_kind(text, name)
    frame = parse(kind, text, name)
    if frame.empty:
        raise MalformedFile(f"{name} has a header but no death counts")
    return kind, frame


# --------------------------------------------------------------------------- import
def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    """Validate every file first, then store them all (a bad file stores nothing)."""

    def check(path: Path, data: bytes) -> dict:
        kind, frame = _check(data, path.name)
        return {
            "kind": kind,
            "licence": LICENCE,
            "release": f"IHME {gbd_round(frame)} via Our World in Data",
            "citation": CITATION,
        }

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    base = Path(shared) / "ncd"
    return [
        base / "owid_ihme_gbd2019_deaths_by_cause" / "annual-number-of-deaths-by-cause.csv",
        base / "owid_ihme_gbd2017_deaths_by_cause_category" / "deaths-by-cause-category-stacked.csv",
    ]


# --------------------------------------------------------------------------- loaders
def load(store: RawStore, kind: str) -> tuple[pd.DataFrame, list[Entry], str]:
    """Tidy rows of one kind from the newest stored file of that kind, its entry and GBD round."""
    if kind not in KINDS:
        raise BadParameter(f"unknown OWID kind {kind!r}; known: {', '.join(KINDS)}")
    found = store.find(NAME, kind)
    if not found:
        raise MissingData(
            f"the raw store has no Our World in Data {kind} file",
            hint="`exo-industry import owid --mirror` (offline mirror) or `exo-industry fetch owid`",
        )
    entry = max(found, key=lambda e: (e.provenance.retrieved_at, e.name))
    text = text_of(store.read_bytes(entry), entry.name)
    frame = parse(kind, text, entry.name)
    return frame, [entry], gbd_round(frame)


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--chart",
        action="append",
        default=None,
        choices=sorted(SLUGS.values()),
        help="OWID grapher chart to download; repeatable (default: both)",
    )
    parser.add_argument("--base-url", default=os.environ.get("EXO_OWID_URL", BASE_URL))


def fetch(store: RawStore, chart=None, base_url: str | None = None, client=None) -> list[Entry]:
    """Download the grapher CSVs, validate every one, then store them."""
    from ..http import Client
    from ..redact import redact_url
    from ..store import Page

    base_url = base_url or os.environ.get("EXO_OWID_URL", BASE_URL)
    slugs = chart or [SLUGS[k] for k in KINDS]
    unknown = [s for s in slugs if s not in SLUGS.values()]
    if unknown:
        raise BadParameter(f"unknown OWID chart {unknown[0]!r}; known: {', '.join(sorted(SLUGS.values()))}")
    client = client or Client(base_url, name="Our World in Data", min_interval=1.0)
    got = []
    for slug in slugs:
        resp = client.get(f"grapher/{slug}.csv")
        name = f"{slug}.csv"
        try:
            kind, frame = _check(resp.content, name)
        except (MalformedFile, ValueError, KeyError, TypeError) as exc:
            raise SourceError(
                f"Our World in Data: {redact_url(resp.url)} did not return a GBD deaths export: "
                f"{str(exc).splitlines()[0][:200]}",
                hint="OWID may have changed the chart's columns; "
                "import a saved copy with `exo-industry import owid FILE`; nothing was stored",
            ) from None
        if kind != next(k for k, s in SLUGS.items() if s == slug):
            raise SourceError(f"Our World in Data: {slug} returned a {kind} table, not the expected one")
        when = getattr(resp, "retrieved_at", None)  # a cached answer keeps its own time
        got.append((slug, resp.url, resp.content, kind, gbd_round(frame), len(frame), when))
    entries = []
    for slug, url, body, kind, rnd, rows, when in got:  # everything checked: one snapshot per chart
        release = f"IHME {rnd} via Our World in Data"
        page = Page(body, redact_url(url), kind, LICENCE, suffix=".csv", release=release,
                    citation=CITATION, query={"chart": slug}, retrieved_at=when)  # fmt: skip
        entries += store.put_snapshot(NAME, slug, [page], results=rows, query={"chart": slug})
    return entries
