"""Helpers shared by the import routes: read a file, decode it strictly, check its table shape,
store it under a name that no other input shares. Anything that cannot be read faithfully is
refused with a message that names the file (and the line or encoding), before anything is stored.
"""

from __future__ import annotations

import codecs
import csv
import errno
import gzip
import io
import re
import stat
import unicodedata
from pathlib import Path

from .._lazy import pd
from ..errors import MalformedFile, MissingData
from ..store import safe_name

# Byte-order marks, longest first (the UTF-32 LE mark begins with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, None, "UTF-32"),
    (codecs.BOM_UTF32_BE, None, "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_XML_DECL = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_RESAVE = "save it as UTF-8 (or UTF-16 with a byte-order mark) and import it again"


# --------------------------------------------------------------------------- reading
def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; a directory, a link loop, a dangling link or a pipe is named as such."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise MalformedFile(
                f"{path} is a symbolic link loop: following it never reaches a file"
            ) from None
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            if path.is_symlink():
                raise MalformedFile(f"{path} is a symbolic link to a file that does not exist") from None
            raise MalformedFile(f"no such file: {path}") from None
        raise MalformedFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise MalformedFile(
            f"{path} is a directory, not a file", hint=f"name the files inside it, e.g. {path}/*.csv"
        )
    if not stat.S_ISREG(st.st_mode):
        raise MalformedFile(f"{path} is not a regular file (a pipe, socket or device)")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise MalformedFile(f"cannot read {path}: {exc.strerror or exc}") from None
    if not data.strip():
        raise MalformedFile(f"{path} is empty")
    return data


