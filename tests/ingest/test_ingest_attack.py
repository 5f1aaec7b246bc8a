"""What an attack found in reading lists (issue 16), one test per rule it broke: nothing read
is dropped, resources are bounded, errors carry no value from a list, impossible dates are
held back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from qantar import Project
from qantar.errors import QantarError
from qantar.ingest import build_rules, import_file, iter_quarantine, iter_records


def test_rule6_a_surname_is_never_taken_for_a_header(project: Project, tmp_path: Path) -> None:
    rules = build_rules()
    for surname in ("Поляков", "Поляков Иван", "Жасырынов", "Датаев", "Имяшев Ерлан"):
        assert rules.column(0, surname).field is None, surname
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
