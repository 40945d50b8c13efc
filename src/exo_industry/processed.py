"""Derived tables in ``data/processed``: written deterministically, read by the notebooks.

Determinism: rows sorted by the table's key, floats printed with a fixed number of
decimals, ``\\n`` line ends, UTF-8, no index. The same inputs give the same bytes.

``manifest.json`` names, for every output, its sha256, the section that made it and
the raw inputs (source, file, sha256) it was made from.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from ._lazy import pd
from .config import paths
from .errors import MissingData
from .store import Entry, atomic_write_text, sha256_bytes


def table_csv(df: pd.DataFrame, sort_by: list[str] | None = None, decimals: int = 3) -> str:
    if sort_by:
        df = df.sort_values(sort_by, kind="mergesort")
    buf = io.StringIO()
    df.to_csv(buf, index=False, lineterminator="\n", float_format=f"%.{decimals}f")
    return buf.getvalue()


def processed_dir() -> Path:
    return paths().processed


def read_table(name: str, **kw) -> pd.DataFrame:
    """A processed table by name (``aging_share`` reads ``data/processed/aging_share.csv``)."""
    path = processed_dir() / f"{name}.csv"
    if not path.exists():
        raise MissingData(
            f"processed table {name!r} not found at {path}",
            hint="run `exo-industry process` after importing or fetching the section's sources",
        )
    return pd.read_csv(path, **kw)


def read_manifest() -> dict:
    path = paths().manifest
    if not path.exists():
        return {"outputs": {}}
    return json.loads(path.read_text(encoding="utf-8"))


def input_record(entry: Entry, known: dict | None = None) -> dict:
    """The manifest's record of one raw input. ``known`` maps (source, file, sha256) to the
    ``retrieved_at`` recorded before: the same bytes imported or fetched again keep their first
    date, so that rebuilding from unchanged data leaves the manifest byte-identical."""
    p = entry.provenance
    retrieved = (known or {}).get((p.source, entry.name, p.sha256), p.retrieved_at)
    return {
        "source": p.source,
        "kind": p.kind,
        "file": entry.name,
        "sha256": p.sha256,
        "route": p.route,
        "release": p.release,
        "licence": p.licence,
        "retrieved_at": retrieved,
        "origin": p.url or p.original_name,
    }


def write_manifest(manifest: dict) -> None:
    manifest = {
        "outputs": dict(sorted(manifest.get("outputs", {}).items())),
        "sections": dict(sorted(manifest.get("sections", {}).items())),
    }
    atomic_write_text(
        paths().manifest, json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    )


def known_retrievals(manifest: dict) -> dict:
    """(source, file, sha256) -> retrieved_at, for every input the manifest records."""
    known = {}
    for rec in manifest.get("outputs", {}).values():
        for i in rec.get("inputs", []):
            if isinstance(i, dict) and i.get("retrieved_at"):
                known[(i.get("source"), i.get("file"), i.get("sha256"))] = i["retrieved_at"]
    return known


def record_output(
    manifest: dict, name: str, text: str, section: str, inputs: list[Entry], known: dict | None = None
) -> None:
    records = (input_record(e, known) for e in inputs)
    manifest.setdefault("outputs", {})[name] = {
        "section": section,
        "sha256": sha256_bytes(text.encode("utf-8")),
        "inputs": sorted(records, key=lambda r: (r["source"], r["file"])),
    }
