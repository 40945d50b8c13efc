"""Every briefing in a real headless Chromium: no console error, no broken image, nothing
executed from hostile text. At 1280 px and 400 px: the page never scrolls sideways and no
table cell splits a word or a number (line breaks measured on the rendered text, word by
word); screenshots under pytest's tmp_path."""

from pathlib import Path

import pytest

from helpers import make_notebook

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


# Every run of Latin letters, digits and the marks inside ids and numbers ("aging.share60",
# "10.0", "2026-11-25", "NCT01234567"): such a run must sit on one rendered line. Breaks between
# Chinese characters and at spaces are how text wraps, so they are not counted.
SPLIT_WORDS_JS = r"""
() => {
  const bad = [];
  const re = /[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\uf900-\ufaff]+/g;
  for (const cell of document.querySelectorAll('td, th, pre')) {
    if (cell.getClientRects().length === 0) continue;  // hidden
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      let m;
      re.lastIndex = 0;
      while ((m = re.exec(node.data))) {
        if (m[0].length < 2) continue;
        const r = document.createRange();
        r.setStart(node, m.index);
        r.setEnd(node, m.index + m[0].length);
        const rects = Array.from(r.getClientRects()).filter(x => x.width > 0);
        const tops = new Set(rects.map(x => Math.round(x.top)));
        if (tops.size > 1) bad.push(m[0]);
      }
    }
  }
  return bad;
}
"""
WIDTHS = (1280, 400)


def layout(browser, path: Path, width: int, shot: Path) -> dict:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    out = {
        "overflow": page.evaluate(
            "Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth"
        ),
        "split": page.evaluate(SPLIT_WORDS_JS),
        "cells": page.evaluate("document.querySelectorAll('td').length"),
        # how far the claims ledger would have to scroll sideways inside its wrapper
        "ledger_scroll": page.evaluate(
            "Math.max(0, ...[...document.querySelectorAll('.exo-scroll')]"
            ".filter(e => e.querySelector('table.exo-ledger'))"
            ".map(e => e.scrollWidth - e.clientWidth))"
        ),
    }
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    page.close()
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_pages_fit_and_table_cells_never_split_a_word(built, browser, tmp_path, width):
    from exo_industry import report

    index = report.export_index(built["html"][0].parent)
    shots = tmp_path / f"screens-{width}"
    print(f"\nscreenshots at {width} px: {shots}")
    for path in [*built["html"], index]:
        seen = layout(browser, path, width, shots / f"{path.stem}.png")
        assert seen["overflow"] <= 0, (
            f"{path.name} at {width} px is {seen['overflow']} px wider than the window"
        )
        assert seen["split"] == [], f"{path.name} at {width} px splits {seen['split'][:10]}"
        assert seen["cells"] > 0, path.name
        if width >= 1280:  # on a desktop the ledger is read in full, without scrolling sideways
            assert seen["ledger_scroll"] <= 0, f"{path.name}: the ledger scrolls {seen['ledger_scroll']} px"


def test_the_split_word_check_can_fail(browser, tmp_path):
    """The measurement itself: a narrow cell that may break anywhere is caught."""
    page = tmp_path / "narrow.html"
    page.write_text(
        '<html><body><table><tr><td style="width:3em;max-width:3em;overflow-wrap:anywhere">'
        "aging.share60 2026-11-25</td></tr></table></body></html>",
        encoding="utf-8",
    )
    seen = layout(browser, page, 400, tmp_path / "narrow.png")
    assert "aging.share60" in seen["split"]


def test_overview_reads_top_to_bottom_on_a_phone(built, browser):
    """At 400 px each claim of the ledger is one block, its cells stacked, labelled by their header."""
    path = next(p for p in built["html"] if p.name == "00_overview.en.html")
    page = browser.new_page(viewport={"width": 400, "height": 900})
    page.goto(path.as_uri())
    rows = page.evaluate(
        """Array.from(document.querySelectorAll('table.exo-ledger tbody tr')).slice(0, 3).map(tr =>
             Array.from(tr.cells).map(td => [Math.round(td.getBoundingClientRect().left),
                                              getComputedStyle(td, '::before').content]))"""
    )
    page.close()
    assert rows
    for cells in rows:
        lefts = {left for left, _ in cells}
        assert len(lefts) == 1, cells  # one column: every cell starts at the same x
        assert all(label not in ("none", "normal", '""') for _, label in cells), cells
