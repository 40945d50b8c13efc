"""Section 2.2.2: the paper's values, counting choices, verdict thresholds and cited figures.

Pure constants: no I/O, no prose (the words live in ``text/<lang>.yaml``). The cited
publications are bibliographic records (data written to ``patents_references.csv``).
"""

from __future__ import annotations

import math

from ...references import Reference

NAME = "patents"
NOTEBOOK = "05_patent_trends"
SECTION = "2.2.2"  # the paper's section (Figure 3 shows the series)
CLAIM_ID = "patents.rank"

# --------------------------------------------------------------------------- the paper's claim
# "按专利申请量，中国已超过英国、韩国和日本，仅次于美国" (by patent applications China has passed
# the UK, Korea and Japan and is second only to the US)
LEADER = "CN"
PASSED = ("GB", "KR", "JP")  # "已超过英国、韩国和日本"
SECOND_TO = "US"  # "仅次于美国"
PAPER_ORDER = ("US", "CN", "GB", "KR", "JP")  # the countries the paper ranks, US first, China second

# --------------------------------------------------------------------------- verdict thresholds
# "passes" / "is above" means more counting units than the other by more than MIN_LEAD
# (0: strictly more; a tie is not a pass), for cumulative and for last-year counts alike.
MIN_LEAD = 0
# "reproduced" needs a complete series and the order in the last year's counts too;
# the order holding only cumulatively, or on an incomplete series, gives the caveat.

TOP_IN_MIRROR_NOTE = 6  # applicant countries named in the note on the mirror's slice

# --------------------------------------------------------------------------- counting rules
UNITS = ("family", "application")
COUNTRY_BASES = ("applicant", "priority", "publication")
YEAR_BASES = ("priority", "publication")
DEFAULT_COUNTRIES = ("US", "CN", "GB", "KR", "JP")
DEFAULT_YEARS = (2010, 2023)
DEFAULT_QUERY = (
    'exosome OR exosomes OR "extracellular vesicle" OR "extracellular vesicles"'  # title, abstract or claims
)
SOURCE_CHOICES = ("lens", "epo")
IMPORT_SUFFIXES = (".csv", ".jsonl", ".ndjson", ".json", ".xml")
# a series is counted by applicant country when at least this share of its documents name one
# (a Lens CSV export names none); otherwise by first-filing office
APPLICANT_SHARE_MIN = 0.5
MIRROR_SLICE_KIND = "neurocell_epo_csv"  # the mirror's CNS-only slice: never a country series
YEARS_ALLOWED = (1900, 2100)

REGIONAL = {
    "EP": "European Patent Office",
    "WO": "WIPO (PCT)",
    "EA": "Eurasian Patent Office",
    "AP": "ARIPO",
    "OA": "OAPI",
}
ALIASES = {
    "UK": "GB",
    "BRITAIN": "GB",
    "GREAT BRITAIN": "GB",
    "ENGLAND": "GB",
    "USA": "US",
    "AMERICA": "US",
    "KOREA": "KR",
    "SOUTH KOREA": "KR",
    "CHINA": "CN",
    "PRC": "CN",
    "JAPAN": "JP",
    "TAIWAN": "TW",
    "RUSSIA": "RU",
    "EPO": "EP",
    "PCT": "WO",
    "WIPO": "WO",
}

# --------------------------------------------------------------------------- published figures
PONCE_POLO_2022 = Reference(
    key="ponce_polo_2022_msc_ev_patents",
    value=1.0,
    unit="rank of China among patenting countries (1 = leads); "
    "a qualitative finding, no count published in the abstract",
    what="global patent literature on therapeutic extracellular vesicles from mesenchymal stem/stromal cells "
    "(MSC-EVs): patent publications rising since 2009, Asia, and China in particular, "
    "leading the patenting activity",
    citation="Ponce-Polo A, Ritoré Hidalgo A, Argüello Martínez A, Oruezabal Guijarro RI. "
    "Use of Patent Information to Characterize Trends in the Therapeutic Applications "
    "of Extracellular Vesicles Derived from Mesenchymal "
    "Stem Cells (MSC-EVs). Recent Pat Biotechnol. 2022;16(3):243-255. doi:10.2174/1872208316666220303095217. "
    "PMID 35240977",
    url="https://pubmed.ncbi.nlm.nih.gov/35240977/",
)
OPRETZKA_2024 = Reference(
    key="opretzka_2024_msc_cell_free_families",
    value=269.0,
    unit="patent families (Derwent World Patents Index)",
    what="patent families on MSC-derived cell-free products (secretome, exosomes); "
    "exponential increase from the mid-2010s, mainly exosomes; no country ranking in the abstract",
    citation="Opretzka LCF, et al. Mesenchymal stem cell-derived cell-free technologies: a patent landscape. "
    "Biotechnol Lett. 2024;46(5):907-924. doi:10.1007/s10529-024-03506-y",
    url="https://doi.org/10.1007/s10529-024-03506-y",
)
LIU_2022 = Reference(
    key="liu_wu_liu_2022_stem_cell_exosome_patents",
    value=math.nan,
    unit="no figure available offline",
    what="the paper's own source for its patent sentence (its reference [18]): "
    "a patent analysis of stem-cell exosomes "
    "(application counts, technology life cycle, markets, applicants, China-US comparison), "
    "co-authored by the paper's first author (Wu Shuxia); its counts could not be read here",
    citation="Liu W, Wu SX, Liu H. Analysis on the development trend and competition pattern "
    "of stem cell exosomes from the perspective of patents. Chin Med Biotechnol. 2022;17(5):453-461 "
    "(in Chinese; 刘伟, 吴曙霞, 刘慧. "
    "专利视角的干细胞外泌体发展趋势和竞争格局分析. 中国医药生物技术)",
    url="http://m.jizihe.com/page/2022/1013/13534580.shtml",
)
REFERENCES = (PONCE_POLO_2022, OPRETZKA_2024, LIU_2022)


def leads(a: int | float, b: int | float) -> bool:
    """``a`` passes ``b``: more by more than :data:`MIN_LEAD`."""
    return bool(a - b > MIN_LEAD)
