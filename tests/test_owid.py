"""Our World in Data / IHME GBD exports: import route on the real mirror files and on
small hand-written inputs, and the live route on the replay server.

The hand-written inputs follow OWID's published grapher CSV layout (``Entity,Code,Year``
then one column per series, named ``Deaths - <cause> - Sex: Both - Age: All Ages (Number)``);
their numbers are made up and small.
"""

from __future__ import annotations

import pytest

from exo_industry.errors import BadParameter, MalformedFile, SourceError
from exo_industry.sources import owid
from exo_industry.store import RawStore
from helpers import need_shared
from replay import Exchange

COL = "Deaths - {} - Sex: Both - Age: All Ages (Number)"
CATEGORY_CSV = (
    "Entity,Code,Year,{inj},\"{comm}\",{ncd}\n"
    "Testland,TST,2000,10,30,60\n"
    "Testland,TST,2001,10,20,70\n"
    "World,OWID_WRL,2001,100,200,700\n"
).format(
    inj=COL.format("Injuries"),
    comm=COL.format("Communicable, maternal, neonatal, and nutritional diseases"),
    ncd=COL.format("Non-communicable diseases"),
)
CAUSE_CSV = (
    "Entity,Code,Year,Number of executions (Amnesty International),{cvd},{neo},{crd},{dm},{ckd}\n"
    "Testland,TST,2019,,500,300,100,40,30\n"
    "Testregion,,2019,,5000,3000,1000,400,300\n"
    "Testland,TST,2018,3,,,,,\n"
).format(
    cvd=COL.format("Cardiovascular diseases"),
    neo=COL.format("Neoplasms"),
    crd=COL.format("Chronic respiratory diseases"),
    dm=COL.format("Diabetes mellitus"),
    ckd=COL.format("Chronic kidney disease"),
)


def write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


# --------------------------------------------------------------------------- real files
@pytest.mark.shared
def test_import_real_mirror_files(iso_env):
    files = owid.mirror_files(need_shared())
    for f in files:
        if not f.exists():
            pytest.skip(f"offline mirror file {f} absent")
    store = RawStore()
    entries = owid.import_files(store, files)
    kinds = {e.name: e.kind for e in entries}
    assert kinds == {
        "annual-number-of-deaths-by-cause.csv": owid.KIND_BY_CAUSE,
        "deaths-by-cause-category-stacked.csv": owid.KIND_BY_CATEGORY,
    }
    assert {e.provenance.release for e in entries} == {
        "IHME GBD 2019 via Our World in Data",
        "IHME GBD 2017 via Our World in Data",
    }
    assert all(e.provenance.route == "import" and e.provenance.original_path for e in entries)

    causes, used, rnd = owid.load(store, owid.KIND_BY_CAUSE)
    assert rnd == "GBD 2019" and len(used) == 1
    world = causes[(causes.code == owid.WORLD_CODE) & (causes.year == 2019)].set_index("cause")["deaths"]
    # values as published in the export (see its SOURCE.md)
    assert world["Cardiovascular diseases"] == 18_562_510
    assert world["Diabetes mellitus"] == 1_551_170
    assert "Number of executions (Amnesty International)" not in set(causes.cause)
    assert causes.year.min() == 1990 and causes.year.max() == 2019

    cat, _, rnd17 = owid.load(store, owid.KIND_BY_CATEGORY)
    assert rnd17 == "GBD 2017"
    w17 = cat[(cat.code == owid.WORLD_CODE) & (cat.year == 2017)].set_index("cause")["deaths"]
    assert set(w17.index) == {"ncd", "communicable", "injuries"}
    assert 73.0 < 100 * w17["ncd"] / w17.sum() < 74.0


@pytest.mark.shared
def test_wdi_file_is_rejected_by_owid_importer(iso_env):
    folder = need_shared("ncd", "wdi_cause_of_death_shares_ghe2019")
    wdi = sorted(folder.glob("API_SH.DTH.NCOM.ZS_*.csv"))[0]
    with pytest.raises(MalformedFile, match=wdi.name):
        owid.import_files(RawStore(), [wdi])
    assert RawStore().entries("owid") == []


# --------------------------------------------------------------------------- hand-written
def test_hand_written_category_file(tmp_path, iso_env):
    p = write(tmp_path, "cat.csv", CATEGORY_CSV)
    entries = owid.import_files(RawStore(), [p])
    assert entries[0].kind == owid.KIND_BY_CATEGORY
    assert entries[0].provenance.release == "IHME GBD 2001 via Our World in Data"
    df, _, _ = owid.load(RawStore(), owid.KIND_BY_CATEGORY)
    t = df[(df.entity == "Testland") & (df.year == 2001)].set_index("cause")["deaths"]
    assert t.to_dict() == {"injuries": 10.0, "communicable": 20.0, "ncd": 70.0}


def test_hand_written_cause_file_drops_blank_and_non_gbd_columns(tmp_path):
    kind = owid.detect_kind(CAUSE_CSV, "c.csv")
    assert kind == owid.KIND_BY_CAUSE
    df = owid.parse(kind, CAUSE_CSV, "c.csv")
    assert set(df.cause) == {
        "Cardiovascular diseases",
        "Neoplasms",
        "Chronic respiratory diseases",
        "Diabetes mellitus",
        "Chronic kidney disease",
    }
    assert len(df) == 10  # two entities x five causes; the 2018 row has no deaths
    assert df[df.entity == "Testregion"]["code"].eq("").all()


