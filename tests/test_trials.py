"""Trials section: EV identification and classification on named real records, disease areas,
countries, the Table 1 audit, verdict rules, parameters, and the pipeline on the mirror.

Real records are read at test time from ../shared/data/clinical_trials. The small
records built here by hand follow the registry's API v2 study schema (protocolSection /
derivedSection) and are our own text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from conftest import assert_values_in_chinese as _assert_values_in_chinese
from conftest import need_shared
from exo_industry import claims as claims_mod
from exo_industry import pipeline
from exo_industry.config import paths
from exo_industry.errors import BadParameter
from exo_industry.sections import trials
from exo_industry.sources import ctgov
from exo_industry.store import RawStore


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


def test_oncology_verdict_rules():
    onc = _rows(
        [
            ("NCT1", "therapeutic", "oncology", "US", "2020-01-01"),
            ("NCT2", "diagnostic", "oncology", "US", "2020-01-01"),
            ("NCT3", "therapeutic", "respiratory", "US", "2020-01-01"),
        ]
    )
    assert trials.check_oncology(onc, True, "test").verdict == "reproduced"
    diag_led = _rows(
        [
            ("NCT1", "diagnostic", "oncology", "US", ""),
            ("NCT2", "diagnostic", "oncology", "US", ""),
            ("NCT3", "therapeutic", "respiratory", "US", ""),
        ]
    )
    assert trials.check_oncology(diag_led, True, "test").verdict == "reproduced with caveat"
    resp = _rows(
        [
            ("NCT1", "therapeutic", "respiratory", "US", ""),
            ("NCT2", "therapeutic", "respiratory", "US", ""),
            ("NCT3", "therapeutic", "oncology", "US", ""),
        ]
    )
    assert trials.check_oncology(resp, True, "test").verdict == "contradicted"
    # partial records cannot decide: 133 of 444 is not more than half
    c = trials.check_oncology(resp, False, "test")
    assert (
        c.verdict == "not checkable offline"
        and "exo-industry fetch ctgov" in c.note
        and "133 of 444" in c.reason
    )


def test_china_verdict_rules():
    cn = _rows([("NCT1", "therapeutic", "respiratory", "China", "2020-02-19")])
    assert trials.check_china(cn, False, "test").verdict == "contradicted"
    late = _rows(
        [
            ("NCT1", "therapeutic", "respiratory", "China", "2025-03-01"),
            ("NCT2", "diagnostic", "oncology", "China", "2019-01-01"),
        ]
    )
    assert trials.check_china(late, True, "test").verdict == "reproduced"
    assert trials.check_china(late, False, "test").verdict == "not checkable offline"


def test_table1_verdict_rules():
    db_phase3 = "NCT05354141 phase 3, RECRUITING, last update 2022-08-30: ARDS"

    def audit(statuses, db_detail=""):
        return pd.DataFrame(
            [
                {
                    "company": c,
                    "status": s,
                    "paper_phases": "",
                    "registry_detail": db_detail if c == "Direct Biologics" else "",
                }
                for c, s in zip(
                    [
                        "Aegle Therapeutics",
                        "Codiak Biosciences",
                        "Direct Biologics",
                        "ExoPharm",
                        "Brexogen",
                        "Organicell",
                    ],
                    statuses,
                )
            ]
        )

    assert trials.check_table1(audit(["agrees"] * 6), True, "t").verdict == "reproduced"
    shifted = ["agrees", "agrees", "registry shows more", "differs", "agrees", "agrees"]
    assert trials.check_table1(audit(shifted, db_phase3), True, "t").verdict == "reproduced with caveat"
    # without a phase 3 record of ExoFlo the rows cannot be called shifted: they simply differ
    assert trials.check_table1(audit(shifted), True, "t").verdict == "contradicted"
    assert trials.check_table1(audit(["differs"] + ["agrees"] * 5), True, "t").verdict == "contradicted"
    assert (
        trials.check_table1(audit(["agrees", "not in records"] + ["agrees"] * 4), False, "t").verdict
        == "not checkable offline"
    )
    assert (
        trials.check_table1(audit(["agrees", "not in records"] + ["agrees"] * 4), True, "t").verdict
        == "contradicted"
    )


def _numbers(text: str) -> Counter:
    """Numbers in a text; the English phase labels ("phase 1/phase 2") are Roman numerals in Chinese (I期/II期)."""
    return Counter(re.findall(r"\d+(?:\.\d+)?", re.sub(r"phases? \d", "", text)))


def test_claims_have_chinese_reason_and_note_with_the_same_numbers(iso_env, shared, monkeypatch):
    """Every claim, on every branch, carries reason_zh / note_zh built from the same values as the English."""
    store = RawStore()
    ctgov.import_files(store, ctgov.mirror_files(shared))
    produced = list(trials.process(store).claims)
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
    for rows in map(_rows, spec):
        for complete in (True, False):
            produced += [trials.check_oncology(rows, complete, "t"), trials.check_china(rows, complete, "t")]
    # the branch for cited counts of more than half (not the case with the 2026 counts)
    with monkeypatch.context() as m:
        m.setattr(trials, "SNAPSHOT_CANCER", trials._snap("x", 300, "EV terms AND cancer"))
        produced.append(trials.check_oncology(_rows(spec[2]), False, "t"))
        assert produced[-1].verdict == "reproduced with caveat" and "300" in produced[-1].reason_zh
    companies = [
        "Aegle Therapeutics",
        "Codiak Biosciences",
        "Direct Biologics",
        "ExoPharm",
        "Brexogen",
        "Organicell",
    ]
    for statuses in (
        ["agrees"] * 6,
        ["agrees", "agrees", "registry shows more", "differs", "agrees", "agrees"],
        ["differs"] + ["agrees"] * 5,
        ["agrees", "not in records"] + ["agrees"] * 4,
    ):
        audit = pd.DataFrame(
            [
                {
                    "company": c,
                    "status": s,
                    "paper_phases": "phase 1",
                    "registry_detail": "NCT05354141 phase 3, RECRUITING, last update 2022-08-30: ARDS"
                    if c == "Direct Biologics"
                    else "",
                }
                for c, s in zip(companies, statuses)
            ]
        )
        for complete in (True, False):
            produced.append(trials.check_table1(audit, complete, "t"))
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
        # registry identifiers and the live command carry over unchanged
        assert set(re.findall(r"NCT\d+|ACTRN\d+", c.note)) == set(re.findall(r"NCT\d+|ACTRN\d+", c.note_zh))
        assert set(re.findall(r"`[^`]+`", c.note)) == set(re.findall(r"`[^`]+`", c.note_zh))
    assert {v for cid, v in seen if cid == "trials.oncology_most"} == {
        "reproduced",
        "reproduced with caveat",
        "contradicted",
        "not checkable offline",
    }
    assert {v for cid, v in seen if cid == "trials.china_preclinical"} == {
        "reproduced",
        "contradicted",
        "not checkable offline",
    }
    assert {v for cid, v in seen if cid == "trials.table1"} == set(claims_mod.VERDICTS)
    # the mirror's claims, in the ledger terms of the zh briefing
    mirror = {c.claim_id: c for c in produced[:3]}
    china = mirror["trials.china_preclinical"]
    assert (
        china.reason_zh.startswith("截至2024年已有8项在中国开展的治疗性胞外囊泡研究")
        and "I期 4项" in china.reason_zh
    )
    assert (
        "其中6项明确提及外泌体或胞外囊泡，2项仅涉及条件培养基或分泌组" in china.note_zh
        and "申办方" in china.note_zh
    )
    assert "注册库所示更多" in mirror["trials.table1"].reason_zh
    assert "NCT05354141（III期，招募中，最后更新 2022-08-30）" in mirror["trials.table1"].note_zh
    assert (
        "1389项研究" in mirror["trials.oncology_most"].note_zh
        and "444项胞外囊泡研究中" in mirror["trials.oncology_most"].reason_zh
    )
    assert (
        mirror["trials.china_preclinical"].reproduced_value_zh
        == "截至2024年，在中国开展并已注册的治疗性胞外囊泡研究8项"
    )
    assert mirror["trials.table1"].paper_value_zh == "6个产品；分期见表1"
    assert "注册库所示分期多于论文" in mirror["trials.table1"].reproduced_value_zh


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
    ],
)
def test_bad_parameters_rejected(kw, msg):
    with pytest.raises(BadParameter, match=msg):
        trials.validate_parameters(**kw)


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
    ledger = claims_mod.read_ledger(paths().claims).set_index("claim_id")
    assert ledger.loc["trials.oncology_most", "verdict"] == "not checkable offline"
    assert ledger.loc["trials.china_preclinical", "verdict"] == "contradicted"
    assert "NCT04276987" in ledger.loc["trials.china_preclinical", "note"]
    assert (
        "6 name exosomes or EVs, 2 conditioned medium or secretome only"
        in ledger.loc["trials.china_preclinical", "note"]
    )
    assert ledger.loc["trials.table1", "verdict"] == "not checkable offline"
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

    store = RawStore()
    ctgov.import_files(store, ctgov.mirror_files(shared))
    pipeline.process(["trials"], store=store)
    out = run_notebook("03_clinical_trials", {"lang": "en", "start_from": 2015}, tmp_path / "nb")
    nb = json.loads(Path(out).read_text(encoding="utf-8"))
    text = json.dumps([o for c in nb["cells"] for o in c.get("outputs", [])], ensure_ascii=False)
    assert "trials.oncology_most" in text and "trials.china_preclinical" in text and "trials.table1" in text
    assert "not checkable offline" in text and "contradicted" in text
    assert (
        "exo-industry fetch ctgov --term &#x27;exosome&#x27;" in text
        or "exo-industry fetch ctgov --term 'exosome'" in text
    )
    assert "--start-from 2015-01-01" in text
    assert "NCT05354141" in text  # Table 1 audit shows the registry records
    figs = paths().figures
    for name in ("trials_by_area.en", "trials_phase_year_country.en"):
        assert (figs / f"{name}.png").stat().st_size > 10_000 and (figs / f"{name}.svg").exists()
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
