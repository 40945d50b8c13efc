"""Literature claims: the decisions (evidence records, no prose) at every verdict boundary, and
their rendering from the section's YAML in both languages.

Every series here is small and written by hand in the shape of ``literature_country_year`` /
``literature_topics``. Each boundary is tested just inside and just outside its named
threshold (``sections/literature/rules.py``), so moving one threshold by one step fails a test.
"""

from __future__ import annotations

import re
from importlib import resources

import pandas as pd
import pytest
import yaml

from exo_industry.claims import Evidence
from exo_industry.sections import literature as L
from exo_industry.sections.literature import rules, text

HAN = re.compile(r"[\u4e00-\u9fff]")


def countries(per_year: dict[int, dict[str, int]], src="wos", rule="whole", scope="mainland") -> pd.DataFrame:
    rows = [
        (src, "import", "exosomes", rule, scope, c, y, n)
        for y, counts in per_year.items()
        for c, n in counts.items()
    ]
    return pd.DataFrame(rows, columns=L.SERIES_COLUMNS)


def world(per_topic: dict[str, dict[int, int]], src="openalex") -> pd.DataFrame:
    rows = [
        (src, "live", t, "whole", "mainland", "ALL", y, n)
        for t, counts in per_topic.items()
        for y, n in counts.items()
    ]
    return pd.DataFrame(rows, columns=L.SERIES_COLUMNS)


def china(per_year, retrieved=2024, **kw) -> Evidence:
    series = countries(per_year, **kw)
    return L.decide_china_vs_us(series, {kw.get("src", "wos"): retrieved})


def same(counts: dict[str, int], years=(2020, 2021, 2022, 2023)) -> dict[int, dict[str, int]]:
    return {y: counts for y in years}


# --------------------------------------------------------------------------- lit.china_vs_us
def test_china_first_every_year_on_the_papers_basis_is_reproduced():
    ev = china({2019: {"CN": 80, "US": 100, "DE": 10}, **same({"CN": 121, "US": 120, "DE": 30})})
    assert ev.claim_id == "lit.china_vs_us" and ev.verdict == "reproduced"
    assert ev["first_year"] == 2020 and ev["last_year"] == 2023
    assert (ev["rank_min"], ev["rank_max"], ev["first_pass"], ev["countries"]) == (1, 1, 2020, 3)
    assert ev["ratio_last"] == pytest.approx(121 / 120)
    assert ev["always_first"] and ev["paper_basis"]
    assert dict(ev.thresholds) == {"since": 2020, "top_rank_front": 3}


@pytest.mark.parametrize(
    "src,rule", [("wos", "first"), ("wos", "corresponding"), ("scopus", "whole"), ("openalex", "whole")]
)
def test_china_first_every_year_on_another_basis_is_a_caveat(src, rule):
    ev = china(same({"CN": 121, "US": 120}), src=src, rule=rule)
    assert ev.verdict == "reproduced with caveat" and ev["always_first"] and not ev["paper_basis"]
    assert (ev["source"], ev["counting"]) == (src, rule)


def test_a_tie_with_the_us_is_not_first():
    ev = china({**same({"CN": 121, "US": 120}), 2022: {"CN": 120, "US": 120}})
    assert ev.verdict == "reproduced with caveat" and not ev["always_first"]
    assert ev["rank_max"] == 1  # a tie shares rank 1, but the US is not behind


def test_behind_the_us_every_year_contradicts_even_at_rank_two():
    ev = china(same({"CN": 119, "US": 120, "DE": 10}))
    assert ev.verdict == "contradicted" and ev["front"] and ev["us_ahead_every_year"]
    assert ev["first_pass"] is None and ev["rank_min"] == 2


