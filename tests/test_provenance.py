"""Every committed number comes from its source: importing the offline mirror into an empty
raw store and processing it reproduces the committed data/processed byte for byte."""

import json
from pathlib import Path

from conftest import need_shared
from exo_industry import pipeline, sources
from exo_industry.config import paths
from exo_industry.store import RawStore

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "data" / "processed"


def test_mirror_reproduces_committed_processed_data(iso_env):
    shared = need_shared()
    store = RawStore()
    for mod in sources.all_sources():
        files = [p for p in mod.mirror_files(shared) if p.exists()]
        if files:
            mod.import_files(store, files)
    outcomes = pipeline.process(force=True)
    assert all(o.status == "processed" for o in outcomes), outcomes
    fresh = paths().processed
    committed = sorted(p.name for p in COMMITTED.glob("*.csv"))
    assert committed and sorted(p.name for p in fresh.glob("*.csv")) == committed
    for name in committed:
        assert (fresh / name).read_bytes() == (COMMITTED / name).read_bytes(), (
            f"{name} differs from the committed file"
        )
    assert (fresh / "datapackage.json").read_bytes() == (COMMITTED / "datapackage.json").read_bytes()
    a = json.loads((fresh / "manifest.json").read_text())["outputs"]
    b = json.loads((COMMITTED / "manifest.json").read_text())["outputs"]
    assert a.keys() == b.keys()
    for key in a:
        assert a[key]["sha256"] == b[key]["sha256"], key
        strip = lambda ins: [{k: v for k, v in i.items() if k != "retrieved_at"} for i in ins]
        assert strip(a[key]["inputs"]) == strip(b[key]["inputs"]), key


def test_manifest_checksums_match_committed_files():
    from exo_industry.store import sha256_file

    manifest = json.loads((COMMITTED / "manifest.json").read_text())["outputs"]
    for name, rec in manifest.items():
        if name.startswith("claims:"):
            continue
        assert sha256_file(COMMITTED / name) == rec["sha256"], name
        assert rec["inputs"], f"{name} names no inputs"


def test_processing_is_deterministic(iso_env):
    shared = need_shared("demography")
    from exo_industry.sources import worldbank, wpp

    store = RawStore()
    wpp.import_files(store, wpp.mirror_files(shared.parent))
    worldbank.import_files(
        store, [p for p in worldbank.mirror_files(shared.parent) if "demography" in str(p)]
    )
    pipeline.process(["aging"], force=True)
    first = {p.name: p.read_bytes() for p in paths().processed.glob("*.csv")}
    pipeline.process(["aging"], force=True)
    second = {p.name: p.read_bytes() for p in paths().processed.glob("*.csv")}
    assert first == second
