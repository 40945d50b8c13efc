"""WHO Global Health Observatory (GHO), through its OData API.

Live route: ``GET https://ghoapi.azureedge.net/api/<IndicatorCode>?$filter=...``
(WHO, "GHO OData API", https://www.who.int/data/gho/info/gho-odata-api). The answer is
an OData v4 JSON collection::

    {"@odata.context": "...", "value": [ {row}, ... ], "@odata.nextLink": "<url of the next page>"}

Each row carries ``IndicatorCode``, ``SpatialDimType`` (``COUNTRY``, ``REGION``,
``GLOBAL``, ``WORLDBANKINCOMEGROUP``), ``SpatialDim`` (ISO3 for countries, ``GLOBAL``
for the world), ``TimeDim`` (year), optional disaggregations ``Dim1Type``/``Dim1``
(e.g. sex: ``SEX_BTSX``), and the value as ``NumericValue`` (number or null) with
``Value`` (display text) and ``Low``/``High`` (uncertainty bounds).

Paging is server-driven: while the answer has ``@odata.nextLink``, that URL is
requested next (it is followed as given, relative links resolved against the page).
Errors come two ways: an HTTP error status (404 for an unknown indicator, 400 for a
filter the service cannot parse), or an OData error body ``{"error": {"code": ...,
"message": ...}}``; an HTML page instead of JSON (seen when the service is
overloaded) fails JSON parsing. All become a :class:`SourceError`, and nothing is
stored unless every page of every indicator arrived and validated.

Default indicator: ``NCDMORT3070``, WHO's SDG 3.4.1 indicator, the probability (%) of
dying between exact ages 30 and 70 from cardiovascular disease, cancer, diabetes or
chronic respiratory disease (the four main NCDs).

Import route: OData JSON pages saved from the same API (``.json``).
No offline copy of any GHO answer exists in the mirror, so ``mirror_files`` is empty.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin

from tqdm.auto import tqdm

from .._lazy import pd
from ..errors import BadParameter, MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import import_validated, text_of

NAME = "who_gho"
TITLE = "WHO Global Health Observatory (OData API)"
LICENCE = "CC BY-NC-SA 3.0 IGO"
HOME = "https://www.who.int/data/gho"
CITATION = "World Health Organization, Global Health Observatory data repository (GHO OData API)."
API_URL = "https://ghoapi.azureedge.net/api"
DOCS_URL = "https://www.who.int/data/gho/info/gho-odata-api"
DEFAULT_INDICATORS = ["NCDMORT3070"]
KIND = "gho_odata_json"
MAX_PAGES = 2000

INDICATOR_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{1,60}$")
SPATIAL_RE = re.compile(r"^[A-Z][A-Z0-9_]{1,20}$")
REQUIRED_ROW_KEYS = ("IndicatorCode", "SpatialDim", "TimeDim", "NumericValue")
TIDY_COLUMNS = [
    "indicator", "spatial_type", "spatial", "year", "dim1_type", "dim1", "dim2", "dim3",
    "value", "low", "high",
]  # fmt: skip


# --------------------------------------------------------------------------- validation
def odata_error_text(body) -> str | None:
    """The message of an OData error body, or None when the body is not one."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        err = body["error"]
        code = err.get("code") or ""
        message = err.get("message") or ""
        if isinstance(message, dict):  # OData v3 verbose style: {"lang": ..., "value": ...}
            message = message.get("value", "")
        return f"{code}: {message}".strip(": ") or "unspecified error"
    return None


def check_page(body, where: str) -> tuple[list[dict], str | None]:
    """Validate one OData answer; return (rows, next link or None)."""
    err = odata_error_text(body)
    if err is not None:
        raise SourceError(
            f"WHO GHO API refused {where}: {err}",
            hint=f"check the indicator code and the filter; see {DOCS_URL}",
        )
    if not isinstance(body, dict) or not isinstance(body.get("value"), list):
        keys = list(body)[:6] if isinstance(body, dict) else type(body).__name__
        raise SourceError(f"WHO GHO API: unexpected answer for {where} (no 'value' list; got {keys})")
    rows = body["value"]
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SourceError(f"WHO GHO API: row {i} of {where} is not an object")
        missing = [k for k in REQUIRED_ROW_KEYS if k not in row]
        if missing:
            raise SourceError(f"WHO GHO API: row {i} of {where} lacks {', '.join(missing)}")
        v = row["NumericValue"]
        if v is not None and not isinstance(v, (int, float)):
            raise SourceError(f"WHO GHO API: row {i} of {where} has a non-numeric NumericValue {v!r}")
    nxt = body.get("@odata.nextLink")
    if nxt is not None and not isinstance(nxt, str):
        raise SourceError(f"WHO GHO API: '@odata.nextLink' of {where} is not a URL")
    return rows, nxt


