"""Import of lists shaped like real ones: every row stored or quarantined with a reason,
counts that add up, raw cells exactly as the file held them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import (
    gazetteer,
    import_file,
    iter_quarantine,
    iter_records,
    registry_summary,
)
from qantar.store import import_batches, quarantine, raw_rows, records

RU_HEADER = ["№ п/п", "Ф.И.О.", "Пол", "Дата рождения", "Возраст", "Дата гибели",
             "Место гибели", "Статус", "Примечание", "Источник информации"]  # fmt: skip
RU_ROWS = [
    ["1", "Ахметов Нурлан Серикович", "М", "12.03.1985", "36 лет", "05.01.2022", "г. Алматы",
     "погиб", "", "родственники"],
    ["2", "Ким Ольга", "Ж", "1990", "~31", "6 января 2022 г.", "Талдыкорган", "ранена",
     "огнестрельное ранение; \"скорая\" не приехала", ""],
    ["3", "Иванов Сергей", "муж.", "31.02.1979", "сорок", "январь 2022", "с. Кеген",
     "задержан", "", "СМИ"],
    ["4", "Сарсенбаев Ерлан", "М", "05.01.22", "", "вчера", "Алматинская обл.", "???", "", ""],
    ["5", "Ёлкина Анна", "Ж", "", "19", "07.01.2022", "Алма-Ата", "Погибла",
     "многострочная\r\nзаметка", ""],
]  # fmt: skip


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, encoding: str,
              delimiter: str = ",") -> bytes:  # fmt: skip
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes(data)
    return data


def stored_cells(project: Project, batch_id: int) -> list[Any]:
    with project.engine.connect() as conn:
        return [
            r.cells
            for r in conn.execute(
                select(raw_rows.c.cells)
                .where(raw_rows.c.batch_id == batch_id)
                .order_by(raw_rows.c.row_number)
            )
        ]


def counts(project: Project) -> dict[str, int]:
    with project.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (import_batches, raw_rows, records, quarantine)
        }


def assert_accounted(project: Project, result: Any) -> None:
    """Every row read is stored as a record or quarantined whole, each held-back row has a
    reason, and every row read is kept verbatim."""
    assert result.rows_stored + result.rows_quarantined == result.rows_read
    with project.engine.connect() as conn:
        n_raw = conn.execute(
            select(func.count()).where(raw_rows.c.batch_id == result.batch_id)
        ).scalar_one()
        n_records = conn.execute(
            select(func.count()).where(records.c.batch_id == result.batch_id)
        ).scalar_one()
        held_back = conn.execute(
            select(func.count(func.distinct(quarantine.c.raw_row_id))).where(
                quarantine.c.batch_id == result.batch_id,
                ~quarantine.c.raw_row_id.in_(select(records.c.raw_row_id)),
            )
        ).scalar_one()
        batch = conn.execute(
            select(import_batches).where(import_batches.c.id == result.batch_id)
        ).one()
    assert n_raw == result.rows_read == batch.rows_read
    assert n_records == result.rows_stored == batch.rows_stored
    assert held_back == result.rows_quarantined == batch.rows_quarantined


def test_cp1251_semicolon_list_with_russian_headers(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "список_погибших.csv"
    write_csv(path, RU_HEADER, RU_ROWS, encoding="cp1251", delimiter=";")
    result = import_file(project, path, source="НКО Кадыр-Касиет", kind="ngo")
    assert (result.encoding, result.delimiter, result.file_format) == ("cp1251", ";", "csv")
    assert result.rows_read == 5
    assert result.rows_stored == 5
    assert result.rows_quarantined == 0
    assert_accounted(project, result)
    assert stored_cells(project, result.batch_id) == RU_ROWS  # byte-for-byte, unknown column too
    recs = {r["source_record_id"]: r for r in iter_records(project)}
    first = recs["1"]
    assert first["name_raw"] == "Ахметов Нурлан Серикович"
    assert (first["sex"], first["birth_date"], first["birth_date_precision"]) == (
        "M",
        "1985-03-12",
        "day",
    )
    assert (first["age"], first["event_type"], first["event_date"]) == (36, "killed", "2022-01-05")
    assert (first["place_raw"], first["place_id"]) == ("г. Алматы", "almaty")
    second = recs["2"]
    assert (second["birth_date"], second["birth_date_precision"]) == ("1990", "year")
    assert (second["age"], second["event_type"], second["place_id"]) == (
        31,
        "injured",
        "taldykorgan",
    )
    assert second["notes"] == RU_ROWS[1][8]
    third = recs["3"]
    assert (third["event_date"], third["event_date_precision"]) == ("2022-01", "month")
    assert third["birth_date"] is None and third["birth_date_raw"] == "31.02.1979"
    assert third["age"] is None and third["age_raw"] == "сорок"
    assert third["place_raw"] == "с. Кеген" and third["place_id"] is None
    fourth = recs["4"]
    assert fourth["event_type"] is None and fourth["event_type_raw"] == "???"
    assert fourth["place_id"] == "reg-almaty"
    assert recs["5"]["notes"] == "многострочная\r\nзаметка"
    problems = [(q["row_number"], q["column"], q["value"]) for q in iter_quarantine(project)]
    assert sorted(problems) == [
        (4, "Возраст", "сорок"), (4, "Дата рождения", "31.02.1979"),
        (5, "Дата гибели", "вчера"), (5, "Статус", "???"),
    ]  # fmt: skip
    assert all(q["row_kept"] and q["reason"] for q in iter_quarantine(project))


def test_same_file_again_adds_nothing_unless_forced(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    write_csv(path, RU_HEADER, RU_ROWS, encoding="utf-8")
    first = import_file(project, path, source="a", kind="media")
    before = counts(project)
    again = import_file(project, path, source="a")
    assert again.already_imported and again.batch_id == first.batch_id
    assert counts(project) == before
    # The same rows under a second source name: refused (one list-maker counted twice).
    with pytest.raises(InputError, match="same list"):
        import_file(project, path, source="b", kind="family")
    assert counts(project) == before
    other_source = import_file(project, path, source="b", kind="family", force=True)
    assert not other_source.already_imported and other_source.warnings
    forced = import_file(project, path, source="a", force=True)
    assert forced.forced and forced.batch_id not in (first.batch_id, other_source.batch_id)
    assert counts(project)["records"] == 3 * len(RU_ROWS)
    summary = registry_summary(project)
    assert [(s.name, s.kind, s.batches, s.records) for s in summary.sources] == [
        ("a", "media", 2, 10), ("b", "family", 1, 5),
    ]  # fmt: skip
    assert summary.by_kind["media"]["records"] == 10
    assert summary.totals["rows_read"] == 15


def test_english_csv_with_spelled_out_dates(project: Project, tmp_path: Path) -> None:
    header = ["ID", "Last name", "First name", "Gender", "Date of birth", "Date of death",
              "City", "Notes"]  # fmt: skip
    rows = [
        ["HRW-1", "Abenov", "Daulet", "male", "March 3, 1990", "January 5, 2022", "Almaty", ""],
        ["HRW-2", "Li", "Mei", "F", "1987", "5 Jan 2022", "Taldykorgan", "seen at the square"],
        ["HRW-3", "Petrov", "Ivan", "M", "", "Jan 2022", "Kapchagay", ""],
    ]
    path = tmp_path / "hrw.csv"
    write_csv(path, header, rows, encoding="utf-8")
    result = import_file(project, path, source="HRW", kind="ngo")
    assert result.delimiter == "," and result.encoding == "utf-8"
    assert (result.rows_stored, result.rows_quarantined, result.fields_quarantined) == (3, 0, 0)
    recs = list(iter_records(project, "HRW"))
    assert [r["event_date"] for r in recs] == ["2022-01-05", "2022-01-05", "2022-01"]
    assert [r["birth_date"] for r in recs] == ["1990-03-03", "1987", None]
    assert [r["place_id"] for r in recs] == ["almaty", "taldykorgan", "konayev"]
    # "Date of death" says what happened when no status column does
    assert {r["event_type"] for r in recs} == {"killed"}
    assert recs[0]["surname_raw"] == "Abenov" and recs[0]["given_raw"] == "Daulet"
    assert stored_cells(project, result.batch_id) == rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-8"])
def test_unicode_encodings_and_tabs(project: Project, tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "list.tsv"
    write_csv(path, RU_HEADER, RU_ROWS, encoding=encoding, delimiter="\t")
    result = import_file(project, path, source="tsv")
    assert result.encoding == encoding and result.delimiter == "\t"
    assert stored_cells(project, result.batch_id) == RU_ROWS
    assert_accounted(project, result)


def test_pipe_delimited(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.txt"
    write_csv(path, RU_HEADER, RU_ROWS, encoding="utf-8", delimiter="|")
    result = import_file(project, path, source="pipes")
    assert result.delimiter == "|" and result.rows_stored == 5


KK_HEADER = ["Р/с", "Тегі", "Аты", "Әкесінің аты", "Жынысы", "Туған күні", "Жасы",
             "Қаза тапқан күні", "Қала", "Мәртебесі", "Ескертпе"]  # fmt: skip
KK_ROWS = [
    [1, "Сәрсенбаев", "Ерлан", "Қайратұлы", "Ер", dt.date(1995, 4, 2), 26,
     "5 қаңтар 2022", "Алматы", "қаза тапты", None],
    [2, "Нұрланова", "Әсел", "", "Әйел", "1998", "23 жаста", dt.datetime(2022, 1, 6),
     "Талдықорған", "жараланды", "ауруханада"],
    [3, "Оспанов", "Бауыржан", None, "Ер", "7 желтоқсан 1980", 41.0, "7 қаңтар 2022",
     "Шымкент қаласы", "ұсталды", None],
]  # fmt: skip
KK_TEXT = [
    ["1", "Сәрсенбаев", "Ерлан", "Қайратұлы", "Ер", "1995-04-02", "26", "5 қаңтар 2022",
     "Алматы", "қаза тапты", ""],
    ["2", "Нұрланова", "Әсел", "", "Әйел", "1998", "23 жаста", "2022-01-06", "Талдықорған",
     "жараланды", "ауруханада"],
    ["3", "Оспанов", "Бауыржан", "", "Ер", "7 желтоқсан 1980", "41", "7 қаңтар 2022",
     "Шымкент қаласы", "ұсталды", ""],
]  # fmt: skip


def check_kazakh(project: Project, result: Any) -> None:
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 3, 0)
    assert result.fields_quarantined == 0
    assert_accounted(project, result)
    assert stored_cells(project, result.batch_id) == KK_TEXT
    recs = list(iter_records(project))
    assert [r["surname_raw"] for r in recs] == ["Сәрсенбаев", "Нұрланова", "Оспанов"]
    assert [r["patronymic_raw"] for r in recs] == ["Қайратұлы", None, None]
    assert [r["sex"] for r in recs] == ["M", "F", "M"]
    assert [r["birth_date"] for r in recs] == ["1995-04-02", "1998", "1980-12-07"]
    assert [r["age"] for r in recs] == [26, 23, 41]
    assert [r["event_date"] for r in recs] == ["2022-01-05", "2022-01-06", "2022-01-07"]
    assert [r["event_type"] for r in recs] == ["killed", "injured", "detained"]
    assert [r["place_id"] for r in recs] == ["almaty", "taldykorgan", "shymkent"]


def test_xlsx_with_kazakh_headers(project: Project, tmp_path: Path) -> None:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Мазмұны"
    workbook.active.append(["Бұл бетте тізім жоқ"])
    sheet = workbook.create_sheet("Тізім")
    sheet.append(KK_HEADER)
    for row in KK_ROWS:
        sheet.append(row)
    path = tmp_path / "тізім.xlsx"
    workbook.save(path)
    result = import_file(project, path, source="Қаза тапқандар", kind="media", sheet="Тізім")
    assert result.file_format == "xlsx" and result.sheet == "Тізім"
    check_kazakh(project, result)


def test_ods_with_kazakh_headers(project: Project, tmp_path: Path) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    table = Table(name="Тізім")
    for row in [KK_HEADER, *KK_ROWS]:
        tr = TableRow()
        for value in row:
            if isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=value)
                cell.addElement(P(text=str(value)))
            elif isinstance(value, dt.datetime):
                cell = TableCell(valuetype="date", datevalue=value.date().isoformat())
                cell.addElement(P(text=value.date().isoformat()))
            elif isinstance(value, dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat())
                cell.addElement(P(text=value.isoformat()))
            else:
                cell = TableCell(valuetype="string")
                if value:
                    cell.addElement(P(text=value))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    path = tmp_path / "тізім.ods"
    doc.save(str(path))
    result = import_file(project, path, source="ods", kind="family")
    assert result.file_format == "ods"
    check_kazakh(project, result)


def test_xls_with_kazakh_headers(project: Project, tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Tizim")
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for r, row in enumerate([KK_HEADER, *KK_ROWS]):
        for c, value in enumerate(row):
            if isinstance(value, dt.date):
                sheet.write(r, c, value, date_style)
            elif value is not None:
                sheet.write(r, c, value)
    path = tmp_path / "tizim.xls"
    book.save(str(path))
    result = import_file(project, path, source="xls", kind="hospital")
    assert result.file_format == "xls"
    check_kazakh(project, result)


def test_json_array_and_json_lines(project: Project, tmp_path: Path) -> None:
    objects = [
        {"id": 7, "full_name": "Ахметов Нурлан", "sex": "M", "age": 36, "date": "2022-01-05",
         "place": "Almaty", "status": "killed", "extra": {"photo": True}},
        {"id": 8, "full_name": "Ким Ольга", "sex": "F", "date": "06.01.2022", "place": "Тараз",
         "status": "detained", "unknown_key": "keep me"},
        ["not", "an", "object"],
    ]  # fmt: skip
    path = tmp_path / "list.json"
    path.write_text(json.dumps(objects, ensure_ascii=False), encoding="utf-8")
    result = import_file(project, path, source="json")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 2, 1)
    assert_accounted(project, result)
    assert stored_cells(project, result.batch_id) == objects
    recs = list(iter_records(project))
    assert [r["source_record_id"] for r in recs] == ["7", "8"]
    assert [r["event_type"] for r in recs] == ["killed", "detained"]
    assert [r["place_id"] for r in recs] == ["almaty", "taraz"]
    assert {c.header: c.field for c in result.columns}["unknown_key"] is None

    lines = [json.dumps(o, ensure_ascii=False) for o in objects[:2]]
    lines.insert(1, "{broken json")
    jsonl = tmp_path / "list.jsonl"
    jsonl.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    # The same two people as the JSON list: found by their rows, so forced in here.
    result = import_file(project, jsonl, source="jsonl", force=True)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 2, 1)
    assert stored_cells(project, result.batch_id) == [objects[0], ["{broken json"], objects[1]]
    reasons = [q["reason"] for q in iter_quarantine(project, "jsonl")]
    assert len(reasons) == 1 and "not valid JSON" in reasons[0]


def test_mapping_file_and_project_headers(project: Project, tmp_path: Path) -> None:
    header = ["Нөмір", "Погибший", "Когда", "Где", "Любимый цвет"]
    rows = [["1", "Оспанов Б.", "05/01/2022", "Жанаозен", "синий"],
            ["2", "Ли М.", "01/13/2022", "Актау", "зелёный"]]  # fmt: skip
    path = tmp_path / "odd.csv"
    write_csv(path, header, rows, encoding="utf-8")
    mapping = tmp_path / "odd.toml"
    mapping.write_text(
        '[columns]\n"Нөмір" = "id"\n"Погибший" = "full_name"\n"Когда" = "event_date"\n'
        '"Где" = "place"\n[options]\ndate_order = "mdy"\n[defaults]\nevent_type = "killed"\n',
        encoding="utf-8",
    )
    result = import_file(project, path, source="odd", mapping=mapping)
    assert result.rows_stored == 2 and result.fields_quarantined == 0
    recs = list(iter_records(project))
    assert [r["event_date"] for r in recs] == ["2022-05-01", "2022-01-13"]
    assert [r["event_type"] for r in recs] == ["killed", "killed"]
    assert [r["place_id"] for r in recs] == ["zhanaozen", "aktau"]
    with project.engine.connect() as conn:
        stored_mapping = conn.execute(select(import_batches.c.mapping)).scalar_one()
    assert stored_mapping["date_order"] == "mdy"
    assert [c["field"] for c in stored_mapping["columns"]] == [
        "source_record_id", "name", "event_date", "place", None,
    ]  # fmt: skip


def test_dry_run_writes_nothing_and_previews(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    write_csv(path, RU_HEADER, RU_ROWS, encoding="cp1251", delimiter=";")
    before = counts(project)
    result = import_file(project, path, source="dry", dry_run=True)
    assert counts(project) == before
    assert result.dry_run and result.batch_id is None
    assert result.rows_read == 5 and len(result.preview) == 5
    assert result.preview[0]["name_raw"] == "Ахметов Нурлан Серикович"
    assert [c.field for c in result.columns][:3] == ["source_record_id", "name", "sex"]


def test_project_settings_add_header_names(project: Project, tmp_path: Path) -> None:
    settings = project.root / "qantar.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            "[import]\n", '[import]\nheaders = { surname = ["Фамилия погибшего"] }\n'
        ),
        encoding="utf-8",
    )
    reopened = Project.open(project.root)
    path = tmp_path / "list.csv"
    write_csv(path, ["Фамилия погибшего", "Дата"], [["Ахметов", "2022"]], encoding="utf-8")
    result = import_file(reopened, path, source="settings")
    assert {c.header: (c.field, c.how) for c in result.columns}["Фамилия погибшего"] == (
        "surname", "settings",
    )  # fmt: skip
    assert next(iter_records(reopened))["surname_raw"] == "Ахметов"
    # a dry run of a file already imported still shows its mapping and rows
    again = import_file(reopened, path, source="settings", dry_run=True)
    assert again.already_imported and again.dry_run and again.rows_read == 1
    reopened.close()


def test_kazakh_windows_code_page(project: Project, tmp_path: Path) -> None:
    header = ["Тегі", "Аты", "Қаза тапқан күні", "Қала"]
    rows = [["Сәрсенбаев", "Қайрат", "5 қаңтар 2022", "Талдықорған"],
            ["Нұрланова", "Әсел", "6 қаңтар 2022", "Өскемен"]]  # fmt: skip
    path = tmp_path / "kz1048.csv"
    write_csv(path, header, rows, encoding="kz1048", delimiter=";")
    result = import_file(project, path, source="kz")
    assert result.encoding == "kz1048"
    assert stored_cells(project, result.batch_id) == rows
    assert [r["place_id"] for r in iter_records(project)] == ["taldykorgan", "oskemen"]


def test_one_column_list_keeps_commas_in_names(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_text("ФИО\nИванов, Иван\nКим Ольга\n", encoding="utf-8")
    result = import_file(project, path, source="names")
    assert (result.rows_read, result.rows_stored) == (2, 2)
    assert [r["name_raw"] for r in iter_records(project)] == ["Иванов, Иван", "Ким Ольга"]


def test_place_from_city_and_region_columns(project: Project, tmp_path: Path) -> None:
    header = ["ФИО", "Дата задержания", "Город", "Область", "Примечание", "Комментарий"]
    rows = [["Ли", "06.01.2022", "Талдыкорган", "Алматинская обл.", "в СИЗО", "со слов жены"],
            ["Ким", "07.01.2022", "", "Жамбылская область", "", ""],
            ["Ан", "08.01.2022", "с. Кеген", "Алматинская обл.", "", ""]]  # fmt: skip
    path = tmp_path / "places.csv"
    write_csv(path, header, rows, encoding="utf-8", delimiter=";")
    result = import_file(project, path, source="places")
    assert result.rows_stored == 3
    recs = list(iter_records(project))
    assert [r["place_raw"] for r in recs] == [
        "Талдыкорган, Алматинская обл.", "Жамбылская область", "с. Кеген, Алматинская обл.",
    ]  # fmt: skip
    assert [r["place_id"] for r in recs] == ["taldykorgan", "reg-zhambyl", "reg-almaty"]
    assert [r["event_type"] for r in recs] == ["detained"] * 3
    assert recs[0]["notes"] == "Примечание: в СИЗО | Комментарий: со слов жены"
    assert [g.id for g in gazetteer()][:1] == ["reg-akmola"]


def test_json_larger_than_the_read_chunk(project: Project, tmp_path: Path) -> None:
    objects: list[Any] = [
        {"id": i, "ФИО": f"Человек {i}", "Возраст": i % 90, "Дата": "2022-01-05",
         "Примечание": "ы" * (i % 300)}
        for i in range(12_000)
    ]  # fmt: skip
    objects[5000] = 12345  # a bare number somewhere in the middle
    path = tmp_path / "big.json"
    path.write_text(json.dumps(objects, ensure_ascii=False, indent=1), encoding="utf-8")
    assert path.stat().st_size > 3 * 2**20
    result = import_file(project, path, source="big json")
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (12_000, 11_999, 1)
    assert stored_cells(project, result.batch_id) == objects


def test_import_files_checks_every_file_before_importing_any(
    project: Project, tmp_path: Path
) -> None:
    from qantar.ingest import import_files

    good = tmp_path / "good.csv"
    good.write_text("ФИО;Пол\nАхметов Нурлан;М\n", encoding="utf-8")
    broken = tmp_path / "photo.csv"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(InputError, match=r"photo\.csv"):
        import_files(project, [good, broken], source="hotline")
    assert registry_summary(project).totals["records"] == 0  # the good file waited too
    with pytest.raises(InputError, match="unknown kind"):
        import_files(project, [good], source="hotline", kind="rumour")
    assert registry_summary(project).totals["records"] == 0

    second = tmp_path / "second.csv"
    second.write_text("ФИО;Пол\nКим Ольга;Ж\nЛи Анна;Ж\n", encoding="utf-8")
    heard: list[int] = []
    results = import_files(
        project, [good, second], source="hotline", kind="ngo",
        on_result=lambda r: heard.append(r.rows_stored),
    )  # fmt: skip
    assert [r.rows_stored for r in results] == heard == [1, 2]
    assert registry_summary(project).totals["records"] == 3
