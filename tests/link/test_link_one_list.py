"""#15.11: one list still has duplicates to find (Splink dedupes it; no list comparison)."""

from __future__ import annotations

from pathlib import Path

import link_scenario as ls

from qantar import Project
from qantar.link import person_table, run


def test_one_list_is_deduplicated_against_truth(project: Project, tmp_path: Path) -> None:
    sc = ls.generate(120, seed=5, lists=1, dup_rate=0.2)
    ls.store(project, sc)
    ls.write_truth(sc, tmp_path / "truth.csv")
    true_persons = len({pid for _, _, pid in sc.truth})
    records = len(sc.truth)
    assert records - true_persons >= 10  # the list repeats people: there is work to do
    result = run(project, seed=3, truth=tmp_path / "truth.csv")
    assert result.records == records and len(result.sources) == 1
    assert result.linked_pairs > 0
    assert result.truth is not None
    assert result.truth["precision"] > 0.95 and result.truth["recall"] > 0.9
    assert abs(result.persons - true_persons) <= 2


def test_one_list_keeps_namesakes_apart_and_joins_a_repeat(project: Project) -> None:
    sc = ls.generate(60, seed=8, lists=1, dup_rate=0.0)
    (source,) = sc.lists
    before = len(sc.lists[source])  # no repeats: one record per person
    man = {"name_raw": "Байжанов Ерлан Серикович", "sex": "M", "event_type": "killed"}
    sc.lists[source] += [
        # One man written twice (a repeat call), and a namesake born 30 years later elsewhere.
        {**man, "birth_date": "1961-03-02", "event_date": "2022-01-05", "source_record_id": "x-1"},
        {**man, "birth_date": "1961-03-02", "event_date": "2022-01-05", "source_record_id": "x-2"},
        {**man, "birth_date": "1991-11-20", "event_date": "2022-01-07", "source_record_id": "x-3"},
    ]  # fmt: skip
    ls.store(project, sc)
    result = run(project, seed=3)
    assert result.persons == before + 2
    person = {r["record_id"]: r["person_id"] for r in person_table(project)}
    assert person["x-1"] == person["x-2"] != person["x-3"]
