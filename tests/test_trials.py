"""Trials section: EV identification and classification on named real records, disease areas,
countries, the Table 1 audit, verdict rules, parameters, and the pipeline on the mirror.

Real records are read at test time from ../shared/data/clinical_trials. The small
records built here by hand follow the registry's API v2 study schema (protocolSection /
derivedSection) and are our own text.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from exo_industry import claims as claims_mod
from exo_industry import pipeline
from exo_industry.config import paths
from exo_industry.errors import BadParameter
from exo_industry.sections import trials
from exo_industry.sources import ctgov
from exo_industry.store import RawStore
from helpers import assert_values_in_chinese as _assert_values_in_chinese
from helpers import need_shared


@pytest.fixture(scope="module")
def mirror_studies():
    base = need_shared("clinical_trials")
    out = {}
    for path in ctgov.mirror_files(base.parent):
        data = path.read_bytes()
        kind = ctgov.detect_kind(data.decode("utf-8"), path.name)
        out.update({s.nct_id: s for s in ctgov.parse(kind, data, path.name)})
    return out


def made(
    title="",
    summary="",
    study_type="INTERVENTIONAL",
    phases=("PHASE1",),
    interventions=(),
    conditions=(),
    branches=(),
    sponsor="",
    countries=(),
):
    """A hand-made study in the API v2 schema."""
    obj = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT00000001", "briefTitle": title},
            "descriptionModule": {"briefSummary": summary},
            "designModule": {"studyType": study_type, "phases": list(phases)},
            "conditionsModule": {"conditions": list(conditions)},
            "armsInterventionsModule": {"interventions": [{"type": t, "name": n} for t, n in interventions]},
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": sponsor, "class": "OTHER"}},
            "contactsLocationsModule": {"locations": [{"country": c} for c in countries]},
        },
        "derivedSection": {
            "conditionBrowseModule": {"browseBranches": [{"abbrev": "X", "name": b} for b in branches]}
        },
    }
    return ctgov.study_from_v2(obj)


# --------------------------------------------------------------------------- classification on real records
@pytest.mark.parametrize(
    "nct, kind, rule",
    [
        ("NCT04276987", "therapeutic", "T1"),  # inhaled MSC exosomes for COVID-19 pneumonia (Ruijin Hospital)
        (
            "NCT05122234",
            "therapeutic",
            "T1",
        ),  # MSC secretome in severe COVID-19 (conditioned medium, CellTrials "CdM")
        ("NCT05354141", "therapeutic", "T1"),  # ExoFlo phase 3 in COVID-19 ARDS ("... Derived EVs")
        (
            "NCT03608631",
            "therapeutic",
            "T1",
        ),  # iExosomes (MSC exosomes with KRAS G12D siRNA), pancreatic cancer
        ("NCT07471230", "therapeutic", "T2"),  # MSC-derived exosomes for parkinsonism (flattened v2 record)
        ("NCT03562715", "diagnostic", "D"),  # microRNAs in pre-eclampsia diagnosis (observational)
        (
            "NCT07227740",
            "diagnostic",
            "D",
        ),  # endothelial microvesicles measured in blood after spinal cord injury
        ("NCT06774261", "diagnostic", "D"),  # phenserine trial with exosome biomarkers: the drug is not an EV
        ("NCT06104930", "diagnostic", "D"),  # plasma EVs in meningioma patients
        ("NCT05191381", "mention", "E"),  # exosomes applied in a whole-blood assay (ex vivo)
        ("NCT07521384", "mention", "M"),  # observational: MuSE exosomes received outside the study
        ("NCT04447833", "none", "no EV"),  # MSC therapy for ARDS without EVs
    ],
)
def test_classification_of_named_records(mirror_studies, nct, kind, rule):
    got_kind, got_rule = trials.classify(mirror_studies[nct])
    assert got_kind == kind and got_rule.startswith(rule), (nct, got_kind, got_rule)


def test_plasma_and_prp_evs_are_not_therapeutic_products():
    plasma = made(
        "Autologous Plasma-derived Exosomes for Knee Pain",
        interventions=[("BIOLOGICAL", "Plasma-derived exosomes")],
    )
    prp = made(
        "Exosomes in Platelet-rich Plasma for Alopecia",
        interventions=[("BIOLOGICAL", "PRP exosome injection")],
    )
    msc = made("Umbilical Cord MSC Exosomes for Knee Pain", interventions=[("BIOLOGICAL", "UC-MSC exosomes")])
    platelet = made(
        "Platelet-derived Extracellular Vesicles for Wound Healing",
        interventions=[("BIOLOGICAL", "Purified platelet-derived extracellular vesicles")],
    )
    assert trials.classify(plasma) == ("mention", "X plasma/blood/PRP EVs (not a therapeutic EV product)")
    assert trials.classify(prp)[0] == "mention"
    assert trials.classify(msc)[0] == "therapeutic"
    assert (
        trials.classify(platelet)[0] == "therapeutic"
    )  # where we differ from a strict reading of CellTrials


def test_observational_studies_are_never_therapeutic_and_ambiguous_evs_are_not_terms():
    obs = made("MSC Exosome Therapy Registry", study_type="OBSERVATIONAL", phases=())
    assert trials.classify(obs)[0] != "therapeutic"
    ev71 = made("EV71 Vaccine in Children", summary="Enterovirus (EV) vaccine given to infants.")
    assert trials.classify(ev71) == ("none", "no EV term")
    summary_only = made(
        "Regenerative Therapy for Stroke",
        summary="Patients receive intravenous infusion of mesenchymal stem cell-derived exosomes on day 1.",
        interventions=[("BIOLOGICAL", "SNX-1")],
    )
    assert trials.classify(summary_only) == ("therapeutic", "T3 summary: EV product administered")


# --------------------------------------------------------------------------- areas and countries
def test_areas_from_mesh_branches_then_condition_words(mirror_studies):
    api = need_shared("clinical_trials", "fixtures_ctgov_api_v2_responses_cyanheads")
    [mel] = ctgov.parse(
        "api_study", (api / "study_NCT00184067_2025-06-17T11-17-42-480Z.json").read_bytes(), "x.json"
    )
    assert trials.disease_areas(mel) == (["oncology", "skin and wounds"], "MeSH branches")
    assert trials.disease_areas(mirror_studies["NCT04602104"]) == (["respiratory"], "condition words")
    assert trials.disease_areas(mirror_studies["NCT05122234"]) == (
        ["respiratory", "infections"],
        "condition words",
    )
    # a stroke study counts in both areas, as MeSH places stroke under both branches
    assert trials.disease_areas(mirror_studies["NCT06995625"])[0] == ["cardiovascular", "nervous system"]
    only_symptoms = made(conditions=["Healthy"], branches=["Symptoms and General Pathology"])
    assert trials.disease_areas(only_symptoms) == (["other"], "no match")


def test_figure_counts_a_study_in_each_of_its_areas():
    rows = trials.study_rows(
        [
            made(
                "MSC exosomes for stroke",
                conditions=["Ischemic Stroke"],
                interventions=[("BIOLOGICAL", "MSC exosomes")],
            ),
        ]
    )
    t = trials.by_area(trials.select_studies(rows))
    assert set(t["area"]) == {"cardiovascular", "nervous system"} and t["studies"].sum() == 2


def test_countries_sites_and_sponsor(mirror_studies):
    assert trials.sponsor_country("Chinese PLA General Hospital") == "China"
    assert trials.sponsor_country("M.D. Anderson Cancer Center") == "United States"
    assert trials.sponsor_country("National Taiwan University Hospital") == ""
    assert trials.sponsor_country("Direct Biologics, LLC") == ""  # companies: no place word, no guess
    rows = trials.study_rows(
        [mirror_studies[n] for n in ("NCT04234750", "NCT03608631", "NCT05499156", "NCT07295067")]
    )
    assert rows.set_index("nct_id")["country_group"].to_dict() == {
        "NCT04234750": "China",
        "NCT03608631": "US",
        "NCT05499156": "other",
        "NCT07295067": "unknown",
    }
    both = made(sponsor="Fudan University", countries=["United States", "China"])
    assert (
        trials.country_group(both.site_countries, trials.sponsor_country(both.lead_sponsor)) == "China and US"
    )


# --------------------------------------------------------------------------- Table 1 and claims
def test_table1_audit_on_mirror_records(mirror_studies):
    audit = trials.table1_audit(list(mirror_studies.values())).set_index("company")
    aegle = audit.loc["Aegle Therapeutics"]
    assert aegle["registry_records"] == "NCT04173650|NCT05078385" and aegle["status"] == "agrees"
    db = audit.loc["Direct Biologics"]
    assert "NCT05354141" in db["registry_records"] and "NCT04493242" in db["registry_records"]
    assert db["status"] == "registry shows more" and "phase 3" in db["registry_phases"]
    assert "NCT05354141 phase 3, RECRUITING, last update 2022-08-30" in db["registry_detail"]
    for company in ("Codiak Biosciences", "Brexogen", "Organicell"):
        assert audit.loc[company, "status"] == "not in records"
    # ExoPharm is not on ClinicalTrials.gov: its row is compared with the cited ANZCTR phase I records
    exo = audit.loc["ExoPharm"]
    assert exo["registry_records"] == "ACTRN12619001378112|ACTRN12620000944932"
    assert (
        exo["status"] == "differs"
        and exo["registry_phases"] == "phase 1"
        and exo["paper_phases"] == "phase 3"
    )


def _rows(spec):
    """Rows of the trials_studies shape for verdict-rule tests: (nct, kind, areas, group, first_posted)."""
    return pd.DataFrame(
        [
            {
                "nct_id": n,
                "ev_kind": k,
                "ev_terms": "exosome",
                "areas": a,
                "country_group": g,
                "first_posted": fp,
                "study_type": "INTERVENTIONAL",
                "phases": "PHASE1",
                "phase_label": "phase 1",
                "start_year": 2020,
                "lead_sponsor": "Some Hospital",
                "sponsor_class": "OTHER",
                "collaborators": "",
            }
            for n, k, a, g, fp in spec
        ]
    )


def _areas(*spec):
    """Rows from (area, kind, count) triples, one study per count (all in the US, undated)."""
    rows, i = [], 0
    for area, kind, count in spec:
        for _ in range(count):
            i += 1
            rows.append((f"NCT{i}", kind, area, "US", ""))
    return _rows(rows)


COMPANIES = [
    "Aegle Therapeutics",
    "Codiak Biosciences",
    "Direct Biologics",
    "ExoPharm",
    "Brexogen",
    "Organicell",
]
DB_PHASE3 = "NCT05354141 phase 3, RECRUITING, last update 2022-08-30: ARDS"
SHIFTED = ["agrees", "agrees", "registry shows more", "differs", "agrees", "agrees"]


def _audit(statuses, db_detail="", paper_phases=""):
    return pd.DataFrame(
        [
            {
                "company": c,
                "status": s,
                "paper_phases": paper_phases,
                "registry_detail": db_detail if c == "Direct Biologics" else "",
            }
            for c, s in zip(COMPANIES, statuses, strict=True)
        ]
    )


# ------------------------------------------------------------------- evidence: verdict rules at their edges
def test_oncology_evidence_with_complete_records():
    onc = lambda *spec: trials.oncology_evidence(_areas(*spec), True)  # noqa: E731
    e = onc(("oncology", "therapeutic", 2), ("respiratory", "therapeutic", 1))
    assert e.verdict == "reproduced" and e["lead"] == "oncology" and e["oncology"] == 2 and e["lead_n"] == 2
    assert e["ranking"] == (("oncology", 2), ("respiratory", 1))
    # oncology leads only with its diagnostic studies counted
    e = onc(("oncology", "diagnostic", 2), ("respiratory", "therapeutic", 1))
    assert e.verdict == "reproduced with caveat"
    # tied at the top, one study apart either way
    e = onc(("oncology", "therapeutic", 2), ("respiratory", "therapeutic", 2))
    assert e.verdict == "reproduced with caveat" and e["oncology"] == e["lead_n"] == 2
    e = onc(("oncology", "therapeutic", 1), ("respiratory", "therapeutic", 2))
    assert e.verdict == "contradicted" and e["lead"] == "respiratory" and e["oncology"] == 1
    e = onc(("respiratory", "therapeutic", 1))
    assert e.verdict == "contradicted" and e["oncology"] == 0


CITED = {
    "ctgov_ev_total": 444,
    "ctgov_ev_cancer": 133,
    "ctgov_ev_neurodegeneration": 24,
    "ctgov_ev_cardiac": 18,
}


def test_oncology_evidence_with_partial_records_uses_cited_counts_and_the_review():
    rows = _areas(("nervous system", "therapeutic", 3), ("oncology", "therapeutic", 1))
    onc = lambda cited, review="oncology": trials.oncology_evidence(rows, False, cited, review)  # noqa: E731
    assert trials.rules.CITED_SHARE_DECIDES == 0.5 and trials.paper.REVIEW_LEAD_ALL == "oncology"
    # cancer ahead of every other counted area by one study, and the review names cancer: decided
    e = onc({**CITED, "ctgov_ev_cancer": 25})
    assert e.verdict == "reproduced with caveat" and e["basis"] == "cited_review"
    assert (e["cited_other"], e["cited_other_n"], e["review_lead_therapeutic"]) == (
        "nervous system",
        24,
        "respiratory",
    )
    # tied with neurodegeneration: not ahead, and 24 of 444 is not more than half
    e = onc({**CITED, "ctgov_ev_cancer": 24})
    assert e.verdict == "not checkable offline" and e["basis"] == "partial"
    # the review names another area: the sentence is contradicted whatever the counts
    e = onc(CITED, "respiratory")
    assert e.verdict == "contradicted" and e["basis"] == "review"
    # without the review: only more than half decides (exactly half does not)
    assert onc({**CITED, "ctgov_ev_cancer": 222}, "").verdict == "not checkable offline"
    e = onc({**CITED, "ctgov_ev_cancer": 223}, "")
    assert e.verdict == "reproduced with caveat" and e["basis"] == "cited" and e["cited_share"] > 0.5
    # no snapshot stored: the partial records (led by nervous system) never decide
    e = onc(None)
    assert (
        e.verdict == "not checkable offline" and e["lead"] == "nervous system" and e["cited_cancer"] is None
    )
    assert e.thresholds == {"cited_share_decides": 0.5}
    # no EV study in complete records
    e = trials.oncology_evidence(_areas(("oncology", "mention", 1)), True, CITED)
    assert e.verdict == "not checkable offline" and e["basis"] == "empty" and e["lead"] == "none"


def _china(*spec, records_end=""):
    """Therapeutic China rows from (nct, first_posted, sponsor_class, ev_terms, funded_by)."""
    rows = _rows([(n, "therapeutic", "respiratory", "China", fp) for n, fp, *_ in spec])
    rows["sponsor_class"] = [x[2] for x in spec]
    rows["ev_terms"] = [x[3] for x in spec]
    rows["funded_by"] = [x[4] for x in spec]
    return rows


def test_china_evidence_judges_the_plain_reading_by_sponsor_class():
    assert trials.PAPER_YEAR == 2024 and trials.rules.CHINA_INDUSTRY_CONTRADICT == 1
    industry = ("NCT1", "2024-12-31", "INDUSTRY", "exosome", "INDUSTRY")
    for complete in (True, False):
        e = trials.china_evidence(_china(industry), complete)
        assert (
            e.verdict == "contradicted"
            and (e["n"], e["n_industry"]) == (1, 1)
            and e["literal"] == "contradicted"
        )
    assert e.thresholds == {"industry_studies_to_contradict": 1, "posted_by_year": 2024}
    # posted a day after the paper's year: not counted
    late = ("NCT1", "2025-01-01", "INDUSTRY", "exosome", "INDUSTRY")
    e = trials.china_evidence(_china(late), True)
    assert e.verdict == "reproduced" and e["n"] == 0 and e["as_of"] == "2024-12-31"
    assert trials.china_evidence(_china(late), False).verdict == "not checkable offline"
    # investigator-initiated only (with a company collaborator): the plain reading holds, the literal fails
    hosp = ("NCT2", "2020-02-19", "OTHER", "exosome", "OTHER|INDUSTRY")
    for complete in (True, False):
        e = trials.china_evidence(_china(hosp), complete)
        assert e.verdict == "reproduced with caveat" and e["literal"] == "contradicted"
        assert (e["n_industry"], e["n_investigator"], e["n_industry_collaborator"]) == (0, 1, 1)
    # conditioned medium only is not an exosome study: counted apart
    medium = ("NCT3", "2020-01-21", "INDUSTRY", "conditioned medium", "INDUSTRY")
    e = trials.china_evidence(_china(hosp, medium), False)
    assert e.verdict == "reproduced with caveat" and e["n"] == 1 and e["medium_ids"] == ("NCT3",)
    # the records end before the paper's year: the count runs to their last date, not beyond
    end = "2022-09-29"
    e = trials.china_evidence(_china(("NCT4", end, "INDUSTRY", "exosome", "")), False, end)
    assert e.verdict == "contradicted" and e["as_of"] == end
    e = trials.china_evidence(_china(("NCT4", "2022-09-30", "INDUSTRY", "exosome", "")), False, end)
    assert e.verdict == "not checkable offline" and e["n"] == 0
    assert trials.text.period(end, 2024, "en") == "to September 2022"
    assert trials.text.period(end, 2024, "zh") == "截至2022年9月"
    assert trials.text.period("2024-12-31", 2024, "en") == "by the end of 2024"
    both = _rows([("NCT9", "therapeutic", "respiratory", "China and US", "2020-02-19")])
    assert trials.china_evidence(both, False)["studies"][0]["nct_id"] == "NCT9"


def test_table1_evidence_verdicts():
    ev = trials.table1_evidence
    assert trials.rules.TABLE1_FOUND_DECIDES == 0.5
    assert ev(_audit(["agrees"] * 6), True).verdict == "reproduced"
    assert ev(_audit(["agrees"] * 6), False).verdict == "reproduced"
    more = ["agrees", "registry shows more"] + ["agrees"] * 4
    e = ev(_audit(more), True)
    assert e.verdict == "reproduced with caveat" and e["more"] == ("Codiak Biosciences",)
    # the ExoFlo/ExoPharm rows differ: a shifted row only when the registry shows ExoFlo in phase 3
    e = ev(_audit(SHIFTED, DB_PHASE3), True)
    assert e.verdict == "reproduced with caveat" and e["shift_only"]
    assert e["direct_biologics_phase3"] == ("NCT05354141",)
    assert ev(_audit(SHIFTED), True).verdict == "contradicted"
    # a row outside the two shifted ones differs
    outside = ["differs", "agrees", "registry shows more", "differs", "agrees", "agrees"]
    assert ev(_audit(outside, DB_PHASE3), True).verdict == "contradicted"
    assert ev(_audit(["differs"] + ["agrees"] * 5), True).verdict == "contradicted"
    # partial records: decided when more than half the products are found (a listed-only product counts)
    missing = ["agrees", "not in records"] + ["agrees"] * 4
    e = ev(_audit(missing), False)
    assert e.verdict == "reproduced with caveat" and e["missing"] == ("Codiak Biosciences",)
    assert ev(_audit(missing), True).verdict == "contradicted"
    four = ["not in records", "not in records", "listed only", "agrees", "agrees", "agrees"]
    e = ev(_audit(four), False)
    assert e.verdict == "reproduced with caveat" and e["listed"] == ("Direct Biologics",)
    three = ["not in records"] * 3 + ["listed only", "agrees", "agrees"]
    assert ev(_audit(three), False).verdict == "not checkable offline"
    assert ev(_audit(three[:3] + ["differs", "agrees", "agrees"]), False).verdict == "not checkable offline"


def test_table1_audit_matches_the_atlas_dosed_trial_list(mirror_studies):
    from exo_industry.sources import ev_atlas

    base = need_shared("literature/ev_atlas_chaudhari2026")
    path = base / "Fig2b_Clinical_Trial_Doses.csv"
    atlas = ev_atlas.parse("trial_doses", path.read_text(encoding="utf-8"), path.name)
    audit = trials.table1_audit(list(mirror_studies.values()), atlas).set_index("company")
    org = audit.loc["Organicell"]
    assert org["status"] == "listed only" and org["atlas_records"] == "NCT04384445|NCT04657406"
    db = audit.loc["Direct Biologics"]
    assert set(db["atlas_records"].split("|")) <= set(db["registry_records"].split("|"))
    assert "NCT05116761" in db["atlas_records"] and db["status"] == "registry shows more"
    assert audit.loc["Codiak Biosciences", "status"] == "not in records"
    # without the list, Organicell is not found
    assert (
        trials.table1_audit(list(mirror_studies.values())).set_index("company").loc["Organicell", "status"]
        == "not in records"
    )


# --------------------------------------------------------------------------- rendering
RECORDS = ({"name": "export.csv", "kind": "classic_csv", "route": "import", "notes": "1389 studies"},)


def test_renderer_fills_both_languages_from_yaml():
    cited_from = ("2026-02-15", "Snapshot citation")
    e = trials.oncology_evidence(
        _areas(("respiratory", "therapeutic", 2)), False, CITED, cited_from=cited_from
    )
    en = trials.text.claim_words(e, RECORDS, "en")
    zh = trials.text.claim_words(e, RECORDS, "zh")
    assert (
        "133 of 444" in en["reason"] and "nervous system 24" in en["reason"] and "respiratory" in en["reason"]
    )
    assert (
        "444项研究中有133项" in zh["reason"] and "神经系统24项" in zh["reason"] and "呼吸系统" in zh["reason"]
    )
    assert "export.csv (registry website CSV export, import, 1389 studies)" in en["note"]
    assert "export.csv（注册库网站CSV导出，导入，1389项研究）" in zh["note"]
    # each source cited once in a note
    assert en["note"].count("Snapshot citation") == 1 and en["note"].count("doi:10.1002/jev2.12510") == 1
    assert zh["statement"].endswith("其中以肿瘤临床试验数量最多")
    rows = _china(("NCT7", "2021-05-01", "OTHER", "exosome", "OTHER|INDUSTRY"))
    [c] = trials.make_claims([trials.china_evidence(rows, False, "2022-09-29")], RECORDS)
    assert c.verdict == "reproduced with caveat"
    assert (
        "1 therapeutic exosome/EV studies in China registered to September 2022 are all investigator-"
        in c.reason
    )
    assert "截至2022年9月在中国注册的1项治疗性外泌体/胞外囊泡研究均为研究者发起" in c.reason_zh
    assert (
        "NCT7 (phase 1, Some Hospital, sponsor class other (hospital, university...), with a company"
        in c.note
    )
    assert (
        "NCT7（I期，Some Hospital，申办方类别：其他（医院、大学等），有企业作为合作方，2021-05-01首次发布）"
        in c.note_zh
    )
    assert "exo-industry fetch ctgov" in c.note and "`" not in c.note + c.note_zh
    assert c.section == "3.1" and c.notebook == "03_clinical_trials"


def test_zh_views_translate_statuses_and_phases():
    cn = pd.DataFrame(
        [
            {
                "nct_id": "NCT03437759",
                "study_title": "t",
                "lead_sponsor": "Tianjin Medical University",
                "sponsor_class": "OTHER",
                "phase": "early phase 1",
                "overall_status": "ACTIVE_NOT_RECRUITING",
                "first_posted": "2018-02-19",
            }
        ]
    )
    zh = trials.china_view(cn, "zh")
    assert zh.iloc[0].tolist()[3:6] == ["其他（医院、大学等）", "早期I期", "进行中（不再招募）"]
    assert "招募状态" in zh.columns and "申办方类别" in zh.columns
    assert trials.china_view(cn, "en").iloc[0, 5] == "active, not recruiting"
    # every registry status has a Chinese word in the YAML mapping
    zh_statuses = trials.text.names("zh", "statuses")
    assert set(ctgov.STATUSES) <= set(zh_statuses)
    assert all(re.search(r"[\u4e00-\u9fff]", w) for w in zh_statuses.values())
    # the ExoPharm record's note is the compendium's own, in Chinese
    audit = trials.table1_audit([])
    t1 = trials.table1_view(audit, "zh").set_index("公司")
    assert (
        t1.loc["Codiak Biosciences", "适应证（论文）"] == "实体瘤"
        and t1.loc["ExoPharm", "分期（论文）"] == "III期"
    )
    matched = trials.table1_records(audit, pd.DataFrame(columns=["nct_id"]))
    view = trials.table1_records_view(matched, audit, "zh")
    exo = view[view["公司"] == "ExoPharm"]
    assert len(exo) == 2 and exo["疾病/说明"].iloc[0].startswith("未在 ClinicalTrials.gov 注册")
    assert exo["疾病/说明"].iloc[1] == "同上"  # the note and its citation once
    # cited counts: the query in Chinese, the citation once beneath the table
    ref = trials.tables.reference_counts(
        trials.snapshot_references(
            {
                "date": "2026-02-15",
                "counts": {"tumor_metastasis_plus_ev_broad_cancer_tumor": 133, "cardiac_plus_ev": 18},
            },
            "Cite A",
        )
        + (trials.MIZENKO_2024,)
    )
    shown = trials.reference_view(ref, "zh")
    assert list(shown.columns) == ["检索式", "研究数"] and "癌症" in shown.iloc[0, 0]
    cap = trials.reference_caption(ref, "zh")
    assert cap.count("Cite A") == 1 and cap.count("doi:10.1002/jev2.12510") == 1


def test_registry_detail_in_chinese_keeps_identifiers():
    zh = trials.text.registry_detail(
        "Direct Biologics", DB_PHASE3 + " ; NCT1 phase 1, ?, last update ?: x", "zh"
    )
    assert (
        zh == "NCT05354141（III期，招募中，最后更新 2022-08-30）：ARDS；NCT1（I期，不详，最后更新 不详）：x"
    )
    assert trials.text.registry_detail("Direct Biologics", DB_PHASE3, "en") == DB_PHASE3
    other = trials.table1_audit([]).set_index("company").loc["ExoPharm", "registry_detail"]
    zh = trials.text.registry_detail("ExoPharm", other, "zh")
    assert zh.startswith("未在 ClinicalTrials.gov 注册") and "ACTRN12619001378112、ACTRN12620000944932" in zh


def test_both_languages_have_the_same_keys():
    from exo_industry import i18n

    en, zh = i18n.texts("trials", "en"), i18n.texts("trials", "zh")
    shared_groups = ("labels.", "areas.", "kinds.", "groups.", "table1_status.", "claims.", "records.")
    pick = lambda d: {k for k in d if k.startswith(shared_groups) and ".source." not in k}  # noqa: E731
    assert pick(en) == pick(zh)
    assert all(
        re.search(r"[\u4e00-\u9fff]", zh[k])
        for k in zh
        if k.startswith("claims.") and k.endswith("statement")
    )


def _numbers(text: str) -> Counter:
    """Numbers in a text; English phase labels ("phase 1/phase 2") are Roman numerals in Chinese (I期)."""
    return Counter(re.findall(r"\d+(?:\.\d+)?", re.sub(r"phases? \d", "", text)))


def _branch_claims():
    """Claims on every verdict branch, from hand-made tables."""
    spec = [
        [
            ("NCT1", "therapeutic", "oncology", "US", "2020-01-01"),
            ("NCT2", "diagnostic", "oncology", "US", "2020-01-01"),
            ("NCT3", "therapeutic", "respiratory", "China", "2020-01-01"),
        ],
        [
            ("NCT1", "diagnostic", "oncology", "US", ""),
            ("NCT2", "diagnostic", "oncology", "China", ""),
            ("NCT3", "therapeutic", "respiratory", "China", ""),
        ],
        [
            ("NCT1", "therapeutic", "respiratory", "US", ""),
            ("NCT2", "therapeutic", "respiratory", "US", ""),
            ("NCT3", "therapeutic", "oncology", "China", "2025-01-01"),
        ],
        [("NCT1", "mention", "oncology", "China", "")],
    ]
    evidence = []
    for rows in map(_rows, spec):
        for complete in (True, False):
            evidence += [trials.oncology_evidence(rows, complete), trials.china_evidence(rows, complete)]
    industry = _china(("NCT5", "2021-01-01", "INDUSTRY", "exosome", "INDUSTRY"))
    evidence.append(trials.china_evidence(industry, False, "2022-09-29"))
    cited_from = ("2026-02-15", "Snapshot citation")
    for cited, review in (
        (CITED, "oncology"),
        (CITED, "respiratory"),
        ({**CITED, "ctgov_ev_cancer": 300}, ""),
    ):
        evidence.append(trials.oncology_evidence(_rows(spec[2]), False, cited, review, cited_from))
    for statuses in (
        ["agrees"] * 6,
        SHIFTED,
        ["differs"] + ["agrees"] * 5,
        ["agrees", "not in records"] + ["agrees"] * 4,
        ["not in records"] * 3 + ["listed only", "agrees", "agrees"],
    ):
        for complete in (True, False):
            evidence.append(trials.table1_evidence(_audit(statuses, DB_PHASE3, "phase 1"), complete))
    return trials.make_claims(evidence, RECORDS)


def _mirror_store(shared):
    from exo_industry.sources import ctgov_counts, ev_atlas

    store = RawStore()
    ctgov.import_files(store, ctgov.mirror_files(shared))
    ctgov_counts.import_files(store, ctgov_counts.mirror_files(shared))
    ev_atlas.import_files(store, ev_atlas.mirror_files(shared))
    return store


def test_claims_have_chinese_reason_and_note_with_the_same_numbers(iso_env, shared):
    """Every claim, on every branch, carries reason_zh / note_zh built from the same values as the English."""
    produced = list(trials.process(_mirror_store(shared)).claims) + _branch_claims()
    cjk = re.compile(r"[\u4e00-\u9fff]")
    seen = set()
    for c in produced:
        seen.add((c.claim_id, c.verdict))
        for en, zh in ((c.reason, c.reason_zh), (c.note, c.note_zh)):
            assert zh and cjk.search(zh) and zh != en, (c.claim_id, zh)
            assert not _numbers(en) - _numbers(zh), (c.claim_id, _numbers(en) - _numbers(zh), zh)
        for n in _numbers(c.reproduced_value):
            assert (n in _numbers(c.reason)) <= (n in _numbers(c.reason_zh))
            assert (n in _numbers(c.note)) <= (n in _numbers(c.note_zh))
        _assert_values_in_chinese(c)
        # registry identifiers and the live command carry over unchanged; no Markdown backticks
        assert set(re.findall(r"NCT\d+|ACTRN\d+", c.note)) == set(re.findall(r"NCT\d+|ACTRN\d+", c.note_zh))
        assert (
            set(re.findall(r"exo-industry fetch ctgov[^.。]*", c.note))
            == set(re.findall(r"exo-industry fetch ctgov[^.。]*", c.note_zh))
            or "--spons" in c.note
        )
        assert "`" not in c.note + c.note_zh and "shared/data" not in c.note + c.note_zh
    for cid in trials.CLAIM_IDS:
        assert {v for c, v in seen if c == cid} == set(claims_mod.VERDICTS), cid
    # the mirror's claims, in the ledger terms of the zh briefing
    mirror = {c.claim_id: c for c in produced[:3]}
    china = mirror["trials.china_preclinical"]
    assert china.verdict == "reproduced with caveat" and "截至2022年9月" in china.reason_zh
    assert "to September 2022" in china.reproduced_value and "2024" not in china.reproduced_value
    assert "仅涉及条件培养基或分泌组（NCT04234750、NCT04235296）" in china.note_zh
    assert "注册库所示更多" in mirror["trials.table1"].reason_zh
    assert (
        "NCT04384445" in mirror["trials.table1"].note
        and mirror["trials.table1"].verdict != "not checkable offline"
    )
    assert "NCT05354141（III期，招募中，最后更新 2022-08-30）" in mirror["trials.table1"].note_zh
    onc = mirror["trials.oncology_most"]
    assert onc.verdict == "reproduced with caveat" and "1389项研究" in onc.note_zh
    assert mirror["trials.table1"].paper_value_zh == "6个产品；分期见表1"


def test_mirror_counts_and_the_page_agree(iso_env, shared):
    """The cited counts come from the stored snapshot; the claims' counts match the tables the page shows."""
    import json

    from exo_industry.sources import ctgov_counts

    result = trials.process(_mirror_store(shared))
    snap = json.loads(ctgov_counts.mirror_files(shared)[0].read_text(encoding="utf-8"))["summary_counts"]
    ref = result.tables["trials_reference_counts"].frame.set_index("key")["studies"]
    assert ref["ctgov_ev_cancer"] == snap["tumor_metastasis_plus_ev_broad_cancer_tumor"]
    assert ref["ctgov_ev_total"] == snap["total_ev_trials_condition_search"]
    claims = {c.claim_id: c for c in result.claims}
    total, cancer = (
        snap["total_ev_trials_condition_search"],
        snap["tumor_metastasis_plus_ev_broad_cancer_tumor"],
    )
    assert f"{cancer} of {total}" in claims["trials.oncology_most"].reason
    # the area chart's data (trials_by_area) and the claim's ranking count the same studies
    studies = result.tables["trials_studies"].frame
    sel = trials.select_studies(studies, trials.DEFAULT_TERMS, trials.params.Parameters().study_types)
    by_area = result.tables["trials_by_area"].frame.set_index("area")["all"]
    e = trials.oncology_evidence(studies, False)
    assert dict(e["ranking"]) == {a: int(by_area[a]) for a, _ in e["ranking"]}
    assert f"counts {len(sel)} EV studies" in claims["trials.oncology_most"].note
    # the China count, the country panel's China bar and the China table agree
    china = trials.china_therapeutic(sel)
    by_country = result.tables["trials_by_country"].frame
    bar = by_country[(by_country.country_group == "China") & (by_country.ev_kind == "therapeutic")][
        "studies"
    ].sum()
    assert (
        f"{len(china)} therapeutic exosome/EV studies in China"
        in claims["trials.china_preclinical"].reproduced_value
    )
    assert len(china) == bar
    assert set(china["sponsor_class"]) == {"OTHER"}


