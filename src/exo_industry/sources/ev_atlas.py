"""EV atlas: the CSV source data of a 2026 review of extracellular vesicles (EVs) as drug
carriers and therapeutics (Chaudhari et al., Nature Reviews Bioengineering 2026,
doi:10.1038/s44222-026-00405-x; repository ``Ameya4229C/extracellular-vesicles-atlas``,
folder ``data/``, MIT licence).

The files are aggregate tables of the review's figures. The ones read here:

- ``articles_by_year`` (Fig 1a): EV articles per year, one column per category
  (Diagnostic, Therapeutic, Mechanistic, Method_Development), rows newest first;
- ``cell_source`` (Fig 1b): EV papers by cell source, total and therapeutic;
- ``drug_loading`` (Fig 3a): studies per drug-loading method (EVs as drug carriers);
- ``engineered_native`` (Fig 5d): one row per plotted study, engineered-EV categories
  (peptide, aptamer, protein, small molecule) and native EVs;
- ``clinical_overview`` (Fig 2a) and ``trial_doses`` (Fig 2b): share of EV clinical studies
  that give EVs, and the dosed EV trials with their NCT numbers.

The kind of a file is detected from its header, never from its name. The review does not
state the bibliographic database or query behind Fig 1a (its Fig 5d links point to Scopus).
There is no live route: the tables are published once, with the review.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .._lazy import pd
from ..errors import MalformedFile, MissingData, SourceError
from ..store import Entry, RawStore
from ._files import csv_frame, first_line, import_validated, require_columns, text_of

NAME = "ev_atlas"
TITLE = "EV atlas: source data of Chaudhari et al. 2026 (EVs as drug carriers and therapeutics)"
LICENCE = "MIT"
HOME = "https://github.com/Ameya4229C/extracellular-vesicles-atlas"
CITATION = (
    "Chaudhari et al., The status of extracellular vesicles as drug carriers and therapeutics, "
    "Nature Reviews Bioengineering (2026), doi:10.1038/s44222-026-00405-x; source data: "
    "github.com/Ameya4229C/extracellular-vesicles-atlas (data/, MIT)"
)
DOI_URL = "https://doi.org/10.1038/s44222-026-00405-x"
MIRROR = ("literature", "ev_atlas_chaudhari2026")

# kind -> (the header that identifies it, the numeric columns, the file name in the mirror)
KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], str]] = {
    "articles_by_year": (
        ("Year", "Diagnostic", "Therapeutic", "Mechanistic", "Method_Development"),
        ("Year", "Diagnostic", "Therapeutic", "Mechanistic", "Method_Development"),
        "Fig1a_Articles_by_Year_and_Category.csv",
    ),
    "cell_source": (
        ("Cell_Source", "Total_Papers", "Therapeutic_Papers"),
        ("Total_Papers", "Therapeutic_Papers"),
        "Fig1b_Articles_by_Cell_Source.csv",
    ),
    "clinical_overview": (("Type", "Percentage"), (), "Fig2a_Clinical_Studies_Overview.csv"),
    "trial_doses": (
        ("NCT_Number", "Study_Title", "EV_Source", "Plotted_Value", "Plotted_Route"),
        (),
        "Fig2b_Clinical_Trial_Doses.csv",
    ),
    "drug_loading": (
        ("Loading_Method", "Number_of_Studies"),
        ("Number_of_Studies",),
        "Fig3a_Drug_Loading_Methods.csv",
    ),
    "engineered_native": (
        ("category", "subtype", "value", "doi"),
        ("value",),
        "Fig5d_Engineered_vs_Native.csv",
    ),
}
NATIVE = "Native EVs"  # Fig 5d's category for unmodified EVs; every other category is engineered


# --------------------------------------------------------------------------- parsing
def detect_kind(text: str, name: str) -> str:
    """The kind whose identifying columns open the file's header."""
    header = tuple(next(csv.reader([first_line(text)]), []))
    for kind, (cols, _, _) in KINDS.items():
        if header[: len(cols)] == cols:
            return kind
    raise MalformedFile(
        f"{name} is not an EV atlas table: its header starts {', '.join(header[:5]) or '(nothing)'}; "
        f"expected one of: " + "; ".join(", ".join(c[:3]) for c, _, _ in KINDS.values())
    )


def _numeric(df: pd.DataFrame, cols: tuple[str, ...], name: str) -> pd.DataFrame:
    for c in cols:
        values = pd.to_numeric(df[c], errors="coerce")
        bad = df.loc[values.isna() | (values < 0), c]
        if len(bad):
            raise MalformedFile(
                f"{name}: column {c} must hold non-negative numbers; row {int(bad.index[0]) + 2} "
                f"has {bad.iloc[0]!r}"
            )
        df[c] = values
    return df


def parse(kind: str, text: str, name: str) -> pd.DataFrame:
    """The table of one kind, with its numeric columns checked (a bad cell names its row)."""
    if kind not in KINDS:
        raise MalformedFile(f"{name}: unknown EV atlas kind {kind!r}")
    cols, numeric, _ = KINDS[kind]
    df = csv_frame(text, name, dtype=str, keep_default_na=False)
    require_columns(df, list(cols), name)
    if df.empty:
        raise MalformedFile(f"{name} has a header but no rows")
    df = _numeric(df, numeric, name)
    if kind == "articles_by_year":
        df["Year"] = df["Year"].astype(int)
        if df["Year"].duplicated().any():
            raise MalformedFile(
                f"{name}: year {int(df.loc[df['Year'].duplicated(), 'Year'].iloc[0])} repeats"
            )
        df = df.sort_values("Year").reset_index(drop=True)
    return df


# --------------------------------------------------------------------------- import
def import_files(store: RawStore, files: list[Path]) -> list[Entry]:
    """Validate every file first, then store them all (a bad file stores nothing)."""

    def check(path: Path, data: bytes) -> dict:
        text = text_of(data, path.name)
        kind = detect_kind(text, path.name)
        parse(kind, text, path.name)
        return {"kind": kind, "licence": LICENCE, "citation": CITATION}

    return import_validated(store, NAME, files, check)


def mirror_files(shared: Path) -> list[Path]:
    base = Path(shared).joinpath(*MIRROR)
    return [base / f for _, _, f in KINDS.values() if (base / f).is_file()]


# --------------------------------------------------------------------------- loaders
def load(store: RawStore, kind: str) -> tuple[pd.DataFrame, list[Entry]]:
    """The newest stored table of one kind and its entry; MissingData when none is stored."""
    found = store.find(NAME, kind)
    if not found:
        raise MissingData(
            f"the raw store has no EV atlas {kind} table", hint="`exo-industry import ev_atlas --mirror`"
        )
    entry = max(found, key=lambda e: (e.provenance.retrieved_at, e.name))
    return parse(kind, text_of(store.read_bytes(entry), entry.name), entry.name), [entry]


# --------------------------------------------------------------------------- live
def add_fetch_arguments(parser) -> None:
    pass


def fetch(store: RawStore, **options) -> list[Entry]:
    raise SourceError(
        "the EV atlas has no live route: its tables were published once, with the review",
        hint="download data/*.csv from the repository and run `exo-industry import ev_atlas FILE...`",
    )
