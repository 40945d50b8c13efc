"""Section 2.2.2 and Figure 3 of the paper: exosome patents by country and year.

The paper: by patent applications China has passed the UK, Korea and Japan and is second
only to the US (claim ``patents.rank``).

Counting rules (parameters of :func:`count_patents`; the defaults are marked):

- unit: ``family`` (default) counts each simple patent family once — the invention, however
  many offices it was filed at; ``application`` counts each application once (its
  publications, e.g. A1 and B1, are merged). Families come from the source when it
  gives them (Lens simple family, EPO DOCDB family); a Lens CSV export groups by equal
  priority numbers (the simple-family definition); the mirror's EPO list has no family
  id and is grouped by equal earliest priority date and applicant countries (approximate).
- country_by: ``applicant`` (default) — the countries of residence/nationality of the
  applicants; a unit with applicants from two countries counts once for each (whole
  counting), units without applicant countries are left out and counted in the
  ``unknown`` row; ``priority`` — the office of the first filing (EP and WO stay as
  such); ``publication`` — the office that published the document; at family level a
  family counts once in each office where a member was published.
- year_by: ``priority`` (default) — year of the earliest priority date (first filing
  anywhere, the closest to the invention date); ``publication`` — year of the earliest
  publication of the unit.

Derived views (functions usable on any series, live or imported): yearly counts per
country (zeros filled), cumulative counts and ranks, the first year China's count
passes each of GB, KR, JP (annual and cumulative), and China against the US.

Verdict rules for ``patents.rank`` (applied in :func:`check_rank`):

- evidence is a *country series*: documents from a topic query of a whole patent database
  (Lens live pages or aggregations, a Lens export, EPO OPS live pages). The mirror's EPO
  list is a CNS-only slice of 60 publications and never counts as a country series;
- with a series, counted under the default rule over the chosen years: ``reproduced`` if
  China's cumulative count exceeds each of GB, KR and JP and only the US is above China;
  ``reproduced with caveat`` if that holds but the series is incomplete (OPS range cap)
  or holds only for the cumulative but not the last year's counts; ``contradicted`` if
  China is below any of GB, KR, JP, or ahead of the US (then it is first, not second);
- without a series: ``not checkable offline``. The note then sets out what the mirror's
  slice shows and the published figures (cited constants below), including
  Ponce-Polo et al. 2022, who found Asia — China in particular — leading patent
  publications on stem-cell EVs, which disagrees with "second only to the US", and the
  paper's own source for the sentence (its reference [18], Liu, Wu and Liu 2022, a
  stem-cell exosome patent analysis whose counts are not available offline).
"""

from __future__ import annotations

import difflib
import math
from pathlib import Path

import pandas as pd
import pycountry

from ..claims import Claim
from ..errors import BadParameter, MissingData
from ..references import Reference
from ..sources import epo_ops, lens
from ..store import RawStore
from . import Result, Table

NAME = "patents"
NOTEBOOK = "05_patent_trends"
TITLE = {"zh": "外泌体专利趋势", "en": "Exosome patent trends"}
SOURCES = ("epo_ops", "lens")

UNITS = ("family", "application")
COUNTRY_BASES = ("applicant", "priority", "publication")
YEAR_BASES = ("priority", "publication")
DEFAULT_COUNTRIES = ("US", "CN", "GB", "KR", "JP")
DEFAULT_YEARS = (2010, 2023)
DEFAULT_QUERY = "exosome OR exosomes OR \"extracellular vesicle\" OR \"extracellular vesicles\" (title, abstract or claims)"
SOURCE_CHOICES = ("lens", "epo")
REGIONAL = {
    "EP": "European Patent Office",
    "WO": "WIPO (PCT)",
    "EA": "Eurasian Patent Office",
    "AP": "ARIPO",
    "OA": "OAPI",
}
PAPER_ORDER = ("US", "CN", "GB", "KR", "JP")  # the order the paper states (US first, China second)
COUNTRY_ZH = {
    "US": "美国",
    "CN": "中国",
    "GB": "英国",
    "KR": "韩国",
    "JP": "日本",
}  # for the claim's values in Chinese
PAPER_VALUE_ZH = "中国居第2位，仅次于美国；领先英国、韩国和日本"

LIVE_COMMANDS = (
    "exo-industry fetch lens --mode records --start 2000 --end 2023   # needs LENS_API_TOKEN\n"
    "exo-industry fetch epo_ops --start 2000 --end 2023   # needs EPO_OPS_KEY and EPO_OPS_SECRET\n"
    "exo-industry process --section patents"
)

