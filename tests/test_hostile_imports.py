"""Import routes under hostile files, each built here (in tmp_path) from real mirror files:
re-encoded, cut short, renamed, replaced by folders and link loops. Every case exits with
status 2 and a message naming the file (and line or encoding), and leaves the raw store's
previous files byte-identical."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from exo_industry.cli import main
from helpers import need_shared

CTGOV_JSON = ("clinical_trials", "fixtures_ctgov_website_export_dgg32", "ctg-studies.json")
CTGOV_CSV = (
    "clinical_trials",
    "msc_trials_ctgov_csv_export_jesnyder",
    "mesenchymal stem OR mesenchymal stromal.csv",
)
OWID_CSV = ("ncd", "owid_ihme_gbd2017_deaths_by_cause_category", "deaths-by-cause-category-stacked.csv")
WDI_CSV = ("demography", "wdi_population_2025", "API_SP.POP.TOTL_DS2_en_csv_v2_389828.csv")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def raw_state() -> dict:
    """Every file of the raw store (data and sidecars) with its bytes."""
    root = Path(os.environ["EXO_RAW"])
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def previous(iso_env, capsys):
    """A raw store that already holds one ctgov and one owid import (the 'previous files')."""
    studies = need_shared(*CTGOV_JSON)
    code, _, err = run(capsys, "import", "ctgov", studies)
    assert code == 0, err
    code, _, err = run(capsys, "import", "owid", need_shared(*OWID_CSV))
    assert code == 0, err
    state = raw_state()
    assert any(k.endswith("ctg-studies.json") for k in state)
    return state


def refused(capsys, previous, *argv) -> str:
    code, out, err = run(capsys, "import", *argv)
    assert code == 2, (out, err)
    assert "Traceback" not in err
    assert raw_state() == previous, "a refused import changed the raw store"
    return err


def gbk_encodable_studies() -> list:
    """The real export's studies whose text GBK can hold (it has no code for some accents)."""
    studies = json.loads(need_shared(*CTGOV_JSON).read_text(encoding="utf-8"))
    keep = []
    for s in studies:
        try:
            json.dumps(s, ensure_ascii=False).encode("gbk")
        except UnicodeEncodeError:
            continue
        keep.append(s)
    assert len(keep) >= 3
    return keep


# --------------------------------------------------------------------------- encodings
def test_gbk_json_is_refused_with_its_encoding_named(previous, tmp_path, capsys):
    studies = gbk_encodable_studies()
    text = json.dumps(studies, ensure_ascii=False, indent=2)
    assert any(not c.isascii() for c in text)  # the bytes really differ from UTF-8
    gbk = tmp_path / "ctg-studies-gbk.json"
    gbk.write_bytes(text.encode("gbk"))
    err = refused(capsys, previous, "ctgov", gbk)
    assert "ctg-studies-gbk.json is not UTF-8" in err and "GBK" in err and "line " in err
    # the same studies as UTF-8 are accepted and keep their characters
    utf8 = tmp_path / "ctg-studies-utf8.json"
    utf8.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "import", "ctgov", utf8)
    assert code == 0, err
    stored = Path(os.environ["EXO_RAW"]) / "ctgov" / "ctg-studies-utf8.json"
    assert stored.read_bytes() == utf8.read_bytes()


def studies_in(codec: str) -> list:
    """The real exports' studies that ``codec`` can hold, at least one of them not ASCII."""
    keep = []
    for f in ("ctg-studies.json", "ctg-studies(2).json"):
        for s in json.loads(need_shared(*CTGOV_JSON[:2], f).read_text(encoding="utf-8")):
            try:
                json.dumps(s, ensure_ascii=False).encode(codec)
            except UnicodeEncodeError:
                continue
            keep.append(s)
    assert any(not json.dumps(s, ensure_ascii=False).isascii() for s in keep)
    return keep


@pytest.mark.parametrize(
    "codec, bom, accepted, message",
    [
        ("utf-8", "\ufeff", True, None),
        ("utf-16", "", True, None),  # Python's utf-16 writes a byte-order mark
        ("utf-16-le", "", False, "NUL bytes"),  # UTF-16 without a byte-order mark
        ("utf-32", "", False, "UTF-32"),
        ("cp1252", "", False, "is not UTF-8"),  # Windows-1252: é is one byte
        ("big5", "", False, "is not UTF-8"),
    ],
)
def test_encodings_accepted_only_when_read_faithfully(
    previous, tmp_path, capsys, codec, bom, accepted, message
):
    text = bom + json.dumps(studies_in(codec), ensure_ascii=False)
    f = tmp_path / "studies.json"
    f.write_bytes(text.encode(codec))
    if accepted:
        code, _, err = run(capsys, "import", "ctgov", f)
        assert code == 0, err
        assert (Path(os.environ["EXO_RAW"]) / "ctgov" / "studies.json").read_bytes() == f.read_bytes()
    else:
        err = refused(capsys, previous, "ctgov", f)
        assert "studies.json" in err and message in err, err


# --------------------------------------------------------------------------- cut tables
def cut_mid_row(data: bytes, line_no: int, sep: bytes) -> bytes:
    """``data`` up to and including the first field of line ``line_no`` (1-based), cut right
    after that field's separator outside quotes: the last row has too few fields."""
    start = 0
    for _ in range(line_no - 1):
        start = data.index(b"\n", start) + 1
    i = start
    while True:
        i = data.index(sep, i) + 1
        if data[start:i].count(b'"') % 2 == 0:
            return data[:i]


