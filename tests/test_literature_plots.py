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
def test_pubmed_context_figure(lang):
    lab = text.labels(lang)
    ctx = pd.DataFrame(
        {
            "year": [2024, 2025, 2026] * 2,
            "context": ["cardiac_repair"] * 3 + ["neurodegeneration"] * 3,
            "papers": [10, 12, 3, 20, 25, 4],
            "query": "",
        }
    )
    fig = plots.pubmed_context(ctx, lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_ylabel()) == (lab["title_context"], lab["papers"])
    assert len(ax.lines) == 4  # complete years and the partial last year, per context
    assert list(ax.lines[0].get_xdata()) == [2024, 2025] and list(ax.lines[1].get_xdata()) == [2025, 2026]
    assert texts_of(fig) == [text.context_caption(lang)] and lab["partial"] in texts_of(fig)[0]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == [text.context_label(c, lang) for c in ("cardiac_repair", "neurodegeneration")]


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
def test_published_figure(lang):
    lab = text.labels(lang)
    fig = plots.published(L.published_shares(), lang)
    (ax,) = fig.axes
    assert (ax.get_title(), ax.get_xlabel(), ax.get_xlim()) == (
        lab["title_published"],
        lab["share_papers"],
        (0, 100),
    )
    ticks = [t.get_text() for t in ax.get_yticklabels()]
    assert ticks == [lab["zhang2022_china_share"], lab["wang2017_us_share"]]
    assert [t.get_text() for t in ax.texts] == ["56.36%", "38.8%"]
    assert texts_of(fig) == [lab["pub_source"]]
