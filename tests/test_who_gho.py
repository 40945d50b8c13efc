"""WHO Global Health Observatory OData client, on the replay server.

No recorded WHO GHO response exists in the offline mirror. The response bodies here
are therefore written by hand, in the shape WHO documents for its GHO OData API
(https://www.who.int/data/gho/info/gho-odata-api: ``GET /api/<IndicatorCode>`` with an
OData ``$filter`` on ``SpatialDim`` and ``TimeDim``; the answer is a JSON object whose
``value`` array holds rows with ``IndicatorCode``, ``SpatialDimType``, ``SpatialDim``,
``TimeDimType``, ``TimeDim``, ``Dim1Type``, ``Dim1``, ``Value``, ``NumericValue``,
``Low``, ``High``), and in the OData v4 JSON format that API follows for server-driven
paging (``@odata.nextLink``) and for errors (``{"error": {"code": ..., "message": ...}}``).
Every number in them is made up; none is a WHO estimate.
"""

from __future__ import annotations

import json

import pytest

from exo_industry.errors import BadParameter, MalformedFile, SourceError
from exo_industry.sources import who_gho
from exo_industry.store import RawStore

FILTER = "(SpatialDim eq 'GLOBAL' or SpatialDim eq 'CHN') and TimeDim ge 2000 and TimeDim le 2019"


def row(spatial, year, value, sex="SEX_BTSX", spatial_type="COUNTRY"):
    return {
        "Id": 1000 + year,
        "IndicatorCode": "NCDMORT3070",
        "SpatialDimType": spatial_type,
        "SpatialDim": spatial,
        "TimeDimType": "YEAR",
        "TimeDim": year,
        "Dim1Type": "SEX",
        "Dim1": sex,
        "Dim2Type": None,
        "Dim2": None,
        "Value": f"{value:.1f} [{value - 1:.1f}-{value + 1:.1f}]",
        "NumericValue": value,
        "Low": value - 1,
        "High": value + 1,
        "Comments": None,
        "Date": "2024-01-01T00:00:00+01:00",
    }


def page(rows, next_link=None, context="$metadata#NCDMORT3070"):
    body = {"@odata.context": f"https://ghoapi.azureedge.net/api/{context}", "value": rows}
    if next_link:
        body["@odata.nextLink"] = next_link
    return json.dumps(body)


def serve_two_pages(replay):
    """Page 1 (filtered query) points to page 2 through @odata.nextLink."""
    nxt = f"{replay.url}/api/NCDMORT3070?$filter={FILTER}&$skiptoken=2"
    replay.add(
        "GET",
        "/api/NCDMORT3070",
        page(
            [
                row("GLOBAL", 2000, 22.9, spatial_type="GLOBAL"),
                row("GLOBAL", 2019, 17.8, spatial_type="GLOBAL"),
            ],
            nxt,
        ),
        query={"$filter": [FILTER]},
    )
    replay.add(
        "GET",
        "/api/NCDMORT3070",
        page([row("CHN", 2019, 15.9), row("CHN", 2019, 18.8, sex="SEX_MLE")]),
        query={"$filter": [FILTER], "$skiptoken": ["2"]},
    )


def fetch(replay, **kw):
    kw.setdefault("location", ["GLOBAL", "chn"])
    return who_gho.fetch(RawStore(), base_url=replay.url + "/api", **kw)


def test_two_pages_followed_and_stored(iso_env, replay):
    serve_two_pages(replay)
    entries = fetch(replay)
    assert len(entries) == 2
    assert [e.name for e in entries] == [
        "gho_NCDMORT3070_GLOBAL-CHN_2000-2019_p0001.json",
        "gho_NCDMORT3070_GLOBAL-CHN_2000-2019_p0002.json",
    ]
    assert all(e.provenance.route == "live" and e.kind == who_gho.KIND for e in entries)
    assert entries[0].provenance.query["filter"] == FILTER
    # the client asked exactly what WHO documents: the indicator path and one $filter
    first = replay.log[0]
    assert first.path == "/api/NCDMORT3070" and first.query == {"$filter": [FILTER]}
    assert replay.log[1].query["$skiptoken"] == ["2"]

    values, used = who_gho.load_values(RawStore())
    assert len(used) == 2 and len(values) == 4
    chn = values[(values.spatial == "CHN") & (values.dim1 == "SEX_BTSX")].iloc[0]
    assert (chn.year, chn.value, chn.low, chn.high) == (2019, 15.9, 14.9, 16.9)
    assert set(values.spatial_type) == {"GLOBAL", "COUNTRY"}


