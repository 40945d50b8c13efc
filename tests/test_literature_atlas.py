"""lit.topics decided on the EV atlas: each rule at its boundary (growth, stem-cell focus,
therapeutic focus), the order of evidence (live topic series first), and the words in both
languages."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from exo_industry.sections import literature as L
from exo_industry.sections.literature import claims, rules, text
from helpers import need_shared

HAN = re.compile(r"[\u4e00-\u9fff]")
YEARS = list(range(2012, 2025))


def by_year(therapeutic: list[float], others: float = 10.0, diagnostic: float | None = None) -> pd.DataFrame:
    rows = []
    for y, t in zip(YEARS[-len(therapeutic) :], therapeutic, strict=True):
        for cat in rules.ATLAS_CATEGORIES:
            value = t if cat == rules.ATLAS_GROWTH_SERIES else others
            rows.append((y, cat, diagnostic if cat == "Diagnostic" and diagnostic is not None else value))
    return pd.DataFrame(rows, columns=["year", "category", "articles"])


def growing(n: int = 8, start: float = 100.0, rate: float = 0.2) -> list[float]:
    return [start * (1 + rate) ** i for i in range(n)]


def atlas(
    therapeutic=None,
    others: float = 10.0,
    diagnostic=None,
    stem: float = 50.0,
    rival: float = 30.0,
    rest=(20.0,),
):
    names = [rules.ATLAS_STEM_SOURCE, "Cancer Cell"] + [f"Source {i}" for i in range(len(rest))]
    cells = pd.DataFrame(
        {"cell_source": names, "total": [100] * len(names), "therapeutic": [stem, rival, *rest]}
    )
    return {
        "by_year": by_year(therapeutic or growing(), others, diagnostic),
        "cell_source": cells,
        "loading": pd.DataFrame({"method": ["Sonication", "Passive Diffusion"], "studies": [26, 38]}),
        "engineered": pd.DataFrame(
            {
                "group": ["engineered", "native"],
                "category": ["Peptide", "Native EVs"],
                "rows": [4, 35],
                "dois": [3, 20],
            }
        ),
    }


def decide(**kw):
    return claims.decide_topics_atlas(atlas(**kw))


# --------------------------------------------------------------------------- growth
def test_default_case_is_reproduced_with_caveat():
    ev = decide()
    assert ev.verdict == "reproduced with caveat" and ev["growing"] and ev["stem_focus"] and ev["ther_focus"]
    assert ev["growth"] == pytest.approx(20.0) and ev["last_year"] == 2024
    assert ev["growth_from"] == 2024 - rules.GROWTH_YEARS


def test_flat_series_is_not_growth():
    """GROWTH_MIN is a strict lower bound: exactly 0 %/yr does not 'keep growing'."""
    ev = decide(therapeutic=[100.0] * 8, others=10.0)
    assert ev["growth"] == pytest.approx(rules.GROWTH_MIN) and not ev["growing"]
    assert ev.verdict == "contradicted"
    assert decide(therapeutic=[100.0] * 7 + [100.5])["growing"]


def test_last_year_must_be_near_the_peak():
    """A series that rose over the window but fell back below NEAR_MAX of its peak is not growing."""
    peak = 200.0
    just_below = [100, 120, 150, peak, 190, 185, 180, peak * rules.NEAR_MAX - 0.5]
    at_bound = just_below[:-1] + [peak * rules.NEAR_MAX]
    ev_below, ev_at = decide(therapeutic=just_below), decide(therapeutic=at_bound)
    assert ev_below["growth"] > 0 and not ev_below["near_max"] and ev_below.verdict == "contradicted"
    assert ev_at["near_max"] and ev_at.verdict == "reproduced with caveat"


def test_growth_window_is_the_last_growth_years():
    # strong growth long ago, a decline across the last GROWTH_YEARS
    series = [10, 50, 200, 400] + [400 - 5 * i for i in range(1, rules.GROWTH_YEARS + 1)]
    ev = decide(therapeutic=series)
    assert ev["growth"] < 0 and ev["growth_from"] == 2024 - rules.GROWTH_YEARS and not ev["growing"]


# --------------------------------------------------------------------------- stem-cell focus
def test_stem_share_boundary():
    """stem share = stem / all therapeutic papers * 100; exactly STEM_MIN_SHARE holds, a hair less fails."""
    n = 6  # other sources, each smaller than the stem-cell source
    other = (100 - rules.STEM_MIN_SHARE) / n
    at = decide(stem=rules.STEM_MIN_SHARE, rival=other, rest=(other,) * (n - 1))
    assert at["stem_share"] == pytest.approx(rules.STEM_MIN_SHARE) and at["stem_rank"] == 1
    assert at["stem_focus"] and at.verdict == "reproduced with caveat"
    below = decide(stem=rules.STEM_MIN_SHARE, rival=other * 1.01, rest=(other * 1.01,) * (n - 1))
    assert below["stem_share"] < rules.STEM_MIN_SHARE and below["stem_rank"] == 1
    assert not below["stem_focus"] and below.verdict == "contradicted"


def test_stem_cells_not_first_fails_focus():
    ev = decide(stem=40.0, rival=41.0, rest=(1.0,))
    assert ev["stem_rank"] == 2 and ev["stem_share"] > rules.STEM_MIN_SHARE
    assert not ev["stem_focus"] and ev.verdict == "contradicted"
    assert decide(stem=41.0, rival=41.0, rest=(1.0,))["stem_rank"] == 1  # a tie shares the best rank


# --------------------------------------------------------------------------- therapeutic focus
def test_therapeutic_share_boundary():
    """Last-year share of Therapeutic among four categories: t / (t + 3 * others)."""
    t_last = growing()[-1]
    share = rules.THERAPEUTIC_MIN_SHARE / 100
    others_at = t_last * (1 - share) / share / 3
    at = decide(others=others_at * 0.999)
    below = decide(others=others_at * 1.001)
    assert at["ther_share"] >= rules.THERAPEUTIC_MIN_SHARE and at["ther_focus"]
    assert below["ther_share"] < rules.THERAPEUTIC_MIN_SHARE and not below["ther_focus"]
    assert below["ther_rank"] == 1 and below.verdict == "contradicted"


def test_therapeutic_not_largest_fails_focus():
    t_last = growing()[-1]
    ev = decide(others=t_last + 1)
    assert ev["ther_rank"] > rules.THERAPEUTIC_RANK_MAX and not ev["ther_focus"]
    # a large share is not enough: one bigger category puts Therapeutic second
    ev = decide(others=1.0, diagnostic=t_last * 1.05)
    assert ev["ther_share"] >= rules.THERAPEUTIC_MIN_SHARE and ev["ther_rank"] == 2
    assert (
        ev["ther_rank"] > rules.THERAPEUTIC_RANK_MAX
        and ev["ther_share"] > 0
        and not ev["ther_focus"]
        and ev.verdict == "contradicted"
    )


# --------------------------------------------------------------------------- order of evidence
def world(topic_rows) -> pd.DataFrame:
    rows = [("openalex", "live", t, "whole", "mainland", "ALL", y, n) for t, y, n in topic_rows]
    return pd.DataFrame(rows, columns=L.SERIES_COLUMNS)


def no_countries() -> pd.DataFrame:
    return pd.DataFrame(columns=L.SERIES_COLUMNS)


def test_atlas_decides_only_without_live_topic_series():
    offline = L.build_claims(no_countries(), world([]), {}, None, atlas())
    assert offline[1].verdict == "reproduced with caveat" and "EV atlas" in offline[1].source
    none = L.build_claims(no_countries(), world([]), {}, None, None)
    assert none[1].verdict == "not checkable offline"
    live_rows = [
        (t, y, n * (y - 2015)) for t, n in (("exosomes", 100), ("stem_cell", 10)) for y in range(2016, 2024)
    ]
    live = L.build_claims(no_countries(), world(live_rows), {"openalex": 2025}, None, atlas(stem=1.0))
    assert "openalex" in live[1].source and "EV atlas" not in live[1].source


# --------------------------------------------------------------------------- words
def test_rendering_names_each_failing_test_in_both_languages():
    ev = decide(therapeutic=[100.0] * 8, stem=40.0, rival=41.0)
    en, zh = text.claim_text(ev, "en"), text.claim_text(ev, "zh")
    assert "do not keep growing" in en["reason"] and "stem cells rank 2" in en["reason"]
    assert "未保持增长" in zh["reason"] and "排第2位" in zh["reason"]
    assert "therapeutic work is the largest" in en["reason"]  # the passing test is said too
    for lang, words in (("en", en), ("zh", zh)):
        assert "database or search" in words["note"] or "数据库和检索式" in words["note"], lang
        assert "doi:10.1038/s44222-026-00405-x" in words["note"], lang
        assert "`" not in words["note"] and "../shared" not in words["note"], lang
    assert HAN.search(zh["reproduced_value"]) and HAN.search(zh["note"])
    number = re.compile(r"\d+(?:\.\d+)?")
    assert sorted(number.findall(en["reproduced_value"].replace(",", ""))) == sorted(
        number.findall(zh["reproduced_value"])
    )


def test_thresholds_appear_in_the_reason():
    ev = decide()
    en = text.claim_text(ev, "en")["reason"]
    assert f"at least {rules.STEM_MIN_SHARE:g}%" in en and f"at least {rules.THERAPEUTIC_MIN_SHARE:g}%" in en
    assert f"{rules.NEAR_MAX:.0%}" in en


# --------------------------------------------------------------------------- real data
def test_real_atlas_decides_lit_topics(iso_env, shared):
    from exo_industry.sources import ev_atlas
    from exo_industry.store import RawStore

    need_shared("literature", "ev_atlas_chaudhari2026")
    store = RawStore()
    ev_atlas.import_files(store, ev_atlas.mirror_files(shared))
    result = L.process(store)
    topics = next(c for c in result.claims if c.claim_id == "lit.topics")
    china = next(c for c in result.claims if c.claim_id == "lit.china_vs_us")
    assert topics.verdict == "reproduced with caveat"
    assert china.verdict == "not checkable offline" and "exo-industry fetch openalex" in china.note
    assert "stem cells rank 1" in topics.reason and "keep growing" in topics.reason
    assert {e.provenance.kind for e in result.inputs} >= {"articles_by_year", "cell_source", "drug_loading"}


# --------------------------------------------------------------------------- sub-field table and sources
@pytest.mark.parametrize("lang", ("en", "zh"))
def test_subfields_table_links_every_doi_and_names_the_command(lang):
    md = text.subfields_markdown(lang, "exo-industry fetch openalex --x")
    rows = [r for r in md.splitlines() if r.startswith("| ") and "doi.org" in r]
    assert len(rows) == len(L.published.subfields())
    for s, row in zip(L.published.subfields(), rows, strict=True):
        assert f"]({s.url})" in row and text.subfield_label(s, lang) in row
        assert text.country_name(s.leader, lang) in row
    stroke = next(r for r in rows if "MD.0000000000039498" in r)
    assert "| 473 |" in stroke and "| 234 |" in stroke
    derm = next(r for r in rows if "fmed.2024.1462085" in r)
    assert "276 (45%)" in derm and "84 (14%)" in derm
    cns = next(r for r in rows if "ns.2244988.494" in r)
    assert text.country_name("US", lang) in cns.split("|")[-3]  # the counter-example: the US leads
    assert "exo-industry fetch openalex --x" in md and "2020" in md
    assert bool(HAN.search(md)) == (lang == "zh")


def test_sources_list_cites_each_study_once_with_a_doi_link():
    md = text.sources_markdown(L.published_table(), "en")
    items = [line for line in md.splitlines() if line.startswith("- ")]
    dois = [re.search(r"\]\((https://doi\.org/[^)]+)\)", i).group(1) for i in items]
    assert len(dois) == len(set(dois)) == len(items)
    expected = {s.url for s in L.published.subfields()} | {
        "https://doi.org/10.18632/oncotarget.17223",
        "https://doi.org/10.3389/fbioe.2022.910812",
        "https://doi.org/10.1038/s44222-026-00405-x",
    }
    assert expected <= set(dois)
    assert "`" not in md and all(i.count("doi:") == 1 for i in items)  # the DOI once, as the link text
