"""In a real Chromium (Debian's, driven by Playwright): evidence uploaded through the form
verifies with the real `qantar evidence verify`; an analyst runs an estimate, follows it
with the page's own script, and sees its plot and no name; axe-core finds no serious or
critical violation on the evidence, estimate and report pages."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli_process
from test_web_estimate import GIVEN, SURNAMES, _given
from test_web_evidence import photo
from web_fixtures import CHROMIUM, Account, browser_sign_in, serious_violations

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.evidence import add_incident, custody_log
from qantar.link._features import refresh

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
sys.path.insert(0, str(Path(__file__).parent.parent / "publish"))


@pytest.fixture
def web_project(project: Project) -> Project:
    """Sixty persons on three lists, as a link run leaves them: enough to estimate."""
    from publish_fixtures import store

    store(project, [g for k in range(1, 61) for g in _given(k)])  # type: ignore[misc]
    refresh(project.engine)
    return project


def _browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def _page(browser: Any, **options: Any) -> Any:
    return browser.new_context(locale="en-GB", **options).new_page()


def test_evidence_uploaded_in_the_browser_verifies_with_the_cli(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    picture = tmp_path / "square.jpg"
    picture.write_bytes(photo(seed=5))
    documenter = accounts[Role.DOCUMENTER]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser)
            browser_sign_in(page, server, documenter, documenter.code())
            page.get_by_role("link", name="Evidence").first.click()
            page.get_by_role("link", name="Add evidence").click()
            page.get_by_label("File (a photo", exact=False).set_input_files(str(picture))
            page.get_by_label("Collected by").fill("Field team")
            page.get_by_label("Collected at", exact=False).fill("2022-01-06")
            page.get_by_role("button", name="Add to the archive").click()
            assert page.locator("h1").inner_text().startswith("Evidence item")
            assert "square.jpg" in page.locator("main").inner_text()
            assert page.locator("#custody tbody tr").count() == 2  # added, viewed
        finally:
            browser.close()
    result = run_cli_process(web_project, "evidence", "verify")
    assert result.exit_code == 0, result.output
    assert "archive: OK; 1 file(s)" in result.output
    actions = [e["action"] for e in custody_log(web_project)]
    assert actions[:2] == ["added", "viewed"] and actions[-1] == "verified"


def test_an_analyst_runs_an_estimate_and_sees_its_plot_but_no_name(
    web_project: Project, accounts: dict[Role, Account], server: str
) -> None:
    analyst = accounts[Role.ANALYST]
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser)
            browser_sign_in(page, server, analyst, analyst.code())
            page.get_by_role("link", name="Estimates").first.click()
            page.get_by_label("Method", exact=True).select_option("loglinear")
            page.get_by_label("Strata", exact=True).select_option("region")
            page.get_by_role("button", name="Run the estimate").click()
            assert page.locator("h1").inner_text() == "Estimate job"
            # The page's script follows the job and reloads it when it is done.
            page.get_by_role("link", name="See the result").wait_for(timeout=120_000)
            page.get_by_role("link", name="See the result").click()
            plot = page.locator("figure img").first
            plot.wait_for()
            # The page draws its plots in the reader's language when asked: wait for it.
            page.wait_for_function("(img) => img.complete", arg=plot.element_handle())
            assert page.evaluate("(img) => img.naturalWidth", plot.element_handle()) > 100
            assert page.locator("#strata tbody tr").count() == 2
            visited = [page.content()]
            for link in ("Estimates", "Report", "Dashboard", "Home"):
                page.get_by_role("link", name=link).first.click()
                visited.append(page.content())
        finally:
            browser.close()
    for html in visited:
        assert not [n for n in (*SURNAMES, *GIVEN) if n in html]
    assert "estimate.run" in [e.action for e in audit_log(web_project)]


def test_axe_finds_no_serious_violation_on_the_new_pages(
    web_project: Project, accounts: dict[Role, Account], server: str, tmp_path: Path
) -> None:
    pytest.importorskip("axe_playwright_python")
    incident = add_incident(web_project, date="2022-01-05", description="x", type="shooting")
    first, second = tmp_path / "first.jpg", tmp_path / "second.jpg"
    first.write_bytes(photo(seed=2))
    second.write_bytes(photo(seed=2, size=(240, 180)))
    found: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _page(browser, bypass_csp=True)
            documenter = accounts[Role.DOCUMENTER]
            browser_sign_in(page, server, documenter, documenter.code())
            for picture in (first, second):
                page.goto(f"{server}/evidence/add")
                found += serious_violations(page, "evidence add")
                page.get_by_label("File (a photo", exact=False).set_input_files(str(picture))
                page.get_by_label("Incident", exact=True).select_option(str(incident))
                page.get_by_role("button", name="Add to the archive").click()
            found += serious_violations(page, "evidence item")
            page.goto(f"{server}/evidence")
            found += serious_violations(page, "evidence list")
            page.get_by_role("button", name="Verify the archive").click()
            found += serious_violations(page, "evidence verified")

            page = _page(browser, bypass_csp=True)
            analyst = accounts[Role.ANALYST]
            browser_sign_in(page, server, analyst, analyst.code())
            page.goto(f"{server}/estimates")
            found += serious_violations(page, "estimates")
            page.get_by_label("Strata", exact=True).select_option("region")
            page.get_by_role("button", name="Run the estimate").click()
            found += serious_violations(page, "estimate job")
            page.get_by_role("link", name="See the result").wait_for(timeout=120_000)
            page.get_by_role("link", name="See the result").click()
            page.locator("figure img").first.wait_for()
            found += serious_violations(page, "estimate result")
            page.goto(f"{server}/reports")
            found += serious_violations(page, "reports")

            page = _page(browser, bypass_csp=True)
            admin = accounts[Role.ADMIN]
            browser_sign_in(page, server, admin, admin.code())
            for path in ("/evidence/export", "/memorial-site"):
                page.goto(server + path)
                found += serious_violations(page, path)
        finally:
            browser.close()
    assert not found, "\n".join(found)
