"""Staleness follows the raw files themselves, cheaply; rebuilding from unchanged data leaves
data/processed (manifest included) byte-identical."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from exo_industry import pipeline, store
from exo_industry.cli import main
from exo_industry.store import RawStore
from helpers import need_shared

ROOT = Path(__file__).resolve().parents[1]
OWID = ("ncd", "owid_ihme_gbd2017_deaths_by_cause_category", "deaths-by-cause-category-stacked.csv")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def owid_store(iso_env, capsys):
    assert run(capsys, "import", "owid", need_shared(*OWID))[0] == 0
    [entry] = RawStore().entries("owid")
    return entry


def flip_one_byte(path: Path) -> None:
    """Change one digit in place, keeping the size (what a careless edit does)."""
    data = bytearray(path.read_bytes())
    i = data.index(b"1990")
    data[i + 3 : i + 4] = b"1"
    path.write_bytes(bytes(data))


def test_tampered_raw_file_is_noticed_by_process_and_build(owid_store, capsys):
    flip_one_byte(owid_store.path)
    assert "ncd" in pipeline.stale_sections()
    assert "no longer matches" in pipeline.stale_sections()["ncd"]
    for argv in (("process",), ("process", "--force"), ("process", "--section", "ncd")):
        code, out, err = run(capsys, *argv)
        assert code == 2, (argv, out, err)
        assert "owid/deaths-by-cause-category-stacked.csv" in err and "no longer match" in err
        assert "up to date" not in out


def test_unchanged_files_are_not_hashed_again(owid_store, monkeypatch):
    calls = []
    real = store.sha256_file
    monkeypatch.setattr(store, "sha256_file", lambda p: calls.append(p) or real(p))
    pipeline.stale_sections()
    pipeline.stale_sections()
    assert calls == []  # size and mtime match what was recorded when the file was stored
    os.utime(owid_store.path, ns=(0, 0))  # touched, same bytes: hashed once, still intact
    assert "no longer" not in pipeline.stale_sections().get("ncd", "")
    assert calls == [owid_store.path]


def test_readme_rebuild_recipe_leaves_processed_byte_identical(committed_processed, capsys):
    """Follow the README: import --mirror for every source it names, then process --force."""
    need_shared()
    recipe = re.search(
        r"for s in ([\w ]+); do exo-industry import \$s --mirror", (ROOT / "README.md").read_text()
    )
    assert recipe, "the README's rebuild recipe moved"
    before = {p.name: p.read_bytes() for p in committed_processed.iterdir()}
    for rounds in range(2):  # twice: fresh imports get new retrieval times, the manifest must not
        for s in recipe.group(1).split():
            code, _, err = run(capsys, "import", s, "--mirror")
            assert code == 0, err
        code, out, err = run(capsys, "process", "--force")
        assert code == 0, err
        after = {p.name: p.read_bytes() for p in committed_processed.iterdir()}
        changed = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
        assert changed == [], f"round {rounds + 1} changed {changed}"
