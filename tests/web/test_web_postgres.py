"""The accounts, sessions, audit log and a signed-in round trip on a team's PostgreSQL
(a throw-away cluster, tests/store/pg_server.py)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from publish_fixtures import store
from web_fixtures import ENGLISH, PERSONS, SETTINGS, csrf_of, enrol, sign_in

from qantar import Project
from qantar.accounts import MAX_FAILURES, AuthError, Role, audit_log, authenticate
from qantar.publish import consent_decisions
from qantar.web import create_app

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)


@pytest.fixture
def pg_project(tmp_path: Path, pg_url: str) -> Iterator[Project]:  # noqa: F811
    project = Project.init(tmp_path / "case", database=pg_url)
    store(project, PERSONS)
    yield project
    project.close()


def test_accounts_and_a_consent_round_trip_on_postgres(pg_project: Project) -> None:
    assert pg_project.engine.dialect.name == "postgresql"
    liaison = enrol(pg_project, "aigerim", Role.LIAISON)
    analyst = enrol(pg_project, "nurlan", Role.ANALYST)
    for _ in range(MAX_FAILURES):
        with pytest.raises(AuthError):
            authenticate(pg_project, analyst.name, "wrong password!")
    with pytest.raises(AuthError):  # locked
        authenticate(pg_project, analyst.name, analyst.password)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=16)
    assert authenticate(pg_project, analyst.name, analyst.password, now=later).role == (
        Role.ANALYST
    )
    with TestClient(create_app(pg_project, SETTINGS), headers=ENGLISH) as client:
        sign_in(client, liaison)
        form = client.get("/persons/P1/consent")
        response = client.post(
            "/persons/P1/consent",
            data={"csrf": csrf_of(form.text), "status": "withhold", "note": "asked"},
            follow_redirects=False,
        )
        assert response.status_code == 303
    assert [d.status for d in consent_decisions(pg_project)] == ["withhold"]
    assert [e.action for e in audit_log(pg_project)][:3] == [
        "consent.decide",
        "person.view",
        "login",
    ]
