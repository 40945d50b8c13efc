"""CITATION.cff: valid Citation File Format 1.2.0, in step with pyproject.toml, citing the paper."""

import json
import tomllib
from pathlib import Path

import jsonschema
import pytest
import yaml

import exo_industry

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "data" / "cff" / "schema-1.2.0.json"
PAPER_DOI = "10.3969/j.issn.1673-713X.2024.06.014"


def load_cff(text: str | None = None) -> dict:
    # CFF is YAML 1.2 and PyYAML reads YAML 1.1: the file holds nothing the two read differently
    # (no dates, no yes/no words, no numbers with colons).
    return yaml.safe_load(text if text is not None else (ROOT / "CITATION.cff").read_text(encoding="utf-8"))


def cff_errors(cff: dict) -> list[str]:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(cff)
    ]


def test_citation_file_is_valid_cff_1_2_0():
    cff = load_cff()
    assert cff["cff-version"] == "1.2.0"
    assert cff_errors(cff) == []


@pytest.mark.parametrize(
    "change",
    [
        {"license": "MIT License"},  # not an SPDX identifier
        {"authors": []},
        {"version": None},
        {"unknown-key": "x"},
    ],
)
def test_the_schema_check_refuses_broken_metadata(change):
    cff = load_cff()
    cff.update(change)
    assert cff_errors(cff), change


def test_citation_agrees_with_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    cff = load_cff()
    assert str(cff["version"]) == project["version"] == exo_industry.__version__
    assert cff["license"] == project["license"]


def test_citation_references_the_checked_paper():
    refs = [r for r in load_cff().get("references", []) if r.get("doi") == PAPER_DOI]
    assert len(refs) == 1, "CITATION.cff must list the checked paper under references"
    paper = refs[0]
    assert paper["type"] == "article" and paper["year"] == 2024
    assert str(paper["volume"]) == "19" and str(paper["issue"]) == "6"
    assert [a["family-names"] for a in paper["authors"]] == ["Wu", "Wang", "Li"]