# --------------------------------------------------------------------------- plots (no kernel)
def _plot_rows():
    rows = _rows(
        [
            ("NCT1", "therapeutic", "oncology|respiratory", "China", "2020-01-01"),
            ("NCT2", "diagnostic", "oncology", "US", "2021-01-01"),
        ]
    )
    rows["start_year"] = pd.array([2019, pd.NA], dtype="Int64")
    return rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_area_figure_in_the_requested_language(lang):
    from matplotlib.figure import Figure

    L = trials.labels(lang)
    fig = trials.plots.by_area(_plot_rows(), lang)
    assert isinstance(fig, Figure)
    [ax] = fig.axes
    assert ax.get_title() == L["area_title"] and ax.get_xlabel() == L["studies"]
    ticks = {t.get_text() for t in ax.get_yticklabels()}
    assert ticks == {trials.text.name(lang, "areas", a) for a in ("oncology", "respiratory")}
    assert bool(re.search(r"[\u4e00-\u9fff]", ax.get_title())) == (lang == "zh")
    assert len(ax.get_legend().get_texts()) == 2
    fig = trials.plots.by_area(_plot_rows(), lang, include_diagnostic=False, live=True)
    assert len(fig.axes[0].get_legend().get_texts()) == 1
    assert any(t.get_text() == L["source_live"] for t in fig.texts)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_phase_year_country_figure_in_the_requested_language(lang):
    L = trials.labels(lang)
    fig = trials.plots.phase_year_country(_plot_rows(), lang)
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [L["phase_title"], L["year_title"] + L["no_year"].format(n=1), L["country_title"]]
    assert all(ax.get_ylabel() == L["studies"] for ax in fig.axes)
    groups = [t.get_text() for t in fig.axes[2].get_xticklabels()]
    assert groups == [trials.text.name(lang, "groups", g) for g in ("China", "US")]
    assert any(t.get_text() == L["source"] for t in fig.texts)


