"""Briefings: one self-contained HTML file per notebook and language, plus the overview."""

import base64
import re
from pathlib import Path

import pytest

from exo_industry import report
from exo_industry.execute import notebook_stems, run_notebook
from helpers import make_notebook

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
    assert len(imgs) >= 3 and all(src.startswith("data:image/svg+xml;base64,") for src in imgs)
    svg = base64.b64decode(imgs[0].split(",", 1)[1]).decode("utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg  # the chart itself, decodable
    alts = re.findall(r"<img[^>]+alt=\"([^\"]*)\"", page)
    assert alts and all(a and a != "figure" for a in alts[:3])  # alt text from the chart's titles


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
    # one exporter serves both languages; each page still names its own
    assert '<html lang="zh-CN">' in zh and '<html lang="en">' in en


def test_compiled_templates_are_kept_in_the_build_folder(built):
    cached = list((Path(built["env"]["EXO_BUILD"]) / "cache" / "jinja").glob("*.cache"))
    assert len(cached) >= 5, cached  # the briefing template and those it extends or includes


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


# a path on this machine, a Python object's repr or a figure's repr: cell leftovers, not content
LEFTOVERS = re.compile(
    r"PosixPath\(|WindowsPath\(|<Figure size|object at 0x[0-9a-f]+|<matplotlib\.|"
    r"(?<![\w.:/])/(?:home|root|tmp|work|Users|usr|var|opt|mnt|srv)/|[A-Z]:\\\\Users"
)


def _without_data_uris(text: str) -> str:
    return re.sub(r"data:[\w/+.-]+(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/=]+", "data:", text)


def test_nothing_but_content(built):
    """No cell return value, local path or object repr in any briefing (issue 14, item 1)."""
    pages = [*built["html"], report.export_index(built["html"][0].parent)]
    for path in pages:
        text = _without_data_uris(path.read_text(encoding="utf-8"))
        found = LEFTOVERS.findall(text)
        assert found == [], f"{path.name}: {found[:5]}"
        assert str(built["base"]) not in text and str(Path.home()) + "/" not in text, path.name


def test_leftover_check_catches_a_displayed_return_value(iso_env, monkeypatch):
    nbdir = iso_env / "nbs"
    make_notebook(nbdir, "92_leftover", "from pathlib import Path\n{'png': Path('/home/someone/x.png')}")
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbdir))
    text = report.export_notebook(run_notebook("92_leftover")).read_text(encoding="utf-8")
    assert LEFTOVERS.search(_without_data_uris(text))


def test_publish_returns_nothing_and_offers_the_data(iso_env):
    import base64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from exo_industry import theme

    fig, ax = plt.subplots()
    ax.plot([2000, 2010], [1.5, 2.5], label="China")
    ax.set_title("share")
    assert theme.publish(fig, "x_test.en") is None
    fig, ax = plt.subplots()
    ax.bar(["a", "b"], [3, 4], label="count")
    ax.plot([0, 1], [1, 2], label="line")
    frame = theme.chart_data(fig)
    assert set(frame["series"]) == {"count", "line"} and list(frame["y"]) == [1, 2, 3, 4]
    link = theme.csv_link_html(frame, "x_test.en", "zh")
    uri = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', link).group(1)
    assert base64.b64decode(uri).decode("utf-8-sig").splitlines()[0] == "panel,series,x,y"
    assert 'download="x_test.en.csv"' in link and "下载图表数据" in link
    plt.close("all")


def test_chart_csv_carries_its_column_descriptions():
    """Beside each chart's CSV, a Table Schema (the data dictionary's form) names every column,
    the read-back x and y by the chart's own axis labels, in the briefing's language."""
    import base64
    import json

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from exo_industry import theme

    fig, ax = plt.subplots()
    ax.plot([2000, 2010], [1.5, 2.5], label="China")
    ax.set_xlabel("年份")
    ax.set_ylabel("占比（%）")
    frame = theme.chart_data(fig)
    link = theme.csv_link_html(frame, "x_test.zh", "zh", theme.chart_fields(fig, frame, "zh"))
    uri = re.search(r'href="data:application/json;charset=utf-8;base64,([^"]+)"', link).group(1)
    fields = {f["name"]: f for f in json.loads(base64.b64decode(uri).decode("utf-8"))["fields"]}
    assert list(fields) == list(frame.columns)
    assert fields["x"]["description"] == "横轴：年份" and fields["y"]["description"] == "纵轴：占比（%）"
    assert fields["y"]["type"] == "number" and 'download="x_test.zh.schema.json"' in link
    plt.close("all")


