"""Packaging: the pip and conda dependency lists agree; notebooks name their kernel and are clean."""

import json
import re
import tomllib
from pathlib import Path

import yaml

from exo_industry.config import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_deps() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    deps = set(map(_name, data["project"]["dependencies"]))
    for extra in data["project"].get("optional-dependencies", {}).values():
        deps |= set(map(_name, extra))
    return deps


def environment_deps() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    names = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            names |= {_name(x) for x in item.get("pip", []) if not x.startswith("-e")}
        else:
            names.add(_name(item))
    return names - {"python", "pip"}


def test_dependency_lists_agree():
    pip, conda = pyproject_deps(), environment_deps()
    assert pip == conda, (
        f"only in pyproject: {sorted(pip - conda)}; only in environment.yml: {sorted(conda - pip)}"
    )


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(x for x in env["dependencies"] if isinstance(x, dict))["pip"]
    assert pip[-1] == "-e ."


def test_notebooks_name_the_kernel_and_have_no_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks"
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text())
        assert nb["metadata"]["kernelspec"]["name"] == KERNEL_NAME, nb_path.name
        tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
        assert len(tagged) == 1, f"{nb_path.name}: needs exactly one cell tagged 'parameters'"
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert not cell["outputs"] and cell["execution_count"] is None, (
                    f"{nb_path.name} is committed with outputs"
                )


def test_every_section_has_a_notebook():
    from exo_industry.sections import all_sections

    stems = {p.stem for p in (ROOT / "notebooks").glob("*.ipynb")}
    for sec in all_sections():
        assert sec.NOTEBOOK in stems, f"section {sec.NAME} names missing notebook {sec.NOTEBOOK}"
