"""The whole pipeline through the facade only: ``project.<area>.<verb>``, as a notebook or
the web app calls it (synthetic lists → import → link → review → estimate → report)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qantar.errors import InputError
from qantar.model import Decision, PublicationStatus, SourceKind
from qantar.project import Project
from qantar.synth import ScenarioConfig, generate, write_scenario


def test_pipeline_through_the_facade(project: Project, tmp_path: Path) -> None:
    scenario = generate(ScenarioConfig(n=120), seed=5)
    paths = write_scenario(scenario, tmp_path / "lists", formats=("csv",))

    for name, source_list in scenario.lists.items():
        result = project.sources.import_file(
            paths[name], source=name, kind=SourceKind(source_list.spec.kind)
        )
        assert result.rows_stored > 0
    summary = project.sources.list()
    assert {s.name for s in summary.sources} == set(scenario.lists)
    assert len(project.sources.batches()) == len(scenario.lists)

    linked = project.link.run(seed=3, progress=lambda _m: None)
    assert linked.persons == len({row["person_id"] for row in project.link.persons()}) > 0
    assert project.review.awaiting() == linked.awaiting_review

    pairs = project.review.next_pairs(limit=2)
    assert pairs, "a synthetic scenario with misspellings leaves pairs to review"
    project.review.decide(pairs[0], Decision.NON_MATCH, reviewer="facade test")
    decided = project.review.decisions()
    assert [d.decision for d in decided.values()] == [Decision.NON_MATCH]
    # The decision is honoured by the next clustering.
    project.link.recluster()
    assert project.review.decisions() == decided

    run = project.estimate.run(method="lcmcr", seed=1, iterations=2_000, burnin=500, samples=200)
    assert run.folder is not None and run.folder in project.estimate.runs()
    assert run.estimate.observed > 0
    assert json.loads(json.dumps(run.to_dict()))["saved_to"] == str(run.folder)

    some = next(iter(project.publish.statuses()))
    project.publish.consent(some, PublicationStatus.WITHHOLD, by="liaison")
    assert project.publish.statuses()[some].status == PublicationStatus.WITHHOLD
    assert some not in {p.person_id for p in project.publish.export()}
    report = project.publish.report(tmp_path / "report" / "report.html")
    assert report.html.is_file()
    memorial = project.publish.memorial(tmp_path / "site")
    assert json.loads(json.dumps(memorial.to_dict()))["shown"] == memorial.shown


def test_areas_are_built_once_and_bad_values_name_the_field(project: Project) -> None:
    assert project.link is project.link
    assert project.review is project.review
    with pytest.raises(InputError, match="field 'decision'") as refused:
        project.review.decide_keys("a|1", "b|2", "same", reviewer="r")
    assert "same" not in str(refused.value)  # the value given is never echoed
    with pytest.raises(InputError, match="field 'kind'"):
        project.sources.import_file("nowhere.csv", source="s", kind="blog")
    with pytest.raises(InputError, match="field 'action'"):
        project.evidence.record("shredded", [], "no such action")
    assert project.evidence.custody() == []