def test_top_rank_front_boundary():
    ahead = {"CN": 200, "US": 100}
    third = {2020: {"CN": 100, "US": 90, "DE": 120, "JP": 110}, 2021: ahead}  # CN third in 2020
    ev = china(third, retrieved=2022)
    assert ev.verdict == "reproduced with caveat" and ev["rank_max"] == rules.TOP_RANK_FRONT
    fourth = {2020: {"CN": 100, "US": 90, "DE": 120, "JP": 110, "FR": 105}, 2021: ahead}
    ev = china(fourth, retrieved=2022)
    assert ev.verdict == "contradicted" and ev["rank_max"] == rules.TOP_RANK_FRONT + 1


def test_since_boundary():
    lead = {"CN": 200, "US": 100}
    ev = china({2018: lead, 2019: lead}, retrieved=2020)  # complete years end in 2019
    assert ev.verdict == "not checkable offline" and ev["picked"]
    ev = china({2018: lead, 2019: lead, 2020: lead}, retrieved=2021)
    assert ev.verdict == "reproduced" and ev["first_year"] == rules.SINCE == 2020


def test_the_year_of_retrieval_is_incomplete():
    lead = {"CN": 200, "US": 100}
    assert china({2020: lead}, retrieved=2020).verdict == "not checkable offline"
    assert china({2020: lead}, retrieved=2021).verdict == "reproduced"


def test_no_series_with_china_and_the_us():
    assert L.decide_china_vs_us(countries({}), {}).verdict == "not checkable offline"
    ev = L.decide_china_vs_us(countries(same({"CN": 5, "DE": 3})), {"wos": 2024})
    assert ev.verdict == "not checkable offline" and not ev["picked"]


def test_the_preferred_series_decides():
    wos = countries(same({"CN": 100, "US": 120}), src="wos")
    oa = countries(same({"CN": 200, "US": 120}), src="openalex")
    ev = L.decide_china_vs_us(pd.concat([oa, wos]), {"wos": 2024, "openalex": 2024})
    assert ev["source"] == "wos" and ev.verdict == "contradicted"


# --------------------------------------------------------------------------- lit.topics
YEARS = range(2018, 2024)  # complete when retrieved in 2024


def topics(stem, exosomes=2000, engineered=100, drug=100, src="openalex", years=YEARS) -> pd.DataFrame:
    def per(v):
        return dict(zip(years, v, strict=True)) if isinstance(v, list) else {y: v for y in years}

    return world(
        {
            "exosomes": per(exosomes),
            "stem_cell": per(stem),
            "engineered": per(engineered),
            "drug_delivery": per(drug),
        },
        src=src,
    )


def decide(frame, retrieved=2024, context=None, src="openalex") -> Evidence:
    return L.decide_topics(frame, {src: retrieved}, context)


def test_growing_and_focused_is_a_caveat():
    ev = decide(topics([100, 110, 120, 130, 140, 150]))
    assert ev.claim_id == "lit.topics" and ev.verdict == "reproduced with caveat"
    assert ev["growing"] and ev["focus"] and ev["near_max"]
    assert ev["growth"] == pytest.approx(((150 / 100) ** (1 / 5) - 1) * 100)
    assert (ev["growth_from"], ev["last_year"], ev["source"]) == (2018, 2023, "openalex")
    assert ev["shares"] == {"stem_cell": pytest.approx(7.5), "engineered": 5.0, "drug_delivery": 5.0}
    assert dict(ev.thresholds) == {
        "growth_years": 5,
        "growth_min": 0.0,
        "near_max": 0.9,
        "topic_min_share": 5.0,
        "min_topic_years": 3,
    }


def test_growth_min_boundary():
    flat = decide(topics(1000))  # exactly no growth: not contradicted, but not growing either
    assert flat.verdict == "reproduced with caveat" and flat["growth"] == 0.0 and not flat["growing"]
    shrink = decide(topics([1000, 1000, 1000, 1000, 1000, 999]))  # -0.02 %/yr
    assert shrink.verdict == "contradicted" and -0.1 < shrink["growth"] < 0
    grow = decide(topics([999, 1000, 1000, 1000, 1000, 1000]))
    assert grow.verdict == "reproduced with caveat" and grow["growing"] and 0 < grow["growth"] < 0.1


