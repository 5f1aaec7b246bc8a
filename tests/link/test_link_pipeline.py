"""Linking a small five-list scenario end to end: real SQLite, real DuckDB, real Splink."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import link_scenario as ls
import pytest
from sqlalchemy import insert, select

from qantar import Project
from qantar.errors import QantarError
from qantar.link import current_decisions, recluster, record_decision, run
from qantar.link._tables import person_records
from qantar.store.schema import import_batches, raw_rows, records, sources


def _person_of(project: Project) -> dict[str, str]:
    with project.engine.connect() as conn:
        return dict(
            conn.execute(select(person_records.c.record_key, person_records.c.person_id)).all()
        )


def test_links_five_lists_against_truth(project: Project, tmp_path: Path) -> None:
    sc = ls.generate(150, seed=11)
    ls.store(project, sc)
    ls.write_truth(sc, tmp_path / "truth.csv")
    result = run(project, seed=3, truth=tmp_path / "truth.csv")
    assert result.truth is not None
    assert result.blocking_recall is not None and result.blocking_recall > 0.97
    assert result.truth["precision"] > 0.95
    assert result.truth["f1"] > 0.93
    assert len(result.pairs_per_rule) >= 5
    assert sum(r["new_pairs"] for r in result.pairs_per_rule) == result.candidate_pairs
    assert (project.root / str(result.model_path)).is_file()
    # Same data, same seed: the same persons under the same ids.
    before = _person_of(project)
    again = run(project, seed=3)
    assert again.persons == result.persons
    assert _person_of(project) == before


def test_decisions_survive_rerun_and_sixth_list(project: Project) -> None:
    sc = ls.generate(80, seed=5, lists=6)
    five = [name for name in sc.lists if not name.startswith("list6")]
    ls.store(project, sc, only=five)
    run(project, seed=1)
    person = _person_of(project)
    by_person: dict[str, list[str]] = {}
    for key, pid in person.items():
        by_person.setdefault(pid, []).append(key)
    together = next(keys for keys in by_person.values() if len(keys) >= 2)
    apart = sorted(by_person.values(), key=len)
    lone_a, lone_b = apart[0][0], apart[1][0]
    record_decision(project, together[0], together[1], "non-match", reviewer="tester")
    record_decision(project, lone_a, lone_b, "match", reviewer="tester", note="same person")
    record_decision(project, lone_a, together[0], "unsure", reviewer="tester")

    def check() -> dict[str, str]:
        now = _person_of(project)
        assert now[together[0]] != now[together[1]]
        assert now[lone_a] == now[lone_b]
        return now

    recluster(project)
    check()
    run(project, seed=2)
    check()
    ls.store(project, sc, only=[name for name in sc.lists if name.startswith("list6")])
    result = run(project, seed=2)
    after = check()
    assert result.decisions_applied == 2
    assert result.review_check is not None and result.review_check["decisions"] == 2
    assert len(current_decisions(project)) == 3
    # Most persons keep their id after a sixth list arrives.
    kept = sum(1 for key, pid in person.items() if after.get(key) == pid)
    assert kept / len(person) > 0.9


def test_no_records_is_a_clear_error(project: Project) -> None:
    with pytest.raises(QantarError, match="no records"):
        run(project)


def _add_record(project: Project, source: str, row: int, **fields: object) -> None:
    now = dt.datetime.now(dt.UTC)
    with project.engine.begin() as conn:
        src = conn.execute(select(sources.c.id).where(sources.c.name == source)).scalar()
        if src is None:
            src = conn.execute(
                insert(sources).values(name=source, kind="ngo", created_at=now)
            ).inserted_primary_key[0]
        batch = conn.execute(
            insert(import_batches).values(
                source_id=src, file_name="f.csv", sha256=f"{source:0<64}"[:64], size=1,
                file_format="csv", headers=[], mapping={}, rows_read=1, rows_stored=1,
                rows_quarantined=0, forced=False, imported_at=now,
            )
        ).inserted_primary_key[0]  # fmt: skip
        raw = conn.execute(
            insert(raw_rows).values(batch_id=batch, row_number=row, cells=[])
        ).inserted_primary_key[0]
        conn.execute(
            insert(records).values(
                raw_row_id=raw, batch_id=batch, source_id=src, row_number=row, sex="U", **fields
            )
        )


def test_one_record_becomes_one_person(project: Project) -> None:
    _add_record(project, "only", 1, name_raw="Ахметов Нурлан")
    result = run(project)
    assert result.persons == 1 and result.candidate_pairs == 0
    assert any("fewer than two records" in w for w in result.warnings)


def test_source_without_names_is_reported(project: Project) -> None:
    sc = ls.generate(40, seed=2, lists=2)
    ls.store(project, sc)
    for row in range(1, 4):
        _add_record(project, "nameless", row, event_date="2022-01-05", place_id="almaty")
    result = run(project)
    assert any("'nameless' has no names" in w for w in result.warnings)
    assert result.records == sum(len(v) for v in sc.lists.values()) + 3


def test_broad_rules_left_out_above_their_pair_limit(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from qantar.link import _settings

    ls.store(project, ls.generate(60, seed=2))
    with_broad = run(project, seed=1)
    monkeypatch.setattr(_settings, "BROAD_PAIR_LIMIT", 0)
    without = run(project, seed=1)
    assert len(without.pairs_per_rule) == len(with_broad.pairs_per_rule) - len(_settings.BROAD_KEYS)
    assert without.candidate_pairs <= with_broad.candidate_pairs