PONCE_POLO_2022 = Reference(
    key="ponce_polo_2022_msc_ev_patents",
    value=1.0,
    unit="rank of China among patenting countries (1 = leads); a qualitative finding, no count published in the abstract",
    what="global patent literature on therapeutic extracellular vesicles from mesenchymal stem/stromal cells "
    "(MSC-EVs): patent publications rising since 2009, Asia, and China in particular, leading the patenting activity",
    citation="Ponce-Polo A, Ritoré Hidalgo A, Argüello Martínez A, Oruezabal Guijarro RI. Use of Patent Information to "
    "Characterize Trends in the Therapeutic Applications of Extracellular Vesicles Derived from Mesenchymal "
    "Stem Cells (MSC-EVs). Recent Pat Biotechnol. 2022;16(3):243-255. doi:10.2174/1872208316666220303095217. "
    "PMID 35240977",
    url="https://pubmed.ncbi.nlm.nih.gov/35240977/",
)
OPRETZKA_2024 = Reference(
    key="opretzka_2024_msc_cell_free_families",
    value=269.0,
    unit="patent families (Derwent World Patents Index)",
    what="patent families on MSC-derived cell-free products (secretome, exosomes); exponential increase from the "
    "mid-2010s, mainly exosomes; no country ranking in the abstract",
    citation="Opretzka LCF, et al. Mesenchymal stem cell-derived cell-free technologies: a patent landscape. "
    "Biotechnol Lett. 2024;46(5):907-924. doi:10.1007/s10529-024-03506-y",
    url="https://doi.org/10.1007/s10529-024-03506-y",
)
LIU_2022 = Reference(
    key="liu_wu_liu_2022_stem_cell_exosome_patents",
    value=math.nan,
    unit="no figure available offline",
    what="the paper's own source for its patent sentence (its reference [18]): a patent analysis of stem-cell exosomes "
    "(application counts, technology life cycle, markets, applicants, China-US comparison), co-authored by the "
    "paper's first author (Wu Shuxia); its counts could not be read here",
    citation="Liu W, Wu SX, Liu H. Analysis on the development trend and competition pattern of stem cell exosomes from "
    "the perspective of patents. Chin Med Biotechnol. 2022;17(5):453-461 (in Chinese; 刘伟, 吴曙霞, 刘慧. "
    "专利视角的干细胞外泌体发展趋势和竞争格局分析. 中国医药生物技术)",
    url="http://m.jizihe.com/page/2022/1013/13534580.shtml",
)
REFERENCES = (PONCE_POLO_2022, OPRETZKA_2024, LIU_2022)

KEY_FIGURE = "patents_country_years"
DATA_NOTE = {
    "zh": "离线镜像中没有按国家统计的外泌体专利序列：只有一份经过筛选的中枢神经系统用途专利公开清单（60件，EPO检索）。"
    "国家排名需要在线运行 Lens 或 EPO OPS 检索（见下方命令）。",
    "en": "The offline mirror holds no country series of exosome patents, only a filtered list of 60 CNS-use patent "
    "publications (EPO search). Ranking countries needs a live Lens or EPO OPS query (commands below).",
}

LABELS = {
    "zh": {
        "title": "# 外泌体专利趋势（论文第2.2.2节、图3）",
        "intro": "论文称，按专利申请量，中国已超过英国、韩国和日本，仅次于美国。本节按可选的计数规则"
        "（专利族或申请；国家按申请人、首次申请局或公开局；年份按优先权或公开日）统计各国逐年数量、累计排名，"
        "以及中国数量首次超过英国、韩国、日本的年份和与美国的对比。",
        "series_heading": "## 各国逐年数量与累计排名",
        "slice_heading": "## 离线镜像中的专利（仅为一小部分）",
        "refs_heading": "## 已发表的专利分析数据",
        "claims_heading": "## 论文论断核验",
        "crossing_table": "中国首次超过各国的年份",
        "standing_table": "中国与美国（最后一年）",
        "slice_table": "镜像中的专利（{unit}，按{country_by}国家）",
        "refs_table": "引用的已发表数据",
        "ref_citation": "文献",
        "ref_what": "内容（英文）",
        "ref_url": "链接",
        "unknown": "未知",
        "other": "对比国家",
        "basis": "口径",
        "first_year": "首次超过的年份",
        "ahead_from_start": "起始年已领先",
        "ahead_at_end": "最后一年领先",
        "country": "国家/局",
        "rank": "累计排名",
        "no_series_source": "所选来源（{source}）在原始数据库中没有按国家的专利序列。",
        "live": "联网时可运行：\n{commands}",
        "unknown_note": "无国家信息的计数单位：{n}（未计入各国）。",
        "fallback": "该序列没有申请人国家信息，改按首次申请局统计。",
        "standing": "{year}年：中国 {leader_count}，美国 {against_count}；{start}年以来累计：中国 {leader_cumulative}，美国 {against_cumulative}；中国累计排名第 {leader_rank_cumulative}。",
        "slice_note": "以下仅为镜像中的一小部分专利（中枢神经系统用途，经相关性筛选），不能用于国家排名。",
        "title_yearly": "专利年度数量（{unit}，国家按{country_by}，年份按{year_by}）",
        "title_cum": "累计专利数量与排名",
        "title_mirror": "离线镜像：60 件中枢神经系统相关外泌体专利公开（按公开局和公开年份）",
        "year": "年份",
        "count": "数量",
        "cumulative": "累计数量",
        "office": "公开局",
        "other_offices": "其他",
        "family": "专利族",
        "application": "专利申请",
        "applicant": "申请人",
        "priority": "优先权（首次申请）",
        "publication": "公开",
        "no_series": "离线数据中没有按国家划分的外泌体专利序列；下图仅为镜像中的一小部分（中枢神经系统用途）。",
    },
    "en": {
        "title": "# Exosome patent trends (paper, section 2.2.2 and Figure 3)",
        "intro": "The paper says that by patent applications China has passed the UK, Korea and Japan and is second only "
        "to the US. This section counts patents per country and year under a chosen rule (families or "
        "applications; country by applicant, first-filing office or publication office; year by priority or "
        "publication), ranks countries cumulatively, and finds the year China's count first passes GB, KR and JP "
        "and where it stands against the US.",
        "series_heading": "## Yearly counts per country and cumulative ranking",
        "slice_heading": "## Patents in the offline mirror (a narrow slice)",
        "refs_heading": "## Published patent-landscape figures",
        "claims_heading": "## Checking the paper's claim",
        "crossing_table": "Year China's count first passes each country",
        "standing_table": "China against the US (last year)",
        "slice_table": "Mirror patents ({unit}, country by {country_by})",
        "refs_table": "Published figures cited",
        "ref_citation": "Citation",
        "ref_what": "What it reports",
        "ref_url": "Link",
        "unknown": "unknown",
        "other": "Other country",
        "basis": "Basis",
        "first_year": "First year ahead",
        "ahead_from_start": "Ahead in first year",
        "ahead_at_end": "Ahead in last year",
        "country": "Country / office",
        "rank": "Cumulative rank",
        "no_series_source": "The raw store holds no country series of patents from the chosen source ({source}).",
        "live": "With a network, run:\n{commands}",
        "unknown_note": "Counting units without a country: {n} (not in any country's count).",
        "fallback": "This series gives no applicant countries; it is counted by first-filing office instead.",
        "standing": "{year}: China {leader_count}, US {against_count}; cumulative since {start}: China {leader_cumulative}, "
        "US {against_cumulative}; China's cumulative rank: {leader_rank_cumulative}.",
        "slice_note": "What follows is a narrow slice of the mirror (CNS uses, filtered by relevance): it cannot rank countries.",
        "title_yearly": "Patents per year ({unit}, country by {country_by}, year by {year_by})",
        "title_cum": "Cumulative patent counts and rank",
        "title_mirror": "Offline mirror: 60 exosome patent publications for CNS uses, by office and publication year",
        "year": "Year",
        "count": "Count",
        "cumulative": "Cumulative count",
        "office": "Publication office",
        "other_offices": "other",
        "family": "patent families",
        "application": "applications",
        "applicant": "applicant",
        "priority": "priority (first filing)",
        "publication": "publication",
        "no_series": "The offline data hold no country series of exosome patents; the chart shows only a narrow slice "
        "of the mirror (CNS uses).",
    },
}


