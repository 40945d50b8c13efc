"""Bibliographic exports researchers already have: Web of Science and Scopus.

There is no live route (both are subscription databases); ``fetch`` says so.

Import route, the kind detected from the header line:

- **Web of Science** "Tab-delimited file" export (``savedrecs.txt``; UTF-8, or UTF-16
  from the older "Win, UTF-16" option). The header row holds the two-letter field tags
  that Clarivate documents: ``PT`` publication type, ``AU``/``AF`` authors, ``TI`` title,
  ``PY`` year published, ``C1`` author addresses (``[Author A; Author B] Address;
  [Author C] Address``), ``RP`` reprint/corresponding address
  (``Name (corresponding author), Address``), ``AB`` abstract, ``UT`` accession number.
  Countries are read from the end of each address (``Peoples R China``, ``USA``,
  ``England``; Hong Kong and Macau addresses, written ``Hong Kong, Peoples R China``,
  are kept apart so that the China scope decides).
- **Scopus** CSV export, with the columns Elsevier documents: ``Authors``, ``Title``,
  ``Year``, ``Affiliations`` (``;``-separated addresses), ``Authors with affiliations``
  (first entry = first author), ``Correspondence Address``, ``Abstract``, ``EID``.

Both become the common record table (bibliometrics.RECORD_COLUMNS); counting rules
are applied by the section.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from .. import bibliometrics as bib
from .._lazy import pd
from ..errors import MalformedFile, SourceError
from ..store import Entry, RawStore
from ._files import check_fields, import_validated, text_of

NAME = "bibexport"
TITLE = "Web of Science / Scopus exports"
LICENCE = "per the exporting user's licence (Clarivate / Elsevier terms); not redistributable"
HOME = "https://webofscience.help.clarivate.com/"
CITATION = "Clarivate Web of Science Core Collection / Elsevier Scopus export, as imported by the user."
WOS_REQUIRED = ["PT", "AU", "TI", "PY", "C1"]
SCOPUS_REQUIRED = ["Authors", "Title", "Year", "Affiliations"]


def decode(data: bytes, name: str) -> str:
    """UTF-8 (Scopus, Web of Science 'UTF-8') or UTF-16 with a byte-order mark (Web of Science
    'Win'); anything else is refused with its encoding named."""
    return text_of(data, name)


def detect_kind(text: str, name: str) -> str:
    head = text.lstrip("\ufeff").split("\n", 1)[0].rstrip("\r")
    tabs = [c.strip() for c in head.split("\t")]
    if len(tabs) > 3 and tabs[0] in ("PT", "FN"):
        missing = [t for t in WOS_REQUIRED if t not in tabs]
        if missing:
            raise MalformedFile(
                f"{name} looks like a Web of Science tab-delimited export but lacks the field(s) "
                f"{', '.join(missing)}",
                hint="export with 'Full Record' content so that C1 and PY are included",
            )
        return "wos_tab"
    if head.startswith("FN ") or head.startswith("FN Clarivate") or head.startswith("FN Thomson"):
        raise MalformedFile(
            f"{name} is a Web of Science plain-text export; this importer reads the tab-delimited one",
            hint="in Web of Science choose Export > Tab delimited file (Full Record)",
        )
    try:
        cols = next(csv.reader(io.StringIO(head)))
    except (csv.Error, StopIteration):
        cols = []
    cols = [c.strip().lstrip("\ufeff") for c in cols]
    if "Year" in cols and ("EID" in cols or "Affiliations" in cols or "Source title" in cols):
        missing = [c for c in SCOPUS_REQUIRED if c not in cols]
        if missing:
            raise MalformedFile(
                f"{name} looks like a Scopus CSV export but lacks the column(s) {', '.join(missing)}",
                hint="export with 'Affiliations' ticked in Scopus's CSV export dialog",
            )
        return "scopus_csv"
    raise MalformedFile(
        f"{name} is neither a Web of Science tab-delimited export nor a Scopus CSV export "
        f"(first line: {head[:80]!r})",
        hint="Web of Science: a header of field tags starting 'PT\\tAU\\t...'; "
        "Scopus: a CSV header with Year and Affiliations",
    )


# --------------------------------------------------------------------------- Web of Science
_BLOCK = re.compile(r"^\s*\[([^\]]*)\]\s*(.*)$")


def wos_addresses(c1: str) -> list[tuple[list[str], str]]:
    """``C1`` to ``[(authors, address), ...]`` (authors empty for unbracketed addresses)."""
    if not isinstance(c1, str) or not c1.strip():
        return []
    pieces = re.split(r";\s*(?=\[)", c1.strip()) if "[" in c1 else c1.split("; ")
    out = []
    for p in pieces:
        m = _BLOCK.match(p)
        if m:
            out.append(([a.strip() for a in m.group(1).split(";")], m.group(2).strip().rstrip(";")))
        else:
            out.append(([], p.strip().rstrip(";")))
    return out


def wos_reprint_country(rp: str) -> str:
    if not isinstance(rp, str) or not rp.strip():
        return ""
    m = re.search(r"\((?:corresponding|reprint) author\)\s*,\s*(.*?)(?:\.\s*;|$)", rp.strip())
    addr = m.group(1) if m else rp
    return bib.address_country(addr) or ""


def _without_trailing_tabs(text: str) -> str:
    """Web of Science ends some lines with a tab and not others; the field count ignores it."""
    return "\n".join(line.rstrip("\r").rstrip("\t") for line in text.split("\n"))


def parse_wos(text: str, name: str) -> pd.DataFrame:
    check_fields(_without_trailing_tabs(text), name, sep="\t", quoting=csv.QUOTE_NONE)
    try:
        df = pd.read_csv(
            io.StringIO(text.lstrip("\ufeff")),
            sep="\t",
            quoting=csv.QUOTE_NONE,
            dtype=str,
            keep_default_na=False,
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedFile(f"{name} could not be read as a tab-delimited table: {exc}") from None
    missing = [t for t in WOS_REQUIRED if t not in df.columns]
    if missing:
        raise MalformedFile(f"{name} lacks the Web of Science field(s) {', '.join(missing)}")
    rows = []
    for i, r in df.iterrows():
        year = r["PY"].strip()
        if year and not year.isdigit():
            raise MalformedFile(f"{name}, record {i + 1}: PY {year!r} is not a year")
        blocks = wos_addresses(r["C1"])
        every = {bib.address_country(a) for _, a in blocks} - {None}
        first = ""
        first_author = (r.get("AF") or r["AU"]).split(";")[0].strip()
        for authors, addr in blocks:
            if not authors or first_author in authors or r["AU"].split(";")[0].strip() in authors:
                first = bib.address_country(addr) or ""
                break
        corr = wos_reprint_country(r.get("RP", ""))
        rows.append(
            {
                "record_id": (r.get("UT") or f"{name}:{i + 1}").strip(),
                "year": int(year) if year else None,
                "countries": bib.join_codes(every | ({corr} if corr else set())),
                "first_country": first,
                "corresponding_country": corr,
                "title": r["TI"],
                "abstract": r.get("AB", ""),
            }
        )
    return pd.DataFrame(rows, columns=bib.RECORD_COLUMNS)


# --------------------------------------------------------------------------- Scopus
def scopus_correspondence_country(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        return ""
    parts = [p.strip() for p in text.split(";")]
    parts = [p for p in parts[1:] if p and not p.lower().startswith("email")]
    for p in parts:
        c = bib.address_country(p)
        if c:
            return c
    return ""


def parse_scopus(text: str, name: str) -> pd.DataFrame:
    check_fields(text, name)
    try:
        df = pd.read_csv(io.StringIO(text.lstrip("\ufeff")), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedFile(f"{name} could not be read as CSV: {exc}") from None
    df.columns = [c.strip().lstrip("\ufeff") for c in df.columns]
    missing = [c for c in SCOPUS_REQUIRED if c not in df.columns]
    if missing:
        raise MalformedFile(f"{name} lacks the Scopus column(s) {', '.join(missing)}")
    rows = []
    for i, r in df.iterrows():
        year = r["Year"].strip()
        if year and not year.isdigit():
            raise MalformedFile(f"{name}, row {i + 2}: Year {year!r} is not a year")
        every = {bib.address_country(a) for a in r["Affiliations"].split(";")} - {None}
        first = ""
        awa = r.get("Authors with affiliations", "")
        if awa:
            first = bib.address_country(awa.split(";")[0]) or ""
        corr = scopus_correspondence_country(r.get("Correspondence Address", ""))
        rows.append(
            {
                "record_id": (r.get("EID") or r.get("DOI") or f"{name}:{i + 2}").strip(),
                "year": int(year) if year else None,
                "countries": bib.join_codes(every | ({corr} if corr else set())),
                "first_country": first,
                "corresponding_country": corr,
                "title": r["Title"],
                "abstract": r.get("Abstract", ""),
            }
        )
    return pd.DataFrame(rows, columns=bib.RECORD_COLUMNS)


def parse(kind: str, text: str, name: str) -> pd.DataFrame:
    if kind == "wos_tab":
        return parse_wos(text, name)
    if kind == "scopus_csv":
        return parse_scopus(text, name)
    raise MalformedFile(f"{name}: unknown export kind {kind!r}")


# --------------------------------------------------------------------------- routes
def add_fetch_arguments(parser) -> None:
    pass


def fetch(store: RawStore, **options) -> list[Entry]:
    raise SourceError(
        "Web of Science and Scopus have no open live route here",
        hint="export the records yourself and run `exo-industry import bibexport savedrecs.txt scopus.csv`",
    )


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        text = decode(data, path.name)
        kind = detect_kind(text, path.name)
        if len(parse(kind, text, path.name)) == 0:
            raise MalformedFile(f"{path.name} holds no records")
        return {
            "kind": kind,
            "licence": LICENCE,
            "citation": CITATION,
            "release": "Web of Science" if kind == "wos_tab" else "Scopus",
        }

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    """No Web of Science or Scopus export exists in the offline mirror."""
    return []


def load_records(store: RawStore, kind: str) -> tuple[pd.DataFrame, list]:
    frames, used = [], []
    for e in store.find(NAME, kind):
        frames.append(parse(kind, decode(store.read_bytes(e), e.name), e.name))
        used.append(e)
    if not frames:
        return bib.empty_records(), []
    return pd.concat(frames, ignore_index=True).drop_duplicates("record_id"), used
