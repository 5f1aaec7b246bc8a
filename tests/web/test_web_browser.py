"""In a real Chromium (Debian's, driven by Playwright): an admin enrols a liaison, who sets
up TOTP, signs in with a code and finds a person by a name written in the other script."""

from __future__ import annotations

from pathlib import Path

import pyotp
import pytest
from web_fixtures import CHROMIUM, Account, browser_sign_in

from qantar import Project
from qantar.accounts import Role, audit_log

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


def test_admin_enrols_a_liaison_who_signs_in_with_totp_and_finds_a_person(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    admin = accounts[Role.ADMIN]
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            browser_sign_in(page, server, admin, admin.code())
            page.get_by_role("link", name="Accounts").first.click()
            page.get_by_label("Account name (no spaces)").fill("aigerim")
            page.get_by_label("Role").select_option("liaison")
            page.get_by_role("button", name="Add").click()
            link = page.locator("#enrol-link").inner_text()
            path = "/enrol/" + link.rsplit("/enrol/", 1)[1]
            page.screenshot(path=str(tmp_path / "users.png"), full_page=True)

            newcomer = browser.new_context().new_page()
            newcomer.goto(server + path)
            secret = newcomer.locator("#totp-secret").inner_text()
            newcomer.get_by_label("New password", exact=False).fill("a good long passphrase")
            newcomer.get_by_label("The same password again").fill("a good long passphrase")
            newcomer.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
            newcomer.get_by_role("button", name="Save").click()
            assert newcomer.locator(".codes li").count() == 10
            liaison = Account("aigerim", Role.LIAISON, "a good long passphrase", secret, [])
            browser_sign_in(newcomer, server, liaison, liaison.code())
            newcomer.get_by_role("link", name="Persons").first.click()
            newcomer.get_by_label("Name, in any script or spelling").fill("Zhaksylykov")
            newcomer.keyboard.press("Enter")
            newcomer.get_by_role("link", name="P1").click()
            assert "Жаксылыков" in newcomer.content()
            newcomer.screenshot(path=str(tmp_path / "person.png"), full_page=True)
        finally:
            browser.close()
    actions = [(e.actor, e.action) for e in reversed(audit_log(web_project))]
    assert actions[-4:] == [
        ("aigerim", "enrol"),
        ("aigerim", "login"),
        ("aigerim", "persons.search"),
        ("aigerim", "person.view"),
    ]
