"""On a team's PostgreSQL (a throw-away cluster, tests/store/pg_server.py): a quarantined row
fixed into a record, an account's language, and the admin rules (the row lock that keeps two
admins from disabling each other at once)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from web_fixtures import enrol

from qantar import Project
from qantar.accounts import AccountRuleError, Role, disable_user, get_user, set_language

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Iterator[Project]:  # noqa: F811
    project = Project.init(tmp_path / "case", database=pg_url)
    yield project
    project.close()


def test_a_row_is_fixed_and_accounts_keep_their_rules_on_postgres(
    pg_project: Project, tmp_path: Path
) -> None:
    assert pg_project.engine.dialect.name == "postgresql"
    path = tmp_path / "list.csv"
    path.write_text("№,ФИО,Дата гибели\n1,Ахметов Нурлан,05.01.2022\n2,Сериков,06.01.2022,x\n",
                    encoding="utf-8")  # fmt: skip
    result = pg_project.sources.import_file(path, source="Hotline", kind="ngo")
    assert result.rows_quarantined == 1
    (entry,) = list(pg_project.sources.quarantine())
    fixed = pg_project.sources.fix_quarantined(
        entry["id"], {"source_record_id": "2", "name": "Сериков Ерлан"}, by="dana"
    )
    assert fixed.record_key == "Hotline|id:2"
    (after,) = list(pg_project.sources.quarantine())
    assert after["fixed"] and after["fixed_by"] == "dana"
    assert pg_project.sources.list().totals["records"] == 2

    enrol(pg_project, "admin-1", Role.ADMIN)
    assert set_language(pg_project, "admin-1", "kk").language == "kk"
    with pytest.raises(AccountRuleError):
        disable_user(pg_project, "admin-1", by="admin-1")
    with pytest.raises(AccountRuleError):
        disable_user(pg_project, "admin-1", by="operator")
    enrol(pg_project, "admin-2", Role.ADMIN)
    disable_user(pg_project, "admin-1", by="admin-2")
    assert get_user(pg_project, "admin-1").disabled
