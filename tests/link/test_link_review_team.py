"""A team sharing the review queue: leases, expiry, skips, second opinions, conflicts and
the admin's ruling, Cohen's kappa, progress; on a synthetic project linked for real."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, inspect, select

from qantar import Project, ingest, synth
from qantar.link import current_decisions, queue, recluster
from qantar.link._review_agreement import cohen_kappa
from qantar.link._review_queue import chosen_for_second_opinion, current_build
from qantar.link._tables import review_decisions
from qantar.model import Decision
from qantar.store.engine import alembic_config


def linked_synthetic(folder: Path, *, n: int = 150, seed: int = 5) -> Project:
    """A small seeded scenario, imported and linked as a team would (synth, import, link)."""
    scenario = synth.generate(synth.ScenarioConfig(n=n), seed=seed)
    paths = synth.write_scenario(scenario, folder / "lists")
    project = Project.init(folder / "case")
    for name, source_list in scenario.lists.items():
        ingest.import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    project.link.run(seed=seed)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("review-team")
    linked_synthetic(folder).close()
    yield folder / "case"


@pytest.fixture
def team(built: Path, tmp_path: Path) -> Iterator[Project]:
    """A copy of the linked project per test: decisions of one test stay out of the next."""
    import shutil

    shutil.copytree(built, tmp_path / "case")
    project = Project.open(tmp_path / "case")
    yield project
    project.close()


def _pair(lease: object) -> tuple[str, str]:
    item = lease.item  # type: ignore[attr-defined]
    return tuple(sorted((item.record_key_l, item.record_key_r)))  # type: ignore[return-value]


def test_leases_follow_the_queue_and_never_give_one_pair_to_two(team: Project) -> None:
    order = [tuple(sorted((i.record_key_l, i.record_key_r))) for i in queue(team, limit=5)]
    assert len(order) == 5
    first = team.review.lease_next("alice")
    second = team.review.lease_next("bob")
    third = team.review.lease_next("chen")
    assert [_pair(first), _pair(second), _pair(third)] == order[:3]
    # A reload shows the pair one holds, not the next.
    assert _pair(team.review.lease_next("alice")) == order[0]


def test_an_expired_lease_goes_to_the_next_reviewer(team: Project) -> None:
    minutes = team.settings.review.lease_minutes
    first = team.review.lease_next("alice")
    assert first is not None
    later = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=minutes, seconds=1)
    from qantar.link._review_queue import lease_next

    taken = lease_next(team, "bob", now=later)
    assert taken is not None and _pair(taken) == _pair(first)
    assert _pair(lease_next(team, "alice", now=later)) != _pair(first)


def test_a_decision_releases_the_lease_and_survives_a_recluster(team: Project) -> None:
    lease = team.review.lease_next("alice")
    assert lease is not None
    a, b = _pair(lease)
    build = current_build(team)
    team.review.decide_keys(a, b, "non-match", reviewer="alice", note="different fathers")
    following = team.review.lease_next("alice")
    assert following is not None and _pair(following) != (a, b)
    recluster(team)
    assert current_build(team) != build, "a re-cluster builds the queue anew"
    assert current_decisions(team)[(a, b)].decision == Decision.NON_MATCH
    assert (a, b) not in {tuple(sorted((i.record_key_l, i.record_key_r))) for i in queue(team)}


def test_a_skipped_pair_goes_to_others_not_back_to_the_skipper(team: Project) -> None:
    lease = team.review.lease_next("alice")
    assert lease is not None
    team.review.skip("alice", *_pair(lease))
    assert _pair(team.review.lease_next("alice")) != _pair(lease)
    assert _pair(team.review.lease_next("bob")) == _pair(lease)


def test_reviewers_who_disagree_wait_for_the_admin_and_no_merge_stands_meanwhile(
    team: Project,
) -> None:
    lease = team.review.lease_next("alice")
    assert lease is not None
    a, b = _pair(lease)
    team.review.decide_keys(a, b, "match", reviewer="alice")
    assert current_decisions(team)[(a, b)].decision == Decision.MATCH
    team.review.decide_keys(a, b, "non-match", reviewer="bob")
    assert [(h.record_key_a, h.record_key_b) for h in team.review.conflicts()] == [(a, b)]
    # While they disagree the cautious decision is in force, whoever spoke last.
    assert current_decisions(team)[(a, b)].decision == Decision.NON_MATCH
    team.review.decide_keys(a, b, "unsure", reviewer="chen")
    assert current_decisions(team)[(a, b)].decision == Decision.NON_MATCH
    ruling = team.review.adjudicate(a, b, "match", admin="dana", note="same father")
    assert ruling.adjudication
    assert team.review.conflicts() == []
    assert current_decisions(team)[(a, b)].decision == Decision.MATCH
    with pytest.raises(Exception, match="not waiting for adjudication"):
        team.review.adjudicate(a, b, "non-match", admin="dana")
    # A reviewer who disagrees with the ruling opens the question again, cautiously.
    team.review.decide_keys(a, b, "non-match", reviewer="alice")
    assert len(team.review.conflicts()) == 1
    assert current_decisions(team)[(a, b)].decision == Decision.NON_MATCH


def test_a_share_of_decided_pairs_is_shown_to_a_second_reviewer_blind(team: Project) -> None:
    team.settings = team.settings.updated("review", second_opinion=1.0)
    lease = team.review.lease_next("alice")
    assert lease is not None and not lease.second_opinion
    team.review.decide_keys(*_pair(lease), "match", reviewer="alice")
    # Alice is not asked twice; Bob is asked first about what Alice decided.
    assert _pair(team.review.lease_next("alice")) != _pair(lease)
    again = team.review.lease_next("bob")
    assert again is not None and again.second_opinion and _pair(again) == _pair(lease)
    team.review.decide_keys(*_pair(lease), "match", reviewer="bob")
    assert team.review.agreement().pairs == 1
    assert team.review.agreement().agreed == 1
    assert team.review.progress().second_opinions == 0


def test_the_choice_of_second_opinions_is_seeded_and_near_its_share() -> None:
    keys = [(f"official|id:{n}", f"press|id:{n}") for n in range(4000)]
    chosen = [k for k in keys if chosen_for_second_opinion(*k, share=0.1, seed=2022)]
    assert chosen == [k for k in keys if chosen_for_second_opinion(*k, share=0.1, seed=2022)]
    assert 330 < len(chosen) < 470
    other = [k for k in keys if chosen_for_second_opinion(*k, share=0.1, seed=7)]
    assert other != chosen
    assert not any(chosen_for_second_opinion(*k, share=0.0, seed=2022) for k in keys[:50])


def test_cohen_kappa_against_a_hand_computed_value() -> None:
    labels = [("m", "m"), ("m", "m"), ("n", "n"), ("m", "n"), ("n", "m"), ("u", "u")]
    # observed 4/6; chance (3*3 + 2*2 + 1*1)/36 = 14/36; kappa = (24-14)/(36-14) = 10/22.
    assert cohen_kappa(labels) == pytest.approx(10 / 22)
    assert cohen_kappa([]) is None
    assert cohen_kappa([("m", "m"), ("m", "m")]) is None  # one label for all: undefined
    assert cohen_kappa([("m", "n"), ("n", "m")]) == pytest.approx(-1.0)


def test_cohen_kappa_agrees_with_scikit_learn() -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    labels = [("m", "m"), ("n", "m"), ("n", "n"), ("u", "n"), ("m", "m"), ("n", "n"), ("u", "u")]
    expected = metrics.cohen_kappa_score([a for a, _ in labels], [b for _, b in labels])
    assert cohen_kappa(labels) == pytest.approx(expected)


def test_progress_counts_decisions_and_persons_since_the_run(team: Project) -> None:
    before = team.review.progress()
    assert before.decided == 0 and before.remaining > 0
    assert before.persons_at_run == before.persons_now
    lease = team.review.lease_next("alice")
    assert lease is not None
    team.review.decide_keys(*_pair(lease), "non-match" if lease.item.linked else "match",
                            reviewer="alice")  # fmt: skip
    recluster(team)
    after = team.review.progress()
    assert after.decided == 1 and after.decided_since_run == 1
    assert after.remaining == before.remaining - 1 or after.remaining < before.remaining
    assert after.persons_now != after.persons_at_run


def test_an_old_project_upgrades_with_its_decisions(project: Project) -> None:
    engine = project.engine
    command.downgrade(alembic_config(engine), "0006_events_decisions")
    assert "review_leases" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO review_decisions (record_key_a, record_key_b, decision, reviewer, "
            "decided_at) VALUES ('a|1', 'b|2', 'match', 'al', '2025-01-01 00:00:00')"
        )
    project.upgrade()
    assert {"review_leases", "review_queue", "review_skips"} <= set(
        inspect(engine).get_table_names()
    )
    kept = current_decisions(project)
    assert kept[("a|1", "b|2")].decision == Decision.MATCH
    assert not kept[("a|1", "b|2")].adjudication
    with engine.begin() as conn:
        conn.execute(
            insert(review_decisions).values(
                record_key_a="a|1", record_key_b="b|2", decision="match", reviewer="bo",
                decided_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        assert conn.execute(select(review_decisions.c.adjudication)).scalars().all() == [
            False,
            False,
        ]


def test_twenty_reviewers_asking_at_once_get_twenty_pairs(team: Project) -> None:
    import threading

    names = [f"reviewer-{n}" for n in range(20)]
    start = threading.Barrier(len(names))
    got: dict[str, tuple[str, str]] = {}

    def ask(name: str) -> None:
        start.wait()
        lease = team.review.lease_next(name)
        assert lease is not None
        got[name] = _pair(lease)

    threads = [threading.Thread(target=ask, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 20 and len(set(got.values())) == 20


def test_a_pair_side_by_side_has_each_name_in_both_scripts(team: Project) -> None:
    from qantar.names import script_of

    items = queue(team, limit=20)
    shown = [team.review.pair_rows(item, "ru") for item in items]
    fields = [row.field for row in shown[0]]
    assert fields[:4] == ["source", "name", "name_cyrillic", "name_latin"]
    named = 0
    for rows in shown:
        by = {row.field: row for row in rows}
        for side in ("a", "b"):
            written = getattr(by["name"], side)
            if not written:
                continue
            named += 1
            assert script_of(getattr(by["name_cyrillic"], side)) in ("cyrillic", "mixed")
            assert script_of(getattr(by["name_latin"], side)) == "latin"
            assert written in (getattr(by["name_cyrillic"], side), getattr(by["name_latin"], side))
        assert any(row.differs for row in rows)
    assert named > 10


def test_decisions_read_since_the_last_look_keep_the_latest_by_time(project: Project) -> None:
    from qantar.link import record_decision

    later = dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    record_decision(project, "a|1", "b|2", "match", reviewer="al", when=later)
    assert current_decisions(project)[("a|1", "b|2")].decision == Decision.MATCH
    # Stored after the first look but dated before it (a workbook filled last week): the
    # later decision stays in force, as a full read would have it.
    earlier = later - dt.timedelta(days=1)
    record_decision(project, "a|1", "b|2", "non-match", reviewer="al", when=earlier)
    assert current_decisions(project)[("a|1", "b|2")].decision == Decision.MATCH
    record_decision(project, "a|1", "b|2", "unsure", reviewer="al")
    assert current_decisions(project)[("a|1", "b|2")].decision == Decision.UNSURE
    record_decision(project, "c|3", "d|4", "match", reviewer="bo")
    assert set(current_decisions(project)) == {("a|1", "b|2"), ("c|3", "d|4")}


def test_a_pair_decided_between_the_look_and_the_take_is_not_leased(team: Project) -> None:
    from qantar.link._review_queue import _try_take

    # Alice takes, decides and lets go of the pair Bob's request saw free a moment before.
    lease = team.review.lease_next("alice")
    assert lease is not None
    team.review.decide_keys(*_pair(lease), "match", reviewer="alice")
    now = dt.datetime.now(dt.UTC)
    assert _try_take(team, "bob", *_pair(lease), now) is None
    # As a second opinion (one reviewer has decided it) Bob may take it; not a third.
    assert _try_take(team, "bob", *_pair(lease), now, deciders=1) is not None
    team.review.decide_keys(*_pair(lease), "match", reviewer="bob")
    assert _try_take(team, "chen", *_pair(lease), now, deciders=1) is None


def test_a_field_differs_by_what_it_means_not_how_it_is_written() -> None:
    from qantar.link import FieldRow

    assert not FieldRow(
        "event_date", "05.01.2022", "2022-01-05", "2022-01-05", "2022-01-05"
    ).differs
    assert FieldRow("event_date", "05.01.2022", "2022-01-04", "2022-01-05", "2022-01-04").differs
    assert not FieldRow("sex", "M", "ер", "M", "M").differs
    assert FieldRow("name", "Оспанов", "Ospanov").differs
    assert not FieldRow("place", "Алматы", "алматы").differs
