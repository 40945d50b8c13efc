"""The raw-data store: what each source returned, kept unedited, with provenance beside it.

Layout (owid/etl keeps a ``.dvc`` file beside each snapshot; we keep a JSON sidecar)::

    data/raw/<source>/<name>                     the bytes as received or imported
    data/raw/<source>/<name>.provenance.json     where they came from, and their sha256
    data/raw/<source>/snapshots/<key>.json       live route: which folder holds query <key>'s
                                                 current snapshot, and how many results it had
    data/raw/<source>/snapshots/<key>@<id>/      that snapshot's pages (p0001...), each with
                                                 its sidecar
    data/raw/<source>/.hashes.json               cache: sha256 by (size, mtime) of each file

Rules:
- a file is written only after its content has been validated by the caller, so a
  failed download or a malformed import never reaches the store;
- writes go to ``*.new`` files first, are flushed to disk, then renamed into place
  (sidecar first, data second). Reading finds a half-finished rename and completes it,
  so an interrupted refresh leaves either the old snapshot or the new one, never a mix;
- every read verifies the sha256 recorded in the sidecar;
- a live fetch writes one *snapshot* per query: all its pages go into a fresh folder, then
  the query's pointer file is replaced atomically, then the previous folder is removed. A
  reader sees exactly one snapshot per query, the old one or the new one; a snapshot with
  zero results is recorded (``results: 0``), which is not the same as no snapshot at all.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import os
import secrets
import shutil
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable

from . import __version__
from .config import paths
from .errors import BadParameter, IntegrityError, MissingData

SIDECAR_SUFFIX = ".provenance.json"
_NEW = ".new"
SNAPSHOTS = "snapshots"


@dataclass(frozen=True)
class Page:
    """One page of a live snapshot, before it is stored: its bytes and its provenance fields."""

    data: bytes
    url: str | None
    kind: str
    licence: str
    suffix: str = ".json"
    release: str | None = None
    citation: str | None = None
    query: dict = field(default_factory=dict)
    notes: str | None = None
    retrieved_at: str | None = None  # when the answer was fetched (a cached answer keeps its time)


def snapshot_key(prefix: str, query: dict) -> str:
    """A stable file-name key for one query: a readable prefix and a hash of the whole query."""
    digest = hashlib.sha256(json.dumps(query, sort_keys=True, default=str).encode("utf-8")).hexdigest()
    return f"{safe_name(prefix)[:80]}_{digest[:12]}"


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


_NAME_BYTES = 200  # room for ".provenance.json.new" within the usual 255-byte limit


def _keep(ch: str) -> bool:
    return ch in "._+-" or unicodedata.category(ch)[0] in "LNM"  # letters, digits, marks of any script


def safe_name(name: str) -> str:
    """A file name that is safe on every platform and still readable: letters and digits of every
    script are kept (``trial 中.json`` -> ``trial_中.json``); each run of other characters (folders,
    spaces, controls) becomes one ``_``. A name too long for the disk is cut and given a short
    hash of the full name, so that two long names stay distinct."""
    name = unicodedata.normalize("NFC", str(name))
    out, prev_bad = [], False
    for ch in name:
        bad = not _keep(ch)
        if not (bad and prev_bad):
            out.append("_" if bad else ch)
        prev_bad = bad
    cleaned = "".join(out).strip("._")
    if not cleaned:
        raise BadParameter(f"cannot make a file name out of {name[:80]!r}")
    if len(cleaned.encode("utf-8")) > _NAME_BYTES:
        stem, dot, ext = cleaned.rpartition(".")
        if not dot or len(ext) > 12:
            stem, ext = cleaned, ""
        tag = "~" + sha256_bytes(name.encode("utf-8"))[:10] + (f".{ext}" if ext else "")
        room = _NAME_BYTES - len(tag.encode("utf-8"))
        stem = stem.encode("utf-8")[:room].decode("utf-8", "ignore")
        cleaned = stem + tag
    return cleaned


@dataclass
class Provenance:
    source: str  # source module name, e.g. "wpp", "worldbank"
    kind: str  # what the file is within the source, e.g. "popAge5dt", "indicator_json"
    route: str  # "live" or "import"
    sha256: str
    size: int
    retrieved_at: str  # UTC, ISO 8601
    licence: str
    release: str | None = None  # upstream release or vintage, e.g. "WPP 2024"
    url: str | None = None  # live route: the request (secrets never included)
    original_name: str | None = None  # import route: the file's own name
    original_path: str | None = None  # import route: where it was read from
    query: dict = field(default_factory=dict)
    citation: str | None = None
    notes: str | None = None
    tool: str = f"exo_industry {__version__}"

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False, sort_keys=True) + "\n"

    @classmethod
    def from_file(cls, path: Path) -> "Provenance":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IntegrityError(f"provenance file {path} is damaged: {exc}", hint=_REDO) from None
        problem = _sidecar_problem(data)
        if problem:
            raise IntegrityError(f"provenance file {path} is damaged: {problem}", hint=_REDO)
        return cls(**data)


_REDO = "fetch or import the file again; the raw store is never edited by hand"
_TEXT = ("source", "kind", "route", "sha256", "retrieved_at", "licence", "tool")
_OPTIONAL_TEXT = ("release", "url", "original_name", "original_path", "citation", "notes")
_HEX64 = frozenset("0123456789abcdef")


def _json_type(value) -> str:
    names = {type(None): "null", bool: "true/false", int: "a number", float: "a number", str: "text"}
    return names.get(type(value), "a list" if isinstance(value, list) else "an object")


def _sidecar_problem(data) -> str | None:
    """What is wrong with a sidecar's fields (None if nothing): each field named, with the JSON
    type it has, so that ``sources`` can say which file and which field."""
    if not isinstance(data, dict):
        return f"it holds {_json_type(data)}, not an object"
    known = set(_TEXT) | set(_OPTIONAL_TEXT) | {"size", "query"}
    unknown = sorted(set(data) - known)
    if unknown:
        return f"unknown field(s) {', '.join(map(repr, unknown))}"
    missing = [k for k in (*_TEXT[:-1], "size") if k not in data]
    if missing:
        return f"field(s) {', '.join(map(repr, missing))} missing"
    for k in _TEXT:
        if k in data and not isinstance(data[k], str):
            return f"field {k!r} should be text, not {_json_type(data[k])}"
    for k in _OPTIONAL_TEXT:
        if data.get(k) is not None and not isinstance(data[k], str):
            return f"field {k!r} should be text or null, not {_json_type(data[k])}"
    if not isinstance(data["size"], int) or isinstance(data["size"], bool) or data["size"] < 0:
        return f"field 'size' should be a whole number of bytes, not {data['size']!r}"
    if not isinstance(data.get("query", {}), dict):
        return f"field 'query' should be an object, not {_json_type(data['query'])}"
    if len(data["sha256"]) != 64 or not set(data["sha256"]) <= _HEX64:
        return f"field 'sha256' should be 64 hexadecimal digits, not {data['sha256'][:80]!r}"
    if data["route"] not in ("live", "import"):
        return f"field 'route' should be 'live' or 'import', not {data['route'][:80]!r}"
    return None


@dataclass(frozen=True)
class Entry:
    """One stored file and its provenance."""

    path: Path
    provenance: Provenance

    @property
    def source(self) -> str:
        return self.provenance.source

    @property
    def kind(self) -> str:
        return self.provenance.kind

    @property
    def name(self) -> str:
        return self.path.name


@contextlib.contextmanager
def _folder_lock(folder: Path):
    """Serialise writers and the recovering reader of one source folder (POSIX advisory lock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no advisory locks; renames stay atomic
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _write_new(path: Path, data: bytes) -> Path:
    tmp = path.with_name(path.name + _NEW)
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    return tmp


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old or the new file, never part of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + _NEW)
    try:
        _write_new(path, data)
        os.replace(tmp, path)
    except BaseException:  # stopped or failed: leave the old file alone and no half-written copy
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class RawStore:
    def __init__(self, root: Path | None = None):
        self.root = Path(root) if root is not None else paths().raw

    # -- writing -------------------------------------------------------------------
    def put(
        self,
        source: str,
        name: str,
        data: bytes,
        *,
        kind: str,
        route: str,
        licence: str,
        release: str | None = None,
        url: str | None = None,
        original_name: str | None = None,
        original_path: str | None = None,
        query: dict | None = None,
        citation: str | None = None,
        notes: str | None = None,
        retrieved_at: str | None = None,
    ) -> Entry:
        if route not in ("live", "import"):
            raise BadParameter(f"route must be 'live' or 'import', not {route!r}")
        folder = self.root / safe_name(source)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / safe_name(name)
        prov = Provenance(
            source=source,
            kind=kind,
            route=route,
            sha256=sha256_bytes(data),
            size=len(data),
            retrieved_at=retrieved_at or utc_now(),
            licence=licence,
            release=release,
            url=url,
            original_name=original_name,
            original_path=original_path,
            query=dict(query or {}),
            citation=citation,
            notes=notes,
        )
        sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
        with _folder_lock(folder):
            data_tmp = _write_new(target, data)
            side_tmp = _write_new(sidecar, prov.to_json().encode("utf-8"))
            # Sidecar first: if we stop between the two renames, the sidecar describes the
            # ``.new`` data file, and _recover() finishes the job on the next read.
            os.replace(side_tmp, sidecar)
            os.replace(data_tmp, target)
            cache = _read_hashes(folder)
            cache[target.name] = _hash_record(target, prov.sha256)
            _write_hashes(folder, cache)
        return Entry(target, prov)

    def import_file(
        self,
        source: str,
        path: Path,
        *,
        kind: str,
        licence: str,
        name: str | None = None,
        data: bytes | None = None,
        **kw,
    ) -> Entry:
        """Store a downloaded file; ``data`` are its bytes when the caller has read (and checked) them."""
        path = Path(path)
        data = path.read_bytes() if data is None else data
        return self.put(
            source,
            name or path.name,
            data,
            kind=kind,
            route="import",
            licence=licence,
            original_name=path.name,
            original_path=str(path.resolve()),
            **kw,
        )

    # -- reading -------------------------------------------------------------------
    def _recover(self, target: Path) -> None:
        pending = target.with_name(target.name + _NEW)
        sidecar = target.with_name(target.name + SIDECAR_SUFFIX)
        side_pending = sidecar.with_name(sidecar.name + _NEW)
        if side_pending.exists():
            # The sidecar was never swapped in: the old snapshot is intact. Drop the half-write.
            side_pending.unlink()
            if pending.exists():
                pending.unlink()
            return
        if pending.exists() and sidecar.exists():
            prov = Provenance.from_file(sidecar)
            if sha256_file(pending) == prov.sha256:
                os.replace(pending, target)  # finish the interrupted rename
            else:
                pending.unlink()

    def entries(self, source: str | None = None, kind: str | None = None) -> list[Entry]:
        """Stored files, sorted by source and name (checksums are not verified here)."""
        if not self.root.is_dir():
            return []
        found = []
        folders = [self.root / source] if source else sorted(p for p in self.root.iterdir() if p.is_dir())
        for folder in folders:
            if not folder.is_dir():
                continue
            if any(folder.glob("*" + _NEW)):  # a write was interrupted (or is under way: wait for it)
                with _folder_lock(folder):
                    for pending in sorted(folder.glob("*" + _NEW)):
                        name = pending.name[: -len(_NEW)]
                        if name.endswith(SIDECAR_SUFFIX):
                            name = name[: -len(SIDECAR_SUFFIX)]
                        self._recover(folder / name)
            sidecars = sorted(folder.glob("*" + SIDECAR_SUFFIX))
            for snap in self.snapshots(folder.name):
                sidecars += sorted((folder / SNAPSHOTS / snap["dir"]).glob("*" + SIDECAR_SUFFIX))
            for sidecar in sidecars:
                target = sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)])
                if not target.exists():
                    continue
                prov = Provenance.from_file(sidecar)
                if kind is None or prov.kind == kind:
                    found.append(Entry(target, prov))
        return found

    # -- live snapshots ------------------------------------------------------------
    def snapshots(self, source: str) -> list[dict]:
        """The current snapshot of every query of a source (pointer files), sorted by key."""
        folder = self.root / safe_name(source) / SNAPSHOTS
        out = []
        for pointer in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            try:
                info = json.loads(pointer.read_text(encoding="utf-8"))
            except ValueError as exc:
                raise IntegrityError(f"snapshot pointer {pointer} is damaged: {exc}") from None
            if not (isinstance(info, dict) and isinstance(info.get("dir"), str) and "/" not in info["dir"]):
                raise IntegrityError(f"snapshot pointer {pointer} does not name a snapshot folder")
            out.append(info)
        return out

    def snapshot(self, source: str, key: str) -> dict | None:
        """The current snapshot of one query, or None when that query was never fetched."""
        return next((s for s in self.snapshots(source) if s.get("key") == key), None)

    def put_snapshot(
        self, source: str, key: str, pages: list[Page], *, results: int, query: dict
    ) -> list[Entry]:
        """Store every page of one query as a unit that replaces the query's previous snapshot.

        Pages are numbered here (p0001, p0002, ...), never from what a server said; ``results``
        is the number of records the pages hold (0 is recorded as a fetch with no results)."""
        key = safe_name(key)
        folder = self.root / safe_name(source)
        snaps = folder / SNAPSHOTS
        retrieved = utc_now()
        with _folder_lock(folder):
            snaps.mkdir(parents=True, exist_ok=True)
            new_dir = snaps / f"{key}@{retrieved.replace(':', '')}-{secrets.token_hex(4)}"
            new_dir.mkdir()
            entries = []
            for i, page in enumerate(pages, start=1):
                target = new_dir / f"{key}_p{i:04d}{page.suffix}"
                prov = Provenance(
                    source=source, kind=page.kind, route="live", sha256=sha256_bytes(page.data),
                    size=len(page.data), retrieved_at=page.retrieved_at or retrieved, licence=page.licence,
                    release=page.release, url=page.url, query=dict(page.query or query),
                    citation=page.citation, notes=page.notes,
                )  # fmt: skip
                os.replace(_write_new(target, page.data), target)
                side = target.with_name(target.name + SIDECAR_SUFFIX)
                os.replace(_write_new(side, prov.to_json().encode("utf-8")), side)
                entries.append(Entry(target, prov))
            pointer = {
                "key": key, "dir": new_dir.name, "pages": len(pages), "results": int(results),
                "retrieved_at": retrieved, "query": query,
            }  # fmt: skip
            atomic_write_text(
                snaps / f"{key}.json", json.dumps(pointer, indent=2, sort_keys=True, default=str)
            )
            _fsync_dir(snaps)
            for old in snaps.glob(f"{key}@*"):  # the replaced snapshot, and any orphan of a crash
                if old != new_dir and old.is_dir():
                    shutil.rmtree(old)
        return entries

    def verify(self, entry: Entry) -> Path:
        """Check the file against its recorded sha256 and return its path."""
        actual = sha256_file(entry.path)
        if actual != entry.provenance.sha256:
            raise IntegrityError(
                f"{entry.path} does not match its provenance (sha256 {actual[:12]}… recorded "
                f"{entry.provenance.sha256[:12]}…)",
                hint="the raw store is never edited by hand; fetch or import the file again",
            )
        return entry.path

    def actual_sha256(self, entries: Iterable[Entry]) -> dict[Path, str]:
        """The sha256 of each stored file as it is on disk now (not as its sidecar records it),
        cheaply: a file whose size and modification time match the last hashing keeps that hash;
        only the others are read and hashed again (and remembered in ``<source>/.hashes.json``)."""
        out, by_folder = {}, {}
        for e in entries:
            by_folder.setdefault(e.path.parent, []).append(e)
        for folder, group in by_folder.items():
            cache, changed = _read_hashes(folder), False
            for e in group:
                st = e.path.stat()
                rec = cache.get(e.name)
                if (
                    isinstance(rec, dict)
                    and rec.get("size") == st.st_size
                    and rec.get("mtime_ns") == st.st_mtime_ns
                ):
                    out[e.path] = rec.get("sha256")
                    continue
                out[e.path] = sha256_file(e.path)
                cache[e.name], changed = _hash_record(e.path, out[e.path], st), True
            if changed:
                _write_hashes(folder, cache)
        return out

    def read_bytes(self, entry: Entry) -> bytes:
        data = entry.path.read_bytes()
        if sha256_bytes(data) != entry.provenance.sha256:
            self.verify(entry)  # raises with the full message
        return data

    def latest(self, source: str, kind: str) -> Entry:
        """The one entry of a kind (the newest retrieval if several)."""
        found = self.entries(source, kind)
        if not found:
            raise MissingData(
                f"the raw store at {self.root} has no {source}/{kind} file",
                hint=f"run `exo-industry fetch {source}` or `exo-industry import {source} FILE...`",
            )
        return max(found, key=lambda e: (e.provenance.retrieved_at, e.name))

    def find(self, source: str, kind: str) -> list[Entry]:
        return self.entries(source, kind)


