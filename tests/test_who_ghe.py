"""WHO GHE summary workbooks: the import route reads causes by GHE code, rejects malformed
workbooks naming the file and the sheet, and reproduces WHO's figures from the real file."""

from __future__ import annotations

import pytest

import ghe_workbook
from exo_industry.errors import MalformedFile
from exo_industry.sources import who_ghe
from exo_industry.store import RawStore
from helpers import need_shared


def test_parse_reads_by_code_not_position(tmp_path):
    def shuffle(rows, year):  # same causes, other row order: the result must not change
        head, body, foot = rows[:9], rows[9:-1], rows[-1:]
        return head + body[::-1] + foot

    a = who_ghe.parse(ghe_workbook.write(tmp_path / "a.xlsx").read_bytes(), "a.xlsx")
    b = who_ghe.parse(ghe_workbook.write(tmp_path / "b.xlsx", edit=shuffle).read_bytes(), "b.xlsx")
    key = ["year", "ghe_code"]
    assert a.sort_values(key).reset_index(drop=True).equals(b.sort_values(key).reset_index(drop=True))
    w = who_ghe.deaths_by_code(a, [0, 600, 1700])
    assert w.loc[2020, 600] == pytest.approx(42.7e6) and w.loc[2019, 1700] == 0
    assert set(a.year) == {2019, 2020, 2021}
    names = a.set_index(["year", "ghe_code"])["cause"]
    assert names[(2020, 1700)] == "Other COVID-19 pandemic-related outcomes"  # no-break spaces folded
    assert names[(2020, 610)] == "Malignant neoplasms"  # the outline label "A." is not the name


def _drop_code(code):
    return lambda rows, year: [r for r in rows if not (r and r[0] == code)] if year == 2020 else rows


def _no_total_column(rows, year):
    return [tuple("Female" if v == "Both sexes" else v for v in r) for r in rows]


def _text_value(rows, year):
    return [r[:6] + ("n/a",) if r and r[0] == 600 and year == 2021 else r for r in rows]


def _bad_sum(rows, year):
    return [r[:6] + (r[6] * 2,) if r and r[0] == 1510 and year == 2019 else r for r in rows]


@pytest.mark.parametrize(
    "edit, message",
    [
        (_drop_code(1100), r"sheet 'Global 2020'.*code\(s\) \[1100\] not found"),
        (_no_total_column, r"sheet 'Global 2019'.*'Both sexes' / 'Total \(all ages\)'"),
        (_text_value, r"sheet 'Global 2021'.*GHE code 600 has no number of deaths \('n/a'\)"),
        (_bad_sum, r"sheet 'Global 2019'.*top-level groups add up to"),
        (lambda rows, year: [r for r in rows if r[:1] != ("Code",)], r"sheet 'Global 2019'.*'Code'"),
    ],
)
def test_malformed_workbook_names_file_and_sheet(tmp_path, iso_env, edit, message):
    path = ghe_workbook.write(tmp_path / "bad.xlsx", edit=edit)
    store = RawStore()
    with pytest.raises(MalformedFile, match=r"bad\.xlsx, " + message):
        who_ghe.import_files(store, [path])
    assert not store.find(who_ghe.NAME, who_ghe.KIND)  # nothing stored


def test_not_a_workbook_and_no_year_sheets(tmp_path):
    fake = tmp_path / "fake.xlsx"
    fake.write_text("Code,Cause\n0,All\n")
    with pytest.raises(MalformedFile, match="fake.xlsx is not an xlsx workbook"):
        who_ghe.parse(fake.read_bytes(), fake.name)
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Summary"
    wb.save(tmp_path / "other.xlsx")
    with pytest.raises(MalformedFile, match=r"other.xlsx has no 'Global <year>' sheet \(sheets: Summary\)"):
        who_ghe.parse((tmp_path / "other.xlsx").read_bytes(), "other.xlsx")


def test_import_stores_release_and_load_reads_it(tmp_path, iso_env):
    store = RawStore()
    (entry,) = who_ghe.import_files(store, [ghe_workbook.write(tmp_path / "ghe.xlsx")])
    assert entry.provenance.release == "WHO GHE 2021" and entry.kind == who_ghe.KIND
    frame, entries, rnd = who_ghe.load(store)
    assert rnd == "GHE 2021" and len(frame) == 3 * 12 and entries == [entry]


@pytest.mark.shared
def test_real_workbook_gives_whos_figures(iso_env):
    path = need_shared("ncd", "who_ghe2021_global_deaths_by_cause", "ghe2021_deaths_global_new2.xlsx")
    assert who_ghe.mirror_files(path.parents[2]) == [path]
    frame = who_ghe.parse(path.read_bytes(), path.name)
    assert set(frame.year) == {2000, 2010, 2015, 2019, 2020, 2021}
    w = who_ghe.deaths_by_code(frame, [0, 395, 600, 1700]) / 1e6
    # SOURCE.md's cross-check values (World, both sexes, all ages)
    assert [round(w.loc[y, 0], 2) for y in (2019, 2020, 2021)] == [56.97, 62.00, 68.31]
    assert [round(w.loc[y, 600], 2) for y in (2019, 2020, 2021)] == [42.02, 42.66, 43.33]
    other = w[0] - w[395] - w[1700]
    assert [round(100 * w.loc[y, 600] / other[y], 1) for y in (2019, 2020, 2021)] == [73.8, 74.7, 75.0]
