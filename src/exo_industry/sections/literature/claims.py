"""Literature claims: decide (tables -> :class:`Evidence`), then render (:mod:`.text`).

lit.china_vs_us, on the preferred country series (Web of Science export, then Scopus,
OpenAlex, PubMed; whole counting and mainland scope preferred), over the complete years
from ``rules.SINCE`` on:

- ``reproduced``: China ranks first among the series' countries and ahead of the US in
  every such year, on Web of Science data with whole counting (the paper's basis);
- ``reproduced with caveat``: the same on another database or counting rule, or China in
  the top ``rules.TOP_RANK_FRONT`` every year but not always first (the US not ahead every year);
- ``contradicted``: China outside the top three in some year, or behind the US in every year;
- ``not checkable offline``: no series with both China and the US for 2020 or later.

lit.topics, on world topic series (live, or records with titles and abstracts):

- growth: the stem-cell series over the last ``rules.GROWTH_YEARS`` complete years has a
  compound growth rate above ``rules.GROWTH_MIN`` and its last complete year is within
  ``rules.NEAR_MAX`` of its maximum;
- focus: each of the three topics holds at least ``rules.TOPIC_MIN_SHARE`` % of all exosome
  papers in the last complete year;
- ``contradicted`` when the stem-cell series shrinks, otherwise ``reproduced with caveat``
  (topic queries are keyword proxies, not the paper's unstated method), naming what fails;
- offline, without topic series, on the EV atlas (:func:`decide_topics_atlas`): growth is the
  same test on its Therapeutic article series; stem-cell focus is stem cells ranking within
  ``rules.STEM_RANK_MAX`` cell sources by therapeutic papers with at least ``rules.STEM_MIN_SHARE`` %
  of them; therapeutic (drug-carrier) focus is the Therapeutic category ranking within
  ``rules.THERAPEUTIC_RANK_MAX`` with at least ``rules.THERAPEUTIC_MIN_SHARE`` % of the last year's
  articles. All three -> ``reproduced with caveat`` (database and query not stated; drug-loading
  and engineered-EV counts are curated selections); any failing -> ``contradicted``;
- ``not checkable offline`` when neither topic series of ``rules.MIN_TOPIC_YEARS`` complete years
  nor the EV atlas tables exist.

A year counts as complete when it is before the year of the newest input's retrieval.
"""

from __future__ import annotations

from ..._lazy import pd
from ...claims import Claim, Evidence
from . import rules, text

CHINA_THRESHOLDS = {"since": rules.SINCE, "top_rank_front": rules.TOP_RANK_FRONT}
TOPIC_THRESHOLDS = {
    "growth_years": rules.GROWTH_YEARS,
    "growth_min": rules.GROWTH_MIN,
    "near_max": rules.NEAR_MAX,
    "topic_min_share": rules.TOPIC_MIN_SHARE,
    "min_topic_years": rules.MIN_TOPIC_YEARS,
}


