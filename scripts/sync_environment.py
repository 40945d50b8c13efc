"""Write environment.yml from pyproject.toml and requirements-test.lock (run by `make lock`).

Every direct dependency (runtime and the test extra) is pinned to the version the lock
file holds for Python 3.11, so a conda environment and a `make env` one carry the same
versions. mplfonts is not on conda-forge and comes through pip.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIP_ONLY = {"mplfonts"}
HEADER = """\
# Conda environment for exo_industry, written by `make lock` (scripts/sync_environment.py)
# from pyproject.toml and requirements-test.lock: the same versions as `make env` installs.
# tests/test_packaging.py checks that the three agree.
name: exo-industry
channels:
  - conda-forge
dependencies:
  - python=3.11
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


def direct_dependencies() -> list[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    reqs = list(data["project"]["dependencies"])
    for extra in data["project"].get("optional-dependencies", {}).values():
        reqs += extra
    return [canonical(re.split(r"[<>=!~ \[;]", r.strip(), maxsplit=1)[0]) for r in reqs]


def main() -> int:
    versions = lock_versions(ROOT / "requirements-test.lock")
    conda, pip = [], []
    for name in direct_dependencies():
        if name not in versions:
            sys.exit(f"{name} is not in requirements-test.lock; run `make lock`")
        (pip if name in PIP_ONLY else conda).append(f"{name}=={versions[name]}")
    text = HEADER + "".join(f"  - {c}\n" for c in conda) + "  - pip\n  - pip:\n"
    text += "      # Noto Sans CJK SC (Simplified Chinese glyph forms) ships in this PyPI package.\n"
    text += "".join(f"      - {p}\n" for p in pip) + "      - -e .\n"
    (ROOT / "environment.yml").write_text(text, encoding="utf-8")
    print(f"environment.yml: {len(conda)} conda and {len(pip)} pip pins from requirements-test.lock")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