def put_grouped(
    store: "RawStore", source: str, groups: dict[str, tuple[dict, list[Page], int]]
) -> list[Entry]:
    """Store several queries' snapshots: ``groups`` maps key -> (query, pages, results)."""
    entries: list[Entry] = []
    for key, (query, pages, results) in groups.items():
        entries += store.put_snapshot(source, key, pages, results=results, query=query)
    return entries


_HASHES = ".hashes.json"


def _hash_record(path: Path, sha: str, st: os.stat_result | None = None) -> dict:
    st = st or path.stat()
    return {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _read_hashes(folder: Path) -> dict:
    try:
        cache = json.loads((folder / _HASHES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return cache if isinstance(cache, dict) else {}


def _write_hashes(folder: Path, cache: dict) -> None:
    """Best effort (it is only a cache): written whole and renamed, so readers never see half."""
    tmp = folder / f"{_HASHES}.{os.getpid()}.tmp"
    try:
        tmp.write_text(json.dumps(cache, indent=0, sort_keys=True), encoding="utf-8")
        os.replace(tmp, folder / _HASHES)
    except OSError:
        tmp.unlink(missing_ok=True)


def newest_query_only(entries: list[Entry], fields: tuple[str, ...]) -> tuple[list[Entry], list[Entry]]:
    """Keep the live entries whose query agrees on ``fields`` with the most recently retrieved
    live entry (imports are always kept), so that a series never mixes two different queries,
    e.g. counts fetched for other search terms last month. Returns (kept, dropped)."""
    live = [e for e in entries if e.provenance.route == "live"]
    if not live:
        return list(entries), []
    newest = max(live, key=lambda e: (e.provenance.retrieved_at, e.name))

    def key(e: Entry):
        return tuple(json.dumps(e.provenance.query.get(f), sort_keys=True) for f in fields)

    want = key(newest)
    kept = [e for e in entries if e.provenance.route != "live" or key(e) == want]
    return kept, [e for e in entries if e not in kept]


def describe(entries: Iterable[Entry]) -> list[dict]:
    """Rows for ``exo-industry sources``."""
    rows = []
    for e in entries:
        p = e.provenance
        rows.append(
            {
                "source": p.source,
                "file": e.name,
                "kind": p.kind,
                "route": p.route,
                "from": p.url or p.original_name or "",
                "retrieved": p.retrieved_at,
                "sha256": p.sha256[:12],
                "size": p.size,
                "licence": p.licence,
                "release": p.release or "",
            }
        )
    return rows
