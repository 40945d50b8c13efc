"""The section contract, walked over every section and notebook (like notebooker's template
sanity check): required names, claim ownership, the notebook's ``parameters`` cell against
the section's ``Parameters`` dataclass and validator, and the size limits that keep logic
out of notebooks and sections readable."""

from __future__ import annotations

import ast
import dataclasses
import json
import re
import types
from pathlib import Path

import pytest

from exo_industry import sections
from exo_industry.config import paths
from exo_industry.execute import notebook_defaults, notebook_stems
from exo_industry.sections import ContractError, check_contract

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "exo_industry"
MODULES = ("rules", "tables", "claims", "text", "plots", "params", "schema")


def test_every_notebook_has_a_section_and_back():
    stems = set(notebook_stems())
    assert {s.NOTEBOOK for s in sections.all_sections()} == stems
    assert len(stems) == 5


@pytest.mark.parametrize("name", sections.names())
def test_section_package_follows_the_contract(name):
    mod = sections.get(name)
    check_contract(mod)  # raises with the missing pieces named
    assert isinstance(mod, sections.Section)
    folder = Path(mod.__file__).parent
    for m in MODULES:
        assert (folder / f"{m}.py").is_file(), f"sections/{name}/{m}.py is missing"
    for lang in ("zh", "en"):
        assert (folder / "text" / f"{lang}.yaml").is_file(), f"sections/{name}/text/{lang}.yaml is missing"


def test_contract_names_what_is_missing():
    fake = types.ModuleType("exo_industry.sections.fake")
    fake.NAME = "fake"
    with pytest.raises(ContractError, match=r"NOTEBOOK is missing.*Parameters is missing"):
        check_contract(fake)


def test_contract_refuses_a_claim_outside_the_prefix():
    real = sections.get("aging")
    fake = types.ModuleType("exo_industry.sections.aging")
    for attr in sections.REQUIRED:
        setattr(fake, attr, getattr(real, attr))
    fake.CLAIM_IDS = ("aging.share60", "ncd.share")
    with pytest.raises(ContractError, match="ncd.share"):
        check_contract(fake)


def test_claim_prefixes_are_owned_once_and_ids_unique():
    prefixes = [s.CLAIM_PREFIX for s in sections.all_sections()]
    assert len(prefixes) == len(set(prefixes))
    ids = sections.claim_order()
    assert len(ids) == len(set(ids))


@pytest.mark.shared
def test_claim_ids_are_those_of_claims_md():
    claims_md = paths().shared_data.parent / "paper" / "CLAIMS.md"
    if not claims_md.is_file():
        pytest.skip(f"{claims_md} not found (the offline mirror's paper folder)")
    ids = re.findall(r"^\|\s*([a-z0-9]+\.[a-z0-9_]+)\s*\|", claims_md.read_text(encoding="utf-8"), flags=re.M)
    assert ids and sections.claim_order() == ids


@pytest.mark.parametrize("name", sections.names())
def test_parameters_cell_dataclass_and_validator_agree(name):
    mod = sections.get(name)
    defaults = notebook_defaults(mod.NOTEBOOK)
    fields = {f.name: f for f in dataclasses.fields(mod.Parameters) if f.init}
    assert list(defaults) == list(fields), (
        "the parameters cell and Parameters name the same parameters, in order"
    )
    for key, value in defaults.items():
        f = fields[key]
        default = f.default_factory() if f.default is dataclasses.MISSING else f.default
        assert _plain(default) == _plain(value), (
            f"default of {key!r}: notebook {value!r}, Parameters {default!r}"
        )
    params = mod.validate_parameters(**defaults)
    assert isinstance(params, mod.Parameters)
    assert isinstance(mod.validate_parameters(), mod.Parameters)
    with pytest.raises(Exception, match="no_such_parameter"):
        mod.validate_parameters(no_such_parameter=1)


def _plain(value):
    return list(value) if isinstance(value, tuple | list) else value


def _functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name, node.end_lineno - node.lineno + 1


def test_no_function_in_src_longer_than_60_lines():
    long = [
        f"{p.relative_to(SRC)}:{name} ({n} lines)"
        for p in sorted(SRC.rglob("*.py"))
        for name, n in _functions(p)
        if n > 60
    ]
    assert not long


def test_no_section_module_longer_than_450_lines():
    long = [
        f"{p.relative_to(SRC)} ({n})"
        for p in sorted((SRC / "sections").rglob("*.py"))
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450
    ]
    assert not long


@pytest.mark.parametrize("stem", notebook_stems())
def test_notebook_cells_are_thin(stem):
    nb = json.loads((ROOT / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"])
        lines = [ln for ln in src.splitlines() if ln.strip()]
        assert len(lines) <= 15, f"{stem} cell {i} has {len(lines)} lines"
        assert not re.search(r"\b\w+\._[a-z]\w*\(", src), f"{stem} cell {i} calls a private helper"
        assert 'lang == "zh"' not in src and "lang == 'zh'" not in src, (
            f"{stem} cell {i} writes its own prose"
        )
