"""Section 2.2.1 of the paper: exosome research output, China and the US (Figure 2).

The paper says (Web of Science) that China's exosome research started later than the
US's but grew fast and, since 2020, has ranked at the front internationally each year;
and that stem-cell exosome research keeps growing, focused on stem-cell exosomes,
engineered exosomes and drug carriers.

Inputs (whatever the raw store holds):
- year series by country and by topic from the live routes: OpenAlex ``group_by``
  answers (``openalex``) and PubMed esearch counts (``pubmed``);
- records from imports: Web of Science and Scopus exports (``bibexport``), PubMed
  MEDLINE text (``pubmed``) and OpenAlex record pages; counted here under each counting
  rule (whole / first author / corresponding author) and China scope (bibliometrics.py);
- the offline mirror's PubMed data: EV papers per year in three disease contexts
  (2010–2026) and 271 recent PubMed records on exosomes for CNS disorders;
- published bibliometric figures, cited (:data:`PUBLISHED`).

Tables (all prefixed ``literature_``):
- ``literature_country_year``: papers per source, topic, counting rule, China scope,
  country and year (empty offline: no series by country exists in the mirror);
- ``literature_china_us``: China, US, their ratio and who leads, per year and series;
- ``literature_rank``: each country's rank per year within its series (1 = most papers;
  ranks are among the countries fetched: CN, US and the next top countries);
- ``literature_topics``: topic series (all exosome papers, stem-cell, engineered, drug
  delivery) per source and year;
- ``literature_pubmed_context``: the mirror's PubMed EV counts by context and year, with
  the query of each context;
- ``literature_mirror_topics``: how many of the mirror's PubMed records match each topic
  query (same matching rule as the live topic queries);
- ``literature_published``: the cited published figures.

Claims ``lit.china_vs_us`` and ``lit.topics``. Verdict rules, applied in code:

lit.china_vs_us, on the preferred country series (Web of Science export, then Scopus,
OpenAlex, PubMed; whole counting and mainland scope preferred), over the complete
years from 2020 on:
- ``reproduced``: China ranks first among the series' countries and ahead of the US in
  every such year, on Web of Science data with whole counting (the paper's basis);
- ``reproduced with caveat``: the same on another database or counting rule, or China in
  the top three every year but not always first;
- ``contradicted``: China outside the top three in some year, or behind the US in every year;
- ``not checkable offline``: no series with both China and the US for 2020 or later.

lit.topics, on world topic series (live, or records with titles and abstracts):
- growth: the stem-cell series over the last five complete years has a positive
  compound growth rate and its last complete year is within 10 % of its maximum;
- focus: each of the three topics holds at least 5 % of all exosome papers in the last
  complete year;
- ``reproduced with caveat`` when both hold (topic queries are keyword proxies, not the
  paper's unstated method); ``contradicted`` when the stem-cell series shrinks;
  otherwise ``reproduced with caveat`` naming the part that fails;
- ``not checkable offline`` when no topic series of at least three complete years exists.

A year counts as complete when it is before the year of the newest input's retrieval.
"""

from __future__ import annotations

import datetime as _dt

import pandas as pd

from .. import bibliometrics as bib
from ..claims import Claim
from ..errors import BadParameter
from ..references import Reference
from ..sources import bibexport, openalex, pubmed
from ..store import RawStore
from . import Result, Table

NAME = "literature"
NOTEBOOK = "04_literature_trends"
TITLE = {"zh": "外泌体研究文献趋势", "en": "Exosome literature trends"}
SOURCES = ("openalex", "pubmed", "bibexport")
SERIES_COLUMNS = ["source", "route", "topic", "counting", "china_scope", "country", "year", "papers"]
SOURCE_PREFERENCE = ("wos", "scopus", "openalex", "pubmed", "pubmed_medline", "openalex_records")
SOURCE_CHOICES = (
    "auto",
    "openalex",
    "pubmed",
    "import",
    "wos",
    "scopus",
    "pubmed_medline",
    "openalex_records",
)
IMPORTED = ("wos", "scopus", "pubmed_medline")
SINCE = 2020
TOP_RANK_FRONT = 3
TOPIC_MIN_SHARE = 5.0  # % of all exosome papers
GROWTH_YEARS = 5
COMMAND_LIVE = openalex.live_command()

