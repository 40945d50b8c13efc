"""patents.rank decided and rendered separately: evidence records on hand-made tables (each
verdict rule just inside and just outside its named threshold), the words filled from the
YAML files in both languages, and the plot functions without a kernel."""

from __future__ import annotations

import re

import matplotlib
import pandas as pd
import pytest

from exo_industry import theme
from exo_industry.claims import Evidence
from exo_industry.sections import patents as S
from exo_industry.sections.patents import claims as C
from exo_industry.sections.patents import rules as R
from exo_industry.sections.patents import text as T

matplotlib.use("Agg")
YEARS = (2010, 2011)  # two years: cumulative = first + last, annual = last


def _grid(values: dict[str, list[int]]) -> pd.DataFrame:
    rows = [(c, YEARS[0] + i, n) for c, ns in values.items() for i, n in enumerate(ns)]
    return pd.DataFrame(rows, columns=["country", "year", "count"])


# cumulative: US 20 > CN 13 > GB 5, JP 4, KR 3; last year: US 10 > CN 8 > GB 3, KR 2, JP 2
BASE = {"US": [10, 10], "CN": [5, 8], "GB": [2, 3], "KR": [1, 2], "JP": [2, 2]}


def _decide(complete=True, **change) -> Evidence:
    return C.rank_on_series("s", _grid(BASE | change), complete, "applicant", YEARS)


def test_base_case_is_reproduced_with_its_numbers():
    ev = _decide()
    assert ev.verdict == "reproduced" and ev.thresholds == {"min_lead": R.MIN_LEAD}
    assert ev["order"] == (("US", 20), ("CN", 13), ("GB", 5), ("JP", 4), ("KR", 3))
    assert (ev["leader_rank_cumulative"], ev["leader_count"], ev["against_count"]) == (2, 8, 10)
    assert ev["below"] == () and ev["second_to_above"] and ev["order_holds"] and ev["annual_ok"]
    assert ev["ratio_cumulative"] == pytest.approx(13 / 20)


@pytest.mark.parametrize("other", R.PASSED)
def test_china_passes_each_country_by_more_than_min_lead(other):
    # cumulative lead of China over `other`: 1 passes, 0 (a tie) does not; last year stays behind China
    inside = _decide(**{other: [5, 7]})  # cumulative 12 < 13
    assert inside.verdict == "reproduced" and inside["below"] == ()
    outside = _decide(**{other: [6, 7]})  # cumulative 13 = 13
    assert outside.verdict == "contradicted" and outside["below"] == (other,)
    assert not outside["order_holds"]


def test_only_the_us_above_china_by_more_than_min_lead():
    inside = _decide(US=[4, 10])  # cumulative 14 > 13, last year 10 > 8
    assert inside.verdict == "reproduced" and inside["second_to_above"]
    outside = _decide(US=[3, 10])  # cumulative 13 = 13: China is not second to the US
    assert outside.verdict == "contradicted" and not outside["second_to_above"]
    first = _decide(US=[2, 10])  # China ahead: first, not second
    assert first.verdict == "contradicted" and first["leader_rank_cumulative"] == 1


@pytest.mark.parametrize("other", R.PASSED)
def test_last_year_counts_decide_between_reproduced_and_caveat(other):
    inside = _decide(**{other: [0, 7]})  # last year 7 < 8
    assert inside.verdict == "reproduced" and inside["annual_ok"]
    outside = _decide(**{other: [0, 8]})  # last year 8 = 8: the order holds only cumulatively
    assert outside.verdict == "reproduced with caveat" and not outside["annual_ok"] and outside["order_holds"]


def test_us_last_year_count_decides_between_reproduced_and_caveat():
    assert _decide(US=[12, 9]).verdict == "reproduced"  # last year 9 > 8
    outside = _decide(US=[12, 8])  # last year 8 = 8
    assert outside.verdict == "reproduced with caveat" and not outside["annual_ok"]


def test_incomplete_series_gives_the_caveat_never_more():
    assert _decide(complete=False).verdict == "reproduced with caveat"
    assert _decide(complete=False, GB=[6, 7]).verdict == "contradicted"


def test_no_series_is_not_checkable_offline():
    mirror = pd.DataFrame({"country": list("ABCDEFG"), "year": [2020] * 7, "count": [7, 6, 5, 4, 3, 2, 1]})
    ev = C.rank({}, mirror, YEARS, mirror_publications=60)
    assert ev.verdict == "not checkable offline" and ev["series"] is None
    assert ev["mirror_top"] == tuple((c, n) for c, n in zip("ABCDEF", [7, 6, 5, 4, 3, 2], strict=True))
    empty = _grid({})
    assert C.rank({"e": (empty, True, "applicant")}, None, YEARS).verdict == "not checkable offline"
    assert C.rank({}, None, YEARS)["mirror_top"] == ()