def test_growth_years_boundary():
    # 2014..2023: the last GROWTH_YEARS + 1 values run from 2018 (100) to 2023 (110): growing;
    # one year more or less starts at 200 instead and the rate turns negative
    years = range(2014, 2024)
    stem = [10, 10, 10, 200, 100, 200, 200, 200, 200, 110]
    ev = decide(topics(stem, years=years))
    assert ev.verdict == "reproduced with caveat" and ev["growth_from"] == 2018 and ev["growth"] > 0


def test_near_max_boundary():
    at = decide(topics([800, 850, 1000, 950, 920, 900]))  # last = 0.9 x max
    assert at["near_max"] and at["growing"]
    below = decide(topics([800, 850, 1000, 950, 920, 899]))
    assert not below["near_max"] and not below["growing"] and below["growth"] > 0
    assert below.verdict == "reproduced with caveat"


def test_topic_min_share_boundary():
    at = decide(topics(100, drug=100))  # 100 of 2000 = 5.0 %
    assert at["focus"] and at["shares"]["drug_delivery"] == 5.0
    below = decide(topics(100, drug=99))  # 4.95 %
    assert not below["focus"] and below.verdict == "reproduced with caveat"


def test_a_missing_topic_fails_the_focus():
    frame = topics(100)
    ev = decide(frame[frame["topic"] != "engineered"])
    assert not ev["focus"] and set(ev["shares"]) == {"stem_cell", "drug_delivery"}


def test_min_topic_years_boundary():
    three = decide(topics([100, 110, 120], years=range(2021, 2024)))
    assert three.verdict == "reproduced with caveat"
    two = decide(topics([100, 110], years=range(2022, 2024)))
    assert two.verdict == "not checkable offline"
    # the retrieval year itself is incomplete: 2021..2023 retrieved in 2023 leaves two
    assert decide(topics([100, 110, 120], years=range(2021, 2024)), retrieved=2023).verdict == (
        "not checkable offline"
    )


def test_offline_topics_carry_the_mirror_context_counts():
    ctx = pd.DataFrame(
        {"year": [2015, 2015, 2025, 2020], "context": ["a", "b", "a", "a"], "papers": [10, 20, 300, 5]}
    )
    ev = L.decide_topics(topics(100).iloc[:0], {}, ctx)
    assert ev.verdict == "not checkable offline"
    assert (ev["context_first"], ev["context_last"]) == (30, 300)
    no_2025 = ctx[ctx["year"] != 2025]
    assert "context_first" not in L.decide_topics(topics(100).iloc[:0], {}, no_2025).values


# --------------------------------------------------------------------------- rendering
def yaml_text(lang: str) -> dict:
    ref = resources.files("exo_industry.sections").joinpath("literature", "text", f"{lang}.yaml")
    return yaml.safe_load(ref.read_text(encoding="utf-8"))


def hand_made_china() -> Evidence:
    values = {
        "picked": True,
        "source": "scopus",
        "counting": "first",
        "china_scope": "cn_hk_mo",
        "first_year": 2020,
        "last_year": 2023,
        "rank_min": 1,
        "rank_max": 2,
        "first_pass": 2019,
        "ratio_last": 1.2345,
        "countries": 7,
        "always_first": False,
        "front": True,
        "us_ahead_every_year": False,
        "paper_basis": False,
    }
    return Evidence("lit.china_vs_us", "reproduced with caveat", values, {"since": 2020, "top_rank_front": 3})


