"""Moving a laptop's SQLite registry to a team's PostgreSQL server, on a real server (a
throw-away cluster, see pg_server.py): the same rows in every table, new rows after the
move, a refused second move that changes nothing, and the CLI command."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli_process
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.engine import make_url

from qantar import Project
from qantar.accountability import make, save_entity
from qantar.errors import QantarError
from qantar.evidence import add, verify
from qantar.ingest import import_file
from qantar.link import record_decision, run
from qantar.link._tables import person_records
from qantar.publish import decide_publication, public_persons
from qantar.store import records
from qantar.store.move import (
    copy_database,
    move_project,
    registered_tables,
    settings_url,
    switch_settings,
)
from qantar.synth import ScenarioConfig, generate, write_scenario


def _sqlite_project(root: Path, lists: Path) -> Project:
    """A small project with rows in every area that is cheap to fill."""
    scenario = generate(ScenarioConfig(n=80), seed=11)
    paths = write_scenario(scenario, lists)
    project = Project.init(root)
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    run(project, seed=3)
    by_person: dict[str, list[str]] = {}
    with project.engine.connect() as conn:
        for key, person in conn.execute(
            select(person_records.c.record_key, person_records.c.person_id)
        ):
            by_person.setdefault(person, []).append(key)
    pair = sorted(next(keys for keys in by_person.values() if len(keys) >= 2))
    record_decision(project, pair[0], pair[1], "non-match", reviewer="reviewer")
    person = sorted(p.person_id for p in public_persons(project))[0]
    decide_publication(project, person, "publish", by="editor")
    note = root.parent / "показания.txt"
    note.write_text("показания свидетеля\n", encoding="utf-8")
    add(project, [note], collected_by="researcher", place="Алматы")
    save_entity(project, make("Organization", name="Unit 3656", country="kz"))
    return project


def _normal(value: Any) -> Any:
    """A value as both databases give it back: SQLite's timestamps are naive UTC."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _content(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    with engine.connect() as conn:
        for table in registered_tables():
            rows = conn.execute(select(table).order_by(*table.primary_key.columns))
            out[table.name] = [tuple(_normal(v) for v in row) for row in rows]
    return out


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Project]:
    project = _sqlite_project(tmp_path / "case", tmp_path / "lists")
    yield project
    project.close()