# --------------------------------------------------------------------------- parameters
def _country_codes() -> set[str]:
    return {c.alpha_2 for c in pycountry.countries} | set(REGIONAL)


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


def check_country(code: str) -> str:
    """An ISO 3166 alpha-2 code (or EP/WO for regional and PCT filings), upper-cased.

    Anything else is refused with the likely code(s) named."""
    if not isinstance(code, str) or not code.strip():
        raise BadParameter(
            f"empty country code {code!r}: use ISO 3166 two-letter codes such as US, CN, GB, KR, JP"
        )
    text = code.strip()
    c = text.upper()
    known = _country_codes()
    if c in known:
        return c
    guesses = []
    if c in ALIASES:
        guesses.append(ALIASES[c])
    try:
        guesses.append(pycountry.countries.lookup(text).alpha_2)
    except LookupError:
        pass
    if len(c) > 2:
        names = {k: v for k, v in ALIASES.items()} | {x.name.upper(): x.alpha_2 for x in pycountry.countries}
        guesses += [names[n] for n in difflib.get_close_matches(c, list(names), n=3, cutoff=0.7)]
    else:
        guesses += difflib.get_close_matches(c, sorted(known), n=3, cutoff=0.5)
    guesses = list(dict.fromkeys(guesses))
    hint = f"; did you mean {' or '.join(guesses)}?" if guesses else ""
    raise BadParameter(
        f"unknown country code {code!r}: use ISO 3166 two-letter codes (EP, WO for regional/PCT){hint}"
    )


def check_rule(unit: str = "family", country_by: str = "applicant", year_by: str = "priority") -> None:
    if unit not in UNITS:
        raise BadParameter(f"unsupported counting unit {unit!r}: use one of {', '.join(UNITS)}")
    if country_by not in COUNTRY_BASES:
        raise BadParameter(f"unsupported country basis {country_by!r}: use one of {', '.join(COUNTRY_BASES)}")
    if year_by not in YEAR_BASES:
        raise BadParameter(f"unsupported year basis {year_by!r}: use one of {', '.join(YEAR_BASES)}")


def check_years(years) -> tuple[int, int]:
    try:
        start, end = (int(years[0]), int(years[1]))
    except (TypeError, ValueError, IndexError):
        raise BadParameter(f"years must be [start, end], e.g. [2010, 2023], not {years!r}") from None
    if start > end:
        raise BadParameter(f"reversed years: start {start} is after end {end}")
    if start < 1900 or end > 2100:
        raise BadParameter(f"years {start}-{end} are outside 1900-2100")
    return start, end


