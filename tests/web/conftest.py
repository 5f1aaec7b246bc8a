"""A real project with a few linked persons, accounts of every role, and a signed-in test
client per role (FastAPI's TestClient over the real app and the real SQLite store)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from qantar import Project
from qantar.accounts import Role
from qantar.web import create_app, served_locally

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "publish"))
from publish_fixtures import store
from web_fixtures import ENGLISH, PERSONS, SETTINGS, Account, enrol, sign_in


@pytest.fixture
def web_project(project: Project) -> Project:
    store(project, PERSONS)
    return project


@pytest.fixture
def accounts(web_project: Project) -> dict[Role, Account]:
    return {role: enrol(web_project, f"{role.value}-1", role) for role in Role}


@pytest.fixture
def app_client(web_project: Project) -> Iterator[TestClient]:
    with TestClient(create_app(web_project, SETTINGS), headers=ENGLISH) as client:
        yield client


@pytest.fixture
def signed_in(web_project: Project, accounts: dict[Role, Account]) -> Iterator[
    dict[Role, TestClient]
]:  # fmt: skip
    clients = {}
    app = create_app(web_project, SETTINGS)
    for role, account in accounts.items():
        client = TestClient(app, headers=ENGLISH)
        sign_in(client, account)
        clients[role] = client
    yield clients
    for client in clients.values():
        client.close()


# --- a real server for the browser tests (Playwright driving Debian's chromium) ---------


@pytest.fixture
def server(web_project: Project) -> Iterator[str]:
    """The app under uvicorn on a free port of 127.0.0.1, for as long as the test runs."""
    pytest.importorskip("uvicorn")
    with served_locally(web_project, SETTINGS) as base:
        yield base
