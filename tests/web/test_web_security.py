"""Sign-in, second factor, lockout, sessions, CSRF, headers and logs."""

from __future__ import annotations

import datetime as dt
import logging
import re
import time
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from web_fixtures import ENGLISH, SETTINGS, Account, csrf_of, enrol, sign_in

from qantar import Project
from qantar.accounts import (
    LOCKED_FOR,
    MAX_FAILURES,
    AuthError,
    Role,
    audit_log,
    authenticate,
    disable_user,
    session_for,
    start_session,
)
from qantar.publish import consent_decisions
from qantar.web import WebSettings, create_app

TEMPLATES = Path(__file__).parents[2] / "src" / "qantar" / "web"


def test_every_page_carries_the_protective_headers(app_client: TestClient) -> None:
    for path in ("/login", "/no-such-page", "/static/qantar.css"):
        headers = app_client.get(path).headers
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"


def test_no_page_or_stylesheet_asks_for_anything_from_elsewhere() -> None:
    for file in [*TEMPLATES.glob("templates/*.html"), *TEMPLATES.glob("static/*")]:
        text = file.read_text(encoding="utf-8")
        assert "://" not in text and "@import" not in text, file
        # A script only as a file of our own under /static (the CSP's 'self'), never inline.
        own = re.sub(
            r"<script src=\"\{\{ url_for\('static', path='[\w.-]+\.js'\) \}\}\"></script>", "", text
        )
        assert "<script" not in own and " on" + "click=" not in text, file