@pytest.mark.parametrize(
    "text, message",
    [
        ("Country,Year,Value\nX,2000,1\n", "not an Our World in Data grapher CSV"),
        ("Entity,Code,Year,Share of something (%)\nX,XXX,2000,1\n", "not a GBD deaths export"),
        (CAUSE_CSV.replace("500,300", "lots,300"), "not a number"),
        (CAUSE_CSV.replace("500,300", "-5,300"), "negative"),
        (CATEGORY_CSV.replace("Testland,TST,2000", "Testland,TST,two thousand"), "not a year"),
    ],
)
def test_malformed_files_rejected(tmp_path, iso_env, text, message):
    good = write(tmp_path, "good.csv", CATEGORY_CSV)
    bad = write(tmp_path, "bad.csv", text)
    with pytest.raises(MalformedFile, match=message) as err:
        owid.import_files(RawStore(), [good, bad])
    assert "bad.csv" in str(err.value)
    assert RawStore().entries("owid") == []  # the good file was not stored either


def test_empty_file_rejected(tmp_path, iso_env):
    p = write(tmp_path, "empty.csv", "")
    with pytest.raises(MalformedFile, match="empty"):
        owid.import_files(RawStore(), [p])


# --------------------------------------------------------------------------- live route
def _serve_mirror(replay):
    bodies = {}
    for f in owid.mirror_files(need_shared()):
        if not f.exists():
            pytest.skip(f"offline mirror file {f} absent")
        bodies[f.name] = f.read_bytes()
    for slug in owid.SLUGS.values():
        replay.add("GET", f"/grapher/{slug}.csv", bodies[f"{slug}.csv"], headers={"Content-Type": "text/csv"})
    return bodies


@pytest.mark.shared
def test_live_fetch_stores_both_charts(iso_env, replay):
    bodies = _serve_mirror(replay)
    replay.insert_fault(
        "GET", f"/grapher/{owid.SLUGS[owid.KIND_BY_CAUSE]}.csv", 429, headers={"Retry-After": "1"}
    )
    entries = owid.fetch(RawStore(), base_url=replay.url)
    assert sorted(e.kind for e in entries) == sorted(owid.KINDS)
    for e in entries:
        assert e.provenance.route == "live"
        assert e.provenance.url.startswith(replay.url + "/grapher/")
        assert RawStore().read_bytes(e) == bodies[e.provenance.query["chart"] + ".csv"]
    paths = [r.path for r in replay.log]
    assert paths.count(f"/grapher/{owid.SLUGS[owid.KIND_BY_CAUSE]}.csv") == 2  # 429, then the body


@pytest.mark.shared
def test_live_fetch_cut_short_stores_nothing(iso_env, replay):
    bodies = _serve_mirror(replay)
    slug = owid.SLUGS[owid.KIND_BY_CATEGORY]
    replay.exchanges.insert(0, Exchange("GET", f"/grapher/{slug}.csv", bodies[f"{slug}.csv"], truncate=True))
    with pytest.raises(SourceError):
        owid.fetch(RawStore(), base_url=replay.url, client=_no_retry_client(replay.url))
    assert RawStore().entries("owid") == []


def test_live_fetch_rejects_changed_layout(iso_env, replay):
    replay.add(
        "GET",
        "/grapher/deaths-by-cause-category-stacked.csv",
        "Entity,Code,Year,Something else\nX,XXX,2000,1\n",
    )
    with pytest.raises(SourceError, match="did not return a GBD deaths export"):
        owid.fetch(RawStore(), chart=["deaths-by-cause-category-stacked"], base_url=replay.url)
    assert RawStore().entries("owid") == []


def test_live_fetch_http_error_names_url(iso_env, replay):
    replay.add(
        "GET",
        "/grapher/deaths-by-cause-category-stacked.csv",
        "not found",
        status=404,
        headers={"Content-Type": "text/plain"},
    )
    with pytest.raises(SourceError, match="HTTP 404"):
        owid.fetch(RawStore(), chart=["deaths-by-cause-category-stacked"], base_url=replay.url)


def test_unknown_chart_rejected(iso_env):
    with pytest.raises(BadParameter, match="unknown OWID chart"):
        owid.fetch(RawStore(), chart=["life-expectancy"], base_url="http://127.0.0.1:9")


def _no_retry_client(url):
    from exo_industry.http import Client

    return Client(url, name="Our World in Data", cache=False, retries=0)


@pytest.mark.parametrize("newest_name", ["b.csv", "a.csv"])  # the newest wins whatever its name
def test_load_reads_the_newest_snapshot(tmp_path, newest_name):
    store = RawStore(tmp_path / "raw")
    older = CATEGORY_CSV
    newer = CATEGORY_CSV.replace("Testland,TST,2001,10,20,70", "Testland,TST,2001,11,21,71")
    old_name = "a.csv" if newest_name == "b.csv" else "b.csv"
    for name, text, when in (
        (old_name, older, "2025-01-01T00:00:00Z"),
        (newest_name, newer, "2026-01-01T00:00:00Z"),
    ):
        store.put(
            "owid",
            name,
            text.encode(),
            kind=owid.KIND_BY_CATEGORY,
            route="import",
            licence=owid.LICENCE,
            retrieved_at=when,
        )
    df, [entry], _ = owid.load(store, owid.KIND_BY_CATEGORY)
    assert entry.name == newest_name
    t = df[(df.entity == "Testland") & (df.year == 2001)].set_index("cause")["deaths"]
    assert t.to_dict() == {"injuries": 11.0, "communicable": 21.0, "ncd": 71.0}