def test_rendered_claim_follows_the_yaml_in_both_languages():
    ev = hand_made_china()
    en, zh = text.claim_text(ev, "en"), text.claim_text(ev, "zh")
    tpl = yaml_text("en")["claims"]["china_vs_us"]["decided"]["reproduced_value"]
    assert en["reproduced_value"] == tpl.format(**{**ev.values, "first_pass": 2019})
    assert "CN/US 1.23 in 2023" in en["reproduced_value"] and "not always first" in en["reason"]
    assert "among 7 countries" in en["reason"] and "passed the US in 2019" in en["reason"]
    assert zh["statement"] == yaml_text("zh")["claims"]["china_vs_us"]["statement"]
    assert HAN.search(zh["reason"]) and "2019年首次超过美国" in zh["reason"]
    assert "排第1–2位" in zh["reproduced_value"] and "1.23" in zh["reproduced_value"]
    assert "Scopus 导出文件" in zh["reason"] and "中国含港澳" in zh["reason"]


def test_rendering_picks_the_fragment_for_the_case():
    ev = hand_made_china()
    never = Evidence(ev.claim_id, ev.verdict, {**ev.values, "first_pass": None}, ev.thresholds)
    assert "first passed the US in no year of the series" in text.claim_text(never, "en")["reproduced_value"]
    assert "passed the US in —" in text.claim_text(never, "en")["reason"]
    assert "序列中没有由落后转为超过美国的年份" in text.claim_text(never, "zh")["reason"]
    pubmed = Evidence(ev.claim_id, ev.verdict, {**ev.values, "source": "pubmed"}, ev.thresholds)
    caveat = yaml_text("zh")["claims"]["pubmed_caveat"]
    assert caveat in text.claim_text(pubmed, "zh")["note"] and caveat not in text.claim_text(ev, "zh")["note"]


def test_rendered_topics_name_what_fails():
    values = {
        "source": "openalex",
        "growth": -1.25,
        "growth_from": 2018,
        "last_year": 2023,
        "shares": {"stem_cell": 7.5, "engineered": 4.0},
        "growing": False,
        "near_max": False,
        "focus": False,
    }
    ev = Evidence("lit.topics", "contradicted", values, {"topic_min_share": 5.0})
    en, zh = text.claim_text(ev, "en"), text.claim_text(ev, "zh")
    assert en["reason"].endswith("(fails: stem-cell growth, topic shares below 5%)")
    assert (
        "-1.2%/yr" in en["reproduced_value"] and "stem_cell 7.5%, engineered 4.0%" in en["reproduced_value"]
    )
    assert "干细胞外泌体 7.5%、工程化外泌体 4.0%" in zh["reproduced_value"]
    assert "（未满足：干细胞外泌体持续增长、各方向占比不低于5%）" in zh["reason"]


def test_offline_claims_render_the_published_figures():
    claims = L.build_claims(countries({}), world({}), {}, None)
    assert [c.verdict for c in claims] == ["not checkable offline"] * 2
    c1, c2 = claims
    assert "38.8%" in c1.reproduced_value and "38.8%" in c1.reproduced_value_zh
    # like with like: the US share of all exosome papers is never set beside China's MSC-EV share
    assert "56.36" not in c1.reproduced_value and "56.36" not in c1.reproduced_value_zh
    assert "473" in c1.reproduced_value and "234" in c1.reproduced_value_zh
    # the MSC-EV share, where the note gives it, says next to it that the fields differ
    assert "not comparable" in c1.note and "不能相互比较" in c1.note_zh
    assert "exo-industry fetch openalex" in c1.note and "exo-industry fetch openalex" in c1.note_zh
    assert "not tested since 2020" in c1.reason and HAN.search(c1.note_zh)
    assert "8,208" in c2.note and "1,045" in c2.note_zh and "555" in c2.reproduced_value
    assert "disease contexts" not in c2.note  # no context counts given


def test_label_keys_agree_between_languages():
    for group in ("labels", "contexts", "sources", "counting", "scope", "topics"):
        en, zh = yaml_text("en")[group], yaml_text("zh")[group]
        assert set(en) == set(zh), group
    assert all(HAN.search(v) for v in yaml_text("zh")["labels"].values())
    assert L.TITLE["zh"] == yaml_text("zh")["title"] and L.DATA_NOTE["en"] == yaml_text("en")["data_note"]
