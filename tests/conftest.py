"""Shared fixtures: an isolated project layout per test, the offline mirror, the replay server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from helpers import BROWSER_ARGS, ROOT, chromium_path, need_shared

MIRROR_FIXTURES = {"shared"}


def pytest_collection_modifyitems(items):
    """A test that reads the offline mirror carries the ``shared`` marker, given here rather than by
    hand: it asks for the ``shared`` fixture, or its body (or a fixture it uses) calls ``need_shared``."""
    for item in items:
        uses = MIRROR_FIXTURES & set(getattr(item, "fixturenames", ()))
        if not uses:
            fns = [getattr(item, "function", None)]
            defs = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {}) or {}
            fns += [d[-1].func for d in defs.values() if d]
            uses = any(_calls_need_shared(fn) for fn in fns if fn is not None)
        if uses:
            item.add_marker(pytest.mark.shared)


def _calls_need_shared(fn) -> bool:
    import inspect

    try:
        return "need_shared(" in inspect.getsource(fn)
    except (OSError, TypeError):
        return False


@pytest.fixture
def shared():
    return need_shared()


@pytest.fixture
def iso_env(tmp_path, monkeypatch):
    """Point raw store, processed data, figures, build and cache at a temporary folder."""
    for var, sub in (
        ("EXO_RAW", "raw"),
        ("EXO_PROCESSED", "processed"),
        ("EXO_FIGURES", "figures"),
        ("EXO_BUILD", "build"),
        ("EXO_CACHE", "cache"),
    ):
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


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """Every notebook executed in both languages on a copy of the committed data, and every
    briefing exported, once per test session, in a temporary build folder."""
    from exo_industry import report
    from exo_industry.execute import notebook_stems, run_many

    base = tmp_path_factory.mktemp("built")
    env = {
        "EXO_PROCESSED": base / "processed",
        "EXO_FIGURES": base / "figures",
        "EXO_BUILD": base / "build",
        "EXO_CACHE": base / "cache",
        "EXO_RAW": base / "raw",
    }
    shutil.copytree(ROOT / "data" / "processed", env["EXO_PROCESSED"])
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            Path(v).mkdir(parents=True, exist_ok=True)
            mp.setenv(k, str(v))
        results = run_many(notebook_stems(), ["zh", "en"], jobs=2)
        failed = [f"{r.stem}[{r.lang}]: {r.error}" for r in results if r.error]
        assert not failed, failed
        html = [report.export_notebook(r.path) for r in results] + [
            report.export_overview(lang) for lang in ("zh", "en")
        ]
        yield {"env": env, "results": results, "html": html, "base": base}


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=BROWSER_ARGS, headless=True)
        yield b
        b.close()