def test_move_copies_every_table_and_switches(
    lite: Project,
    pg_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = _content(lite.engine)
    filled = {name for name, rows in before.items() if rows}
    assert {"records", "raw_rows", "link_pairs", "persons", "review_decisions",
            "publication_decisions", "evidence_items", "custody_events",
            "acc_entities"} <= filled  # fmt: skip
    database_file = lite.root / "qantar.db"
    file_bytes = database_file.stat().st_size
    seen: dict[str, int] = {}

    result = move_project(
        lite, pg_url, switch=True, progress=lambda t, done, total: seen.__setitem__(t, total)
    )
    assert result.rows == {name: len(rows) for name, rows in before.items()}
    assert seen == result.rows
    # The SQLite file stays as the backup; the settings now name the server.
    assert database_file.is_file() and database_file.stat().st_size >= file_bytes
    settings = (lite.root / "qantar.toml").read_text(encoding="utf-8")
    assert f"database = {json.dumps(pg_url)}" in settings
    assert '# before the move: database = "sqlite:///qantar.db"' in settings

    moved = Project.open(lite.root)
    assert moved.engine.dialect.name == "postgresql"
    assert _content(moved.engine) == before
    # The custody log's chain and signatures survive the move.
    report = verify(moved, record=False)
    assert report.ok, report.failures

    # Sequences were moved past the copied ids: a new import adds rows with new ids.
    extra = tmp_path / "new.csv"
    extra.write_text("ФИО;Дата гибели\nСейтов Арман;05.01.2022\n", encoding="utf-8")
    imported = import_file(moved, extra, source="new list", kind="ngo")
    assert imported.rows_stored == 1
    after = _content(moved.engine)
    for name in ("sources", "import_batches", "raw_rows", "records"):
        assert len(after[name]) == len(before[name]) + 1
        assert max(r[0] for r in after[name]) == max(r[0] for r in before[name]) + 1
    record_decision(moved, "a", "b", "match", reviewer="reviewer")
    filled_target = _content(moved.engine)
    moved.close()

    # A second move into the now filled database is refused and changes nothing there.
    again = Project.init(tmp_path / "other")
    with pytest.raises(QantarError, match=r"already holds rows \(table acc_entities\)"):
        copy_database(again.engine, pg_url)
    again.close()
    reopened = Project.open(lite.root)
    assert _content(reopened.engine) == filled_target
    reopened.close()


def test_failed_copy_leaves_the_target_without_rows(
    lite: Project,
    pg_url: str,  # noqa: F811
) -> None:
    """A copy that fails halfway (here: the source breaks after a few tables) rolls back."""
    calls: list[str] = []

    def stop(table: str, done: int, total: int) -> None:
        calls.append(table)
        if table == "records" and done:
            raise RuntimeError("connection lost")

    with pytest.raises(RuntimeError, match="connection lost"):
        copy_database(lite.engine, pg_url, progress=stop)
    assert "sources" in calls
    target = create_engine(pg_url)
    with target.connect() as conn:
        counts = {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in registered_tables()
        }
    target.dispose()
    assert set(counts.values()) == {0}
    # ... and the same target then takes the whole copy.
    assert copy_database(lite.engine, pg_url)["records"] > 0


def test_password_stays_out_of_the_settings() -> None:
    url, left_out = settings_url("postgresql+psycopg://qantar:s3cret@db.example.org/qantar")
    assert left_out and "s3cret" not in url
    assert url == "postgresql+psycopg://qantar@db.example.org/qantar"
    assert settings_url("postgresql+psycopg://qantar@/q?host=/tmp") == (
        "postgresql+psycopg://qantar@/q?host=/tmp",
        False,
    )


def test_switch_settings_keeps_the_rest(tmp_path: Path) -> None:
    url = "postgresql+psycopg://qantar:s3cret@db.example.org/qantar?sslmode=verify-full"
    settings = tmp_path / "qantar.toml"
    settings.write_text('[project]\nname = "case"\n\n[link]\nthreshold = 0.9', encoding="utf-8")
    assert switch_settings(settings, url) == ""
    text = settings.read_text(encoding="utf-8")
    assert "s3cret" not in text and "threshold = 0.9" in text
    data = tomllib.loads(text)
    assert data["project"] == {
        "name": "case",
        "database": "postgresql+psycopg://qantar@db.example.org/qantar?sslmode=verify-full",
    }
    again = tmp_path / "other.toml"
    again.write_text("# notes\n", encoding="utf-8")
    switch_settings(again, "postgresql+psycopg://u@h/q")
    assert tomllib.loads(again.read_text(encoding="utf-8"))["project"]["database"] == (
        "postgresql+psycopg://u@h/q"
    )


def test_cli_db_move(
    lite: Project,
    pg_url: str,  # noqa: F811
) -> None:
    lite.close()
    base = ["db", "move"]
    # The server trusts its socket, so a password in the URL is ignored by it: the test is
    # that qantar.toml does not keep it.
    with_password = pg_url.replace("postgres@", "postgres:s3cret@")
    done = run_cli_process(lite.root, *base, "--to", with_password, "--switch", "--format", "json")
    assert done.exit_code == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["switched"] is True and report["password_left_out"] is True
    assert report["rows"]["records"] > 0
    assert report["rows_total"] == sum(report["rows"].values())
    assert "s3cret" not in (lite.root / "qantar.toml").read_text(encoding="utf-8")
    moved = Project.open(lite.root)
    assert make_url(moved.database_url) == make_url(pg_url)
    with moved.engine.connect() as conn:
        stored = conn.execute(select(func.count()).select_from(records)).scalar_one()
    assert stored == report["rows"]["records"]
    moved.close()
    # Moving again (the project is now on the server, the target not empty): one line, exit 2.
    refused = run_cli_process(lite.root, *base, "--to", pg_url)
    assert refused.exit_code == 2
    assert refused.stderr.startswith("error: ") and "Traceback" not in refused.stderr


@pytest.mark.parametrize("when", ["before its table", "after its table"])
def test_rows_added_during_the_move_are_refused(
    lite: Project,
    pg_url: str,  # noqa: F811
    when: str,
) -> None:
    """Someone records a decision on the laptop while the copy runs, before or after the
    decisions are copied: the counts no longer agree, so the move reports failure and the
    target keeps no rows."""
    order = [t.name for t in registered_tables()]
    position = order.index("review_decisions")
    trigger = order[0] if when == "before its table" else order[position + 1]

    def meddle(table: str, done: int, total: int) -> None:
        if table == trigger and done == 0:
            record_decision(lite, "x", "y", "match", reviewer="reviewer")

    with pytest.raises(QantarError, match=r"row counts differ.*review_decisions"):
        copy_database(lite.engine, pg_url, progress=meddle)
    target = create_engine(pg_url)
    with target.connect() as conn:
        assert all(
            conn.execute(select(func.count()).select_from(t)).scalar_one() == 0
            for t in registered_tables()
        )
    target.dispose()
