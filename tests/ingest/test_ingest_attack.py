"""What an attack found in reading lists (issue 16), one test per rule it broke: nothing read
is dropped, resources are bounded, errors carry no value from a list, impossible dates are
held back."""

from __future__ import annotations

from pathlib import Path

from qantar import Project
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
