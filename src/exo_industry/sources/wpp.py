"""UN World Population Prospects 2024: population by 5-year age group and sex.

Live route: the UN Population Division Data Portal API
(``https://population.un.org/dataportalapi/api/v1``; indicator 46, "Population by
5-year age groups and sex"; a bearer token from ``UN_DATAPORTAL_TOKEN`` is required by
the portal since 2024). Pages are followed through ``nextPage`` and stored one file each.

Import route, any of:
- the ``wpp2024`` R package tables written to CSV: ``popAge5dt`` (estimates 1950–2020),
  ``popprojAge5dt`` (projections 2025–2100 with ``*_low``/``*_high``), ``countries``,
  and ``UNlocations.txt`` (location tree);
- the WPP download file ``WPP2024_PopulationByAge5GroupSex_Medium.csv(.gz)`` (and the
  other variants' files);
- the Gapminder/Open Numbers DDF extract (annual population by 5-year age group and
  total: ``ddf--datapoints--population--by--country_area--time...``).

Units everywhere: thousands of people at 1 July of the year.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tqdm.auto import tqdm

from .._lazy import pd
from ..config import secret
from ..errors import BadParameter, MalformedFile, SourceError
from ..store import Entry, RawStore
from ._files import csv_frame, first_line, import_validated, require_columns, text_of

NAME = "wpp"
TITLE = "UN World Population Prospects 2024"
LICENCE = "CC BY 3.0 IGO"
RELEASE = "WPP 2024"
HOME = "https://population.un.org/wpp/"
CITATION = "United Nations, DESA, Population Division (2024). World Population Prospects 2024."
API_URL = "https://population.un.org/dataportalapi/api/v1"
INDICATOR_AGE5 = 46  # Population by 5-year age groups and sex

# The portal's variant names, mapped to ours.
_PORTAL_VARIANTS = {
    "Median": "medium",
    "Medium": "medium",
    "Low": "low",
    "High": "high",
    "Estimates": "estimates",
}
# What the aging section reads from a portal answer: estimates and the medium/low/high projections,
# male, female and both sexes. Everything else the portal sends (other projection variants and
# prediction intervals) is dropped when a page is read, and the filter is recorded in the
# snapshot's query. It is applied after download, not in the request, because the portal's own
# documentation (https://population.un.org/dataportal/about/dataapi and the Swagger page at
# https://population.un.org/dataportalapi/index.html) could not be consulted for this change:
# neither page is in the offline reference corpus, and a filter parameter whose name and ids are
# not documented might be ignored by the server or mean something else (third-party scripts do
# pass ``variants=4&sexes=3``, but that is not the portal's word). The raw pages stay as sent.
PORTAL_VARIANTS_KEPT = ("estimates", "medium", "low", "high")
PORTAL_SEXES_KEPT = ("male", "female", "both sexes")
PORTAL_FILTER = {
    "variants": list(PORTAL_VARIANTS_KEPT),
    "sexes": list(PORTAL_SEXES_KEPT),
    "applied": "after download, when a page is read",
    "reason": "the Data Portal API's documentation of its variant and sex filters was not available",
}
AGE_GROUPS = [f"{a}-{a + 4}" for a in range(0, 100, 5)] + ["100+"]
POP_COLUMNS = ["location_code", "year", "variant", "age_group", "pop_male", "pop_female", "pop_total"]


def age_start(label: str) -> int:
    label = str(label).strip()
    if label.endswith("+"):
        return int(label[:-1])
    return int(label.split("-")[0])


def _norm_age(label: str) -> str:
    """``60_64`` / ``100plus`` (DDF) and ``60-64`` / ``100+`` (UN) to ``60-64`` / ``100+``."""
    s = str(label).strip().replace("_", "-")
    if s.endswith("plus"):
        s = s[: -len("plus")] + "+"
    if s not in AGE_GROUPS:
        raise MalformedFile(f"unexpected age group {label!r}")
    return s


# --------------------------------------------------------------------------- import
def detect_kind(text: str, name: str) -> str:
    head = first_line(text)
    cols = [c.strip().strip('"') for c in head.replace("\t", ",").split(",")]
    if {"country_code", "year", "age", "pop_low", "pop_high"} <= set(cols):
        return "popprojAge5dt"
    if {"country_code", "year", "age", "popM", "popF", "pop"} <= set(cols):
        return "popAge5dt"
    if cols[:3] == ["country_code", "name", "country_order"]:
        return "countries"
    if cols[:3] == ["name", "country_code", "reg_code"] and "location_type" in cols:
        return "unlocations"
    if {"LocID", "Time", "AgeGrp", "PopTotal", "Variant"} <= set(cols):
        return "wpp_age5_download"
    if {"country_area", "time", "age_group_5year", "population"} <= set(cols):
        return "ddf_age5"
    if cols[:3] == ["country_area", "time", "population"]:
        return "ddf_total"
    if head.startswith("{") and '"data"' in text[:100000] and '"ageLabel"' in text[:100000]:
        return "portal_json"
    raise MalformedFile(
        f"{name} is not a WPP file this importer knows (first line: {head[:120]!r})",
        hint="expected the wpp2024 package tables as CSV, a WPP2024_PopulationByAge5GroupSex_*.csv(.gz) "
        "download, the DDF population extract, or a Data Portal API JSON page",
    )


def parse(kind: str, text: str, name: str) -> pd.DataFrame:
    """Parse one file of a known kind into a frame (validating as it goes)."""
    if kind == "portal_json":
        return _parse_portal_page(text, name)
    reader = _PARSERS.get(kind)
    if reader is None:
        raise MalformedFile(f"{name}: unknown WPP file kind {kind!r}")
    return reader(text, name)


def _pop_frame(codes, years, variant, ages, male, female, total) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "location_code": codes.astype(int),
            "year": years.astype(int),
            "variant": variant,
            "age_group": ages.map(_norm_age),
            "pop_male": male.astype(float),
            "pop_female": female.astype(float),
            "pop_total": total.astype(float),
        }
    )


def _parse_estimates(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    require_columns(df, ["country_code", "year", "age", "popM", "popF", "pop"], name)
    return _pop_frame(
        df["country_code"], df["year"], "estimates", df["age"], df["popM"], df["popF"], df["pop"]
    )


def _parse_projections(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    needed = ["country_code", "year", "age", "popM", "popF", "pop", "popM_low", "popF_low", "pop_low"]
    require_columns(df, needed, name)
    frames = [
        _pop_frame(
            df["country_code"],
            df["year"],
            variant,
            df["age"],
            df[f"popM{sfx}"],
            df[f"popF{sfx}"],
            df[f"pop{sfx}"],
        )  # fmt: skip
        for variant, sfx in (("medium", ""), ("low", "_low"), ("high", "_high"))
    ]
    return pd.concat(frames, ignore_index=True)


def _parse_age5_download(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name, low_memory=False)
    require_columns(df, ["LocID", "Time", "AgeGrp", "PopMale", "PopFemale", "PopTotal", "Variant"], name)
    variant = df["Variant"].map(lambda v: _PORTAL_VARIANTS.get(str(v), str(v).lower()))
    variant = variant.where(~(df["Time"].astype(int) <= 2023), "estimates")
    return _pop_frame(df["LocID"], df["Time"], variant, df["AgeGrp"], df["PopMale"], df["PopFemale"],
                      df["PopTotal"])  # fmt: skip


def _parse_countries(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    require_columns(df, ["country_code", "name"], name)
    return df


def _parse_unlocations(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name, sep="\t", dtype=str, keep_default_na=False)
    require_columns(df, ["name", "country_code", "location_type"], name)
    return df


def _parse_ddf_age5(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    require_columns(df, ["country_area", "time", "age_group_5year", "population"], name)
    return pd.DataFrame(
        {
            "location_code": df["country_area"].astype(int),
            "year": df["time"].astype(int),
            "age_group": df["age_group_5year"].map(_norm_age),
            "pop_total": df["population"].astype(float),
        }
    )


def _parse_ddf_total(text: str, name: str) -> pd.DataFrame:
    df = csv_frame(text, name)
    require_columns(df, ["country_area", "time", "population"], name)
    return pd.DataFrame(
        {
            "location_code": df["country_area"].astype(int),
            "year": df["time"].astype(int),
            "pop_total": df["population"].astype(float),
        }
    )


_PARSERS = {
    "popAge5dt": _parse_estimates,
    "popprojAge5dt": _parse_projections,
    "wpp_age5_download": _parse_age5_download,
    "countries": _parse_countries,
    "unlocations": _parse_unlocations,
    "ddf_age5": _parse_ddf_age5,
    "ddf_total": _parse_ddf_total,
}


def _portal_filter(df: pd.DataFrame) -> pd.DataFrame:
    """Only the rows of :data:`PORTAL_FILTER` (variants in our names, sexes lower-cased), before the
    estimates relabelling below, so that no other variant's early years pass as estimates."""
    variant = df["variant"].map(lambda v: _PORTAL_VARIANTS.get(str(v).strip()))
    sex = df["sex"].astype(str).str.strip().str.lower()
    keep = variant.isin(PORTAL_VARIANTS_KEPT) & sex.isin(PORTAL_SEXES_KEPT)
    return df.loc[keep].assign(variant=variant[keep], sex=sex[keep])


