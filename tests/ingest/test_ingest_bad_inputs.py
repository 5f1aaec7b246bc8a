"""Bad input, tried as a new user would: each gives a clear message naming the file (and row
or field where it can), or quarantine; nothing already stored is lost or changed."""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import import_file, iter_quarantine, iter_records
from qantar.store import import_batches, quarantine, raw_rows, records, sources

HEADER = "№;ФИО;Дата гибели;Место гибели\r\n"
GOOD = HEADER + "1;Ахметов Нурлан;05.01.2022;Алматы\r\n2;Ким Ольга;06.01.2022;Тараз\r\n"


def snapshot(project: Project) -> dict[str, list[Any]]:
    with project.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in (sources, import_batches, raw_rows, records, quarantine)
        }


@pytest.fixture
def stored(project: Project, tmp_path: Path) -> dict[str, list[Any]]:
    """A project that already holds one good import, and its exact contents."""
    path = tmp_path / "good.csv"
    path.write_bytes(GOOD.encode("cp1251"))
    import_file(project, path, source="first", kind="ngo")
    before = snapshot(project)
    assert len(before["records"]) == 2
    return before


def refused(project: Project, path: Path, match: str, **kwargs: Any) -> InputError:
    with pytest.raises(InputError, match=match) as info:
        import_file(project, path, source=kwargs.pop("source", "second"), **kwargs)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    return info.value


def test_empty_file(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    refused(project, path, "empty")
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"\r\n;;;\r\n\r\n")
    refused(project, blank, "empty")
    assert snapshot(project) == stored


