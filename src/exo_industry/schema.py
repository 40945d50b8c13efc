"""The data dictionary: one declaration per processed table, and the Data Package made from it.

Each section declares its tables in ``sections/<name>/schema.py`` as ``SCHEMA = {table: Schema}``;
:func:`check_frame` holds every table the section writes to its declaration (columns in
order, allowed values), and :func:`write_package` turns all declarations, with the sources
and licences recorded in ``manifest.json``, into ``data/processed/datapackage.json`` (a
Frictionless Data Package, https://specs.frictionlessdata.io/data-package/).
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ._lazy import pd
from .config import paths
from .errors import ExoError
from .store import atomic_write_text

TYPES = ("string", "integer", "number", "boolean", "date")


class SchemaError(ExoError, ValueError):
    """A table does not match its declaration (a fault in the code: nothing is written)."""


@dataclass(frozen=True)
class Col:
    name: str
    type: str
    description: str
    unit: str | None = None
    enum: tuple | None = None  # the allowed values (missing values aside)
    required: bool = False  # never empty

    def __post_init__(self):
        if self.type not in TYPES:
            raise SchemaError(f"column {self.name!r}: type {self.type!r} is not one of {TYPES}")

    def field(self) -> dict:
        out = {"name": self.name, "type": self.type, "description": self.description}
        if self.unit:
            out["unit"] = self.unit
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.enum is not None:
            constraints["enum"] = list(self.enum)
        if constraints:
            out["constraints"] = constraints
        return out


@dataclass(frozen=True)
class Schema:
    description: str
    columns: tuple[Col, ...]
    key: tuple[str, ...] = ()  # the primary key (unique, never empty)

    def __post_init__(self):
        names = [c.name for c in self.columns]
        missing = [k for k in self.key if k not in names]
        if missing or len(set(names)) != len(names):
            raise SchemaError(f"schema {self.description!r}: key {missing} not among columns or repeats")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def table_schema(self) -> dict:
        out = {"fields": [c.field() for c in self.columns], "missingValues": [""]}
        if self.key:
            out["primaryKey"] = list(self.key)
        return out


def check_frame(name: str, schema: Schema, frame: pd.DataFrame) -> None:
    """Raise :class:`SchemaError` when ``frame`` differs from its declaration ``schema``."""
    if list(frame.columns) != schema.names:
        extra = [c for c in frame.columns if c not in schema.names]
        lacking = [c for c in schema.names if c not in frame.columns]
        raise SchemaError(
            f"table {name!r}: columns {list(frame.columns)} differ from the declared {schema.names}"
            f" (undeclared: {extra}, missing: {lacking})"
        )
    for col in schema.columns:
        if col.enum is None:
            continue
        values = frame[col.name].dropna()
        values = values[values.astype(str) != ""]  # written as an empty cell: a missing value
        bad = sorted({str(v) for v in values if v not in col.enum and str(v) not in map(str, col.enum)})
        if bad:
            raise SchemaError(
                f"table {name!r}: column {col.name!r} has values {bad} outside {list(col.enum)}"
            )


def section_schemas(section: str) -> dict[str, Schema]:
    """The ``SCHEMA`` declared beside a section's tables."""
    return importlib.import_module(f"exo_industry.sections.{section}.schema").SCHEMA


def _sources(inputs: Sequence[dict]) -> list[dict]:
    """One entry per raw file: source, release and file name (and its address when it is one)."""
    seen = {}
    for r in inputs:
        title = f"{r['source']} ({r.get('release') or r['kind']}): {r['file']}"
        entry = {"title": title}
        if str(r.get("origin") or "").startswith(("https://", "http://")):
            entry["path"] = r["origin"]
        seen.setdefault(title, entry)
    return [seen[t] for t in sorted(seen)]


def _licences(inputs: Sequence[dict]) -> list[dict]:
    names = sorted({r["licence"] for r in inputs if r.get("licence")})
    # name: the licence's short id (the text before any qualification), title: the whole text
    return [{"name": re.split(r" \(|;", n)[0].strip().replace(" ", "-"), "title": n} for n in names]


def resource(name: str, schema: Schema, record: dict | None, section: str) -> dict:
    inputs = (record or {}).get("inputs", [])
    out = {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "description": schema.description,
        "x-section": section,
        "schema": schema.table_schema(),
    }
    if record and record.get("sha256"):
        out["hash"] = f"sha256:{record['sha256']}"
    if inputs:
        out["sources"] = _sources(inputs)
        out["licenses"] = _licences(inputs)
    return out


def package(manifest: dict) -> dict:
    """The Data Package descriptor for everything declared (claims.csv included)."""
    from . import __version__
    from .sections import all_sections

    outputs = manifest.get("outputs", {})
    resources = []
    for sec in all_sections():
        for name, schema in sorted(section_schemas(sec.NAME).items()):
            if (paths().processed / f"{name}.csv").exists():
                resources.append(resource(name, schema, outputs.get(f"{name}.csv"), sec.NAME))
    claim_inputs = [i for k, v in sorted(outputs.items()) if k.startswith("claims:") for i in v["inputs"]]
    resources.append(resource("claims", CLAIMS, {"inputs": claim_inputs}, "all"))
    return {
        "profile": "tabular-data-package",
        "name": "exo-industry-processed",
        "title": "exo_industry: derived tables and claims ledger",
        "description": (
            "Tidy tables derived by `exo-industry process` from the raw store, and the claims ledger. "
            "Each resource lists the raw sources and licences it was made from (see manifest.json "
            "for their checksums)."
        ),
        "version": __version__,
        "licenses": [{"name": "MIT", "title": "MIT (code); each resource's sources keep their own licence"}],
        "resources": resources,
    }


def write_package() -> None:
    """Write ``datapackage.json`` beside the processed tables (sorted keys: same input, same bytes)."""
    from .processed import read_manifest

    text = json.dumps(package(read_manifest()), indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    atomic_write_text(paths().processed / "datapackage.json", text)


def _claims_schema() -> Schema:
    from .claims import VERDICTS

    s = "string"
    return Schema(
        "the claims ledger: one row per checked claim of the paper, with its verdict",
        (
            Col(
                "claim_id", s, "claim id, <section prefix>.<name> as in shared/paper/CLAIMS.md", required=True
            ),
            Col("section", s, "the paper's section number"),
            Col("statement", s, "the claim as the paper states it (Chinese)"),
            Col("statement_en", s, "the claim in English"),
            Col("paper_value", s, "the paper's figure, as text (English)"),
            Col("reproduced_value", s, "the figure this compendium reproduces, as text (English)"),
            Col("unit", s, "unit of paper_value and reproduced_value (English)"),
            Col("verdict", s, "the verdict", enum=VERDICTS, required=True),
            Col("reason", s, "why the verdict (English)"),
            Col("source", s, "the data the reproduced value comes from"),
            Col("note", s, "caveats and context (English)"),
            Col("notebook", s, "the notebook that decides and shows the claim"),
            Col("reason_zh", s, "why the verdict (Chinese)"),
            Col("note_zh", s, "caveats and context (Chinese)"),
            Col("paper_value_zh", s, "the paper's figure, as text (Chinese)"),
            Col("reproduced_value_zh", s, "the reproduced figure, as text (Chinese)"),
            Col("unit_zh", s, "unit (Chinese)"),
        ),
        key=("claim_id",),
    )


CLAIMS = _claims_schema()
