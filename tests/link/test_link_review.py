"""Review queue order, offline review through a workbook, capture histories, the CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import link_scenario as ls
import pytest
from _cli import run_cli, run_cli_process
from openpyxl import load_workbook

from qantar import Project
from qantar.errors import InputError
from qantar.link import (
    PERSON_COLUMNS,
    apply_xlsx,
    current_decisions,
    export_xlsx,
    project_histories,
    queue,
    recluster,
    run,
)
from qantar.link._pipeline import REVIEW_BAND


@pytest.fixture
def linked(project: Project, tmp_path: Path) -> Project:
    sc = ls.generate(90, seed=21)
    ls.store(project, sc)
    ls.write_truth(sc, tmp_path / "truth.csv")
    run(project, seed=4)
    return project


def test_queue_is_ordered_by_expected_change(linked: Project) -> None:
    items = queue(linked)
    assert items, "a five-list scenario always leaves some uncertain pairs"
    priorities = [i.priority for i in items]
    # Most consequential first, one pair per person; that person's other pairs follow,
    # again most consequential first: two descending runs at most.
    rises = [k for k in range(1, len(priorities)) if priorities[k] > priorities[k - 1]]
    assert len(rises) <= 1
    cut = rises[0] if rises else len(priorities)
    assert priorities[:cut] == sorted(priorities[:cut], reverse=True)
    assert priorities[cut:] == sorted(priorities[cut:], reverse=True)
    assert all(i.linked for i in items[cut:])
    for it in items:
        assert REVIEW_BAND[0] <= it.match_probability <= REVIEW_BAND[1]
        compared = {"name", "patronymic", "birth", "event_date", "place", "sex"}
        # "list" (one list or two) is compared whenever the project has several lists.
        assert compared <= set(it.explain) <= compared | {"list"}


def test_awaiting_review_is_the_close_calls_of_the_queue(linked: Project) -> None:
    # `qantar link` and the report must print the same "awaiting review" figure.
    result = recluster(linked)
    close_calls = [item for item in queue(linked) if item.near]
    assert close_calls, "a five-list scenario leaves some close calls"
    assert len(close_calls) == result.awaiting_review
    assert all(REVIEW_BAND[0] <= item.match_probability <= REVIEW_BAND[1] for item in close_calls)


def test_workbook_round_trip(linked: Project, tmp_path: Path) -> None:
    path = tmp_path / "pairs.xlsx"
    n = export_xlsx(linked, path, limit=5)
    assert n >= 1
    wb = load_workbook(path)
    ws = wb["pairs"]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    ws.cell(row=2, column=col["decision"], value="non-match")
    ws.cell(row=2, column=col["reviewer"], value="alice")
    ws.cell(row=2, column=col["note"], value="different fathers")
    if n >= 2:
        ws.cell(row=3, column=col["decision"], value="m")
    wb.save(path)
    counts = apply_xlsx(linked, path, reviewer="bob")
    assert counts["non-match"] == 1
    decisions = current_decisions(linked)
    assert any(d.reviewer == "alice" and d.note == "different fathers" for d in decisions.values())
    if n >= 2:
        assert any(d.reviewer == "bob" and d.decision == "match" for d in decisions.values())
    # Decided pairs leave the queue.
    assert len(queue(linked)) == len(queue(linked, limit=None))
    keys = {(i.record_key_l, i.record_key_r) for i in queue(linked)}
    assert not keys & set(decisions)


def test_workbook_with_a_bad_decision_applies_nothing(linked: Project, tmp_path: Path) -> None:
    path = tmp_path / "pairs.xlsx"
    export_xlsx(linked, path, limit=3)
    wb = load_workbook(path)
    ws = wb["pairs"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("decision") + 1, value="perhaps")
    wb.save(path)
    with pytest.raises(InputError, match="row 2"):
        apply_xlsx(linked, path, reviewer="bob")
    assert current_decisions(linked) == {}


def test_histories_count_every_person_once(linked: Project) -> None:
    h = project_histories(linked)
    assert len(h.lists) == 5
    from qantar.link import person_table

    persons = {r["person_id"] for r in person_table(linked)}
    assert h.observed == len(persons)
    by_region = project_histories(linked, strata="region")
    assert by_region.observed == h.observed and by_region.strata is not None
    assert project_histories(linked, strata="age_group").observed == h.observed


def test_cli_link_review_export(project: Project, tmp_path: Path) -> None:
    sc = ls.generate(60, seed=8)
    ls.store(project, sc)
    ls.write_truth(sc, tmp_path / "truth.csv")
    base = ["--project", str(project.root)]
    out = run_cli(
        None,
        *base,
        "link",
        "--seed",
        "5",
        "--format",
        "json",
        "--truth",
        str(tmp_path / "truth.csv"),
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert data["truth"]["f1"] > 0.8 and data["persons"] > 0
    assert data["pairs_per_rule"]
    out = run_cli(None, *base, "review", "--list", "--format", "json")
    assert out.exit_code == 0, out.output
    assert isinstance(json.loads(out.stdout), list)
    out = run_cli(None, *base, "export", "persons", "--format", "csv")
    assert out.exit_code == 0, out.output
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert tuple(rows[0]) == PERSON_COLUMNS
    assert len(rows) == sum(len(v) for v in sc.lists.values())
    assert {r["record_id"] for r in rows} >= {rid for _s, rid, _p in sc.truth}


def test_cli_no_records_exits_2(project: Project) -> None:
    proc = run_cli_process(project, "link")
    assert proc.exit_code == 2
    assert "no records to link" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_nameless_record_is_offered_with_the_one_person_it_fits(project: Project) -> None:
    """An unidentified body fits many persons alike; the queue asks about the one person
    who fits it, and a reviewer's match joins it to that person."""
    from sqlalchemy import select

    from qantar.link import recluster, record_decision
    from qantar.link._tables import person_records

    sc = ls.Scenario()
    person = {"sex": "M", "event_date": "2022-01-05", "place_id": "almaty"}
    sc.lists["official"] = [
        {"source_record_id": "o1", "surname_raw": "Оспанов", "given_raw": "Марат",
         "birth_date": "1990-03-02", **person},
        {"source_record_id": "o2", "surname_raw": "Ким", "given_raw": "Елена", "sex": "F",
         "birth_date": "1970-01-01", "event_date": "2022-01-05", "place_id": "almaty"},
    ]  # fmt: skip
    sc.lists["ngo"] = [
        {"source_record_id": "n1", "surname_raw": "Оспанов", "given_raw": "Марат",
         "birth_date": "1990-03-02", **person},
    ]  # fmt: skip
    # Intake the day after; the other person is a woman, and far older.
    sc.lists["morgue"] = [
        {"source_record_id": "m1", "name_raw": "неизвестный", "age": 30, "sex": "M",
         "event_date": "2022-01-06", "place_id": "almaty"},
    ]  # fmt: skip
    ls.store(project, sc)
    run(project, seed=1)
    offered = [it for it in queue(project) if "morgue|id:m1" in (it.record_key_l, it.record_key_r)]
    assert len(offered) == 1
    other = (
        offered[0].record_key_r
        if offered[0].record_key_l == "morgue|id:m1"
        else (offered[0].record_key_l)
    )
    assert other in ("official|id:o1", "ngo|id:n1")
    record_decision(project, offered[0].record_key_l, offered[0].record_key_r, "match",
                    reviewer="alice")  # fmt: skip
    recluster(project)
    with project.engine.connect() as conn:
        rows = conn.execute(select(person_records.c.record_id, person_records.c.person_id))
        label = dict(rows.all())
    assert len(set(label.values())) == 2  # Оспанов with the body, and Ким
    assert not [it for it in queue(project) if "morgue|id:m1" in (it.record_key_l, it.record_key_r)]


