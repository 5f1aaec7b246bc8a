"""In a real Chromium (Debian's, driven by Playwright): a documenter imports a cp1251 list
with Russian headers through its preview, a liaison withholds a person and the memorial drops
them; axe-core finds no serious or critical violation on any page a signed-in admin,
documenter or liaison reaches; the sign-in form works from the keyboard alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixtures import CHROMIUM, Account, browser_sign_in, serious_violations

from qantar import Project
from qantar.accounts import Role, audit_log

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

CP1251_LIST = "ФИО;Дата смерти;Место\nТестов Тест Тестович;05.01.2022;Алматы\n"


def _browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def _english_page(browser: Any) -> Any:
    return browser.new_context(locale="en-GB").new_page()


def test_a_documenter_imports_a_cp1251_list_and_a_liaison_withholds_a_person(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    upload = tmp_path / "список.csv"
    upload.write_bytes(CP1251_LIST.encode("cp1251"))
    documenter, liaison = accounts[Role.DOCUMENTER], accounts[Role.LIAISON]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _english_page(browser)
            browser_sign_in(page, server, documenter, documenter.code())
            page.get_by_role("link", name="Import").first.click()
            page.get_by_label("File (CSV", exact=False).set_input_files(str(upload))
            page.get_by_label("Source (who made the list)").fill("Volunteers 2022")
            page.get_by_label("Kind of source", exact=False).select_option("ngo")
            page.get_by_role("button", name="Preview").click()
            assert page.locator("h1").inner_text() == "Import preview"
            assert page.locator("#encoding").inner_text().lower() in ("cp1251", "windows-1251")
            assert page.locator("#delimiter").inner_text() == '";"'
            columns = page.locator("table").first.locator("tbody tr").all_inner_texts()
            mapped = [tuple(row.split("\t")[:2]) for row in columns]
            assert mapped == [
                ("ФИО", "Full name"), ("Дата смерти", "Date of the event"), ("Место", "Place")
            ]  # fmt: skip
            assert "Тестов Тест Тестович" in page.locator("table").nth(1).inner_text()
            page.screenshot(path=str(tmp_path / "import-preview.png"), full_page=True)
            page.get_by_role("button", name="Import this file").click()
            assert page.locator("h1").inner_text() == "Imported"
            assert "1 records stored" in page.locator("main").inner_text()
            page.screenshot(path=str(tmp_path / "import-done.png"), full_page=True)

            page = _english_page(browser)
            browser_sign_in(page, server, liaison, liaison.code())
            page.goto(f"{server}/memorial")
            assert "О. М." in page.locator("main").inner_text()  # Оспанов, initials by default
            page.goto(f"{server}/persons/P2/consent")
            assert page.locator("#not-shown").count() == 0  # shown before the decision
            page.locator("#status-withhold").check()
            page.get_by_label("Note (who was asked", exact=False).fill("the brother asked")
            page.get_by_role("button", name="Record this decision").click()
            assert page.locator("#not-shown").is_visible()
            assert "the brother asked" in page.locator("main").inner_text()
            page.screenshot(path=str(tmp_path / "consent-withheld.png"), full_page=True)
            page.get_by_role("link", name="Memorial").first.click()
            memorial = page.locator("main").inner_text()
            assert "Оспанов" not in memorial and "О. М." not in memorial
            page.screenshot(path=str(tmp_path / "memorial.png"), full_page=True)
        finally:
            browser.close()
    actions = [(e.actor, e.action) for e in audit_log(web_project)]
    assert (documenter.name, "import") in actions
    assert (liaison.name, "consent.decide") in actions


# Every page each role reaches (the person page and consent form of P1, linked in the store).
PAGES = {
    Role.ADMIN: ["/", "/account", "/dashboard", "/admin/users", "/admin/audit"],
    Role.DOCUMENTER: ["/", "/account", "/dashboard", "/persons", "/persons/P1", "/import"],
    Role.LIAISON: ["/", "/account", "/persons", "/persons/P1", "/persons/P1/consent",
                   "/memorial"],
}  # fmt: skip


def test_axe_finds_no_serious_violation_on_any_page(
    accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    pytest.importorskip("axe_playwright_python")
    found: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
            page.goto(f"{server}/login")
            found += serious_violations(page, "/login")
            for role, paths in PAGES.items():
                page = browser.new_context(locale="en-GB", bypass_csp=True).new_page()
                account = accounts[role]
                browser_sign_in(page, server, account, account.code())
                for path in paths:
                    response = page.goto(server + path)
                    assert response is not None and response.ok, (role, path)
                    found += serious_violations(page, f"{role.value} {path}")
                    shot = path.strip("/").replace("/", "-") or "home"
                    page.screenshot(path=str(tmp_path / f"{role.value}-{shot}.png"), full_page=True)
                if role is Role.DOCUMENTER:  # the pages a form leads to: results, a preview
                    page.goto(f"{server}/persons")
                    page.get_by_label("Name, in any script or spelling").fill("Zhaksylykov")
                    page.keyboard.press("Enter")
                    page.get_by_role("link", name="P1").wait_for()
                    found += serious_violations(page, "documenter persons search results")
                    upload = tmp_path / "list.csv"
                    upload.write_bytes(CP1251_LIST.encode("cp1251"))
                    page.goto(f"{server}/import")
                    page.get_by_label("File (CSV", exact=False).set_input_files(str(upload))
                    page.get_by_label("Source (who made the list)").fill("Volunteers 2022")
                    page.get_by_label("Kind of source", exact=False).select_option("ngo")
                    page.get_by_role("button", name="Preview").click()
                    assert page.locator("h1").inner_text() == "Import preview"
                    found += serious_violations(page, "documenter import preview")
        finally:
            browser.close()
    assert not found, "\n".join(found)


def test_the_sign_in_form_can_be_completed_with_the_keyboard_alone(
    accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    documenter = accounts[Role.DOCUMENTER]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _english_page(browser)
            page.goto(f"{server}/login")
            page.locator("body").focus()
            for _ in range(20):  # past the skip link and the language buttons
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.id") == "name":
                    break
            assert page.evaluate("document.activeElement.id") == "name"
            page.keyboard.type(documenter.name)
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "password"
            page.keyboard.type(documenter.password)
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.id") == "code"
            page.keyboard.type(documenter.code())
            page.keyboard.press("Enter")
            page.wait_for_url(lambda url: not url.endswith("/login"))
            assert page.get_by_role("button", name="Sign out").is_visible()
            page.screenshot(path=str(tmp_path / "keyboard-signed-in.png"), full_page=True)
        finally:
            browser.close()