def rows_to_frame(rows: list[dict]) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame(columns=TIDY_COLUMNS)

    def num(x):
        return float(x) if isinstance(x, (int, float)) else float("nan")

    df = pd.DataFrame(
        {
            "indicator": [r["IndicatorCode"] for r in rows],
            "spatial_type": [r.get("SpatialDimType") or "" for r in rows],
            "spatial": [r["SpatialDim"] for r in rows],
            "year": [int(r["TimeDim"]) if r["TimeDim"] is not None else -1 for r in rows],
            "dim1_type": [r.get("Dim1Type") or "" for r in rows],
            "dim1": [r.get("Dim1") or "" for r in rows],
            # multi-dimension indicators (e.g. age group, income, cause) carry Dim2/Dim3
            "dim2": [r.get("Dim2") or "" for r in rows],
            "dim3": [r.get("Dim3") or "" for r in rows],
            "value": [num(r["NumericValue"]) for r in rows],
            "low": [num(r.get("Low")) for r in rows],
            "high": [num(r.get("High")) for r in rows],
        }
    )
    return df


def build_filter(spatial: list[str] | None, start: int | None, end: int | None) -> str:
    """An OData ``$filter`` expression: locations (any of) and a year range."""
    parts = []
    if spatial:
        parts.append("(" + " or ".join(f"SpatialDim eq '{s}'" for s in spatial) + ")")
    if start is not None:
        parts.append(f"TimeDim ge {int(start)}")
    if end is not None:
        parts.append(f"TimeDim le {int(end)}")
    return " and ".join(parts)


def validate_query(indicators: list[str], spatial: list[str], start: int | None, end: int | None) -> None:
    if not indicators:
        raise BadParameter("no GHO indicator given (e.g. NCDMORT3070)")
    for code in indicators:
        if not INDICATOR_RE.match(code):
            raise BadParameter(f"{code!r} does not look like a GHO indicator code (e.g. NCDMORT3070)")
    for s in spatial:
        if not SPATIAL_RE.match(s):
            raise BadParameter(
                f"unknown GHO location code {s!r}: use ISO3 codes in capitals (CHN), GLOBAL for the world, "
                "or a WHO region code (AFR, AMR, SEAR, EUR, EMR, WPR)"
            )
    if start is not None and end is not None and start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--indicator",
        action="append",
        default=None,
        help="GHO indicator code; repeatable (default NCDMORT3070)",
    )
    parser.add_argument(
        "--location",
        action="append",
        default=None,
        help="GHO SpatialDim: ISO3 code, GLOBAL or a WHO region; repeatable (default: all)",
    )
    parser.add_argument("--start", type=int, default=2000)
    parser.add_argument("--end", type=int, default=2019)
    parser.add_argument("--base-url", default=os.environ.get("EXO_WHO_GHO_URL", API_URL))


def fetch_pages(client, indicator: str, odata_filter: str):
    """Yield (url, body bytes, rows, retrieved_at) for every page of one indicator query."""
    from ..http import check_pages, parse_json
    from ..redact import redact_url

    url = client.url(indicator)
    params = {"$filter": odata_filter} if odata_filter else None
    page = 0
    seen = set()
    while url:
        check_pages(page, f"WHO GHO API {indicator}")
        page += 1
        if page > MAX_PAGES or url in seen:
            raise SourceError(
                f"WHO GHO API: paging of {indicator} does not end (page {page}, {redact_url(url)})"
            )
        seen.add(url)
        resp = client.get(url, params=params if page == 1 else None)
        body = parse_json(resp.content, f"WHO GHO {indicator} page {page}")
        rows, nxt = check_page(body, f"{indicator} page {page}")
        try:  # the loader must be able to read every row that is stored
            rows_to_frame(rows)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SourceError(
                f"WHO GHO API: rows of {indicator} page {page} cannot be read ({str(exc)[:160]})",
                hint="nothing was stored",
            ) from None
        yield resp.url, resp.content, rows, getattr(resp, "retrieved_at", None)  # cached: its own time
        url = urljoin(resp.url, nxt) if nxt else None


