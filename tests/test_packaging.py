"""Packaging: the pip and conda dependency lists agree (runtime with runtime, test with test), the
licence is declared the SPDX way; notebooks name their kernel and are clean."""

import json
import re
import tomllib
from pathlib import Path

import yaml

from exo_industry.config import KERNEL_NAME

ROOT = Path(__file__).resolve().parents[1]


def _name(req: str) -> str:
    return re.split(r"[<>=!~ \[;]", req.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pyproject_deps() -> tuple[set[str], set[str]]:
    """(runtime dependencies, the test extra) named in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project.get("optional-dependencies", {})
    assert set(extras) == {"test"}, f"unexpected extras {sorted(extras)}: compare them with a conda file too"
    return set(map(_name, project["dependencies"])), set(map(_name, extras["test"]))


def conda_deps(file: str) -> set[str]:
    env = yaml.safe_load((ROOT / file).read_text())
    names = set()
    for item in env["dependencies"]:
        if isinstance(item, dict):
            names |= {_name(x) for x in item.get("pip", []) if not x.startswith("-e")}
        else:
            names.add(_name(item))
    return names - {"python", "pip"}


def _differ(a: set[str], b: set[str], a_name: str, b_name: str) -> str:
    return f"only in {a_name}: {sorted(a - b)}; only in {b_name}: {sorted(b - a)}"


def test_runtime_lists_agree():
    runtime, _ = pyproject_deps()
    conda = conda_deps("environment.yml")
    assert runtime == conda, _differ(runtime, conda, "pyproject dependencies", "environment.yml")


def test_test_lists_agree():
    _, test = pyproject_deps()
    conda = conda_deps("environment-dev.yml")
    assert test == conda, _differ(test, conda, "pyproject test extra", "environment-dev.yml")


def test_runtime_holds_no_test_tools():
    runtime, test = pyproject_deps()
    assert not runtime & test, f"in both runtime and test extra: {sorted(runtime & test)}"
    assert not runtime & {"pytest", "playwright", "ruff", "jsonschema"}


def test_environment_installs_the_package_itself():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(x for x in env["dependencies"] if isinstance(x, dict))["pip"]
    assert pip[-1] == "-e ."


def test_spdx_licence_and_licence_file():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert all((ROOT / f).is_file() for f in project["license-files"])
    assert "MIT License" in (ROOT / "LICENSE").read_text()


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
