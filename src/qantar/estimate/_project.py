"""Estimation on a project: histories from the linked persons, outputs into runs/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qantar.errors import QantarError
from qantar.estimate._api import HEADLINE_METHOD, estimate
from qantar.estimate._outputs import write_run
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.project import Project

HistoriesProvider = Callable[..., Histories]


def _linked_histories(project: Project, strata: str | None) -> Histories:
    try:
        from qantar import link
    except ImportError as exc:  # pragma: no cover - the package exists on main
        raise QantarError("link first: record linkage is not available") from exc
    provider = getattr(link, "project_histories", None)
    if provider is None:
        raise QantarError(
            "link first: this installation cannot build capture histories from the "
            "project yet; pass --histories FILE.csv instead"
        )
    result = provider(project, strata=strata)
    if not isinstance(result, Histories):
        raise QantarError("link first: the project has no linked persons to estimate from")
    return result


def estimate_project(
    project: Project,
    *,
    method: str = "lcmcr",
    strata: str | None = None,
    seed: int | None = None,
    histories: Histories | None = None,
    provider: HistoriesProvider | None = None,
    save: bool = True,
    sensitivity: bool = False,
    **options: Any,
) -> tuple[Estimate, Path | None]:
    """Estimate from the project's linked persons (``qantar.link.project_histories``),
    or from ``histories`` / ``provider(project, strata=...)`` when given, and save the
    result, settings, posterior draws (Parquet) and plots into a new folder of runs/.
    ``strata`` defaults to the first of ``[estimate] strata`` in qantar.toml; the
    headline method of ``all`` and of the sensitivity table is ``[estimate]
    headline_method`` (default lcmcr)."""
    settings = project.section("estimate")
    if strata is None and settings.get("strata"):
        configured = settings["strata"]
        strata = configured[0] if isinstance(configured, list) else str(configured)
    if seed is None:
        seed = int(settings.get("seed", 0))
    if histories is None:
        histories = (
            provider(project, strata=strata) if provider else _linked_histories(project, strata)
        )
    headline = str(settings.get("headline_method", HEADLINE_METHOD))
    result = estimate(
        histories,
        method=method,
        strata=strata is not None or None,
        seed=seed,
        headline=headline,
        **options,
    )
    if sensitivity:
        from qantar.estimate._sensitivity import sensitivity as sensitivity_table

        result.sensitivity = sensitivity_table(histories, seed=seed, headline=headline, **options)
    result.settings = {**result.settings, "strata_field": strata, "method": method}
    if not save:
        return result, None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = project.runs_dir / f"estimate-{stamp}-{method}-seed{seed}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = project.runs_dir / f"estimate-{stamp}-{method}-seed{seed}-{suffix}"
    write_run(result, folder)
    return result, folder
