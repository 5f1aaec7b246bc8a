"""Each account's language: stored on the account, chosen on the account page (or with the
switcher while signed in), and first in the order account > cookie > Accept-Language >
the first of ``[case] languages``."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from web_fixtures import ENGLISH, SETTINGS, Account, csrf_of, sign_in

from qantar import Project
from qantar.accounts import Role, audit_log, get_user, set_language
from qantar.errors import InputError
from qantar.web import create_app
from qantar.web._language import LANGUAGE_COOKIE, choose


def _lang(html: str) -> str:
    found = re.search(r'<html lang="(\w+)">', html)
    assert found
    return found.group(1)


def _choose_on_account_page(client: TestClient, lang: str) -> int:
    csrf = csrf_of(client.get("/account").text)
    response = client.post(
        "/account/language", data={"csrf": csrf, "lang": lang}, follow_redirects=False
    )
    return response.status_code


def test_the_account_comes_before_the_cookie_the_browser_and_the_case() -> None:
    offered = ("ru", "kk", "en")
    assert choose("en", "ru", offered, account="kk") == "kk"
    assert choose(None, None, offered, account="en") == "en"
    assert choose("en", "ru", offered, account=None) == "en"
    assert choose(None, "kk", offered, account="de") == "kk"  # not one qantar speaks
    assert choose(None, None, offered, account=None) == "ru"


def test_a_language_chosen_on_the_account_page_follows_the_account(
    web_project: Project, signed_in: dict[Role, TestClient], accounts: dict[Role, Account]
) -> None:
    client = signed_in[Role.DOCUMENTER]
    assert _lang(client.get("/account").text) == "en"  # the browser's (ENGLISH)
    assert _choose_on_account_page(client, "kk") == 303
    assert get_user(web_project, "documenter-1").language == "kk"
    client.cookies.delete(LANGUAGE_COOKIE)
    assert _lang(client.get("/dashboard").text) == "kk"  # no cookie, the browser says en
    # Another browser, another device: the account still reads Kazakh once signed in.
    with TestClient(create_app(web_project, SETTINGS), headers=ENGLISH) as elsewhere:
        assert _lang(elsewhere.get("/login").text) == "en"
        sign_in(elsewhere, accounts[Role.DOCUMENTER])
        assert _lang(elsewhere.get("/").text) == "kk"
        elsewhere.cookies.set(LANGUAGE_COOKIE, "ru")
        assert _lang(elsewhere.get("/").text) == "kk"  # the account before the cookie
    events = [(e.actor, e.action, e.target) for e in audit_log(web_project)]
    assert ("documenter-1", "account.language", "documenter-1") in events
    # Back to the browser's choice.
    assert _choose_on_account_page(client, "") == 303
    assert get_user(web_project, "documenter-1").language is None
    client.cookies.delete(LANGUAGE_COOKIE)
    assert _lang(client.get("/").text) == "en"


def test_the_switcher_while_signed_in_changes_the_account(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.VIEWER]
    _choose_on_account_page(client, "kk")
    csrf = csrf_of(client.get("/").text)
    switched = client.post("/language", data={"csrf": csrf, "lang": "ru", "next": "/"})
    assert _lang(switched.text) == "ru"  # the switcher works although the account said kk
    assert get_user(web_project, "viewer-1").language == "ru"


def test_an_unknown_language_is_refused_and_nothing_changes(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.ANALYST]
    _choose_on_account_page(client, "ru")
    assert _choose_on_account_page(client, "de") == 400
    assert get_user(web_project, "analyst-1").language == "ru"
    with pytest.raises(InputError) as caught:
        set_language(web_project, "analyst-1", "fr")
    assert caught.value.field == "language"


def test_an_old_project_upgrades_with_its_accounts_following_the_browser(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    from alembic import command
    from sqlalchemy import inspect

    from qantar.accounts import list_users
    from qantar.store.engine import alembic_config, migrate

    names = sorted(u.name for u in list_users(web_project))
    command.downgrade(alembic_config(web_project.engine), "0008_web17_user_language@-1")
    assert "language" not in {c["name"] for c in inspect(web_project.engine).get_columns("users")}
    migrate(web_project.engine)
    users = list_users(web_project)
    assert sorted(u.name for u in users) == names
    assert all(u.language is None for u in users)
    with TestClient(create_app(web_project, SETTINGS), headers=ENGLISH) as client:
        sign_in(client, accounts[Role.ADMIN])
        assert _lang(client.get("/").text) == "en"
