"""What the web tests share besides their fixtures: accounts enrolled for real, signing in
through the form, a page's CSRF token, and the persons of the test project.

A module of its own name (not ``conftest``): ``from conftest import`` would find whichever
folder's conftest pytest loaded first when tests of several folders run together."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pyotp
from fastapi.testclient import TestClient

from qantar import Project
from qantar.accounts import Role, add_user, complete_enrolment, new_totp_secret
from qantar.web import WebSettings

# The persons are written as a link run leaves them, by the publish tests' own fixture.
sys.path.insert(0, str(Path(__file__).parent.parent / "publish"))
from publish_fixtures import Given

PASSWORD = "a long enough passphrase"
SETTINGS = WebSettings(failure_delay=0.0)
# The pages speak the browser's language; these tests read the English ones (the Kazakh and
# Russian pages are read by test_web_languages).
ENGLISH = {"accept-language": "en"}


@dataclass
class Account:
    name: str
    role: Role
    password: str
    secret: str | None
    codes: list[str]

    signed_in_once: bool = False

    def code(self) -> str:
        """A code not used before: the next time step's the first time (enrolment spent
        this one), then the recovery codes in turn (a used code never works again)."""
        if not self.secret:
            return ""
        if not self.signed_in_once:
            self.signed_in_once = True
            return pyotp.TOTP(self.secret).at(time.time() + 30)
        return self.codes.pop()


def enrol(project: Project, name: str, role: Role) -> Account:
    enrolment = add_user(project, name, role, by="test")
    secret = new_totp_secret() if role not in (Role.ANALYST, Role.VIEWER) else None
    codes = complete_enrolment(
        project,
        enrolment.token,
        PASSWORD,
        totp_secret=secret,
        totp_code=pyotp.TOTP(secret).now() if secret else None,
    )
    return Account(name, role, PASSWORD, secret, codes)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def sign_in(client: TestClient, account: Account, code: str | None = None) -> None:
    page = client.get("/login")
    response = client.post(
        "/login",
        data={
            "csrf": csrf_of(page.text),
            "name": account.name,
            "password": account.password,
            "code": account.code() if code is None else code,
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


CHROMIUM = Path("/usr/bin/chromium")

PERSONS = [
    Given("P1", "Official", "Жаксылыков", "Кайрат", kind="official", age=34),
    Given("P1", "Press", name="Zhaksylykov Kairat", kind="media"),
    Given("P2", "Official", "Оспанов", "Мирас", age=28),
]


def browser_sign_in(page: object, base: str, account: Account, code: str) -> None:
    """Sign in through the login form, as a person would."""
    page.goto(f"{base}/login")  # type: ignore[attr-defined]
    page.get_by_label("Account name").fill(account.name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(account.password)  # type: ignore[attr-defined]
    page.get_by_label("One-time code", exact=False).fill(code)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]


def serious_violations(page: object, name: str) -> list[str]:
    """What axe-core finds serious or critical on the page in ``page``, each named by ``name``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{name}: {v['id']} ({v['impact']}) at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]