def test_country_bar_shows_the_studies_the_china_claim_counts(iso_env, shared):
    """The country panel's China bar (therapeutic) is the number the China verdict counts."""
    result = trials.process(_mirror_store(shared))
    studies = result.tables["trials_studies"].frame
    sel = trials.select_studies(studies, trials.DEFAULT_TERMS, trials.params.Parameters().study_types)
    fig = trials.plots.phase_year_country(sel, "zh")
    ax = fig.axes[2]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    china = labels.index(trials.text.name("zh", "groups", "China"))
    therapeutic = ax.containers[0]  # the first stack is the therapeutic kind
    records = result.tables["trials_records"].frame
    e = trials.china_evidence(studies, False, trials.tables.records_end(records))
    assert therapeutic[china].get_height() == e["n"]
    # phases on the zh chart are in Chinese
    phases = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert "I期" in phases and not any("phase" in x for x in phases)


# --------------------------------------------------------------------------- parameters
@pytest.mark.parametrize(
    "kw, msg",
    [
        ({"search_terms": ["exosme"]}, "did you mean exosome"),
        ({"search_terms": "exosome"}, "non-empty list"),
        ({"study_types": ["INTERVENTIONL"]}, "did you mean INTERVENTIONAL"),
        ({"start_from": 2022, "start_to": 2015}, "reversed years"),
        ({"start_from": 15}, "between 1990 and 2100"),
        ({"include_diagnostic": "yes"}, "True or False"),
        ({"lang": "fr"}, "unsupported lang"),
        ({"search_term": ["exosome"]}, "unknown parameter.*search_term"),
    ],
)
def test_bad_parameters_rejected(kw, msg):
    with pytest.raises(BadParameter, match=msg):
        trials.validate_parameters(**kw)


