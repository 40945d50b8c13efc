"""What a build no longer does twice, and what it must still get right while not doing it.

Each test guards one shortcut of issue #15: a figure drawn once, as SVG; parameters read
without papermill; YAML read by libyaml; planning without the plotting stack; the page font
cut by HarfBuzz; briefings exported by the parent while the workers run kernels.
"""

import base64
import io
import os
import re
import subprocess
import sys
import textwrap

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import yaml  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from exo_industry import i18n, report, theme  # noqa: E402
from exo_industry.errors import BadParameter  # noqa: E402
from helpers import ROOT, make_notebook  # noqa: E402


def _laid_out_figure():
    fig, axes = plt.subplots(1, 2)
    axes[0].plot([2000, 2020], [10, 20], label="中国")
    axes[0].set_title("老龄化 / aging")
    axes[0].legend(loc="center left", bbox_to_anchor=(1.0, 0.5))
    axes[1].bar(["a", "b"], [3, 4])
    fig.tight_layout()  # as every plot function does
    return fig


def test_a_figure_is_drawn_once_per_save(monkeypatch):
    theme.use("zh")
    fig = _laid_out_figure()
    draws = []
    original = Figure.draw

    def counting(self, renderer):
        draws.append(type(renderer).__name__)
        return original(self, renderer)

    monkeypatch.setattr(Figure, "draw", counting)
    svg = theme.figure_bytes(fig)
    assert len(draws) == 1, draws  # no layout pass again, no tight-bbox dry run
    assert svg.lstrip().startswith(b"<?xml") and b"<svg" in svg
    assert fig.axes[0].get_position().x0 > 0.01  # tight_layout's positions are kept
    plt.close(fig)


def _view_box(svg: bytes) -> list[float]:
    return [float(v) for v in re.search(rb'viewBox="([^"]+)"', svg).group(1).split()]


def test_a_note_below_the_axes_is_inside_the_saved_figure():
    """Source notes sit below the axes (negative y); the saved box is the tight one savefig
    would measure itself, found without its second layout pass."""
    theme.use("zh")
    fig = _laid_out_figure()
    fig.text(0.01, -0.06, "数据来源：联合国《世界人口展望2024》", fontsize=8)
    ours = _view_box(theme.figure_bytes(fig))
    buf = io.BytesIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plain = io.BytesIO()
    fig.savefig(plain, format="svg")
    assert ours == pytest.approx(_view_box(buf.getvalue()), abs=0.5)
    assert ours[3] > _view_box(plain.getvalue())[3]  # taller than the canvas: the note is in
    plt.close(fig)


def test_figure_bytes_names_an_unknown_format():
    fig = _laid_out_figure()
    with pytest.raises(BadParameter, match="'jpeg'"):
        theme.figure_bytes(fig, "jpeg")
    plt.close(fig)


def test_publish_writes_the_svg_and_shows_that_file_as_an_img(tmp_path, monkeypatch):
    """One file, and one HTML output holding it: JupyterLab shows image/svg+xml outputs only
    in trusted notebooks (papermill's copies are not), while an <img> passes its sanitizer."""
    import IPython.display

    monkeypatch.setenv("EXO_FIGURES", str(tmp_path))
    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *a, **k: shown.append(a[0]))
    theme.use("en")
    fig = _laid_out_figure()
    assert theme.publish(fig, "probe.en") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["probe.en.svg"]
    page = shown[0].data  # an IPython.display.HTML
    src = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(src) == (tmp_path / "probe.en.svg").read_bytes()
    assert 'alt="老龄化 / aging' in page
    html_alt = theme.chart_html(b"<svg/>", 'a "quoted" <title>')
    assert 'alt="a &quot;quoted&quot; &lt;title&gt;"' in html_alt  # alt text is escaped


def test_notebook_defaults_match_papermills_reading(tmp_path, monkeypatch):
    import papermill

    from exo_industry.execute import notebook_defaults, notebook_stems

    def papermills(path):
        out = {}
        for name, spec in papermill.inspect_notebook(str(path)).items():
            try:
                out[name] = eval(spec["default"], {})  # literals only in these cells
            except (NameError, SyntaxError):
                out[name] = spec["default"]
        return out

    for stem in notebook_stems():
        mine = notebook_defaults(stem)
        assert list(mine.items()) == list(papermills(ROOT / "notebooks" / f"{stem}.ipynb").items()), stem
    monkeypatch.setenv("EXO_NOTEBOOKS", str(tmp_path))
    make_notebook(tmp_path, "91_probe", "x = 1", params='years = [2000, 2020]  # a list\nlang = "zh"\nn = 3')
    assert notebook_defaults("91_probe") == {"years": [2000, 2020], "lang": "zh", "n": 3}


def test_the_fast_yaml_loader_reads_every_text_file_the_same():
    files = sorted((ROOT / "src" / "exo_industry" / "sections").glob("*/text/*.yaml"))
    assert len(files) == 10
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=i18n._SafeLoader) == yaml.safe_load(text), f.name