def portal_rows_dropped(text: str) -> int:
    """How many rows of one portal page :func:`_portal_filter` leaves out (0 for a page without rows)."""
    rows = (json.loads(text) or {}).get("data") or []
    if not rows:
        return 0
    df = pd.DataFrame(rows)
    return len(df) - len(_portal_filter(df)) if {"variant", "sex"} <= set(df) else 0


def _parse_portal_page(text: str, name: str) -> pd.DataFrame:
    try:
        page = json.loads(text)
    except ValueError as exc:
        raise MalformedFile(f"{name} is not complete JSON: {exc}") from None
    rows = page.get("data") if isinstance(page, dict) else None
    if rows is None:
        keys = list(page)[:8] if isinstance(page, dict) else type(page).__name__
        raise MalformedFile(f"{name} has no 'data' list (keys: {keys})")
    if not rows:
        return pd.DataFrame(columns=POP_COLUMNS)
    df = pd.DataFrame(rows)
    require_columns(df, ["locationId", "timeLabel", "variant", "ageLabel", "sex", "value"], name)
    df = _portal_filter(df)
    if df.empty:
        return pd.DataFrame(columns=POP_COLUMNS)
    df["year"] = df["timeLabel"].astype(int)
    df.loc[df["year"] <= 2023, "variant"] = "estimates"
    df["sexcol"] = df["sex"].map({"male": "pop_male", "female": "pop_female", "both sexes": "pop_total"})
    df["age_group"] = df["ageLabel"].map(_norm_age)
    wide = df.pivot_table(
        index=["locationId", "year", "variant", "age_group"],
        columns="sexcol",
        values="value",
        aggfunc="first",
    )
    wide = wide.reset_index().rename(columns={"locationId": "location_code"})
    # The portal reports values in persons; our tables are in thousands.
    for col in ("pop_male", "pop_female", "pop_total"):
        if col not in wide:
            wide[col] = float("nan")
        wide[col] = wide[col].astype(float) / 1000.0
    return wide[POP_COLUMNS]


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    """Validate every file first, then store them all (a bad file stores nothing)."""

    def check(path: Path, data: bytes) -> dict:
        text = text_of(data, path.name)
        kind = detect_kind(text, path.name)
        if len(parse(kind, text, path.name)) == 0 and kind != "portal_json":
            raise MalformedFile(f"{path.name} has a header but no rows")
        return {"kind": kind, "licence": LICENCE, "release": RELEASE, "citation": CITATION}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    base = Path(shared) / "demography"
    return [
        base / "wpp2024_pkg_popage5" / "popAge5dt.csv",
        base / "wpp2024_pkg_popage5" / "popprojAge5dt.csv",
        base / "wpp2024_pkg_popage5" / "countries.csv",
        base / "wpp2024_pkg_popage5" / "UNlocations.txt",
        base / "wpp2024_ddf_china_annual" / "china_population_by_age_group_5year_60plus_2015_2025.csv",
        base / "wpp2024_ddf_china_annual" / "china_population_total_2015_2025.csv",
    ]


