"""Keyboard only, in a real Chromium: import a list (upload, preview, confirm) and fix its
quarantined row, record a withhold, search a name in the other script. No click, no fill:
Tab moves the focus (which must be visible where it lands), Enter and Space act, arrows
choose. And axe-core on the pages a signed-out person meets: enrolment and the error pages
(403, 404, an expired session)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from web_fixtures import CHROMIUM, Account, browser_sign_in, serious_violations

from qantar import Project
from qantar.accounts import Role, add_user, audit_log, end_all_sessions, get_user
from qantar.store import quarantine

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")

# One row with a cell too many: held back whole, to be fixed from the keyboard.
LIST = "ФИО;Дата смерти;Место\nТестов Тест Тестович;05.01.2022;Алматы\nСеменов;06.01.2022;;\n"
MAX_TABS = 60


def _browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def _page(browser: Any, **options: Any) -> Any:
    return browser.new_context(locale="en-GB", **options).new_page()


def _focused(page: Any) -> dict[str, str]:
    return dict(
        page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {id: e.id || '', tag: e.tagName.toLowerCase(), text: (e.innerText ||
            e.value || '').trim(), href: e.getAttribute('href') || '',
            outline: s.outlineStyle, width: s.outlineWidth}; }"""
        )
    )


def _tab_to(page: Any, *, id_: str = "", text: str = "", href: str = "") -> None:
    """Press Tab until the focus is on the wanted element, and check the focus is seen."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        now = _focused(page)
        if (
            (not id_ or now["id"] == id_)
            and (not text or now["text"] == text)
            and (not href or now["href"].endswith(href))
        ):
            assert now["outline"] != "none" and now["width"] != "0px", now
            return
    raise AssertionError(f"Tab never reached {id_ or text or href}")


def _start(page: Any) -> None:
    page.locator("body").focus()


def test_a_documenter_imports_and_fixes_a_row_from_the_keyboard(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    upload = tmp_path / "список.csv"
    upload.write_bytes(LIST.encode("cp1251"))
    documenter = accounts[Role.DOCUMENTER]
    axe = pytest.importorskip("axe_playwright_python")
    found: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser, bypass_csp=True)  # for axe's script
            browser_sign_in(page, server, documenter, documenter.code())
            _start(page)
            _tab_to(page, text="Import")
            page.keyboard.press("Enter")
            page.wait_for_url("**/import")
            _start(page)
            _tab_to(page, id_="file")
            with page.expect_file_chooser() as chooser:
                page.keyboard.press("Space")
            chooser.value.set_files(str(upload))
            _tab_to(page, id_="source")
            page.keyboard.type("Volunteers 2022")
            _tab_to(page, id_="kind")
            for _ in range(len(("", "official", "ngo"))):
                if page.evaluate("document.activeElement.value") == "ngo":
                    break
                page.keyboard.press("ArrowDown")
            assert page.evaluate("document.activeElement.value") == "ngo"
            _tab_to(page, text="Preview")
            page.keyboard.press("Enter")
            page.locator("h1", has_text="Import preview").wait_for()
            assert page.locator("#encoding").inner_text().lower() in ("cp1251", "windows-1251")
            _start(page)
            _tab_to(page, text="Import this file")
            page.keyboard.press("Enter")
            page.locator("h1", has_text="Imported").wait_for()
            _start(page)
            _tab_to(page, text="See, fix or download the quarantined rows")
            page.keyboard.press("Enter")
            page.locator("h1", has_text="Quarantine of batch").wait_for()
            found += serious_violations(page, "quarantine")
            _start(page)
            _tab_to(page, text="Fix row 3")
            page.keyboard.press("Enter")
            page.locator("h1", has_text="Fix row 3").wait_for()
            found += serious_violations(page, "fix form")
            _start(page)
            _tab_to(page, id_="f-name")
            page.keyboard.type("Семенов Арман")
            _tab_to(page, id_="f-event_date")
            page.keyboard.type("06.01.2022")
            _tab_to(page, text="Store as a record")
            page.keyboard.press("Enter")
            page.locator("text=fixed by documenter-1").wait_for()
            page.screenshot(path=str(tmp_path / "keyboard-quarantine-fixed.png"), full_page=True)
        finally:
            browser.close()
    assert axe is not None and not found, "\n".join(found)
    with web_project.engine.connect() as conn:
        from sqlalchemy import select

        fixed = conn.execute(select(quarantine.c.fixed_by)).scalars().all()
    assert fixed == ["documenter-1"]
    actions = [(e.actor, e.action) for e in audit_log(web_project)]
    assert ("documenter-1", "import") in actions and ("documenter-1", "quarantine.fix") in actions


def test_a_liaison_records_a_withhold_from_the_keyboard(
    web_project: Project, accounts: dict[Role, Account], server: str
) -> None:
    liaison = accounts[Role.LIAISON]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser)
            browser_sign_in(page, server, liaison, liaison.code())
            page.goto(f"{server}/persons/P2/consent")
            _start(page)
            _tab_to(page, id_="status-publish")  # a radio group takes one Tab, then arrows
            for _ in range(4):
                if _focused(page)["id"] == "status-withhold":
                    break
                page.keyboard.press("ArrowDown")
            assert page.locator("#status-withhold").is_checked()
            _tab_to(page, id_="note")
            page.keyboard.type("the brother asked")
            _tab_to(page, text="Record this decision")
            page.keyboard.press("Enter")
            page.locator("#not-shown").wait_for()
            assert "the brother asked" in page.locator("main").inner_text()
        finally:
            browser.close()
    assert ("liaison-1", "consent.decide", "P2") in [
        (e.actor, e.action, e.target) for e in audit_log(web_project)
    ]


def test_a_name_is_searched_in_the_other_script_from_the_keyboard(
    accounts: dict[Role, Account], server: str
) -> None:
    documenter = accounts[Role.DOCUMENTER]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser)
            browser_sign_in(page, server, documenter, documenter.code())
            _start(page)
            _tab_to(page, text="Persons")
            page.keyboard.press("Enter")
            page.wait_for_url("**/persons")
            _start(page)
            _tab_to(page, id_="q")
            page.keyboard.type("Zhaksylykov")
            page.keyboard.press("Enter")
            page.get_by_role("link", name="P1").wait_for()
            _start(page)
            _tab_to(page, href="/persons/P1")
            page.keyboard.press("Enter")
            page.wait_for_url("**/persons/P1")
            assert "Жаксылыков" in page.locator("main").inner_text()
        finally:
            browser.close()


def test_axe_finds_no_serious_violation_on_enrolment_and_error_pages(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    pytest.importorskip("axe_playwright_python")
    enrolment = add_user(web_project, "newcomer", Role.LIAISON, by="test")
    found: list[str] = []
    seen: dict[str, int] = {}
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser, bypass_csp=True)
            for name, path in (
                ("enrolment", f"/enrol/{enrolment.token}"),
                ("404 signed out", "/no-such-page"),
                ("404 enrolment link", "/enrol/no-such-token"),
            ):
                response = page.goto(server + path)
                assert response is not None
                seen[name] = response.status
                found += serious_violations(page, name)
                page.screenshot(path=str(tmp_path / f"axe-{name}.png"), full_page=True)
            viewer = accounts[Role.VIEWER]
            browser_sign_in(page, server, viewer, viewer.code())
            for name, path in (("403", "/dashboard"), ("404", "/nowhere")):
                response = page.goto(server + path)
                assert response is not None
                seen[name] = response.status
                found += serious_violations(page, name)
            # The session ends on the server (idle, or signed out elsewhere); the next form
            # sent meets the expired-session page.
            page.goto(f"{server}/account")
            end_all_sessions(web_project, get_user(web_project, viewer.name))
            with page.expect_response(lambda r: r.request.method == "POST") as sent:
                page.get_by_role("button", name="Save").click()
            seen["expired"] = sent.value.status
            page.locator("text=Your session has ended").wait_for()
            found += serious_violations(page, "expired session")
            page.screenshot(path=str(tmp_path / "axe-expired.png"), full_page=True)
        finally:
            browser.close()
    assert seen == {
        "enrolment": 200, "404 signed out": 404, "404 enrolment link": 404, "403": 403,
        "404": 404, "expired": 401,
    }  # fmt: skip
    assert not found, "\n".join(found)