@pytest.mark.parametrize(
    "text, href",
    [
        ("see doi:10.1016/S0140-6736(20)30925-9.", "https://doi.org/10.1016/S0140-6736(20)30925-9"),
        ("(https://doi.org/10.1002/jev2.12345)", "https://doi.org/10.1002/jev2.12345"),
        ("trial NCT01234567, done", "https://clinicaltrials.gov/study/NCT01234567"),
        ("10.3389/fphar.2022.1234567；", "https://doi.org/10.3389/fphar.2022.1234567"),
    ],
)
def test_dois_and_registry_ids_become_links(text, href):
    import html as html_mod

    out = report.linkify("<p>" + html_mod.escape(text) + "</p>")
    assert f'<a href="{html_mod.escape(href)}" rel="noopener">' in out


def test_linkify_leaves_attributes_links_and_styles_alone():
    page = (
        '<img alt="doi:10.1000/xyz" src="data:image/png;base64,AAAA">'
        '<a href="x.html">NCT01234567</a><style>/* 10.1000/abc */</style>'
        "<p>&lt;script&gt; 10.1000/a&quot;onmouseover=alert(1)</p>"
    )
    out = report.linkify(page)
    assert out.count("<a ") == 2  # the existing link, and one in the paragraph
    assert 'alt="doi:10.1000/xyz"' in out and "/* 10.1000/abc */" in out
    assert "onmouseover=alert(1)" not in out.split("<a href=")[2].split(">")[0]  # escaped text stays text


def test_briefing_footer_shows_parameters_commit_and_links(built):
    page = next(p for p in built["html"] if p.name == "01_aging_demographics.en.html").read_text(
        encoding="utf-8"
    )
    footer = page[page.index('<footer class="exo-footer">') :]
    assert "Parameters (all at their defaults)" in footer and "<code>variant</code> = " in footer
    assert 'href="index.html"' in page and 'href="01_aging_demographics.zh.html"' in page
    commit = report.compendium_commit()
    assert commit and f"commit {commit}" in footer


def test_overview_is_one_language_with_units_in_their_own_column(built):
    zh = next(p for p in built["html"] if p.name == "00_overview.zh.html").read_text(encoding="utf-8")
    en = next(p for p in built["html"] if p.name == "00_overview.en.html").read_text(encoding="utf-8")
    assert "<th>单位</th>" in zh and "<th>Unit</th>" in en
    assert "People aged 60 and over" not in zh  # no English translation under the Chinese claims
    assert "People aged 60 and over" in en


def test_verdict_counts_read_the_ledger_as_pandas_does(committed_processed):
    from exo_industry.claims import read_ledger
    from exo_industry.config import paths

    ledger = read_ledger(paths().claims)
    assert len(ledger) > 10
    want: dict = {}
    for cid, verdict in zip(ledger["claim_id"], ledger["verdict"], strict=True):
        prefix = cid.split(".", 1)[0]
        want.setdefault(prefix, {}).setdefault(verdict, 0)
        want[prefix][verdict] += 1
    assert report.verdict_counts() == want
    assert sum(sum(c.values()) for c in want.values()) == len(ledger)


def test_index_lists_every_briefing_with_verdict_counts(built):
    import pandas as pd

    from exo_industry.sections import all_sections

    index = report.export_index(built["html"][0].parent)
    text = index.read_text(encoding="utf-8")
    ledger = pd.read_csv(Path(built["env"]["EXO_PROCESSED"]) / "claims.csv")
    for s in all_sections():
        for lang in ("zh", "en"):
            assert f'href="{s.NOTEBOOK}.{lang}.html"' in text
        own = ledger[ledger["claim_id"].str.startswith(s.CLAIM_PREFIX + ".")]
        row = text[text.index(f'href="{s.NOTEBOOK}.zh.html"') :].split("</tr>")[0]
        shown = sum(int(n) for n in re.findall(r'class="exo-badge[^"]*">(\d+) ', row))
        assert shown == len(own), (s.NAME, shown, len(own))
    assert 'href="00_overview.en.html"' in text


