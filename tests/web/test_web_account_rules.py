"""An admin may not disable their own account, nor may the last admin who can sign in be
disabled (from the web or the CLI): refused with a clear page or line, nothing changed,
and the refusal is in the audit log."""

from __future__ import annotations

import pytest
from _cli import run_cli
from fastapi.testclient import TestClient
from web_fixtures import Account, csrf_of, enrol

from qantar import Project
from qantar.accounts import (
    AccountRuleError,
    Role,
    add_user,
    audit_log,
    disable_user,
    get_user,
    list_users,
)


def test_an_admin_cannot_disable_their_own_account(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    enrol(web_project, "admin-2", Role.ADMIN)  # not the last admin: the self rule alone
    client = signed_in[Role.ADMIN]
    page = client.get("/admin/users").text
    assert "/admin/users/admin-1/disable" not in page  # no button for one's own account
    assert "/admin/users/admin-2/disable" in page
    refused = client.post("/admin/users/admin-1/disable", data={"csrf": csrf_of(page)})
    assert refused.status_code == 409
    assert "You cannot disable your own account" in refused.text
    assert not get_user(web_project, "admin-1").disabled
    assert client.get("/admin/users").status_code == 200  # still signed in
    events = [(e.actor, e.action, e.target, e.outcome) for e in audit_log(web_project)]
    assert ("admin-1", "user.disable", "admin-1", "refused") in events


def test_an_admin_disables_another_admin(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    enrol(web_project, "admin-2", Role.ADMIN)
    client = signed_in[Role.ADMIN]
    done = client.post(
        "/admin/users/admin-2/disable",
        data={"csrf": csrf_of(client.get("/admin/users").text)},
        follow_redirects=False,
    )
    assert done.status_code == 303 and get_user(web_project, "admin-2").disabled


def test_the_last_admin_who_can_sign_in_is_not_disabled(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    add_user(web_project, "admin-pending", Role.ADMIN, by="test")  # never enrolled
    with pytest.raises(AccountRuleError, match="last admin"):
        disable_user(web_project, "admin-1")
    assert not get_user(web_project, "admin-1").disabled
    failed = run_cli(web_project, "users", "disable", "admin-1", "--by", "operator")
    assert failed.exit_code == 2 and "last admin" in failed.output
    assert not get_user(web_project, "admin-1").disabled
    enrol(web_project, "admin-2", Role.ADMIN)
    disable_user(web_project, "admin-1", by="admin-2")
    assert get_user(web_project, "admin-1").disabled
    # Others than admins are disabled as before; a disabled admin stays disabled.
    disable_user(web_project, "viewer-1")
    disable_user(web_project, "admin-1")
    active = [u.name for u in list_users(web_project) if u.role is Role.ADMIN and not u.disabled]
    assert active == ["admin-2", "admin-pending"]


def test_the_cli_refuses_an_account_disabling_itself(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    enrol(web_project, "admin-2", Role.ADMIN)
    failed = run_cli(web_project, "users", "disable", "admin-2", "--by", "admin-2")
    assert failed.exit_code == 2 and "cannot disable itself" in failed.output
    assert not get_user(web_project, "admin-2").disabled
