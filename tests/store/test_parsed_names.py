"""One name parse, stored at import: linkage and the memorial read the same parts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import sqlalchemy as sa
from alembic import command
from sqlalchemy import insert, select

from qantar import Project
from qantar.ingest import import_file
from qantar.link._features import refresh
from qantar.link._tables import link_features, link_runs
from qantar.names import parse_record
from qantar.publish._persons import person_facts
from qantar.store import connect, migrate
from qantar.store.engine import alembic_config
from qantar.store.readers import PARSE_VERSION, iter_records, parsed_name_values
from qantar.store.schema import person_records, persons

LIST = (
    "Фамилия;Имя;ФИО;Пол\n"
    "Ахметов;Нурлан;Ахметов Нурлан Маратович;М\n"
    "Неизвестный;;Неизвестный мужчина;М\n"
)


def _import(project: Project, tmp_path: Path) -> dict[int, str]:
    path = tmp_path / "list.csv"
    path.write_text(LIST, encoding="utf-8")
    import_file(project, path, source="list", kind="ngo")
    return {r.id: r.record_key or "" for r in iter_records(project)}


def _link_by_hand(project: Project, keys: dict[int, str]) -> None:
    """Each record its own person, as a link run leaves them (linkage is tested in link)."""
    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        run = conn.execute(
            insert(link_runs).values(
                created_at=now, seed=1, threshold=0.5, backend="duckdb", summary={}
            )
        ).inserted_primary_key[0]
        for n, (rid, key) in enumerate(sorted(keys.items()), start=1):
            pid = f"P{n:06d}"
            conn.execute(
                insert(persons).values(
                    person_id=pid, first_run_id=run, last_run_id=run, size=1, weak=False,
                    density=1.0, active=True,
                )
            )  # fmt: skip
            conn.execute(
                insert(person_records).values(record_key=key, person_id=pid, record_id=rid)
            )


def test_the_parse_is_stored_at_import(project: Project, tmp_path: Path) -> None:
    _import(project, tmp_path)
    named, unnamed = list(iter_records(project))
    # The separate columns lack the patronymic; the full-name column gives it.
    assert named.name.parts == ("Ахметов", "Нурлан", "Маратович")
    assert named.name.sex == "M"
    # A placeholder is nobody's name: no parts, never an initial.
    assert unnamed.name.parts == (None, None, None)
    assert unnamed.name.initials == ()


def test_link_and_memorial_agree(project: Project, tmp_path: Path) -> None:
    keys = _import(project, tmp_path)
    refresh(project.engine)
    with project.engine.connect() as conn:
        features = {
            r.record_id: r
            for r in conn.execute(
                select(
                    link_features.c.record_id,
                    link_features.c.surname_key,
                    link_features.c.given_key,
                    link_features.c.patronymic_key,
                )
            )
        }
    _link_by_hand(project, keys)
    facts = {f.record_keys[0]: f for f in person_facts(project)}
    for rid, key in keys.items():
        f, shown = features[rid], facts[key]
        # The linkage compared a part exactly when the memorial shows it.
        assert (f.surname_key is None) == (shown.surname is None)
        assert (f.given_key is None) == (shown.given is None)
        assert (f.patronymic_key is None) == (shown.patronymic is None)
    shown = sorted(facts.values(), key=lambda f: f.person_id)
    assert shown[0].patronymic == "Маратович"
    assert shown[1].surname is None and shown[1].given is None and shown[1].name_words == ()


def test_records_written_by_other_means_are_parsed_when_read(
    project: Project, tmp_path: Path
) -> None:
    keys = _import(project, tmp_path)
    with project.engine.begin() as conn:  # as an older qantar left them
        conn.execute(sa.text("UPDATE records SET name_parsed = NULL, name_surname = NULL"))
    _link_by_hand(project, keys)
    surnames = sorted(str(f.surname) for f in person_facts(project))
    assert surnames == ["None", "Ахметов"]


def test_upgrade_parses_the_records_already_stored(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'old.db'}")
    command.upgrade(alembic_config(engine), "0006_identity_record_keys")
    now = dt.datetime.now(dt.UTC)
    md = sa.MetaData()
    old = {name: sa.Table(name, md, autoload_with=engine) for name in
           ("sources", "import_batches", "raw_rows", "records")}  # fmt: skip
    assert "name_surname" not in old["records"].c
    names = [
        ("Оспанов Мирас Маратулы", None, None, None),
        (None, "Ахметова", "Асель", None),
        ("неизвестная", None, None, None),
    ]
    with engine.begin() as conn:
        conn.execute(insert(old["sources"]).values(id=1, name="s", kind="ngo", created_at=now))
        conn.execute(
            insert(old["import_batches"]).values(
                id=1, source_id=1, file_name="f.csv", sha256="0" * 64, size=1, file_format="csv",
                headers=[], mapping={}, rows_read=3, rows_stored=3, rows_quarantined=0,
                forced=False, imported_at=now,
            )
        )  # fmt: skip
        for i, (name, surname, given, patronymic) in enumerate(names, start=1):
            conn.execute(insert(old["raw_rows"]).values(id=i, batch_id=1, row_number=i, cells=[]))
            conn.execute(
                insert(old["records"]).values(
                    id=i, raw_row_id=i, batch_id=1, source_id=1, row_number=i, sex="U",
                    name_raw=name, surname_raw=surname, given_raw=given,
                    patronymic_raw=patronymic, record_key=f"s|row:{i}", retracted=False,
                )
            )  # fmt: skip
    migrate(engine)
    with engine.connect() as conn:
        stored = conn.execute(
            sa.text(
                "SELECT name_raw, surname_raw, given_raw, patronymic_raw, name_surname,"
                " name_given, name_patronymic, name_parsed FROM records ORDER BY id"
            )
        ).all()
    assert [tuple(r[:4]) for r in stored] == names  # nothing stored was lost
    for row, given_fields in zip(stored, names, strict=True):
        parsed = parse_record(*given_fields)
        assert tuple(row[4:7]) == parsed.parts
        assert row[7] == PARSE_VERSION == parsed_name_values(*given_fields)[-1]
    assert stored[0][4:7] == ("Оспанов", "Мирас", "Маратулы")
    assert stored[2][4:7] == (None, None, None)
    engine.dispose()
