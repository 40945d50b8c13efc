"""EV atlas import route (sources.ev_atlas): the real tables from the offline mirror, read in
place, and malformed copies built in tmp_path that must be rejected with the file named and
nothing stored."""

from __future__ import annotations

import pytest

from exo_industry import sources
from exo_industry.errors import MalformedFile, SourceError
from exo_industry.sections.literature import tables
from exo_industry.sources import ev_atlas
from exo_industry.store import RawStore
from helpers import need_shared

ATLAS = ("literature", "ev_atlas_chaudhari2026")
FIG1A = "Fig1a_Articles_by_Year_and_Category.csv"


def mirror_dir():
    return need_shared(*ATLAS)


def test_source_follows_the_contract():
    mod = sources.get("ev_atlas")
    assert mod is ev_atlas and "ev_atlas" in sources.names()


def test_mirror_files_are_every_kind(shared):
    need_shared(*ATLAS)
    files = ev_atlas.mirror_files(shared)
    assert [f.name for f in files] == [f for _, _, f in ev_atlas.KINDS.values()]
    assert all(f.is_file() and f.parent == shared.joinpath(*ATLAS) for f in files)  # read in place


def test_import_real_files_and_load_them(iso_env, shared):
    need_shared(*ATLAS)
    store = RawStore()
    entries = ev_atlas.import_files(store, ev_atlas.mirror_files(shared))
    assert sorted(e.provenance.kind for e in entries) == sorted(ev_atlas.KINDS)
    years, _ = ev_atlas.load(store, "articles_by_year")
    # the file runs 2024 down to 2012; loaded, it runs up, one row per year
    assert list(years["Year"]) == sorted(years["Year"]) and years["Year"].is_unique
    assert years["Year"].min() == 2012 and years["Year"].max() == 2024
    cells, _ = ev_atlas.load(store, "cell_source")
    top = cells.sort_values("Therapeutic_Papers", ascending=False)["Cell_Source"].iloc[0]
    assert top == "Stem Cell"  # SOURCE.md: stem cells the largest source
    doses, _ = ev_atlas.load(store, "trial_doses")
    assert "NCT04493242" in set(doses["NCT_Number"])
    frames = tables.atlas_frames({k: ev_atlas.load(store, kind)[0] for k, kind in tables.ATLAS_KINDS.items()})
    by_year = frames["by_year"]
    assert set(by_year["category"]) == {"Diagnostic", "Therapeutic", "Mechanistic", "Method_Development"}
    assert frames["cell_source"]["therapeutic_share"].sum() == pytest.approx(100, abs=0.5)
    assert set(frames["engineered"]["group"]) == {"engineered", "native"}


def write(tmp_path, name: str, text: str):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def real_text(name: str) -> str:
    return (mirror_dir() / name).read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda t: t.replace("2019,831", "2019,eight hundred"), r"Diagnostic.*row \d+.*'eight hundred'"),
        (lambda t: t.replace("2019,831", "2019,-831"), r"Diagnostic.*non-negative"),
        (lambda t: t.replace("2019,", "2020,", 1), r"year 2020 repeats"),
        (lambda t: t.split("\n", 1)[0] + "\n", r"header but no rows"),
        (lambda t: t.replace("Therapeutic", "Therapy", 1), r"not an EV atlas table"),
        (lambda t: "", r"is empty"),
    ],
)
def test_malformed_copy_is_rejected_naming_the_file(iso_env, tmp_path, mutate, message):
    bad = write(tmp_path, "copy_of_fig1a.csv", mutate(real_text(FIG1A)))
    store = RawStore()
    with pytest.raises(MalformedFile, match=message) as err:
        ev_atlas.import_files(store, [bad])
    assert "copy_of_fig1a.csv" in str(err.value)
    assert store.find(ev_atlas.NAME, "articles_by_year") == []


def test_one_bad_file_stores_nothing(iso_env, tmp_path):
    good = write(tmp_path, "fig3a.csv", real_text("Fig3a_Drug_Loading_Methods.csv"))
    bad = write(tmp_path, "fig1b.csv", real_text("Fig1b_Articles_by_Cell_Source.csv").replace("4280", "n/a"))
    store = RawStore()
    with pytest.raises(MalformedFile, match=r"fig1b\.csv.*Therapeutic_Papers.*'n/a'"):
        ev_atlas.import_files(store, [good, bad])
    assert store.find(ev_atlas.NAME, "drug_loading") == []


def test_kind_comes_from_the_header_not_the_name(iso_env, tmp_path):
    renamed = write(tmp_path, "Fig1a_Articles_by_Year_and_Category.csv", "Type,Percentage\nEVs,44%\n")
    (entry,) = ev_atlas.import_files(RawStore(), [renamed])
    assert entry.provenance.kind == "clinical_overview"


def test_no_live_route(iso_env):
    with pytest.raises(SourceError, match="no live route"):
        ev_atlas.fetch(RawStore())
