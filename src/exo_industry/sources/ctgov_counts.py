"""ClinicalTrials.gov count snapshots: hand-recorded totals of registry searches.

The one snapshot the offline mirror holds is ``clinicaltrials_ev_snapshot.json`` of
Liegertová & Malý (2026): the number of studies ClinicalTrials.gov returned on 2026-02-15
for EV/exosome terms, alone and combined with cancer, neurodegeneration and cardiac terms.
It is a set of counts, not of records; the trials section cites its numbers beside the
partial record sets. The file's ``summary_counts`` are read by key, never by position.

There is no live route: a fresh count is a live walk of the ``ctgov`` source
(``exo-industry fetch ctgov --term exosome ...``), which stores the records themselves.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..errors import MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import import_validated, text_of

NAME = "ctgov_counts"
TITLE = "ClinicalTrials.gov search counts (hand-recorded snapshot)"
LICENCE = "CC BY 4.0"
HOME = "https://github.com/MichaLie/ev-negative-space-framework"
CITATION = (
    "Liegertová M, Malý J (2026), 'A Reproducible Framework for Mapping Translational Negative Space in "
    "Extracellular Vesicle Research', data file clinicaltrials_ev_snapshot.json (ClinicalTrials.gov "
    "searches of 2026-02-15), repository MichaLie/ev-negative-space-framework, commit d826654b; CC BY 4.0"
)
KIND = "count_snapshot"
MIRROR = ("clinical_trials", "ev_trial_counts_snapshot_MichaLie", "clinicaltrials_ev_snapshot.json")


def parse(text: str, name: str) -> dict:
    """``{"date": ..., "counts": {key: int}}`` from one snapshot file (bad content names the key)."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise MalformedFile(f"{name} is not complete JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("summary_counts"), dict):
        raise MalformedFile(f"{name} is not a count snapshot: no 'summary_counts' object")
    date = str(doc.get("snapshot_date", ""))
    if len(date) != 10 or date[4] != "-" or date[7] != "-":
        raise MalformedFile(f"{name}: snapshot_date {date!r} is not a date YYYY-MM-DD")
    counts = {}
    for key, value in doc["summary_counts"].items():
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise MalformedFile(f"{name}: count {key!r} must be a non-negative whole number, not {value!r}")
        counts[key] = value
    if not counts:
        raise MalformedFile(f"{name}: 'summary_counts' is empty")
    return {"date": date, "counts": counts}


def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    def check(path: Path, data: bytes) -> dict:
        snap = parse(text_of(data, path.name), path.name)
        notes = f"{len(snap['counts'])} counts of {snap['date']}"
        return {"kind": KIND, "licence": LICENCE, "citation": CITATION, "notes": notes}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    path = Path(shared).joinpath(*MIRROR)
    return [path] if path.is_file() else []


def load(store: RawStore) -> tuple[dict, list[Entry]]:
    """The newest stored snapshot and its entry; MissingData when none is stored."""
    found = store.find(NAME, KIND)
    if not found:
        raise MissingData(
            "the raw store has no ClinicalTrials.gov count snapshot",
            hint="`exo-industry import ctgov_counts --mirror`",
        )
    entry = max(found, key=lambda e: (e.provenance.retrieved_at, e.name))
    return parse(text_of(store.read_bytes(entry), entry.name), entry.name), [entry]


def add_fetch_arguments(parser) -> None:
    pass


def fetch(store: RawStore, **options) -> list[Entry]:
    raise SourceError(
        "count snapshots have no live route: they were recorded by hand",
        hint="count the registry yourself with `exo-industry fetch ctgov --term exosome`",
    )
