"""WHO Global Health Estimates (GHE) summary workbooks: world deaths by cause, 2000-2021.

WHO publishes its GHE 2021 results as Excel workbooks ("Global Health Estimates 2021 summary
tables: global deaths by cause, age and sex, 2000-2021", July 2024,
https://www.who.int/data/gho/data/themes/mortality-and-global-health-estimates). The global
workbook has one sheet per year, named ``Global <year>``. In each year sheet, column A holds
the GHE cause code (0 = all causes) and the next columns the cause name, indented by its
place in WHO's hierarchy; the header rows name the sex ("Both sexes") and age group
("Total (all ages)") of each value column.

Causes are read by their GHE code, never by their row: WHO inserts and renames rows between
releases, but codes stay. Top-level groups (codes 10, 600, 1510 and, from 2020, 1700 "other
COVID-19 pandemic-related outcomes") add up to all causes; a sheet where they do not is
rejected, as is any sheet without the code column, the both-sexes total column, or one of
the codes this project reads.

Live route: none. WHO serves the workbooks from a page without a stable file address, so a
downloaded copy is imported (``exo-industry import who_ghe FILE.xlsx``).
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from .._lazy import pd
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import import_validated

NAME = "who_ghe"
TITLE = "WHO Global Health Estimates 2021, summary workbooks (deaths by cause)"
LICENCE = "CC BY-NC-SA 3.0 IGO (World Health Organization)"
HOME = "https://www.who.int/data/gho/data/themes/mortality-and-global-health-estimates"
CITATION = (
    "World Health Organization. Global Health Estimates 2021: deaths by cause, age, sex, by country "
    "and by region, 2000-2021. Geneva: WHO; 2024."
)
KIND = "ghe_deaths_global"

ALL_CAUSES = 0
# top-level GHE groups: code -> key (they add up to all causes)
TOP_LEVEL = {10: "communicable", 600: "ncd", 1510: "injuries", 1700: "pandemic_other"}
COVID = 395
# codes every year sheet must hold (1700 is absent before 2020 in some releases: checked apart)
REQUIRED_CODES = (ALL_CAUSES, 10, 600, 1510, 610, 800, 1100, 1170)
SUM_TOL = 0.001  # top-level groups must add up to all causes within 0.1 %
TIDY_COLUMNS = ["year", "ghe_code", "cause", "depth", "deaths"]

_SHEET = re.compile(r"^Global (\d{4})$")
_LABEL = re.compile(r"^([IVX]+|[A-Za-z]|\d+)\.$")  # outline labels: "II.", "A.", "1.", "a."


# --------------------------------------------------------------------------- parsing
def _workbook(data: bytes, name: str):
    import openpyxl

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise MalformedFile(f"{name} is not an xlsx workbook (not a zip archive)")
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise MalformedFile(f"{name} could not be opened as an xlsx workbook: {exc}") from None


def _columns(rows: list[tuple], where: str) -> tuple[int, int]:
    """(row index of the 'Code' header, column of the both-sexes all-ages total)."""
    code_row = next((i for i, r in enumerate(rows) if r and str(r[0]).strip() == "Code"), None)
    if code_row is None:
        raise MalformedFile(f"{where}: no header row with 'Code' in column A")
    for i in range(code_row):
        for j, v in enumerate(rows[i]):
            below = rows[i + 1][j] if i + 1 < len(rows) and j < len(rows[i + 1]) else None
            if str(v).strip() == "Both sexes" and str(below).strip() == "Total (all ages)":
                return code_row, j
    raise MalformedFile(f"{where}: no column for 'Both sexes' / 'Total (all ages)' above the 'Code' row")


def _cause_row(row: tuple, value_col: int, where: str) -> tuple[str, int, float]:
    """(name, depth, deaths) of one cause row; depth = column of the name (1 = top-level label)."""
    name, depth = "", 0
    for j in range(1, value_col):
        v = row[j] if j < len(row) else None
        if isinstance(v, str) and v.strip() and not _LABEL.match(v.strip()):
            name, depth = re.sub(r"\s+", " ", v.replace("\xa0", " ")).strip(), j - 1
            break
    value = row[value_col] if value_col < len(row) else None
    if not isinstance(value, int | float) or isinstance(value, bool):
        raise MalformedFile(f"{where}: GHE code {row[0]} has no number of deaths ({value!r})")
    return name, depth, float(value)


def _sheet(ws, year: int, where: str) -> pd.DataFrame:
    rows = list(ws.iter_rows(values_only=True))
    code_row, col = _columns(rows, where)
    out = []
    for row in rows[code_row + 1 :]:
        if not row or row[0] is None or str(row[0]).strip() == "":
            continue
        if not isinstance(row[0], int | float):
            continue  # footnotes below the table
        name, depth, deaths = _cause_row(row, col, where)
        out.append({"year": year, "ghe_code": int(row[0]), "cause": name, "depth": depth, "deaths": deaths})
    frame = pd.DataFrame(out, columns=TIDY_COLUMNS)
    _check_sheet(frame, where)
    return frame


def _check_sheet(frame: pd.DataFrame, where: str) -> None:
    codes = set(frame["ghe_code"])
    missing = [c for c in REQUIRED_CODES if c not in codes]
    if missing:
        raise MalformedFile(f"{where}: GHE cause code(s) {missing} not found in column A")
    if frame["ghe_code"].duplicated().any():
        raise MalformedFile(
            f"{where}: GHE code {frame.loc[frame.ghe_code.duplicated(), 'ghe_code'].iloc[0]} twice"
        )
    d = frame.set_index("ghe_code")["deaths"]
    top = sum(d.get(c, 0.0) for c in TOP_LEVEL)
    if abs(top - d[ALL_CAUSES]) > SUM_TOL * d[ALL_CAUSES]:
        raise MalformedFile(
            f"{where}: the top-level groups add up to {top:,.0f} deaths, "
            f"not to all causes ({d[ALL_CAUSES]:,.0f})"
        )


def parse(data: bytes, name: str) -> pd.DataFrame:
    """Every ``Global <year>`` sheet to tidy rows: year, ghe_code, cause, depth, deaths (persons)."""
    wb = _workbook(data, name)
    try:
        years = {int(m.group(1)): s for s in wb.sheetnames if (m := _SHEET.match(s.strip()))}
        if not years:
            raise MalformedFile(
                f"{name} has no 'Global <year>' sheet (sheets: {', '.join(wb.sheetnames[:8])})",
                hint="expected WHO's GHE summary workbook ghe2021_deaths_global_new2.xlsx",
            )
        frames = [_sheet(wb[s], y, f"{name}, sheet {s!r}") for y, s in sorted(years.items())]
    finally:
        wb.close()
    return pd.concat(frames, ignore_index=True)


def ghe_round(frame: pd.DataFrame) -> str:
    """'GHE <last year>': WHO names each GHE round after the last year it estimates."""
    return f"GHE {int(frame['year'].max())}" if len(frame) else "GHE (unknown round)"


# --------------------------------------------------------------------------- import
def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    """Validate every workbook first, then store them all (a bad file stores nothing)."""

    def check(path: Path, data: bytes) -> dict:
        frame = parse(data, path.name)
        return {"kind": KIND, "licence": LICENCE, "release": f"WHO {ghe_round(frame)}", "citation": CITATION}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    return [Path(shared) / "ncd" / "who_ghe2021_global_deaths_by_cause" / "ghe2021_deaths_global_new2.xlsx"]


# --------------------------------------------------------------------------- loaders
def load(store: RawStore) -> tuple[pd.DataFrame, list[Entry], str]:
    """Tidy rows from the newest stored workbook, its entry and GHE round."""
    found = store.find(NAME, KIND)
    if not found:
        raise MissingData(
            "the raw store has no WHO Global Health Estimates workbook",
            hint="`exo-industry import who_ghe --mirror` (offline mirror) "
            "or `exo-industry import who_ghe FILE.xlsx`",
        )
    entry = max(found, key=lambda e: (e.provenance.retrieved_at, e.name))
    frame = parse(store.read_bytes(entry), entry.name)
    return frame, [entry], ghe_round(frame)


def deaths_by_code(frame: pd.DataFrame, codes) -> pd.DataFrame:
    """Deaths (persons) by year (rows) and GHE code (columns); a code a year lacks is 0 there only
    for the pandemic group 1700, which WHO lists from 2020 (zero before); otherwise an error."""
    wide = frame.pivot_table(index="year", columns="ghe_code", values="deaths", aggfunc="first")
    for code in codes:
        if code not in wide:
            if code == 1700:
                wide[code] = 0.0
            else:
                raise BadParameter(f"GHE code {code} is not in the workbook")
    return wide[list(codes)].fillna({1700: 0.0} if 1700 in codes else {})


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    """No live options: the workbooks are imported (see :func:`fetch`)."""


def fetch(store: RawStore, **options) -> list[Entry]:
    raise SourceError(
        "WHO's GHE workbooks have no stable download address; there is no live route",
        hint="download the summary workbook from " + HOME + " and `exo-industry import who_ghe FILE.xlsx`",
    )