def test_series_picked_complete_first_then_largest():
    small, large = _grid(BASE), _grid({k: [2 * n for n in v] for k, v in BASE.items()})
    assert C.pick_series({"a": (large, False, "applicant"), "b": (small, True, "applicant")})[0] == "b"
    assert C.pick_series({"a": (small, True, "applicant"), "b": (large, True, "applicant")})[0] == "b"
    assert C.pick_series({"z": (small, True, "applicant"), "a": (small, True, "applicant")})[0] == "a"


def test_applicant_share_threshold_for_the_country_basis():
    def docs(with_country: int, without: int) -> pd.DataFrame:
        return pd.DataFrame({"applicant_countries": ["CN"] * with_country + [""] * without})

    assert R.APPLICANT_SHARE_MIN == 0.5
    assert S.country_basis_for(docs(1, 1)) == "applicant"  # share 0.5: at the threshold
    assert S.country_basis_for(docs(49, 51)) == "priority"  # share 0.49: below it
    assert S.country_basis_for(docs(0, 2), default="publication") == "publication"


# --------------------------------------------------------------------------- rendering
def _chinese(s: str) -> bool:
    return bool(re.search(r"[\u4e00-\u9fff]", s))


def test_series_evidence_renders_its_numbers_in_both_languages():
    ev = _decide(GB=[6, 7], complete=False)  # below GB and incomplete: two reasons
    en, zh = T.rank_words(ev, "en"), T.rank_words(ev, "zh")
    assert en["reason"] == (
        "s: cumulative 2010-2011 US 20 > CN 13 > GB 13 > JP 4 > KR 3; China is below GB; "
        "the series is incomplete (OPS serves at most 2,000 hits per query)"
    )
    assert (
        zh["reason"].startswith("s：2010–2011 年累计 US 20 > CN 13")
        and "中国低于GB；序列不完整" in zh["reason"]
    )
    assert (
        zh["reproduced_value"]
        == "2010–2011年累计，中国排第2位（美国 20 > 中国 13 > 英国 13 > 日本 4 > 韩国 3）"
    )
    assert "(cumulative ratio CN/US 0.65)" in en["note"] and "累计中美之比 0.65" in zh["note"]
    assert en["unit"] == "patent families by applicant country, priority year" and "申请人国家" in zh["unit"]
    assert T.source(ev) == "s (counted as simple families, applicant country, priority year)"
    for field in ("statement", "reason", "note", "paper_value", "reproduced_value", "unit"):
        assert _chinese(zh[field]) and not _chinese(en[field].split("(in Chinese;")[0]), field


def test_reason_without_failures_has_no_tail():
    en = T.rank_words(_decide(), "en")
    assert en["reason"] == "s: cumulative 2010-2011 US 20 > CN 13 > GB 5 > JP 4 > KR 3"
    assert "China first passes (cumulative) GB: ahead from 2010; KR: ahead from 2010" in en["note"]


def test_country_never_passed_is_named_never():
    # China never passes GB cumulatively while passing KR and JP: the year is None, said "never"
    ev = _decide(GB=[20, 0])
    assert ev["crossings"] == (("GB", False, None), ("KR", True, 2010), ("JP", True, 2010))
    assert "China first passes (cumulative) GB: never; KR: ahead from 2010" in T.rank_words(ev, "en")["note"]
    late = _decide(GB=[6, 0])  # cumulative 6 > 5 in 2010, 6 < 13 in 2011: passed in 2011
    assert late["crossings"][0] == ("GB", False, 2011)
    assert "GB: 2011;" in T.rank_words(late, "en")["note"]


