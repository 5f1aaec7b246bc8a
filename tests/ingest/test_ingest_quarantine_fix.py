"""Fixing a quarantined row by hand (``fix_quarantined``): the raw row stays verbatim, the
corrected values are parsed as an import parses them, the row becomes a record of its batch
with a stable key, and the quarantine entry is kept, marked fixed by whom and when."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import assign_record_keys, fix_quarantined, import_file, registry_summary
from qantar.store import import_batches, quarantine, raw_rows, records

LIST = (
    "№,ФИО,Дата рождения,Пол,Комментарий волонтёра\n"
    "1,Ахметов Нурлан,12.03.1990,м,\n"
    "2,Сериков Ерлан,1990,м,лишняя,ячейка\n"  # one cell too many: held back whole
    "3,Жаксылыков Кайрат,31.02.1985,м,\n"  # a field problem: the row is kept
)


def _import(project: Project, tmp_path: Path) -> int:
    path = tmp_path / "hotline.csv"
    path.write_text(LIST, encoding="utf-8")
    result = import_file(project, path, source="Hotline", kind="ngo", by="dana")
    assert result.rows_stored == 2 and result.rows_quarantined == 1
    assert result.batch_id is not None
    return result.batch_id


def _entries(project: Project) -> list[Any]:
    with project.engine.connect() as conn:
        return list(conn.execute(select(quarantine).order_by(quarantine.c.id)))


def _held(project: Project) -> Any:
    """The entry of the row held back whole (row 3 of the file, its header being row 1)."""
    return next(e for e in _entries(project) if e.row_number == 3)


def _snapshot(project: Project) -> tuple[list[Any], list[Any], list[Any], list[Any]]:
    with project.engine.connect() as conn:
        return (
            [tuple(r) for r in conn.execute(select(records).order_by(records.c.id))],
            [tuple(r) for r in conn.execute(select(quarantine).order_by(quarantine.c.id))],
            [tuple(r) for r in conn.execute(select(raw_rows).order_by(raw_rows.c.id))],
            [tuple(r) for r in conn.execute(select(import_batches))],
        )


def test_a_fixed_row_becomes_a_record_of_its_batch_and_the_entry_is_kept(
    project: Project, tmp_path: Path
) -> None:
    batch = _import(project, tmp_path)
    entry = _held(project)
    with project.engine.connect() as conn:
        cells_before = conn.execute(
            select(raw_rows.c.cells).where(raw_rows.c.id == entry.raw_row_id)
        ).scalar_one()
    fixed = fix_quarantined(
        project,
        entry.id,
        {"source_record_id": "2", "name": "Сериков Ерлан", "birth_date": "05.06.1990",
         "sex": "м"},
        by="aigerim",
    )  # fmt: skip
    assert (fixed.batch_id, fixed.row_number, fixed.by) == (batch, 3, "aigerim")
    assert fixed.fields == ["birth_date", "name", "sex", "source_record_id"]
    with project.engine.connect() as conn:
        record = conn.execute(select(records).where(records.c.id == fixed.record_id)).one()
        cells_after = conn.execute(
            select(raw_rows.c.cells).where(raw_rows.c.id == entry.raw_row_id)
        ).scalar_one()
        counts = conn.execute(
            select(import_batches.c.rows_stored, import_batches.c.rows_quarantined)
        ).one()
    # parsed as an import parses: day-first date with its precision, sex read, name parsed
    assert (record.batch_id, record.raw_row_id, record.row_number) == (batch, entry.raw_row_id, 3)
    assert (record.birth_date, record.birth_date_precision) == ("1990-06-05", "day")
    assert (record.sex_raw, record.sex, record.name_surname) == ("м", "M", "Сериков")
    assert record.record_key == fixed.record_key == "Hotline|id:2"
    assert cells_after == cells_before  # the raw row stays verbatim
    assert tuple(counts) == (3, 0)
    again = _held(project)
    assert again.fixed_by == "aigerim" and again.fixed_at is not None
    assert again.fixed_record_id == fixed.record_id and again.reason == entry.reason
    summary = registry_summary(project).totals
    assert (summary["records"], summary["rows_quarantined"], summary["fields_quarantined"]) == (
        3,
        0,
        1,
    )
    # The key is stored once: keying the batch again changes nothing.
    assert assign_record_keys(project.engine.connect(), batch) == 0


def test_a_value_that_still_cannot_be_read_names_the_field_and_changes_nothing(
    project: Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    entry = _held(project)
    before = _snapshot(project)
    with pytest.raises(InputError) as caught:
        fix_quarantined(project, entry.id, {"name": "Сериков Ерлан", "birth_date": "31.02.1990"})
    message = str(caught.value)
    assert caught.value.field == "birth_date" and "birth_date" in message
    assert "31.02.1990" not in message and "Сериков" not in message
    assert f"quarantine entry {entry.id}" in message and "row 3" in message
    assert _snapshot(project) == before


@pytest.mark.parametrize(
    ("corrected", "field"),
    [({"nickname": "Кайратик"}, "nickname"), ({"sex": "кто-то"}, "sex"), ({"age": "сто"}, "age")],
)
def test_an_unknown_field_or_unreadable_value_is_refused(
    project: Project, tmp_path: Path, corrected: dict[str, str], field: str
) -> None:
    _import(project, tmp_path)
    before = _snapshot(project)
    with pytest.raises(InputError) as caught:
        fix_quarantined(project, _held(project).id, {"name": "Сериков Ерлан", **corrected})
    assert caught.value.field == field
    assert all(v not in str(caught.value) for v in corrected.values())
    assert _snapshot(project) == before


def test_a_row_fixed_once_a_kept_row_and_an_unknown_entry_are_refused(
    project: Project, tmp_path: Path
) -> None:
    _import(project, tmp_path)
    entry = _held(project)
    fix_quarantined(project, entry.id, {"name": "Сериков Ерлан"})
    after_fix = _snapshot(project)
    with pytest.raises(InputError, match="fixed already"):
        fix_quarantined(project, entry.id, {"name": "Сериков Ерлан"})
    kept = next(e for e in _entries(project) if e.row_number == 4)
    with pytest.raises(InputError, match="a record already"):
        fix_quarantined(project, kept.id, {"birth_date": "28.02.1985"})
    with pytest.raises(InputError, match="no quarantined row"):
        fix_quarantined(project, 9999, {"name": "x"})
    assert _snapshot(project) == after_fix


def test_a_row_of_a_retracted_batch_is_refused(project: Project, tmp_path: Path) -> None:
    batch = _import(project, tmp_path)
    project.sources.undo(batch, reason="wrong file", by="dana")
    before = _snapshot(project)
    with pytest.raises(InputError, match="taken back"):
        fix_quarantined(project, _held(project).id, {"name": "Сериков Ерлан"})
    assert _snapshot(project) == before


def test_a_correction_reads_as_the_list_would_have_read(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("№,ФИО,Дата гибели,Источник\n,,,звонок\n", encoding="utf-8")
    # A value only in a column nobody mapped: held back whole.
    result = import_file(project, path, source="Calls", kind="ngo")
    assert result.rows_quarantined == 1
    held = _entries(project)[0]
    assert project.sources.quarantined_row(held.id) == {
        "source_record_id": "", "name": "", "event_date": ""
    }  # fmt: skip
    fixed = project.sources.fix_quarantined(
        held.id, {"name": "Ахметова Айгуль", "event_date": "6 января 2022"}, by="dana"
    )
    with project.engine.connect() as conn:
        record = conn.execute(select(records).where(records.c.id == fixed.record_id)).one()
    # The header "Дата гибели" (date of death) says what happened, as at import.
    assert (record.event_date, record.event_type) == ("2022-01-06", "killed")
    assert record.record_key == f"Calls|row:{result.sha256[:16]}:2"
    entries = list(project.sources.quarantine(batch=result.batch_id))
    assert [(e["fixed"], e["fixed_by"], e["row_kept"]) for e in entries] == [(True, "dana", False)]


def test_an_old_project_upgrades_and_keeps_its_quarantine(project: Project, tmp_path: Path) -> None:
    from alembic import command

    from qantar.store.engine import alembic_config, migrate

    _import(project, tmp_path)
    before = [(e.id, e.row_number, e.reason, e.value) for e in _entries(project)]
    # the revision before 0008 by name: "0008...@-1" counts from its branch's head (0009 now)
    command.downgrade(alembic_config(project.engine), "0007_store_parsed_names")
    columns = {c["name"] for c in inspect(project.engine).get_columns("quarantine")}
    assert "fixed_at" not in columns
    migrate(project.engine)
    entries = _entries(project)
    assert [(e.id, e.row_number, e.reason, e.value) for e in entries] == before
    assert all(e.fixed_at is None for e in entries)
    fix_quarantined(project, _held(project).id, {"name": "Сериков Ерлан"})


def test_the_cli_fixes_a_row_and_audits_it(project: Project, tmp_path: Path) -> None:
    from _cli import run_cli

    from qantar.accounts import audit_log

    _import(project, tmp_path)
    entry = _held(project)
    listed = run_cli(project, "quarantine")
    assert listed.exit_code == 0 and str(entry.id) in listed.output
    bad = run_cli(project, "quarantine", "--fix", str(entry.id), "--set", "birth_date=31.02.1990")
    assert bad.exit_code == 2 and "birth_date" in bad.output and "31.02" not in bad.output
    done = run_cli(
        project, "quarantine", "--fix", str(entry.id), "--set", "name=Сериков Ерлан",
        "--set", "source_record_id=2", "--by", "aigerim",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    assert "Hotline|id:2" in done.output
    assert [(e.actor, e.action, e.target) for e in audit_log(project)][:1] == [
        ("aigerim", "cli.quarantine.fix", str(entry.id))
    ]
    assert _held(project).fixed_by == "aigerim"
    import json

    listed = run_cli(project, "quarantine", "--format", "json")
    fixed = [e for e in json.loads(listed.stdout) if e["fixed"]]
    assert [(e["id"], e["fixed_by"], e["row_kept"]) for e in fixed] == [
        (entry.id, "aigerim", False)
    ]
