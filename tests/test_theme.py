"""The plot theme: Chinese set in Noto Sans CJK SC (Simplified forms), no missing glyphs,
figures reproducible byte for byte."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
from fontTools.ttLib import TTFont  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from exo_industry import theme  # noqa: E402
from exo_industry.errors import BadParameter  # noqa: E402


def test_the_font_is_the_simplified_chinese_face():
    path = theme.font_path()
    with TTFont(str(path), lazy=True) as font:
        names = {font["name"].getDebugName(1), font["name"].getDebugName(16)}
        cmap = font.getBestCmap()
    assert "Noto Sans CJK SC" in names, names  # the SC face, not JP/KR/TC
    for ch in "中国人口老龄化外泌体临床试验专利骨":
        assert ord(ch) in cmap, ch


def test_matplotlib_resolves_the_family_to_that_file():
    theme.use("zh")
    found = font_manager.findfont(
        font_manager.FontProperties(family=theme.CJK_FAMILY), fallback_to_default=False
    )
    assert found == str(theme.font_path())


def test_chinese_labels_draw_without_missing_glyph_warnings(tmp_path):
    theme.use("zh")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning from matplotlib
        fig, ax = plt.subplots()
        ax.set_title("中国60岁及以上人口占比（%）—— 外泌体")
        ax.plot([2020, 2030], [18.6, 26.4], label="预测（中方案）")
        ax.legend()
        ax.set_xlabel("年份")
        theme.save_figure(fig, "probe", folder=tmp_path)
        plt.close(fig)


def test_figures_are_reproducible(tmp_path):
    theme.use("en")

    def draw():
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3], [3, 1, 2])
        ax.set_title("probe 中国")
        return fig

    a, b = draw(), draw()
    for fmt in ("png", "svg"):
        assert theme.figure_bytes(a, fmt) == theme.figure_bytes(b, fmt)
    plt.close("all")


def test_labels_must_agree_between_languages():
    with pytest.raises(KeyError, match="title"):
        theme.labels({"zh": {"title": "标题"}, "en": {}}, "en")
    with pytest.raises(BadParameter, match="'de'"):
        theme.labels({"zh": {}, "en": {}}, "de")


def test_alt_text_comes_from_titles_and_axes():
    fig, ax = plt.subplots()
    ax.set_title("Share aged 60+")
    ax.set_ylabel("%")
    ax.set_xlabel("年份")
    assert theme.alt_text(fig) == "Share aged 60+ (% / 年份)"
    plt.close(fig)


@pytest.mark.parametrize("loc", ["left", "center"])
@pytest.mark.parametrize("values", [[1.2e7, 3.4e7, 2.2e7], [2015.001, 2015.002, 2015.003]])
def test_a_title_never_overlaps_text_above_the_axes(loc, values):
    """The theme fixes titles to the axes' top edge (no search for what sits above the axes);
    large or narrow-range values must then not put scale or offset text up there."""
    theme.use("en")
    fig, ax = plt.subplots()
    ax.plot([0, 1, 2], values)
    ax.set_title("A long title that reaches across the top of the axes, both sides of it", loc=loc)
    fig.tight_layout()
    renderer = fig.canvas.get_renderer()
    fig.draw(renderer)
    title = ax.title if loc == "center" else ax._left_title
    for axis in (ax.xaxis, ax.yaxis):
        offset = axis.offsetText
        if offset.get_visible() and offset.get_text():
            assert not title.get_window_extent(renderer).overlaps(offset.get_window_extent(renderer))
    assert title.get_window_extent(renderer).y0 >= ax.get_window_extent(renderer).y1
    plt.close(fig)
