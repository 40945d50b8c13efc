"""Every briefing in a real headless Chromium: no console error, no broken image, nothing
executed from hostile text; a screenshot of each goes to a temporary folder (never the repo's build/)."""

from pathlib import Path

import pytest

from conftest import make_notebook

pytestmark = [pytest.mark.browser, pytest.mark.notebook]
ROOT = Path(__file__).resolve().parents[1]


def visit(browser, path: Path, shot: Path | None = None) -> dict:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    seen = {"console": [], "dialogs": [], "requests": [], "errors": []}
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("dialog", lambda d: (seen["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    seen["broken_images"] = page.evaluate(
        "Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).length"
    )
    seen["images"] = page.evaluate("document.images.length")
    seen["text"] = page.inner_text("body")
    seen["cjk_font"] = page.evaluate("document.fonts.check('16px \"Exo Noto Sans SC\"', '中国')")
    if shot:
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    page.close()
    return seen


def _repo_build_files() -> dict:
    build = ROOT / "build"
    return {p: p.stat().st_mtime_ns for p in build.rglob("*")} if build.is_dir() else {}


def test_every_briefing_loads_cleanly(built, browser, tmp_path):
    shots = tmp_path / "screenshots"
    before = _repo_build_files()
    for path in built["html"]:
        seen = visit(browser, path, shots / (path.stem + ".png"))
        assert seen["console"] == [] and seen["errors"] == [], (path.name, seen["console"], seen["errors"])
        assert seen["broken_images"] == 0 and seen["images"] >= 1, path.name
        assert seen["dialogs"] == []
        others = [u for u in seen["requests"] if not u.startswith(("file:", "data:"))]
        assert others == [], f"{path.name} requested {others}"
        if path.name.endswith(".zh.html"):
            assert seen["cjk_font"], f"{path.name}: the embedded Chinese font did not load"
        assert (shots / (path.stem + ".png")).stat().st_size > 10000
    assert _repo_build_files() == before, "the test wrote into the repository's build/"


def test_hostile_text_stays_inert_in_the_browser(iso_env, monkeypatch, browser):
    from exo_industry import report
    from exo_industry.execute import run_notebook

    nbdir = iso_env / "nbs"
    make_notebook(
        nbdir,
        "96_hostile",
        (
            "import pandas as pd\nfrom exo_industry import nbtools\n"
            "df = pd.DataFrame({'title': ['<script>alert(1)</script>'], "
            "'sponsor': ['<img src=x onerror=alert(2)>']})\n"
            "nbtools.show_table(df)\nnbtools.notice(df.sponsor[0])\ndisplay(df)"
        ),
    )
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    html = report.export_notebook(run_notebook("96_hostile"))
    seen = visit(browser, html)
    assert seen["dialogs"] == []
    assert "<script>alert(1)</script>" in seen["text"] and "<img src=x onerror=alert(2)>" in seen["text"]


def test_briefing_prints(built, browser, tmp_path):
    """Print layout: the language switch is hidden and the page prints to a multi-page PDF."""
    path = next(p for p in built["html"] if p.name == "01_aging_demographics.zh.html")
    page = browser.new_page()
    page.goto(path.as_uri())
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.exo-lang')).display") == "none"
    pdf = page.pdf(path=str(tmp_path / "brief.pdf"), format="A4", print_background=True)
    page.close()
    assert pdf[:4] == b"%PDF" and pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") >= 2