def decide_china_vs_us(series: pd.DataFrame, retrieved: dict) -> Evidence:
    """lit.china_vs_us from all country series and the newest retrieval year per source."""
    picked = rules.pick_series(series)
    offline = Evidence("lit.china_vs_us", "not checkable offline", {"picked": False}, CHINA_THRESHOLDS)
    if picked is None:
        return offline
    src, rule, scope, counts = picked
    ranks = rules.rank_by_year(counts)
    cu = rules.china_us(counts)
    years = [y for y in rules.complete_years(cu["year"], retrieved.get(src)) if y >= rules.SINCE]
    basis = {"picked": True, "source": src, "counting": rule, "china_scope": scope}
    if not years:
        return Evidence("lit.china_vs_us", "not checkable offline", basis, CHINA_THRESHOLDS)
    cn_rank = ranks[ranks["country"] == "CN"].set_index("year")["rank"].reindex(years)
    leader = cu.set_index("year")["leader"].reindex(years)
    always_first = bool((cn_rank == 1).all()) and bool((leader == "CN").all())
    front = bool((cn_rank <= rules.TOP_RANK_FRONT).all())
    us_ahead = bool((leader == "US").all())
    paper_basis = src == rules.PAPER_SOURCE and rule == rules.PAPER_COUNTING
    values = {
        **basis,
        "first_year": years[0],
        "last_year": years[-1],
        "rank_min": int(cn_rank.min()),
        "rank_max": int(cn_rank.max()),
        "first_pass": rules.first_year_ahead(counts),
        "ratio_last": float(cu.set_index("year").loc[years[-1], "ratio"]),
        "countries": int(counts["country"].nunique()),
        "always_first": always_first,
        "front": front,
        "us_ahead_every_year": us_ahead,
        "paper_basis": paper_basis,
    }
    verdict = rules.china_verdict(always_first, front, us_ahead, paper_basis)
    return Evidence("lit.china_vs_us", verdict, values, CHINA_THRESHOLDS)


def _topic_wide(topics: pd.DataFrame, src: str, retrieved: dict) -> pd.DataFrame | None:
    sub = topics[topics["source"] == src]
    if not {"stem_cell", "exosomes"} <= set(sub["topic"]):
        return None
    w = sub.pivot_table(
        index="year", columns="topic", values="papers", aggfunc="sum", fill_value=0
    ).sort_index()
    years = rules.complete_years(w.index, retrieved.get(src))
    return w.loc[years] if len(years) >= rules.MIN_TOPIC_YEARS else None


def _context_values(context: pd.DataFrame | None) -> dict:
    if context is None or not len(context):
        return {}
    tot = context.groupby("year")["papers"].sum()
    first, last = rules.CONTEXT_YEARS
    if first in tot.index and last in tot.index:
        return {"context_first": int(tot[first]), "context_last": int(tot[last])}
    return {}


def decide_topics(topics: pd.DataFrame, retrieved: dict, context: pd.DataFrame | None = None) -> Evidence:
    """lit.topics from the world topic series (the first preferred source with enough complete years);
    offline, the mirror's PubMed EV context counts (``year, context, papers``) give a growth reference."""
    for src in rules.SOURCE_PREFERENCE:
        w = _topic_wide(topics, src, retrieved) if len(topics) else None
        if w is None:
            continue
        stem = w["stem_cell"].tail(rules.GROWTH_YEARS + 1)
        growth = float(rules.cagr(stem))
        near_max = bool(w["stem_cell"].iloc[-1] >= rules.NEAR_MAX * w["stem_cell"].max())
        last = int(w.index[-1])
        shares = {
            t: float(100 * w.loc[last, t] / w.loc[last, "exosomes"])
            for t in rules.FOCUS_TOPICS
            if t in w.columns and w.loc[last, "exosomes"] > 0
        }
        values = {
            "source": src,
            "growth": growth,
            "growth_from": int(stem.index[0]),
            "last_year": last,
            "shares": shares,
            "growing": bool(growth > rules.GROWTH_MIN and near_max),
            "near_max": near_max,
            "focus": len(shares) == len(rules.FOCUS_TOPICS)
            and all(v >= rules.TOPIC_MIN_SHARE for v in shares.values()),
        }
        return Evidence("lit.topics", rules.topics_verdict(growth), values, TOPIC_THRESHOLDS)
    return Evidence("lit.topics", "not checkable offline", _context_values(context), TOPIC_THRESHOLDS)


ATLAS_THRESHOLDS = {
    "growth_years": rules.GROWTH_YEARS,
    "growth_min": rules.GROWTH_MIN,
    "near_max": rules.NEAR_MAX,
    "stem_rank_max": rules.STEM_RANK_MAX,
    "stem_min_share": rules.STEM_MIN_SHARE,
    "therapeutic_rank_max": rules.THERAPEUTIC_RANK_MAX,
    "therapeutic_min_share": rules.THERAPEUTIC_MIN_SHARE,
    "min_curated_studies": rules.MIN_CURATED_STUDIES,
}


