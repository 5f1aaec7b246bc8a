"""Every route of the app, for every role: allowed or refused exactly as the one table says."""

from __future__ import annotations

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount
from web_fixtures import Account, csrf_of, sign_in

from qantar import Project
from qantar.accounts import PERMISSIONS, Role, add_user, audit_log
from qantar.web import create_app
from qantar.web._access import ROUTES

PARAMS = {
    "person_id": "P1", "name": "target-1", "token": "no-such-token", "batch_id": "1",
    "entry_id": "1",
}  # fmt: skip
# The evidence, estimate and report pages' parameters (no such item, job or run: a 404
# for whoever may ask, a 403 for the others).
PARAMS |= {"sha": "0" * 64, "job": "no-such-job", "run": "no-such-run", "plot": "x.png"}
# Routes that end the session run last, so that the walk keeps its session until then.
LAST = ("logout_everywhere", "logout")


def _routes(project: Project) -> list[tuple[str, str, str]]:
    out = []
    for route in create_app(project).routes:
        if isinstance(route, Mount):
            out.append((route.name, "GET", "/static/qantar.css"))
            continue
        assert isinstance(route, APIRoute)
        for method in sorted(route.methods):
            out.append((route.name, method, route.path.format(**PARAMS)))
    return sorted(out, key=lambda r: (r[0] in LAST, LAST.index(r[0]) if r[0] in LAST else 0))


def test_every_route_has_a_permission_and_every_entry_a_route(project: Project) -> None:
    names = {name for name, _, _ in _routes(project)}
    assert names == set(ROUTES), names ^ set(ROUTES)


@pytest.mark.parametrize("role", list(Role))
def test_each_role_reaches_exactly_what_the_table_allows(
    web_project: Project,
    signed_in: dict[Role, TestClient],
    accounts: dict[Role, Account],
    role: Role,
) -> None:
    add_user(web_project, "target-1", Role.VIEWER, by="test")
    client = signed_in[role]
    csrf = csrf_of(client.get("/account").text)
    for name, method, path in _routes(web_project):
        if name in LAST:
            sign_in(client, accounts[role])
            csrf = csrf_of(client.get("/account").text)
        if method == "GET":
            response = client.get(path, follow_redirects=False)
        else:
            response = client.post(path, data={"csrf": csrf}, follow_redirects=False)
        permission = ROUTES[name]
        if permission is None or permission in PERMISSIONS[role]:
            # Allowed: whatever the page says of the empty form, it is not a refusal.
            assert response.status_code != 403, (role, name)
            assert "Sign in again" not in response.text, (role, name)
        else:
            assert response.status_code == 403, (role, name, response.status_code)
            assert "Your role may not use this page." in response.text
    refusals = [e for e in audit_log(web_project) if e.action == "refused.role"]
    denied = [n for n, p in ROUTES.items() if p is not None and p not in PERMISSIONS[role]]
    assert {e.target for e in refusals} == set(denied)
    assert all(e.actor == f"{role.value}-1" for e in refusals)


def test_without_a_session_pages_lead_to_sign_in_and_posts_are_refused(
    web_project: Project, app_client: TestClient
) -> None:
    csrf = csrf_of(app_client.get("/login").text)
    for name, method, path in _routes(web_project):
        if ROUTES[name] is None:
            continue
        if method == "GET":
            response = app_client.get(path, follow_redirects=False)
            assert response.status_code == 303, name
            assert response.headers["location"].endswith("/login")
        else:
            response = app_client.post(path, data={"csrf": csrf}, follow_redirects=False)
            assert response.status_code == 401, name
            assert "Sign in again" in response.text