# --------------------------------------------------------------------------- loaders
def _frames(store: RawStore, kind: str) -> list[tuple[Entry, pd.DataFrame]]:
    out = []
    for e in store.find(NAME, kind):
        text = text_of(store.read_bytes(e), e.name)
        out.append((e, parse(kind, text, e.name)))
    return out


def load_population(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    """Population by location, year, variant and age group (thousands), from whatever is stored.

    Preference: the package tables, else the WPP download files, else portal pages.
    """
    for kinds in (("popAge5dt", "popprojAge5dt"), ("wpp_age5_download",), ("portal_json",)):
        got = [fe for k in kinds for fe in _frames(store, k)]
        if got:
            entries = [e for e, _ in got]
            df = pd.concat([f for _, f in got], ignore_index=True)
            df = df.drop_duplicates(["location_code", "year", "variant", "age_group"], keep="last")
            return df[POP_COLUMNS].reset_index(drop=True), entries
    from ..errors import MissingData

    raise MissingData(
        "no WPP population-by-age data in the raw store",
        hint="`exo-industry import wpp --mirror` (offline mirror) or `exo-industry fetch wpp --location CHN`",
    )


def load_locations(store: RawStore) -> tuple[pd.DataFrame, list[Entry]]:
    """Location codes and names; ``is_country`` from the UN location tree when it is stored."""
    from ..locations import iso3_for

    names = _frames(store, "countries")
    tree = _frames(store, "unlocations")
    entries = [e for e, _ in names + tree]
    if tree:
        t = tree[-1][1]
        df = pd.DataFrame(
            {
                "location_code": t["country_code"].astype(int),
                "name": t["name"],
                "is_country": t["location_type"] == "4",
            }
        )
        if names:
            n = names[-1][1][["country_code", "name"]].rename(columns={"country_code": "location_code"})
            df = n.merge(df[["location_code", "is_country"]], on="location_code", how="left")
            df["is_country"] = df["is_country"].fillna(False).astype(bool)
    elif names:
        n = names[-1][1]
        df = pd.DataFrame({"location_code": n["country_code"].astype(int), "name": n["name"]})
        df["is_country"] = df["location_code"].map(lambda c: iso3_for(c) is not None)
    else:
        df = pd.DataFrame(columns=["location_code", "name", "is_country"])
    df["iso3"] = df["location_code"].map(lambda c: iso3_for(int(c)) or "")
    return df[["location_code", "name", "iso3", "is_country"]].sort_values("location_code").reset_index(
        drop=True
    ), entries


def load_annual(store: RawStore) -> tuple[pd.DataFrame, pd.DataFrame, list[Entry]]:
    """The annual DDF extract: (age groups, totals, entries); empty frames when absent."""
    ages = _frames(store, "ddf_age5")
    totals = _frames(store, "ddf_total")
    a = (
        pd.concat([f for _, f in ages], ignore_index=True)
        if ages
        else pd.DataFrame(columns=["location_code", "year", "age_group", "pop_total"])
    )
    t = (
        pd.concat([f for _, f in totals], ignore_index=True)
        if totals
        else pd.DataFrame(columns=["location_code", "year", "pop_total"])
    )
    return a, t, [e for e, _ in ages + totals]


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    parser.add_argument(
        "--location",
        action="append",
        default=None,
        help="location (name, ISO3 or M49 code); repeatable; default CHN",
    )
    parser.add_argument("--start", type=int, default=1950)
    parser.add_argument("--end", type=int, default=2100)
    parser.add_argument("--base-url", default=os.environ.get("EXO_WPP_URL", API_URL))


def _location_id(text: str) -> int:
    import pycountry

    from ..locations import ALIASES

    t = str(text).strip()
    if t.isdigit():
        return int(t)
    if t.lower() in ALIASES:
        return ALIASES[t.lower()]
    c = (
        pycountry.countries.get(alpha_3=t.upper())
        if len(t) == 3
        else pycountry.countries.get(alpha_2=t.upper())
        if len(t) == 2
        else None
    )
    if c is None:
        try:
            c = pycountry.countries.lookup(t)
        except LookupError:
            raise BadParameter(
                f"unknown location {t!r}", hint="use an ISO 3166 code (CHN) or a UN M49 code (156)"
            ) from None
    return int(c.numeric)


def fetch(
    store: RawStore, location=None, start: int = 1950, end: int = 2100, base_url: str = API_URL, client=None
) -> list[Entry]:
    from ..http import Client
    from ..store import Page

    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    if start < 1950 or end > 2100:
        raise BadParameter(f"years {start}-{end} outside WPP's 1950-2100")
    ids = sorted({_location_id(x) for x in (location or ["CHN"])})
    token = secret("UN_DATAPORTAL_TOKEN")
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = client or Client(base_url, name="UN Data Portal", min_interval=0.5, headers=headers)
    loc = ",".join(map(str, ids))
    path = f"data/indicators/{INDICATOR_AGE5}/locations/{loc}/start/{start}/end/{end}"
    params = {"pagingInHeader": "false", "format": "json", "pageSize": 1000}
    pages, results = _walk_portal(client, client.url(path), params)
    dropped = sum(portal_rows_dropped(body.decode("utf-8")) for _, body, _ in pages)
    query = {"indicator": INDICATOR_AGE5, "locations": ids, "start": start, "end": end,
             "filter": dict(PORTAL_FILTER, rows_dropped=dropped)}  # fmt: skip
    tag = f"portal_{INDICATOR_AGE5}_{'-'.join(map(str, ids))}_{start}-{end}"
    snapshot = [
        Page(
            body,
            _redacted(u),
            "portal_json",
            LICENCE,
            release=RELEASE,
            citation=CITATION,
            query=query,
            retrieved_at=when,
        )
        for u, body, when in pages
    ]
    return store.put_snapshot(NAME, tag, snapshot, results=results, query=query)


def _walk_portal(client, url: str, params: dict) -> tuple[list[tuple[str, bytes, str | None]], int]:
    """Every page of one portal query, each checked before the next is asked for:
    ([(url, body, retrieved_at)], rows); a cached answer keeps the time it was fetched."""
    from ..http import check_pages, parse_json

    pages: list[tuple[str, bytes, str | None]] = []
    results = 0
    bar = tqdm(desc="WPP pages", unit="page", disable=None)
    while url:
        check_pages(len(pages), "UN Data Portal")
        resp = client.get(url, params=params if not pages else None)  # the client refuses other hosts
        where = f"UN Data Portal page {len(pages) + 1}"
        page = parse_json(resp.content, where)
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise SourceError(f"{where}: unexpected answer: {resp.content[:200]!r}")
        try:  # validate before storing: the loader must be able to read every page
            results += len(_parse_portal_page(resp.content.decode("utf-8"), where))
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise SourceError(
                f"{where}: the rows cannot be read ({str(exc).splitlines()[0][:200]})",
                hint="nothing was stored",
            ) from None
        pages.append((resp.url, resp.content, getattr(resp, "retrieved_at", None)))
        bar.update(1)
        url = page.get("nextPage")
        if url is not None and not isinstance(url, str):
            raise SourceError(f"{where}: nextPage is {url!r}, not a link")
    bar.close()
    return pages, results


def _redacted(url: str) -> str:
    from ..redact import redact_url

    return redact_url(url)
