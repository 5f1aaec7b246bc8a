"""The review queue in a real Chromium (Debian's, driven by Playwright) over uvicorn: a
reviewer decides ten pairs with the keyboard alone; two reviewers in two browser contexts
never see the same pair; a conflicting decision reaches the admin's adjudication; axe finds
no serious or critical violation on the queue and adjudication pages."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from review_fixtures import copy_project, linked_synthetic
from web_fixtures import CHROMIUM, SETTINGS, Account, browser_sign_in, enrol, serious_violations

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.link import current_decisions
from qantar.web import served_locally

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("browser-review")
    linked_synthetic(folder).close()
    return folder / "case"


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Iterator[Project]:
    project = copy_project(built, tmp_path / "case")
    yield project
    project.close()


@pytest.fixture
def served(team: Project) -> Iterator[str]:
    pytest.importorskip("uvicorn")
    with served_locally(team, SETTINGS) as base:
        yield base


def _browser(pw: Any) -> Any:
    return pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)


def _page(browser: Any, *, bypass_csp: bool = False) -> Any:
    return browser.new_context(locale="en-GB", bypass_csp=bypass_csp).new_page()


def _held(page: Any) -> tuple[str, str]:
    a = page.locator('input[name="key_a"]').get_attribute("value")
    b = page.locator('input[name="key_b"]').get_attribute("value")
    return tuple(sorted((a, b)))  # type: ignore[return-value]


def _signed_in(browser: Any, base: str, account: Account, **kw: Any) -> Any:
    page = _page(browser, **kw)
    browser_sign_in(page, base, account, account.code())
    return page


def test_a_reviewer_decides_ten_pairs_with_the_keyboard_alone(
    team: Project, served: str, tmp_path: Path
) -> None:
    team.settings = team.settings.updated("review", second_opinion=0.0)
    aigul = enrol(team, "aigul", Role.REVIEWER)
    keys = ["m", "n", "u", "n", "n", "m", "u", "n", "m", "n"]
    expected = {"m": "match", "n": "non-match", "u": "unsure"}
    decided: list[tuple[tuple[str, str], str]] = []
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _signed_in(browser, served, aigul)
            page.goto(f"{served}/review")
            page.screenshot(path=str(tmp_path / "review.png"), full_page=True)
            for key in keys:
                pair = _held(page)
                with page.expect_navigation():
                    page.keyboard.press(key)
                decided.append((pair, expected[key]))
                assert _held(page) != pair
        finally:
            browser.close()
    in_force = current_decisions(team)
    assert len({p for p, _ in decided}) == 10
    for pair, decision in decided:
        assert in_force[pair].decision.value == decision
        assert in_force[pair].reviewer == "aigul"
    assert sum(1 for e in audit_log(team) if e.action == "review.decide") == 10


def test_two_reviewers_in_two_browsers_never_see_the_same_pair(team: Project, served: str) -> None:
    team.settings = team.settings.updated("review", second_opinion=0.0)
    aigul, boris = enrol(team, "aigul", Role.REVIEWER), enrol(team, "boris", Role.REVIEWER)
    seen: dict[str, list[tuple[str, str]]] = {"aigul": [], "boris": []}
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            pages = {
                "aigul": _signed_in(browser, served, aigul),
                "boris": _signed_in(browser, served, boris),
            }
            for _ in range(5):
                for name, page in pages.items():
                    page.goto(f"{served}/review")
                    seen[name].append(_held(page))
                assert seen["aigul"][-1] != seen["boris"][-1]
                for page, button in ((pages["aigul"], "Unsure"), (pages["boris"], "Non-match")):
                    page.get_by_role("button", name=button, exact=True).click()
        finally:
            browser.close()
    assert not set(seen["aigul"]) & set(seen["boris"])


def test_a_conflicting_decision_reaches_adjudication(
    team: Project, served: str, tmp_path: Path
) -> None:
    team.settings = team.settings.updated("review", second_opinion=1.0)
    aigul, boris = enrol(team, "aigul", Role.REVIEWER), enrol(team, "boris", Role.REVIEWER)
    dana = enrol(team, "dana", Role.ADMIN)
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            first = _signed_in(browser, served, aigul)
            first.goto(f"{served}/review")
            pair = _held(first)
            first.get_by_role("button", name="Match", exact=True).click()
            second = _signed_in(browser, served, boris)
            second.goto(f"{served}/review")
            assert _held(second) == pair  # a second opinion, blind
            second.get_by_label("Note (optional)").fill("different patronymics")
            second.get_by_role("button", name="Non-match", exact=True).click()
            admin = _signed_in(browser, served, dana)
            nav = admin.get_by_role("navigation", name="Main")
            nav.get_by_role("link", name="Adjudication").click()
            text = admin.locator("main").inner_text()
            assert "1 pair is waiting for your ruling." in text
            assert "different patronymics" in text
            admin.screenshot(path=str(tmp_path / "adjudication.png"), full_page=True)
            admin.get_by_role("button", name="Non-match", exact=True).first.click()
            assert "No pair is waiting for a ruling." in admin.locator("main").inner_text()
        finally:
            browser.close()
    ruling = current_decisions(team)[pair]
    assert ruling.adjudication and ruling.reviewer == "dana"


def test_axe_finds_no_serious_violation_on_the_queue_and_adjudication(
    team: Project, served: str
) -> None:
    pytest.importorskip("axe_playwright_python")
    aigul, boris = enrol(team, "aigul", Role.REVIEWER), enrol(team, "boris", Role.REVIEWER)
    dana = enrol(team, "dana", Role.ADMIN)
    # A conflict, so that the adjudication page shows a pair and its forms.
    lease = team.review.lease_next("aigul")
    assert lease is not None
    keys = (lease.item.record_key_l, lease.item.record_key_r)
    team.review.decide_keys(*keys, "match", reviewer="aigul")
    team.review.decide_keys(*keys, "non-match", reviewer="boris")
    found: list[str] = []
    with playwright_api.sync_playwright() as pw:
        browser = _browser(pw)
        try:
            page = _signed_in(browser, served, boris, bypass_csp=True)
            for path in ("/review", "/review?score=1"):
                page.goto(f"{served}{path}")
                found += serious_violations(page, path)
            page = _signed_in(browser, served, dana, bypass_csp=True)
            page.goto(f"{served}/review/adjudication")
            found += serious_violations(page, "/review/adjudication")
        finally:
            browser.close()
    assert not found, found
    del aigul
