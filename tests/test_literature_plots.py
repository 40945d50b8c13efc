"""Literature figures drawn without a kernel: each plot function returns a Figure whose title
and axis labels are the section's words in the requested language."""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from exo_industry import theme  # noqa: E402
from exo_industry.sections import literature as L  # noqa: E402
from exo_industry.sections.literature import plots, text  # noqa: E402

HAN = re.compile(r"[\u4e00-\u9fff]")
LANGS = ("zh", "en")


@pytest.fixture(autouse=True)
def _style():
    with plt.rc_context():  # the notebook's style (and its CJK font), undone after the test
        theme.use("zh")
        yield
    plt.close("all")


def counts() -> pd.DataFrame:
    rows = [
        ("wos", "import", "exosomes", "whole", "mainland", c, y, n)
        for y in range(2018, 2023)
        for c, n in (("CN", 50 + 30 * (y - 2018)), ("US", 100), ("DE", 20), ("JP", 15))
    ]
    return pd.DataFrame(rows, columns=L.SERIES_COLUMNS)


def view():
    params = L.validate_parameters(start_year=2018, end_year=2022, top=1)
    return L.notebook_view(counts(), params)


def texts_of(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.texts]


@pytest.mark.parametrize("lang", LANGS)
def test_china_us_figure(lang):
    lab = text.labels(lang)
    v = view()
    assert v["countries"] == ["CN", "US", "DE"]  # CN, US and the next top country
    fig = plots.china_us(v, lang)
    left, right = fig.axes
    assert isinstance(fig, Figure)
    assert (left.get_title(), left.get_xlabel(), left.get_ylabel()) == (
        lab["title_country"],
        lab["year"],
        lab["papers"],
    )
    assert (right.get_title(), right.get_ylabel()) == (lab["title_ratio"], lab["ratio"])
    legend = [t.get_text() for t in left.get_legend().get_texts()]
    assert legend == [text.country_name(c, lang) for c in ("CN", "US", "DE")]
    assert texts_of(fig) == [text.series_caption(v, lang)]
    assert bool(HAN.search(left.get_title())) == (lang == "zh")
    assert list(right.lines[0].get_ydata()) == pytest.approx([0.5, 0.8, 1.1, 1.4, 1.7])


@pytest.mark.parametrize("lang", LANGS)
def test_topics_figure(lang):
    lab = text.labels(lang)
    rows = [
        ("openalex", "live", t, "whole", "mainland", "ALL", y, n * (y - 2015))
        for t, n in (("exosomes", 100), ("stem_cell", 10))
        for y in range(2016, 2020)
    ]
    series = pd.DataFrame(rows, columns=L.SERIES_COLUMNS)
    fig = plots.topics("openalex", series, lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel(), ax.get_yscale()) == (lab["title_topics"], lab["year"], "log")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        text.topic_label("exosomes", lang),
        text.topic_label("stem_cell", lang),
    ]
    assert texts_of(fig) == [f"{lab['source_note']}: {text.source_label('openalex', lang)}"]


@pytest.mark.parametrize("lang", LANGS)
def test_pubmed_context_figure_leaves_the_partial_year_out(lang):
    lab = text.labels(lang)
    last = L.rules.CONTEXT_LAST_FULL_YEAR
    ctx = pd.DataFrame(
        {
            "year": [last - 1, last, last + 1] * 2,
            "context": ["cardiac_repair"] * 3 + ["neurodegeneration"] * 3,
            "papers": [10, 12, 3, 20, 25, 4],
            "query": "",
        }
    )
    fig = plots.pubmed_context(ctx, lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_ylabel()) == (lab["title_context"], lab["papers"])
    assert len(ax.lines) == 2  # one line per context, complete years only: no drop into the partial year
    for line in ax.lines:
        assert list(line.get_xdata()) == [last - 1, last] and line.get_linestyle() == "-"
    (caption,) = texts_of(fig)
    assert caption == text.context_caption(lang, [last + 1]) and str(last + 1) in caption
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text.context_label(c, lang) for c in ("cardiac_repair", "neurodegeneration")]


def test_context_caption_names_no_year_when_none_is_partial():
    left_out = text.labels("en")["partial"].format(years=2031)
    assert left_out not in text.context_caption("en", []) and left_out in text.context_caption("en", [2031])