def fetch(
    store: RawStore,
    indicator=None,
    location=None,
    start: int | None = 2000,
    end: int | None = 2019,
    base_url: str | None = None,
    client=None,
) -> list[Entry]:
    from ..http import Client
    from ..redact import redact_url
    from ..store import Page

    indicators = list(indicator or DEFAULT_INDICATORS)
    spatial = [s.strip().upper() for s in (location or [])]
    validate_query(indicators, spatial, start, end)
    odata_filter = build_filter(spatial, start, end)
    base_url = base_url or os.environ.get("EXO_WHO_GHO_URL", API_URL)
    client = client or Client(base_url, name="WHO GHO API", min_interval=0.5)
    tag = "-".join(spatial) if spatial else "all"
    query = {"filter": odata_filter, "locations": spatial, "start": start, "end": end}
    snapshots = []
    for code in tqdm(indicators, desc="GHO indicators", unit="indicator", disable=None):
        q = dict(query, indicator=code)
        pages, results = [], 0
        for url, body, rows, when in fetch_pages(client, code, odata_filter):
            pages.append(
                Page(body, redact_url(url), KIND, LICENCE, citation=CITATION, query=q, retrieved_at=when)
            )
            results += len(rows)
        snapshots.append((f"gho_{code}_{tag}_{start}-{end}", q, pages, results))
    # Every page of every indicator arrived and validated: only now write, one snapshot per query.
    entries = []
    for key, q, pages, results in snapshots:
        entries += store.put_snapshot(NAME, key, pages, results=results, query=q)
    return entries


# --------------------------------------------------------------------------- import
def detect_kind(text: str, name: str) -> str:
    head = text.lstrip("\ufeff").lstrip()[:2000]
    if head.startswith("{") and ('"value"' in head or '"@odata.context"' in head):
        return KIND
    raise MalformedFile(
        f"{name} is not a WHO GHO OData answer (it does not start with a JSON object holding 'value')",
        hint=f"save the JSON returned by {API_URL}/<IndicatorCode>",
    )


def parse(text: str, name: str) -> pd.DataFrame:
    try:
        body = json.loads(text)
    except ValueError as exc:
        raise MalformedFile(f"{name} is not complete JSON: {exc}") from None
    try:
        rows, _ = check_page(body, name)
    except SourceError as exc:
        raise MalformedFile(str(exc).split("\n")[0]) from None
    return rows_to_frame(rows)


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        text = text_of(data, path.name)
        kind = detect_kind(text, path.name)
        if parse(text, path.name).empty:
            raise MalformedFile(f"{path.name} holds no GHO rows")
        return {"kind": kind, "licence": LICENCE, "citation": CITATION}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    return []  # no recorded GHO answer exists in the offline mirror


def load_values(store: RawStore, indicators: list[str] | None = None) -> tuple[pd.DataFrame, list[Entry]]:
    """Tidy GHO rows from every stored page (later retrievals win on overlap)."""
    entries = sorted(store.find(NAME, KIND), key=lambda e: (e.provenance.retrieved_at, e.name))
    frames, used = [], []
    for e in entries:
        df = parse(text_of(store.read_bytes(e), e.name), e.name)
        if indicators:
            df = df[df["indicator"].isin(indicators)]
        if len(df):
            frames.append(df)
            used.append(e)
    if not frames:
        raise MissingData(
            "no WHO GHO values in the raw store",
            hint="`exo-industry fetch who_gho --indicator NCDMORT3070` (needs a network)",
        )
    # one row per indicator, place, year and every dimension: rows that differ only in Dim2 or
    # Dim3 are different figures, not duplicates
    keys = ["indicator", "spatial", "year", "dim1", "dim2", "dim3"]
    df = pd.concat(frames, ignore_index=True).drop_duplicates(keys, keep="last")
    return df.sort_values(keys).reset_index(drop=True), used
