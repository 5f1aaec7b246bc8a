"""`qantar users ...`, the CLI's writes in the audit log, and the accounts migration."""

from __future__ import annotations

from pathlib import Path

from _cli import run_cli
from publish_fixtures import store
from web_fixtures import PERSONS, enrol

from qantar import Project
from qantar.accounts import Role, audit_log, get_user, list_users


def _run(project: Project, *args: str) -> str:
    result = run_cli(project, *args)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_users_add_prints_a_one_time_link_and_stores_only_its_hash(project: Project) -> None:
    out = _run(project, "users", "add", "aigerim", "--role", "liaison", "--by", "lead")
    token = out.strip().rsplit("/enrol/", 1)[1]
    with project.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT enrol_token_hash FROM users").scalar_one()
    assert token not in stored and len(stored) == 64
    assert _run(project, "users", "list").split() == ["aigerim", "liaison", "awaiting", "enrolment"]
    _run(project, "users", "disable", "aigerim", "--by", "lead")
    assert get_user(project, "aigerim").disabled
    again = _run(project, "users", "reset", "aigerim", "--by", "lead")
    assert "/enrol/" in again and not get_user(project, "aigerim").disabled
    actions = [(e.actor, e.action, e.target) for e in reversed(audit_log(project))]
    assert actions == [
        ("lead", "user.add", "aigerim"),
        ("lead", "user.disable", "aigerim"),
        ("lead", "user.reset", "aigerim"),
    ]


def test_users_add_refuses_an_unknown_role_and_a_taken_name(project: Project) -> None:
    bad = run_cli(project, "users", "add", "x", "--role", "boss")
    assert bad.exit_code != 0 and list_users(project) == []
    enrol(project, "x", Role.VIEWER)
    taken = run_cli(project, "users", "add", "x", "--role", "admin")
    assert taken.exit_code != 0 and [u.role for u in list_users(project)] == [Role.VIEWER]


def test_the_cli_writes_land_in_the_same_audit_log(project: Project, tmp_path: Path) -> None:
    listing = tmp_path / "list.csv"
    listing.write_text("Фамилия,Имя\nЖаксылыков,Кайрат\n", encoding="utf-8")
    _run(project, "import", str(listing), "--source", "Hotline", "--kind", "ngo")
    store(project, PERSONS)
    _run(project, "consent", "P2", "--status", "withhold", "--by", "aigerim", "--yes")
    events = [(e.action, e.target, e.outcome) for e in reversed(audit_log(project))]
    assert events == [("cli.import", None, "ok"), ("cli.consent", "P2", "ok")]
    assert audit_log(project)[0].actor == "aigerim"
    assert audit_log(project)[1].actor  # the OS user, or QANTAR_ACTOR


def test_an_old_project_upgrades_to_the_accounts_tables_without_loss(project: Project) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from qantar.ingest import registry_summary
    from qantar.store.engine import alembic_config, migrate

    store(project, PERSONS)
    # One revision at a time from the head of the accounts' branch, down to before the
    # accounts tables (later revisions on that branch, such as a column of users, go first).
    for _ in range(5):
        if "users" not in inspect(project.engine).get_table_names():
            break
        command.downgrade(alembic_config(project.engine), "0007_web_accounts@-1")
    assert "users" not in inspect(project.engine).get_table_names()
    migrate(project.engine)
    assert {"users", "sessions", "login_attempts", "recovery_codes", "audit_events"} <= set(
        inspect(project.engine).get_table_names()
    )
    assert registry_summary(project).totals["records"] == len(PERSONS)
    enrol(project, "after-upgrade", Role.ADMIN)