def validate_parameters(
    query: str = DEFAULT_QUERY,
    source: str = "lens",
    countries=DEFAULT_COUNTRIES,
    years=DEFAULT_YEARS,
    unit: str = "family",
    country_by: str = "applicant",
    year_by: str = "priority",
    lang: str = "zh",
) -> dict:
    """Check the notebook's parameters; raise BadParameter naming the bad value."""
    if not isinstance(query, str) or not query.strip():
        raise BadParameter(
            "empty query: give the search words (default: exosome(s) / extracellular vesicle(s))"
        )
    if not isinstance(source, str) or not source.strip():
        raise BadParameter("empty source: use 'lens', 'epo' or the path of an imported Lens/EPO file")
    src = source.strip()
    if src.lower() not in SOURCE_CHOICES:
        p = Path(src)
        if p.suffix.lower() not in (".csv", ".jsonl", ".ndjson", ".json", ".xml"):
            near = difflib.get_close_matches(src.lower(), SOURCE_CHOICES, n=2, cutoff=0.5)
            raise BadParameter(
                f"unsupported source {source!r}: use 'lens', 'epo' or an imported file "
                f"(.csv, .jsonl, .json, .xml)" + (f"; did you mean {' or '.join(near)}?" if near else "")
            )
    if isinstance(countries, str):
        countries = [countries]
    if not countries:
        raise BadParameter("no countries given (default: US, CN, GB, KR, JP)")
    codes = [check_country(c) for c in countries]
    start, end = check_years(years)
    check_rule(unit, country_by, year_by)
    if lang not in ("zh", "en"):
        raise BadParameter(f"unsupported lang {lang!r}: use 'zh' or 'en'")
    return {
        "query": query,
        "source": src,
        "countries": codes,
        "years": (start, end),
        "unit": unit,
        "country_by": country_by,
        "year_by": year_by,
        "lang": lang,
    }


# --------------------------------------------------------------------------- counting
def units(docs: pd.DataFrame, unit: str = "family") -> pd.DataFrame:
    """Collapse documents to counting units: one row per family or application.

    Columns: ``dataset``, ``unit_id``, ``priority_date``, ``pub_date`` (earliest),
    ``priority_office`` (of the earliest priority), ``applicant_countries`` (union),
    ``pub_offices`` (all offices that published a member).
    """
    check_rule(unit)
    d = docs.copy().fillna("")
    if unit == "family":
        d["unit_id"] = d["family_id"].where(d["family_id"] != "", "doc:" + d["doc_id"])
    else:
        d["unit_id"] = d["app_id"].where(d["app_id"] != "", "doc:" + d["doc_id"])
    rows = []
    for (ds, uid), g in d.groupby(["dataset", "unit_id"], sort=True):
        pri = g[g["priority_date"] != ""].sort_values(["priority_date", "priority_office"])
        pubs = sorted(x for x in g["pub_date"] if x)
        countries = sorted({c for cell in g["applicant_countries"] for c in cell.split(";") if c})
        rows.append(
            {
                "dataset": ds,
                "unit_id": uid,
                "priority_date": pri["priority_date"].iloc[0] if len(pri) else "",
                "priority_office": next((o for o in pri["priority_office"] if o), ""),
                "pub_date": pubs[0] if pubs else "",
                "applicant_countries": ";".join(countries),
                "pub_offices": ";".join(sorted({o for o in g["pub_office"] if o})),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "dataset",
            "unit_id",
            "priority_date",
            "priority_office",
            "pub_date",
            "applicant_countries",
            "pub_offices",
        ],
    )


def count_patents(
    docs: pd.DataFrame,
    unit: str = "family",
    country_by: str = "applicant",
    year_by: str = "priority",
) -> pd.DataFrame:
    """Counts per dataset, country and year under one counting rule.

    Units with no country or no year under the rule are counted as country ``unknown``
    or left out of the years (year 0 is never invented); the ``unknown`` rows say how many.
    """
    check_rule(unit, country_by, year_by)
    u = units(docs, unit)
    if u.empty:
        return pd.DataFrame(columns=["dataset", "country", "year", "count"])
    date = u["priority_date"] if year_by == "priority" else u["pub_date"]
    u = u.assign(year=pd.to_numeric(date.str[:4], errors="coerce"))
    if country_by == "applicant":
        u["country"] = u["applicant_countries"].str.split(";")
    elif country_by == "priority":
        u["country"] = u["priority_office"].map(lambda x: [x] if x else [""])
    else:
        u["country"] = u["pub_offices"].str.split(";")
    e = u.explode("country")
    e["country"] = e["country"].fillna("").replace("", "unknown")
    e = e[e["year"].notna()]
    out = e.groupby(["dataset", "country", "year"], sort=True).size().rename("count").reset_index()
    out["year"] = out["year"].astype(int)
    return out


def yearly_counts(counts: pd.DataFrame, countries=DEFAULT_COUNTRIES, years=DEFAULT_YEARS) -> pd.DataFrame:
    """A full country x year grid (zeros where nothing was counted) for one series.

    ``counts`` has columns country, year, count (one dataset or already summed).
    """
    start, end = check_years(years)
    cs = [check_country(c) for c in countries]
    grid = pd.MultiIndex.from_product([cs, range(start, end + 1)], names=["country", "year"])
    s = counts.groupby(["country", "year"])["count"].sum()
    out = s.reindex(grid, fill_value=0).rename("count").reset_index()
    out["count"] = out["count"].astype(int)
    return out


def cumulative_ranking(yearly: pd.DataFrame) -> pd.DataFrame:
    """Adds the cumulative count since the first year and each country's rank in each year
    (1 = most; ties share the best rank), for annual and cumulative counts."""
    y = yearly.sort_values(["country", "year"]).copy()
    y["cumulative"] = y.groupby("country")["count"].cumsum().astype(int)
    y["rank_year"] = y.groupby("year")["count"].rank(method="min", ascending=False).astype(int)
    y["rank_cumulative"] = y.groupby("year")["cumulative"].rank(method="min", ascending=False).astype(int)
    return y.sort_values(["year", "rank_cumulative", "country"]).reset_index(drop=True)


