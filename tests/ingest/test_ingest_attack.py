"""What an attack found in reading lists (issue 16), one test per rule it broke: nothing read
is dropped, resources are bounded, errors carry no value from a list, impossible dates are
held back."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from qantar import Project
from qantar.errors import InputError, QantarError
from qantar.ingest import (
    build_rules,
    import_file,
    iter_quarantine,
    iter_records,
    registry_summary,
)


def test_rule6_a_surname_is_never_taken_for_a_header(project: Project, tmp_path: Path) -> None:
    rules = build_rules()
    for surname in ("Поляков", "Поляков Иван", "Жасырынов", "Датаев", "Имяшев Ерлан"):
        assert rules.column(0, surname).field is None, surname
    # whole words, with the endings Kazakh headers carry ("its city", "its region")
    assert [rules.column(0, h).field for h in ("Қаласы", "Облысы", "Жынысы")] == [
        "place", "place", "sex"
    ]  # fmt: skip
    path = tmp_path / "list.csv"
    path.write_bytes(
        ("№;Погибший;Свидетель;Когда\r\n"
         "1;Ахметов Нурлан;Ким Ольга;05.01.2022\r\n"
         "2;Поляков Иван;Жасырынов Ерлан;06.01.2022\r\n"
         "3;Сейтов Арман;Ли Анна;07.01.2022\r\n").encode("cp1251")
    )  # fmt: skip
    result = import_file(project, path, source="s")
    assert result.headers[0] == "№" and not result.preamble
    assert (result.rows_read, result.rows_stored) == (3, 3)
    assert [r["name_raw"] for r in iter_records(project)] == [
        "Ахметов Нурлан", "Поляков Иван", "Сейтов Арман"
    ]  # fmt: skip


def test_rule6_every_row_read_is_stored_or_held_back(project: Project, tmp_path: Path) -> None:
    # Rows above a header are listed in the quarantine, never dropped: whatever the header
    # search decides, a person's row is still somewhere a documenter looks.
    path = tmp_path / "list.csv"
    path.write_bytes(
        ("Список;;\r\nАхметов Нурлан;;05.01.2022\r\n№;ФИО;Дата гибели\r\n"
         "1;Ким Ольга;06.01.2022\r\n").encode("cp1251")
    )  # fmt: skip
    result = import_file(project, path, source="s")
    assert result.rows_read == 3
    assert result.rows_stored + result.rows_quarantined == result.rows_read
    held = list(iter_quarantine(project))
    assert [(e["row_number"], e["row_kept"]) for e in held] == [(1, False), (2, False)]


MARKER = "Канареечкин"


def _messages(project: Project, path: Path, **kwargs: Any) -> list[str]:
    """Every message an import of ``path`` gives: the refusal, or the quarantine's reasons."""
    try:
        result = import_file(project, path, source=path.stem, **kwargs)
    except QantarError as refused:
        return [str(refused)]
    return [p["reason"] for p in result.problems_preview] + [
        e["reason"] for e in iter_quarantine(project, path.stem)
    ]


def test_rule4_no_cell_value_in_any_import_error(project: Project, tmp_path: Path) -> None:
    m = MARKER
    files = {
        # a first row that is a person, not a header
        "headerless.csv": f"{m} Иван;05.01.2022\r\n{m} Ольга;06.01.2022\r\n",
        # a header row without a name column (its titles are shown, its cells never)
        "odd.csv": f"Кто;Когда;Откуда\r\n{m};05.01.2022;{m}\r\n",
        # the marker in every parsed field, a ragged row, a blank mapped row
        "fields.csv": "ФИО;Пол;Дата рождения;Возраст;Статус;Дата гибели;Место\r\n"
        + ";".join([m] * 7) + "\r\n"
        + f"{m};{m} {m}\r\n"
        + f"{m} 2;М;01.01.2090;200;{m}, затем {m};05.01.2122;Алматы\r\n",
        "fields.jsonl": f'{{"ФИО": "{m}", "Дата": "{m}"}}\n{{"ФИО": "{m}", \n[1, "{m}"]\n',
        "keys.json": f'[{{"{m}": "{m}"}}]',
    }  # fmt: skip
    seen: list[str] = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_bytes(text.encode("cp1251" if name.endswith(".csv") else "utf-8"))
        seen += _messages(project, path)
    assert len(seen) > 10  # the files did fail, in many ways
    leaked = [s for s in seen if "канареечк" in s.lower()]
    assert not leaked


