"""``exo-industry refresh``: the dry run (no network, fixed keys), the request budget, and
the "what changed since" list of the overview (issue 12)."""

from __future__ import annotations

import json
import os

from exo_industry import claims as claims_mod
from exo_industry import refresh
from exo_industry.cli import main
from test_literature import ncbi_fixture

URL_VARS = ("EXO_OPENALEX_URL", "EXO_PUBMED_URL", "EXO_LENS_URL", "EXO_CTGOV_URL")


def test_dry_run_json_lists_every_source_without_network(replay, iso_env, monkeypatch, capsys):
    for var in URL_VARS:
        monkeypatch.setenv(var, replay.url)
    monkeypatch.setenv("OPENALEX_API_KEY", "never-printed-key-42")
    monkeypatch.delenv("LENS_API_TOKEN", raising=False)
    assert main(["refresh", "--dry-run", "--json"]) == 0
    out = capsys.readouterr().out
    plan = json.loads(out)
    assert list(plan) == ["requests"] and replay.log == []  # nothing was sent
    assert all(list(r) == ["source", "method", "url", "params", "body"] for r in plan["requests"])
    assert {r["source"] for r in plan["requests"]} == {s for s, _ in refresh.PLAN}
    assert "never-printed-key-42" not in out and "dry-run-placeholder" not in out
    assert "LENS_API_TOKEN" not in os.environ  # the placeholder does not outlive the dry run
    pubmed = [r for r in plan["requests"] if r["source"] == "pubmed"]
    assert len(pubmed) == 3 * (2024 - 2015 + 2)  # CN, US, world x (10 years + the range)


def test_budget_stops_before_the_request_that_would_exceed_it(replay, iso_env, monkeypatch, capsys):
    monkeypatch.setenv("EXO_PUBMED_URL", replay.url)
    replay.add("GET", "/esearch.fcgi", ncbi_fixture("esearch1.xml").read_bytes())
    code = main(["refresh", "--source", "pubmed", "--budget", "5"])
    out = capsys.readouterr()
    assert code == 2 and len(replay.log) == 5
    assert "request budget of 5 reached: NCBI E-utilities would make request 6" in out.out
    assert "stopped: budget" in out.out and "total: 5 request(s)" in out.out


def test_ledger_changes_and_previous_ledger(iso_env, committed_processed):
    from exo_industry.config import paths

    current = claims_mod.read_ledger(paths().claims)
    assert refresh.keep_previous_ledger() is not None
    assert refresh.changes_since()[1] == []
    changed = current.copy()
    changed.loc[0, "verdict"] = (
        "contradicted" if current.loc[0, "verdict"] != "contradicted" else "reproduced"
    )
    changed.loc[1, "reproduced_value"] = "12345"
    found = refresh.ledger_changes(current, changed)
    assert [(c["claim_id"], c["field"]) for c in found] == [
        (current.loc[0, "claim_id"], "verdict"),
        (current.loc[1, "claim_id"], "reproduced_value"),
    ]


def test_overview_lists_what_changed(iso_env, committed_processed, tmp_path):
    from exo_industry import report
    from exo_industry.config import paths

    prev = refresh.keep_previous_ledger()
    ledger = claims_mod.read_ledger(prev)
    cid, old = ledger.loc[0, "claim_id"], ledger.loc[0, "verdict"]
    ledger.loc[0, "verdict"] = "not checkable" if old != "not checkable" else "reproduced"
    ledger.to_csv(prev, index=False)
    html = report.export_overview("en", tmp_path).read_text(encoding="utf-8")
    assert "What changed since" in html and f'href="#{cid}">{cid}</a>: verdict' in html
    prev.unlink()
    assert "What changed since" not in report.export_overview("en", tmp_path).read_text(encoding="utf-8")
    assert paths().claims.exists()