def first_passing_year(
    ranked: pd.DataFrame, leader: str = "CN", other: str = "GB", basis: str = "count"
) -> dict:
    """The first year in which ``leader``'s count (``basis`` = count or cumulative) exceeds ``other``'s.

    Returns ``{"other", "basis", "year", "ahead_from_start", "ahead_at_end"}``; ``year`` is
    None if the leader never passes. ``ahead_from_start`` says the leader was already ahead
    in the first year of the series (then that first year is not a "passing" in time).
    """
    if basis not in ("count", "cumulative"):
        raise BadParameter(f"basis must be 'count' or 'cumulative', not {basis!r}")
    p = ranked.pivot_table(index="year", columns="country", values=basis, aggfunc="sum").sort_index()
    for c in (leader, other):
        if c not in p.columns:
            raise BadParameter(
                f"country {c!r} is not in the series (countries: {', '.join(map(str, p.columns))})"
            )
    ahead = p[leader] > p[other]
    year = int(ahead.idxmax()) if ahead.any() else None
    return {
        "other": other,
        "basis": basis,
        "year": year,
        "ahead_from_start": bool(ahead.iloc[0]) if len(ahead) else False,
        "ahead_at_end": bool(ahead.iloc[-1]) if len(ahead) else False,
    }


def crossings(ranked: pd.DataFrame, leader: str = "CN", others=("GB", "KR", "JP", "US")) -> pd.DataFrame:
    """For each other country and basis, the first year ``leader`` passes it."""
    rows = []
    present = set(ranked["country"])
    for o in others:
        if o not in present or leader not in present:
            continue
        for basis in ("count", "cumulative"):
            r = first_passing_year(ranked, leader, o, basis)
            rows.append({"leader": leader, **r})
    return pd.DataFrame(
        rows, columns=["leader", "other", "basis", "year", "ahead_from_start", "ahead_at_end"]
    )


def standing(ranked: pd.DataFrame, leader: str = "CN", against: str = "US") -> dict:
    """Where ``leader`` stands against ``against`` in the last year of the series."""
    last = ranked[ranked["year"] == ranked["year"].max()].set_index("country")
    if leader not in last.index or against not in last.index:
        raise BadParameter(f"{leader} and {against} must both be in the series")
    a, b = last.loc[leader], last.loc[against]
    return {
        "year": int(ranked["year"].max()),
        "leader_count": int(a["count"]),
        "against_count": int(b["count"]),
        "leader_cumulative": int(a["cumulative"]),
        "against_cumulative": int(b["cumulative"]),
        "leader_rank_cumulative": int(a["rank_cumulative"]),
        "leader_rank_year": int(a["rank_year"]),
        "ratio_cumulative": (float(a["cumulative"]) / float(b["cumulative"]))
        if b["cumulative"]
        else math.inf,
    }


def country_basis_for(docs: pd.DataFrame, default: str = "applicant") -> str:
    """The default country basis, unless the documents carry (almost) no applicant
    countries — a Lens CSV export gives none — then the first-filing office."""
    if default != "applicant" or docs.empty:
        return default
    share = (docs["applicant_countries"].fillna("") != "").mean()
    return "applicant" if share >= 0.5 else "priority"


# --------------------------------------------------------------------------- datasets
def _dataset_info(entries) -> pd.DataFrame:
    rows = []
    for e in entries:
        p = e.provenance
        slice_ = p.kind == "neurocell_epo_csv"
        complete = p.query.get("complete", True) if isinstance(p.query, dict) else True
        rows.append(
            {
                "dataset": e.name,
                "source": p.source,
                "kind": p.kind,
                "route": p.route,
                "original_name": p.original_name or "",
                "scope": "slice" if slice_ else "series",
                "complete": bool(complete) and not (p.notes or "").startswith("incomplete"),
                "notes": p.notes or "",
            }
        )
    return pd.DataFrame(
        rows, columns=["dataset", "source", "kind", "route", "original_name", "scope", "complete", "notes"]
    )


def series_group(info: pd.DataFrame) -> pd.Series:
    """Which stored files form one series: the live pages of one source together; each import alone."""
    return info.apply(
        lambda r: f"{r['source']} live" if r["route"] == "live" else f"{r['source']} import {r['dataset']}",
        axis=1,
    )