def _atlas_growth(by_year: pd.DataFrame) -> dict:
    """The growth test on the atlas's Therapeutic series (``year, category, articles``)."""
    w = by_year.pivot_table(index="year", columns="category", values="articles", aggfunc="sum").sort_index()
    ther = w[rules.ATLAS_GROWTH_SERIES]
    recent = ther.tail(rules.GROWTH_YEARS + 1)
    growth = float(rules.cagr(recent))
    near_max = bool(ther.iloc[-1] >= rules.NEAR_MAX * ther.max())
    last = int(w.index[-1])
    total = float(w.loc[last].sum())
    return {
        "growth": growth,
        "growth_from": int(recent.index[0]),
        "first_year": int(w.index[0]),
        "last_year": last,
        "ther_first": int(ther.iloc[0]),
        "ther_last": int(ther.iloc[-1]),
        "near_max": near_max,
        "growing": bool(growth > rules.GROWTH_MIN and near_max),
        "ther_share": 100 * float(w.loc[last, rules.ATLAS_GROWTH_SERIES]) / total if total else 0.0,
        "ther_rank": rules.rank_of(w.loc[last], rules.ATLAS_GROWTH_SERIES),
    }


def decide_topics_atlas(atlas: dict[str, pd.DataFrame]) -> Evidence:
    """lit.topics on the EV atlas tables (``tables.atlas_tables``): ``by_year`` (year, category,
    articles), ``cell_source`` (cell_source, total, therapeutic), ``loading`` (method, studies),
    ``engineered`` (group, category, rows, dois)."""
    v = _atlas_growth(atlas["by_year"])
    cells = atlas["cell_source"].set_index("cell_source")
    ther = cells["therapeutic"]
    stem = rules.ATLAS_STEM_SOURCE
    v["stem_rank"] = rules.rank_of(ther, stem)
    v["stem_ther"] = int(ther[stem])
    v["stem_share"] = 100 * float(ther[stem]) / float(ther.sum())
    v["stem_total_rank"] = rules.rank_of(cells["total"], stem)
    v["stem_focus"] = v["stem_rank"] <= rules.STEM_RANK_MAX and v["stem_share"] >= rules.STEM_MIN_SHARE
    v["ther_focus"] = (
        v["ther_rank"] <= rules.THERAPEUTIC_RANK_MAX and v["ther_share"] >= rules.THERAPEUTIC_MIN_SHARE
    )
    loading = atlas["loading"]
    eng = atlas["engineered"].groupby("group")["rows"].sum()
    v["loading_studies"] = int(loading["studies"].sum())
    v["loading_methods"] = int((loading["studies"] > 0).sum())
    v["engineered_rows"] = int(eng.get("engineered", 0))
    v["native_rows"] = int(eng.get("native", 0))
    v["curated_present"] = v["loading_studies"] >= rules.MIN_CURATED_STUDIES and v["engineered_rows"] > 0
    v["source"] = "ev_atlas"
    verdict = rules.atlas_topics_verdict(v["growing"], v["stem_focus"], v["ther_focus"])
    return Evidence("lit.topics", verdict, v, ATLAS_THRESHOLDS)


def build_claims(
    series, topics, retrieved: dict, context: pd.DataFrame | None = None, atlas: dict | None = None
) -> list[Claim]:
    """Both claims of the section: decided here, worded by :mod:`.text`. Live topic series
    decide lit.topics first; without them, the EV atlas tables do."""
    ev = decide_topics(topics, retrieved, context)
    if ev.verdict == "not checkable offline" and atlas:
        ev = decide_topics_atlas(atlas)
    return [text.claim(decide_china_vs_us(series, retrieved)), text.claim(ev)]
