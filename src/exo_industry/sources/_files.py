"""Helpers shared by the import routes: read a file's head, detect its kind, reject clearly."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd

from ..errors import MalformedFile


def read_bytes(path: Path) -> bytes:
    path = Path(path)
    if not path.is_file():
        raise MalformedFile(f"no such file: {path}")
    data = path.read_bytes()
    if not data.strip():
        raise MalformedFile(f"{path} is empty")
    return data


def text_of(data: bytes, name: str, encodings=("utf-8-sig", "latin-1")) -> str:
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except OSError as exc:
            raise MalformedFile(f"{name} is not a valid gzip file: {exc}") from None
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise MalformedFile(f"{name} is not text in any of {encodings}")


def import_validated(store, source: str, files, check) -> list:
    """Read and check every file, then store them all: a bad file stores nothing, and what is
    stored is exactly the bytes that were checked. ``check(path, data)`` raises
    :class:`MalformedFile` or returns the keyword arguments for ``store.import_file``
    (at least ``kind`` and ``licence``)."""
    checked = []
    for path in map(Path, files):
        data = read_bytes(path)
        checked.append((path, data, check(path, data)))
    return [store.import_file(source, p, data=d, **kw) for p, d, kw in checked]


def first_line(text: str) -> str:
    return text.lstrip("\ufeff").split("\n", 1)[0].strip().strip("\r")


def csv_frame(text: str, name: str, sep: str = ",", **kw) -> pd.DataFrame:
    try:
        return pd.read_csv(io.StringIO(text), sep=sep, **kw)
    except (pd.errors.ParserError, ValueError) as exc:
        raise MalformedFile(f"{name} could not be read as a table: {exc}") from None


def require_columns(df: pd.DataFrame, needed: list[str], name: str) -> None:
    missing = [c for c in needed if c not in df.columns]
    if missing:
        raise MalformedFile(
            f"{name} lacks the column(s) {', '.join(missing)}; found: {', '.join(map(str, df.columns[:12]))}"
        )