def test_session_cookie_is_httponly_strict_and_secure_behind_tls(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    proxied = WebSettings(failure_delay=0.0, trusted_proxies=("testclient",))
    with TestClient(create_app(web_project, proxied), headers=ENGLISH) as client:
        page = client.get("/login")
        response = client.post(
            "/login",
            data={"csrf": csrf_of(page.text), "name": "analyst-1", "password": accounts[
                Role.ANALYST].password},
            headers={"x-forwarded-proto": "https"},
            follow_redirects=False,
        )  # fmt: skip
        cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "secure" in cookie


def test_a_role_that_sees_names_needs_its_code(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    liaison = accounts[Role.LIAISON]
    with pytest.raises(AuthError):
        authenticate(web_project, liaison.name, liaison.password, None)
    with pytest.raises(AuthError):
        authenticate(web_project, liaison.name, liaison.password, "000000")
    code = liaison.code()
    assert authenticate(web_project, liaison.name, liaison.password, code).role == Role.LIAISON
    # A code works once: one overheard or read over a shoulder is spent.
    with pytest.raises(AuthError):
        authenticate(web_project, liaison.name, liaison.password, code)
    # An analyst sees no names and signs in with a password alone.
    analyst = accounts[Role.ANALYST]
    assert authenticate(web_project, analyst.name, analyst.password).role == Role.ANALYST


def test_a_recovery_code_signs_in_once(web_project: Project, accounts: dict[Role, Account]) -> None:
    documenter = accounts[Role.DOCUMENTER]
    code = documenter.codes[3].lower().replace("-", " ")
    authenticate(web_project, documenter.name, documenter.password, code)
    with pytest.raises(AuthError):
        authenticate(web_project, documenter.name, documenter.password, code)
    authenticate(web_project, documenter.name, documenter.password, documenter.codes[4])


def test_repeated_failures_lock_the_account_for_a_while(
    web_project: Project, accounts: dict[Role, Account], app_client: TestClient
) -> None:
    admin = accounts[Role.ADMIN]
    csrf = csrf_of(app_client.get("/login").text)
    for _ in range(MAX_FAILURES):
        response = app_client.post(
            "/login", data={"csrf": csrf, "name": admin.name, "password": "wrong password!"}
        )
        assert response.status_code == 401
        assert "Sign-in refused" in response.text
    # Locked: the right password and code are refused too, with the same words.
    response = app_client.post(
        "/login",
        data={"csrf": csrf, "name": admin.name, "password": admin.password, "code": admin.code()},
    )
    assert response.status_code == 401
    failed = [e for e in audit_log(web_project) if e.action == "login" and e.outcome == "failed"]
    assert len(failed) == MAX_FAILURES + 1
    later = dt.datetime.now(dt.UTC) + LOCKED_FOR + dt.timedelta(seconds=1)
    code = pyotp.TOTP(admin.secret).at(later)
    assert authenticate(web_project, admin.name, admin.password, code, now=later).id


def test_failed_sign_ins_from_one_address_are_answered_slower(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    slow = WebSettings(failure_delay=0.2)
    with TestClient(create_app(web_project, slow), headers=ENGLISH) as client:
        csrf = csrf_of(client.get("/login").text)
        client.post("/login", data={"csrf": csrf, "name": "nobody", "password": "x"})
        started = time.perf_counter()
        client.post("/login", data={"csrf": csrf, "name": "nobody", "password": "y"})
        assert time.perf_counter() - started >= 0.4  # two failures on record: twice the delay


def test_a_post_without_or_with_a_forged_csrf_token_changes_nothing(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.LIAISON]
    for data in ({"status": "withhold"}, {"status": "withhold", "csrf": "forged"}):
        response = client.post("/persons/P1/consent", data=data)
        assert response.status_code == 403
        assert "did not come from this site" in response.text
    assert consent_decisions(web_project) == []
    refused = [e for e in audit_log(web_project) if e.action == "refused.csrf"]
    assert [(e.actor, e.target) for e in refused] == [("liaison-1", "consent")] * 2
    # Another account's token is no better than a forged one.
    other = csrf_of(signed_in[Role.ADMIN].get("/account").text)
    assert (
        client.post("/persons/P1/consent", data={"status": "withhold", "csrf": other}).status_code
        == 403
    )


def test_sign_in_form_needs_its_own_token(
    app_client: TestClient, accounts: dict[Role, Account]
) -> None:
    analyst = accounts[Role.ANALYST]
    app_client.get("/login")
    response = app_client.post("/login", data={"name": analyst.name, "password": analyst.password})
    assert response.status_code == 403


def test_an_idle_session_ends(web_project: Project, accounts: dict[Role, Account]) -> None:
    with TestClient(
        create_app(web_project, WebSettings(failure_delay=0, idle_minutes=0)), headers=ENGLISH
    ) as c:
        sign_in(c, accounts[Role.ANALYST])
        time.sleep(0.01)
        response = c.get("/dashboard", follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].endswith("/login")
        response = c.post("/logout", data={"csrf": "whatever"})
        assert response.status_code == 401


def test_log_out_everywhere_ends_every_session_of_the_account(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    app = create_app(web_project, SETTINGS)
    with TestClient(app, headers=ENGLISH) as laptop, TestClient(app, headers=ENGLISH) as phone:
        sign_in(laptop, accounts[Role.DOCUMENTER])
        sign_in(phone, accounts[Role.DOCUMENTER])
        csrf = csrf_of(phone.get("/account").text)
        assert (
            phone.post(
                "/logout-everywhere", data={"csrf": csrf}, follow_redirects=False
            ).status_code
            == 303
        )
        assert laptop.get("/dashboard", follow_redirects=False).status_code == 303
        assert phone.get("/dashboard", follow_redirects=False).status_code == 303


def test_a_disabled_account_loses_its_sessions_and_cannot_sign_in(
    web_project: Project, accounts: dict[Role, Account]
) -> None:
    analyst = accounts[Role.ANALYST]
    from qantar.accounts import get_user

    token = start_session(web_project, get_user(web_project, analyst.name))
    disable_user(web_project, analyst.name)
    assert session_for(web_project, token, idle=dt.timedelta(hours=1)) is None
    with pytest.raises(AuthError):
        authenticate(web_project, analyst.name, analyst.password)


def test_the_access_log_holds_route_templates_not_ids_or_terms(
    web_project: Project, signed_in: dict[Role, TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    client = signed_in[Role.LIAISON]
    csrf = csrf_of(client.get("/persons").text)
    with caplog.at_level(logging.INFO, logger="qantar.web.access"):
        client.post("/persons", data={"csrf": csrf, "q": "Жаксылыков"})
        client.get("/persons/P1?q=Zhaksylykov")
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "qantar.web.access")
    assert "POST /persons 200" in logged and "GET /persons/{person_id} 200" in logged
    for secret in ("Жаксылыков", "Zhaksylykov", "P1"):
        assert secret not in logged
    assert all("Жаксылыков" not in (e.target or "") for e in audit_log(web_project))


def test_an_enrolment_link_works_once_and_sets_up_the_second_factor(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    admin = signed_in[Role.ADMIN]
    csrf = csrf_of(admin.get("/admin/users").text)
    page = admin.post("/admin/users", data={"csrf": csrf, "name": "aigerim", "role": "liaison"})
    link = page.text.split('id="enrol-link">')[1].split("<")[0]
    path = "/" + link.split("/", 3)[3]
    with TestClient(create_app(web_project, SETTINGS), headers=ENGLISH) as newcomer:
        form = newcomer.get(path)
        secret = form.text.split('name="secret" value="')[1].split('"')[0]
        data = {"csrf": csrf_of(form.text), "password": "short", "password2": "short",
                "secret": secret, "code": pyotp.TOTP(secret).now()}  # fmt: skip
        assert newcomer.post(path, data=data).status_code == 400
        data["password"] = data["password2"] = "a good long passphrase"
        done = newcomer.post(path, data=data)
        assert done.status_code == 200 and done.text.count("<li><code>") == 10
        assert newcomer.get(path).status_code == 404
        account = Account("aigerim", Role.LIAISON, "a good long passphrase", secret, [])
        sign_in(newcomer, account)
        assert newcomer.get("/persons").status_code == 200
    actions = [(e.actor, e.action, e.target) for e in audit_log(web_project)]
    assert ("admin-1", "user.add", "aigerim") in actions and (
        "aigerim",
        "enrol",
        "aigerim",
    ) in actions


def test_enrol_refuses_a_wrong_first_code(web_project: Project) -> None:
    from qantar.accounts import add_user, complete_enrolment, new_totp_secret
    from qantar.errors import InputError

    enrolment = add_user(web_project, "dana", Role.REVIEWER, by="test")
    with pytest.raises(InputError):
        complete_enrolment(
            web_project,
            enrolment.token,
            "long enough pass",
            totp_secret=new_totp_secret(),
            totp_code="123456",
        )
    enrol(web_project, "erlan", Role.VIEWER)  # a viewer needs no second factor


def test_a_form_without_a_stated_length_is_refused(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.LIAISON]
    csrf = csrf_of(client.get("/account").text)
    body = iter([f"csrf={csrf}&status=withhold".encode()])  # sent chunked, without a length
    response = client.post(
        "/persons/P1/consent",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 411
    assert consent_decisions(web_project) == []