@pytest.mark.parametrize(
    "source, parts, sep",
    [("owid", OWID_CSV, b","), ("ctgov", CTGOV_CSV, b","), ("worldbank", WDI_CSV, b",")],
    ids=["owid", "ctgov", "worldbank"],
)
def test_csv_cut_in_the_middle_of_a_row_is_refused(previous, tmp_path, capsys, source, parts, sep):
    real = need_shared(*parts)
    data = real.read_bytes()
    line_no = data.count(b"\n") // 2  # a row in the middle of the file
    f = tmp_path / real.name
    f.write_bytes(cut_mid_row(data, line_no, sep))
    err = refused(capsys, previous, source, f)
    assert f"{real.name}, line {line_no}:" in err and "field(s) where the header has" in err
    assert err.count(real.name) == 1 and "hint:" in err


def test_csv_cut_inside_a_quoted_field_is_refused(previous, tmp_path, capsys):
    real = need_shared(*CTGOV_CSV)
    data = real.read_bytes()
    at = data.index(b',"', len(data) // 2) + 4  # inside a quoted field half-way through the file
    f = tmp_path / real.name
    f.write_bytes(data[:at])
    err = refused(capsys, previous, "ctgov", f)
    assert real.name in err and "still open at the end of the file" in err


# --------------------------------------------------------------------------- names
def test_unicode_names_are_kept_and_distinct(previous, tmp_path, capsys):
    data = need_shared(*CTGOV_JSON).read_bytes()
    names = ["trial é.json", "trial 中.json", "中文.json"]
    for n in names:
        (tmp_path / n).write_bytes(data)
    code, _, err = run(capsys, "import", "ctgov", *(tmp_path / n for n in names))
    assert code == 0, err
    folder = Path(os.environ["EXO_RAW"]) / "ctgov"
    stored = {unicodedata.normalize("NFC", p.name) for p in folder.iterdir()}
    assert {"trial_é.json", "trial_中.json", "中文.json"} <= stored
    for original, n in zip(names, ("trial_é.json", "trial_中.json", "中文.json"), strict=True):
        assert (folder / n).read_bytes() == data
        side = json.loads((folder / (n + ".provenance.json")).read_text(encoding="utf-8"))
        assert side["original_name"] == original


@pytest.mark.parametrize(
    "first, second",
    [
        ("trial é.json", "trial_é.json"),  # a space and an underscore
        ("trial é.json", unicodedata.normalize("NFD", "trial_é.json")),  # composed and decomposed é
        ("Trial.json", "trial.json"),  # letter case (one file on macOS and Windows disks)
    ],
    ids=["space-underscore", "nfc-nfd", "case"],
)
def test_two_inputs_never_collapse_into_one_stored_name(previous, tmp_path, capsys, first, second):
    real = need_shared(*CTGOV_JSON)
    studies = json.loads(real.read_text(encoding="utf-8"))
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, b = tmp_path / "a" / first, tmp_path / "b" / second
    a.write_text(json.dumps(studies[:5]), encoding="utf-8")
    b.write_text(json.dumps(studies[5:]), encoding="utf-8")
    err = refused(capsys, previous, "ctgov", a, b)
    assert "would both be stored as" in err and str(a) in err and str(b) in err
    # one after the other: the second does not silently replace the first
    code, _, err = run(capsys, "import", "ctgov", a)
    assert code == 0, err
    after_first = raw_state()
    err = refused(capsys, after_first, "ctgov", b)
    assert "already holds the import of" in err and repr(first) in err


def test_reimporting_the_same_file_replaces_it(previous, capsys):
    """Refreshing a file under its own name is not a collision."""
    code, _, err = run(capsys, "import", "ctgov", need_shared(*CTGOV_JSON))
    assert code == 0, err


# --------------------------------------------------------------------------- paths
def test_directory_given_as_a_file_is_named(previous, tmp_path, capsys):
    d = tmp_path / "exports.csv"
    d.mkdir()
    err = refused(capsys, previous, "owid", d)
    assert f"{d} is a directory, not a file" in err and "no such file" not in err


def test_symlink_loop_is_named(previous, tmp_path, capsys):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.symlink_to(b)
    b.symlink_to(a)
    err = refused(capsys, previous, "owid", a)
    assert "symbolic link loop" in err and "no such file" not in err


def test_dangling_symlink_is_named(previous, tmp_path, capsys):
    a = tmp_path / "a.csv"
    a.symlink_to(tmp_path / "gone.csv")
    err = refused(capsys, previous, "owid", a)
    assert "symbolic link to a file that does not exist" in err


def test_missing_mirror_folder_is_reported_as_missing(iso_env, tmp_path, monkeypatch, capsys):
    shared = tmp_path / "shared"
    (shared / "demography").mkdir(parents=True)
    (shared / "patents").mkdir()
    monkeypatch.setenv("EXO_SHARED_DATA", str(shared))
    code, _, err = run(capsys, "import", "worldbank", "--mirror")
    assert code == 2 and "wdi_population_2025 is missing" in err and "no files" not in err
    code, _, err = run(capsys, "import", "epo_ops", "--mirror")
    assert code == 2 and "folder " + str(shared / "patents" / "epo_exosome_ev_cns_patents_NeuroCell") in err
    monkeypatch.setenv("EXO_SHARED_DATA", str(tmp_path / "nowhere"))
    code, _, err = run(capsys, "import", "wpp", "--mirror")
    assert code == 2 and "offline mirror was not found at" in err
    assert raw_state() == {}