@pytest.mark.parametrize(
    ("row", "field", "reason"),
    [("Ахметов;01.01.2090;05.01.2022", "birth_date", "after today"),
     ("Ахметов;2099;05.01.2022", "birth_date", "after today"),
     ("Ахметов;01.05.1990;05.01.2090", "event_date", "after today"),
     ("Ахметов;12.03.2022;05.01.2022", "birth_date", "after the event date"),
     ("Ахметов;2023;январь 2022", "birth_date", "after the event date")],
)  # fmt: skip
def test_rule9_impossible_dates_are_held_back_naming_the_field(
    project: Project, tmp_path: Path, row: str, field: str, reason: str
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(f"ФИО;Дата рождения;Дата гибели\r\n{row}\r\n".encode("cp1251"))
    result = import_file(project, path, source="s")
    assert result.fields_quarantined == 1
    (entry,) = iter_quarantine(project)
    assert entry["reason"] == f"{field}: {reason}" and entry["row_kept"]
    record = next(iter(iter_records(project)))
    assert record[field] is None and record[f"{field}_raw"]  # the list's words are kept
    other = "event_date" if field == "birth_date" else "birth_date"
    assert record[other] is not None


def test_rule9_plausible_dates_pass(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(
        "ФИО;Дата рождения;Дата гибели\r\nАхметов;2022;январь 2022\r\nКим;05.01.2022;05.01.2022\r\n"
        .encode("cp1251")
    )  # fmt: skip
    assert import_file(project, path, source="s").fields_quarantined == 0


def _limited(project: Project, **limits: int) -> Project:
    project.settings = project.settings.updated("import", **limits)
    return project


def _book(path: Path, cells: dict[str, Any], extra: dict[str, bytes] | None = None) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ФИО", "Дата гибели"])
    sheet.append(["Ахметов", "05.01.2022"])
    for ref, value in cells.items():
        sheet[ref] = value
    book.save(path)
    if extra:
        with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
            for name, data in extra.items():
                archive.writestr(name, data)
    return path


def _refused(project: Project, path: Path, match: str) -> None:
    with pytest.raises(InputError, match=match) as info:
        import_file(project, path, source="s")
    assert str(path) in str(info.value)
    assert registry_summary(project).totals["records"] == 0


def test_rule7_a_workbook_that_unpacks_to_too_much_is_refused(
    project: Project, tmp_path: Path
) -> None:
    # 64 MB of zeros packs into a few dozen KB: a zip bomb in miniature.
    path = _book(tmp_path / "bomb.xlsx", {}, {"xl/media/padding.bin": bytes(64 << 20)})
    assert path.stat().st_size < 200_000
    _refused(_limited(project, max_decompressed_mb=16), path, "unpacks to more than 16 MB")


def test_rule7_a_cell_far_away_is_refused_before_any_grid_is_built(
    project: Project, tmp_path: Path
) -> None:
    # One cell at the last column and row: python-calamine would ask for 512 GiB and abort.
    _refused(project, _book(tmp_path / "far.xlsx", {"XFD1048576": "x"}), "reaches column 16384")
    _refused(
        _limited(project, max_rows=5000), _book(tmp_path / "low.xlsx", {"A7000": "x"}),
        "reaches row 7000",
    )  # fmt: skip
    _refused(
        _limited(project, max_cells=10_000), _book(tmp_path / "wide.xlsx", {"CV300": "x"}),
        "300 rows by 100 columns",
    )  # fmt: skip


def test_rule7_cells_without_addresses_are_counted(project: Project, tmp_path: Path) -> None:
    # A writer may leave out "r" (<c><v>1</v></c>): such cells take the next column.
    path = _book(tmp_path / "plain.xlsx", {})
    with zipfile.ZipFile(path) as source:
        parts = {i.filename: source.read(i.filename) for i in source.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    wide = b'<row r="3">' + b"<c><v>1</v></c>" * 3000 + b"</row></sheetData>"
    parts[sheet] = re.sub(rb' r="[A-Z]+\d+"', b"", parts[sheet]).replace(b"</sheetData>", wide)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    _refused(project, path, "reaches column 3000")


def test_rule7_repeated_ods_cells_are_counted(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "repeated.ods"
    cell = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    repeat = '<table:table-cell table:number-columns-repeated="16384"'
    many = cell.replace("<table:table-cell", repeat)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body>'
        '<office:spreadsheet><table:table table:name="S">'
        f"<table:table-row>{cell}</table:table-row>"
        f'<table:table-row table:number-rows-repeated="1048575">{many}</table:table-row>'
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    _refused(project, path, "reaches column 16384")


def test_rule7_a_sound_workbook_within_the_limits_imports(project: Project, tmp_path: Path) -> None:
    path = _book(tmp_path / "ok.xlsx", {"C40": "x"})
    assert import_file(_limited(project, max_rows=100), path, source="s").rows_stored == 2


def test_rule7_limits_in_settings_are_checked(project: Project, tmp_path: Path) -> None:
    path = _book(tmp_path / "a.xlsx", {})
    with pytest.raises(InputError, match=r"qantar.toml: \[import\] max_rows must be"):
        import_file(_limited(project, max_rows=0), path, source="s")


def test_rule7_deep_json_is_refused_or_held_back(project: Project, tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "deep.json"
    path.write_text(f'[{{"ФИО": "Ахметов"}}, {deep}]', encoding="utf-8")
    with pytest.raises(InputError, match="nested more than") as info:
        import_file(project, path, source="s")
    assert "row 2" in str(info.value)
    assert registry_summary(project).totals["records"] == 0
    medium = "[" * 500 + "]" * 500  # readable, but no list's row
    path.write_text(f'[{{"ФИО": "Ахметов"}}, {{"ФИО": {medium}}}]', encoding="utf-8")
    result = import_file(project, path, source="s")
    assert (result.rows_stored, result.rows_quarantined) == (1, 1)
    lines = tmp_path / "deep.jsonl"
    lines.write_text(f'{{"ФИО": "Ким"}}\n{deep}\n{{"ФИО": {medium}}}\n', encoding="utf-8")
    result = import_file(project, lines, source="t")
    assert (result.rows_stored, result.rows_quarantined) == (1, 2)
    assert all("nested more than" in e["reason"] for e in iter_quarantine(project, "t"))


@pytest.mark.parametrize("seed", [0, 1, 2, 36])
def test_rule7_a_damaged_workbook_is_refused_in_one_line(
    project: Project, tmp_path: Path, seed: int
) -> None:
    # Bytes flipped inside the packed sheet: a broken deflate stream, a bad CRC, garbled XML.
    import random

    path = _book(tmp_path / "list.xlsx", {f"A{n}": f"Ахметов {n}" for n in range(3, 400)})
    data = bytearray(path.read_bytes())
    rng = random.Random(seed)
    for at in rng.sample(range(200, len(data) - 400), 8):
        data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    try:
        import_file(project, path, source="s")
    except InputError as refused:
        assert "\n" not in str(refused) and str(path) in str(refused)


def test_rule7_a_zip_of_an_unknown_version_is_refused(project: Project, tmp_path: Path) -> None:
    path = _book(tmp_path / "list.xlsx", {})
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first member's central directory record
    data[entry + 6 : entry + 8] = (235).to_bytes(2, "little")  # "needs zip version 23.5"
    path.write_bytes(bytes(data))
    _refused(project, path, "cannot read as XLSX")
