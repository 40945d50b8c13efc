"""The claims ledger: one row per checked claim of the paper.

Ids and verdict words follow ``shared/paper/CLAIMS.md``. Each section's transform
returns :class:`Claim` objects; :func:`update_ledger` replaces that section's rows
in ``data/processed/claims.csv`` and keeps the others, so sections can be
re-processed one at a time.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import pandas as pd

from .errors import BadParameter

VERDICTS = ("reproduced", "reproduced with caveat", "contradicted", "not checkable offline")

# Every claim the compendium checks, in the paper's order (CLAIMS.md).
CLAIM_IDS = (
    "aging.share60",
    "aging.count60",
    "aging.rising",
    "ncd.share",
    "ncd.main4",
    "trials.oncology_most",
    "trials.china_preclinical",
    "trials.table1",
    "lit.china_vs_us",
    "lit.topics",
    "patents.rank",
)


@dataclass(frozen=True)
class Claim:
    claim_id: str
    section: str  # paper section, e.g. "1.1"
    statement: str  # the paper's own words (Chinese)
    statement_en: str  # an English rendering
    paper_value: str
    reproduced_value: str
    unit: str
    verdict: str
    reason: str  # one line, for tables
    source: str  # which data the reproduced value rests on
    note: str  # the full explanation
    notebook: str  # the notebook that shows the evidence
    reason_zh: str = ""  # the reason in Chinese, for the zh briefings (English is used where empty)
    note_zh: str = ""  # the note in Chinese
    paper_value_zh: str = ""  # the values and unit in Chinese, where they hold words
    reproduced_value_zh: str = ""
    unit_zh: str = ""

    def __post_init__(self):
        if self.claim_id not in CLAIM_IDS:
            raise BadParameter(f"unknown claim id {self.claim_id!r}; known: {', '.join(CLAIM_IDS)}")
        if self.verdict not in VERDICTS:
            raise BadParameter(f"claim {self.claim_id}: verdict {self.verdict!r} is not one of {VERDICTS}")


COLUMNS = [f.name for f in fields(Claim)]


def to_frame(claims: list[Claim]) -> pd.DataFrame:
    return pd.DataFrame([asdict(c) for c in claims], columns=COLUMNS)


def read_ledger(path: Path) -> pd.DataFrame:
    if not path.exists():
        return pd.DataFrame(columns=COLUMNS)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in COLUMNS:  # ledgers written before a column existed
        if col not in df:
            df[col] = ""
    return df[COLUMNS]


def localized(row, field: str, lang: str) -> str:
    """``reason`` / ``note`` / ``statement`` of a ledger row in the briefing's language."""
    if field == "statement":
        return row["statement"] if lang == "zh" else row["statement_en"]
    if lang == "zh" and row.get(f"{field}_zh"):
        return row[f"{field}_zh"]
    return row[field]


def sort_ledger(df: pd.DataFrame) -> pd.DataFrame:
    order = {cid: i for i, cid in enumerate(CLAIM_IDS)}
    return df.assign(_o=df["claim_id"].map(order)).sort_values("_o").drop(columns="_o").reset_index(drop=True)


def merge(existing: pd.DataFrame, claims: list[Claim]) -> pd.DataFrame:
    new = to_frame(claims)
    keep = existing[~existing["claim_id"].isin(new["claim_id"])] if len(existing) else existing
    return sort_ledger(pd.concat([keep, new], ignore_index=True)[COLUMNS].astype(str))


def ledger_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df[COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