def test_parameters_are_normalised():
    p = trials.validate_parameters(search_terms=["secretome"], start_from=2015)
    assert isinstance(p, trials.Parameters) and p.search_terms == ("secretome",) and p.start_from == 2015
    assert p.study_types == trials.Parameters().study_types and p.lang == "zh"
    assert "--term 'secretome'" in trials.live_command(
        p
    ) and "--start-from 2015-01-01" in trials.live_command(p)


def test_select_studies_by_parameters():
    rows = pd.DataFrame(
        [
            {
                "nct_id": "NCT1",
                "ev_kind": "therapeutic",
                "ev_terms": "exosome",
                "study_type": "INTERVENTIONAL",
                "phases": "PHASE1",
                "start_year": 2019,
            },
            {
                "nct_id": "NCT2",
                "ev_kind": "diagnostic",
                "ev_terms": "extracellular vesicle",
                "study_type": "OBSERVATIONAL",
                "phases": "",
                "start_year": 2021,
            },
            {
                "nct_id": "NCT3",
                "ev_kind": "therapeutic",
                "ev_terms": "secretome",
                "study_type": "INTERVENTIONAL",
                "phases": "PHASE2",
                "start_year": 2021,
            },
            {
                "nct_id": "NCT4",
                "ev_kind": "mention",
                "ev_terms": "exosome",
                "study_type": "OBSERVATIONAL",
                "phases": "",
                "start_year": 2021,
            },
            {
                "nct_id": "NCT5",
                "ev_kind": "therapeutic",
                "ev_terms": "exosome",
                "study_type": "",
                "phases": "PHASE1",
                "start_year": None,
            },
        ]
    )
    ids = lambda df: list(df["nct_id"])  # noqa: E731
    assert ids(trials.select_studies(rows)) == ["NCT1", "NCT2", "NCT5"]
    assert ids(trials.select_studies(rows, include_diagnostic=False)) == ["NCT1", "NCT5"]
    assert ids(trials.select_studies(rows, ["secretome"])) == ["NCT3"]
    assert ids(trials.select_studies(rows, study_types=["OBSERVATIONAL"])) == ["NCT2"]
    assert ids(trials.select_studies(rows, study_types=["INTERVENTIONAL"])) == ["NCT1", "NCT5"]
    assert ids(trials.select_studies(rows, start_from=2020)) == ["NCT2"]


