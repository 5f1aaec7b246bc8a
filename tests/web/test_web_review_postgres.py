"""The review queue on a team's PostgreSQL (a throw-away cluster, tests/store/pg_server.py):
twenty reviewers asking at the same moment get twenty different pairs; the pages' round
trip (decide, conflict, ruling) as on SQLite."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from review_fixtures import linked_synthetic
from web_fixtures import ENGLISH, SETTINGS, csrf_of, enrol, sign_in

from qantar import Project
from qantar.accounts import Role
from qantar.link import current_decisions
from qantar.model import Decision
from qantar.web import create_app

sys.path.insert(0, str(Path(__file__).parent.parent / "store"))
from pg_server import pg_server, pg_url  # noqa: F401  (fixtures)


@pytest.fixture
def pg_team(tmp_path: Path, pg_url: str) -> Iterator[Project]:  # noqa: F811
    project = linked_synthetic(tmp_path, n=120, database=pg_url)
    yield project
    project.close()


def _at_once(project: Project, names: list[str]) -> list[tuple[str, str]]:
    start = threading.Barrier(len(names))
    got: dict[str, tuple[str, str]] = {}

    def ask(name: str) -> None:
        start.wait()
        lease = project.review.lease_next(name)
        assert lease is not None
        got[name] = (lease.item.record_key_l, lease.item.record_key_r)

    threads = [threading.Thread(target=ask, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return list(got.values())


def test_twenty_reviewers_at_once_get_twenty_pairs_on_postgres(pg_team: Project) -> None:
    assert pg_team.engine.dialect.name == "postgresql"
    pg_team.review.next_pairs(limit=1)  # nothing stored yet: the first lease builds the queue
    pairs = _at_once(pg_team, [f"reviewer-{n}" for n in range(20)])
    assert len(pairs) == 20 and len(set(pairs)) == 20


def test_decide_conflict_and_ruling_through_the_pages_on_postgres(pg_team: Project) -> None:
    pg_team.settings = pg_team.settings.updated("review", second_opinion=0.0)
    aigul, boris = enrol(pg_team, "aigul", Role.REVIEWER), enrol(pg_team, "boris", Role.REVIEWER)
    dana = enrol(pg_team, "dana", Role.ADMIN)
    app = create_app(pg_team, SETTINGS)
    with (
        TestClient(app, headers=ENGLISH) as a,
        TestClient(app, headers=ENGLISH) as b,
        TestClient(app, headers=ENGLISH) as d,
    ):
        for client, account in ((a, aigul), (b, boris), (d, dana)):
            sign_in(client, account)
        page_a, page_b = a.get("/review").text, b.get("/review").text
        key = 'name="key_a" value="'
        held_a = page_a.split(key)[1].split('"')[0]
        held_b = page_b.split(key)[1].split('"')[0]
        pair_a = (held_a, page_a.split('name="key_b" value="')[1].split('"')[0])
        assert (held_a, pair_a[1]) != (
            held_b,
            page_b.split('name="key_b" value="')[1].split('"')[0],
        )
        for client, page, decision in ((a, page_a, "match"), (b, page_b, "non-match")):
            client.post("/review", data={"csrf": csrf_of(page), "key_a": pair_a[0],
                                         "key_b": pair_a[1], "decision": decision})  # fmt: skip
        pair = tuple(sorted(pair_a))
        assert current_decisions(pg_team)[pair].decision == Decision.NON_MATCH
        admin = d.get("/review/adjudication").text
        assert "1 pair is waiting for your ruling." in admin
        d.post("/review/adjudication", data={"csrf": csrf_of(admin), "key_a": pair[0],
                                             "key_b": pair[1], "decision": "match"})  # fmt: skip
    assert current_decisions(pg_team)[pair].decision == Decision.MATCH
