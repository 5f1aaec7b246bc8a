"""What happened to each person, across their records: types, list defaults, conflicts,
decisions that survive a re-link, and capture histories per event type."""

from __future__ import annotations

from collections.abc import Iterator

import link_scenario as ls
import pytest
from _cli import run_cli
from sqlalchemy import select, update

from qantar import Project
from qantar.errors import InputError, QantarError
from qantar.link import (
    decide_event_types,
    event_conflicts,
    event_summary,
    list_defaults,
    person_events,
    project_captures,
    project_histories,
    run,
)
from qantar.link._tables import person_records
from qantar.store.schema import records, sources


@pytest.fixture(scope="module")
def linked(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    project = Project.init(tmp_path_factory.mktemp("events") / "case")
    ls.store(project, ls.generate(60, seed=4, lists=3))
    run(project, seed=2)
    yield project
    project.close()


def _set_type(project: Project, record_key: str, event_type: str | None) -> None:
    with project.engine.begin() as conn:
        rid = conn.execute(
            select(person_records.c.record_id).where(person_records.c.record_key == record_key)
        ).scalar_one()
        conn.execute(update(records).where(records.c.id == rid).values(event_type=event_type))


def _multi_list_persons(project: Project) -> list[str]:
    events = person_events(project)
    return [pid for pid, p in events.items() if len({r.source for r in p.records}) >= 2]


def _reset(project: Project) -> None:
    with project.engine.begin() as conn:
        conn.execute(update(records).values(event_type="killed"))
    from qantar.link._events import event_type_decisions

    with project.engine.begin() as conn:
        conn.execute(event_type_decisions.delete())


def test_a_detainee_list_does_not_capture_a_killed_person(linked: Project) -> None:
    _reset(linked)
    pid = _multi_list_persons(linked)[0]
    person = person_events(linked)[pid]
    first, *rest = person.records
    for r in rest:
        if r.source != first.source:
            _set_type(linked, r.record_key, "detained")
    after = person_events(linked)[pid]
    assert first.source in after.captured_by("killed")
    assert all(s == first.source for s in after.captured_by("killed"))
    assert after.conflicts == (("detained", "killed"),)
    assert [p.person_id for p in event_conflicts(linked)] == [pid]
    # Per event type, each list counts the person only for what it said.
    killed = project_captures(linked, "killed")
    detained = project_captures(linked, "detained")
    everyone = project_histories(linked)
    assert detained.persons == 1
    assert killed.persons == everyone.observed
    assert project_histories(linked, event_type="detained").observed == 1


def test_a_decision_settles_a_conflict_and_survives_a_re_link(linked: Project) -> None:
    _reset(linked)
    pid = _multi_list_persons(linked)[1]
    person = person_events(linked)[pid]
    other = next(r for r in person.records if r.source != person.records[0].source)
    _set_type(linked, other.record_key, "disappeared")
    assert person_events(linked)[pid].conflicts == (("disappeared", "killed"),)
    decision = decide_event_types(linked, pid, ["killed"], by="Reviewer A", note="body found")
    assert set(decision.record_keys) == {r.record_key for r in person.records}
    settled = person_events(linked)[pid]
    assert not settled.conflicts
    assert settled.types == ("killed",)
    # The list that said "disappeared" documented this person, who was killed.
    assert other.source in settled.captured_by("killed")
    run(linked, seed=2)  # a re-link keeps the decision: it is keyed by record keys
    again = [p for p in person_events(linked).values() if other.record_key in
             {r.record_key for r in p.records}]  # fmt: skip
    assert len(again) == 1 and not again[0].conflicts and again[0].types == ("killed",)


def test_both_types_may_be_decided_true(linked: Project) -> None:
    _reset(linked)
    pid = _multi_list_persons(linked)[2]
    person = person_events(linked)[pid]
    other = next(r for r in person.records if r.source != person.records[0].source)
    _set_type(linked, other.record_key, "detained")
    decide_event_types(linked, pid, ["detained", "killed"], by="Reviewer B")
    settled = person_events(linked)[pid]
    assert not settled.conflicts
    assert settled.types == ("killed", "detained")


def test_decisions_are_checked(linked: Project) -> None:
    pid = _multi_list_persons(linked)[0]
    with pytest.raises(InputError, match="unknown event type"):
        decide_event_types(linked, pid, ["shot"], by="A")
    with pytest.raises(InputError, match="who decided"):
        decide_event_types(linked, pid, ["killed"], by=" ")
    with pytest.raises(InputError, match="no active person"):
        decide_event_types(linked, "P999999", ["killed"], by="A")


def test_untyped_records_take_their_lists_default(linked: Project) -> None:
    _reset(linked)
    pid = _multi_list_persons(linked)[0]
    person = person_events(linked)[pid]
    blank = person.records[0]
    _set_type(linked, blank.record_key, None)
    # Every typed record of that list says killed: the list's default is killed.
    assert list_defaults(linked)[blank.source] == "killed"
    assert blank.source in person_events(linked)[pid].captured_by("killed")
    # A list of mixed types has no default: its untyped records count for no type.
    with linked.engine.begin() as conn:
        source_id = conn.execute(
            select(sources.c.id).where(sources.c.name == blank.source)
        ).scalar_one()
        some = conn.execute(
            select(records.c.id).where(records.c.source_id == source_id, records.c.event_type
                                       == "killed").limit(1)
        ).scalar_one()  # fmt: skip
        conn.execute(update(records).where(records.c.id == some).values(event_type="detained"))
    assert list_defaults(linked)[blank.source] is None
    assert blank.source not in person_events(linked)[pid].captured_by("killed")


def test_a_list_default_from_the_settings(linked: Project) -> None:
    _reset(linked)
    name = sorted(list_defaults(linked))[0]
    path = linked.root / "qantar.toml"
    original = path.read_text(encoding="utf-8")

    def with_default(value: str) -> str:
        return original.replace("[events]\n", f'[events]\nlist_defaults = {{{name} = "{value}"}}\n')

    try:
        path.write_text(with_default("detained"), encoding="utf-8")
        project = Project.open(linked.root)
        assert list_defaults(project)[name] == "detained"
        path.write_text(with_default("shot"), encoding="utf-8")
        with pytest.raises(QantarError, match=r"list_defaults\." + name):
            list_defaults(Project.open(linked.root))
    finally:
        path.write_text(original, encoding="utf-8")


def test_summary_and_cli_listing(linked: Project) -> None:
    _reset(linked)
    pid = _multi_list_persons(linked)[0]
    person = person_events(linked)[pid]
    other = next(r for r in person.records if r.source != person.records[0].source)
    _set_type(linked, other.record_key, "detained")
    summary = event_summary(linked)
    assert summary.conflicts == 1
    assert summary.by_type["detained"] == 1
    assert summary.by_type["killed"] == summary.persons
    listed = run_cli(linked.root, "events", "--conflicts")
    assert listed.exit_code == 0, listed.output
    assert pid in listed.stdout and "detained" in listed.stdout
    decided = run_cli(
        linked.root, "events", "--decide", pid, "--type", "killed", "--by", "Reviewer C"
    )
    assert decided.exit_code == 0, decided.output
    assert not event_conflicts(linked)


def test_a_project_from_before_event_decisions_upgrades_keeping_its_persons(
    tmp_path: object,
) -> None:
    from pathlib import Path

    from alembic import command
    from sqlalchemy import func, inspect

    from qantar.store.engine import alembic_config

    project = Project.init(Path(str(tmp_path)) / "old")
    ls.store(project, ls.generate(20, seed=3, lists=3))
    run(project, seed=1)
    command.downgrade(alembic_config(project.engine), "0006_events_decisions-1")
    assert "event_type_decisions" not in inspect(project.engine).get_table_names()
    with project.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(person_records)).scalar_one()
    project.close()
    reopened = Project.open(project.root)
    reopened.upgrade()
    assert "event_type_decisions" in inspect(reopened.engine).get_table_names()
    with reopened.engine.connect() as conn:
        after = conn.execute(select(func.count()).select_from(person_records)).scalar_one()
    assert after == before > 0
    assert event_summary(reopened).persons > 0
    reopened.close()