# --------------------------------------------------------------------------- pipeline on the mirror
def test_process_on_mirror_writes_tables_and_claims(iso_env, shared):
    store = RawStore()
    ctgov.import_files(store, ctgov.mirror_files(shared))
    [outcome] = pipeline.process(["trials"], store=store)
    assert outcome.status == "processed"
    out = paths().processed
    names = sorted(p.name for p in out.glob("trials_*.csv"))
    assert names == [
        "trials_by_area.csv",
        "trials_by_country.csv",
        "trials_by_phase.csv",
        "trials_by_year.csv",
        "trials_records.csv",
        "trials_reference_counts.csv",
        "trials_studies.csv",
        "trials_table1.csv",
    ]
    # only the records stored: no cited counts and no dosed-trial list, so two claims wait for them
    ledger = claims_mod.read_ledger(paths().claims).set_index("claim_id")
    onc = ledger.loc["trials.oncology_most"]
    assert onc["verdict"] == "not checkable offline" and "exo-industry fetch ctgov --term" in onc["note"]
    assert "import ctgov_counts --mirror" in onc["note"]
    assert ledger.loc["trials.china_preclinical", "verdict"] == "reproduced with caveat"
    assert "NCT04276987" in ledger.loc["trials.china_preclinical", "note"]
    assert "(NCT04234750, NCT04235296)" in ledger.loc["trials.china_preclinical", "note"]
    assert (
        ledger.loc["trials.table1", "verdict"] == "not checkable offline"
    )  # 3 of 6 found: not more than half
    assert "--spons" in ledger.loc["trials.table1", "note"]
    assert "Records used: mesenchymal stem OR mesenchymal stromal.csv" in ledger.loc["trials.table1", "note"]
    studies = pd.read_csv(out / "trials_studies.csv", keep_default_na=False)
    assert set(studies["ev_kind"]) == {"therapeutic", "diagnostic", "mention"}
    records = pd.read_csv(out / "trials_records.csv")
    assert records.set_index("kind")["n_studies"].to_dict() == {"classic_csv": 1389, "flat_v2_csv": 19}
    # deterministic: the same inputs give the same bytes
    before = {p.name: p.read_bytes() for p in out.glob("trials_*.csv")}
    pipeline.process(["trials"], store=store, force=True)
    assert before == {p.name: p.read_bytes() for p in out.glob("trials_*.csv")}


