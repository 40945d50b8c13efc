"""Write environment.yml and environment-dev.yml from pyproject.toml and the lock files (run by
`make lock`).

environment.yml pins every runtime dependency, environment-dev.yml every package of the test
extra, to the version the lock files hold for Python 3.11, so a conda environment and a
`make env` one carry the same versions. Packages that conda-forge lacks or names otherwise come
through pip.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# mplfonts is not on conda-forge; conda-forge calls playwright "playwright-python".
PIP_ONLY = {"mplfonts", "playwright"}
PIP_NOTES = {
    "mplfonts": "Noto Sans CJK SC (Simplified Chinese glyph forms) ships in this PyPI package.",
    "playwright": "playwright drives Debian's chromium and downloads no browser of its own.",
}
RUNTIME_HEADER = """\
# Conda environment for exo_industry: runtime packages only, written by `make lock`
# (scripts/sync_environment.py) from pyproject.toml and requirements.lock, so it carries the
# versions `make env` installs. The test tools are in environment-dev.yml.
name: exo-industry
channels:
  - conda-forge
dependencies:
  - python=3.11
"""
DEV_HEADER = """\
# Test tools for the conda environment of environment.yml (the `test` extra of pyproject.toml),
# written by `make lock` from requirements-test.lock. Add them with
#   conda env update -n exo-industry -f environment-dev.yml
# The browser checks also need a Chromium on the PATH (Debian: apt-get install chromium).
name: exo-industry
channels:
  - conda-forge
dependencies:
"""


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lock_versions(path: Path, python: str = "3.11") -> dict[str, str]:
    """name -> version for the given Python (entries whose marker excludes it are skipped)."""
    from packaging.markers import Marker

    env = {
        "python_version": python,
        "python_full_version": f"{python}.0",
        "sys_platform": "linux",
        "platform_system": "Linux",
        "os_name": "posix",
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_machine": "x86_64",
    }
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$", line)
        if not m:
            continue
        name, version, marker = m.groups()
        if marker and not Marker(marker).evaluate(env):
            continue
        out[canonical(name)] = version
    return out


def dependencies(group: str) -> list[str]:
    """Canonical names of pyproject's runtime dependencies (``group="runtime"``) or of an extra."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    reqs = data["dependencies"] if group == "runtime" else data["optional-dependencies"][group]
    return [canonical(re.split(r"[<>=!~ \[;]", r.strip(), maxsplit=1)[0]) for r in reqs]


def render(header: str, names: list[str], versions: dict[str, str], install_self: bool) -> str:
    conda, pip = [], []
    for name in names:
        if name not in versions:
            sys.exit(f"{name} is not in the lock file; run `make lock`")
        (pip if name in PIP_ONLY else conda).append(name)
    text = header + "".join(f"  - {n}=={versions[n]}\n" for n in conda) + "  - pip\n  - pip:\n"
    for n in pip:
        text += f"      # {PIP_NOTES[n]}\n      - {n}=={versions[n]}\n"
    return text + ("      - -e .\n" if install_self else "")


def main() -> int:
    runtime = lock_versions(ROOT / "requirements.lock")
    full = lock_versions(ROOT / "requirements-test.lock")
    files = {
        "environment.yml": render(RUNTIME_HEADER, dependencies("runtime"), runtime, True),
        "environment-dev.yml": render(DEV_HEADER, dependencies("test"), full, False),
    }
    for name, text in files.items():
        (ROOT / name).write_text(text, encoding="utf-8")
        print(f"{name}: written from the lock files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