@pytest.mark.parametrize(
    "content",
    [
        bytes(random.Random(1).randrange(256) for _ in range(5000)),
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10,
        b"%PDF-1.7\n" + b"x" * 100,
        b"\x7fELF\x02\x01\x01\x00" + bytes(200),
    ],
    ids=["random", "png", "pdf", "elf"],
)
def test_binary_file_renamed_csv(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(content)
    refused(project, path, "binary|PNG|PDF|encoding")
    assert snapshot(project) == stored


def _xlsx(tmp_path: Path) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["ФИО", "Дата"])
    for i in range(200):
        workbook.active.append([f"Человек {i}", "05.01.2022"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_truncated_xlsx(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    data = _xlsx(tmp_path)
    path = tmp_path / "list.xlsx"
    path.write_bytes(data[: len(data) // 2])
    refused(project, path, "XLSX.*(damaged|truncated)")
    # the same truncated workbook renamed .csv is recognised by its bytes, not its name
    renamed = tmp_path / "list2.csv"
    renamed.write_bytes(data[: len(data) // 2])
    refused(project, renamed, "damaged|truncated")
    assert snapshot(project) == stored


def test_xlsx_saved_as_csv_is_read_as_a_spreadsheet(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "actually_excel.csv"
    path.write_bytes(_xlsx(tmp_path))
    result = import_file(project, path, source="x")
    assert result.file_format == "xlsx" and result.rows_stored == 200


def test_missing_sheet_names_the_sheets(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.xlsx"
    path.write_bytes(_xlsx(tmp_path))
    refused(project, path, "no sheet 'Лист2'; sheets are: Sheet", sheet="Лист2")


def test_header_only(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_bytes(HEADER.encode("utf-8"))
    refused(project, path, "header row but no data rows")
    assert snapshot(project) == stored


def test_unknown_headers(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    path = tmp_path / "noheader.csv"
    path.write_text("Ахметов;05.01.2022\nКим;06.01.2022\n", encoding="utf-8")
    refused(project, path, "no column header is recognised.*--mapping")
    assert snapshot(project) == stored


def test_ragged_rows_are_quarantined_whole(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        HEADER
        + "1;Ахметов;05.01.2022;Алматы\n"
        + "2;Ким;06.01.2022;Тараз;лишнее\n"  # one cell too many
        + "3;Ли;07.01.2022\n"  # one too few
        + "4;Оспанов;08.01.2022;Жанаозен\n",
        encoding="utf-8",
    )
    result = import_file(project, path, source="ragged")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (4, 2, 2)
    held = [q for q in iter_quarantine(project, "ragged")]
    assert [(q["row_number"], q["row_kept"]) for q in held] == [(3, False), (4, False)]
    assert all("cells but the header has 4" in q["reason"] for q in held)
    assert held[0]["raw_cells"] == ["2", "Ким", "06.01.2022", "Тараз", "лишнее"]
    after = snapshot(project)
    for table, rows in stored.items():
        assert after[table][: len(rows)] == rows


def test_ten_megabyte_cell(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    big = "свидетельство " * (10 * 2**20 // len("свидетельство "))
    path = tmp_path / "big.csv"
    path.write_text(f'№;ФИО;Примечание\n1;Ахметов;"{big}"\n2;Ким;коротко\n', encoding="utf-8")
    result = import_file(project, path, source="big")
    assert result.rows_stored == 2
    notes = [r["notes"] for r in iter_records(project, "big")]
    assert notes[0] == big and notes[1] == "коротко"


def test_mixed_encodings_are_refused_with_line_numbers(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        HEADER.encode("utf-8")
        + "1;Ахметов;05.01.2022;Алматы\n".encode()
        + "2;Ким Ольга;06.01.2022;Тараз\n".encode("cp1251")
    )
    refused(project, path, "mixes encodings: line 1 is UTF-8 but line 3 is cp1251")
    assert snapshot(project) == stored


def test_text_in_an_unknown_encoding_is_not_garbled(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "ID;Name;Date\n1;Müller Jürgen;05.01.2022\n2;Çelik;06.01.2022\n".encode("cp1252")
    )
    refused(project, path, "cannot tell the text encoding")
    assert snapshot(project) == stored


def test_unterminated_quote_keeps_the_rest_of_the_file_in_one_row(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "quote.csv"
    tail = '2;"Ким;06.01.2022;Тараз\n3;Ли;07.01.2022;Актау\n'
    path.write_text(HEADER + "1;Ахметов;05.01.2022;Алматы\n" + tail, "utf-8")
    result = import_file(project, path, source="quote")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (2, 1, 1)
    held = list(iter_quarantine(project, "quote"))
    assert held[0]["raw_cells"] == ["2", "Ким;06.01.2022;Тараз\n3;Ли;07.01.2022;Актау\n"]
    assert "columns may be shifted" in held[0]["reason"]


def test_truncated_json_rolls_back(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "list.json"
    rows = ",".join(f'{{"name": "Человек {i}", "date": "2022-01-05"}}' for i in range(3000))
    path.write_text("[" + rows[: len(rows) - 40], encoding="utf-8")
    refused(project, path, "row 2999|not closed|not valid JSON")
    assert snapshot(project) == stored


def test_interrupt_midway_leaves_the_store_as_before(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "long.csv"
    lines = [HEADER] + [f"{i};Человек {i};05.01.2022;Алматы\n" for i in range(10_000)]
    path.write_text("".join(lines), encoding="utf-8")
    calls = 0

    def ctrl_c(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_file(project, path, source="new source", kind="media", progress=ctrl_c)
    assert snapshot(project) == stored  # not even the new source is left behind
    result = import_file(project, path, source="new source", kind="media")
    assert result.rows_stored == 10_000 and not result.already_imported


def test_unknown_kind_and_kind_conflict(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "good2.csv"
    path.write_text(GOOD, encoding="utf-8")
    refused_kind = pytest.raises(InputError, match="unknown kind")
    with refused_kind:
        import_file(project, path, source="x", kind="blog")
    with pytest.raises(InputError, match="exists with kind 'ngo'"):
        import_file(project, path, source="first", kind="official")
    assert snapshot(project) == stored


def test_missing_file(project: Project, tmp_path: Path) -> None:
    refused(project, tmp_path / "nope.csv", "no such file")
    if os.geteuid() != 0:  # root reads anything
        locked = tmp_path / "locked.csv"
        locked.write_text(GOOD, encoding="utf-8")
        locked.chmod(0)
        refused(project, locked, "cannot read")


def test_zip_that_is_not_a_spreadsheet(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "archive.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "hello")
    refused(project, path, "cannot read as XLSX")


def test_empty_lines_are_not_rows_but_blank_rows_are(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text(
        HEADER + "1;Ахметов;05.01.2022;Алматы\n\n;;;\n2;Ким;06.01.2022;Тараз\n\n", "utf-8"
    )
    result = import_file(project, path, source="gaps")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 2, 1)
    held = list(iter_quarantine(project, "gaps"))
    assert [(q["row_number"], q["reason"]) for q in held] == [(4, "blank row")]
    assert [r["row_number"] for r in iter_records(project, "gaps")] == [2, 5]


def test_empty_json_array(project: Project, stored: dict[str, list[Any]], tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[ ]", encoding="utf-8")
    refused(project, path, "no data rows")
    assert snapshot(project) == stored


def test_title_lines_above_the_header(project: Project, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Список погибших в январских событиях 2022 года"])
    sheet.append(["по состоянию на 01.03.2022"])
    sheet.append([])
    sheet.append(["№", "ФИО", "Дата гибели", "Место"])
    sheet.append([1, "Ахметов Нурлан", "05.01.2022", "Алматы"])
    path = tmp_path / "titled.xlsx"
    workbook.save(path)
    result = import_file(project, path, source="titled")
    assert result.headers == ["№", "ФИО", "Дата гибели", "Место"]
    assert [n for n, _ in result.preamble] == [1, 2]
    # the title lines are held back and listed, never silently dropped
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 1, 2)
    assert next(iter_records(project, "titled"))["row_number"] == 5
    held = [e for e in iter_quarantine(project, "titled")]
    assert [e["row_number"] for e in held] == [1, 2]
    assert all("above the header" in e["reason"] for e in held)
    with project.engine.connect() as conn:
        kept = conn.execute(select(import_batches.c.mapping)).scalar_one()["preamble"]
    assert kept[0]["cells"][0] == "Список погибших в январских событиях 2022 года"

    csv_path = tmp_path / "titled.csv"
    csv_path.write_text(
        "Список погибших;;;\n;;;\n" + HEADER + "\n\n1;Ахметов;05.01.2022;Алматы\n", "utf-8"
    )
    result = import_file(project, csv_path, source="titled csv")
    assert result.headers == HEADER.strip().split(";")
    assert (result.rows_read, result.rows_stored, [n for n, _ in result.preamble]) == (3, 1, [1, 2])
    assert next(iter_records(project, "titled csv"))["row_number"] == 6


def test_json_with_no_known_key(
    project: Project, stored: dict[str, list[Any]], tmp_path: Path
) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text('{"a": 1, "b": "x"}\n{"a": 2}\n', encoding="utf-8")
    refused(project, path, "no key is recognised \\(2 found; not shown")
    assert snapshot(project) == stored
