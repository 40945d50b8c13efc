"""Briefings: one self-contained HTML file per notebook and language, plus the overview."""

import re
from pathlib import Path

import pytest

from conftest import make_notebook
from exo_industry import report
from exo_industry.execute import notebook_stems, run_notebook

pytestmark = pytest.mark.notebook
# a request to another host: an embedded resource (src=, <link href=, CSS url()); plain <a href> links
# (DOIs, registry records) load nothing until the reader follows them
EXTERNAL = re.compile(r"""(?:\bsrc\s*=|<link\b[^>]*\bhref\s*=|url\()\s*["']?(?:https?:)?//""", re.I)


def test_file_names_carry_notebook_and_language(built):
    names = {p.name for p in built["html"]}
    expected = {f"{s}.{lg}.html" for s in notebook_stems() for lg in ("zh", "en")} | {
        "00_overview.zh.html",
        "00_overview.en.html",
    }
    assert names == expected


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_briefing_has_no_code_no_parameters_no_external_requests(built, lang):
    for path in built["html"]:
        if not path.name.endswith(f".{lang}.html"):
            continue
        text = path.read_text(encoding="utf-8")
        assert path.stat().st_size < 3 * 1024 * 1024, path.name
        assert "injected-parameters" not in text and "papermill" not in text.lower(), path.name
        assert "import matplotlib" not in text and "validate_parameters" not in text, path.name
        assert 'class="jp-InputArea' not in text, path.name
        assert not EXTERNAL.search(text), f"{path.name} loads something from another host"
        assert "<script src" not in text, path.name
        assert f'lang="{report.LANG_CODES[lang]}"' in text
        assert "@font-face" in text or lang == "en"


def test_images_are_embedded(built):
    page = next(p for p in built["html"] if p.name == "01_aging_demographics.zh.html").read_text(
        encoding="utf-8"
    )
    imgs = re.findall(r"<img[^>]+src=\"([^\"]+)\"", page)
    assert len(imgs) >= 3 and all(src.startswith("data:image/png;base64,") for src in imgs)


def test_language_specific_text(built):
    zh = next(p for p in built["html"] if p.name == "01_aging_demographics.zh.html").read_text(
        encoding="utf-8"
    )
    en = next(p for p in built["html"] if p.name == "01_aging_demographics.en.html").read_text(
        encoding="utf-8"
    )
    assert "论文论断核验" in zh and "Checking the paper's claims" not in zh
    assert "Checking the paper's claims" in en and "论文论断核验" not in en
    assert "有保留地复现" in zh and "reproduced with caveat" in en


def test_provenance_footer(built):
    page = next(p for p in built["html"] if p.name == "01_aging_demographics.en.html").read_text(
        encoding="utf-8"
    )
    footer = page[page.index('<footer class="exo-footer">') :]
    for needle in (
        "UN World Population Prospects 2024",
        "CC BY 3.0 IGO",
        "popAge5dt.csv",
        "WPP 2024",
        "exo_industry 0.1.0",
    ):
        assert needle in footer
    assert re.search(r"20\d\d-\d\d-\d\d", footer)


def test_overview_lists_every_claim_with_links(built):
    import pandas as pd

    page = next(p for p in built["html"] if p.name == "00_overview.en.html").read_text(encoding="utf-8")
    ledger = pd.read_csv(Path(built["env"]["EXO_PROCESSED"]) / "claims.csv")
    for _, row in ledger.iterrows():
        assert f'id="{row.claim_id}"' in page
        assert f'href="{row.notebook}.en.html"' in page


def test_hostile_text_is_escaped(iso_env, monkeypatch):
    """Text that a source could send (a trial title, a sponsor) reaches the briefing as text."""
    nbdir = iso_env / "nbs"
    make_notebook(
        nbdir,
        "97_hostile",
        (
            "import pandas as pd\nfrom exo_industry import nbtools\n"
            "df = pd.DataFrame({'title': ['<script>alert(1)</script>'], "
            "'sponsor': ['<img src=x onerror=alert(2)>']})\n"
            "nbtools.show_table(df, caption='<b>trials</b>')\nnbtools.notice(df.title[0])\ndisplay(df)"
        ),
    )
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    html = report.export_notebook(run_notebook("97_hostile"))
    text = html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_values_from_sources_are_escaped_in_narrative(iso_env, monkeypatch):
    """A location or sponsor name filled into narrative Markdown cannot become markup or a link."""
    nbdir = iso_env / "nbs"
    make_notebook(
        nbdir,
        "93_narrative",
        (
            "from exo_industry import nbtools\n"
            "nbtools.markdown('Deaths in **{place}**: {n:.1f} million', "
            "place='<img src=x onerror=alert(3)> [x](javascript:alert(4))', n=41.04)"
        ),
    )
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    text = report.export_notebook(run_notebook("93_narrative")).read_text(encoding="utf-8")
    assert "<img src=x" not in text and 'href="javascript' not in text
    assert "41.0 million" in text and "<strong>" in text  # our own Markdown still renders
