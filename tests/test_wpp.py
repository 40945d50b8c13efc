"""UN WPP 2024: importers on the real mirror files and on small hand-written inputs; the
Data Portal client on a replay server."""

import json

import pytest

from exo_industry.errors import BadParameter, MalformedFile
from exo_industry.http import Client
from exo_industry.sources import wpp
from exo_industry.store import RawStore
from helpers import need_shared


def test_package_tables_detected_and_parsed():
    folder = need_shared("demography", "wpp2024_pkg_popage5")
    text = (folder / "popprojAge5dt.csv").read_text()
    assert wpp.detect_kind(text, "popprojAge5dt.csv") == "popprojAge5dt"
    df = wpp.parse("popprojAge5dt", text, "popprojAge5dt.csv")
    assert set(df.variant) == {"medium", "low", "high"}
    assert sorted(df.year.unique())[:2] == [2025, 2030] and df.year.max() == 2100
    assert set(df.age_group) == set(wpp.AGE_GROUPS)
    # the low and high variants differ only where fertility matters (young ages)
    chn = df[(df.location_code == 156) & (df.year == 2050)].pivot_table(
        index="age_group", columns="variant", values="pop_total"
    )
    assert chn.loc["0-4", "low"] < chn.loc["0-4", "medium"] < chn.loc["0-4", "high"]
    assert chn.loc["60-64", "low"] == chn.loc["60-64", "high"]


def test_estimates_match_the_annual_extract():
    """SOURCE.md: China 60-64 in 2020 is 75,033.2 thousand in both the package and the DDF extract."""
    base = need_shared("demography")
    est = wpp.parse(
        "popAge5dt", (base / "wpp2024_pkg_popage5" / "popAge5dt.csv").read_text(), "popAge5dt.csv"
    )
    ddf = wpp.parse(
        "ddf_age5",
        (
            base / "wpp2024_ddf_china_annual" / "china_population_by_age_group_5year_60plus_2015_2025.csv"
        ).read_text(),
        "x",
    )
    a = est[(est.location_code == 156) & (est.year == 2020) & (est.age_group == "60-64")].pop_total.iloc[0]
    b = ddf[(ddf.year == 2020) & (ddf.age_group == "60-64")].pop_total.iloc[0]
    assert a == pytest.approx(75033.2, abs=0.1) and b == pytest.approx(a, abs=0.01)


def test_locations_table(tmp_path):
    folder = need_shared("demography", "wpp2024_pkg_popage5")
    store = RawStore(tmp_path)
    wpp.import_files(store, [folder / "countries.csv", folder / "UNlocations.txt"])
    loc, _ = wpp.load_locations(store)
    row = loc.set_index("location_code").loc[156]
    assert row["name"] == "China" and row["iso3"] == "CHN" and bool(row["is_country"])
    assert not bool(loc.set_index("location_code").loc[900, "is_country"])  # World is an aggregate


def test_hand_written_download_file(tmp_path):
    """A WPP2024_PopulationByAge5GroupSex_Medium.csv in the download's column layout (two rows)."""
    f = tmp_path / "WPP2024_PopulationByAge5GroupSex_Medium.csv"
    f.write_text(
        "SortOrder,LocID,Notes,ISO3_code,ISO2_code,SDMX_code,LocTypeID,LocTypeName,ParentID,Location,VarID,Variant,Time,MidPeriod,AgeGrp,AgeGrpStart,AgeGrpSpan,PopMale,PopFemale,PopTotal\n"
        "1,156,,CHN,CN,156,4,Country/Area,906,China,2,Medium,2022,2022.5,60-64,60,5,39000.1,38000.2,77000.3\n"
        "1,156,,CHN,CN,156,4,Country/Area,906,China,2,Medium,2030,2030.5,100+,100,-1,10.0,30.0,40.0\n"
    )
    store = RawStore(tmp_path / "raw")
    [e] = wpp.import_files(store, [f])
    assert e.kind == "wpp_age5_download"
    df, _ = wpp.load_population(store)
    assert df.set_index("year").loc[2022, "variant"] == "estimates"
    assert df.set_index("year").loc[2030, "variant"] == "medium"
    assert df.set_index("year").loc[2030, "age_group"] == "100+"


@pytest.mark.parametrize(
    "content, message",
    [
        ("a,b,c\n1,2,3\n", "is not a WPP file"),
        (
            "country_code,year,age,popM,popF,pop\n156,2020,60-64,1,2,3\n156,2020,sixty,1,2,3\n",
            "unexpected age group",
        ),
        ("country_code,year,age,popM,popF,pop\n", "header but no rows"),
    ],
)
def test_bad_files_rejected(tmp_path, content, message):
    f = tmp_path / "bad.csv"
    f.write_text(content)
    store = RawStore(tmp_path / "raw")
    with pytest.raises(MalformedFile, match=message):
        wpp.import_files(store, [f])
    assert store.entries() == []


