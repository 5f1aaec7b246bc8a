"""The registry on a real PostgreSQL server, as a team keeps it: the same library calls the
SQLite tests make, against a throw-away cluster (see pg_server.py), and the same answers."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from openpyxl import Workbook
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import create_engine, func, inspect, select, text, update

import qantar
from qantar import Project
from qantar.errors import QantarError
from qantar.evidence import add, verify
from qantar.evidence._tables import custody_events
from qantar.ingest import import_file, iter_quarantine, iter_records, registry_summary
from qantar.link import current_decisions, person_table, project_histories, record_decision, run
from qantar.link._tables import link_pairs, person_records
from qantar.publish import decide_publication, public_persons, publish_memorial
from qantar.store import import_batches, quarantine, raw_rows, records, sources
from qantar.store.engine import alembic_config
from qantar.synth import ScenarioConfig, generate, write_scenario

RU_HEADER = ["№ п/п", "Ф.И.О.", "Пол", "Дата рождения", "Дата гибели", "Место гибели", "Статус"]
RU_ROWS = [
    ["1", "Ахметов Нурлан Серикович", "М", "12.03.1985", "05.01.2022", "г. Алматы", "погиб"],
    ["2", "Ким Ольга", "Ж", "1990", "6 января 2022 г.", "Талдыкорган", "ранена"],
    ["3", "Иванов Сергей", "муж.", "31.02.1979", "январь 2022", "с. Кеген", "задержан"],
    ["4", "Ёлкина Анна", "Ж", "", "вчера", "Алма-Ата", "???"],
]  # fmt: skip


def _csv_bytes(header: list[str], rows: list[list[str]], encoding: str) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def _counts(project: Project) -> dict[str, int]:
    with project.engine.connect() as conn:
        return {
            t.name: int(conn.execute(select(func.count()).select_from(t)).scalar_one())
            for t in (sources, import_batches, raw_rows, records, quarantine)
        }


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Iterator[Project]:  # noqa: F811
    project = Project.init(tmp_path / "case", database=pg_url)
    yield project
    project.close()


def test_init_on_a_server_migrates_every_head(tmp_path: Path, pg_url: str) -> None:  # noqa: F811
    project = Project.init(tmp_path / "case", database=pg_url)
    assert project.engine.dialect.name == "postgresql"
    assert not (tmp_path / "case" / "qantar.db").exists()
    assert Project.open(tmp_path / "case").database_url == pg_url
    script = ScriptDirectory.from_config(alembic_config(project.engine))
    heads = set(script.get_heads())
    # Each area's latest revision: a head, or below a later revision of the same area.
    areas = {"0002_link", "0003_evidence", "0004_accountability", "0005_publish"}
    assert areas <= {r.revision for r in script.walk_revisions()}

    def applied() -> set[str]:
        """Every revision the database is at or past (a head another branch depends on
        is not written in alembic_version, it is implied)."""
        with project.engine.connect() as conn:
            current = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
            return {r.revision for r in script.iterate_revisions(tuple(current), "base")}

    assert applied() >= heads | areas | {"0001_core"}
    with project.engine.connect() as conn:
        versions = conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one()
    tables = set(inspect(project.engine).get_table_names())
    assert {"records", "raw_rows", "quarantine", "link_pairs", "persons", "review_decisions",
            "custody_events", "evidence_items", "acc_entities",
            "publication_decisions"} <= tables  # fmt: skip
    project.upgrade()  # a second member's upgrade against the same server changes nothing
    assert applied() >= heads
    with project.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() == versions
    # A second project folder on the same database joins the team's registry.
    other = Project.init(tmp_path / "laptop2", database=pg_url)
    assert set(inspect(other.engine).get_table_names()) == tables
    other.close()
    project.close()


def test_members_opening_a_new_database_at_once(pg_url: str) -> None:  # noqa: F811
    """Every command upgrades the schema as it opens the project: three members whose first
    command starts at the same moment must all succeed (Alembic runs once, the others wait).
    Separate processes, as on separate laptops (Alembic's context is one per process)."""
    src = str(Path(qantar.__file__).resolve().parents[1])
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    code = "import sys; from qantar.store import connect, migrate; migrate(connect(sys.argv[1]))"
    members = [
        subprocess.Popen([sys.executable, "-c", code, pg_url], env=env, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    errors = [m.communicate(timeout=120)[1].decode() for m in members]
    assert [m.returncode for m in members] == [0, 0, 0], errors
    engine = create_engine(pg_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar_one() >= 1
        assert conn.execute(select(func.count()).select_from(records)).scalar_one() == 0
    engine.dispose()


def test_import_csv_xlsx_and_bad_rows(pg_project: Project, tmp_path: Path) -> None:
    project = pg_project
    ru = tmp_path / "список.csv"
    ru.write_bytes(_csv_bytes(RU_HEADER, RU_ROWS, "cp1251"))
    first = import_file(project, ru, source="НКО Кадыр-Касиет", kind="ngo")
    assert (first.encoding, first.rows_read, first.rows_stored) == ("cp1251", 4, 4)

    book = Workbook()
    sheet = book.active
    sheet.append(["Фамилия", "Имя", "Отчество", "Возраст", "Дата смерти", "Город"])
    sheet.append(["Қасымов", "Ержан", "Болатұлы", 40, "2022-01-06", "Алматы"])
    sheet.append(["Жұмабаева", "Әсел", None, 16, "07.01.2022", "Тараз"])
    xlsx = tmp_path / "морг.xlsx"
    book.save(xlsx)
    second = import_file(project, xlsx, source="morgue", kind="morgue")
    assert (second.file_format, second.rows_stored) == ("xlsx", 2)

    recs = {r["name_raw"] or r["surname_raw"]: r for r in iter_records(project)}
    assert recs["Ахметов Нурлан Серикович"]["birth_date"] == "1985-03-12"
    assert recs["Ахметов Нурлан Серикович"]["place_id"] == "almaty"
    assert recs["Ким Ольга"]["event_type"] == "injured"
    kazakh = recs["Қасымов"]
    assert (kazakh["given_raw"], kazakh["patronymic_raw"]) == ("Ержан", "Болатұлы")
    assert (kazakh["age"], kazakh["event_date"]) == (40, "2022-01-06")
    # Raw cells are kept exactly, Cyrillic included, as JSON on the server.
    with project.engine.connect() as conn:
        cells = conn.execute(
            select(raw_rows.c.cells)
            .where(raw_rows.c.batch_id == first.batch_id)
            .order_by(raw_rows.c.row_number)
        ).scalars()
        assert list(cells) == RU_ROWS
    problems = sorted((q["row_number"], q["column"], q["value"]) for q in iter_quarantine(project))
    assert problems == [
        (4, "Дата рождения", "31.02.1979"), (5, "Дата гибели", "вчера"), (5, "Статус", "???"),
    ]  # fmt: skip
    assert all(q["reason"] for q in iter_quarantine(project))

    # A row without anything to identify a person is held back whole, with its reason.
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        _csv_bytes(
            ["ФИО", "Дата гибели"],
            [["Оспанов Марат", "05.01.2022"], ["", ""], ["", "32.13.2022"]],
            "utf-8",
        )
    )
    third = import_file(project, bad, source="hotline", kind="ngo")
    assert third.rows_read == third.rows_stored + third.rows_quarantined
    assert third.rows_quarantined >= 1
    held = [q for q in iter_quarantine(project) if q["batch_id"] == third.batch_id]
    assert held and all(q["reason"] and q["row_number"] >= 2 for q in held)

    before = _counts(project)
    again = import_file(project, ru, source="НКО Кадыр-Касиет")
    assert again.already_imported and again.batch_id == first.batch_id
    assert _counts(project) == before
    summary = registry_summary(project)
    assert summary.totals["records"] == before["records"]
    assert {s.name for s in summary.sources} == {"НКО Кадыр-Касиет", "morgue", "hotline"}


def test_two_members_import_at_once(pg_project: Project, tmp_path: Path) -> None:
    """On a server two people import at the same time; every row gets its own id and the
    records point at their own raw rows (the SQLite path's id reservation is not used)."""
    rows = [[str(i), f"Сейтов Арман {i}", "05.01.2022", "Жанаозен"] for i in range(1, 1501)]
    files = []
    for n in range(2):
        path = tmp_path / f"list{n}.csv"
        path.write_bytes(_csv_bytes(["№", "ФИО", "Дата гибели", "Место"], rows[n::2], "utf-8"))
        files.append(path)
    opened = [Project.open(pg_project.root) for _ in files]
    errors: list[BaseException] = []

    def work(project: Project, path: Path, name: str) -> None:
        try:
            import_file(project, path, source=name, kind="ngo")
        except BaseException as exc:
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(p, f, f"member{n}"))
        for n, (p, f) in enumerate(zip(opened, files, strict=True))
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for p in opened:
        p.close()
    assert not errors
    counts = _counts(pg_project)
    assert counts["raw_rows"] == counts["records"] == 1500
    with pg_project.engine.connect() as conn:
        mismatched = conn.execute(
            select(func.count())
            .select_from(records.join(raw_rows, records.c.raw_row_id == raw_rows.c.id))
            .where(
                (records.c.batch_id != raw_rows.c.batch_id)
                | (records.c.row_number != raw_rows.c.row_number)
            )
        ).scalar_one()
    assert mismatched == 0


def _scenario_project(root: Path, lists: Path, database: str | None) -> Project:
    scenario = generate(ScenarioConfig(n=120), seed=5)
    paths = write_scenario(scenario, lists)
    project = Project.init(root, database=database)
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    return project


def _partition(project: Project) -> set[frozenset[str]]:
    by_person: dict[str, set[str]] = {}
    with project.engine.connect() as conn:
        for key, person in conn.execute(
            select(person_records.c.record_key, person_records.c.person_id)
        ):
            by_person.setdefault(person, set()).add(key)
    return {frozenset(keys) for keys in by_person.values()}


def test_link_review_estimate_publish_same_as_sqlite(
    tmp_path: Path,
    pg_url: str,  # noqa: F811
) -> None:
    lists = tmp_path / "lists"
    pg = _scenario_project(tmp_path / "pg", lists, pg_url)
    lite = _scenario_project(tmp_path / "lite", lists, None)
    assert lite.engine.dialect.name == "sqlite"
    assert _counts(pg) == _counts(lite)

    linked = run(pg, seed=3)
    assert linked.persons > 0 and linked.linked_pairs > 0
    with pg.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(link_pairs)).scalar_one() > 0
    # The same records, the same seed: the same persons as on SQLite.
    run(lite, seed=3)
    assert _partition(pg) == _partition(lite)

    # A reviewer splits a linked pair; the decision outlives a fresh run.
    together = next(sorted(keys) for keys in _partition(pg) if len(keys) >= 2)
    record_decision(pg, together[0], together[1], "non-match", reviewer="reviewer")
    assert len(current_decisions(pg)) == 1
    rerun = run(pg, seed=3)
    assert rerun.decisions_applied == 1
    assert not any({together[0], together[1]} <= keys for keys in _partition(pg))

    histories = project_histories(pg)
    assert histories.observed == len({r["person_id"] for r in person_table(pg)})
    from qantar.estimate import estimate_project

    result, folder = estimate_project(pg, method="loglinear", seed=1)
    assert result.lower <= result.estimate <= result.upper
    assert result.estimate >= histories.observed
    assert folder is not None and (folder / "result.json").is_file()

    # Before any decision the default rule shows initials only; two people get decisions.
    people = sorted(p.person_id for p in public_persons(pg))
    assert len(people) >= 2
    shown, hidden = people[0], people[1]
    decide_publication(pg, shown, "publish", by="editor")
    decide_publication(pg, hidden, "withhold", by="editor", note="family asked")
    site = publish_memorial(pg, tmp_path / "site")
    data = json.loads((tmp_path / "site" / "memorial.json").read_text(encoding="utf-8"))
    ids = {p["person_id"] for p in data["persons"]}
    assert shown in ids and hidden not in ids
    shown_row = next(p for p in data["persons"] if p["person_id"] == shown)
    assert "." not in shown_row["name_cyrillic"].split()[0]  # published in full, not initials
    assert site.not_shown >= 1
    listed = (tmp_path / "site" / "memorial.csv").read_text(encoding="utf-8")
    assert hidden not in listed
    pg.close()
    lite.close()


def test_evidence_custody_on_the_server(pg_project: Project, tmp_path: Path) -> None:
    files = []
    for i in range(3):
        f = tmp_path / f"свидетельство{i}.txt"
        f.write_text(f"показания номер {i}\n" * (i + 1), encoding="utf-8")
        files.append(f)
    added = add(pg_project, files, collected_by="researcher", place="Алматы")
    assert len({r.sha256 for r in added}) == 3
    report = verify(pg_project)
    assert report.ok, report.failures
    assert report.objects_checked == 3
    # Someone with write access to the server edits a custody event: verify names it.
    with pg_project.engine.begin() as conn:
        first = conn.execute(select(func.min(custody_events.c.seq))).scalar_one()
        conn.execute(
            update(custody_events).where(custody_events.c.seq == first).values(actor="someone else")
        )
    tampered = verify(pg_project, record=False)
    assert not tampered.ok
    assert [(p.kind, p.subject) for p in tampered.failures] == [("event", f"event {first}")]


def test_missing_driver_is_a_clear_error(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "case")
    settings = project.root / "qantar.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'database = "sqlite:///qantar.db"', 'database = "postgresql+nodriver://u@h/q"'
        ),
        encoding="utf-8",
    )
    project.close()
    with pytest.raises(QantarError, match="unknown database or driver"):
        _ = Project.open(project.root).engine