# --------------------------------------------------------------------------- published figures
WANG_2017 = (
    "Wang Y, Wang Q, Wei X, Shao J, Zhao J, Zhang Z, Chen Z, Bai Y, Wang N, Wang Y, Li M, Zhai X. Global scientific "
    "trends on exosome research during 2007–2016: a bibliometric analysis. Oncotarget 2017;8(29):48460–48470. "
    "doi:10.18632/oncotarget.17223"
)
ZHANG_2022 = (
    "Zhang X, Lu Y, Wu S, Zhang S, Li S, Tan J. An overview of current research on mesenchymal stem cell-derived "
    "extracellular vesicles: a bibliometric analysis from 2009 to 2021. Front Bioeng Biotechnol 2022;10:910812. "
    "doi:10.3389/fbioe.2022.910812 (PMC9268551)"
)
LIN_2022 = (
    "Lin J, Yang Z, Wang L, Xing D, Lin J. Global research trends in extracellular vesicles based on stem cells from "
    "1991 to 2021: a bibliometric and visualized study. Front Bioeng Biotechnol 2022;10:956058. "
    "doi:10.3389/fbioe.2022.956058"
)
ZHAO_2024 = (
    "Zhao T, Mu Y, Deng H, et al. Research hotspots and trends of mesenchymal stem cell-derived extracellular vesicles "
    "for drug delivery: a bibliometric and visualization analysis from 2013 to 2023. Front Cell Dev Biol 2024;12:1412363. "
    "doi:10.3389/fcell.2024.1412363"
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
            "publications on stem-cell-based EVs; China first by total publications, the US first by citations",
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

LABELS = {
    "zh": {
        "title_country": "外泌体相关论文数量：中国与美国",
        "title_topics": "研究方向论文数量（全球）",
        "title_context": "PubMed 细胞外囊泡论文数量（三个疾病领域，离线镜像）",
        "title_ratio": "中国/美国 论文数量之比",
        "year": "年份",
        "papers": "论文数",
        "ratio": "中国/美国",
        "parity": "持平",
        "China": "中国",
        "United States": "美国",
        "context": "疾病领域",
        "neurodegeneration": "神经退行性疾病",
        "tumor_metastasis": "肿瘤转移",
        "cardiac_repair": "心脏修复",
        "partial": "（2026 年数据不完整）",
        "source_note": "数据来源",
        "no_series": "离线镜像中没有按国家划分的外泌体论文年度数据；本页下方列出已发表的文献计量数字（均注明出处）。",
        "live_hint": "联网读者可运行以下命令获取按国家划分的年度数据：",
        "published": "已发表的文献计量数字",
        "title_published": "已发表的文献计量研究：领先国家的论文占比",
        "share_papers": "占论文的百分比",
        "wang2017_us_share": "美国：外泌体论文，2007–2016（Wang 等，2017）",
        "zhang2022_china_share": "中国：间充质干细胞细胞外囊泡论文，2009–2021（Zhang 等，2022）",
        "pub_source": "两项研究均检索 Web of Science；出处见下文",
        "no_context": "尚未导入镜像中的 PubMed 数据：exo-industry import pubmed --mirror",
        "sources_heading": "出处：",
        "not_processed": "尚未生成本节的处理后数据表（{tables}）。请运行：{command}",
        "title": "## 外泌体研究文献：中国与美国（论文 2.2.1 节，图 2）",
        "intro": "论文称（Web of Science 数据）我国外泌体研究起步晚于美国但发展迅猛，自 2020 年以来每年发表的论文数量位居国际前列；"
        "并称干细胞外泌体、工程化外泌体和药物载体是主要研究方向。本节用 OpenAlex、PubMed 或用户导入的 "
        "Web of Science / Scopus 记录按年份和作者国家计数，并与已发表的文献计量结果对照。",
        "series_heading": "### 按国家的年度论文数",
        "topics_heading": "### 研究方向",
        "mirror_heading": "### 离线镜像中的 PubMed 数据",
        "claims_heading": "### 论文论断的核验",
        "rank_table": "各国每年排名（1 = 论文最多；仅在所取国家之间排名）",
        "crossover": "中国论文数首次超过美国的年份：{year}",
        "no_crossover": "在该数据序列中，中国论文数没有出现由落后到超过美国的年份。",
        "series_used": "所用数据：{source}；{counting}；{scope}",
        "no_topics": "没有研究方向的年度序列（需联网获取或导入含标题/摘要的记录）。",
        "mirror_topics_title": "镜像中 271 篇 PubMed 记录（中枢神经系统外泌体，2025–2026）与各研究方向检索词的匹配比例",
        "share_axis": "占记录的百分比",
        "topic": "研究方向",
        "records": "记录数",
        "share": "比例（%）",
        "value": "数值",
        "unit": "单位",
        "what": "内容",
        "period": "时间范围",
        "database": "数据库",
        "citation": "出处",
        "url": "链接",
        "country": "国家/地区",
        "rank": "排名",
        "tie": "持平",
        # sources, for captions (our own names of the series; the vendors' names stay as written)
        "source_openalex": "OpenAlex",
        "source_openalex_records": "OpenAlex（文献记录）",
        "source_pubmed": "PubMed（esearch，[ad] 单位检索）",
        "source_pubmed_medline": "PubMed MEDLINE 导出文件",
        "source_wos": "Web of Science 导出文件",
        "source_scopus": "Scopus 导出文件",
        # the cited figures (what each figure is, and its unit), for the published table
        "what_wang2017_total": "检索到的外泌体论文数，2007–2016",
        "what_wang2017_us_share": "美国发表的外泌体论文占比（第 1 位）",
        "what_wang2017_china_rank": "中国外泌体发文量排名（按被引次数为第六）",
        "what_zhang2022_total": "间充质干细胞来源胞外囊泡的研究论文与综述数",
        "what_zhang2022_2021": "2021 年间充质干细胞胞外囊泡（MSC-EV）发文量（年发文量呈指数增长）",
        "what_zhang2022_china_share": "中国在 MSC-EV 论文中的占比（n = 899；第 1 位）",
        "what_lin2022_total": "基于干细胞的胞外囊泡研究论文数；发文总量中国第一，被引次数美国第一",
        "what_zhao2024_total": "MSC-EV 用于药物递送的论文数，稳步上升；发文量中国第一",
        "unit_papers": "篇",
        "unit_% of papers": "占论文的百分比（%）",
        "unit_rank": "位次",
    },
    "en": {
        "title_country": "Exosome-related papers: China and the United States",
        "title_topics": "Papers per research direction (world)",
        "title_context": "PubMed extracellular-vesicle papers in three disease contexts (offline mirror)",
        "title_ratio": "Ratio of China's to the US's papers",
        "year": "Year",
        "papers": "Papers",
        "ratio": "China / US",
        "parity": "parity",
        "China": "China",
        "United States": "United States",
        "context": "Disease context",
        "neurodegeneration": "neurodegeneration",
        "tumor_metastasis": "tumour metastasis",
        "cardiac_repair": "cardiac repair",
        "partial": "(2026 is partial)",
        "source_note": "Source",
        "no_series": "The offline mirror holds no yearly series of exosome papers by country; published bibliometric "
        "figures, each with its source, are listed further down.",
        "live_hint": "A reader with a network gets the country series with:",
        "published": "Published bibliometric figures",
        "title_published": "Published bibliometric studies: the leading country's share of papers",
        "share_papers": "% of papers",
        "wang2017_us_share": "United States: exosome papers, 2007–2016 (Wang et al. 2017)",
        "zhang2022_china_share": "China: MSC-derived EV papers, 2009–2021 (Zhang et al. 2022)",
        "pub_source": "Both studies searched Web of Science; citations below",
        "no_context": "The mirror's PubMed data are not imported: exo-industry import pubmed --mirror",
        "sources_heading": "Sources:",
        "not_processed": "This section's processed tables are not there yet ({tables}). Run: {command}",
        "title": "## Exosome literature: China and the United States (paper §2.2.1, Figure 2)",
        "intro": "The paper says (Web of Science) that China's exosome research started later than the US's but grew fast, "
        "and since 2020 has ranked at the front internationally each year; and that stem-cell exosomes, engineered "
        "exosomes and drug carriers are the main research directions. This section counts papers by year and "
        "author country from OpenAlex, PubMed or imported Web of Science / Scopus records, and sets them beside "
        "published bibliometric results.",
        "series_heading": "### Papers per year by country",
        "topics_heading": "### Research directions",
        "mirror_heading": "### PubMed data in the offline mirror",
        "claims_heading": "### The paper's claims, checked",
        "rank_table": "Rank of each country per year (1 = most papers; among the countries fetched)",
        "crossover": "First year China's papers outnumber the US's: {year}",
        "no_crossover": "In this series China never moves from behind the US to ahead of it.",
        "series_used": "Series: {source}; {counting}; {scope}",
        "no_topics": "No yearly topic series (fetch them live, or import records with titles and abstracts).",
        "mirror_topics_title": "The mirror's 271 PubMed records (exosomes for CNS disorders, 2025–26) matching each topic query",
        "share_axis": "% of records",
        "topic": "Topic",
        "records": "Records",
        "share": "Share (%)",
        "value": "Value",
        "unit": "Unit",
        "what": "What",
        "period": "Period",
        "database": "Database",
        "citation": "Citation",
        "url": "URL",
        "country": "Country",
        "rank": "Rank",
        "tie": "tie",
        "source_openalex": "OpenAlex",
        "source_openalex_records": "OpenAlex (records)",
        "source_pubmed": "PubMed (esearch, [ad])",
        "source_pubmed_medline": "PubMed MEDLINE export",
        "source_wos": "Web of Science export",
        "source_scopus": "Scopus export",
        **{f"what_{r.key}": r.what for r, *_ in PUBLISHED},
        **{f"unit_{u}": u for u in ("papers", "% of papers", "rank")},
    },
}


KEY_FIGURE = "literature_china_us"
PUBMED_CAVEAT = (
    " PubMed [ad] counts match affiliation text: before 2014 only the first author's affiliation was "
    "indexed, and 'China[ad]' also matches affiliations written 'Hong Kong, China'."
)
DATA_NOTE = {
    "zh": "离线镜像没有按国家划分的外泌体论文年度数据：图 2 的核验需要联网（OpenAlex 或 PubMed）或导入 Web of Science / Scopus 导出文件。"
    "镜像中的 PubMed 数据只涉及三个疾病领域和中枢神经系统方向，仅作增长趋势参考。",
    "en": "The offline mirror holds no yearly exosome paper counts by country: checking Figure 2 needs the live route (OpenAlex "
    "or PubMed) or an imported Web of Science / Scopus export. The mirror's PubMed data cover three disease contexts "
    "and CNS work only, a growth reference, not Figure 2.",
}
SOURCE_LABEL = {k[len("source_") :]: v for k, v in LABELS["en"].items() if k.startswith("source_")}
# Short Chinese wording for the claims' reason_zh / note_zh.
SOURCE_SHORT_ZH = {
    "openalex": "OpenAlex",
    "openalex_records": "OpenAlex 文献记录",
    "pubmed": "PubMed",
    "pubmed_medline": "PubMed MEDLINE 导出文件",
    "wos": "Web of Science 导出文件",
    "scopus": "Scopus 导出文件",
}
COUNTING_SHORT_ZH = {"whole": "整数计数", "first": "第一作者计数", "corresponding": "通讯作者计数"}
SCOPE_SHORT_ZH = {"mainland": "中国指内地", "cn_hk_mo": "中国含港澳", "cn_hk_mo_tw": "中国含港澳台"}
PUBMED_CAVEAT_ZH = (
    "PubMed 的 [ad] 检索匹配的是作者单位文字：2014 年以前只收录第一作者的单位，"
    "且 China[ad] 也会匹配写作“Hong Kong, China”的单位。"
)


def source_label(src: str, lang: str) -> str:
    """The reader's-language name of a series' source (the code itself when unknown)."""
    return LABELS[lang].get(f"source_{src}", src)


# --------------------------------------------------------------------------- parameters
def validate_parameters(
    terms=bib.DEFAULT_TERMS,
    source: str = "auto",
    countries=("CN", "US"),
    start_year: int = 2007,
    end_year: int = 2024,
    counting: str = "whole",
    china_scope: str = "mainland",
    lang: str = "zh",
    top: int = 5,
) -> dict:
    """Check the notebook's parameters; raise BadParameter naming the bad value."""
    terms = bib.check_terms(terms)
    if source not in SOURCE_CHOICES:
        import difflib

        near = difflib.get_close_matches(str(source), SOURCE_CHOICES, n=1)
        raise BadParameter(
            f"unknown source {source!r}; use one of {', '.join(SOURCE_CHOICES)}",
            hint=f"did you mean {near[0]!r}?" if near else None,
        )
    codes = bib.normalise_country_list(countries)
    for name, y in (("start_year", start_year), ("end_year", end_year)):
        if not isinstance(y, int) or not 1950 <= y <= 2100:
            raise BadParameter(f"{name} {y!r} is not a year between 1950 and 2100")
    if start_year > end_year:
        raise BadParameter(f"reversed years: start_year {start_year} is after end_year {end_year}")
    bib.check_rule(counting)
    bib.check_scope(china_scope)
    if lang not in ("zh", "en"):
        raise BadParameter(f"unsupported language {lang!r}; use zh or en")
    if not isinstance(top, int) or not 0 <= top <= 20:
        raise BadParameter(f"top {top!r} must be an integer from 0 to 20")
    return {
        "terms": terms,
        "source": source,
        "countries": codes,
        "start": start_year,
        "end": end_year,
        "counting": counting,
        "china_scope": china_scope,
        "lang": lang,
        "top": top,
    }


def live_commands(params: dict) -> list[str]:
    p = params
    cmds = [
        openalex.live_command(
            p["terms"], p["countries"], p["start"], p["end"], p["counting"], p["china_scope"], p["top"]
        )
    ]
    if p["counting"] == "whole":
        cmds.append(pubmed.live_command(p["terms"], p["countries"], p["start"], p["end"], p["china_scope"]))
    return cmds


# --------------------------------------------------------------------------- series functions
def _counts(counts: pd.DataFrame) -> pd.DataFrame:
    need = {"country", "year", "papers"}
    if not need <= set(counts.columns):
        raise BadParameter(f"a country series needs the columns {sorted(need)}; got {list(counts.columns)}")
    return counts[counts["country"] != openalex.WORLD]


def wide(counts: pd.DataFrame) -> pd.DataFrame:
    """Years in rows, countries in columns (0 where a country has no papers that year)."""
    c = _counts(counts)
    return c.pivot_table(
        index="year", columns="country", values="papers", aggfunc="sum", fill_value=0
    ).sort_index()


def china_us(counts: pd.DataFrame, a: str = "CN", b: str = "US") -> pd.DataFrame:
    """Per year: papers of ``a`` and ``b``, ratio a/b, and which leads."""
    w = wide(counts)
    for c in (a, b):
        if c not in w.columns:
            raise BadParameter(f"the series has no country {c!r}; present: {', '.join(map(str, w.columns))}")
    out = pd.DataFrame({"year": w.index, "cn": w[a].to_numpy(), "us": w[b].to_numpy()})
    out["ratio"] = out["cn"] / out["us"].where(out["us"] > 0)
    out["leader"] = out.apply(lambda r: a if r.cn > r.us else b if r.us > r.cn else "tie", axis=1)
    return out.reset_index(drop=True)


def first_year_ahead(counts: pd.DataFrame, a: str = "CN", b: str = "US") -> int | None:
    """The first year in which ``a`` has more papers than ``b`` after a year in which it had
    fewer or equal (None if ``a`` never passes ``b``, or leads from the first year on)."""
    cu = china_us(counts, a, b)
    behind_seen = False
    for year, lead in zip(cu["year"], cu["leader"]):
        if lead != a:
            behind_seen = True
        elif behind_seen:
            return int(year)
    return None


def stays_ahead_since(counts: pd.DataFrame, year: int, a: str = "CN", b: str = "US") -> bool:
    cu = china_us(counts, a, b)
    after = cu[cu["year"] >= year]
    return bool(len(after)) and bool((after["leader"] == a).all())


def rank_by_year(counts: pd.DataFrame) -> pd.DataFrame:
    """Each country's rank per year (1 = most papers; ties share the best rank)."""
    c = _counts(counts).groupby(["country", "year"], as_index=False)["papers"].sum()
    c["rank"] = c.groupby("year")["papers"].rank(method="min", ascending=False).astype(int)
    return c.sort_values(["year", "rank", "country"]).reset_index(drop=True)


def top_countries(
    counts: pd.DataFrame, n: int = 7, start: int | None = None, end: int | None = None
) -> list[str]:
    c = _counts(counts)
    if start is not None:
        c = c[c["year"] >= start]
    if end is not None:
        c = c[c["year"] <= end]
    tot = (
        c.groupby("country")["papers"]
        .sum()
        .reset_index()
        .sort_values(["papers", "country"], ascending=[False, True])
    )
    return list(tot["country"].head(n))


def cagr(series: pd.Series) -> float:
    """Compound annual growth rate between the first and last values of a year-indexed series (%)."""
    s = series.dropna().sort_index()
    if len(s) < 2 or s.iloc[0] <= 0:
        return float("nan")
    years = s.index[-1] - s.index[0]
    return ((s.iloc[-1] / s.iloc[0]) ** (1 / years) - 1) * 100


# --------------------------------------------------------------------------- assembling
def _records_series(records: pd.DataFrame, source: str, route: str) -> pd.DataFrame:
    frames = []
    if not len(records):
        return pd.DataFrame(columns=SERIES_COLUMNS)
    for rule in bib.COUNTING_RULES:
        for scope in bib.CHINA_SCOPES:
            c = bib.count_records(records, rule, scope)
            if not len(c):
                continue
            c.insert(0, "source", source)
            c.insert(1, "route", route)
            c.insert(2, "topic", "exosomes")
            c.insert(3, "counting", rule)
            c.insert(4, "china_scope", scope)
            frames.append(c[SERIES_COLUMNS])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=SERIES_COLUMNS)


