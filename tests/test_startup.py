"""What the build's own processes (the CLI, the fork server, the workers) import: no more
than they use (``_imports.py``)."""

import json
import subprocess
import sys

import pytest

CHECK = """import json, sys
{setup}
import nbformat
nb = nbformat.v4.new_notebook()
nb.cells.append(nbformat.v4.new_code_cell("x = 1"))
nbformat.validate(nb)
bad = nbformat.v4.new_notebook()
bad.cells.append({{"cell_type": "code", "source": "x"}})  # no metadata, outputs, execution_count
try:
    nbformat.validate(bad)
    rejected = False
except nbformat.ValidationError:
    rejected = True
names = {names!r}
print(json.dumps({{
    "loaded": sorted(n for n in names if sys.modules.get(n) is not None),
    "rejected": rejected,
}}))"""


# the optional packages behind jsonschema's "iri", "duration" and "uri" format checkers, which
# cost the most to import (1-4 s, 17 ms and 6 ms; see _imports.py)
COSTLY = ("rfc3987_syntax", "isoduration", "rfc3986_validator")


def _check(setup: str) -> dict:
    code = CHECK.format(setup=setup, names=COSTLY)
    run = [sys.executable, "-c", code]
    out = subprocess.run(run, capture_output=True, text=True, timeout=120, check=True)
    return json.loads(out.stdout)


def test_the_build_loads_no_format_checker_that_notebook_validation_does_not_use():
    plain = _check("")  # nbformat imported as any program would
    if not plain["loaded"]:
        pytest.skip(f"none of {COSTLY} is installed: nothing to skip")
    build = _check("import exo_industry.execute  # as the CLI and the workers import it")
    assert build["loaded"] == [], build
    assert build["rejected"] and plain["rejected"]  # notebooks are validated as before
