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
        pytest.skip(
            f"offline mirror not found at {p} (set EXO_SHARED_DATA or place ../shared beside the repo)"
        )
    return p


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


def make_notebook(folder: Path, stem: str, code: str, params: str = 'lang = "en"') -> Path:
    """A small notebook (parameters cell + one code cell) for tests of the execution machinery."""
    import nbformat

    from exo_industry.config import KERNEL_NAME

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python (exo-industry)",
        "language": "python",
    }
    p = nbformat.v4.new_code_cell(params)
    p.metadata["tags"] = ["parameters"]
    nb.cells = [p, nbformat.v4.new_code_cell(code)]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{stem}.ipynb"
    nbformat.write(nb, str(path))
    return path


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


BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    pytest.skip(
        "no Chromium on this machine (.ci/run installs Debian's chromium; install it to run browser checks)"
    )


@pytest.fixture(scope="session")
def browser():
    exe = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=BROWSER_ARGS, headless=True)
        yield b
        b.close()


def outputs_text(path: Path) -> str:
    """All text an executed notebook shows (stream text and text/* display data)."""
    import json

    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            for key, value in out.get("data", {}).items():
                if key.startswith("text/"):
                    parts.append("".join(value) if isinstance(value, list) else value)
            text = out.get("text", "")
            parts.append("".join(text) if isinstance(text, list) else text)
    return "\n".join(parts)


def assert_values_in_chinese(claim) -> None:
    """Where the English paper_value / reproduced_value / unit hold words, the _zh field is Chinese
    text that carries every number of the English one."""
    import re

    for field in ("paper_value", "reproduced_value", "unit"):
        en, zh = getattr(claim, field), getattr(claim, field + "_zh")
        if not re.search(r"[A-Za-z]", en):
            continue
        assert zh.strip() and re.search(r"[\u4e00-\u9fff]", zh), (
            claim.claim_id,
            claim.verdict,
            field,
            en,
            zh,
        )
        missing = set(re.findall(r"\d+(?:\.\d+)?", en)) - set(re.findall(r"\d+(?:\.\d+)?", zh))
        assert not missing, (claim.claim_id, claim.verdict, field, missing, en, zh)