@pytest.mark.notebook
def test_notebook_runs_and_shows_claims_and_figures(iso_env, shared, tmp_path):
    import json

    from exo_industry.execute import run_notebook

    pipeline.process(["trials"], store=_mirror_store(shared))
    out = run_notebook("03_clinical_trials", {"lang": "en", "start_from": 2015}, tmp_path / "nb")
    nb = json.loads(Path(out).read_text(encoding="utf-8"))
    text = json.dumps([o for c in nb["cells"] for o in c.get("outputs", [])], ensure_ascii=False)
    assert "trials.oncology_most" in text and "trials.china_preclinical" in text and "trials.table1" in text
    assert "reproduced with caveat" in text and "registered to September 2022" in text
    assert "The verdict counts 6 therapeutic exosome/EV studies in China" in text  # beside the China table
    assert "Sources: Liegertov" in text and text.count("doi:10.1002/jev2.12510") <= 3
    assert (
        "exo-industry fetch ctgov --term &#x27;exosome&#x27;" in text
        or "exo-industry fetch ctgov --term 'exosome'" in text
    )
    assert "--start-from 2015-01-01" in text
    assert "NCT05354141" in text  # Table 1 audit shows the registry records
    from exo_industry.execute import figures_dir, split_run_name
    from exo_industry.theme import tagged_name

    tag = split_run_name(Path(out).stem)[1]  # a non-default run: its figures carry its key, under build/
    assert tag and not list(paths().figures.glob("trials_*"))
    figs = figures_dir(tag)
    for name in ("trials_by_area.en", "trials_phase_year_country.en"):
        stem = tagged_name(name, tag)
        assert (figs / f"{stem}.svg").stat().st_size > 10_000
    with pytest.raises(Exception, match="did you mean exosome"):
        run_notebook("03_clinical_trials", {"search_terms": ["exosme"]}, tmp_path / "nb")


