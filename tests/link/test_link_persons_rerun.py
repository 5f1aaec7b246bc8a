"""A re-run of linkage keeps every person (updated in one set-based statement): the same
persons with the same sizes, weakness and density, now carrying the new run's id."""

from __future__ import annotations

from typing import Any

import link_scenario as ls
from sqlalchemy import select

from qantar import Project
from qantar.link import recluster, record_decision, run
from qantar.link._tables import person_records, persons


def _persons(project: Project) -> dict[str, dict[str, Any]]:
    with project.engine.connect() as conn:
        return {r.person_id: dict(r._mapping) for r in conn.execute(select(persons))}


def _members(project: Project) -> dict[str, str]:
    with project.engine.connect() as conn:
        return dict(
            conn.execute(select(person_records.c.record_key, person_records.c.person_id)).all()
        )


def test_rerun_updates_existing_persons_to_the_same_persons(project: Project) -> None:
    ls.store(project, ls.generate(60, seed=4))
    first = run(project, seed=2)
    before, members = _persons(project), _members(project)
    assert len(before) == first.persons > 1

    again = run(project, seed=2)
    assert again.run_id != first.run_id
    after = _persons(project)
    assert _members(project) == members
    assert set(after) == set(before)
    for pid, row in after.items():
        assert row["last_run_id"] == again.run_id
        assert {k: v for k, v in row.items() if k != "last_run_id"} == {
            k: v for k, v in before[pid].items() if k != "last_run_id"
        }

    # A reviewer splits a person: the re-clustered persons are updated, one is new, and
    # the sizes follow the members.
    pid, keys = next(
        (p, sorted(k for k, q in members.items() if q == p))
        for p in sorted(before)
        if before[p]["size"] >= 2
    )
    record_decision(project, keys[0], keys[1], "non-match", reviewer="tester")
    recluster(project)
    split = _persons(project)
    now = _members(project)
    assert now[keys[0]] != now[keys[1]]
    active = {p: row for p, row in split.items() if row["active"]}
    assert sum(row["size"] for row in active.values()) == len(now)
    for p, row in active.items():
        assert row["size"] == sum(1 for q in now.values() if q == p)
    assert len(active) == len(before) + 1
    assert pid in active and split[pid]["first_run_id"] == first.run_id
