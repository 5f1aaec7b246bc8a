"""Lists that real people have (issue 15): each made here as its makers' tools write them."""

from __future__ import annotations

from pathlib import Path

from qantar import Project
from qantar.ingest import import_file, iter_records


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
