"""Every committed number comes from its source: importing the offline mirror into an empty
raw store and processing it reproduces the committed data/processed byte for byte."""

import json
from pathlib import Path

from exo_industry import pipeline, sources
from exo_industry.config import paths
from exo_industry.store import RawStore
from helpers import need_shared

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
        assert _strip(a[key]["inputs"]) == _strip(b[key]["inputs"]), key


def _strip(inputs: list) -> list:
    return [{k: v for k, v in i.items() if k != "retrieved_at"} for i in inputs]


def test_manifest_checksums_match_committed_files():
    from exo_industry.store import sha256_file

    manifest = json.loads((COMMITTED / "manifest.json").read_text())["outputs"]
    for name, rec in manifest.items():
        if name.startswith("claims:"):
            continue
        assert sha256_file(COMMITTED / name) == rec["sha256"], name
        assert rec["inputs"], f"{name} names no inputs"


# Imports every mirror file one at a time in a shuffled order, then processes the sections in a
# shuffled order; run in a fresh interpreter so that PYTHONHASHSEED (set and str order) differs.
_REBUILD = """
import random, sys
from pathlib import Path
from exo_industry import pipeline, sections, sources
from exo_industry.store import RawStore

rng = random.Random(int(sys.argv[1]))
shared = Path(sys.argv[2])
store = RawStore()
files = [(m, p) for m in sources.all_sources() for p in m.mirror_files(shared) if p.exists()]
rng.shuffle(files)
for module, path in files:
    module.import_files(store, [path])
names = [s.NAME for s in sections.all_sections()]
rng.shuffle(names)
print(names, [p.name for _, p in files][:4])
pipeline.process(names, force=True)
"""


def _rebuild_in_subprocess(tmp: Path, seed: int, hash_seed: str) -> dict:
    import os
    import subprocess
    import sys

    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    for var in ("EXO_RAW", "EXO_PROCESSED", "EXO_FIGURES", "EXO_BUILD", "EXO_CACHE"):
        env[var] = str(tmp / var.lower())
    done = subprocess.run(
        [sys.executable, "-c", _REBUILD, str(seed), str(paths().shared_data)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    out = {p.name: p.read_bytes() for p in (tmp / "exo_processed").iterdir()}
    manifest = json.loads(out.pop("manifest.json"))
    for rec in manifest["outputs"].values():
        for i in rec["inputs"]:
            i.pop("retrieved_at")  # the time of each import, the one thing that may differ
    return {"files": out, "manifest": manifest, "order": done.stdout}


def test_processing_is_deterministic_across_hash_seeds_and_input_order(tmp_path):
    need_shared()
    a = _rebuild_in_subprocess(tmp_path / "a", seed=1, hash_seed="0")
    b = _rebuild_in_subprocess(tmp_path / "b", seed=2, hash_seed="4242")
    assert a["order"] != b["order"], "the two runs used the same order"
    assert a["files"].keys() == b["files"].keys() and len(a["files"]) > 10
    differ = sorted(k for k in a["files"] if a["files"][k] != b["files"][k])
    assert differ == [], f"{differ} depend on hash seed or input order"
    assert a["manifest"] == b["manifest"]
