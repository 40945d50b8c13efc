"""The raw store: provenance beside every file, checksums on read, atomic refresh."""

import json
import os

import pytest

from exo_industry.errors import IntegrityError, MissingData
from exo_industry.store import RawStore, sha256_bytes


def put(store, data=b"a,b\n1,2\n", name="t.csv", **kw):
    args = dict(kind="table", route="import", licence="CC BY 4.0", release="r1", original_name=name)
    args.update(kw)
    return store.put("demo", name, data, **args)


def test_put_writes_file_and_provenance(tmp_path):
    store = RawStore(tmp_path)
    e = put(store)
    assert e.path.read_bytes() == b"a,b\n1,2\n"
    prov = json.loads((tmp_path / "demo" / "t.csv.provenance.json").read_text())
    assert prov["sha256"] == sha256_bytes(b"a,b\n1,2\n")
    assert prov["size"] == 8 and prov["route"] == "import" and prov["licence"] == "CC BY 4.0"
    assert prov["retrieved_at"].endswith("Z")
    assert [x.name for x in store.entries()] == ["t.csv"]


def test_tampered_file_is_refused(tmp_path):
    store = RawStore(tmp_path)
    e = put(store)
    e.path.write_bytes(b"a,b\n1,3\n")
    with pytest.raises(IntegrityError, match="does not match its provenance"):
        store.read_bytes(store.entries()[0])


def test_failed_refresh_keeps_last_good_snapshot(tmp_path, monkeypatch):
    store = RawStore(tmp_path)
    put(store, b"old\n")
    real_replace = os.replace
    calls = []

    def crash_on_sidecar(src, dst):
        calls.append(dst)
        if str(dst).endswith(".provenance.json"):
            raise OSError("disk full")
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_sidecar)
    with pytest.raises(OSError):
        put(store, b"new\n")
    monkeypatch.setattr(os, "replace", real_replace)
    [e] = store.entries()
    assert store.read_bytes(e) == b"old\n"
    assert not list(tmp_path.glob("demo/*.new"))


def test_interrupted_rename_is_completed_on_next_read(tmp_path, monkeypatch):
    store = RawStore(tmp_path)
    put(store, b"old\n")
    real_replace = os.replace

    def crash_on_data(src, dst):
        if str(dst).endswith("t.csv"):
            raise KeyboardInterrupt  # stopped between the two renames
        return real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_data)
    with pytest.raises(KeyboardInterrupt):
        put(store, b"new\n")
    monkeypatch.setattr(os, "replace", real_replace)
    [e] = store.entries()  # reading finishes the rename
    assert store.read_bytes(e) == b"new\n"


def test_latest_names_what_to_do_when_missing(tmp_path):
    with pytest.raises(MissingData, match="exo-industry fetch wpp"):
        RawStore(tmp_path).latest("wpp", "popAge5dt")


def test_file_names_are_made_safe(tmp_path):
    e = put(RawStore(tmp_path), name="../../etc/passwd")
    assert e.path.parent == tmp_path / "demo"


def test_series_never_mix_two_queries(tmp_path):
    """Pages of an older fetch with other search terms are left out; imports always stay."""
    from exo_industry.store import newest_query_only

    store = RawStore(tmp_path)
    old_cn = put(
        store,
        b"1",
        name="cn.xml",
        route="live",
        query={"terms": ["exosome"], "country": "CN"},
        retrieved_at="2026-01-01T00:00:00Z",
    )
    new_us = put(
        store,
        b"2",
        name="us.xml",
        route="live",
        query={"terms": ["exosome", "extracellular vesicle"], "country": "US"},
        retrieved_at="2026-02-01T00:00:00Z",
    )
    new_cn = put(
        store,
        b"3",
        name="cn2.xml",
        route="live",
        query={"terms": ["exosome", "extracellular vesicle"], "country": "CN"},
        retrieved_at="2026-02-01T00:00:01Z",
    )
    imported = put(store, b"4", name="savedrecs.txt")
    kept, dropped = newest_query_only(store.entries("demo"), ("terms",))
    assert {e.name for e in kept} == {new_us.name, new_cn.name, imported.name}
    assert [e.name for e in dropped] == [old_cn.name]


def test_recovery_finishes_a_rename_only_when_the_checksum_matches(tmp_path):
    """Stopped between the two renames, but the pending data file is not what the (already
    swapped) sidecar describes, e.g. a torn write: recovery must drop it, not rename it in."""
    store = RawStore(tmp_path)
    put(store, b"old\n")
    put(store, b"new\n")  # the sidecar now describes b"new\n"
    folder = tmp_path / "demo"
    (folder / "t.csv.new").write_bytes(b"ne")  # a half-written pending file
    (folder / "t.csv").write_bytes(b"old\n")  # the data rename had not happened yet
    [e] = store.entries()
    assert not (folder / "t.csv.new").exists()
    assert e.path.read_bytes() == b"old\n", "a pending file that fails its checksum was renamed in"
    with pytest.raises(IntegrityError):
        store.read_bytes(e)  # old bytes under the new sidecar: refused, never passed on


def test_atomic_write_never_writes_in_place(tmp_path, monkeypatch):
    """Stopped before the rename (power cut, Ctrl-C), the target keeps every old byte."""
    from exo_industry import store as store_mod

    target = tmp_path / "out" / "table.csv"
    store_mod.atomic_write_bytes(target, b"old,table\n")
    inode = target.stat().st_ino

    def stop(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", stop)
    with pytest.raises(KeyboardInterrupt):
        store_mod.atomic_write_bytes(target, b"new,table,much longer than the old one\n")
    monkeypatch.undo()
    assert target.read_bytes() == b"old,table\n" and target.stat().st_ino == inode
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]  # no half-written copy
    store_mod.atomic_write_bytes(target, b"new\n")
    assert target.read_bytes() == b"new\n" and target.stat().st_ino != inode
    assert sorted(p.name for p in target.parent.iterdir()) == ["table.csv"]
