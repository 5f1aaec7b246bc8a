"""Record identity (#16 rule 1): a record's key is given once, when it is stored, and every
decision made about it (review, consent) keeps finding it whatever is imported later."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, func, select

from qantar import Project
from qantar.errors import InputError
from qantar.ingest import (
    import_file,
    iter_records,
    list_batches,
    registry_summary,
    retract_batch,
)
from qantar.link import project_histories, record_decision, run
from qantar.link._tables import person_records
from qantar.publish import decide_publication, public_persons, publication_status
from qantar.store import connect, migrate, raw_rows, records
from qantar.store.engine import alembic_config

HEADER = "№,Фамилия,Имя,Пол,Дата рождения,Дата гибели,Место гибели,Статус\n"
FIRST = [
    "Ахметов,Нурлан,М,12.03.1985,05.01.2022,Алматы,погиб",
    "Сериков,Ерлан,М,02.07.1990,06.01.2022,Талдыкорган,погиб",
    "Иванова,Ольга,Ж,11.11.1979,05.01.2022,Алматы,погибла",
    # The same man twice in one list: a reviewer said they are two men (namesakes).
    "Касымов,Марат,М,01.01.1988,07.01.2022,Алматы,погиб",
    "Касымов,Марат,М,01.01.1988,07.01.2022,Алматы,погиб",
]
SECOND = [
    "Оспанов,Болат,М,03.04.1970,05.01.2022,Шымкент,погиб",
    "Ким,Елена,Ж,09.09.1995,06.01.2022,Алматы,погибла",
    "Жумабаев,Арман,М,21.06.1983,08.01.2022,Тараз,погиб",
]


def numbered(path: Path, rows: list[str]) -> Path:
    """A list numbered from 1, as every list of a source is."""
    path.write_text(
        HEADER + "".join(f"{i},{row}\n" for i, row in enumerate(rows, start=1)), encoding="utf-8"
    )
    return path


def hotline(project: Project, tmp_path: Path) -> None:
    """A second source: linkage needs two lists (until it links one alone)."""
    rows = [
        "Ахметов,Нурлан,М,12.03.1985,05.01.2022,Алматы,погиб",
        "Нуров,Даулет,М,15.05.1992,06.01.2022,Алматы,погиб",
    ]
    import_file(project, numbered(tmp_path / "hotline.csv", rows), source="hotline", kind="ngo")


def keys_by_record(project: Project) -> dict[int, str]:
    with project.engine.connect() as conn:
        return dict(conn.execute(select(records.c.id, records.c.record_key)).all())


def person_of(project: Project, record_id: int) -> str:
    with project.engine.connect() as conn:
        return str(
            conn.execute(
                select(person_records.c.person_id).where(person_records.c.record_id == record_id)
            ).scalar_one()
        )


def record_ids(project: Project, surname: str) -> list[int]:
    with project.engine.connect() as conn:
        return list(
            conn.execute(
                select(records.c.id).where(records.c.surname_raw == surname).order_by(records.c.id)
            ).scalars()
        )


def test_rule_1_second_file_numbered_from_1_keeps_keys_and_withhold(
    project: Project, tmp_path: Path
) -> None:
    hotline(project, tmp_path)
    import_file(project, numbered(tmp_path / "a.csv", FIRST), source="morgue", kind="morgue")
    before = keys_by_record(project)
    assert before[record_ids(project, "Ахметов")[1]] == "morgue|id:1"
    run(project, seed=1)
    ahmetov = record_ids(project, "Ахметов")[1]  # the morgue's record
    withheld = person_of(project, ahmetov)
    decide_publication(project, withheld, "withhold", by="liaison", note="family asked")

    import_file(project, numbered(tmp_path / "b.csv", SECOND), source="morgue")
    after = keys_by_record(project)
    assert {rid: after[rid] for rid in before} == before  # nobody re-keyed
    assert len(set(after.values())) == len(after)  # the second file's keys are new ones
    run(project, seed=1)
    assert person_of(project, ahmetov) == withheld
    assert publication_status(project, withheld) == "withhold"
    shown = {p.name_cyrillic for p in public_persons(project)}
    assert not any("Ахметов" in (name or "") for name in shown)


def test_rule_1_review_decision_survives_a_second_file(project: Project, tmp_path: Path) -> None:
    hotline(project, tmp_path)
    import_file(project, numbered(tmp_path / "a.csv", FIRST), source="morgue", kind="morgue")
    first, second = record_ids(project, "Касымов")
    keys = keys_by_record(project)
    record_decision(project, keys[first], keys[second], "non-match", reviewer="al")
    run(project, seed=1)
    assert person_of(project, first) != person_of(project, second)

    import_file(project, numbered(tmp_path / "b.csv", SECOND), source="morgue")
    run(project, seed=1)
    assert keys_by_record(project)[first] == keys[first]
    assert person_of(project, first) != person_of(project, second)


def test_rule_1_force_import_of_the_same_file_links(project: Project, tmp_path: Path) -> None:
    hotline(project, tmp_path)
    path = numbered(tmp_path / "a.csv", FIRST)
    first = import_file(project, path, source="morgue", kind="morgue")
    run(project, seed=1)
    before = keys_by_record(project)
    again = import_file(project, path, source="morgue", force=True)
    assert again.forced and not again.already_imported
    assert again.rows_stored == first.rows_stored  # --force stores every row again
    after = keys_by_record(project)
    assert {rid: after[rid] for rid in before} == before
    new_keys = [k for rid, k in after.items() if rid not in before]
    assert len(new_keys) == first.rows_stored and len(set(after.values())) == len(after)
    assert all(k.startswith(f"morgue|batch:{again.batch_id}:row:") for k in new_keys)
    result = run(project, seed=1)  # used to fail: UNIQUE constraint on person_records
    assert result.records == 2 * first.rows_stored + 2


def test_keys_of_rows_with_repeated_or_missing_ids(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        HEADER
        + "7,Ахметов,Нурлан,М,,05.01.2022,Алматы,погиб\n"
        + "7,Сериков,Ерлан,М,,06.01.2022,Алматы,погиб\n"
        + ",Иванова,Ольга,Ж,,05.01.2022,Алматы,погибла\n"
        + "9,Ким,Елена,Ж,,05.01.2022,Алматы,погибла\n",
        encoding="utf-8",
    )
    result = import_file(project, path, source="hotline")
    prefix = f"hotline|row:{result.sha256[:16]}:"
    assert sorted(keys_by_record(project).values()) == sorted(
        [f"{prefix}2", f"{prefix}3", f"{prefix}4", "hotline|id:9"]
    )


def _old_registry(tmp_path: Path) -> Engine:
    """A database at the schema before record keys were stored, filled as the old code
    filled it: two files of one source both numbered from 1 (the first linked before the
    second came), and one file forced in twice."""
    engine = connect(f"sqlite:///{tmp_path / 'old.db'}")
    cfg = alembic_config(engine)
    for head in ("0002_link", "0003_evidence", "0004_accountability", "0005_publish"):
        command.upgrade(cfg, head)
    now = "2024-01-01 00:00:00"
    with engine.begin() as conn:
        run_sql = conn.exec_driver_sql
        run_sql("INSERT INTO sources VALUES (1, 'morgue', 'morgue', ?), (2, 'press', 'media', ?)",
                (now, now))  # fmt: skip
        for batch, source, sha in ((1, 1, "a" * 64), (2, 1, "b" * 64), (3, 2, "c" * 64),
                                   (4, 2, "c" * 64)):  # fmt: skip
            run_sql(
                "INSERT INTO import_batches (id, source_id, file_name, sha256, size, file_format,"
                " headers, mapping, rows_read, rows_stored, rows_quarantined, forced,"
                " imported_at) VALUES (?, ?, 'f.csv', ?, 1, 'csv', '[]', '{}', 2, 2, 0, 0, ?)",
                (batch, source, sha, now),
            )
            for row in (2, 3):
                rid = (batch - 1) * 2 + row - 1
                run_sql("INSERT INTO raw_rows VALUES (?, ?, ?, '[]')", (rid, batch, row))
                run_sql(
                    "INSERT INTO records (id, raw_row_id, batch_id, source_id, row_number,"
                    " source_record_id, surname_raw, sex) VALUES (?, ?, ?, ?, ?, ?, ?, 'U')",
                    (rid, rid, batch, source, row, str(row - 1), f"S{rid}"),
                )
        for rid in (1, 2):  # the first file's records as the link before the second saw them
            run_sql(
                "INSERT INTO link_features (record_id, record_key, version, source)"
                " VALUES (?, ?, 1, 'morgue')",
                (rid, f"morgue|id:{rid}"),
            )
    return engine


def test_upgrade_stores_the_keys_records_have_today(tmp_path: Path) -> None:
    engine = _old_registry(tmp_path)
    migrate(engine)
    with engine.connect() as conn:
        keys = dict(conn.execute(select(records.c.id, records.c.record_key)).all())
        hashes = conn.execute(select(records.c.row_hash)).scalars().all()
    assert keys == {
        1: "morgue|id:1",  # as linked: decisions and consent were given on these
        2: "morgue|id:2",
        3: f"morgue|row:{'b' * 16}:2",  # the rule of the day: ids 1, 2 repeat in the source
        4: f"morgue|row:{'b' * 16}:3",
        5: f"press|row:{'c' * 16}:2",
        6: f"press|row:{'c' * 16}:3",
        7: "press|batch:4:row:2",  # forced in twice: the later copy told apart by its batch
        8: "press|batch:4:row:3",
    }
    assert all(h and len(h) == 16 for h in hashes)
    engine.dispose()


def test_undo_takes_a_batch_back_and_keeps_decisions_aside(
    project: Project, tmp_path: Path
) -> None:
    hotline(project, tmp_path)
    path = numbered(tmp_path / "a.csv", FIRST)
    batch = import_file(project, path, source="morgue", kind="morgue").batch_id
    assert batch is not None
    keys = keys_by_record(project)
    first, second = record_ids(project, "Касымов")
    record_decision(project, keys[first], keys[second], "non-match", reviewer="al")
    run(project, seed=1)
    seriknov = person_of(project, record_ids(project, "Сериков")[0])
    decide_publication(project, seriknov, "withhold", by="liaison")
    with project.engine.connect() as conn:
        raw_before = conn.execute(select(func.count()).select_from(raw_rows)).scalar_one()

    with pytest.raises(InputError, match="--reason"):
        retract_batch(project, batch, reason=" ")
    with pytest.raises(InputError, match="no batch 99"):
        retract_batch(project, 99, reason="typo")
    done = retract_batch(project, batch, reason="wrong mapping", by="Dana")
    assert (done.records, done.by, done.reclustered) == (len(FIRST), "Dana", True)
    assert [(d["record_key_a"], d["record_key_b"]) for d in done.review_decisions] == [
        tuple(sorted((keys[first], keys[second])))
    ]
    assert [(d["person_id"], d["status"]) for d in done.consent_decisions] == [
        (seriknov, "withhold")
    ]
    with pytest.raises(InputError, match="already taken back"):
        retract_batch(project, batch, reason="again")

    # Out of every reader: records, counts, persons (clustered again now), the public.
    assert {r["source"] for r in iter_records(project)} == {"hotline"}
    morgue = {s.name: s for s in registry_summary(project).sources}["morgue"]
    assert (morgue.records, morgue.batches, morgue.batches_retracted) == (0, 0, 1)
    with project.engine.connect() as conn:
        linked = set(conn.execute(select(person_records.c.record_id)).scalars())
        assert conn.execute(select(func.count()).select_from(raw_rows)).scalar_one() == raw_before
    assert linked.isdisjoint({rid for rid in keys if keys[rid].startswith("morgue|")})
    hotline_persons = {person_of(project, rid) for rid in keys if keys[rid].startswith("hotline|")}
    assert {p.person_id for p in public_persons(project)} == hotline_persons
    assert project_histories(project).lists == ("hotline",)  # the estimate's input
    (listed,) = [b for b in list_batches(project) if b["batch_id"] == batch]
    assert (listed["state"], listed["retracted_by"], listed["retraction_reason"]) == (
        "retracted", "Dana", "wrong mapping",
    )  # fmt: skip

    # Imported again: not refused as a duplicate, the same keys, the decisions apply again.
    again = import_file(project, path, source="morgue")
    assert not again.already_imported and again.rows_stored == len(FIRST)
    assert sorted(keys_by_record(project).values()) == sorted(
        [*keys.values(), *(keys[r] for r in keys if keys[r].startswith("morgue|"))]
    )
    run(project, seed=1)
    (new_first, new_second) = record_ids(project, "Касымов")[2:]
    assert person_of(project, new_first) != person_of(project, new_second)
    back = person_of(project, record_ids(project, "Сериков")[1])
    assert publication_status(project, back) == "withhold"
