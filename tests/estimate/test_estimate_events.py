"""Issue #15.1: detained and disappeared persons were counted as killed.

A synthetic scenario with detainees, imported and linked as a user would, then estimated:
the estimate of the killed must cover the true number killed and hold no detainee."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from _cli import run_cli
from sqlalchemy import select

from qantar import Project
from qantar.errors import InputError
from qantar.estimate import estimate_project
from qantar.ingest import import_file
from qantar.link import event_summary, person_events, run
from qantar.link._tables import person_records
from qantar.store.schema import records, sources
from qantar.synth import ScenarioConfig, generate, write_scenario

N_KILLED, N_DETAINED, SEED = 150, 80, 11
FAST = {"iterations": 4_000, "samples": 500, "burnin": 2_000, "chains": 2}


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, Path]]:
    root = tmp_path_factory.mktemp("events")
    scenario = generate(ScenarioConfig(n=N_KILLED, detainees=N_DETAINED), seed=SEED)
    paths = write_scenario(scenario, root / "lists", formats=("csv",))
    project = Project.init(root / "case")
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    run(project, seed=SEED)
    yield project, root / "lists"
    project.close()


def _true_event_of_records(project: Project, lists: Path) -> dict[str, str]:
    """Each record key's true event (killed or detained), from the scenario's truth."""
    event = {}
    with (lists / "population.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            event[row["person_id"]] = row["event"]
    truth = {}
    with (lists / "truth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            truth[(row["source"], row["record_id"])] = event[row["person_id"]]
    query = (
        select(person_records.c.record_key, sources.c.name, records.c.source_record_id)
        .join(records, records.c.id == person_records.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
    )
    with project.engine.connect() as conn:
        return {key: truth[(src, rid)] for key, src, rid in conn.execute(query)}


def test_the_killed_estimate_covers_the_killed_and_holds_no_detainee(
    case: tuple[Project, Path],
) -> None:
    project, lists = case
    result, folder = estimate_project(project, method="lcmcr", seed=SEED, **FAST)
    assert result.settings["event_type"] == "killed"
    assert result.lower <= N_KILLED <= result.upper
    everyone = estimate_project(
        project, method="lcmcr", seed=SEED, event_type="killed", save=False, **FAST
    )[0]
    assert everyone.estimate == result.estimate
    # No person counted as killed is, in truth, only ever a detainee.
    true_event = _true_event_of_records(project, lists)
    killed = {pid for pid, p in person_events(project).items() if p.captured_by("killed")}
    detainees_counted = [
        pid
        for pid, p in person_events(project).items()
        if pid in killed and all(true_event[r.record_key] == "detained" for r in p.records)
    ]
    assert detainees_counted == []
    assert result.observed == len(killed)
    assert result.observed < event_summary(project).persons  # detainees are left out
    saved = json.loads((folder / "result.json").read_text(encoding="utf-8")) if folder else {}
    assert saved["settings"]["event_type"] == "killed"
    assert "killed" in folder.name if folder else False


def test_detained_is_estimated_apart_or_said_too_few(case: tuple[Project, Path]) -> None:
    project, _ = case
    detained = event_summary(project).by_type["detained"]
    assert detained > 0
    try:
        result, _ = estimate_project(
            project, method="loglinear", seed=SEED, event_type="detained", save=False
        )
    except InputError as exc:
        assert "detained" in str(exc)
    else:
        assert result.observed == detained
        assert result.settings["event_type"] == "detained"
    with pytest.raises(InputError, match="no person is documented as tortured"):
        estimate_project(project, method="loglinear", event_type="tortured", save=False)
    with pytest.raises(InputError, match="unknown event type"):
        estimate_project(project, method="loglinear", event_type="shot", save=False)


def test_cli_estimate_carries_the_event_type(case: tuple[Project, Path]) -> None:
    project, _ = case
    result = run_cli(
        project.root,
        "estimate",
        "--method",
        "loglinear",
        "--event-type",
        "killed",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["settings"]["event_type"] == "killed"
    assert payload["lower"] <= N_KILLED <= payload["upper"]
    listed = run_cli(project.root, "events")
    assert listed.exit_code == 0, listed.output
    assert "detained" in listed.stdout
