"""The commands as a documenter types them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from _cli import run_cli, run_cli_process

from qantar import Project

LIST = (
    "№;ФИО;Пол;Дата гибели;Место гибели;Статус\r\n"
    "1;Ахметов Нурлан;М;05.01.2022;г. Алматы;погиб\r\n"
    "2;Ким Ольга;Ж;вчера;Тараз;ранена\r\n"
    "3;Ли;М;07.01.2022\r\n"
)


@pytest.fixture
def files(project: Project, tmp_path: Path) -> tuple[Path, Path]:
    path = tmp_path / "list.csv"
    path.write_bytes(LIST.encode("cp1251"))
    return project.root, path


def run(root: Path, *args: str) -> str:
    result = run_cli(root, *args)
    assert result.exit_code == 0, result.output
    return result.output


def test_import_json_and_registry_commands(files: tuple[Path, Path]) -> None:
    root, path = files
    out = json.loads(run(root, "import", str(path), "--source", "hotline", "--kind", "ngo",
                         "--format", "json"))  # fmt: skip
    assert out[0]["rows_read"] == 3
    assert (out[0]["rows_stored"], out[0]["rows_quarantined"]) == (2, 1)
    assert out[0]["fields_quarantined"] == 1
    assert out[0]["encoding"] == "cp1251" and out[0]["delimiter"] == ";"

    again = run(root, "import", str(path), "--source", "hotline")
    assert "already imported" in again

    status = json.loads(run(root, "status", "--format", "json"))
    assert status["totals"]["records"] == 2
    assert status["sources"][0] == {
        "name": "hotline", "kind": "ngo", "batches": 1, "rows_read": 3, "records": 2,
        "rows_quarantined": 1, "fields_quarantined": 1, "batches_retracted": 0,
    }  # fmt: skip
    assert "hotline" in run(root, "status")

    sources = json.loads(run(root, "sources", "--format", "json"))
    assert sources[0]["file_name"] == "list.csv" and len(sources[0]["sha256"]) == 64
    assert "hotline" in run(root, "sources")

    recs = json.loads(run(root, "records", "--format", "json"))
    assert [r["name_raw"] for r in recs] == ["Ахметов Нурлан", "Ким Ольга"]
    rows = list(csv.DictReader(run(root, "records", "--source", "hotline", "--format", "csv")
                               .splitlines()))  # fmt: skip
    assert rows[0]["place_id"] == "almaty" and rows[1]["event_date_raw"] == "вчера"
    assert "Ахметов" in run(root, "records")

    held = json.loads(run(root, "quarantine", "--format", "json"))
    assert {(q["row_number"], q["row_kept"]) for q in held} == {(3, True), (4, False)}
    assert "вчера" in run(root, "quarantine")


def test_dry_run_shows_mapping_and_writes_nothing(files: tuple[Path, Path]) -> None:
    root, path = files
    out = run(root, "import", str(path), "--source", "x", "--dry-run")
    assert "Место гибели" in out and "place" in out and "would store 2" in out
    assert "Ахметов Нурлан" in out
    assert json.loads(run(root, "status", "--format", "json"))["totals"]["sources"] == 0


def test_unreadable_file_exits_2_and_writes_nothing(files: tuple[Path, Path]) -> None:
    root, path = files
    binary = path.parent / "photo.csv"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    done = run_cli_process(None, "import", str(path), str(binary), "--source", "s", cwd=root)
    assert done.exit_code == 2
    assert done.stderr.startswith("error: ") and "photo.csv" in done.stderr
    assert "Traceback" not in done.stderr
    # the good file named first was not imported either: files are all checked first
    status = run_cli_process(None, "status", "--format", "json", cwd=root)
    assert json.loads(status.stdout)["totals"]["records"] == 0


def test_commands_outside_a_project_say_so(tmp_path: Path) -> None:
    done = run_cli_process(None, "status", cwd=tmp_path)
    assert done.exit_code == 2 and "qantar init" in done.stderr
