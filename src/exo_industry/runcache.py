"""Which notebook runs, briefings and overviews can be reused, and the mark of a finished run.

A run of ``<stem>`` in ``<lang>`` is described by a *key*: everything its result depends on

- the notebook's source with outputs, counts and papermill metadata stripped;
- its parameters (the notebook's defaults merged with ``-p`` values) and language;
- the sha256 of every processed table it reads, and of the manifest records that its
  briefing's provenance footer shows;
- a hash of this package's own files (code, templates, section texts) and the versions of
  Python and of the libraries that draw figures and export HTML.

The read set of a notebook is what its section declares (``READS``, table names without
``.csv``) or, when it declares nothing, a conservative guess: every table the manifest
attributes to its section, every ``read_table("...")`` named in the notebook, and
``claims.csv`` (the claims cells read it).

The key is stored beside the executed notebook in ``<stem>.<lang>.key.json``, in the spirit
of jupyter-cache (which keys a cached execution by a hash of the notebook's code cells) and
papermill (which keeps a run's record in the notebook's own metadata). The sidecar is
written last, atomically, after papermill returned without error; it holds the executed
notebook's sha256, so it is also the run's *completion mark*: an executed notebook without
a matching sidecar (a run stopped by Ctrl-C, a crash, a hand edit) is never reused and never
exported.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sys
from importlib import metadata
from pathlib import Path

from .config import paths
from .store import atomic_write_text, sha256_bytes

KEY_VERSION = 2  # 2: the key names its outputs (the tag of non-default parameters)
PACKAGE_ROOT = Path(__file__).parent
PACKAGE_SUFFIXES = {".py", ".yaml", ".yml", ".css", ".j2", ".json", ".html", ".tpl", ".txt"}
# the libraries whose version can change a figure's bytes or a briefing's HTML
LIBRARIES = (
    "ipykernel",
    "matplotlib",
    "mplfonts",
    "nbconvert",
    "nbformat",
    "numpy",
    "pandas",
    "papermill",
    "pillow",
    "seaborn",
    "fonttools",
    "jinja2",
)
_READ_TABLE = re.compile(r"""read_table\(\s*["']([A-Za-z0-9_\-]+)["']""")


def _digest(obj) -> str:
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@functools.lru_cache(maxsize=None)
def package_hash(root: Path = PACKAGE_ROOT) -> str:
    """sha256 over the relative path and bytes of every source file of the installed package."""
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file() and p.suffix in PACKAGE_SUFFIXES and "__pycache__" not in p.parts:
            h.update(p.relative_to(root).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()


@functools.lru_cache(maxsize=None)
def environment() -> dict:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"python": sys.version.split()[0], **versions}


def notebook_source(path: Path) -> dict:
    """The parts of a notebook that decide what it computes: cell types, sources and tags."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    cells = [
        {
            "type": c.get("cell_type"),
            "source": "".join(c.get("source", [])) if isinstance(c.get("source"), list) else c.get("source"),
            "tags": sorted(c.get("metadata", {}).get("tags", [])),
        }
        for c in nb.get("cells", [])
    ]
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    return {"cells": cells, "kernel": kernel}


def read_set(stem: str, source: dict | None = None, manifest: dict | None = None) -> list[str]:
    """File names in ``data/processed`` that the notebook ``stem`` reads (see the module doc)."""
    from .processed import read_manifest
    from .sections import by_notebook

    section = by_notebook(stem)
    declared = getattr(section, "READS", None) if section is not None else None
    if declared is not None:
        names = {f"{n}.csv" if not n.endswith(".csv") else n for n in declared}
    else:
        manifest = manifest if manifest is not None else read_manifest()
        names = {
            name
            for name, rec in manifest.get("outputs", {}).items()
            if section is not None and rec.get("section") == section.NAME and not name.startswith("claims:")
        }
        src = source if source is not None else notebook_source(paths().notebooks / f"{stem}.ipynb")
        for cell in src["cells"]:
            names.update(f"{m}.csv" for m in _READ_TABLE.findall(cell["source"] or ""))
    names.add("claims.csv")
    return sorted(names)


def file_sha256(path: Path) -> str | None:
    try:
        return sha256_bytes(Path(path).read_bytes())
    except FileNotFoundError:
        return None


def _table_sha256(path: Path, hashes: dict | None) -> str | None:
    if hashes is None:
        return file_sha256(path)
    if path not in hashes:
        hashes[path] = file_sha256(path)
    return hashes[path]


def _footer_records(manifest: dict, section_names: list[str]) -> str:
    """Hash of the manifest records that a briefing's provenance footer is built from."""
    recs = {k: v for k, v in manifest.get("outputs", {}).items() if v.get("section") in section_names}
    return _digest(recs)


def run_key(stem: str, lang: str, parameters: dict, hashes: dict | None = None) -> dict:
    """Everything a run's executed notebook and briefing depend on (see the module doc).

    ``hashes``: the tables' checksums already taken in this planning pass, by path (most
    tables are read by both languages' runs, and claims.csv by every run). Nothing writes
    a table while a build plans, so a checksum holds for the whole pass."""
    from .execute import param_tag
    from .processed import read_manifest
    from .sections import by_notebook

    manifest = read_manifest()
    source = notebook_source(paths().notebooks / f"{stem}.ipynb")
    section = by_notebook(stem)
    processed = paths().processed
    return {
        "version": KEY_VERSION,
        "notebook": stem,
        "lang": lang,
        "source": _digest(source),
        "parameters": json.loads(json.dumps({**parameters, "lang": lang}, sort_keys=True, default=str)),
        "tag": param_tag(stem, parameters),  # names its notebook, figures and briefing
        "tables": {n: _table_sha256(processed / n, hashes) for n in read_set(stem, source, manifest)},
        "footer": _footer_records(manifest, [section.NAME] if section is not None else []),
        "package": package_hash(),
        "environment": environment(),
    }


def key_path(executed: Path) -> Path:
    executed = Path(executed)
    return executed.with_name(executed.name.removesuffix(".ipynb") + ".key.json")


def read_mark(executed: Path) -> dict | None:
    try:
        return json.loads(key_path(executed).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError, UnicodeDecodeError):
        return None


def clear_mark(executed: Path) -> None:
    """Remove a run's completion mark (done before a run starts, so a stopped run has none)."""
    key_path(executed).unlink(missing_ok=True)


def write_mark(executed: Path, key: dict, figures: dict, briefing: Path | None = None) -> None:
    """Mark ``executed`` as finished (written last, atomically)."""
    mark = {
        "key": key,
        "notebook_sha256": file_sha256(executed),
        "figures": figures,
        "briefing": {"name": briefing.name, "sha256": file_sha256(briefing)} if briefing else None,
    }
    atomic_write_text(
        key_path(executed), json.dumps(mark, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    )


def is_complete(executed: Path) -> bool:
    """True when ``executed`` was written by a run that finished (its mark matches its bytes)."""
    mark = read_mark(executed)
    return bool(mark) and mark.get("notebook_sha256") == file_sha256(executed)


def changed(old: dict | None, new: dict) -> str | None:
    """Why ``new`` differs from ``old`` (the first reason found), or None when they agree."""
    if old is None:
        return "no finished previous run"
    if old.get("version") != new["version"]:
        return "cache format changed"
    if old.get("source") != new["source"]:
        return "notebook source changed"
    if old.get("parameters") != new["parameters"]:
        keys = sorted(
            k
            for k in set(old.get("parameters", {})) | set(new["parameters"])
            if old.get("parameters", {}).get(k) != new["parameters"].get(k)
        )
        return "parameter " + ", ".join(keys) + " changed"
    if old.get("tag") != new.get("tag"):
        return "output names changed"
    tables = sorted(
        t
        for t in set(old.get("tables", {})) | set(new["tables"])
        if old.get("tables", {}).get(t) != new["tables"].get(t)
    )
    if tables:
        return "table " + ", ".join(tables) + " changed"
    if old.get("footer") != new["footer"]:
        return "provenance in the manifest changed"
    if old.get("package") != new["package"]:
        return "exo_industry's code or templates changed"
    if old.get("environment") != new["environment"]:
        diff = [k for k in new["environment"] if old.get("environment", {}).get(k) != new["environment"][k]]
        return "library versions changed (" + ", ".join(diff) + ")"
    return None


def figure_prefix(stem: str) -> str | None:
    """The name a notebook's figures start with (its section's ``NAME``), None for a notebook
    without a section. Planning calls this; build workers are handed the answer, because
    importing the sections (pandas, matplotlib) in a worker would keep its kernel waiting."""
    from .sections import by_notebook

    section = by_notebook(stem)
    return None if section is None else section.NAME


def figures_of(prefix: str | None, lang: str, since_ns: int, tag: str = "") -> dict[str, str]:
    """Figures a run wrote: files named ``<prefix>_*`` for ``lang`` (and parameter ``tag``),
    modified at or after ``since_ns``, in the run's figure folder (:func:`figure_prefix`)."""
    from .execute import figures_dir

    if prefix is None:
        return {}
    out = {}
    pattern = f"{prefix}_*.{tag}.{lang}.*" if tag else f"{prefix}_*.{lang}.*"
    for p in sorted(figures_dir(tag).glob(pattern)):
        if p.suffix in (".png", ".svg") and p.stat().st_mtime_ns >= since_ns:
            out[p.name] = file_sha256(p)
    return out


def reuse_problem(executed: Path, key: dict, briefing: Path | None) -> tuple[str | None, bool]:
    """(why the run must be redone or None, whether the briefing must be exported again)."""
    mark = read_mark(executed)
    if mark is None or not executed.exists():
        return "no finished previous run", True
    if mark.get("notebook_sha256") != file_sha256(executed):
        return "the executed notebook was changed or did not finish", True
    why = changed(mark.get("key"), key)
    if why:
        return why, True
    from .execute import figures_dir

    figs = figures_dir(key.get("tag") or "")
    for name, sha in (mark.get("figures") or {}).items():
        if file_sha256(figs / name) != sha:
            return f"figure {name} missing or changed", True
    if briefing is None:
        return None, False
    rec = mark.get("briefing") or {}
    stale = rec.get("name") != briefing.name or rec.get("sha256") != file_sha256(briefing)
    return None, stale


def overview_key(lang: str, briefings: list[Path]) -> dict:
    """What the overview of ``lang`` depends on: claims, key figures, provenance, briefings, code."""
    from .processed import read_manifest
    from .report import key_figure
    from .sections import all_sections

    sections = all_sections()
    figs = {s.NAME: key_figure(s, lang) for s in sections}
    key = {
        "version": KEY_VERSION,
        "lang": lang,
        "claims": file_sha256(paths().claims),
        "key_figures": {k: [p.name, file_sha256(p)] if p else None for k, p in figs.items()},
        "footer": _footer_records(read_manifest(), [s.NAME for s in sections]),
        "briefings": {p.name: file_sha256(p) for p in sorted(briefings)},
        "package": package_hash(),
        "environment": environment(),
    }
    return json.loads(json.dumps(key))  # as it reads back from the mark


def overview_mark_path(html_path: Path) -> Path:
    """An overview's key lives with the executed notebooks' keys (``build/notebooks``), so the
    briefings folder holds only what readers open: pages, PDFs and the index."""
    return paths().build / "notebooks" / (html_path.name.removesuffix(".html") + ".key.json")


def overview_fresh(html_path: Path, key: dict) -> bool:
    try:
        mark = json.loads(overview_mark_path(html_path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return mark.get("key") == key and mark.get("sha256") == file_sha256(html_path)


def mark_overview(html_path: Path, key: dict) -> None:
    text = json.dumps({"key": key, "sha256": file_sha256(html_path)}, indent=1, sort_keys=True)
    mark = overview_mark_path(html_path)
    mark.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(mark, text + "\n")
    key_path(html_path).unlink(missing_ok=True)  # where earlier versions kept it, beside the page
