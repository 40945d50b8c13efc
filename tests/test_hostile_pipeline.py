"""Hostile text from a source travels the real pipeline — import route, section transform,
notebook, briefing — and stays inert in a real browser."""

import json

import pytest

pytestmark = [pytest.mark.notebook, pytest.mark.browser]

TITLE = "<script>alert(1)</script> Exosomes for ARDS"
SPONSOR = "<img src=x onerror=alert(2)> Hospital"


def hostile_export(path):
    """A ClinicalTrials.gov website JSON download (array of API v2 study objects), written by hand."""
    study = {
        "protocolSection": {
            "identificationModule": {"nctId": "NCT09999999", "briefTitle": TITLE},
            "statusModule": {
                "overallStatus": "RECRUITING",
                "startDateStruct": {"date": "2023-03"},
                "studyFirstPostDateStruct": {"date": "2023-02-01"},
                "lastUpdatePostDateStruct": {"date": "2024-01-10"},
            },
            "sponsorCollaboratorsModule": {"leadSponsor": {"name": SPONSOR, "class": "OTHER"}},
            "conditionsModule": {"conditions": ["Acute Respiratory Distress Syndrome"]},
            "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1"]},
            "armsInterventionsModule": {
                "interventions": [
                    {
                        "type": "BIOLOGICAL",
                        "name": "MSC-derived exosomes",
                        "description": "nebulised exosomes",
                    }
                ]
            },
            "contactsLocationsModule": {
                "locations": [{"facility": "Shanghai", "city": "Shanghai", "country": "China"}]
            },
        }
    }
    path.write_text(json.dumps([study]), encoding="utf-8")
    return path


def test_hostile_trial_text_is_inert(iso_env, browser):
    from exo_industry import pipeline, report
    from exo_industry.execute import run_notebook
    from exo_industry.sources import ctgov
    from exo_industry.store import RawStore
    from test_browser import visit

    ctgov.import_files(RawStore(), [hostile_export(iso_env / "ctg-studies.json")])
    [outcome] = pipeline.process(["trials"])
    assert outcome.status == "processed"
    html = report.export_notebook(run_notebook("03_clinical_trials", lang="en"))
    text = html.read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in text and "<img src=x onerror" not in text
    seen = visit(browser, html)
    assert seen["dialogs"] == [] and seen["errors"] == []
    assert TITLE in seen["text"] and SPONSOR in seen["text"]  # shown, as text
