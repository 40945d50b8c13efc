"""World Bank WDI: bulk-CSV import on the real mirror files, and the API v2 client on a
replay server serving the real recorded exchanges (go-vcr cassettes of wbdata-go)."""

import time
import zipfile

import pytest

from exo_industry.errors import BadParameter, MalformedFile, SourceError
from exo_industry.http import Client
from exo_industry.sources import worldbank
from exo_industry.store import RawStore
from helpers import need_shared
from replay import load_go_vcr, split_url

CASSETTES = ("demography", "worldbank_api_v2_cassettes")


def wdi_file(name_start: str):
    folder = need_shared("demography", "wdi_population_2025")
    return next(folder.glob(name_start + "*"))


# ------------------------------------------------------------------ import route
def test_bulk_csv_china_65plus():
    path = wdi_file("API_SP.POP.65UP.TO.ZS")
    df, release = worldbank.parse_bulk_csv(path.read_text(encoding="utf-8-sig"), path.name)
    assert release == "2025-04-15"
    chn = df[(df.country_code == "CHN")].set_index("year")["value"]
    assert round(chn.loc[2022], 3) == pytest.approx(
        13.782, abs=1e-3
    )  # SOURCE.md: 13.781 % (13.78193 in the file)
    assert chn.index.min() == 1960 and chn.index.max() == 2023  # the 2024 column is empty
    assert set(df.indicator) == {"SP.POP.65UP.TO.ZS"}


def test_import_validates_then_stores_with_release(tmp_path):
    store = RawStore(tmp_path)
    entries = worldbank.import_files(store, [wdi_file("API_SP.POP.TOTL"), wdi_file("Metadata_Country")])
    kinds = {e.kind for e in entries}
    assert kinds == {"wdi_bulk_csv", "wdi_country_meta"}
    bulk = next(e for e in entries if e.kind == "wdi_bulk_csv")
    assert bulk.provenance.release == "WDI 2025-04-15" and bulk.provenance.route == "import"
    df, used = worldbank.load_indicators(store, ["SP.POP.TOTL"])
    assert df[(df.country_code == "CHN") & (df.year == 2022)].value.iloc[0] == 1412175000


def test_zip_download_is_read(tmp_path):
    src = wdi_file("API_SP.POP.65UP.TO.ZS")
    z = tmp_path / "API_SP.POP.65UP.TO.ZS_DS2_en_csv_v2.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(src, src.name)
    store = RawStore(tmp_path / "raw")
    [e] = worldbank.import_files(store, [z])
    assert e.kind == "wdi_bulk_zip"
    df, _ = worldbank.load_indicators(store)
    assert len(df) > 10000


def test_wrong_file_rejected_and_nothing_stored(tmp_path):
    bad = tmp_path / "notes.csv"
    bad.write_text("name,value\nx,1\n")
    good = wdi_file("API_SP.POP.TOTL")
    store = RawStore(tmp_path / "raw")
    with pytest.raises(MalformedFile, match="notes.csv is not a World Bank WDI file"):
        worldbank.import_files(store, [good, bad])
    assert store.entries() == []


def test_damaged_bulk_csv_rejected(tmp_path):
    bad = tmp_path / "API_X.csv"
    bad.write_text(
        '"Data Source","World Development Indicators",\n\n"Last Updated Date","2025-04-15",\n\n'
        '"Country Name","Country Code","Indicator Code","2020"\n"A","AAA","X.Y","abc"\n'
    )
    with pytest.raises(ValueError):
        worldbank.import_files(RawStore(tmp_path / "raw"), [bad])


# ------------------------------------------------------------------ live route (replay)
def serve_cassettes(replay):
    folder = need_shared(*CASSETTES)
    for cassette in sorted(folder.glob("*.yaml")):
        for it in load_go_vcr(cassette):
            path, query = split_url(it["url"], strip_prefix="/v2")
            replay.add(
                it["method"],
                path,
                it["body"],
                status=it["status"],
                query=query,
                headers={"Content-Type": "application/json"},
            )
    return folder


def recorded_body(index=0) -> bytes:
    folder = need_shared(*CASSETTES)
    return load_go_vcr(folder / "TestIndicatorValuesService_ListByCountryIDs.yaml")[index]["body"]


def client(replay, retries=3):
    return Client(replay.url, name="World Bank API", cache=False, backoff=0.1, retries=retries)


def test_paged_query_with_nulls(replay):
    serve_cassettes(replay)
    c = client(replay)
    first = next(
        worldbank.fetch_pages_raw(c, "countries/JPN;USA/indicators/NY.GDP.MKTP.CD", {"format": "json"})
    )
    meta, rows = first[2], first[3]
    assert meta["total"] == 122 and meta["pages"] == 3
    df = worldbank.api_rows_to_frame(rows)
    assert len(df) < len(rows)  # the null values for 2020 are dropped, not turned into zeros
    assert any(r["value"] is None for r in rows)


def test_error_body_with_status_200_is_an_error(replay):
    serve_cassettes(replay)
    with pytest.raises(SourceError, match="Invalid value"):
        next(
            worldbank.fetch_pages_raw(
                client(replay), "countries/ABCDEFG;HIJKLM/indicators/NY.GDP.MKTP.CD", {"format": "json"}
            )
        )


