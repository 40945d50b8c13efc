"""World Bank World Development Indicators (WDI).

Live route: the Indicators API v2,
``https://api.worldbank.org/v2/country/{codes}/indicator/{code}?format=json``.
The answer is ``[meta, rows]`` with ``page``/``pages``/``per_page``/``total`` in ``meta``;
values can be ``null``. Errors come two ways: HTTP 400, or HTTP 200 with a body
``[{"message": [{"id": ..., "key": ..., "value": ...}]}]``; both become a
:class:`SourceError`. Every page is stored as it came.

Import route: the bulk CSV download (``API_<indicator>_DS2_en_csv_v2_<n>.csv``, wide,
four lines before the header; or the ``.zip`` that holds it), with its
``Metadata_Country_*`` and ``Metadata_Indicator_*`` companions.
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from pathlib import Path

from tqdm.auto import tqdm

from .._lazy import pd
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import csv_frame, first_line, import_validated, mirror_glob, require_columns, text_of

NAME = "worldbank"
TITLE = "World Bank World Development Indicators"
LICENCE = "CC BY 4.0"
HOME = "https://data.worldbank.org/"
CITATION = "World Bank, World Development Indicators."
API_URL = "https://api.worldbank.org/v2"
INDICATOR_RE = re.compile(r"^[A-Z][A-Z0-9]*(\.[A-Z0-9]+)+$")
TIDY_COLUMNS = ["country_code", "country", "indicator", "year", "value"]


# --------------------------------------------------------------------------- import
def _unzip(data: bytes, name: str) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return [(m, zf.read(m)) for m in zf.namelist() if m.lower().endswith(".csv")]
    except zipfile.BadZipFile as exc:
        raise MalformedFile(f"{name} is not a valid zip file: {exc}") from None


def detect_kind(text: str, name: str) -> str:
    head = first_line(text)
    if head.startswith('"Data Source"') and "World Development Indicators" in head:
        return "wdi_bulk_csv"
    if head.startswith('"Country Code","Region","IncomeGroup"'):
        return "wdi_country_meta"
    if head.startswith('"INDICATOR_CODE","INDICATOR_NAME"'):
        return "wdi_indicator_meta"
    if head.startswith("["):
        return "api_json"
    raise MalformedFile(
        f"{name} is not a World Bank WDI file this importer knows (first line: {head[:100]!r})",
        hint="expected the bulk download API_<indicator>_DS2_*.csv (or its .zip) "
        "or its Metadata_* companions",
    )


def parse_bulk_csv(text: str, name: str) -> tuple[pd.DataFrame, str | None]:
    """Wide bulk CSV to tidy rows, and the release date from 'Last Updated Date'."""
    lines = text.lstrip("\ufeff").split("\n")
    release = None
    for line in lines[:4]:
        m = re.match(r'"Last Updated Date","([0-9-]+)"', line.strip())
        if m:
            release = m.group(1)
    start = next((i for i, line in enumerate(lines[:10]) if line.startswith('"Country Name"')), None)
    if start is None:
        raise MalformedFile(f"{name}: no 'Country Name' header row in the first lines")
    df = csv_frame("\n".join(lines[start:]), name, line_offset=start, dtype=str, keep_default_na=False)
    require_columns(df, ["Country Name", "Country Code", "Indicator Code"], name)
    years = [c for c in df.columns if str(c).isdigit()]
    if not years:
        raise MalformedFile(f"{name}: no year columns")
    long = df.melt(
        id_vars=["Country Name", "Country Code", "Indicator Code"],
        value_vars=years,
        var_name="year",
        value_name="value",
    )
    long = long[long["value"].str.strip() != ""]
    out = pd.DataFrame(
        {
            "country_code": long["Country Code"],
            "country": long["Country Name"],
            "indicator": long["Indicator Code"],
            "year": long["year"].astype(int),
            "value": pd.to_numeric(long["value"], errors="raise"),
        }
    )
    return out.reset_index(drop=True), release


def _bad(where: str, what: str) -> SourceError:
    return SourceError(
        f"World Bank API: unexpected answer for {where}: {what}",
        hint="the service answered in a shape this client does not know; nothing was stored",
    )


def check_api_body(page, where: str) -> tuple[dict, list]:
    """Validate one API v2 answer, down to the fields the loaders read; return (meta, rows)."""
    if isinstance(page, list) and page and isinstance(page[0], dict) and "message" in page[0]:
        msgs = page[0]["message"]
        if not isinstance(msgs, list) or not all(isinstance(m, dict) for m in msgs):
            raise SourceError(f"World Bank API refused {where}: {str(msgs)[:200]}", hint="check the query")
        text = "; ".join(f"{m.get('key', '')}: {m.get('value', '')} (id {m.get('id', '?')})" for m in msgs)
        raise SourceError(
            f"World Bank API refused {where}: {text}", hint="check the country and indicator codes"
        )
    if not (isinstance(page, list) and len(page) == 2 and isinstance(page[0], dict)):
        raise _bad(where, str(page)[:200])
    meta, rows = page
    rows = [] if rows is None else rows
    if not isinstance(rows, list):
        raise _bad(where, f"the rows are a {type(rows).__name__}, not a list")
    for key in ("page", "pages", "total"):
        if key not in meta:
            raise SourceError(f"World Bank API: page metadata lacks {key!r} for {where}")
        value = meta[key]
        if isinstance(value, bool) or not (
            isinstance(value, int) or (isinstance(value, str) and value.isdigit())
        ):
            raise _bad(where, f"{key} is {value!r}, not a whole number")
    for i, r in enumerate(rows, start=1):
        _check_row(r, f"{where} row {i}")
    return meta, rows


def _check_row(r, where: str) -> None:
    ok = (
        isinstance(r, dict)
        and isinstance(r.get("country"), dict)
        and isinstance(r["country"].get("value"), str)
        and isinstance(r.get("indicator"), dict)
        and isinstance(r["indicator"].get("id"), str)
        and isinstance(r.get("date"), str)
        and r["date"].isdigit()
        and (
            r.get("value") is None
            or (isinstance(r["value"], (int, float)) and not isinstance(r["value"], bool))
        )
        and (r.get("countryiso3code") or r["country"].get("id"))
    )
    if not ok:
        raise _bad(where, f"a row lacks country, indicator, date or value: {str(r)[:160]}")


def api_rows_to_frame(rows: list) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=TIDY_COLUMNS)
    df = pd.DataFrame(
        {
            "country_code": [r.get("countryiso3code") or r["country"]["id"] for r in rows],
            "country": [r["country"]["value"] for r in rows],
            "indicator": [r["indicator"]["id"] for r in rows],
            "year": [int(r["date"]) for r in rows],
            "value": [r["value"] for r in rows],
        }
    )
    return df[df["value"].notna()].astype({"value": float}).reset_index(drop=True)


def parse(kind: str, data: bytes, name: str) -> pd.DataFrame:
    if kind == "wdi_bulk_zip":
        members = _unzip(data, name)
        frames = [
            parse_bulk_csv(text_of(b, m), m)[0] for m, b in members if os.path.basename(m).startswith("API_")
        ]
        if not frames:
            raise MalformedFile(f"{name}: the zip holds no API_*.csv data file")
        return pd.concat(frames, ignore_index=True)
    text = text_of(data, name)
    if kind == "wdi_bulk_csv":
        return parse_bulk_csv(text, name)[0]
    if kind == "wdi_country_meta":
        df = csv_frame(text, name, dtype=str, keep_default_na=False)
        require_columns(df, ["Country Code", "Region", "IncomeGroup", "TableName"], name)
        return df.loc[:, ["Country Code", "Region", "IncomeGroup", "TableName"]]
    if kind == "wdi_indicator_meta":
        df = csv_frame(text, name, dtype=str, keep_default_na=False)
        require_columns(df, ["INDICATOR_CODE", "INDICATOR_NAME", "SOURCE_ORGANIZATION"], name)
        return df.loc[:, ["INDICATOR_CODE", "INDICATOR_NAME", "SOURCE_NOTE", "SOURCE_ORGANIZATION"]]
    if kind == "api_json":
        try:
            page = json.loads(text)
        except ValueError as exc:
            raise MalformedFile(f"{name} is not complete JSON: {exc}") from None
        _, rows = check_api_body(page, name)
        return api_rows_to_frame(rows)
    raise MalformedFile(f"{name}: unknown WDI file kind {kind!r}")


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        if path.suffix.lower() == ".zip":
            kind, release = "wdi_bulk_zip", None
        else:
            text = text_of(data, path.name)
            kind = detect_kind(text, path.name)
            release = parse_bulk_csv(text, path.name)[1] if kind == "wdi_bulk_csv" else None
        if len(parse(kind, data, path.name)) == 0:
            raise MalformedFile(f"{path.name} holds no values")
        return {
            "kind": kind,
            "licence": LICENCE,
            "release": f"WDI {release}" if release else None,
            "citation": CITATION,
        }

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    base = Path(shared) / "demography" / "wdi_population_2025"
    ncd = Path(shared) / "ncd" / "wdi_cause_of_death_shares_ghe2019"
    return mirror_glob(base, "API_*.csv", "Metadata_*.csv") + mirror_glob(ncd, "API_*.csv", "Metadata_*.csv")


def load_indicators(store: RawStore, indicators: list[str] | None = None) -> tuple[pd.DataFrame, list[Entry]]:
    """Tidy WDI values from every stored bulk file and API page (API pages win on overlap)."""
    frames, used = [], []
    for kind in ("wdi_bulk_csv", "wdi_bulk_zip", "api_json"):
        for e in store.find(NAME, kind):
            df = parse(kind, store.read_bytes(e), e.name)
            if indicators:
                df = df[df["indicator"].isin(indicators)]
            if len(df):
                frames.append(df)
                used.append(e)
    if not frames:
        empty = [s["key"] for s in store.snapshots(NAME) if s.get("results") == 0]
        what = f"no World Bank values{' for ' + ', '.join(indicators) if indicators else ''} in the raw store"
        if empty:
            what += f" (fetched with zero results: {', '.join(empty)})"
        raise MissingData(
            what,
            hint="`exo-industry import worldbank --mirror`, "
            "or `exo-industry fetch worldbank --indicator CODE`",
        )
    df = pd.concat(frames, ignore_index=True).drop_duplicates(
        ["country_code", "indicator", "year"], keep="last"
    )
    return df.sort_values(["indicator", "country_code", "year"]).reset_index(drop=True), used


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--indicator",
        action="append",
        default=None,
        help="WDI code; repeatable (default SP.POP.65UP.TO.ZS and SP.POP.TOTL)",
    )
    parser.add_argument(
        "--country", action="append", default=None, help="ISO3 code or 'all'; repeatable (default all)"
    )
    parser.add_argument("--start", type=int, default=1960)
    parser.add_argument("--end", type=int, default=2024)
    parser.add_argument("--per-page", type=int, default=1000)
    parser.add_argument("--base-url", default=os.environ.get("EXO_WORLDBANK_URL", API_URL))


def validate_query(indicators: list[str], countries: list[str], start: int, end: int) -> None:
    if not indicators:
        raise BadParameter("no indicator given")
    for code in indicators:
        if not INDICATOR_RE.match(code):
            raise BadParameter(f"{code!r} does not look like a WDI indicator code (e.g. SP.POP.TOTL)")
    for c in countries:
        if not (c.lower() == "all" or re.fullmatch(r"[A-Za-z0-9]{2,3}", c)):
            raise BadParameter(f"unknown country code {c!r}: use ISO3 codes (CHN), ISO2 (CN) or 'all'")
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")


def fetch_pages_raw(client, path: str, params: dict):
    """Yield (url, body bytes, meta, rows) for each page of any API v2 path, following ``pages``.

    The first request goes out with ``params`` as given; later ones add ``page=N``. Pages are
    counted here: a server that repeats its ``page`` field cannot make two pages one.
    """
    from ..http import check_pages, parse_json

    page_no = int(params.get("page", 1))
    query, count = dict(params), 0
    while True:
        check_pages(count, f"World Bank {path}")
        resp = client.get(path, params=query)
        count += 1
        body = parse_json(resp.content, f"World Bank {path} page {page_no}")
        meta, rows = check_api_body(body, f"{path} page {page_no}")
        yield resp.url, resp.content, meta, rows
        page_no += 1
        if page_no > int(meta["pages"] or 0):
            return
        query = dict(params, page=page_no)


def fetch_pages(client, indicator: str, countries: list[str], start: int, end: int, per_page: int = 1000):
    """Every page of one indicator for some countries and years."""
    path = f"country/{';'.join(countries)}/indicator/{indicator}"
    params = {"format": "json", "date": f"{start}:{end}", "per_page": per_page, "page": 1}
    yield from fetch_pages_raw(client, path, params)


def fetch(
    store: RawStore,
    indicator=None,
    country=None,
    start: int = 1960,
    end: int = 2024,
    per_page: int = 1000,
    base_url: str = API_URL,
    client=None,
) -> list[Entry]:
    from ..http import Client
    from ..redact import redact_url
    from ..store import Page

    indicators = list(indicator) if indicator is not None else ["SP.POP.65UP.TO.ZS", "SP.POP.TOTL"]
    countries = [c.upper() if c.lower() != "all" else "all" for c in (country or ["all"])]
    validate_query(indicators, countries, start, end)
    client = client or Client(base_url, name="World Bank API")
    snapshots = []  # (key, query, pages, results): one per indicator
    for code in tqdm(indicators, desc="WDI indicators", unit="indicator", disable=None):
        query = {"indicator": code, "countries": countries, "start": start, "end": end}
        pages, results = [], 0
        for url, body, meta, rows in fetch_pages(client, code, countries, start, end, per_page):
            lastupdated = meta.get("lastupdated")
            release = f"WDI {lastupdated}" if isinstance(lastupdated, str) and lastupdated else None
            pages.append(
                Page(
                    body,
                    redact_url(url),
                    "api_json",
                    LICENCE,
                    release=release,
                    citation=CITATION,
                    query=query,
                )
            )
            results += len(rows)
        snapshots.append((f"api_{code}_{'-'.join(countries)}_{start}-{end}", query, pages, results))
    # Everything arrived and was checked: only now write, one snapshot per query.
    entries = []
    for key, query, pages, results in snapshots:
        entries += store.put_snapshot(NAME, key, pages, results=results, query=query)
    return entries
