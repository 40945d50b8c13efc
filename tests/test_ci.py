"""How the project is driven: the GitHub Actions workflow runs the README's two commands the way
.ci/run does, and `make help` lists every Makefile target with one line each."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"


def workflow_steps() -> list[dict]:
    wf = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    # PyYAML reads the bare key `on` as True (YAML 1.1); GitHub reads it as "on"
    assert wf.get("on", wf.get(True)), "the workflow has no trigger"
    (job,) = wf["jobs"].values()
    assert "ubuntu" in job["runs-on"]
    image = job["container"]["image"]
    assert image in ("debian:bookworm", "debian:12"), f"{image}: Debian 12 gives python3 3.11 and chromium"
    return job["steps"]


def test_workflow_runs_the_readme_commands_in_order():
    runs = [s["run"].strip() for s in workflow_steps() if "run" in s]
    makes = [r.split()[1] for r in runs if r.startswith("make ")]
    assert makes == ["all", "test"], runs
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert re.search(r"^make all\b", readme, re.M) and re.search(r"^make test\b", readme, re.M)


def test_workflow_installs_chromium_like_ci_run():
    installs = " ".join(s["run"] for s in workflow_steps() if "apt-get install" in s.get("run", ""))
    for pkg in ("chromium", "python3-venv", "make"):
        assert re.search(rf"(?<![\w-]){re.escape(pkg)}(?![\w-])", installs), pkg
    assert "chromium" in (ROOT / ".ci" / "run").read_text()


def _targets() -> list[str]:
    text = (ROOT / "Makefile").read_text()
    phony = re.search(r"^\.PHONY:(.*)$", text, re.M).group(1).split()
    defined = re.findall(r"^([A-Za-z][\w-]*):", text, re.M)
    assert set(phony) <= set(defined), f".PHONY names missing targets: {set(phony) - set(defined)}"
    assert defined[0] == "all", "`make` with no target must stay `make all`"
    return phony


def test_make_help_lists_every_target_once():
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    listed = [m.group(1) for m in re.finditer(r"^  ([\w-]+) +\S", out, re.M)]
    assert sorted(listed) == sorted(_targets()), out
    assert "PYTHON ?=" not in out  # not the Makefile's own lines
