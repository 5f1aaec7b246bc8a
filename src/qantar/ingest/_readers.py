"""Readers: a file becomes a header and a stream of rows of cell text, read once, lazily.

Every reader first reads the whole file as bytes (hashing it and, for text, checking its
encoding), so a file that cannot be read fails before anything is written; then it streams
rows, holding one row at a time.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import re
import sys
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

from qantar.errors import InputError
from qantar.ingest._sheets import ReadLimits, inspect_workbook
from qantar.notes import N_, Note

CHUNK = 1 << 20
# A 10 MB cell (a pasted testimony) is data, not an attack on the csv module's default limit.
csv.field_size_limit(min(sys.maxsize, 2**31 - 1))

SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
JSON_EXTENSIONS = {".json"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
DELIMITERS = (",", ";", "\t", "|")

# A row: its number as a documenter would count it (the header is row 1 of a CSV or sheet),
# the cells as text (a dict for JSON objects), and a reason if the row cannot be used at all.
Row = tuple[int, Any, str | None]


class Table(ABC):
    """An opened input file. Iterate ``rows()`` once; ``position`` tracks progress."""

    file_format: str = ""
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    keyed = False  # True when rows are JSON objects (dicts) rather than lists of cells

    def __init__(self, path: Path, size: int, sha256: str) -> None:
        self.path = path
        self.size = size
        self.sha256 = sha256
        self.headers: list[str] = []
        # Rows above the header (a title, a date of compilation): not data, but kept.
        self.preamble: list[tuple[int, list[str]]] = []
        self.total = max(size, 1)
        self.position = 0
        # Day 0 of serial dates (44566 is 5 January 2022), when the file says (XLSX, ODS).
        self.date_epoch: dt.date | None = None
        # What reading did to the cells, for the import result: counts, never values.
        self.notices: list[str] = []

    @abstractmethod
    def rows(self) -> Iterator[Row]:
        """Every row read, streamed, each with its row number in the file: first the rows
        above the header (held back, with the reason), then the data rows."""

    def _preamble_rows(self) -> Iterator[Row]:
        # A row above the header is most likely a title, but it may be a person whose row
        # came before a header guessed too low: it is held back and listed, never dropped.
        for number, cells in self.preamble:
            yield number, cells, ABOVE_HEADER

    def close(self) -> None:  # noqa: B027 - most readers hold nothing to release
        """Release the file; a table is closed once its rows are read."""

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


ABOVE_HEADER = Note(
    N_("above the header row: read as a title, not as a person; check it is not data")
)
HeaderScore = Callable[[list[str]], int]
HEADER_SEARCH_ROWS = 20


def find_header(rows: list[list[str]], score: HeaderScore | None) -> int | None:
    """Index of the header among the first rows: the one with most recognised column names
    (the earliest on a tie), so a title line above the header is not taken for it; without
    any recognised name, the first non-blank row. None when all rows are blank."""
    non_blank = [i for i, row in enumerate(rows) if any(c.strip() for c in row)]
    if not non_blank:
        return None
    if score is None:
        return non_blank[0]
    best, best_score = non_blank[0], 0
    for i in non_blank:
        value = score(rows[i])
        if value > best_score:
            best, best_score = i, value
    return best


# --- bytes: hash, sniff, encoding --------------------------------------------------------

_MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)


def _magic(head: bytes) -> str | None:
    for signature, name in _MAGIC:
        if head.startswith(signature):
            return name
    return None


def _hash_file(path: Path) -> tuple[int, str]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def _bom_encoding(head: bytes) -> str | None:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:4096]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


_RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
_RUSSIAN |= set("ІіЇїЄєҐґЎў")
_KAZAKH = _RUSSIAN | set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
_ALPHABETS = {"cp1251": _RUSSIAN, "kz1048": _KAZAKH}
_LETTER_RUNS = re.compile(r"[^\W\d_]+")


def _plausible_cp1251(text: str, alphabet: set[str] = _RUSSIAN) -> bool:
    """True when text decoded as cp1251 reads as Cyrillic writing, not as mojibake of
    another encoding (UTF-8 read as cp1251 gives "Р˜РІР°РЅ"; cp1252 gives "Mьller")."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return True
    russian = sum(1 for ch in letters if ch in alphabet)
    if russian < 0.97 * len(letters):
        return False
    # Words are runs of letters: a delimiter, a hyphen or a digit ends one, so that the
    # Latin id and the Cyrillic name of "MOR-00001;Байжанов" are two words, not a mixed one.
    words = [w for w in _LETTER_RUNS.findall(text) if not w.isascii()]
    mixed = sum(
        1
        for w in words
        if any(_is_cyrillic(c) for c in w) and any("a" <= c.lower() <= "z" for c in w)
    )
    return mixed <= 0.2 * len(words)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16, cp1251, or KZ-1048 (cp1251 with Kazakh letters,
    Windows' Kazakh code page), checked over the whole file.

    Raises InputError for binary files, files mixing UTF-8 and cp1251 lines, and text in any
    other encoding: guessing wrong would store garbled names.
    """
    name = str(path)
    with path.open("rb") as handle:
        head = handle.read(65536)
    bom = _bom_encoding(head) or _utf16_without_bom(head)
    if bom is None:
        kind = _magic(head)
        if kind is not None:
            raise InputError(N_("this is %(kind)s, not a text table"), file=name, kind=kind)
        # Text never holds NUL bytes (UTF-16 was recognised above); binaries nearly always do.
        if b"\x00" in head:
            raise InputError(
                N_("looks like a binary file (NUL bytes), not a CSV or text table"), file=name
            )
    # Russian-only text is the same in cp1251 and KZ-1048, so cp1251 is tried first; Kazakh
    # letters in KZ-1048 read as cp1251 come out as Ђ, Ћ, ћ... and fail the plausibility test.
    encodings = [bom] if bom else ["utf-8", "cp1251", "kz1048"]
    for encoding in encodings:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
        suspicious = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    text = decoder.decode(chunk)
                    if bom is None and "\x00" in text:
                        raise InputError(
                            N_("contains NUL bytes: a binary file, not a CSV or text table"),
                            file=name,
                        )
                    alphabet = _ALPHABETS.get(encoding)
                    if alphabet is not None and not _plausible_cp1251(text, alphabet):
                        suspicious += 1
                decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            if bom:
                raise InputError(
                    N_("not valid %(encoding)s text"), file=name, encoding=bom
                ) from None
            if encoding == "utf-8":
                _refuse_mixed(path)
            continue
        if suspicious:
            continue
        return encoding
    raise InputError(
        N_(
            "cannot tell the text encoding (not UTF-8, UTF-16, cp1251 or KZ-1048 Cyrillic); "
            "save it as UTF-8 CSV and import again"
        ),
        file=name,
    )


def _refuse_mixed(path: Path) -> None:
    """A file whose lines are partly UTF-8 Cyrillic and partly cp1251 (lists pasted together
    from two sources) has no one right decoding: say where, rather than garble half of it."""
    first_utf8 = first_cp1251 = None
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.isascii():
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError:
                first_cp1251 = first_cp1251 or number
            else:
                if any(_is_cyrillic(c) for c in text):
                    first_utf8 = first_utf8 or number
            if first_utf8 and first_cp1251:
                raise InputError(
                    N_(
                        "mixes encodings: line %(utf8)s is UTF-8 but line %(cp1251)s is "
                        "cp1251; save the whole file in one encoding (UTF-8) and import again"
                    ),
                    file=str(path),
                    utf8=first_utf8,
                    cp1251=first_cp1251,
                )


class _CountingReader(io.RawIOBase):
    """Counts bytes read, for the progress bar."""

    def __init__(self, raw: IO[bytes], table: Table) -> None:
        self._raw = raw
        self._table = table

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self._table.position += n
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


# --- CSV ---------------------------------------------------------------------------------


def sniff_delimiter(sample: str) -> str | None:
    """The delimiter among , ; tab | that splits the first lines most consistently."""
    lines = sample.splitlines(keepends=True)
    if len(lines) > 1 and not sample.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-row
    text = "".join(lines[:200])
    best: tuple[float, str] | None = None
    for delimiter in DELIMITERS:
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:
            continue
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        consistent = sum(1 for r in rows if len(r) == width) / len(rows)
        score = consistent * 1000 + width
        if best is None or score > best[0]:
            best = (score, delimiter)
    return best[1] if best else None


class CsvTable(Table):
    file_format = "csv"

    def __init__(
        self, path: Path, size: int, sha256: str, encoding: str, score: HeaderScore | None
    ) -> None:
        super().__init__(path, size, sha256)
        self.encoding = encoding
        with path.open("rb") as handle:
            sample = handle.read(65536)
        text = sample.decode(encoding, errors="ignore")
        # A one-column list (names only) has no delimiter: pick one its text never uses, so
        # that "Иванов, Иван" stays one cell.
        self.delimiter = sniff_delimiter(text) or next(
            (d for d in ("\t", "|", ";", ",") if d not in text), ","
        )
        self._handle = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(path.open("rb"), self), CHUNK),
            encoding=encoding,
            newline="",
        )
        self._reader = csv.reader(self._handle, delimiter=self.delimiter)
        try:
            ahead = list(itertools.islice(self._reader, HEADER_SEARCH_ROWS))
            at = find_header(ahead, score)
            if at is None:
                raise InputError(N_("the file is empty (no header row)"), file=str(path))
            self.preamble = [(i + 1, row) for i, row in enumerate(ahead[:at]) if row]
            self.headers = ahead[at]
            self._header_row = at + 1
            self._ahead = ahead[at + 1 :]
            while not any(self._ahead):
                more = next(self._reader, None)
                if more is None:
                    break
                self._ahead.append(more)
        except csv.Error as exc:
            self.close()
            raise InputError(
                N_("not readable as CSV: %(failure)s"), file=str(path), failure=str(exc)
            ) from exc
        except InputError:
            self.close()
            raise
        if not any(self._ahead):
            self.close()
            raise InputError(
                N_("has a header row but no data rows; nothing to import"), file=str(path)
            )

    def rows(self) -> Iterator[Row]:
        yield from self._preamble_rows()
        number = self._header_row
        width = len(self.headers)
        try:
            for cells in itertools.chain(self._ahead, self._reader):
                number += 1
                if not cells:
                    continue  # an empty line holds no cell at all: not a row (as in JSON Lines)
                if len(cells) != width:
                    yield (
                        number,
                        cells,
                        Note(
                            N_(
                                "row has %(cells)s cells but the header has %(width)s: columns "
                                "may be shifted"
                            ),
                            cells=len(cells),
                            width=width,
                        ),
                    )
                else:
                    yield number, cells, None
        except csv.Error as exc:
            raise InputError(
                N_("not readable as CSV: %(failure)s"),
                file=str(self.path),
                row=number + 1,
                failure=str(exc),
            ) from exc
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()


# --- spreadsheets ------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text a person sees: 34 not 34.0, dates in ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class SheetTable(Table):
    """XLSX, XLS and ODS through python-calamine. Calamine reads a sheet whole; spreadsheets
    are bounded (about a million rows) so this is the one reader that is not streamed."""

    def __init__(
        self,
        path: Path,
        size: int,
        sha256: str,
        sheet: str | None,
        kind: str,
        score: HeaderScore | None = None,
        limits: ReadLimits | None = None,
    ) -> None:
        super().__init__(path, size, sha256)
        from python_calamine import CalamineWorkbook

        self.file_format = kind
        facts = inspect_workbook(path, kind, sheet, limits or ReadLimits())
        self.date_epoch = facts.epoch
        try:
            workbook = CalamineWorkbook.from_path(str(path))
        except Exception as exc:  # calamine raises several unrelated types
            # calamine's own message may quote the file's content: name the kind of failure only
            raise InputError(
                N_("cannot read as %(format)s (damaged or truncated?; %(failure)s)"),
                file=str(path),
                format=kind.upper(),
                failure=type(exc).__name__,
            ) from None
        names = list(workbook.sheet_names)
        if sheet is None:
            chosen = names[0] if names else None
        elif sheet in names:
            chosen = sheet
        else:
            raise InputError(
                N_("no sheet %(sheet)s; sheets are: %(sheets)s"),
                file=str(path),
                sheet=repr(sheet),
                sheets=", ".join(names),
            )
        if chosen is None:
            raise InputError(N_("the workbook has no sheets"), file=str(path))
        try:
            data = workbook.get_sheet_by_name(chosen)
            start_row, start_column = data.start or (0, 0)
            self._rows = [[cell_text(v) for v in row] for row in data.iter_rows()]
            merges = facts.merges if facts.merges is not None else data.merged_cell_ranges
        except Exception as exc:
            raise InputError(
                N_("cannot read sheet %(sheet)s (%(failure)s)"),
                file=str(path),
                sheet=repr(chosen),
                failure=type(exc).__name__,
            ) from None
        finally:
            workbook.close()
        self.sheet = chosen
        while self._rows and not any(c.strip() for c in self._rows[-1]):
            self._rows.pop()  # calamine may report trailing formatted-but-empty rows
        at = find_header(self._rows[:HEADER_SEARCH_ROWS], score)
        if at is None:
            others = [n for n in names if n != chosen]
            if others:
                raise InputError(
                    N_("sheet %(sheet)s is empty; other sheets: %(sheets)s (use --sheet)"),
                    file=str(path),
                    sheet=repr(chosen),
                    sheets=", ".join(others),
                )
            raise InputError(N_("sheet %(sheet)s is empty"), file=str(path), sheet=repr(chosen))
        self.preamble = [
            (start_row + i + 1, row) for i, row in enumerate(self._rows[:at]) if any(row)
        ]
        self._fill_merged_down(merges or [], start_row, start_column, at)
        del self._rows[:at]
        self.headers = self._rows[0]
        self._first_number = start_row + at + 1
        if len(self._rows) == 1:
            raise InputError(
                N_("sheet %(sheet)s has a header row but no data rows; nothing to import"),
                file=str(path),
                sheet=repr(chosen),
            )
        self.total = len(self._rows) - 1

    def _fill_merged_down(
        self, merges: list[tuple[tuple[int, int], tuple[int, int]]], top: int, left: int,
        header: int,
    ) -> None:  # fmt: skip
        """A merged cell holds its value once, in its first row; the rows below it in the
        merge belong to it too (one place for three people killed there), so the value is
        copied down. Merges that begin in or above the header are titles: left as they are."""
        filled = 0
        for (first_row, column), (last_row, _) in merges:
            first, last, column = first_row - top, last_row - top, column - left
            if first <= header or last <= first or column < 0 or first >= len(self._rows):
                continue
            value = self._rows[first][column] if column < len(self._rows[first]) else ""
            for index in range(first + 1, min(last, len(self._rows) - 1) + 1):
                row = self._rows[index]
                if column < len(row) and not row[column]:
                    row[column] = value
                    filled += 1
        if filled:
            self.notices.append(
                Note(
                    N_(
                        "%(n)s cells of vertically merged ranges were filled down with the "
                        "value of the range's first row"
                    ),
                    n=filled,
                )
            )

    def rows(self) -> Iterator[Row]:
        yield from self._preamble_rows()
        width = len(self.headers)
        for index in range(1, len(self._rows)):
            cells = self._rows[index]
            self._rows[index] = []  # let each row go once it is handed on
            self.position = index
            if len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            yield self._first_number + index, cells, None


# --- JSON and JSON Lines -----------------------------------------------------------------


class JsonLinesTable(Table):
    file_format = "jsonl"
    keyed = True

    def __init__(self, path: Path, size: int, sha256: str, encoding: str) -> None:
        super().__init__(path, size, sha256)
        self.encoding = encoding
        self._handle = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(path.open("rb"), self), CHUNK),
            encoding=encoding,
            newline="",
        )
        if size == 0 or not any(line.strip() for line in _peek_lines(path, encoding)):
            self.close()
            raise InputError(N_("the file is empty"), file=str(path))

    def rows(self) -> Iterator[Row]:
        try:
            for number, line in enumerate(self._handle, start=1):
                text = line.rstrip("\r\n")
                if not text.strip():
                    continue  # JSON Lines allows blank lines between records
                try:
                    value = json.loads(text)
                except json.JSONDecodeError as exc:
                    yield (
                        number,
                        [text],
                        Note(
                            N_("not valid JSON: %(failure)s (column %(column)s)"),
                            failure=exc.msg,
                            column=exc.colno,
                        ),
                    )
                    continue
                except RecursionError:
                    yield number, [text], TOO_DEEP
                    continue
                if _too_deep(value):
                    yield number, [text], TOO_DEEP
                    continue
                if not isinstance(value, dict):
                    yield number, value, NOT_AN_OBJECT
                    continue
                yield number, value, None
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()


def _peek_lines(path: Path, encoding: str) -> list[str]:
    with path.open("r", encoding=encoding, newline="") as handle:
        return [line for _, line in zip(range(1000), handle, strict=False)]


_JSON_SPACE = re.compile(r"[ \t\n\r]*")
# A row is an object of cells, perhaps holding a list or two; a thousand levels deep it is an
# attack on the parser's recursion (a RecursionError, or a crash in the JSON encoder later).
MAX_JSON_DEPTH = 64


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


NOT_AN_OBJECT = Note(N_("not a JSON object ({...})"))
TOO_DEEP = Note(
    N_("nested more than %(depth)s levels deep: not a list's row"), depth=MAX_JSON_DEPTH
)
MAX_JSON_ELEMENT = 256 * 2**20


def _skip_space(text: str, pos: int) -> int:
    match = _JSON_SPACE.match(text, pos)
    return match.end() if match else pos


class JsonTable(Table):
    """A JSON array of objects, decoded one element at a time so memory stays flat."""

    file_format = "json"
    keyed = True

    def __init__(self, path: Path, size: int, sha256: str, encoding: str) -> None:
        super().__init__(path, size, sha256)
        self.encoding = encoding
        self._handle = io.TextIOWrapper(
            io.BufferedReader(_CountingReader(path.open("rb"), self), CHUNK),
            encoding=encoding,
        )
        self._buffer = ""
        self._eof = False
        self._fill(0)
        start = self._buffer.lstrip()
        if not start:
            self.close()
            raise InputError(N_("the file is empty"), file=str(path))
        if not start.startswith("["):
            self.close()
            raise InputError(
                N_(
                    "expected a JSON array of objects ([{...}, ...]); for one object per line "
                    "name the file .jsonl"
                ),
                file=str(path),
            )
        self._buffer = start[1:]

    def _fill(self, keep_from: int) -> bool:
        """Drop the decoded part of the buffer and append the next chunk."""
        chunk = self._handle.read(CHUNK)
        if not chunk:
            self._eof = True
            return False
        self._buffer = self._buffer[keep_from:] + chunk
        return True

    def rows(self) -> Iterator[Row]:
        decoder = json.JSONDecoder()
        number = 0
        pos = 0  # an index into the buffer: slicing per element would copy it every time
        need_comma = False
        name = str(self.path)
        try:
            while True:
                pos = _skip_space(self._buffer, pos)
                if pos == len(self._buffer):
                    if not self._fill(pos):
                        raise InputError(
                            N_("the JSON array is not closed (file truncated?)"), file=name,
                            row=number + 1,
                        )  # fmt: skip
                    pos = 0
                    continue
                head = self._buffer[pos]
                if head == "]":
                    return
                if need_comma:
                    if head != ",":
                        raise InputError(
                            N_("expected ',' between array elements"), file=name, row=number + 1
                        )
                    pos += 1
                    need_comma = False
                    continue
                try:
                    value, end = decoder.raw_decode(self._buffer, pos)
                except RecursionError:
                    # where the element ends is unknown, so the rest cannot be read either
                    raise InputError(TOO_DEEP, file=name, row=number + 1) from None
                except json.JSONDecodeError as exc:
                    # Most likely an element cut at the end of the buffer: read on, within
                    # reason (a 10 MB testimony is fine; 256 MiB of broken JSON is not).
                    if len(self._buffer) - pos < MAX_JSON_ELEMENT and self._fill(pos):
                        pos = 0
                        continue
                    raise InputError(
                        N_("not valid JSON: %(failure)s"),
                        file=name,
                        row=number + 1,
                        failure=exc.msg,
                    ) from exc
                # a number cut at a chunk boundary would decode short; read on to be sure
                if end == len(self._buffer) and not self._eof and self._fill(pos):
                    pos = 0
                    continue
                raw, pos = self._buffer[pos:end], end
                need_comma = True
                number += 1
                if _too_deep(value):
                    yield number, [raw], TOO_DEEP
                elif not isinstance(value, dict):
                    yield number, value, NOT_AN_OBJECT
                else:
                    yield number, value, None
        finally:
            self.close()

    def close(self) -> None:
        self._handle.close()


# --- choosing a reader -------------------------------------------------------------------


def open_table(
    path: str | Path,
    *,
    sheet: str | None = None,
    header_score: HeaderScore | None = None,
    limits: ReadLimits | None = None,
) -> Table:
    """Open a CSV/TSV, XLSX/XLS/ODS, JSON or JSON Lines file, checking it can be read.

    The format comes from the file's first bytes where they are unambiguous (a spreadsheet
    saved with a .csv name is still read as a spreadsheet), else from its extension.
    ``header_score`` counts the recognised column names in a row; with it, the header is
    found below title lines. ``limits`` bound what a spreadsheet may unpack to.
    """
    file = Path(path)
    name = str(path)
    if not file.exists():
        raise InputError(N_("no such file"), file=name)
    if not file.is_file():
        raise InputError(N_("not a file"), file=name)
    try:
        size, sha256 = _hash_file(file)
    except OSError as exc:
        raise InputError(N_("cannot read: %(failure)s"), file=name, failure=exc.strerror) from exc
    if size == 0:
        raise InputError(N_("the file is empty"), file=name)
    with file.open("rb") as handle:
        head = handle.read(16)
    suffix = file.suffix.lower()
    magic = _magic(head)
    if magic == "zip" or (magic == "ole" and suffix != ".csv") or suffix in SPREADSHEET_EXTENSIONS:
        kind = {".xls": "xls", ".ods": "ods"}.get(suffix, "xlsx")
        if magic == "ole":
            kind = "xls"
        elif magic == "zip" and suffix not in (".ods",):
            kind = "ods" if _zip_is_ods(file) else "xlsx"
        return SheetTable(file, size, sha256, sheet, kind, header_score, limits)
    if magic == "ole":
        return SheetTable(file, size, sha256, sheet, "xls", header_score, limits)
    if sheet is not None:
        raise InputError(N_("--sheet applies to spreadsheets only"), file=name)
    encoding = detect_encoding(file)
    if suffix in JSONL_EXTENSIONS:
        return JsonLinesTable(file, size, sha256, encoding)
    if suffix in JSON_EXTENSIONS:
        return JsonTable(file, size, sha256, encoding)
    return CsvTable(file, size, sha256, encoding, header_score)


def _zip_is_ods(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            return "content.xml" in archive.namelist()
    except (zipfile.BadZipFile, NotImplementedError, ValueError, OSError):
        return False  # read as XLSX, whose reader then says it is damaged