@pytest.mark.parametrize("lang", LANGS)
def test_records_topics_figure(lang):
    lab = text.labels(lang)
    mt = pd.DataFrame(
        {
            "dataset": "x",
            "topic": ["exosomes", "stem_cell", "engineered", "drug_delivery"],
            "records": [10, 3, 2, 1],
            "of_records": 10,
            "share": [100.0, 30.0, 20.0, 10.0],
        }
    )
    shown = L.mirror_topics_view(mt)
    fig = plots.records_topics(shown, lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel()) == (lab["mirror_topics_title"], lab["share_axis"])
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [
        text.topic_label(t, lang) for t in ("drug_delivery", "engineered", "stem_cell", "exosomes")
    ]
    assert [p.get_width() for p in ax.patches] == [10.0, 20.0, 30.0, 100.0]


@pytest.mark.parametrize("lang", LANGS)
def test_subfields_figure_compares_like_with_like(lang):
    """Only studies that count both China and the US are drawn, as paper counts from one study."""
    lab = text.labels(lang)
    fig = plots.subfields(lang)
    (ax,) = fig.axes
    drawn = [s for s in L.published.subfields() if s.cn is not None and s.us is not None]
    assert drawn and len(drawn) < len(L.published.subfields())  # rank-only studies are left out
    assert (ax.get_title(), ax.get_xlabel()) == (lab["title_subfields"], lab["papers"])
    assert [t.get_text() for t in ax.get_yticklabels()] == [text.subfield_label(s, lang) for s in drawn]
    widths = [p.get_width() for p in ax.patches]
    assert widths == [s.cn for s in drawn] + [s.us for s in drawn]  # China's bars, then the US's
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text.country_name("CN", lang), text.country_name("US", lang)]
    assert "%" not in ax.get_xlabel()  # counts, not shares of different fields
    assert bool(HAN.search(ax.get_title())) == (lang == "zh")


def atlas_frames():
    by_year = pd.DataFrame(
        [
            (y, c, n * (y - 2010))
            for y in range(2012, 2016)
            for c, n in zip(L.rules.ATLAS_CATEGORIES, (3, 5, 2, 1), strict=True)
        ],
        columns=["year", "category", "articles"],
    )
    cells = pd.DataFrame(
        {
            "cell_source": ["Stem Cell", "Cancer Cell", "Plant Cells"],
            "total": [9, 8, 2],
            "therapeutic": [6, 3, 1],
        }
    )
    loading = pd.DataFrame(
        {"method": ["Sonication", "Passive Diffusion", "Incubation"], "studies": [5, 7, 1]}
    )
    return by_year, cells, loading


@pytest.mark.parametrize("lang", LANGS)
def test_atlas_years_figure(lang):
    lab = text.labels(lang)
    by_year, _, _ = atlas_frames()
    fig = plots.atlas_years(by_year, lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_ylabel()) == (lab["title_atlas_years"], lab["articles"])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text.atlas_label("category", c, lang) for c in L.rules.ATLAS_CATEGORIES]
    ther = L.rules.ATLAS_CATEGORIES.index(L.rules.ATLAS_GROWTH_SERIES)
    assert list(ax.lines[ther].get_ydata()) == [10, 15, 20, 25]
    assert ax.lines[ther].get_linewidth() > ax.lines[0].get_linewidth()  # the judged series stands out
    assert texts_of(fig) == [lab["atlas_caption"]]
    assert bool(HAN.search(legend[0])) == (lang == "zh")


@pytest.mark.parametrize("lang", LANGS)
def test_atlas_focus_figure(lang):
    lab = text.labels(lang)
    _, cells, loading = atlas_frames()
    fig = plots.atlas_focus(cells, loading, lang, top=2)
    left, right = fig.axes
    assert [t.get_text() for t in left.get_yticklabels()] == [
        text.atlas_label("cell_source", n, lang) for n in ("Cancer Cell", "Stem Cell")
    ]  # the two largest, largest at the top
    assert [p.get_width() for p in left.patches] == [3, 6]
    assert left.patches[1].get_facecolor() != left.patches[0].get_facecolor()  # stem cells marked
    assert [p.get_width() for p in right.patches] == [5, 7]
    assert (left.get_title(), right.get_title()) == (lab["title_atlas_cells"], lab["title_atlas_loading"])