@pytest.mark.notebook
def test_a_parameter_run_leaves_committed_outputs_and_default_briefings_alone(tmp_path, monkeypatch):
    """A non-default run writes only under build/ and under its own key (issue 14, item 2)."""
    import subprocess

    from exo_industry.cli import _overviews
    from exo_industry.execute import run_many

    root = Path(__file__).resolve().parents[1]
    monkeypatch.setenv("EXO_BUILD", str(tmp_path / "build"))
    for var in ("EXO_FIGURES", "EXO_PROCESSED"):
        monkeypatch.delenv(var, raising=False)

    def state():
        status = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "figures", "data/processed"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        stamps = {p.name: p.stat().st_mtime_ns for p in (root / "figures").iterdir()}
        return status, stamps

    default = tmp_path / "build" / "briefings" / "01_aging_demographics.en.html"
    default.parent.mkdir(parents=True)
    default.write_text("<html>the default briefing</html>", encoding="utf-8")
    before = state()
    r = run_many(["01_aging_demographics"], ["en"], {"variant": "high"}, export=True)[0]
    assert r.error is None, r.error
    assert state() == before
    assert default.read_text(encoding="utf-8") == "<html>the default briefing</html>"
    tag = r.path.name.split(".")[1]
    assert re.fullmatch(r"p[0-9a-f]{8}", tag) and r.html.name == f"01_aging_demographics.{tag}.en.html"
    figs = sorted(p.name for p in (tmp_path / "build" / "figures").glob("*.svg"))
    assert figs and all(f".{tag}.en.svg" in f for f in figs)
    footer = r.html.read_text(encoding="utf-8").split('<footer class="exo-footer">')[1]
    assert (
        "<code>variant</code> = <span class=\"exo-value\">high</span>" in footer
        and "not the default" in footer
    )
    # the same parameters give the same key; the overview ignores the parameter run
    again = run_many(["01_aging_demographics"], ["en"], {"variant": "high"}, export=True)[0]
    assert again.status == "reused" and again.path == r.path
    monkeypatch.setattr("exo_industry.report.export_overview", lambda lang: default)
    monkeypatch.setattr("exo_industry.runcache.mark_overview", lambda *a: None)
    seen = {}
    monkeypatch.setattr("exo_industry.runcache.overview_key", lambda lang, own: seen.setdefault(lang, own))
    _overviews(["en"], [r.html, default], force=True)
    assert seen["en"] == [default]


def test_monospace_text_falls_back_to_the_embedded_cjk_face():
    """Commands in a briefing carry Chinese comments: the monospace stack must reach the embedded
    CJK subset, or those characters show as empty boxes on a machine without CJK fonts."""
    css = (Path(report.__file__).parent / "templates" / "briefing.css").read_text(encoding="utf-8")
    mono = re.search(r"--exo-mono:\s*([^;]+);", css)
    assert mono and f'"{report.FONT_FAMILY}"' in mono.group(1)
    assert re.search(r"body\.jp-Notebook pre[^{]*\{[^}]*font-family:\s*var\(--exo-mono\)", css)


WARM = """import sys
from pathlib import Path
from exo_industry import report
if sys.argv[1] == "warm":
    report.warm_up()
sys.stdout.buffer.write(report.export_notebook(Path(sys.argv[2]), Path(sys.argv[3])).read_bytes())"""


def test_the_exporter_warm_up_writes_nothing_and_changes_no_briefing(built, tmp_path):
    """A build readies its exporter with a stand-in notebook (report.warm_up); the briefing
    exported next is the one a cold exporter gives, and the build folder gains nothing."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, **{k: str(v) for k, v in built["env"].items()})
    build = Path(built["env"]["EXO_BUILD"])
    executed = next(r.path for r in built["results"] if r.stem.startswith("03") and r.lang == "zh")
    before = {p for p in build.rglob("*") if "cache" not in p.parts}
    pages = {}
    for mode in ("cold", "warm"):
        out = tmp_path / mode
        cmd = [sys.executable, "-c", WARM, mode, str(executed), str(out)]
        run = subprocess.run(cmd, env=env, capture_output=True, timeout=300)
        assert run.returncode == 0, run.stderr.decode()[-2000:]
        pages[mode] = run.stdout
    assert pages["warm"] == pages["cold"]
    assert b"<img" in pages["warm"]
    assert {p for p in build.rglob("*") if "cache" not in p.parts} == before