def check_rank(
    series: dict[str, tuple],
    mirror: pd.DataFrame | None,
    years=DEFAULT_YEARS,
    mirror_publications: int | None = None,
) -> Claim:
    """The ``patents.rank`` claim. ``series`` maps a series name to (counts, complete, country basis)."""
    start, end = check_years(years)
    nb = NOTEBOOK
    statement = "按专利申请量，中国已超过英国、韩国和日本，仅次于美国"
    statement_en = (
        "By patent applications China has passed the UK, Korea and Japan and is second only to the US"
    )
    refs_note = (
        f"Published figures: {PONCE_POLO_2022.citation} ({PONCE_POLO_2022.url}) report {PONCE_POLO_2022.what}; "
        "this disagrees with the paper's 'second only to the US' for the stem-cell EV subset. "
        f"{OPRETZKA_2024.citation} ({OPRETZKA_2024.url}) count {int(OPRETZKA_2024.value)} {OPRETZKA_2024.unit} "
        f"({OPRETZKA_2024.what}). The paper's own source for the sentence is its reference [18], {LIU_2022.citation}, "
        "a stem-cell exosome patent analysis co-authored by the paper's first author; its country counts are not "
        "available offline (a copy of its text: " + LIU_2022.url + ")."
    )
    refs_note_zh = (
        "已发表数据：Ponce-Polo 等 2022 年（Recent Pat Biotechnol，PMID 35240977）对间充质干细胞来源细胞外囊泡"
        "专利的全球分析发现，亚洲（尤其是中国）在专利公开数量上领先——这与论文“仅次于美国”的说法不一致"
        "（该研究仅限干细胞外泌体）。Opretzka 等 2024 年（Biotechnol Lett）在 Derwent 数据库中检出 "
        f"{int(OPRETZKA_2024.value)} 个间充质干细胞无细胞产品专利族，但摘要未给出国家排名。论文此句的出处是其参考文献[18]"
        "（刘伟、吴曙霞、刘慧 2022，《中国医药生物技术》17(5):453-461），论文第一作者为该文作者之一；其各国数字离线无法获取。"
    )
    usable = {k: v for k, v in series.items() if len(v[0])}
    if not usable:
        mirror_txt = mirror_txt_zh = ""
        if mirror is not None and len(mirror):
            by = mirror.groupby("country")["count"].sum().sort_values(ascending=False)
            top = ", ".join(f"{c} {int(n)}" for c, n in by.head(6).items())
            n_pub = f"{mirror_publications} " if mirror_publications else ""
            mirror_txt = (
                f" The offline mirror holds only a CNS-use slice of {n_pub}exosome/EV patent publications from an "
                f"EPO search (NeuroCell_Intel); by applicant country, approximate families: {top}. It is "
                "filtered by topic and relevance score, so it cannot rank countries."
            )
            mirror_txt_zh = (
                f"离线镜像中只有一份来自 EPO 检索的中枢神经系统用途外泌体/细胞外囊泡专利公开清单（{n_pub.strip() or '若干'} 件，"
                f"NeuroCell_Intel）；按申请人国家、近似专利族计：{top}。该清单按主题和相关性评分筛选过，不能用于国家排名。"
            )
        return Claim(
            claim_id="patents.rank",
            section="2.2.2",
            statement=statement,
            statement_en=statement_en,
            paper_value="CN 2nd after US; ahead of GB, KR, JP",
            reproduced_value="no country series offline",
            unit="rank by exosome patent count",
            verdict="not checkable offline",
            reason="no exosome patent series by country offline; needs Lens or EPO OPS live; Ponce-Polo 2022 finds China leading (stem-cell EVs)",
            source="offline: NeuroCell_Intel EPO slice (60 CNS publications) and published figures; live: Lens Patent API / EPO OPS",
            note=(
                "The paper's Figure 3 rests on a patent database query the paper does not give. No offline file holds "
                "exosome patents by country."
                + mirror_txt
                + " "
                + refs_note
                + " To check the claim, run with a network:\n"
                + LIVE_COMMANDS
            ),
            notebook=nb,
            reason_zh="离线数据中没有按国家统计的外泌体专利序列，需联网使用 Lens 或 EPO OPS；Ponce-Polo 2022 发现中国领先（干细胞外泌体）",
            note_zh=(
                "论文图 3 所依据的专利数据库检索式未在文中给出，离线文件中也没有按国家统计的外泌体专利。"
                + mirror_txt_zh
                + refs_note_zh
                + "联网时可运行：\n"
                + LIVE_COMMANDS
            ),
            paper_value_zh=PAPER_VALUE_ZH,
            reproduced_value_zh="离线没有按国家统计的专利序列",
            unit_zh="按外泌体专利数量的排名",
        )
    # prefer a complete series, then the largest
    name, (counts, complete, basis) = sorted(
        usable.items(), key=lambda kv: (not kv[1][1], -int(kv[1][0]["count"].sum()), kv[0])
    )[0]
    basis_txt = {
        "applicant": "applicant country",
        "priority": "first-filing office",
        "publication": "publication office",
    }[basis]
    basis_zh = {"applicant": "申请人国家", "priority": "首次申请局", "publication": "公开局"}[basis]
    ranked = cumulative_ranking(yearly_counts(counts, PAPER_ORDER, (start, end)))
    st = standing(ranked, "CN", "US")
    last = ranked[ranked["year"] == end].set_index("country")
    cum = last["cumulative"]
    passed = {c: bool(cum["CN"] > cum[c]) for c in ("GB", "KR", "JP")}
    above_cn = [c for c in cum.index if cum[c] > cum["CN"]]
    annual_ok = bool(
        all(last.loc["CN", "count"] > last.loc[c, "count"] for c in ("GB", "KR", "JP"))
        and last.loc["US", "count"] > last.loc["CN", "count"]
    )
    cross = crossings(ranked, "CN", ("GB", "KR", "JP"))
    cross_txt = "; ".join(
        f"{r.other}: {'ahead from ' + str(start) if r.ahead_from_start else (r.year if r.year else 'never')}"
        for r in cross[cross["basis"] == "cumulative"].itertuples()
    )
    if all(passed.values()) and above_cn == ["US"]:
        verdict = "reproduced" if (complete and annual_ok) else "reproduced with caveat"
    else:
        verdict = "contradicted"
    order = " > ".join(f"{c} {int(cum[c])}" for c in cum.sort_values(ascending=False).index)
    order_zh = " > ".join(
        f"{COUNTRY_ZH.get(c, c)} {int(cum[c])}" for c in cum.sort_values(ascending=False).index
    )
    why, why_zh = [], []
    if not all(passed.values()):
        why_zh.append("中国低于" + "、".join(c for c, ok in passed.items() if not ok))
    if "US" not in above_cn:
        why_zh.append("中国领先美国（居第一而非第二）")
    if not complete:
        why_zh.append("序列不完整（OPS 每个检索最多返回 2000 条）")
    if all(passed.values()) and above_cn == ["US"] and not annual_ok:
        why_zh.append(f"累计排名成立，但仅看 {end} 年数量不成立")
    if not all(passed.values()):
        why.append("China is below " + ", ".join(c for c, ok in passed.items() if not ok))
    if "US" not in above_cn:
        why.append("China is ahead of the US (first, not second)")
    if not complete:
        why.append("the series is incomplete (OPS serves at most 2,000 hits per query)")
    if all(passed.values()) and above_cn == ["US"] and not annual_ok:
        why.append(f"the order holds cumulatively but not in the {end} counts alone")
    return Claim(
        claim_id="patents.rank",
        section="2.2.2",
        statement=statement,
        statement_en=statement_en,
        paper_value="CN 2nd after US; ahead of GB, KR, JP",
        reproduced_value=f"CN rank {st['leader_rank_cumulative']} cumulative {start}-{end} ({order})",
        unit=f"patent families by {basis_txt}, priority year",
        verdict=verdict,
        reason=(f"{name}: cumulative {start}-{end} {order}" + (f"; {'; '.join(why)}" if why else "")),
        source=f"{name} (counted as simple families, {basis_txt}, priority year)",
        note=(
            f"Series used: {name}. Cumulative counts {start}-{end}: {order}. China first passes (cumulative) {cross_txt}. "
            f"In {st['year']} China has {st['leader_count']} against the US's {st['against_count']} "
            f"(cumulative ratio CN/US {st['ratio_cumulative']:.2f}). "
            + ("; ".join(why) + ". " if why else "")
            + refs_note
        ),
        notebook=nb,
        reason_zh=f"{name}：{start}–{end} 年累计 {order}" + (f"；{'；'.join(why_zh)}" if why_zh else ""),
        note_zh=(
            f"所用序列：{name}（简单专利族，国家按{basis_zh}，年份按优先权年）。{start}–{end} 年累计：{order}。"
            f"{st['year']} 年中国 {st['leader_count']} 件，美国 {st['against_count']} 件（累计中美之比 "
            f"{st['ratio_cumulative']:.2f}）。" + ("；".join(why_zh) + "。" if why_zh else "") + refs_note_zh
        ),
        paper_value_zh=PAPER_VALUE_ZH,
        reproduced_value_zh=f"{start}–{end}年累计，中国排第{st['leader_rank_cumulative']}位（{order_zh}）",
        unit_zh=f"专利族（国家按{basis_zh}，年份按优先权年）",
    )


