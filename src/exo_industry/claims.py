"""The claims ledger: one row per checked claim of the paper.

Ids and verdict words follow ``shared/paper/CLAIMS.md``. A section decides each claim
in a pure function that returns an :class:`Evidence` record (numbers, verdict, the named
thresholds it used); its ``text`` module renders the words in each language and
:func:`make_claim` joins the two into a :class:`Claim`, one ledger row. :func:`merge`
replaces one section's rows in ``data/processed/claims.csv`` and keeps the others, so
sections can be re-processed one at a time.

Which section owns which claim id is declared by the sections themselves
(``CLAIM_PREFIX`` and ``CLAIM_IDS``; see :mod:`exo_industry.sections`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ._lazy import pd
from .errors import BadParameter

VERDICTS = ("reproduced", "reproduced with caveat", "contradicted", "not checkable offline")
_CLAIM_ID = re.compile(r"^[a-z0-9]+\.[a-z0-9_]+$")


def _check_id_and_verdict(claim_id: str, verdict: str) -> None:
    if not _CLAIM_ID.match(str(claim_id)):
        raise BadParameter(f"claim id {claim_id!r} is not of the form <prefix>.<name>")
    if verdict not in VERDICTS:
        raise BadParameter(f"claim {claim_id}: verdict {verdict!r} is not one of {VERDICTS}")


@dataclass(frozen=True)
class Evidence:
    """What a claim's decision rests on: no prose, only numbers and the verdict.

    ``values`` are the numbers (and small facts: years, names) the verdict and the text
    use; ``thresholds`` are the named limits of the verdict rule that was applied. Both
    are read-only mappings.
    """

    claim_id: str
    verdict: str
    values: Mapping[str, Any] = field(default_factory=dict)
    thresholds: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self):
        _check_id_and_verdict(self.claim_id, self.verdict)
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))
        object.__setattr__(self, "thresholds", MappingProxyType(dict(self.thresholds)))

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


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
        _check_id_and_verdict(self.claim_id, self.verdict)


COLUMNS = [f.name for f in fields(Claim)]
TEXT_FIELDS = ("statement", "paper_value", "reproduced_value", "unit", "reason", "note")


def make_claim(
    evidence: Evidence,
    *,
    section: str,
    notebook: str,
    source: str,
    en: Mapping[str, str],
    zh: Mapping[str, str],
) -> Claim:
    """One ledger row from a decision and its rendered words.

    ``en`` must hold every field of :data:`TEXT_FIELDS`; ``zh`` holds ``statement`` (the
    paper's own words) and the fields whose Chinese differs (a missing one stays empty, and
    readers fall back to the English, as :func:`localized` does).
    """
    missing = [f for f in TEXT_FIELDS if f not in en]
    if missing or "statement" not in zh:
        raise BadParameter(f"claim {evidence.claim_id}: text missing for {missing or ['statement (zh)']}")
    return Claim(
        claim_id=evidence.claim_id,
        section=section,
        statement=zh["statement"],
        statement_en=en["statement"],
        paper_value=en["paper_value"],
        reproduced_value=en["reproduced_value"],
        unit=en["unit"],
        verdict=evidence.verdict,
        reason=en["reason"],
        source=source,
        note=en["note"],
        notebook=notebook,
        reason_zh=zh.get("reason", ""),
        note_zh=zh.get("note", ""),
        paper_value_zh=zh.get("paper_value", ""),
        reproduced_value_zh=zh.get("reproduced_value", ""),
        unit_zh=zh.get("unit", ""),
    )


def render_claims(records, text, *, section: str, notebook: str) -> list[Claim]:
    """Ledger rows for a section's decisions: ``text`` is the section's text module (``source(ev)``
    and ``render(ev, lang)``)."""
    return [
        make_claim(
            ev,
            section=section,
            notebook=notebook,
            source=text.source(ev),
            en=text.render(ev, "en"),
            zh=text.render(ev, "zh"),
        )
        for ev in records
    ]


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
    from .sections import claim_order  # the sections declare the ids they own

    order = {cid: i for i, cid in enumerate(claim_order())}
    # ids no section declares (a ledger from another version) keep their place, after the known ones
    rank = df["claim_id"].map(order).fillna(len(order))
    return df.assign(_o=rank).sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


def merge(existing: pd.DataFrame, claims: list[Claim]) -> pd.DataFrame:
    new = to_frame(claims)
    keep = existing[~existing["claim_id"].isin(new["claim_id"])] if len(existing) else existing
    return sort_ledger(pd.concat([keep, new], ignore_index=True)[COLUMNS].astype(str))


def ledger_csv(df: pd.DataFrame) -> str:
    buf = io.StringIO()
    df[COLUMNS].to_csv(buf, index=False, lineterminator="\n")
    return buf.getvalue()