def test_a_person_ruled_out_for_a_nameless_record_passes_its_chance_on(project: Project) -> None:
    """Two men fit an unidentified body: each is offered at half the chance; once a
    reviewer rules one out, the other is offered at the whole chance."""
    from qantar.link import record_decision
    from qantar.link._review import NAMELESS_PRIOR

    sc = ls.Scenario()
    person = {"sex": "M", "event_date": "2022-01-05", "place_id": "almaty"}
    sc.lists["official"] = [
        {"source_record_id": "o1", "surname_raw": "Оспанов", "given_raw": "Марат",
         "birth_date": "1990-03-02", **person},
        {"source_record_id": "o2", "surname_raw": "Ахметов", "given_raw": "Ерлан",
         "birth_date": "1992-07-11", **person},
    ]  # fmt: skip
    sc.lists["morgue"] = [
        {"source_record_id": "m1", "name_raw": "неизвестный", "age": 30, "sex": "M",
         "event_date": "2022-01-05", "place_id": "almaty"},
    ]  # fmt: skip
    ls.store(project, sc)
    run(project, seed=1)

    def offered() -> dict[str, float]:
        out = {}
        for it in queue(project):
            keys = {it.record_key_l, it.record_key_r}
            if "morgue|id:m1" in keys:
                (other,) = keys - {"morgue|id:m1"}
                out[other] = it.match_probability
        return out

    first = offered()
    assert set(first) == {"official|id:o1", "official|id:o2"}
    assert all(abs(p - NAMELESS_PRIOR / 2) < 1e-9 for p in first.values())
    record_decision(project, "morgue|id:m1", "official|id:o2", "non-match", reviewer="al")
    recluster(project)
    assert offered() == {"official|id:o1": NAMELESS_PRIOR}


def test_a_lists_lag_behind_the_others_is_learnt_from_its_linked_records() -> None:
    from types import SimpleNamespace as R

    from qantar.link._review import _day_after_share

    def person(morgue: str, other: str) -> list[R]:
        return [R(source="morgue", event_date=morgue), R(source="official", event_date=other)]

    members = {
        "P1": person("2022-01-05", "2022-01-05"),
        "P2": person("2022-01-06", "2022-01-06"),
        "P3": person("2022-01-07", "2022-01-06"),  # intake the day after
        "P4": person("2022-01-09", "2022-01-05"),  # neither: not counted
        "P5": [R(source="morgue", event_date="2022-01-05")],  # nothing to compare with
    }
    assert _day_after_share("morgue", members) == (3.0, 2.0)
    assert _day_after_share("press", members) == (1.0, 1.0)
