"""Small WHO GHE summary workbooks for tests, laid out as WHO's: a 'Global <year>' sheet per year,
GHE codes in column A, the cause name indented by its outline label, the both-sexes all-ages
total under 'Both sexes' / 'Total (all ages)'."""

from __future__ import annotations

from pathlib import Path

# deaths in millions, by year (real GHE 2021 magnitudes, rounded)
DEFAULT = {
    2019: dict(comm=10.4, covid=0.0, ncd=42.0, inj=4.6, pan=0.0, cvd=18.6, cancer=9.5, crd=4.3, diab=1.5),
    2020: dict(comm=14.1, covid=4.06, ncd=42.7, inj=4.4, pan=0.86, cvd=19.0, cancer=9.5, crd=4.3, diab=1.6),
    2021: dict(comm=18.7, covid=8.7, ncd=43.3, inj=4.5, pan=1.84, cvd=19.2, cancer=9.8, crd=4.3, diab=1.6),
}


def rows_for(v: dict) -> list[tuple]:
    m = 1e6
    total = (v["comm"] + v["ncd"] + v["inj"] + v["pan"]) * m
    return [
        (0, None, "All Causes", None, None, None, total),
        (
            10,
            "I.",
            "Communicable, maternal, perinatal and nutritional conditions",
            None,
            None,
            None,
            v["comm"] * m,
        ),
        (395, None, None, "2.", "COVID-19", None, v["covid"] * m),
        (600, "II.", "Noncommunicable diseases", None, None, None, v["ncd"] * m),
        (610, None, "A.", "Malignant neoplasms", None, None, v["cancer"] * m),
        (800, None, "C.", "Diabetes mellitus", None, None, v["diab"] * m),
        (1100, None, "H.", "Cardiovascular diseases", None, None, v["cvd"] * m),
        (1170, None, "I.", "Respiratory diseases", None, None, v["crd"] * m),
        (1272, None, None, None, "b.", "Chronic kidney disease due to diabetes", 0.5 * m),
        (1273, None, None, None, "c.", "Other chronic kidney disease", 0.8 * m),
        (1510, "III.", "Injuries", None, None, None, v["inj"] * m),
        (1700, None, "C.", "Other\xa0COVID-19\xa0pandemic-related\xa0outcomes", None, None, v["pan"] * m),
    ]


def write(path: Path, years: dict | None = None, *, edit=None) -> Path:
    """Write a workbook; ``edit(sheet_rows, year)`` may change a sheet's rows before writing."""
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "Notes"
    for year, v in sorted((years or DEFAULT).items()):
        rows = [
            ("Global Health Estimates 2021: Estimated deaths by cause and region, 2000-2021",),
            (),
            ("Region:", None, None, None, None, "Global"),
            ("Year:", None, None, None, None, year),
            (),
            (None, None, None, None, None, "Sex", "Both sexes", "Male"),
            (None, None, None, None, None, "Age group", "Total (all ages)", None),
            ("Population (thousands)",),
            ("Code", "Cause of death"),
            *rows_for(v),
            ("Note: footnote text",),
        ]
        if edit:
            rows = edit(rows, year)
        ws = wb.create_sheet(f"Global {year}")
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path