def test_rate_limit_then_success(iso_env, replay):
    serve_two_pages(replay)
    replay.insert_fault("GET", "/api/NCDMORT3070", 429, headers={"Retry-After": "1"})
    assert len(fetch(replay)) == 2
    assert [r.path for r in replay.log].count("/api/NCDMORT3070") == 3


def test_odata_error_body_stores_nothing(iso_env, replay):
    """An OData error answer (HTTP 200 with an "error" object) on page 2 fails the whole fetch."""
    nxt = f"{replay.url}/api/NCDMORT3070?$skiptoken=2"
    replay.add(
        "GET",
        "/api/NCDMORT3070",
        page([row("GLOBAL", 2019, 17.8, spatial_type="GLOBAL")], nxt),
        query={"$filter": [FILTER]},
    )
    replay.add(
        "GET",
        "/api/NCDMORT3070",
        json.dumps({"error": {"code": "", "message": "The query specified in the URI is not valid."}}),
        query={"$skiptoken": ["2"]},
    )
    with pytest.raises(
        SourceError, match="refused NCDMORT3070 page 2: The query specified in the URI is not valid"
    ):
        fetch(replay)
    assert RawStore().entries("who_gho") == []


def test_http_400_error_names_status_and_message(iso_env, replay):
    body = json.dumps({"error": {"code": "", "message": "Syntax error at position 12 in 'TimeDim ge'."}})
    replay.add("GET", "/api/NCDMORT3070", body, status=400)
    with pytest.raises(SourceError, match="HTTP 400.*Syntax error at position 12"):
        fetch(replay)
    assert RawStore().entries("who_gho") == []


def test_unknown_indicator_404(iso_env, replay):
    replay.add("GET", "/api/NOSUCHCODE", "", status=404, headers={})
    with pytest.raises(SourceError, match="HTTP 404"):
        fetch(replay, indicator=["NOSUCHCODE"])


def test_html_instead_of_json(iso_env, replay):
    replay.add(
        "GET",
        "/api/NCDMORT3070",
        "<!DOCTYPE html><html><body>Service Unavailable</body></html>",
        headers={"Content-Type": "text/html"},
    )
    with pytest.raises(SourceError, match="not complete JSON"):
        fetch(replay)


def test_row_without_value_field_rejected(iso_env, replay):
    bad = row("CHN", 2019, 15.9)
    del bad["NumericValue"]
    replay.add("GET", "/api/NCDMORT3070", page([bad]))
    with pytest.raises(SourceError, match="lacks NumericValue"):
        fetch(replay)


def test_paging_loop_detected(iso_env, replay):
    loop = f"{replay.url}/api/NCDMORT3070?$skiptoken=1"
    replay.add("GET", "/api/NCDMORT3070", page([row("CHN", 2019, 15.9)], loop))
    with pytest.raises(SourceError, match="does not end"):
        fetch(replay)
    assert RawStore().entries("who_gho") == []


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"indicator": ["NCD MORT"]}, "does not look like a GHO indicator"),
        ({"location": ["CHN;DROP"]}, "unknown GHO location"),
        ({"start": 2019, "end": 2000}, "reversed years"),
    ],
)
def test_bad_query_rejected_before_any_request(iso_env, kw, message):
    # nothing listens on port 9: a request would raise SourceError, not BadParameter
    kw.setdefault("location", ["GLOBAL"])
    with pytest.raises(BadParameter, match=message):
        who_gho.fetch(RawStore(), base_url="http://127.0.0.1:9/api", **kw)


def test_filter_expression():
    assert who_gho.build_filter(["GLOBAL", "CHN"], 2000, 2019) == FILTER
    assert who_gho.build_filter([], None, 2019) == "TimeDim le 2019"


def test_import_saved_page_and_reject_other_json(tmp_path, iso_env):
    good = tmp_path / "NCDMORT3070.json"
    good.write_text(page([row("CHN", 2019, 15.9)]), encoding="utf-8")
    other = tmp_path / "other.json"
    other.write_text(json.dumps([{"page": 1}]), encoding="utf-8")
    with pytest.raises(MalformedFile, match="other.json"):
        who_gho.import_files(RawStore(), [good, other])
    assert RawStore().entries("who_gho") == []
    entries = who_gho.import_files(RawStore(), [good])
    assert entries[0].kind == who_gho.KIND
    assert who_gho.mirror_files(tmp_path) == []