def test_http_400_is_an_error(replay):
    serve_cassettes(replay)
    with pytest.raises(SourceError, match="HTTP 400"):
        next(
            worldbank.fetch_pages_raw(
                client(replay),
                "countries/JPN;USA/indicators/NY.GDP.MKTP.CD;SP.POP.TOTL",
                {"format": "json", "source": "invalid_source_id"},
            )
        )


def test_429_with_retry_after_is_honoured(replay):
    serve_cassettes(replay)
    path = "/countries/JPN/indicators/NY.GDP.MKTP.CD"
    replay.add("GET", path, recorded_body())
    replay.insert_fault("GET", path, 429, headers={"Retry-After": "1"}, times=1)
    t0 = time.monotonic()
    first = next(worldbank.fetch_pages_raw(client(replay), path.lstrip("/"), {"format": "json"}))
    assert time.monotonic() - t0 >= 0.9  # waited as told
    assert first[2]["total"] == 122
    assert [r.path for r in replay.log].count(path) == 2


def test_500_then_recovery(replay):
    serve_cassettes(replay)
    path = "/countries/JPN/indicators/NY.GDP.MKTP.CD"
    replay.add("GET", path, recorded_body())
    replay.insert_fault("GET", path, 500, times=2)
    first = next(worldbank.fetch_pages_raw(client(replay), path.lstrip("/"), {"format": "json"}))
    assert first[2]["total"] == 122
    assert [r.path for r in replay.log].count(path) == 3


def test_500_forever_gives_up_with_a_clear_error(replay):
    replay.add("GET", "/country/CHN/indicator/SP.POP.TOTL", b"oops", status=500)
    with pytest.raises(SourceError, match="SP.POP.TOTL"):
        worldbank.fetch(
            RawStore(), indicator=["SP.POP.TOTL"], country=["CHN"], client=client(replay, retries=1)
        )


def test_fetch_walks_all_pages_and_stores_each(replay, iso_env):
    """A two-page answer built from the recorded page (same envelope), then stored with provenance."""
    import json

    folder = serve_cassettes(replay)
    body = json.loads(load_go_vcr(folder / "TestIndicatorValuesService_ListByCountryIDs.yaml")[1]["body"])
    meta, rows = body
    for page in (1, 2):
        m = dict(meta, page=page, pages=2)
        replay.add(
            "GET",
            "/country/JPN;USA/indicator/NY.GDP.MKTP.CD",
            json.dumps([m, rows]),
            query={"format": ["json"], "date": ["2018:2019"], "per_page": ["2"], "page": [str(page)]},
        )
    store = RawStore()
    entries = worldbank.fetch(
        store,
        indicator=["NY.GDP.MKTP.CD"],
        country=["JPN", "USA"],
        start=2018,
        end=2019,
        per_page=2,
        client=client(replay),
    )
    assert len(entries) == 2
    assert all(e.provenance.route == "live" and "NY.GDP.MKTP.CD" in e.provenance.url for e in entries)
    df, _ = worldbank.load_indicators(store)
    assert set(df.country_code) == {"JPN"}  # the recorded page holds Japan's first rows
    assert [r.query["page"] for r in replay.log] == [["1"], ["2"]]


def test_truncated_body_fails_and_keeps_last_snapshot(replay, iso_env):
    import json

    folder = serve_cassettes(replay)
    it = load_go_vcr(folder / "TestIndicatorValuesService_ListByCountryIDs.yaml")[1]
    store = RawStore()
    q = {"format": ["json"], "date": ["2018:2019"], "per_page": ["1000"], "page": ["1"]}
    meta, rows = json.loads(it["body"])
    good = json.dumps([dict(meta, pages=1), rows])
    replay.add("GET", "/country/JPN/indicator/NY.GDP.MKTP.CD", good, query=q, times=1)
    worldbank.fetch(
        store, indicator=["NY.GDP.MKTP.CD"], country=["JPN"], start=2018, end=2019, client=client(replay)
    )
    before = {e.name: store.read_bytes(e) for e in store.entries()}
    replay.add("GET", "/country/JPN/indicator/NY.GDP.MKTP.CD", good, query=q, truncate=True)
    with pytest.raises(SourceError, match="cut short|not complete JSON"):
        worldbank.fetch(
            store,
            indicator=["NY.GDP.MKTP.CD"],
            country=["JPN"],
            start=2018,
            end=2019,
            client=client(replay, retries=0),
        )
    after = {e.name: store.read_bytes(e) for e in store.entries()}
    assert after == before


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(indicator=["not a code"]), "does not look like a WDI indicator"),
        (dict(country=["China!"]), "unknown country code"),
        (dict(start=2020, end=2010), "reversed years"),
        (dict(indicator=[]), "no indicator"),
    ],
)
def test_bad_queries_rejected_before_any_request(kw, message, replay, iso_env):
    with pytest.raises(BadParameter, match=message):
        worldbank.fetch(
            RawStore(),
            client=client(replay),
            **({"indicator": ["SP.POP.TOTL"]} | kw) if "indicator" not in kw else kw,
        )
    assert replay.log == []