def records_topics(records: pd.DataFrame, source: str, route: str) -> pd.DataFrame:
    """World topic series from records with titles/abstracts (keyword match, as the live queries)."""
    rows = []
    r = records[records["year"].notna()]
    for topic in bib.TOPICS:
        hit = [bib.topic_matches(f"{t} {a}", topic) for t, a in zip(r["title"], r["abstract"])]
        sub = r[pd.Series(hit, index=r.index, dtype=bool)]
        for year, n in sub.groupby(sub["year"].astype(int)).size().items():
            rows.append(
                {
                    "source": source,
                    "route": route,
                    "topic": topic,
                    "counting": "whole",
                    "china_scope": "mainland",
                    "country": openalex.WORLD,
                    "year": int(year),
                    "papers": int(n),
                }
            )
    return pd.DataFrame(rows, columns=SERIES_COLUMNS)


def gather(store: RawStore) -> tuple[pd.DataFrame, pd.DataFrame, list, dict]:
    """All country series and topic series the store can give, the inputs used, and the
    newest retrieval year per source."""
    series, topics, inputs, retrieved = [], [], [], {}

    def note(entries, label):
        for e in entries:
            y = int(e.provenance.retrieved_at[:4])
            retrieved[label] = max(retrieved.get(label, 0), y)
        inputs.extend(entries)

    oa = openalex.load_series(store)
    if len(oa):
        series.append(oa[oa["country"] != openalex.WORLD])
        topics.append(oa[oa["country"] == openalex.WORLD])
        note(store.find(openalex.NAME, "group_by_year"), "openalex")
    oa_rec = openalex.load_records(store)
    if len(oa_rec):
        series.append(_records_series(oa_rec, "openalex_records", "live"))
        note(store.find(openalex.NAME, "works_page"), "openalex_records")
    pm, pm_used = pubmed.load_series(store)
    if len(pm):
        series.append(pm[pm["country"] != pubmed.WORLD])
        topics.append(pm[pm["country"] == pubmed.WORLD])
        note(pm_used, "pubmed")
    for label, loader in (
        ("pubmed_medline", lambda: pubmed.load_records(store, "medline")),
        ("wos", lambda: bibexport.load_records(store, "wos_tab")),
        ("scopus", lambda: bibexport.load_records(store, "scopus_csv")),
    ):
        recs, used = loader()
        if len(recs):
            series.append(_records_series(recs, label, "import"))
            topics.append(records_topics(recs, label, "import"))
            note(used, label)
    s = (
        pd.concat([f for f in series if len(f)], ignore_index=True)
        if any(len(f) for f in series)
        else pd.DataFrame(columns=SERIES_COLUMNS)
    )
    t = (
        pd.concat([f for f in topics if len(f)], ignore_index=True)
        if any(len(f) for f in topics)
        else pd.DataFrame(columns=SERIES_COLUMNS)
    )
    for df in (s, t):
        if len(df):
            df["year"] = df["year"].astype(int)
            df["papers"] = df["papers"].astype(int)
    return s[SERIES_COLUMNS], t[SERIES_COLUMNS], inputs, retrieved