def _where(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    return f"byte 0x{data[offset]:02x} at line {line}"


def _looks_gbk(data: bytes) -> bool:
    """Chinese text in GB2312/GBK is pairs of bytes 0xA1-0xFE; other legacy encodings leave
    high bytes alone between ASCII ones (é in Windows-1252 is one byte)."""
    high = pairs = i = 0
    while i < len(data):
        if data[i] < 0x80:
            i += 1
            continue
        high += 1
        if 0xA1 <= data[i] <= 0xFE and i + 1 < len(data) and 0xA1 <= data[i + 1] <= 0xFE:
            pairs, i = pairs + 1, i + 2
        else:
            i += 1
    return high > 0 and pairs >= 0.9 * high


def _guess(data: bytes) -> str:
    """The most likely encoding of bytes that are not UTF-8, for the error message (a guess from
    the lines that hold non-ASCII bytes; the rest says nothing about the encoding)."""
    informative = b"\n".join(line for line in data.split(b"\n") if not line.isascii())[:1_000_000]
    if _looks_gbk(informative):
        return "; it looks like GBK/GB2312 (Chinese)"
    try:
        from charset_normalizer import from_bytes  # installed with requests
    except ImportError:  # pragma: no cover
        return ""
    matches = list(from_bytes(informative))
    if not matches:
        return "; it does not look like text in any known encoding"
    names = [codecs.lookup(m.encoding).name for m in matches]
    if "cp1252" in names and codecs.lookup(names[0]).name.startswith(("cp", "iso8859", "mac")):
        return "; it looks like Windows-1252 or another single-byte code page (a guess from its bytes)"
    return f"; it looks like {names[0].upper()} (a guess from its bytes)"


def _decode(data: bytes, codec: str, name: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise MalformedFile(
            f"{name} is not valid {label}: {_where(data, exc.start)} cannot be decoded", hint=_RESAVE
        ) from None


def text_of(data: bytes, name: str, declared: str | None = None) -> str:
    """Decode strictly: UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark;
    another encoding only when the file itself (an XML declaration) or ``declared`` names it.
    Anything else is refused with the encoding it seems to be in; nothing is guessed into text."""
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise MalformedFile(f"{name} is not a valid gzip file: {exc}") from None
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            if codec is None:
                raise MalformedFile(
                    f"{name} is {label}-encoded, which this importer does not read", hint=_RESAVE
                )
            return _decode(data, codec, name, label)
    m = _XML_DECL.match(data)
    declared = declared or (m.group(1).decode("ascii") if m else None)
    if declared:
        try:
            codecs.lookup(declared)
        except LookupError:
            raise MalformedFile(f"{name} declares the unknown character set {declared!r}") from None
        return _decode(data, declared, name, f"{declared} (the character set it declares)")
    if b"\x00" in data[:4096]:
        raise MalformedFile(
            f"{name} holds NUL bytes: it is UTF-16/UTF-32 without a byte-order mark, or not text",
            hint=_RESAVE,
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedFile(
            f"{name} is not UTF-8: {_where(data, exc.start)} cannot be decoded{_guess(data)}", hint=_RESAVE
        ) from None


def first_line(text: str) -> str:
    return text.lstrip("\ufeff").split("\n", 1)[0].strip().strip("\r")


# --------------------------------------------------------------------------- tables
def _count_fields(text: str, name: str, sep: str, quoting: int, line_offset: int, strict: bool) -> None:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=sep, quoting=quoting, strict=strict)
    width = None
    for row in reader:
        if not row:
            continue
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise MalformedFile(
                f"{name}, line {reader.line_num + line_offset}: {len(row)} field(s) where the header "
                f"has {width}",
                hint="the file may have been cut short or edited; download it again",
            )


def check_fields(
    text: str, name: str, sep: str = ",", quoting: int = csv.QUOTE_MINIMAL, line_offset: int = 0
) -> None:
    """Every row has as many fields as the header: a file cut in the middle of a row (or a row
    with a stray separator) is refused, naming the file and the line. Blank lines are skipped.
    A quoted field still open at the end of the file (a cut inside quotes) is refused too; a
    stray quote inside a field, which real exports hold and lenient readers accept, is not.
    ``line_offset``: lines that precede ``text`` in the file (so line numbers match the file)."""
    try:
        _count_fields(text, name, sep, quoting, line_offset, strict=True)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            raise MalformedFile(
                f"{name}: a quoted field is still open at the end of the file",
                hint="the file was cut short inside a quoted field; download it again",
            ) from None
        try:
            _count_fields(text, name, sep, quoting, line_offset, strict=False)
        except csv.Error as again:
            raise MalformedFile(f"{name} is not a well-formed table: {again}") from None


def csv_frame(text: str, name: str, sep: str = ",", line_offset: int = 0, **kw) -> pd.DataFrame:
    check_fields(text, name, sep, line_offset=line_offset)
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


# --------------------------------------------------------------------------- storing
def _stored_names(store, source: str, checked: list) -> list[str]:
    """The name each input will have in the store. Two inputs never share one (letter case
    included, for stores on case-insensitive disks), and an input never replaces a stored file
    that was imported under another original name."""
    names, seen = [], {}
    for path, _, kw in checked:
        stored = safe_name(kw.get("name") or path.name)
        other = seen.get(stored.casefold())
        if other is not None:
            raise MalformedFile(
                f"{other} and {path} would both be stored as {stored!r}",
                hint="rename one of them; names are kept as written except for spaces and punctuation",
            )
        seen[stored.casefold()] = path
        names.append(stored)
    existing = {e.name.casefold(): e for e in store.entries(source)}
    for (path, _, _), stored in zip(checked, names, strict=True):
        e = existing.get(stored.casefold())
        if e is None:
            continue
        before = e.provenance.original_name if e.provenance.route == "import" else None
        if e.name != stored or before is None or _nfc(before) != _nfc(path.name):
            held = f"the import of {before!r}" if before else f"{e.provenance.route} data ({e.name!r})"
            raise MalformedFile(
                f"{path} would be stored as {stored!r}, but the store already holds {held} there",
                hint=f"rename the file, or remove {e.path} and its provenance file first",
            )
    return names


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def import_validated(store, source: str, files, check) -> list:
    """Read and check every file, then store them all: a bad file stores nothing, and what is
    stored is exactly the bytes that were checked. ``check(path, data)`` raises
    :class:`MalformedFile` or returns the keyword arguments for ``store.import_file``
    (at least ``kind`` and ``licence``)."""
    checked, done = [], set()
    for path in map(Path, files):
        data = read_bytes(path)  # first: it names folders and link loops
        if path.resolve() in done:  # the same file named twice is one input
            continue
        done.add(path.resolve())
        checked.append((path, data, check(path, data)))
    names = _stored_names(store, source, checked)
    return [
        store.import_file(source, p, data=d, **{**kw, "name": n})
        for (p, d, kw), n in zip(checked, names, strict=True)
    ]


# --------------------------------------------------------------------------- mirror
def mirror_glob(folder: Path, *patterns: str) -> list[Path]:
    """Files of a mirror folder matching ``patterns``; a missing folder (or one without such
    files) is reported as such, not as a source without mirror files."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MissingData(
            f"the offline mirror folder {folder} is missing",
            hint="set EXO_SHARED_DATA to the folder that holds the complete mirror",
        )
    found = [p for pat in patterns for p in sorted(folder.glob(pat))]
    if not found:
        raise MissingData(f"the offline mirror folder {folder} holds no {' or '.join(patterns)} file")
    return found
