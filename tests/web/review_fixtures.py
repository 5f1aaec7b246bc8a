"""A project with pairs awaiting review, built with the library as a team would (a seeded
synthetic scenario, imported, linked), for the review pages' tests and the load bench."""

from __future__ import annotations

import shutil
from pathlib import Path

from qantar import Project, ingest, synth


def linked_synthetic(
    folder: Path, *, n: int = 150, seed: int = 5, database: str | None = None
) -> Project:
    scenario = synth.generate(synth.ScenarioConfig(n=n), seed=seed)
    paths = synth.write_scenario(scenario, folder / "lists")
    project = Project.init(folder / "case", database=database)
    for name, source_list in scenario.lists.items():
        ingest.import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    project.link.run(seed=seed)
    return project


def copy_project(built: Path, into: Path) -> Project:
    """A copy of a built SQLite project, so that one test's decisions stay out of the next."""
    shutil.copytree(built, into)
    return Project.open(into)
