"""``process``: run each section's transform on the raw store and save what it derives.

load (raw store, checksums verified) -> process (section module) -> save (atomic,
deterministic CSV, claims rows, manifest with input checksums).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from . import claims as claims_mod
from . import processed, schema
from .config import paths
from .errors import IntegrityError, MissingData
from .sections import all_sections, get
from .store import RawStore, atomic_write_text

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    section: str
    status: str  # "processed", "up to date", "skipped"
    detail: str


def _considered(store: RawStore, section) -> list[str]:
    """Every raw file a section could read (all entries of its sources), as source/file@sha256,
    where the sha256 is the file's own (a file edited after it was stored counts as changed)."""
    entries = [e for src in section.SOURCES for e in store.entries(src)]
    actual = store.actual_sha256(entries)
    return sorted(f"{e.source}/{e.name}@{actual[e.path]}" for e in entries)


def _tampered(store: RawStore, section) -> list[str]:
    """Stored files of the section's sources whose bytes no longer match their provenance."""
    entries = [e for src in section.SOURCES for e in store.entries(src)]
    actual = store.actual_sha256(entries)
    return [f"{e.source}/{e.name}" for e in entries if actual[e.path] != e.provenance.sha256]


def _outputs_intact(manifest: dict, section: str) -> bool:
    from .store import sha256_bytes

    outs = {k: v for k, v in manifest.get("outputs", {}).items() if v.get("section") == section}
    if not outs:
        return False
    for name, rec in outs.items():
        if name.startswith("claims:"):
            continue
        path = paths().processed / name
        if not path.exists() or sha256_bytes(path.read_bytes()) != rec["sha256"]:
            return False
    return True


def stale_sections(store: RawStore | None = None) -> dict[str, str]:
    """Sections whose raw inputs differ from those the current outputs were made from.

    Sections with no raw data at all are not stale: their committed outputs stand.
    """
    store = store or RawStore()
    manifest = processed.read_manifest()
    stale = {}
    for sec in all_sections():
        considered = _considered(store, sec)
        if not considered:
            continue
        tampered = _tampered(store, sec)
        if tampered:
            stale[sec.NAME] = f"raw file {tampered[0]} no longer matches its recorded sha256"
        elif not _outputs_intact(manifest, sec.NAME):
            stale[sec.NAME] = "outputs missing or changed"
        elif manifest.get("sections", {}).get(sec.NAME, {}).get("considered") != considered:
            stale[sec.NAME] = "raw inputs changed"
    return stale


def process(
    sections: list[str] | None = None, store: RawStore | None = None, force: bool = False
) -> list[Outcome]:
    store = store or RawStore()
    mods = [get(s) for s in sections] if sections else all_sections()
    tampered = sorted({t for sec in mods for t in _tampered(store, sec)})
    if tampered:  # checked before any section is written
        raise IntegrityError(
            f"the raw file(s) {', '.join(tampered[:3])} no longer match their recorded sha256 "
            "(changed after they were stored)",
            hint="the raw store is never edited by hand; fetch or import the file(s) again",
        )
    stale = stale_sections(store)
    outcomes = []
    for sec in mods:
        has_raw = any(store.entries(src) for src in sec.SOURCES)
        if not has_raw:
            outcomes.append(
                Outcome(
                    sec.NAME, "skipped", f"no raw data for {', '.join(sec.SOURCES)}; committed outputs kept"
                )
            )
            continue
        if not force and sec.NAME not in stale:
            outcomes.append(
                Outcome(sec.NAME, "up to date", "raw inputs unchanged since the committed outputs")
            )
            continue
        try:
            result = sec.process(store)
        except MissingData as exc:
            outcomes.append(Outcome(sec.NAME, "skipped", f"{exc}; committed outputs kept"))
            continue
        save(sec.NAME, result, _considered(store, sec))
        outcomes.append(
            Outcome(sec.NAME, "processed", f"{len(result.tables)} tables, {len(result.claims)} claims")
        )
    return outcomes


def save(section: str, result, considered: list[str] | None = None) -> None:
    """Write a section's tables and claims, then the manifest and datapackage.json (all atomic).

    Every table must match its declaration in the section's ``schema.py``; nothing is
    written when one does not.
    """
    out_dir = paths().processed
    out_dir.mkdir(parents=True, exist_ok=True)
    declared = schema.section_schemas(section)
    for name, table in sorted(result.tables.items()):
        if name not in declared:
            raise schema.SchemaError(
                f"table {name!r} of section {section!r} is not declared in its schema.py"
            )
        schema.check_frame(name, declared[name], table.frame)
    manifest = processed.read_manifest()
    known = processed.known_retrievals(manifest)  # unchanged inputs keep their recorded date
    # forget this section's previous outputs (a table may have been dropped)
    manifest["outputs"] = {
        k: v for k, v in manifest.get("outputs", {}).items() if v.get("section") != section
    }
    for name, table in sorted(result.tables.items()):
        text = processed.table_csv(table.frame, table.sort_by, table.decimals)
        atomic_write_text(out_dir / f"{name}.csv", text)
        processed.record_output(manifest, f"{name}.csv", text, section, result.inputs, known)
    ledger = claims_mod.merge(claims_mod.read_ledger(paths().claims), result.claims)
    atomic_write_text(paths().claims, claims_mod.ledger_csv(ledger))
    own = claims_mod.ledger_csv(claims_mod.to_frame(result.claims))
    processed.record_output(manifest, f"claims:{section}", own, section, result.inputs, known)
    manifest.setdefault("sections", {})[section] = {"considered": considered or []}
    processed.write_manifest(manifest)
    schema.write_package()
