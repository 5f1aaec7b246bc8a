"""What a workbook holds before a spreadsheet library reads it: how big it unpacks to, how
large its chosen sheet's grid is, its date system, and (ODS) its merged cells.

python-calamine reads a sheet into one dense grid spanning its first to its last cell: an
820 KB XLSX with one cell at A1 and one at XFD1048576 asks for 512 GiB and aborts the whole
process, which no ``except`` catches. So the archive is measured first, streaming and within
limits, and a workbook over them is refused before any library unpacks it.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO
from xml.etree import ElementTree

from qantar.errors import N_, InputError
from qantar.settings import DEFAULTS, ImportSettings

MB = 1 << 20
_CHUNK = 1 << 20
EXCEL_1900 = dt.date(1899, 12, 30)  # serial 61 is 1 March 1900: Excel counts a 29 Feb 1900
EXCEL_1904 = dt.date(1904, 1, 1)

# A merged range as python-calamine gives it: ((first row, first col), (last row, last col)),
# zero-based, in the sheet's own coordinates.
Merge = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True)
class ReadLimits:
    """Bounds on what one spreadsheet may unpack to (``[import]`` in qantar.toml). The
    defaults hold any real list (Excel's own sheet is 1,048,576 rows) on a laptop."""

    max_decompressed_mb: int = DEFAULTS.import_.max_decompressed_mb
    max_rows: int = DEFAULTS.import_.max_rows
    max_columns: int = DEFAULTS.import_.max_columns
    max_cells: int = DEFAULTS.import_.max_cells

    @classmethod
    def from_settings(cls, section: ImportSettings) -> ReadLimits:
        """The limits of ``[import]`` (checked when the project opened)."""
        return cls(**{name: getattr(section, name) for name in cls.__dataclass_fields__})


@dataclass
class WorkbookFacts:
    epoch: dt.date = EXCEL_1900  # day 0 of the workbook's serial dates
    merges: list[Merge] | None = None  # ODS only: calamine reports none for ODS
    rows: int = 0
    columns: int = 0


def inspect_workbook(path: Path, kind: str, sheet: str | None, limits: ReadLimits) -> WorkbookFacts:
    """Measure a zipped workbook (XLSX, ODS) within ``limits``; raise InputError naming the
    file when it unpacks to more. XLS (not zipped) is bounded by its format: 65,536 rows."""
    name = str(path)
    facts = WorkbookFacts()
    if kind not in ("xlsx", "ods"):
        return facts
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(archive, limits, name)
            if kind == "xlsx":
                _inspect_xlsx(archive, sheet, facts)
            else:
                _inspect_ods(archive, sheet, facts, limits, name)
    except (
        zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ElementTree.ParseError, zlib.error,
        ValueError, OSError, NotImplementedError,
    ) as exc:  # fmt: skip
        raise InputError(
            N_("cannot read as %(format)s (damaged or truncated?; %(failure)s)"),
            file=name,
            format=kind.upper(),
            failure=type(exc).__name__,
        ) from None
    _check_grid(facts.rows, facts.columns, limits, name)
    return facts


def _too_big(name: str, limits: ReadLimits) -> InputError:
    return InputError(
        N_(
            "unpacks to more than %(limit)s MB (a damaged or hostile workbook?); if it is a "
            "real list, raise [import] max_decompressed_mb in qantar.toml"
        ),
        file=name,
        limit=limits.max_decompressed_mb,
    )


def _check_sizes(archive: zipfile.ZipFile, limits: ReadLimits, name: str) -> None:
    """Declared sizes first (cheap); then every member is unpacked and counted, as a crafted
    archive may declare less than it holds (zipfile stops at the declared size, and the CRC
    check then fails on a member that lied)."""
    cap = limits.max_decompressed_mb * MB
    if sum(info.file_size for info in archive.infolist()) > cap:
        raise _too_big(name, limits)
    total = 0
    for info in archive.infolist():
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise _too_big(name, limits)


def _check_grid(rows: int, columns: int, limits: ReadLimits, name: str) -> None:
    if rows > limits.max_rows:
        raise InputError(
            N_(
                "the sheet reaches row %(rows)s, over the limit of %(limit)s "
                "([import] max_rows in qantar.toml)"
            ),
            file=name,
            rows=rows,
            limit=limits.max_rows,
        )
    if columns > limits.max_columns:
        raise InputError(
            N_(
                "the sheet reaches column %(columns)s, over the limit of %(limit)s "
                "([import] max_columns in qantar.toml)"
            ),
            file=name,
            columns=columns,
            limit=limits.max_columns,
        )
    if rows * columns > limits.max_cells:
        raise InputError(
            N_(
                "the sheet spans %(rows)s rows by %(columns)s columns, over the limit of "
                "%(limit)s cells ([import] max_cells in qantar.toml)"
            ),
            file=name,
            rows=rows,
            columns=columns,
            limit=limits.max_cells,
        )


# --- XLSX --------------------------------------------------------------------------------

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d+)"')
_WIDE_COLUMN = re.compile(rb'<c r="([A-Z]{2,3})\d')
_PREFIXED = re.compile(rb"<\w+:(?:c|row)[\s/>]")  # <x:c ...>: a namespace prefix
_TOKEN = re.compile(rb"<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"\sr=\"([A-Z]*)(\d*)\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ch - 64
    return number


def _inspect_xlsx(archive: zipfile.ZipFile, sheet: str | None, facts: WorkbookFacts) -> None:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        return  # not a workbook: python-calamine says so
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    pr = book.find(f"{_MAIN}workbookPr")
    if pr is not None and pr.get("date1904", "").lower() in ("1", "true"):
        facts.epoch = EXCEL_1904
    sheets = [(s.get("name"), s.get(f"{_REL}id")) for s in book.iter(f"{_MAIN}sheet")]
    chosen = next((rid for n, rid in sheets if sheet is None or n == sheet), None)
    if chosen is None or "xl/_rels/workbook.xml.rels" not in names:
        return
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next((r.get("Target") for r in rels.iter(f"{_PKG_REL}Relationship")
                   if r.get("Id") == chosen), None)  # fmt: skip
    if not target:
        return
    member = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl", target))
    if member not in names:
        return
    with archive.open(member) as handle:
        facts.rows, facts.columns = _xlsx_extent(handle)


def _chunks(handle: IO[bytes]) -> Iterator[bytes]:
    """The stream in pieces that never cut a tag: each ends after a '>'."""
    tail = b""
    while chunk := handle.read(_CHUNK):
        data = tail + chunk
        cut = data.rfind(b">") + 1
        tail = data[cut:]
        if cut:
            yield data[:cut]
    if tail:
        yield tail


def _xlsx_extent(handle: IO[bytes]) -> tuple[int, int]:
    """The last row and column any cell of the sheet's XML reaches. Fast path: Excel,
    LibreOffice and openpyxl write every cell as ``<c r="B7"``, so plain byte counts tell
    whether all cells are so written, and only their addresses need reading (about as much
    CPU as python-calamine takes to read the sheet: bench/import_sheet_guard.py); any other
    sheet is walked tag by tag."""
    rows = columns = 0
    for piece in _chunks(handle):
        cells = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/>")
        if cells != piece.count(b'<c r="') or _PREFIXED.search(piece):
            walked = _walk_xlsx(piece, handle)
            return max(rows, walked[0]), max(columns, walked[1])
        numbers = _CELL_ROW.findall(piece)
        if numbers:
            rows = max(rows, *map(int, numbers))
        wide = set(_WIDE_COLUMN.findall(piece))
        columns = max(columns, *(_column_number(w) for w in wide)) if wide else max(columns, 1)
    # Without a multi-letter column the sheet ends by column Z.
    return rows, columns if columns > 1 else 26


def _walk_xlsx(first: bytes, handle: IO[bytes]) -> tuple[int, int]:
    """Every tag in turn: a cell without ``r`` takes the next column, a row the next row."""
    row = col = max_row = max_col = 0

    def stream() -> Iterator[bytes]:
        yield first
        yield from _chunks(handle)

    for piece in stream():
        for match in _TOKEN.finditer(piece):
            tag, attrs = match.group(1), match.group(2)
            ref = _REF.search(attrs)
            if tag == b"row":
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                col = 0
            else:
                if ref and ref.group(1):
                    col = _column_number(ref.group(1))
                    if ref.group(2):
                        row = int(ref.group(2))
                else:
                    col += 1
                max_col = max(max_col, col)
            max_row = max(max_row, row)
    return max_row, max_col


# --- ODS ---------------------------------------------------------------------------------

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _inspect_ods(
    archive: zipfile.ZipFile, sheet: str | None, facts: WorkbookFacts, limits: ReadLimits,
    name: str,
) -> None:  # fmt: skip
    if "content.xml" not in archive.namelist():
        return
    row = col = 0
    inside = False
    merges: list[Merge] = []
    with archive.open("content.xml") as handle:
        for event, element in ElementTree.iterparse(handle, events=("start", "end")):
            tag = element.tag
            if event == "start":
                if tag == f"{_TABLE}table":
                    inside = sheet is None or element.get(f"{_TABLE}name") == sheet
                    row = col = 0
                continue
            if tag == f"{_TABLE}null-date":
                value = element.get(f"{_TABLE}date-value")
                if value:
                    facts.epoch = dt.date.fromisoformat(value[:10])
            elif not inside:
                pass
            elif tag in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                repeat = int(element.get(f"{_TABLE}number-columns-repeated", "1"))
                if element.get(f"{_OFFICE}value-type") or len(element):
                    facts.columns = max(facts.columns, col + repeat)
                    facts.rows = max(facts.rows, row + 1)
                spanned = int(element.get(f"{_TABLE}number-rows-spanned", "1"))
                if spanned > 1:
                    across = int(element.get(f"{_TABLE}number-columns-spanned", "1"))
                    merges.append(((row, col), (row + spanned - 1, col + across - 1)))
                col += repeat
                _check_grid(facts.rows, facts.columns, limits, name)
            elif tag == f"{_TABLE}table-row":
                repeat = int(element.get(f"{_TABLE}number-rows-repeated", "1"))
                if facts.rows == row + 1 and repeat > 1:
                    facts.rows = row + repeat  # a repeated row that holds values
                row += repeat
                col = 0
                _check_grid(facts.rows, facts.columns, limits, name)
            elif tag == f"{_TABLE}table":
                break
            element.clear()
    facts.merges = merges
