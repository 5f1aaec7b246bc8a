"""The review pages over a real linked project (TestClient, SQLite): a reviewer sees one
leased pair side by side and decides it through the library's call; two reviewers never
hold the same pair; skips; conflicts reach the admin, whose ruling is in force; kappa and
the re-cluster with the persons it changed; every decision and re-cluster audited."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from review_fixtures import copy_project, linked_synthetic
from web_fixtures import ENGLISH, SETTINGS, Account, csrf_of, enrol, sign_in

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.link import current_decisions
from qantar.model import Decision
from qantar.web import create_app


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("web-review")
    linked_synthetic(folder).close()
    return folder / "case"


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Iterator[Project]:
    project = copy_project(built, tmp_path / "case")
    yield project
    project.close()


@pytest.fixture
def people(team: Project) -> dict[str, Account]:
    return {
        "aigul": enrol(team, "aigul", Role.REVIEWER),
        "boris": enrol(team, "boris", Role.REVIEWER),
        "dana": enrol(team, "dana", Role.ADMIN),
        "erlan": enrol(team, "erlan", Role.DOCUMENTER),
    }


@pytest.fixture
def clients(team: Project, people: dict[str, Account]) -> Iterator[dict[str, TestClient]]:
    app = create_app(team, SETTINGS)
    out = {}
    for name, account in people.items():
        client = TestClient(app, headers=ENGLISH)
        sign_in(client, account)
        out[name] = client
    yield out
    for client in out.values():
        client.close()


def _keys(html: str) -> tuple[str, str]:
    a = re.search(r'name="key_a" value="([^"]+)"', html)
    b = re.search(r'name="key_b" value="([^"]+)"', html)
    assert a and b, "the page shows no pair"
    return a.group(1), b.group(1)


def _decide(client: TestClient, decision: str, note: str = "") -> tuple[str, str]:
    page = client.get("/review")
    keys = _keys(page.text)
    response = client.post(
        "/review",
        data={"csrf": csrf_of(page.text), "key_a": keys[0], "key_b": keys[1],
              "decision": decision, "note": note},
        follow_redirects=False,
    )  # fmt: skip
    assert response.status_code == 303, response.text
    return tuple(sorted(keys))  # type: ignore[return-value]


def test_a_reviewer_sees_two_records_side_by_side_blind_and_decides(
    team: Project, clients: dict[str, TestClient]
) -> None:
    page = clients["aigul"].get("/review")
    assert page.status_code == 200
    assert "Are these two records the same person?" in page.text
    assert "Record A" in page.text and "Record B" in page.text
    assert "Name in Cyrillic" in page.text and "Name in Latin letters" in page.text
    assert "Match probability" not in page.text  # blind by default
    assert '/static/review-keys.js"></script>' in page.text and "<script>" not in page.text
    shown = clients["aigul"].get("/review?score=1")
    assert "Match probability" in shown.text
    assert _keys(shown.text) == _keys(page.text), "a reload keeps the leased pair"
    pair = _decide(clients["aigul"], "non-match", note="different fathers")
    decided = current_decisions(team)[pair]
    assert decided.decision == Decision.NON_MATCH
    assert decided.reviewer == "aigul" and decided.note == "different fathers"
    assert _keys(clients["aigul"].get("/review").text) != pair
    events = [(e.actor, e.action, e.target) for e in audit_log(team)]
    assert ("aigul", "review.decide", f"{pair[0]} / {pair[1]}") in events or (
        "aigul",
        "review.decide",
        f"{pair[1]} / {pair[0]}",
    ) in events


def test_the_page_marks_the_fields_that_differ(clients: dict[str, TestClient]) -> None:
    page = clients["aigul"].get("/review").text
    rows = re.findall(r"<tr( class=\"differs\")?><th scope=\"row\">([^<]+)", page)
    assert rows, "no field rows"
    assert any(differs for differs, _ in rows), "two records of a pair differ somewhere"
    assert page.count("≠") >= sum(1 for d, _ in rows if d)


def test_two_reviewers_never_hold_the_same_pair(
    team: Project, clients: dict[str, TestClient]
) -> None:
    # Without second opinions, no pair is decided twice either.
    team.settings = team.settings.updated("review", second_opinion=0.0)
    seen: dict[str, set[tuple[str, str]]] = {"aigul": set(), "boris": set()}
    for _ in range(4):
        held = {n: tuple(sorted(_keys(clients[n].get("/review").text))) for n in seen}
        assert held["aigul"] != held["boris"]
        for n in seen:
            seen[n].add(_decide(clients[n], "unsure"))
    assert not seen["aigul"] & seen["boris"]


def test_a_skipped_pair_goes_to_the_other_reviewer(clients: dict[str, TestClient]) -> None:
    skipped = _decide(clients["aigul"], "skip")
    assert tuple(sorted(_keys(clients["aigul"].get("/review").text))) != skipped
    assert tuple(sorted(_keys(clients["boris"].get("/review").text))) == skipped


def test_a_conflict_reaches_the_admin_whose_ruling_is_in_force(
    team: Project, clients: dict[str, TestClient]
) -> None:
    pair = _decide(clients["aigul"], "match")
    page = clients["boris"].get("/review")
    clients["boris"].post(
        "/review",
        data={"csrf": csrf_of(page.text), "key_a": pair[0], "key_b": pair[1],
              "decision": "non-match"},
    )  # fmt: skip
    assert current_decisions(team)[pair].decision == Decision.NON_MATCH  # cautious meanwhile
    admin = clients["dana"].get("/review/adjudication")
    assert admin.status_code == 200
    assert "1 pair is waiting for your ruling." in admin.text
    assert f'value="{pair[0]}"' in admin.text and "aigul" in admin.text and "boris" in admin.text
    assert "they agreed on 0" in admin.text
    ruled = clients["dana"].post(
        "/review/adjudication",
        data={"csrf": csrf_of(admin.text), "key_a": pair[0], "key_b": pair[1],
              "decision": "match", "note": "same father"},
        follow_redirects=False,
    )  # fmt: skip
    assert ruled.status_code == 303
    decided = current_decisions(team)[pair]
    assert decided.decision == Decision.MATCH and decided.adjudication
    assert "No pair is waiting for a ruling." in clients["dana"].get("/review/adjudication").text
    assert ("dana", "review.adjudicate") in [(e.actor, e.action) for e in audit_log(team)]


def test_the_admin_reclusters_and_sees_which_persons_changed(
    team: Project, clients: dict[str, TestClient]
) -> None:
    page = clients["erlan"].get("/review")  # a documenter reviews too
    assert page.status_code == 200
    pair = _decide(clients["erlan"], "non-match")
    admin = clients["dana"].get("/review/adjudication")
    done = clients["dana"].post(
        "/review/recluster",
        data={"csrf": csrf_of(admin.text), "action": "recluster"},
    )
    assert done.status_code == 200
    assert "Persons after the re-cluster" in done.text
    assert current_decisions(team)[pair].decision == Decision.NON_MATCH
    events = [(e.actor, e.action) for e in audit_log(team)]
    assert ("dana", "review.recluster") in events and ("erlan", "review.decide") in events


def test_a_reviewer_cannot_decide_records_outside_the_latest_linkage(
    clients: dict[str, TestClient],
) -> None:
    page = clients["aigul"].get("/review")
    response = clients["aigul"].post(
        "/review",
        data={"csrf": csrf_of(page.text), "key_a": "no|such", "key_b": "other|one",
              "decision": "match"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "not a pair of the latest linkage" in response.text


def test_a_reviewer_sees_no_person_page_and_no_adjudication(
    clients: dict[str, TestClient],
) -> None:
    for path in ("/persons", "/review/adjudication", "/dashboard"):
        assert clients["aigul"].get(path).status_code == 403, path


def test_a_second_opinion_is_asked_blind_and_agreement_reported(
    team: Project, clients: dict[str, TestClient]
) -> None:
    team.settings = team.settings.updated("review", second_opinion=1.0)
    pair = _decide(clients["aigul"], "match", note="same birth date")
    page = clients["boris"].get("/review").text
    assert tuple(sorted(_keys(page))) == pair
    assert "aigul" not in page and "same birth date" not in page  # blind
    assert _decide(clients["boris"], "match") == pair
    admin = clients["dana"].get("/review/adjudication").text
    assert "Two reviewers decided 1 pair; they agreed on 1." in admin
    assert "Cohen&#39;s kappa is undefined" in admin or "Cohen's kappa is undefined" in admin


def test_the_dashboard_says_when_linkage_ran_to_the_second_in_utc(
    clients: dict[str, TestClient],
) -> None:
    html = clients["erlan"].get("/dashboard").text
    ran = re.search(r"Run at \(UTC\)</dt><dd>([^<]*)</dd>", html)
    assert ran is not None, "the last linkage run's time"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", ran.group(1)), ran.group(1)