# --------------------------------------------------------------------------- notebook helpers
def terms_from_query(query: str) -> list[str]:
    """``exosome OR "extracellular vesicle"`` -> ['exosome', 'extracellular vesicle'] (a parenthesised remark is ignored)."""
    import re

    text = re.sub(r"\([^)]*\)", " ", query)
    parts = [p.strip().strip('"').strip("'").strip() for p in re.split(r"\s+OR\s+|,", text)]
    return [p for p in parts if p]


def live_commands(query: str = DEFAULT_QUERY, source: str = "lens", years=DEFAULT_YEARS) -> str:
    """The commands a reader with a network runs to get a country series for this query."""
    start, end = check_years(years)
    terms = terms_from_query(query)
    if source == "epo":
        words = [t for t in terms if " " not in t]
        phrases = [t for t in terms if " " in t]
        cql = " or ".join(([f'ta any "{" ".join(words)}"'] if words else []) + [f'ta="{p}"' for p in phrases])
        fetch = f"exo-industry fetch epo_ops --cql '{cql}' --start {start} --end {end}   # needs EPO_OPS_KEY, EPO_OPS_SECRET"
    elif source == "lens":
        fetch = (
            "exo-industry fetch lens --mode records "
            + " ".join(f"--term '{t}'" for t in terms)
            + f" --start {start} --end {end}   # needs LENS_API_TOKEN"
        )
    else:
        fetch = f"exo-industry import lens {source}   # or: exo-industry import epo_ops {source}"
    return fetch + "\nexo-industry process --section patents"


def select_series(docs: pd.DataFrame, datasets: pd.DataFrame, source: str) -> pd.DataFrame:
    """The documents of the country series that ``source`` names: all live/imported series of a
    source (``lens``, ``epo``) or the one imported file with that name, merged into one set (a
    publication counts once). The mirror's slice is never a series."""
    ds = datasets[datasets["scope"] == "series"]
    if source == "lens":
        ds = ds[ds["source"] == "lens"]
    elif source == "epo":
        ds = ds[ds["source"] == "epo_ops"]
    else:
        name = Path(source).name
        ds = ds[(ds["original_name"] == name) | (ds["dataset"] == name)]
    out = docs[docs["dataset"].isin(ds["dataset"])]
    # one set of documents: families span files (the pages of a live run); a publication counts once
    return out.assign(dataset=str(source)).drop_duplicates("doc_id", keep="first").reset_index(drop=True)