def pick_series(
    series: pd.DataFrame, source: str = "auto", counting: str | None = None, china_scope: str | None = None
) -> tuple[str, str, str, pd.DataFrame] | None:
    """The series to judge by: (source, counting, scope, counts) or None when none has CN and US."""
    if not len(series):
        return None
    sources = SOURCE_PREFERENCE if source == "auto" else IMPORTED if source == "import" else (source,)
    rules = (counting,) if counting else bib.COUNTING_RULES
    scopes = (china_scope,) if china_scope else bib.CHINA_SCOPES
    for src in sources:
        for rule in rules:
            for scope in scopes:
                sub = series[
                    (series["source"] == src)
                    & (series["counting"] == rule)
                    & (series["china_scope"] == scope)
                ]
                if {"CN", "US"} <= set(sub["country"]):
                    return src, rule, scope, sub[["country", "year", "papers"]].reset_index(drop=True)
    return None


def series_tables(series: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """China/US and rank tables for every (source, counting, scope) series that has them."""
    cu_frames, rank_frames = [], []
    keys = ["source", "counting", "china_scope"]
    if len(series):
        for (src, rule, scope), sub in series.groupby(keys, sort=True):
            r = rank_by_year(sub)
            r.insert(0, "source", src)
            r.insert(1, "counting", rule)
            r.insert(2, "china_scope", scope)
            rank_frames.append(r)
            if {"CN", "US"} <= set(sub["country"]):
                cu = china_us(sub)
                cu.insert(0, "source", src)
                cu.insert(1, "counting", rule)
                cu.insert(2, "china_scope", scope)
                cu_frames.append(cu)
    cu = (
        pd.concat(cu_frames, ignore_index=True)
        if cu_frames
        else pd.DataFrame(columns=keys + ["year", "cn", "us", "ratio", "leader"])
    )
    rk = (
        pd.concat(rank_frames, ignore_index=True)
        if rank_frames
        else pd.DataFrame(columns=keys + ["country", "year", "papers", "rank"])
    )
    return cu, rk


PUBLISHED_SHARES = ("wang2017_us_share", "zhang2022_china_share")


def published_view(pub: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The cited figures for display in ``lang``: what each figure is and its unit in the
    reader's language, values printed as published (1852, 38.8), headers from LABELS."""
    lab = LABELS[lang]
    cols = ["what", "value", "unit", "period", "database", "url"]
    out = pub[["key"] + cols].copy()
    out["what"] = [lab.get(f"what_{k}", w) for k, w in zip(out["key"], out["what"])]
    out["unit"] = [lab.get(f"unit_{u}", u) for u in out["unit"]]
    out["value"] = [f"{float(v):g}" for v in out["value"]]
    return out[cols].rename(columns={c: lab[c] for c in cols}).reset_index(drop=True)


def published_shares() -> pd.DataFrame:
    """The two published country shares drawn in the notebook (key, value)."""
    refs = {r.key: r for r, *_ in PUBLISHED}
    return pd.DataFrame({"key": list(PUBLISHED_SHARES), "value": [refs[k].value for k in PUBLISHED_SHARES]})


def published_table() -> pd.DataFrame:
    """The cited figures, in the order of :data:`PUBLISHED` (values printed as published)."""
    return pd.DataFrame(
        [
            {
                "n": i,
                "key": r.key,
                "what": r.what,
                "value": f"{r.value:g}",
                "unit": r.unit,
                "period": period,
                "database": db,
                "field": field,
                "citation": r.citation,
                "url": r.url,
            }
            for i, (r, period, db, field) in enumerate(PUBLISHED, start=1)
        ]
    )


def mirror_topic_table(records: pd.DataFrame) -> pd.DataFrame:
    rows = []
    n = len(records)
    for topic in bib.TOPICS:
        hits = sum(
            bib.topic_matches(f"{t} {a}", topic) for t, a in zip(records["title"], records["abstract"])
        )
        rows.append(
            {
                "dataset": "pubmed_exosome_cns_records_NeuroCell",
                "topic": topic,
                "records": int(hits),
                "of_records": n,
                "share": round(100 * hits / n, 1) if n else float("nan"),
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- claims
def _complete_years(years, retrieved_year: int | None) -> list[int]:
    limit = retrieved_year or _dt.date.today().year
    return sorted(int(y) for y in set(years) if int(y) < limit)


def judge_china_vs_us(
    src: str, rule: str, scope: str, counts: pd.DataFrame, retrieved_year: int | None
) -> dict:
    ranks = rank_by_year(counts)
    cu = china_us(counts)
    years = [y for y in _complete_years(cu["year"], retrieved_year) if y >= SINCE]
    if not years:
        return {}
    cn_rank = ranks[ranks["country"] == "CN"].set_index("year")["rank"].reindex(years)
    leader = cu.set_index("year")["leader"].reindex(years)
    first_pass = first_year_ahead(counts)
    always_first = bool((cn_rank == 1).all()) and bool((leader == "CN").all())
    front = bool((cn_rank <= TOP_RANK_FRONT).all())
    paper_basis = src == "wos" and rule == "whole"
    if always_first and paper_basis:
        verdict = "reproduced"
    elif always_first or (front and not (leader == "US").all()):
        verdict = "reproduced with caveat"
    else:
        verdict = "contradicted"
    ncountries = counts["country"].nunique()
    last = years[-1]
    ratio_last = cu.set_index("year").loc[last, "ratio"]
    return {
        "verdict": verdict,
        "value": (
            f"China rank {int(cn_rank.min())}–{int(cn_rank.max())} in {years[0]}–{last}; first passed the US in "
            f"{first_pass if first_pass else 'no year of the series'}; CN/US {ratio_last:.2f} in {last}"
        ),
        "value_zh": (
            f"{years[0]}–{last}年中国"
            + (
                f"每年均排第{int(cn_rank.min())}位"
                if cn_rank.min() == cn_rank.max()
                else f"排第{int(cn_rank.min())}–{int(cn_rank.max())}位"
            )
            + "；"
            + (f"{first_pass}年首次超过美国" if first_pass else "序列中没有首次超过美国的年份")
            + f"；{last}年中美发文量之比为{ratio_last:.2f}"
        ),
        "reason": (
            f"{src} ({rule} counting, {scope}): China {'first every year' if always_first else 'not always first'} "
            f"{years[0]}–{last} among {ncountries} countries; passed the US in {first_pass or '—'}"
        ),
        "reason_zh": (
            f"{SOURCE_SHORT_ZH.get(src, src)}（{COUNTING_SHORT_ZH[rule]}，{SCOPE_SHORT_ZH.get(scope, scope)}）："
            f"{years[0]}–{last}年在{ncountries}个国家中，中国"
            f"{'每年均居第一' if always_first else '并非每年均居第一'}；"
            + (f"{first_pass}年首次超过美国" if first_pass else "序列中没有由落后转为超过美国的年份")
        ),
        "years": years,
    }


def judge_topics(topics: pd.DataFrame, retrieved: dict) -> dict:
    for src in SOURCE_PREFERENCE:
        sub = topics[topics["source"] == src]
        if not {"stem_cell", "exosomes"} <= set(sub["topic"]):
            continue
        w = sub.pivot_table(
            index="year", columns="topic", values="papers", aggfunc="sum", fill_value=0
        ).sort_index()
        years = _complete_years(w.index, retrieved.get(src))
        if len(years) < 3:
            continue
        w = w.loc[years]
        stem = w["stem_cell"].tail(GROWTH_YEARS + 1)
        growth = cagr(stem)
        near_max = w["stem_cell"].iloc[-1] >= 0.9 * w["stem_cell"].max()
        last = years[-1]
        shares = {
            t: 100 * w.loc[last, t] / w.loc[last, "exosomes"]
            for t in ("stem_cell", "engineered", "drug_delivery")
            if t in w.columns and w.loc[last, "exosomes"] > 0
        }
        focus = len(shares) == 3 and all(v >= TOPIC_MIN_SHARE for v in shares.values())
        growing = growth > 0 and near_max
        if growth < 0:
            verdict = "contradicted"
        else:
            verdict = "reproduced with caveat"
        share_txt = ", ".join(f"{t} {v:.1f}%" for t, v in shares.items())
        failing = [] if growing else ["stem-cell growth"]
        failing += [] if focus else ["topic shares below 5%"]
        failing_zh = ([] if growing else ["干细胞外泌体持续增长"]) + (
            [] if focus else [f"各方向占比不低于{TOPIC_MIN_SHARE:g}%"]
        )
        return {
            "verdict": verdict,
            "value": f"stem-cell EV papers {growth:+.1f}%/yr ({stem.index[0]}–{last}); shares in {last}: {share_txt}",
            "value_zh": (
                f"干细胞外泌体论文年均增长{growth:+.1f}%（{stem.index[0]}–{last}年）；{last}年各方向占比："
                + "、".join(f"{bib.TOPIC_LABEL['zh'].get(t, t)} {v:.1f}%" for t, v in shares.items())
            ),
            "reason": (
                f"{src}: stem-cell series {'grows' if growing else 'does not keep growing'}; "
                f"{'all three topics ≥5% of EV papers' if focus else 'not all topics ≥5%'}"
                + (f" (fails: {', '.join(failing)})" if failing else "")
            ),
            "reason_zh": (
                f"{SOURCE_SHORT_ZH.get(src, src)}：干细胞外泌体发文量{'持续增长' if growing else '未保持增长'}；"
                + (
                    f"三个方向均占外泌体论文的{TOPIC_MIN_SHARE:g}%以上"
                    if focus
                    else f"并非所有方向都达到{TOPIC_MIN_SHARE:g}%"
                )
                + (f"（未满足：{'、'.join(failing_zh)}）" if failing_zh else "")
            ),
            "source": src,
        }
    return {}


# The paper's values in Chinese (the English paper_value of each claim, translated).
PAPER_VALUE_CHINA_ZH = "2020年以来每年位居国际前列"
PAPER_VALUE_TOPICS_ZH = "持续增长；三个主要研究方向"


def check_claims(series, topics, retrieved, context: pd.DataFrame | None) -> list[Claim]:
    nb = NOTEBOOK
    pub = {r.key: r for r, *_ in PUBLISHED}
    published_txt = (
        f"Published (cited): US {pub['wang2017_us_share'].value}% of {int(pub['wang2017_total'].value)} exosome papers "
        f"2007–2016 with China second (Wang et al. 2017, {WANG_URL}); China {pub['zhang2022_china_share'].value}% of "
        f"{int(pub['zhang2022_total'].value)} MSC-EV papers 2009–2021 (Zhang et al. 2022, {ZHANG_URL}); China first by "
        f"stem-cell-EV publications 1991–2021 (Lin et al. 2022, {LIN_URL})."
    )
    published_txt_zh = (
        f"已发表研究（均注明出处）：2007–2016年的{int(pub['wang2017_total'].value)}篇外泌体论文中，美国占"
        f"{pub['wang2017_us_share'].value}%，中国居第二（Wang et al. 2017，{WANG_URL}）；2009–2021年的"
        f"{int(pub['zhang2022_total'].value)}篇间充质干细胞胞外囊泡（MSC-EV）论文中，中国占"
        f"{pub['zhang2022_china_share'].value}%（Zhang et al. 2022，{ZHANG_URL}）；1991–2021年干细胞胞外囊泡研究的"
        f"发文量中国居第一（Lin et al. 2022，{LIN_URL}）。"
    )
    picked = pick_series(series)
    judged = judge_china_vs_us(*picked, retrieved.get(picked[0])) if picked else {}
    if judged:
        c1 = Claim(
            claim_id="lit.china_vs_us",
            section="2.2.1",
            statement="与美国相比，我国外泌体研究虽然起步稍晚但发展迅猛……自 2020 年以来，每年发表的论文数量位居国际前列（图 2）",
            statement_en="Compared with the US, China's exosome research started later but grew fast; since 2020 its yearly "
            "paper count has ranked at the front internationally (Figure 2, Web of Science)",
            paper_value="China at the front each year since 2020",
            reproduced_value=judged["value"],
            unit="rank / papers",
            verdict=judged["verdict"],
            reason=judged["reason"],
            source=f"{picked[0]} country series ({picked[1]} counting, China scope {picked[2]})",
            note=(
                f"Country series from {picked[0]}, {picked[1]} counting; {bib.CHINA_SCOPE_LABEL['en'][picked[2]]}. "
                f"Ranks are among the countries in the series. The paper used Web of Science and does not state its "
                f"query, document types or counting rule; a different database or rule can shift the crossover "
                f"year.{PUBMED_CAVEAT if picked[0] == 'pubmed' else ''} {published_txt}"
            ),
            notebook=nb,
            reason_zh=judged["reason_zh"],
            note_zh=(
                f"按国家的年度序列来自{source_label(picked[0], 'zh')}，{bib.COUNTING_LABEL['zh'][picked[1]]}；"
                f"{bib.CHINA_SCOPE_LABEL['zh'][picked[2]]}。排名仅在该序列所含国家之间比较。论文使用 Web of Science，"
                f"但未说明检索式、文献类型和计数方法；换用其他数据库或计数方法，中国发文量超过美国的年份可能随之改变。"
                f"{PUBMED_CAVEAT_ZH if picked[0] == 'pubmed' else ''}{published_txt_zh}"
            ),
            paper_value_zh=PAPER_VALUE_CHINA_ZH,
            reproduced_value_zh=judged["value_zh"],
            unit_zh="排名／论文数（篇）",
        )
    else:
        c1 = Claim(
            claim_id="lit.china_vs_us",
            section="2.2.1",
            statement="与美国相比，我国外泌体研究虽然起步稍晚但发展迅猛……自 2020 年以来，每年发表的论文数量位居国际前列（图 2）",
            statement_en="Compared with the US, China's exosome research started later but grew fast; since 2020 its yearly "
            "paper count has ranked at the front internationally (Figure 2, Web of Science)",
            paper_value="China at the front each year since 2020",
            reproduced_value="no country series offline; published: US 38.8% (2007–2016, China 2nd); China 56.36% of MSC-EV papers (2009–2021)",
            unit="rank / share of papers",
            verdict="not checkable offline",
            reason=(
                "the country series has no complete year from 2020 on; published figures agree with a later start"
                if picked
                else "no yearly series by country in the offline mirror; published figures agree with a later start, not tested since 2020"
            ),
            source="published bibliometric figures (cited); live route: OpenAlex or PubMed",
            note=(
                f"{published_txt} These show the US ahead in 2007–2016 and China first in the stem-cell-EV subfield up "
                f"to 2021, consistent with the paper's 'started later, grew fast', but none gives yearly country ranks "
                f"for all exosome papers since 2020. Run `{COMMAND_LIVE}` (or import a Web of Science / Scopus export) "
                f"to test the claim."
            ),
            notebook=nb,
            reason_zh=(
                "该国家序列中没有2020年及以后的完整年份；已发表的文献计量数据与“起步稍晚”相符"
                if picked
                else "离线镜像中没有按国家划分的年度发文量；已发表的文献计量数据与“起步稍晚”相符，但2020年以来的排名未能检验"
            ),
            note_zh=(
                f"{published_txt_zh}这些数据表明，2007–2016年美国领先，而截至2021年中国在干细胞胞外囊泡这一分支领域"
                f"发文量居首，与论文“起步稍晚、发展迅猛”的说法相符；但其中没有一项给出2020年以来全部外泌体论文"
                f"逐年的国家排名。联网读者可运行 `{COMMAND_LIVE}`（或导入 Web of Science / Scopus 导出文件）来检验这一论断。"
            ),
            paper_value_zh=PAPER_VALUE_CHINA_ZH,
            reproduced_value_zh=(
                f"离线没有按国家统计的年度发文量序列；已发表数据：2007–2016年美国占{pub['wang2017_us_share'].value}%"
                f"（中国居第2位）；2009–2021年中国占间充质干细胞胞外囊泡（MSC-EV）论文的{pub['zhang2022_china_share'].value}%"
            ),
            unit_zh="排名／论文占比",
        )
    tj = judge_topics(topics, retrieved) if len(topics) else {}
    if tj:
        c2 = Claim(
            claim_id="lit.topics",
            section="2.2.1",
            statement="全球干细胞外泌体研究持续增加，且主要聚焦在干细胞外泌体、工程化外泌体、药物载体等研究方向",
            statement_en="Global stem-cell exosome research keeps growing, focused on stem-cell exosomes, engineered "
            "exosomes and drug carriers",
            paper_value="growing; three main directions",
            reproduced_value=tj["value"],
            unit="% per year / % of EV papers",
            verdict=tj["verdict"],
            reason=tj["reason"],
            source=f"{tj['source']} topic series (keyword queries)",
            note=(
                "Topic series are title/abstract keyword queries (bibliometrics.TOPICS), proxies for the paper's "
                "unstated method, hence at most 'reproduced with caveat'. " + published_txt
            ),
            notebook=nb,
            reason_zh=tj["reason_zh"],
            note_zh=(
                "研究方向序列基于标题/摘要关键词检索（bibliometrics.TOPICS），只是对论文未说明之方法的近似，"
                "因此结论最多为“有保留地复现”。" + published_txt_zh
            ),
            paper_value_zh=PAPER_VALUE_TOPICS_ZH,
            reproduced_value_zh=tj["value_zh"],
            unit_zh="年增长率（%）／占外泌体论文的百分比（%）",
        )
    else:
        ctx_txt = ctx_txt_zh = ""
        if context is not None and len(context):
            tot = context.groupby("year")["count"].sum()
            if 2015 in tot.index and 2025 in tot.index:
                ctx_txt = (
                    f" The mirror's PubMed EV counts in three disease contexts grow from {int(tot[2015])} (2015) "
                    f"to {int(tot[2025])} (2025) papers a year (Liegertová & Malý 2026), a general EV growth "
                    f"curve, not these topics."
                )
                ctx_txt_zh = (
                    f"离线镜像中 PubMed 三个疾病领域的胞外囊泡年发文量由2015年的{int(tot[2015])}篇增至"
                    f"2025年的{int(tot[2025])}篇（Liegertová & Malý 2026），这只是胞外囊泡研究的总体增长曲线，"
                    f"并非上述研究方向。"
                )
        pz = pub["zhang2022_2021"]
        c2 = Claim(
            claim_id="lit.topics",
            section="2.2.1",
            statement="全球干细胞外泌体研究持续增加，且主要聚焦在干细胞外泌体、工程化外泌体、药物载体等研究方向",
            statement_en="Global stem-cell exosome research keeps growing, focused on stem-cell exosomes, engineered "
            "exosomes and drug carriers",
            paper_value="growing; three main directions",
            reproduced_value=f"no topic series offline; published: MSC-EV output grew exponentially to {int(pz.value)} papers in 2021",
            unit="papers per year",
            verdict="not checkable offline",
            reason="no topic series offline; published bibliometrics report growing stem-cell EV output, focus not tested",
            source="published bibliometric figures (cited); offline mirror PubMed EV context counts; live route: OpenAlex or PubMed",
            note=(
                f"Zhang et al. 2022 ({ZHANG_URL}) report exponential growth of MSC-EV papers to {int(pz.value)} in 2021; "
                f"Lin et al. 2022 ({LIN_URL}) report 8,208 stem-cell EV publications 1991–2021, increasing every "
                f"year; Zhao et al. 2024 ({ZHAO_URL}) count 1,045 MSC-EV drug-delivery papers 2013–2023.{ctx_txt} "
                f"The shares of engineered-exosome and drug-carrier work are not in the mirror. Run `{COMMAND_LIVE}` "
                f"for topic series by year."
            ),
            notebook=nb,
            reason_zh="离线没有研究方向的年度序列；已发表的文献计量研究显示干细胞胞外囊泡发文量在增长，研究方向构成未检验",
            note_zh=(
                f"Zhang et al. 2022（{ZHANG_URL}）报告间充质干细胞胞外囊泡（MSC-EV）论文呈指数增长，2021年达"
                f"{int(pz.value)}篇；Lin et al. 2022（{LIN_URL}）统计1991–2021年干细胞胞外囊泡论文"
                f"{int(pub['lin2022_total'].value):,}篇，逐年增加；Zhao et al. 2024（{ZHAO_URL}）统计2013–2023年"
                f"MSC-EV 用作药物载体的论文{int(pub['zhao2024_total'].value):,}篇。{ctx_txt_zh}"
                f"镜像中没有工程化外泌体和药物载体研究所占比例的数据。联网读者可运行 `{COMMAND_LIVE}` "
                f"获取按年份的研究方向序列。"
            ),
            paper_value_zh=PAPER_VALUE_TOPICS_ZH,
            reproduced_value_zh=(
                f"离线没有研究方向的年度序列；已发表数据：间充质干细胞胞外囊泡（MSC-EV）发文量呈指数增长，2021年达{int(pz.value)}篇"
            ),
            unit_zh="每年论文数（篇）",
        )
    return [c1, c2]


# --------------------------------------------------------------------------- process
def process(store: RawStore) -> Result:
    series, topics, inputs, retrieved = gather(store)
    cu, ranks = series_tables(series)
    notes = []
    try:
        context, ctx_used = pubmed.load_context_counts(store)
        queries, q_used = pubmed.load_context_queries(store)
        context = context.rename(columns={"count": "papers"}).merge(queries, on="context", how="left")
        context["query"] = context["query"].fillna("")
        inputs += ctx_used + q_used
    except Exception as exc:  # the mirror's context counts are optional
        context = pd.DataFrame(columns=["year", "context", "papers", "query"])
        notes.append(f"PubMed EV context counts not available: {exc}")
    cns, cns_used = pubmed.load_records(store, "cns_records")
    inputs += cns_used
    mirror_topics = (
        mirror_topic_table(cns)
        if len(cns)
        else pd.DataFrame(columns=["dataset", "topic", "records", "of_records", "share"])
    )
    if not len(series):
        notes.append("no yearly series of exosome papers by country: run the live route or import an export")
    tables = {
        "literature_country_year": Table(
            series,
            ["source", "topic", "counting", "china_scope", "country", "year"],
            0,
            "papers per country and year, per source, counting rule and China scope",
        ),
        "literature_china_us": Table(
            cu, ["source", "counting", "china_scope", "year"], 3, "China vs US per year"
        ),
        "literature_rank": Table(
            ranks,
            ["source", "counting", "china_scope", "year", "rank", "country"],
            0,
            "rank of each country per year within its series",
        ),
        "literature_topics": Table(topics, ["source", "topic", "year"], 0, "world topic series"),
        "literature_pubmed_context": Table(
            context[["year", "context", "papers", "query"]],
            ["context", "year"],
            0,
            "PubMed EV papers per year in three disease contexts (mirror)",
        ),
        "literature_mirror_topics": Table(
            mirror_topics, ["dataset", "topic"], 1, "topic matches in the mirror's PubMed records"
        ),
        "literature_published": Table(published_table(), ["n"], 2, "published bibliometric figures, cited"),
    }
    ctx_for_claims = context.rename(columns={"papers": "count"}) if len(context) else None
    claims = check_claims(series, topics, retrieved, ctx_for_claims)
    return Result(tables=tables, claims=claims, inputs=inputs, notes=notes)


# --------------------------------------------------------------------------- notebook views
def notebook_view(series: pd.DataFrame, params: dict) -> dict | None:
    """What the notebook shows for its parameters: the picked series limited to the chosen
    countries plus the next ``top`` countries, the years asked for, the China/US table,
    the ranks and the crossover year. None when no series has both China and the US."""
    picked = pick_series(series, params["source"], params["counting"], params["china_scope"])
    if picked is None:
        return None
    src, rule, scope, counts = picked
    counts = counts[(counts["year"] >= params["start"]) & (counts["year"] <= params["end"])]
    if not len(counts) or not {"CN", "US"} <= set(counts["country"]):
        return None
    ranks = rank_by_year(counts)  # ranks among every country in the series
    chosen = list(params["countries"])
    for c in top_countries(counts, len(counts["country"].unique())):
        if len(chosen) >= len(params["countries"]) + params["top"]:
            break
        if c not in chosen:
            chosen.append(c)
    shown = counts[counts["country"].isin(chosen)]
    return {
        "source": src,
        "counting": rule,
        "china_scope": scope,
        "counts": shown.reset_index(drop=True),
        "countries": [c for c in chosen if c in set(counts["country"])],
        "china_us": china_us(counts),
        "ranks": ranks[ranks["country"].isin(chosen)].reset_index(drop=True),
        "first_year_ahead": first_year_ahead(counts),
    }


def series_caption(view: dict, lang: str) -> str:
    lab = LABELS[lang]["series_used"]
    return lab.format(
        source=source_label(view["source"], lang),
        counting=bib.COUNTING_LABEL[lang][view["counting"]],
        scope=bib.CHINA_SCOPE_LABEL[lang][view["china_scope"]],
    )


def country_name(code: str, lang: str) -> str:
    zh = {
        "CN": "中国",
        "US": "美国",
        "GB": "英国",
        "DE": "德国",
        "JP": "日本",
        "KR": "韩国",
        "IT": "意大利",
        "FR": "法国",
        "CA": "加拿大",
        "AU": "澳大利亚",
        "IN": "印度",
        "ES": "西班牙",
        "NL": "荷兰",
        "HK": "中国香港",
        "TW": "中国台湾",
        "MO": "中国澳门",
        "IR": "伊朗",
        "BR": "巴西",
        "CH": "瑞士",
        "SE": "瑞典",
    }
    if lang == "zh" and code in zh:
        return zh[code]
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    name = getattr(c, "common_name", None) or (c.name if c else code)
    if lang == "zh" and c is not None:  # pycountry ships the iso3166-1 names in Chinese
        import gettext

        try:
            return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["zh_CN"]).gettext(name)
        except OSError:
            pass
    return name


TABLE_COLUMNS = {
    "literature_country_year": SERIES_COLUMNS,
    "literature_topics": SERIES_COLUMNS,
    "literature_china_us": ["source", "counting", "china_scope", "year", "cn", "us", "ratio", "leader"],
    "literature_rank": ["source", "counting", "china_scope", "country", "year", "papers", "rank"],
    "literature_pubmed_context": ["year", "context", "papers", "query"],
    "literature_mirror_topics": ["dataset", "topic", "records", "of_records", "share"],
    "literature_published": [
        "n",
        "key",
        "what",
        "value",
        "unit",
        "period",
        "database",
        "field",
        "citation",
        "url",
    ],
}
PROCESS_COMMAND = "exo-industry import pubmed --mirror && exo-industry process --section literature"


def load_tables() -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The section's processed tables for the notebook, and the names of those not yet
    processed (given as empty tables; the cited figures come from this module)."""
    from ..errors import MissingData
    from ..processed import read_table

    tables, missing = {}, []
    for name, cols in TABLE_COLUMNS.items():
        try:
            tables[name] = read_table(name)
        except MissingData:
            missing.append(name)
            tables[name] = published_table() if name == "literature_published" else pd.DataFrame(columns=cols)
    return tables, missing
