"""Tests that read the offline mirror get the ``shared`` marker from conftest (by the fixture
they use or their call of ``need_shared``), so `-m "not shared"` runs what needs no mirror."""

import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _collected(marker: str, *files: str) -> str:
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--collect-only", "-m", marker]
    out = subprocess.run(
        cmd + [str(TESTS / f) for f in files], capture_output=True, text=True, cwd=TESTS.parent
    )
    return out.stdout


def test_mirror_tests_carry_the_shared_marker():
    shared = _collected("shared", "test_provenance.py", "test_wpp.py", "test_contract.py")
    assert "test_provenance.py::test_mirror_reproduces_committed_processed_data" in shared
    assert "test_contract.py::test_claim_ids_are_those_of_claims_md" in shared
    assert "test_contract.py::test_contract_names_what_is_missing" not in shared
    plain = _collected("not shared", "test_provenance.py", "test_contract.py")
    assert "test_provenance.py::test_mirror_reproduces_committed_processed_data" not in plain
    assert "test_contract.py::test_contract_names_what_is_missing" in plain
