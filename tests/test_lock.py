"""The lock files pin what pyproject.toml allows, with hashes; environment.yml and the
installed environment carry the same versions."""

import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from sync_environment import canonical, lock_versions  # noqa: E402


def requirements(extras: bool) -> list[Requirement]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = [Requirement(r) for r in data["project"]["dependencies"]]
    if extras:
        for extra in data["project"].get("optional-dependencies", {}).values():
            reqs += [Requirement(r) for r in extra]
    return reqs


@pytest.mark.parametrize(("lock", "extras"), [("requirements.lock", False), ("requirements-test.lock", True)])
def test_lock_pins_a_version_pyproject_allows(lock, extras):
    versions = lock_versions(ROOT / lock)
    for req in requirements(extras):
        name = canonical(req.name)
        assert name in versions, f"{name} is in pyproject.toml but not in {lock}; run `make lock`"
        assert req.specifier.contains(versions[name], prereleases=True), (
            f"{lock} pins {name}=={versions[name]}, outside pyproject's {req.specifier}; run `make lock`"
        )


@pytest.mark.parametrize("lock", ["requirements.lock", "requirements-test.lock"])
def test_every_pin_is_exact_and_hashed(lock):
    text = (ROOT / lock).read_text(encoding="utf-8")
    blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2])
    assert len(blocks) > 20
    for block in blocks:
        head = block.splitlines()[0]
        assert re.match(r"^[A-Za-z0-9_.\-]+==[^\s;\\]+", head), f"not an exact pin: {head}"
        assert "--hash=sha256:" in block, f"no hash for {head}"


def test_runtime_lock_agrees_with_test_lock():
    runtime, full = lock_versions(ROOT / "requirements.lock"), lock_versions(ROOT / "requirements-test.lock")
    differ = {k: (v, full.get(k)) for k, v in runtime.items() if full.get(k) != v}
    assert not differ, f"the two lock files pin different versions: {differ}"


@pytest.mark.parametrize(
    ("env_file", "lock", "extras"),
    [
        ("environment.yml", "requirements.lock", False),
        ("environment-dev.yml", "requirements-test.lock", True),
    ],
)
def test_conda_files_pin_the_locked_versions(env_file, lock, extras):
    versions = lock_versions(ROOT / lock)
    env = yaml.safe_load((ROOT / env_file).read_text())
    items = [x for x in env["dependencies"] if isinstance(x, str)]
    items += [x for d in env["dependencies"] if isinstance(d, dict) for x in d.get("pip", [])]
    pins = dict(x.split("==", 1) for x in items if "==" in x)
    runtime = {canonical(r.name) for r in requirements(False)}
    expected = {canonical(r.name) for r in requirements(True)} - runtime if extras else runtime
    assert set(map(canonical, pins)) == expected, f"{env_file} does not pin exactly its dependencies"
    for name, version in pins.items():
        assert versions[canonical(name)] == version, f"{env_file} {name}=={version}, lock {versions[name]}"


def test_installed_direct_dependencies_are_the_locked_versions():
    """`make env` installs from the lock: what this interpreter has is what the lock names."""
    versions = lock_versions(
        ROOT / "requirements-test.lock", python=f"{sys.version_info[0]}.{sys.version_info[1]}"
    )
    wrong = {}
    for req in requirements(True):
        name = canonical(req.name)
        try:
            have = md.version(name)
        except md.PackageNotFoundError:
            have = None
        if have != versions.get(name):
            wrong[name] = (have, versions.get(name))
    assert not wrong, f"installed vs locked: {wrong}; run `make env` (it reinstalls when the lock changes)"
