"""README facts that code can check: the claims.csv columns and the accepted choice tokens."""

import csv
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(heading: str) -> str:
    start = README.index(heading)
    end = README.find("\n#", start + len(heading))
    return README[start : end if end > 0 else None]


def _ticked(text: str) -> set[str]:
    return {w.strip() for chunk in re.findall(r"`([^`]+)`", text) for w in chunk.split(",")}


def test_claims_ledger_columns_are_all_named():
    with open(ROOT / "data" / "processed" / "claims.csv", newline="", encoding="utf-8") as f:
        header = next(csv.reader(f))
    named = _ticked(_section("### Claims ledger"))
    assert set(header) <= named, f"README omits claims.csv columns {sorted(set(header) - named)}"


def test_parameter_table_uses_the_accepted_tokens():
    from exo_industry import bibliometrics as bib

    row04 = next(line for line in README.splitlines() if line.startswith("| 04 |"))
    ticked = _ticked(row04)
    for token in (*bib.CHINA_SCOPES, *bib.COUNTING_RULES):
        assert token in ticked, f"README row 04 does not name {token!r}"
