"""Literature rules: named constants, the verdict thresholds and pure series arithmetic.

No I/O and no prose. The paper (section 2.2.1, Figure 2, Web of Science) says China's
exosome research "started later than the US's but grew fast" and that "since 2020 its
yearly paper count has ranked at the front internationally"; and that stem-cell exosome
research "keeps growing", focused on stem-cell exosomes, engineered exosomes and drug
carriers. The thresholds below turn those words into tests.
"""

from __future__ import annotations

import datetime as _dt

from ... import bibliometrics as bib
from ..._lazy import pd
from ...errors import BadParameter
from ...sources import openalex

# --------------------------------------------------------------------------- the paper's values
# "自 2020 年以来，每年发表的论文数量位居国际前列" (since 2020, at the front every year)
SINCE = 2020
# "位居国际前列" (at the front): read as China within the top three of its series
TOP_RANK_FRONT = 3
# the paper's basis: Web of Science, counted as its "Countries/Regions" analysis does
PAPER_SOURCE = "wos"
PAPER_COUNTING = "whole"

# --------------------------------------------------------------------------- verdict thresholds
# lit.topics, "持续增加" (keeps growing): compound growth of the stem-cell series over the last
# GROWTH_YEARS complete years above GROWTH_MIN (%/yr), and its last year within NEAR_MAX of its peak
GROWTH_YEARS = 5
GROWTH_MIN = 0.0  # %/yr; a rate below it contradicts the claim
NEAR_MAX = 0.9  # the last complete year holds at least this fraction of the series' maximum
# "主要聚焦在……等研究方向" (focused on): each topic holds at least this share of all exosome papers
TOPIC_MIN_SHARE = 5.0  # % of all exosome papers in the last complete year
MIN_TOPIC_YEARS = 3  # complete years a topic series needs to be judged at all
FOCUS_TOPICS = ("stem_cell", "engineered", "drug_delivery")

# lit.topics offline, on the EV atlas (Chaudhari et al. 2026; its database and query are not stated).
# "keeps growing": the Therapeutic article series (Fig 1a; the stem-cell source is its largest
# part) passes the same GROWTH_YEARS / GROWTH_MIN / NEAR_MAX test as a live topic series.
ATLAS_GROWTH_SERIES = "Therapeutic"
ATLAS_CATEGORIES = ("Diagnostic", "Therapeutic", "Mechanistic", "Method_Development")
# "focused on stem-cell exosomes": stem cells rank at most STEM_RANK_MAX among cell sources by
# therapeutic papers (Fig 1b), and hold at least STEM_MIN_SHARE % of the therapeutic papers
ATLAS_STEM_SOURCE = "Stem Cell"
STEM_RANK_MAX = 1
STEM_MIN_SHARE = 20.0
# "focused on ... drug carriers" (therapeutic use): Therapeutic is the largest category of EV
# articles in the last year (rank <= THERAPEUTIC_RANK_MAX) with at least THERAPEUTIC_MIN_SHARE %
THERAPEUTIC_RANK_MAX = 1
THERAPEUTIC_MIN_SHARE = 33.0
# drug-loading (Fig 3a) and engineered-EV (Fig 5d) rows are the review's curated study
# selections: they show that the work exists (at least MIN_CURATED_STUDIES studies), never a share
MIN_CURATED_STUDIES = 10

# --------------------------------------------------------------------------- series and sources
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
MIRROR_CNS_DATASET = "pubmed_exosome_cns_records_NeuroCell"
# the mirror's PubMed EV context counts: the years quoted in the offline lit.topics note
CONTEXT_YEARS = (2015, 2025)
CONTEXT_LAST_FULL_YEAR = 2025  # the mirror's 2026 counts are partial


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
    for year, lead in zip(cu["year"], cu["leader"], strict=True):
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


def complete_years(years, retrieved_year: int | None) -> list[int]:
    """The years before the year of retrieval (this year when unknown): the complete ones."""
    limit = retrieved_year or _dt.date.today().year
    return sorted(int(y) for y in set(years) if int(y) < limit)


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


def china_verdict(always_first: bool, front: bool, us_ahead_every_year: bool, paper_basis: bool) -> str:
    """lit.china_vs_us: first every year on the paper's basis -> reproduced; first every year on
    another basis, or in the top TOP_RANK_FRONT without the US ahead every year -> with caveat;
    otherwise contradicted."""
    if always_first and paper_basis:
        return "reproduced"
    if always_first or (front and not us_ahead_every_year):
        return "reproduced with caveat"
    return "contradicted"


def topics_verdict(growth: float) -> str:
    """lit.topics: keyword topic series are proxies, so at best 'reproduced with caveat';
    a stem-cell series that shrinks contradicts the claim."""
    return "contradicted" if growth < GROWTH_MIN else "reproduced with caveat"


def atlas_topics_verdict(growing: bool, stem_focus: bool, therapeutic_focus: bool) -> str:
    """lit.topics on the EV atlas: growth and both focus tests hold -> 'reproduced with caveat'
    (the review's database and query are not stated; drug-carrier and engineered-EV counts
    are curated selections, not shares); any of them failing -> 'contradicted'."""
    return "reproduced with caveat" if growing and stem_focus and therapeutic_focus else "contradicted"


def rank_of(values: pd.Series, key) -> int:
    """Rank of ``key`` in ``values`` (1 = largest; ties share the best rank)."""
    if key not in values.index:
        raise BadParameter(f"{key!r} is not among {', '.join(map(str, values.index))}")
    return int(values.rank(method="min", ascending=False)[key])
