"""The data dictionary: data/processed/datapackage.json covers every CSV, matches the section
declarations, and the frictionless library finds every committed CSV valid against it."""

import json
from pathlib import Path

import pandas as pd
import pytest
from frictionless import Package, Resource

from exo_industry import pipeline, schema
from exo_industry.processed import read_manifest
from exo_industry.sections import Result, Table, all_sections

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "data" / "processed"


def _descriptor() -> dict:
    return json.loads((COMMITTED / "datapackage.json").read_text(encoding="utf-8"))


def test_every_csv_has_a_resource_and_every_column_a_description():
    resources = {r["path"]: r for r in _descriptor()["resources"]}
    assert sorted(resources) == sorted(p.name for p in COMMITTED.glob("*.csv"))
    for path, res in resources.items():
        header = (COMMITTED / path).read_text(encoding="utf-8").split("\n", 1)[0].split(",")
        fields = res["schema"]["fields"]
        assert [f["name"] for f in fields] == header, path
        assert all(f["description"].strip() for f in fields), path
        assert res["description"].strip()
        if path != "claims.csv":
            assert res["sources"] and res["licenses"], f"{path} names no sources or licences"


def test_committed_package_is_what_the_code_writes(committed_processed):
    text = json.dumps(schema.package(read_manifest()), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    assert text == (COMMITTED / "datapackage.json").read_text(encoding="utf-8")


def test_frictionless_validates_every_csv_against_its_schema():
    report = Package(str(COMMITTED / "datapackage.json")).validate()
    errors = [(t.name, e.type, e.note) for t in report.tasks for e in t.errors][:10]
    assert report.valid, errors
    assert len(report.tasks) == len(list(COMMITTED.glob("*.csv")))


def test_frictionless_catches_a_value_outside_the_declared_ones(tmp_path):
    res = next(r for r in _descriptor()["resources"] if r["name"] == "claims")
    df = pd.read_csv(COMMITTED / "claims.csv", dtype=str, keep_default_na=False)
    df.loc[0, "verdict"] = "roughly right"
    df.to_csv(tmp_path / "claims.csv", index=False)
    res = {k: v for k, v in res.items() if k not in ("hash", "sources")}
    report = Resource(res, basepath=str(tmp_path)).validate()
    assert not report.valid
    assert [(e.type, e.field_name) for t in report.tasks for e in t.errors] == [
        ("constraint-error", "verdict")
    ]


def test_frictionless_catches_a_value_of_the_wrong_type(tmp_path):
    res = next(r for r in _descriptor()["resources"] if r["name"] == "trials_by_country")
    df = pd.read_csv(COMMITTED / "trials_by_country.csv", dtype=str, keep_default_na=False)
    df.loc[0, "studies"] = "eight"
    df.to_csv(tmp_path / "trials_by_country.csv", index=False)
    res = {k: v for k, v in res.items() if k not in ("hash", "sources")}
    report = Resource(res, basepath=str(tmp_path)).validate()
    assert [(e.type, e.field_name) for t in report.tasks for e in t.errors] == [("type-error", "studies")]


def test_verdict_enum_is_the_ledger_vocabulary():
    from exo_industry.claims import VERDICTS

    verdict = next(c for c in schema.CLAIMS.columns if c.name == "verdict")
    assert verdict.enum == VERDICTS


def test_check_frame_names_undeclared_and_missing_columns():
    sc = schema.section_schemas("trials")["trials_by_country"]
    good = pd.DataFrame({"country_group": ["China"], "ev_kind": ["therapeutic"], "studies": [3]})
    schema.check_frame("trials_by_country", sc, good)
    with pytest.raises(schema.SchemaError, match="undeclared: \\['extra'\\]"):
        schema.check_frame("trials_by_country", sc, good.assign(extra=1))
    with pytest.raises(schema.SchemaError, match="'Mars'"):
        schema.check_frame("trials_by_country", sc, good.assign(country_group="Mars"))


def test_save_refuses_an_undeclared_table(iso_env):
    frame = pd.DataFrame({"a": [1]})
    result = Result(tables={"trials_mystery": Table(frame, ["a"])}, claims=[], inputs=[])
    with pytest.raises(schema.SchemaError, match="trials_mystery"):
        pipeline.save("trials", result)
    assert not list(Path(iso_env / "processed").glob("*.csv"))


def test_every_section_declares_its_committed_tables():
    manifest = read_manifest()
    for sec in all_sections():
        made = {
            k[:-4] for k, v in manifest["outputs"].items() if v["section"] == sec.NAME and k.endswith(".csv")
        }
        assert made <= set(schema.section_schemas(sec.NAME)), sec.NAME
