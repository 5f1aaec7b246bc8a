"""Lists that real people have (issue 15): each made here as its makers' tools write them."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import (
    build_rules,
    import_file,
    iter_records,
    parse_event_type,
    registry_summary,
)


def test_cp1251_semicolon_list_with_latin_ids_is_read(project: Project, tmp_path: Path) -> None:
    # What Russian Excel writes: cp1251, ";", a morgue's Latin ids in the first column.
    lines = ["Номер;ФИО;Дата смерти"] + [
        f"MOR-{i:05d};Байжанов Б.;05.01.2022" for i in range(1, 40)
    ]
    path = tmp_path / "morgue.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))
    result = import_file(project, path, source="morgue", kind="morgue")
    assert (result.encoding, result.delimiter) == ("cp1251", ";")
    assert result.rows_stored == 39
    first = next(iter(iter_records(project)))
    assert (first["source_record_id"], first["name_raw"]) == ("MOR-00001", "Байжанов Б.")


NAMELESS = "Погибший;Когда;Нас. пункт / район;Внутренний код\r\n"


def test_a_list_whose_name_column_is_not_known_is_refused_not_nameless(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(
        ("Кто;Когда;Нас. пункт / район;Внутренний код\r\n"
         "Досжанов Марат;05.01.2022;Алматы;A-1\r\n").encode("cp1251")
    )  # fmt: skip
    with pytest.raises(InputError) as info:
        import_file(project, path, source="odd", kind="ngo")
    message = str(info.value)
    # the headers it saw and how to map them; never a cell
    assert "holds the person's name" in message and "'Кто'" in message
    assert "--mapping" in message and "--no-names" in message
    assert '[columns] "Кто" = "name"' in message  # the line to write, for this list
    assert "Досжанов" not in message
    assert registry_summary(project).totals["records"] == 0
    # the way out the message names works
    mapping = tmp_path / "odd.toml"
    mapping.write_text('[columns]\n"Кто" = "name"\n', encoding="utf-8")
    result = import_file(project, path, source="odd", kind="ngo", mapping=mapping)
    assert next(iter(iter_records(project)))["name_raw"] == "Досжанов Марат"
    assert result.rows_stored == 1


def test_a_list_without_names_on_purpose_is_imported_when_asked(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "counts.csv"
    path.write_bytes(("Когда;Нас. пункт\r\n05.01.2022;Алматы\r\n").encode("cp1251"))
    with pytest.raises(InputError, match="--no-names"):
        import_file(project, path, source="counts")
    result = import_file(project, path, source="counts", no_names=True)
    assert result.rows_stored == 1


def test_cli_no_names_flag(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "counts.csv"
    path.write_bytes(("Когда;Нас. пункт\r\n05.01.2022;Алматы\r\n").encode("cp1251"))
    args = ["import", str(path), "--source", "s"]
    refused = run_cli(project, *args)
    assert refused.exit_code == 2 and "--no-names" in refused.stderr
    done = run_cli(project, *args, "--no-names")
    assert done.exit_code == 0, done.output
    assert registry_summary(project).totals["records"] == 1


def test_the_dead_column_is_the_name_unless_a_name_column_exists(
    project: Project, tmp_path: Path
) -> None:
    # The list: «Погибший» holds the names of the dead.
    path = tmp_path / "hotline.csv"
    path.write_bytes((NAMELESS + "Досжанов Марат;05.01.2022;Алматы;A-1\r\n").encode("cp1251"))
    import_file(project, path, source="hotline")
    record = next(iter(iter_records(project)))
    assert (record["name_raw"], record["event_date"]) == ("Досжанов Марат", "2022-01-05")
    # beside a plain ФИО column, «Погибший» is a yes/no column, not a second name
    rules = build_rules()
    assert [c.field for c in rules.map_headers(["Погибший", "ФИО"])] == [None, "name"]
    # JSON keys arrive one by one, so there «Погибший» is mapped only by hand
    path = tmp_path / "list.json"
    path.write_text('[{"Погибший": "да", "ФИО": "Ким Ольга"}]', encoding="utf-8")
    import_file(project, path, source="json")
    assert [r["name_raw"] for r in iter_records(project, "json")] == ["Ким Ольга"]


@pytest.mark.parametrize(
    ("text", "kind"),
    [("ранен, позже скончался", "killed"), ("Ранен. Позже скончался в больнице", "killed"),
     ("скончался от ранений", "killed"), ("задержан, избит, умер в ИВС", "died_in_custody"),
     ("пропал без вести, позже найден мёртвым", "killed"),
     ("жараланып, кейін қайтыс болды", "killed"), ("жараланды, ауруханада көз жұмды", "killed"),
     ("wounded, later died", "killed"), ("задержан, затем пропал", "disappeared"),
     ("ранен, затем задержан", "detained"), ("ұсталды, кейін хабарсыз кетті", "disappeared"),
     ("arrested, then disappeared", "disappeared")],
)  # fmt: skip
def test_a_sequence_of_events_is_read_by_its_outcome(text: str, kind: str) -> None:
    assert parse_event_type(text) == kind


def test_wounded_then_died_is_stored_as_killed_with_the_words_kept(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes("ФИО;Статус\r\nАхметов Нурлан;ранен, позже скончался\r\n".encode("cp1251"))
    result = import_file(project, path, source="s")
    assert result.fields_quarantined == 0
    record = next(iter(iter_records(project)))
    assert (record["event_type"], record["event_type_raw"]) == ("killed", "ранен, позже скончался")


def _workbook(rows: list[list[Any]], *, date1904: bool = False) -> Any:
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    book = openpyxl.Workbook()
    if date1904:
        book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    for row in rows:
        sheet.append(row)
    return book


@pytest.mark.parametrize(("date1904", "serial"), [(False, 44566), (True, 44566 - 1462)])
def test_excel_day_numbers_in_a_date_column(
    project: Project, tmp_path: Path, date1904: bool, serial: int
) -> None:
    # A morgue's date column typed as numbers: 44566 is 5 January 2022 (1900 system); a
    # workbook saved in the 1904 system says so in its own settings.
    book = _workbook(
        [["ФИО", "Дата рождения", "Дата смерти"], ["Ахметов", serial - 13000, serial],
         ["Ким", "12.03.1985", f"{serial}.5"], ["Ли", "1985", dt.date(2022, 1, 5)]],
        date1904=date1904,
    )  # fmt: skip
    path = tmp_path / "morgue.xlsx"
    book.save(path)
    result = import_file(project, path, source="morgue")
    assert result.fields_quarantined == 0
    dates = [(r["event_date"], r["event_date_precision"]) for r in iter_records(project)]
    assert dates == [("2022-01-05", "day")] * 3
    born = dt.date(2022, 1, 5) - dt.timedelta(days=13000)
    assert next(iter(iter_records(project)))["birth_date"] == born.isoformat()


def test_excel_day_numbers_in_a_csv_and_the_1904_option(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "morgue.csv"
    path.write_bytes("ФИО;Дата смерти;Возраст\r\nАхметов;44566;44\r\n".encode("cp1251"))
    import_file(project, path, source="a")
    record = next(iter(iter_records(project)))
    assert (record["event_date"], record["event_date_raw"], record["age"]) == (
        "2022-01-05", "44566", 44
    )  # fmt: skip
    mapping = tmp_path / "mac.toml"
    mapping.write_text("[options]\nexcel_date_system = 1904\n", encoding="utf-8")
    path.write_bytes("ФИО;Дата смерти\r\nАхметов;43104\r\n".encode("cp1251"))
    import_file(project, path, source="b", mapping=mapping)
    assert [r["event_date"] for r in iter_records(project, "b")] == ["2022-01-05"]


def test_vertically_merged_cells_are_filled_down_and_counted(
    project: Project, tmp_path: Path
) -> None:
    book = _workbook(
        [["Список погибших", None, None], ["ФИО", "Место гибели", "Дата гибели"],
         ["Ахметов", "Алматы", "05.01.2022"], ["Ким", None, None], ["Ли", None, "06.01.2022"]]
    )  # fmt: skip
    sheet = book.active
    sheet.merge_cells("A1:C1")  # a title: left alone
    sheet.merge_cells("B3:B5")
    sheet.merge_cells("C3:C4")
    path = tmp_path / "merged.xlsx"
    book.save(path)
    result = import_file(project, path, source="s")
    assert result.notices == [
        "3 cells of vertically merged ranges were filled down with the value of the range's "
        "first row"
    ]
    got = [(r["name_raw"], r["place_id"], r["event_date"]) for r in iter_records(project)]
    assert got == [("Ахметов", "almaty", "2022-01-05"), ("Ким", "almaty", "2022-01-05"),
                   ("Ли", "almaty", "2022-01-06")]  # fmt: skip


def _ods(path: Path, rows_xml: str) -> None:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="S">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mimetype", "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )  # fmt: skip
        archive.writestr("content.xml", content)
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
            '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
            'manifest:full-path="/" manifest:media-type='
            '"application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
            'manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )


def _cell(text: str, extra: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="string"{extra}><text:p>{text}</text:p>'
        "</table:table-cell>"
    )


def test_vertically_merged_cells_in_ods(project: Project, tmp_path: Path) -> None:
    row = "<table:table-row>{}</table:table-row>".format
    path = tmp_path / "merged.ods"
    _ods(
        path,
        row(_cell("ФИО") + _cell("Место гибели"))
        + row(_cell("Ахметов") + _cell("Алматы", ' table:number-rows-spanned="3"'))
        + row(_cell("Ким") + "<table:covered-table-cell/>")
        + row(_cell("Ли") + "<table:covered-table-cell/>"),
    )
    result = import_file(project, path, source="s")
    assert result.file_format == "ods" and len(result.notices) == 1
    assert [r["place_id"] for r in iter_records(project)] == ["almaty"] * 3


@pytest.mark.parametrize(
    "text",
    [
        "умер в СИЗО",
        "задержан, позже скончался в ИВС",
        "скончался под стражей",
        "қамауда қайтыс болды",
        "died in custody",
        "died_in_custody",
    ],
)
def test_a_death_in_custody_is_its_own_event_type(text: str) -> None:
    from qantar.ingest import parse_event_type

    assert parse_event_type(text) == "died_in_custody"


def test_a_death_without_custody_stays_killed() -> None:
    from qantar.ingest import parse_event_type

    assert parse_event_type("ранен, позже скончался в больнице") == "killed"
    assert parse_event_type("задержан, затем отпущен") == "detained"
