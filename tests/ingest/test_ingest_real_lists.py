"""Lists that real people have (issue 15): each made here as its makers' tools write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from qantar import Project
from qantar.cli import app
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
    args = ["--project", str(project.root), "import", str(path), "--source", "s"]
    with pytest.raises(InputError, match="--no-names"):
        CliRunner().invoke(app, args, catch_exceptions=False)
    done = CliRunner().invoke(app, [*args, "--no-names"], catch_exceptions=False)
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


@pytest.mark.parametrize(
    ("text", "kind"),
    [("ранен, позже скончался", "killed"), ("Ранен. Позже скончался в больнице", "killed"),
     ("скончался от ранений", "killed"), ("задержан, избит, умер в ИВС", "killed"),
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
