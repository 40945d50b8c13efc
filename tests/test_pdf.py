"""`exo-industry report --pdf`: one A4 PDF per briefing, printed by headless Chromium; the PDFs
are read back (pdfinfo for the page size, pdftotext page by page for stranded headings)."""

import html as html_mod
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from helpers import chromium_path

pytestmark = [pytest.mark.browser, pytest.mark.notebook]
A4 = (595, 842)  # points, rounded


def need_poppler():
    if not all(shutil.which(t) for t in ("pdfinfo", "pdftotext", "pdfimages")):
        pytest.skip("poppler-utils (pdfinfo, pdftotext, pdfimages) are not installed")


def page_sizes(pdf: Path) -> list[tuple[int, int]]:
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)
    return [(round(float(w)), round(float(h))) for w, h in sizes]


def page_lines(pdf: Path, n: int) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", str(n), "-l", str(n), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def page_images(pdf: Path, n: int) -> int:
    out = subprocess.run(
        ["pdfimages", "-list", "-f", str(n), "-l", str(n), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return max(0, len(out.strip().splitlines()) - 2)  # two header lines


def lowest_text(pdf: Path, n: int) -> float:
    """How far down the page (0 top, 1 bottom) its lowest word ends."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(n), "-l", str(n), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', out).group(1))
    ys = [float(y) for y in re.findall(r'<word [^>]*yMax="([\d.]+)"', out)]
    return max(ys, default=0.0) / height


def headings(page: str) -> set[str]:
    found = re.findall(r"<h([1-4])[^>]*>(.*?)</h\1>", page, flags=re.S)
    texts = {" ".join(html_mod.unescape(re.sub(r"<[^>]+>", "", t)).split()) for _, t in found}
    return {t.replace("¶", "").strip() for t in texts if t.strip()}


@pytest.fixture(scope="module")
def pdfs(built, tmp_path_factory):
    """The overview and two section briefings in both languages, printed to PDF."""
    chromium_path()
    need_poppler()
    from exo_industry import report

    out = tmp_path_factory.mktemp("pdf")
    chosen = [
        p
        for p in built["html"]
        if p.name.split(".")[0] in ("00_overview", "01_aging_demographics", "03_clinical_trials")
    ]
    made = {p: report.export_pdf(p, out / (p.stem + ".pdf")) for p in chosen}
    print(f"\nPDFs kept in {out}")
    return made


def test_every_page_is_a4(pdfs):
    assert len(pdfs) == 6
    for pdf in pdfs.values():
        sizes = page_sizes(pdf)
        assert sizes, pdf.name
        assert all(abs(w - A4[0]) <= 1 and abs(h - A4[1]) <= 1 for w, h in sizes), (pdf.name, sizes)


def test_no_page_holds_only_a_heading_and_none_ends_on_one(pdfs):
    for html_path, pdf in pdfs.items():
        heads = headings(html_path.read_text(encoding="utf-8"))
        n = len(page_sizes(pdf))
        assert n >= 2, f"{pdf.name}: {n} page(s)"
        for i in range(1, n + 1):
            lines, images = page_lines(pdf, i), page_images(pdf, i)
            assert lines or images, f"{pdf.name} page {i} is empty"
            only_headings = lines and all(line in heads for line in lines)
            assert images or not only_headings, f"{pdf.name} page {i} holds only {lines}"
            if i < n and lines and lines[-1] in heads:  # a heading as the last text, low on the page
                low = lowest_text(pdf, i)
                assert low < 0.8, f"{pdf.name}: heading {lines[-1]!r} stranded at the foot of page {i}"


def test_overview_first_page_has_the_ledger(pdfs):
    """The overview's first page is not the title alone: the ledger starts on it."""
    pdf = next(p for h, p in pdfs.items() if h.name == "00_overview.en.html")
    first = " ".join(page_lines(pdf, 1))
    assert "Checking the paper's numbers" in first
    # header cells wrap over two lines in the text layer, so look for single words and a value
    assert "Reproduced" in first and "Verdict" in first and "272.0" in first, first[:300]


def test_missing_chromium_is_a_clear_error(iso_env, monkeypatch, capsys):
    from exo_industry.cli import main

    monkeypatch.setenv("EXO_CHROMIUM", str(iso_env / "no-such-chromium"))
    assert main(["report", "--pdf"]) == 2
    err = capsys.readouterr().err
    assert "Chromium is needed to print briefings to PDF" in err and "apt-get install chromium" in err
