"""Shared fixtures: an isolated project layout per test, the offline mirror, the replay server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from exo_industry.config import paths

ROOT = Path(__file__).resolve().parents[1]


def shared_data() -> Path:
    return paths().shared_data


def need_shared(*parts: str) -> Path:
    """Path inside the offline mirror; skip the test (with the reason) when it is absent."""
    p = shared_data().joinpath(*parts)
    if not p.exists():
        pytest.skip(f"offline mirror not found at {p} (set EXO_SHARED_DATA or place ../shared beside the repo)")
    return p


@pytest.fixture
def shared():
    return need_shared()


@pytest.fixture
def iso_env(tmp_path, monkeypatch):
    """Point raw store, processed data, figures, build and cache at a temporary folder."""
    for var, sub in (("EXO_RAW", "raw"), ("EXO_PROCESSED", "processed"), ("EXO_FIGURES", "figures"),
                     ("EXO_BUILD", "build"), ("EXO_CACHE", "cache")):
        d = tmp_path / sub
        d.mkdir()
        monkeypatch.setenv(var, str(d))
    return tmp_path


@pytest.fixture
def committed_processed(iso_env):
    """A copy of the committed data/processed in the isolated layout (for notebook runs)."""
    src = ROOT / "data" / "processed"
    dst = Path(os.environ["EXO_PROCESSED"])
    shutil.copytree(src, dst, dirs_exist_ok=True)
    return dst


@pytest.fixture
def replay():
    from replay import ReplayServer

    with ReplayServer() as server:
        yield server