def test_live_walk_makes_the_record_set_complete(iso_env):
    store = RawStore()
    page = b'{"studies": []}'
    store.put(
        "ctgov",
        "studies_p0001.json",
        page,
        kind="api_page",
        route="live",
        licence="x",
        query={"query.term": 'exosome OR "extracellular vesicles"'},
    )
    assert trials.records_complete(store.entries("ctgov"))
    other = RawStore(iso_env / "other")
    other.put(
        "ctgov",
        "studies_p0001.json",
        page,
        kind="api_page",
        route="live",
        licence="x",
        query={"query.term": "melanoma"},
    )
    assert not trials.records_complete(other.entries("ctgov"))


def test_cited_counts_name_their_field_and_get_a_live_count_of_the_same_search(iso_env, shared, replay):
    """The cited totals were condition searches (the snapshot file records field "condition", i.e.
    ``query.cond``); a live count is set beside one only when it searched the same field with the
    same expression (``fetch ctgov --count-only``, countTotal=true and pageSize=1 per
    https://clinicaltrials.gov/data-api/api). The replayed body is a recorded API page with
    ``totalCount`` added; the live numbers are made up for the test."""
    import test_ctgov
    from exo_industry.sections.trials.paper import CITED_QUERIES

    store = _mirror_store(shared)
    before = {c.claim_id: c for c in trials.process(store).claims}["trials.oncology_most"]
    assert "all EV studies 444 in query.cond, EV terms among interventions 491 in query.intr" in before.note
    assert "6 of them have no live count of the same search yet" in before.note
    assert "exo-industry fetch ctgov --count-only --cond" in before.note
    live = {"ctgov_ev_total": 461, "ctgov_ev_cancer": 139, "ctgov_ev_intervention": 507}
    for key, n in live.items():
        field, expression, _ = CITED_QUERIES[key]
        body = dict(json.loads(test_ctgov._fix(test_ctgov.PAGE_A)), totalCount=n)
        q = {"format": ["json"], "pageSize": ["1"], "countTotal": ["true"], field: [expression]}
        replay.add("GET", "/api/v2/studies", json.dumps(body), query=q)
        kw = {"cond" if field == "query.cond" else "intr": expression}
        ctgov.fetch(store, count_only=True, client=test_ctgov._client(replay), **kw)
    result = trials.process(store)
    c = {c.claim_id: c for c in result.claims}["trials.oncology_most"]
    assert c.verdict == before.verdict  # a live count is shown, it does not decide
    assert "all EV studies 444 in query.cond (live 461 in query.cond, " in c.note
    assert "EV + cancer 133 in query.cond (live 139 in query.cond, " in c.note
    assert "EV terms among interventions 491 in query.intr (live 507 in query.intr, " in c.note
    assert "interventional EV studies 255 in query.cond, " in c.note  # no live count of that search
    assert "3 of them have no live count of the same search yet" in c.note
    assert all(n in _numbers(c.note_zh) for n in ("461", "139", "507"))
    assert sum(e.kind == ctgov.COUNT_KIND for e in result.inputs) == 3
