"""Published bibliometric figures, cited: what the offline claims rest on.

Each figure is a :class:`~exo_industry.references.Reference` with its period, database and
field. The ``what`` texts are the cited figures' descriptions as written to
``literature_published.csv``; the notebook shows them in the reader's language (text/zh.yaml).
"""

from __future__ import annotations

from ...references import Reference

WANG_2017 = (
    "Wang Y, Wang Q, Wei X, Shao J, Zhao J, Zhang Z, Chen Z, Bai Y, Wang N, Wang Y, Li M, Zhai X. "
    "Global scientific trends on exosome research during 2007–2016: a bibliometric analysis. "
    "Oncotarget 2017;8(29):48460–48470. doi:10.18632/oncotarget.17223"
)
ZHANG_2022 = (
    "Zhang X, Lu Y, Wu S, Zhang S, Li S, Tan J. An overview of current research on mesenchymal "
    "stem cell-derived extracellular vesicles: a bibliometric analysis from 2009 to 2021. "
    "Front Bioeng Biotechnol 2022;10:910812. doi:10.3389/fbioe.2022.910812 (PMC9268551)"
)
LIN_2022 = (
    "Lin J, Yang Z, Wang L, Xing D, Lin J. Global research trends in extracellular vesicles based on "
    "stem cells from 1991 to 2021: a bibliometric and visualized study. Front Bioeng Biotechnol "
    "2022;10:956058. doi:10.3389/fbioe.2022.956058"
)
ZHAO_2024 = (
    "Zhao T, Mu Y, Deng H, et al. Research hotspots and trends of mesenchymal stem cell-derived "
    "extracellular vesicles for drug delivery: a bibliometric and visualization analysis from 2013 "
    "to 2023. Front Cell Dev Biol 2024;12:1412363. doi:10.3389/fcell.2024.1412363"
)
WANG_URL = "https://doi.org/10.18632/oncotarget.17223"
ZHANG_URL = "https://pmc.ncbi.nlm.nih.gov/articles/PMC9268551/"
LIN_URL = "https://doi.org/10.3389/fbioe.2022.956058"
ZHAO_URL = "https://doi.org/10.3389/fcell.2024.1412363"

# (reference, period, database, field)
PUBLISHED: list[tuple[Reference, str, str, str]] = [
    (
        Reference(
            "wang2017_total", 1852, "papers", "exosome papers retrieved, 2007–2016", WANG_2017, WANG_URL
        ),
        "2007–2016",
        "Web of Science",
        "exosomes",
    ),
    (
        Reference(
            "wang2017_us_share",
            38.8,
            "% of papers",
            "share of exosome papers from the United States (rank 1)",
            WANG_2017,
            WANG_URL,
        ),
        "2007–2016",
        "Web of Science",
        "exosomes",
    ),
    (
        Reference(
            "wang2017_china_rank",
            2,
            "rank",
            "China's rank by number of exosome papers (sixth by citations)",
            WANG_2017,
            WANG_URL,
        ),
        "2007–2016",
        "Web of Science",
        "exosomes",
    ),
    (
        Reference(
            "zhang2022_total",
            1595,
            "papers",
            "articles and reviews on mesenchymal stem cell-derived EVs",
            ZHANG_2022,
            ZHANG_URL,
        ),
        "2009–2021",
        "Web of Science",
        "stem-cell EVs",
    ),
    (
        Reference(
            "zhang2022_2021",
            555,
            "papers",
            "MSC-EV publications in 2021 (annual output grew exponentially)",
            ZHANG_2022,
            ZHANG_URL,
        ),
        "2021",
        "Web of Science",
        "stem-cell EVs",
    ),
    (
        Reference(
            "zhang2022_china_share",
            56.36,
            "% of papers",
            "China's share of MSC-EV papers (n = 899; rank 1)",
            ZHANG_2022,
            ZHANG_URL,
        ),
        "2009–2021",
        "Web of Science",
        "stem-cell EVs",
    ),
    (
        Reference(
            "lin2022_total",
            8208,
            "papers",
            "publications on stem-cell-based EVs; China first by total publications, "
            "the US first by citations",
            LIN_2022,
            LIN_URL,
        ),
        "1991–2021",
        "Web of Science (SCI-Expanded)",
        "stem-cell EVs",
    ),
    (
        Reference(
            "zhao2024_total",
            1045,
            "papers",
            "publications on MSC-EVs in drug delivery, rising steadily; China first by publication count",
            ZHAO_2024,
            ZHAO_URL,
        ),
        "2013–2023",
        "Web of Science",
        "stem-cell EVs for drug delivery",
    ),
]


def by_key() -> dict[str, Reference]:
    return {r.key: r for r, *_ in PUBLISHED}