# ------------------------------------------------------------------ live route
def portal_page(rows, next_page=None):
    """A page in the shape the UN Data Portal API documents (pageNumber, nextPage, data[]).
    Hand-written: no recorded portal response exists in the mirror."""
    return json.dumps(
        {
            "pageNumber": 1,
            "pageSize": len(rows),
            "nextPage": next_page,
            "pages": 2,
            "total": 2 * len(rows),
            "data": rows,
        }
    )


def row(year, age, sex, value, variant="Median"):
    return {
        "locationId": 156,
        "location": "China",
        "iso3": "CHN",
        "indicatorId": 46,
        "variant": variant,
        "timeLabel": str(year),
        "ageLabel": age,
        "sex": sex,
        "value": value,
    }


def test_portal_client_follows_pages_and_sends_token(replay, iso_env, monkeypatch):
    monkeypatch.setenv("UN_DATAPORTAL_TOKEN", "secret-token-abc123")
    path = "/data/indicators/46/locations/156/start/2022/end/2030"
    replay.add(
        "GET",
        path,
        portal_page(
            [
                row(2022, "60-64", "Both sexes", 77000300),
                row(2022, "60-64", "Male", 39000100),
                row(2022, "60-64", "Female", 38000200),
            ],
            next_page=replay.url + path + "?page=2",
        ),
        query={"pagingInHeader": ["false"], "format": ["json"], "pageSize": ["1000"]},
    )
    replay.add("GET", path, portal_page([row(2030, "100+", "Both sexes", 40000)]), query={"page": ["2"]})
    store = RawStore()
    client = Client(
        replay.url,
        name="UN Data Portal",
        cache=False,
        headers={"Authorization": "Bearer secret-token-abc123"},
    )
    entries = wpp.fetch(store, location=["CHN"], start=2022, end=2030, client=client)
    assert len(entries) == 2
    assert replay.log[0].headers["Authorization"] == "Bearer secret-token-abc123"
    for e in entries:
        assert "secret-token" not in e.path.with_name(e.name + ".provenance.json").read_text()
    df, _ = wpp.load_population(store)
    r = df.set_index(["year", "age_group"]).loc[(2022, "60-64")]
    assert r.pop_total == pytest.approx(77000.3) and r.variant == "estimates"  # persons -> thousands


def test_portal_reversed_years_rejected(replay, iso_env):
    with pytest.raises(BadParameter, match="reversed years"):
        wpp.fetch(RawStore(), start=2030, end=2020, client=Client(replay.url, name="x", cache=False))
    assert replay.log == []


def test_portal_keeps_only_the_variants_and_sexes_the_aging_section_reads(replay, iso_env):
    """WPP 2024 publishes estimates and several projection variants (Medium, Low, High, Constant
    fertility, ...) and 80/95% prediction intervals (https://population.un.org/wpp/, "Definition of
    projection scenarios"). The client keeps estimates, medium, low and high for male, female and
    both sexes; the filter runs when a page is read (the portal's filter parameters could not be
    checked against its documentation) and is recorded, with the rows it dropped, in the query.
    Hand-written rows: no recorded portal answer exists in the mirror."""
    path = "/data/indicators/46/locations/156/start/2022/end/2030"
    rows = [
        row(2022, "60-64", "Both sexes", 77000300, "Estimates"),
        row(2022, "60-64", "Male", 39000100, "Estimates"),
        row(2022, "60-64", "Female", 38000200, "Estimates"),
        row(2022, "60-64", "Both sexes", 99999000, "Constant fertility"),  # would pass as "estimates"
        row(2030, "60-64", "Both sexes", 80000000, "Median"),
        row(2030, "60-64", "Both sexes", 79000000, "Low"),
        row(2030, "60-64", "Both sexes", 81000000, "High"),
        row(2030, "60-64", "Both sexes", 70000000, "Lower 95 PI"),
        row(2030, "60-64", "Both sexes", 90000000, "Zero migration"),
    ]
    replay.add("GET", path, portal_page(rows))
    client = Client(replay.url, name="UN Data Portal", cache=False)
    [entry] = wpp.fetch(RawStore(), location=["CHN"], start=2022, end=2030, client=client)
    filt = entry.provenance.query["filter"]
    assert filt["variants"] == ["estimates", "medium", "low", "high"] and filt["rows_dropped"] == 3
    assert "after download" in filt["applied"]
    df, _ = wpp.load_population(RawStore())
    assert sorted(df.variant.unique()) == ["estimates", "high", "low", "medium"]
    got = df.set_index(["year", "variant"]).pop_total
    assert got[(2022, "estimates")] == pytest.approx(77000.3)  # not the constant-fertility row
    assert got[(2030, "medium")] == pytest.approx(80000.0) and len(df) == 4


def test_portal_page_of_only_other_variants_reads_as_empty():
    text = portal_page([row(2030, "60-64", "Both sexes", 1, "Instant replacement")])
    assert wpp.parse("portal_json", text, "p.json").empty
    assert wpp.portal_rows_dropped(text) == 1