def test_offline_evidence_renders_the_mirror_slice_and_commands():
    ev = Evidence(
        "patents.rank",
        "not checkable offline",
        {
            "series": None,
            "mirror_top": (("US", 18), ("KR", 3)),
            "mirror_publications": 60,
            "start": 2010,
            "end": 2023,
        },
    )
    en, zh = T.rank_words(ev, "en"), T.rank_words(ev, "zh")
    assert "only 60 exosome/EV patent publications" in en["note"] and "US 18, KR 3" in en["note"]
    assert "只有60件" in zh["note"] and "美国 18、韩国 3" in zh["note"]  # countries named in Chinese
    # the commands are there, where the claim cannot be checked, with comments in the reader's language
    assert en["note"].endswith("To check the claim, run with a network:\n" + T.LIVE_COMMANDS)
    assert zh["note"].endswith("联网时可运行：\n" + T.offline_commands("zh"))
    assert "# 需要 LENS_API_TOKEN" in zh["note"] and "needs" not in zh["note"]
    for note in (en["note"], zh["note"]):
        assert "NeuroCell_Intel" not in note and "mirror" not in note  # reader's words
    uncounted = T.rank_words(
        Evidence(ev.claim_id, ev.verdict, dict(ev.values) | {"mirror_publications": None}), "zh"
    )
    assert "只有一份" in uncounted["note"] and "若干" not in uncounted["note"]
    bare = T.rank_words(Evidence(ev.claim_id, ev.verdict, dict(ev.values) | {"mirror_top": ()}), "en")
    assert "data copy holds only" not in bare["note"] and "by country. Published figures" in bare["note"]
    unknown = Evidence(ev.claim_id, ev.verdict, dict(ev.values) | {"mirror_top": (("unknown", 9),)})
    assert "未知 9" in T.rank_words(unknown, "zh")["note"]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_notes_cite_each_reference_once_with_links(lang):
    """The claim note names the studies by author and year; the full references appear once, in the
    list of published figures, each DOI as a https://doi.org/ link."""
    ev = Evidence(
        "patents.rank",
        "not checkable offline",
        {"series": None, "mirror_top": (), "start": 2010, "end": 2023, "mirror_publications": None},
    )
    note = T.rank_words(ev, lang)["note"]
    for ref in S.REFERENCES:
        assert ref.citation not in note and ref.url not in note
    md = T.references_markdown(S.references_table(), lang)
    for ref in S.REFERENCES:
        assert md.count(ref.url) == 1  # each reference once, with its link
    assert "[doi:10.1007/s10529-024-03506-y](https://doi.org/10.1007/s10529-024-03506-y)" in md
    assert "(https://doi.org/10.2174/1872208316666220303095217)" in md
    assert md.count("- ") >= len(S.REFERENCES)
    if lang == "zh":  # what each reports, in Chinese
        assert _chinese(T.references_display(S.references_table(), "zh").iloc[0, 1])
        assert "Patent literature" not in md


def test_data_note_promises_no_commands_it_does_not_show():
    # the note is shown in footers and on the overview, where nothing follows it
    for lang in ("en", "zh"):
        assert "below" not in S.DATA_NOTE[lang] and "下方" not in S.DATA_NOTE[lang]
    assert "with its claim" in S.DATA_NOTE["en"] and "论断说明" in S.DATA_NOTE["zh"]


def test_labels_agree_between_languages_and_title_data_note():
    assert set(T.labels("zh")) == set(T.labels("en"))
    assert _chinese(S.TITLE["zh"]) and S.TITLE["en"] == "Exosome patent trends"
    assert "60" in S.DATA_NOTE["zh"] and "60" in S.DATA_NOTE["en"] and _chinese(S.DATA_NOTE["zh"])


# --------------------------------------------------------------------------- plots
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_country_years_plot_in_language(lang):
    theme.use(lang)
    p = S.validate_parameters(lang=lang, years=YEARS)
    ranked = S.cumulative_ranking(S.yearly_counts(_grid(BASE), p.countries, p.years))
    fig = S.plots.country_years(ranked, p.countries, T.rule_words(p, lang), lang)
    L = T.labels(lang)
    left, right = fig.axes
    assert left.get_title() == L["title_yearly"].format(
        unit=L["family"], country_by=L["applicant"], year_by=L["priority"]
    )
    assert right.get_title() == L["title_cum"] and left.get_xlabel() == L["year"]
    assert (left.get_ylabel(), right.get_ylabel()) == (L["count"], L["cumulative"])
    assert [t.get_text() for t in left.get_legend().get_texts()] == list(p.countries)
    assert _chinese(left.get_title()) == (lang == "zh")
    matplotlib.pyplot.close(fig)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_mirror_offices_plot_in_language(lang):
    theme.use(lang)
    offices = pd.DataFrame(
        {
            "pub_office": ["US", "WO", "EP", "CN", "KR", "JP", "AU", "CA", "SG"],
            "year": [2020, 2020, 2021, 2021, 2022, 2022, 2022, 2023, 2023],
            "publications": [5, 4, 3, 3, 2, 2, 1, 1, 1],
        }
    )
    fig = S.plots.mirror_offices(offices, lang)
    (ax,) = fig.axes
    L = T.labels(lang)
    assert ax.get_title() == L["title_mirror"] and ax.get_xlabel() == L["year"]
    legend = ax.get_legend()
    assert legend.get_title().get_text() == L["office"]
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels[:7] == ["US", "WO", "CN", "EP", "JP", "KR", "AU"]  # largest first, ties by name
    assert labels[7] == f"{L['other_offices']} (CA, SG)"  # the rest in one grey bar
    assert _chinese(ax.get_title()) == (lang == "zh")
    matplotlib.pyplot.close(fig)


def test_slice_table_names_countries_in_the_language():
    by_country = pd.DataFrame({"country": ["US", "unknown", "IL", "XX"], "count": [18, 9, 2, 1]})
    zh, en = T.slice_table(by_country, "zh"), T.slice_table(by_country, "en")
    assert list(zh.iloc[:, 0]) == ["美国", "未知", "以色列", "XX"]  # a code without a name stays a code
    assert list(en.iloc[:, 0]) == ["US", "unknown", "IL", "XX"]
