"""Published bibliometric figures, cited: what the offline claims rest on.

Each figure is a :class:`~exo_industry.references.Reference` with its period, database and
field. The ``what`` texts are the cited figures' descriptions as written to
``literature_published.csv``; the notebook shows them in the reader's language (text/zh.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass

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
WANG_DOI = "10.18632/oncotarget.17223"
ZHANG_DOI = "10.3389/fbioe.2022.910812"
LIN_DOI = "10.3389/fbioe.2022.956058"
ZHAO_DOI = "10.3389/fcell.2024.1412363"
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


# --------------------------------------------------------------------------- sub-field counts
# Published China/US counts in exosome sub-fields (each figure checked against its source's
# abstract). They point the same way as "China at the front" without giving yearly ranks for
# all exosome papers since 2020; the CNS study is the counter-example, with the US first.
@dataclass(frozen=True)
class Subfield:
    key: str
    period: str
    papers: int | None  # the study's total
    cn: int | None  # China's papers (None: the study gives a rank, not a count)
    us: int | None
    cn_share: float | None  # % of the study's papers
    us_share: float | None
    leader: str  # "CN" or "US": the most productive country in the study
    citation: str
    url: str


XIE_2025 = (
    "Xie Y, Mi X, Xing Y, Dai Z, et al. Past, present, and future of exosomes research in cancer: "
    "a bibliometric and visualization analysis. Hum Vaccin Immunother 2025. "
    "doi:10.1080/21645515.2025.2488551"
)
SONG_2024 = (
    "Song J, Zhan K, Li J, Cheng S, Li X, Yu L. Bibliometric and visual analyses of research on the "
    "links between stroke and exosomes from 2008 to 2023. Medicine (Baltimore) 2024;103(36):e39498. "
    "doi:10.1097/MD.0000000000039498"
)
TANG_2024 = (
    "Tang S, Cai P, He H, Tian Y, Hao R, Liu X, Jing T, Xu Y, Li X. Global trends in the clinical "
    "utilization of exosomes in dermatology: a bibliometric analysis. Front Med 2024;11:1462085. "
    "doi:10.3389/fmed.2024.1462085"
)
NEUROSPINE_2023 = (
    "Global research trends of exosomes in the central nervous system: a bibliometric and visualized "
    "analysis. Neurospine 2023;20(2):507–524. doi:10.14245/ns.2244988.494"
)

ATLAS_2026 = (
    "Chaudhari et al. The status of extracellular vesicles as drug carriers and therapeutics. "
    "Nature Reviews Bioengineering 2026; source data: github.com/Ameya4229C/extracellular-vesicles-atlas "
    "(MIT). doi:10.1038/s44222-026-00405-x"
)

SUBFIELDS: list[Subfield] = [
    Subfield("cancer", "–2024", 8001, None, None, None, None, "CN", XIE_2025,
             "https://doi.org/10.1080/21645515.2025.2488551"),
    Subfield("stroke", "2008–2023", 943, 473, 234, None, None, "CN", SONG_2024,
             "https://doi.org/10.1097/MD.0000000000039498"),
    Subfield("dermatology", "2014–2023", 545, 276, 84, 45.0, 14.0, "CN", TANG_2024,
             "https://doi.org/10.3389/fmed.2024.1462085"),
    Subfield("cns", "2001–2021", 2629, None, None, None, None, "US", NEUROSPINE_2023,
             "https://doi.org/10.14245/ns.2244988.494"),
]  # fmt: skip


def subfields() -> list[Subfield]:
    return list(SUBFIELDS)