# --------------------------------------------------------------------------- process
def references_table() -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "key": r.key,
                "value": r.value,
                "unit": r.unit,
                "what": r.what,
                "citation": r.citation,
                "url": r.url,
            }
            for r in REFERENCES
        ]
    )


def process(store: RawStore) -> Result:
    epo_docs, epo_entries = epo_ops.load_documents(store)
    lens_docs, lens_entries, defects = lens.load_documents(store)
    agg, agg_entries = lens.load_aggregates(store)
    entries = epo_entries + lens_entries
    if not entries and not agg_entries:
        raise MissingData(
            "no patent documents in the raw store",
            hint="`exo-industry import epo_ops --mirror` (offline slice) or " + LIVE_COMMANDS.splitlines()[0],
        )
    docs = pd.concat([epo_docs, lens_docs], ignore_index=True)
    info = _dataset_info(entries + agg_entries)
    info["series"] = series_group(info) if len(info) else []
    docs = docs.merge(info[["dataset", "series"]], on="dataset", how="left")
    # default-rule counts per series (live pages form one series; each import is its own)
    frames, series = [], {}
    for name, g in docs.groupby("series", sort=True):
        # a series is counted as one set of documents: families span the pages of a live run
        g = g.assign(dataset=name).drop_duplicates("doc_id", keep="first")
        basis = country_basis_for(g)
        c = count_patents(g, country_by=basis)
        scope = info.loc[info["series"] == name, "scope"].iloc[0]
        frames.append(
            c.groupby(["country", "year"], sort=True)["count"]
            .sum()
            .reset_index()
            .assign(series=name, scope=scope, country_by=basis)
        )
        if scope == "series":
            complete = bool(info.loc[info["series"] == name, "complete"].all())
            series[name] = (frames[-1][["country", "year", "count"]], complete, basis)
    by_series = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame(columns=["country", "year", "count", "series", "scope", "country_by"])
    )
    by_series = by_series[["series", "scope", "country_by", "country", "year", "count"]]
    if len(agg):  # Lens aggregations: families per applicant country and priority year when asked for that
        ok = agg[(agg["country_by"] == "applicant") & (agg["year_by"] == "priority")]
        for ds, g in ok.groupby("dataset"):
            series[f"lens aggregate {ds}"] = (
                g.rename(columns={"families": "count"})[["country", "year", "count"]],
                True,
                "applicant",
            )
    slice_docs = docs[docs["dataset"].isin(info.loc[info["scope"] == "slice", "dataset"])]
    mirror_counts = (
        count_patents(slice_docs)
        if len(slice_docs)
        else pd.DataFrame(columns=["dataset", "country", "year", "count"])
    )
    offices = (
        slice_docs.assign(year=slice_docs["pub_date"].str[:4].astype(int))
        .groupby(["pub_office", "year"])
        .size()
        .rename("publications")
        .reset_index()
        if len(slice_docs)
        else pd.DataFrame(columns=["pub_office", "year", "publications"])
    )
    claim = check_rank(
        series, mirror_counts if len(mirror_counts) else None, mirror_publications=len(slice_docs)
    )
    ranking_frames = []
    for name, (c, complete, _basis) in sorted(series.items()):
        r = cumulative_ranking(yearly_counts(c, PAPER_ORDER, DEFAULT_YEARS))
        ranking_frames.append(r.assign(series=name, complete=complete))
    ranking = (
        pd.concat(ranking_frames, ignore_index=True)
        if ranking_frames
        else pd.DataFrame(
            columns=[
                "country",
                "year",
                "count",
                "cumulative",
                "rank_year",
                "rank_cumulative",
                "series",
                "complete",
            ]
        )
    )
    tables = {
        "patents_documents": Table(
            docs[["series", *[c for c in docs.columns if c != "series"]]],
            ["series", "dataset", "doc_id"],
            description="patent documents, tidy, all sources",
        ),
        "patents_datasets": Table(
            info, ["dataset"], description="stored patent files: source, route, series or slice"
        ),
        "patents_counts": Table(
            by_series,
            ["series", "country", "year"],
            description="counts under the default rule (families, applicant country, priority year); "
            "country by first-filing office where a file gives no applicant countries",
        ),
        "patents_ranking": Table(
            ranking,
            ["series", "year", "rank_cumulative", "country"],
            description="yearly and cumulative counts and ranks, paper's five countries",
        ),
        "patents_mirror_offices": Table(
            offices, ["pub_office", "year"], description="mirror slice: publications by office and year"
        ),
        "patents_references": Table(
            references_table(), ["key"], description="published figures (cited constants)"
        ),
        "patents_input_defects": Table(
            pd.DataFrame(defects, columns=["source", "file", "line", "problem"]),
            ["source", "file", "line"],
            description="defective records found on import",
        ),
    }
    if len(agg):
        tables["patents_lens_aggregates"] = Table(
            agg, ["dataset", "country", "year"], description="Lens aggregations"
        )
    notes = []
    if not series:
        notes.append("no country series: only the mirror's CNS slice; patents.rank is not checkable offline")
    return Result(tables=tables, claims=[claim], inputs=entries + agg_entries, notes=notes)
