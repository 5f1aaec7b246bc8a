"""``project.estimate``: how many in truth, from the project's linked persons."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qantar.model.dicts import jsonable
from qantar.project import Project

if TYPE_CHECKING:
    from qantar.estimate._result import Estimate

RUN_GLOB = "estimate-*/result.json"


def saved_runs(project: Project) -> list[Path]:
    """Saved estimate runs, oldest first (by the time their result was written)."""
    found = [p.parent for p in project.runs_dir.glob(RUN_GLOB)]
    return sorted(found, key=lambda p: ((p / "result.json").stat().st_mtime_ns, p.name))


@dataclass
class EstimateRun:
    """One estimate and the runs/ folder it was saved in (None when not saved)."""

    estimate: Estimate
    folder: Path | None

    def to_dict(self) -> dict[str, Any]:
        out = self.estimate.to_dict()
        if self.folder is not None:
            out["saved_to"] = str(self.folder)
        return jsonable(out)


class Estimates:
    """The estimation area of one project (``project.estimate``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def run(
        self,
        *,
        method: str = "lcmcr",
        strata: str | None = None,
        event_type: str | None = None,
        seed: int | None = None,
        imputations: int | None = None,
        drop: Sequence[str] = (),
        merge: Sequence[str] = (),
        save: bool = True,
        sensitivity: bool = False,
        **options: Any,
    ) -> EstimateRun:
        """Estimate the total from the linked persons, saved as a new run (see
        ``qantar.estimate.estimate_project`` for every option)."""
        from qantar.estimate._project import estimate_project

        result, folder = estimate_project(
            self._project,
            method=method,
            strata=strata,
            event_type=event_type,
            seed=seed,
            imputations=imputations,
            drop=drop,
            merge=merge,
            save=save,
            sensitivity=sensitivity,
            **options,
        )
        return EstimateRun(result, folder)

    def runs(self) -> list[Path]:
        """The saved runs' folders, oldest first."""
        return saved_runs(self._project)

    def result(self, folder: Path) -> dict[str, Any]:
        """A saved run's result (``qantar estimate --format json``), its warnings as
        ``Note``s where the run saved their words, so that a page says them in its reader's
        language (``qantar.notes.say``)."""
        from qantar.estimate._result import with_notes

        data = json.loads((Path(folder) / "result.json").read_text(encoding="utf-8"))
        return with_notes(data)

    def sensitivity(
        self, *, event_type: str | None = None, seed: int | None = None, **options: Any
    ) -> dict[str, Any]:
        """The sensitivity table (every method, K, priors, lists left out) for the project's
        persons, beside the headline method's estimate; nothing is saved."""
        run = self.run(event_type=event_type, seed=seed, save=False, sensitivity=True, **options)
        return run.estimate.sensitivity or {}