def test_planning_and_exporting_import_no_plotting_stack(tmp_path):
    """The build's parent plans every run and exports pages; none of that needs matplotlib."""
    code = textwrap.dedent(
        """
        import sys
        from exo_industry import execute, report
        from exo_industry.sections import all_sections
        all_sections()
        execute.plan_runs(execute.notebook_stems(), ["zh", "en"], {}, None, True, False)
        report.embedded_font_css("中文")
        heavy = sorted(m for m in ("matplotlib", "seaborn", "papermill") if m in sys.modules)
        print(",".join(heavy) or "none")
        """
    )
    env = dict(os.environ, EXO_BUILD=str(tmp_path / "build"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "none"


def test_commands_other_than_fetch_do_not_load_the_sources():
    """Building every source's `fetch` options imports pandas; `build` and `run` skip that."""
    code = (
        "import sys\n"
        "from exo_industry import cli\n"
        "cli.build_parser(sys.argv[1])\n"
        "print(sorted(m for m in sys.modules if m.startswith('exo_industry.sources.')))\n"
    )
    for command, loaded in (("build", False), ("fetch", True)):
        out = subprocess.run([sys.executable, "-c", code, command], capture_output=True, text=True)
        assert out.returncode == 0, out.stderr
        assert (out.stdout.strip() != "[]") is loaded, (command, out.stdout)


def test_main_tells_the_parser_which_command_runs(monkeypatch, capsys):
    from exo_industry import cli

    seen = []
    real = cli.build_parser
    monkeypatch.setattr(cli, "build_parser", lambda command=None: seen.append(command) or real(command))
    assert cli.main(["-v", "list", "--json"]) == 0
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert seen == ["list", None]  # None: the whole parser, every source's fetch options


def _font_of(css: str) -> TTFont:
    data = re.search(r"base64,([A-Za-z0-9+/=]+)\)", css).group(1)
    return TTFont(io.BytesIO(base64.b64decode(data)))


def test_the_page_font_holds_exactly_the_pages_chinese_characters(tmp_path, monkeypatch):
    monkeypatch.setenv("EXO_BUILD", str(tmp_path))
    text = "中国老龄化 exosome 外泌体，临床试验。Latin only here: abc"
    font = _font_of(report.embedded_font_css(text))
    expected = {ord(c) for c in "中国老龄化外泌体，临床试验。"}
    assert set(font.getBestCmap()) == expected
    assert font["CFF "].cff.fontNames  # still the CFF outlines of Noto Sans CJK SC
    licence = font["name"].getDebugName(13) or ""
    assert "SIL Open Font License" in licence  # the licence record travels with the subset
    assert font["maxp"].numGlyphs < 100  # a subset, not the 65,000-glyph font


def test_a_pages_font_subset_is_cut_once(tmp_path, monkeypatch):
    monkeypatch.setenv("EXO_BUILD", str(tmp_path))
    first = report.embedded_font_css("外泌体产业")

    def refuse(*_):
        raise AssertionError("the cached subset should have been used")

    monkeypatch.setattr(report, "_subset", refuse)
    assert report.embedded_font_css("产业外泌体") == first  # same characters, any order


@pytest.mark.notebook
def test_a_failed_export_is_reported_for_its_run_only(iso_env, monkeypatch):
    """Exports happen in the parent as runs finish; one that fails marks that run failed and
    leaves the other run's briefing and completion mark in place."""
    from exo_industry import execute, runcache

    nbs = iso_env / "nbs"
    monkeypatch.setenv("EXO_NOTEBOOKS", str(nbs))
    make_notebook(nbs, "93_good", 'print("good")')
    make_notebook(nbs, "94_bad", 'print("bad")')
    (iso_env / "processed" / "claims.csv").write_text("claim_id\n", encoding="utf-8")
    real = report.export_notebook

    def export(path, *a, **k):
        if path.name.startswith("94_bad"):
            raise OSError("disk full while writing the briefing")
        return real(path, *a, **k)

    monkeypatch.setattr(report, "export_notebook", export)
    good, bad = execute.run_many(["93_good", "94_bad"], ["en"], jobs=2, export=True)
    assert good.error is None and good.html.is_file() and b"good" in good.html.read_bytes()
    assert runcache.read_mark(good.path)["briefing"]["name"] == good.html.name  # recorded in its mark
    assert bad.html is None and "disk full" in bad.error
    monkeypatch.setattr(report, "export_notebook", real)  # the disk has room again
    again = execute.run_many(["93_good", "94_bad"], ["en"], jobs=2, export=True)
    assert [(r.status, r.reason) for r in again] == [  # only the failed briefing is redone
        ("reused", "nothing it depends on changed"),
        ("exported", "briefing missing or changed"),
    ]
