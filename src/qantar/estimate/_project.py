"""Estimation on a project: histories of one event type from the linked persons, missing
strata imputed, outputs into runs/."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from qantar.errors import InputError, QantarError
from qantar.estimate._api import MIN_STRATUM_PERSONS, estimate
from qantar.estimate._impute import combine, imputation_spread, impute_values
from qantar.estimate._inputs import select_lists
from qantar.estimate._outputs import write_run
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories, PersonCaptures
from qantar.notes import N_, Note
from qantar.project import Project
from qantar.settings import DEFAULTS

HistoriesProvider = Callable[..., Histories]
DEFAULT_EVENT_TYPE = DEFAULTS.estimate.event_type
DEFAULT_IMPUTATIONS = DEFAULTS.estimate.imputations
DGA_MAX_LISTS = 5


def _link() -> Any:
    try:
        from qantar import link
    except ImportError as exc:  # pragma: no cover - the package exists on main
        raise QantarError(N_("link first: record linkage is not available")) from exc
    return link


def _linked_histories(
    project: Project, strata: str | None, event_type: str | None = None
) -> Histories:
    result = _link().project_histories(project, strata=strata, event_type=event_type)
    if not isinstance(result, Histories):
        raise QantarError(N_("link first: the project has no linked persons to estimate from"))
    return result


def skipped_methods(method: str, n_lists: int) -> list[str]:
    """What ``--method all`` leaves out, in one line each (dga covers 3 to 5 lists)."""
    if method == "all" and n_lists > DGA_MAX_LISTS:
        return [
            Note(
                N_(
                    "dga was not run: it covers 3 to %(max)s lists and there are %(n)s; merge "
                    "lists (--merge A+B) to include it"
                ),
                max=DGA_MAX_LISTS,
                n=n_lists,
            )
        ]
    return []


def _event_warnings(project: Project, event_type: str) -> list[str]:
    events = _link().person_events(project)
    conflicted = sum(1 for p in events.values() if any(event_type in pair for pair in p.conflicts))
    untyped = sum(1 for p in events.values() if p.untyped)
    out: list[str] = []
    if conflicted:
        out.append(
            Note(
                N_(
                    "%(n)s persons documented as %(event_type)s by one list and otherwise by "
                    "another await a decision (`qantar events --conflicts`); until then they "
                    "count here for the lists that said %(event_type)s"
                ),
                n=conflicted,
                event_type=event_type,
            )
        )
    if untyped:
        out.append(
            Note(
                N_(
                    "%(n)s persons are in no estimate: none of their records says what "
                    "happened and their lists have no default event type ([events] "
                    "list_defaults)"
                ),
                n=untyped,
            )
        )
    return out


def _check_size(captures: PersonCaptures, event_type: str) -> list[str]:
    if captures.persons == 0:
        raise InputError(
            N_(
                "no person is documented as %(event_type)s: nothing to estimate "
                "(`qantar events` counts persons per event type)"
            ),
            event_type=event_type,
        )
    if captures.persons < MIN_STRATUM_PERSONS:
        return [
            Note(
                N_(
                    "only %(n)s persons are documented as %(event_type)s: too few for a "
                    "stable estimate; read the interval as a rough range"
                ),
                n=captures.persons,
                event_type=event_type,
            )
        ]
    return []


def estimate_captures(
    captures: PersonCaptures,
    *,
    method: str = "lcmcr",
    strata: str | None = None,
    seed: int = 0,
    imputations: int = DEFAULT_IMPUTATIONS,
    **options: Any,
) -> Estimate:
    """Estimate from one row per person. With ``strata``, persons whose value is missing
    have it imputed ``imputations`` times (0: they form an ``unknown`` stratum), the
    estimate runs on each completed copy and the results are combined; the result's
    ``diagnostics["imputation"]`` says how much each stratum moved between copies."""
    if strata is None:
        return estimate(captures.histories(), method=method, strata=False, seed=seed, **options)
    values = captures.fields[strata]
    missing = sum(1 for v in values if v is None)
    if not missing or imputations < 1:
        return estimate(captures.histories(strata), method=method, seed=seed, **options)
    if missing == captures.persons:
        raise InputError(
            N_(
                "no person has a known %(stratum)s: nothing to impute from; estimate without "
                "strata or choose another stratum"
            ),
            stratum=strata,
        )
    replicates = impute_values(captures, strata, replicates=imputations, seed=_child(seed, 1))
    results = [
        estimate(
            captures.histories(strata, completed),
            method=method,
            seed=_child(seed, 2, r),
            **options,
        )
        for r, completed in enumerate(replicates)
    ]
    combined = combine(results)
    known = Counter(v for v in values if v is not None)
    combined.diagnostics["imputation"] = {
        "field": strata,
        "persons_missing": missing,
        "imputations": imputations,
        "strata": imputation_spread(results, dict(known)),
    }
    combined.warnings.insert(
        0,
        Note(
            N_(
                "%(missing)s of %(n)s persons had no %(field)s; it was imputed %(times)s "
                "times from persons with the same lists and other fields, and the estimates "
                "combined"
            ),
            missing=missing,
            n=captures.persons,
            field=strata,
            times=imputations,
        ),
    )
    return combined


def _child(seed: int, *path: int) -> int:
    sequence = np.random.SeedSequence([seed, *path])
    return int(sequence.generate_state(1, dtype=np.uint32)[0])


def estimate_project(
    project: Project,
    *,
    method: str = "lcmcr",
    strata: str | None = None,
    event_type: str | None = None,
    seed: int | None = None,
    imputations: int | None = None,
    drop: Sequence[str] = (),
    merge: Sequence[str] = (),
    histories: Histories | None = None,
    provider: HistoriesProvider | None = None,
    save: bool = True,
    sensitivity: bool = False,
    **options: Any,
) -> tuple[Estimate, Path | None]:
    """Estimate how many persons suffered ``event_type`` (default ``killed``, or
    ``[estimate] event_type``) from the project's linked persons, and save the result,
    settings, posterior draws (Parquet) and plots into a new folder of runs/.

    A list counts a person only if it documented them as ``event_type``
    (``qantar.link.project_captures``). ``strata`` defaults to the first of
    ``[estimate] strata``; missing stratum values are imputed ``imputations`` times
    (``[estimate] imputations``, default 5; 0 keeps an ``unknown`` stratum). ``drop`` and
    ``merge`` (lists joined by ``+``) shape the lists first. ``histories`` or
    ``provider(project, strata=...)`` replace the linked persons (no event type, no
    imputation). The headline method of ``all`` and of the sensitivity table
    (``sensitivity``) is ``[estimate] headline_method`` (default lcmcr), fixed before
    looking at any number."""
    settings = project.settings.estimate
    if strata is None and settings.strata:
        strata = settings.strata[0]
    if seed is None:
        seed = settings.seed
    if imputations is None:
        imputations = settings.imputations
    if imputations < 0:
        raise InputError(N_("imputations cannot be negative (0 keeps an 'unknown' stratum)"))
    warnings: list[str] = []
    headline = settings.headline_method
    whole: Histories
    if histories is not None or provider is not None:
        data = histories if histories is not None else provider(project, strata=strata)  # type: ignore[misc]
        result = estimate(
            data,
            method=method,
            strata=strata is not None or None,
            seed=seed,
            headline=headline,
            **options,
        )
        event_type = None
        n_lists = len(data.lists)
        whole = data
    else:
        link = _link()
        event_type = event_type or settings.event_type
        strata = link.strata_field(strata)
        captures = select_lists(link.project_captures(project, event_type), drop, merge)
        warnings += _check_size(captures, event_type)
        try:
            result = estimate_captures(
                captures,
                method=method,
                strata=strata,
                seed=seed,
                imputations=imputations,
                headline=headline,
                **options,
            )
        except InputError as exc:
            raise InputError(
                N_("estimating %(event_type)s: %(error)s"),
                event_type=event_type,
                error=Note(exc.message, **exc.params),
            ) from exc
        warnings += _event_warnings(project, event_type)
        n_lists = len(captures.lists)
        whole = captures.histories()
    if sensitivity:
        from qantar.estimate._sensitivity import sensitivity as sensitivity_table

        result.sensitivity = sensitivity_table(whole, seed=seed, headline=headline, **options)
    result.warnings = skipped_methods(method, n_lists) + warnings + result.warnings
    result.settings = {
        **result.settings,
        "event_type": event_type,
        "strata_field": strata,
        "method": method,
        "headline_method": headline,
        "seed": seed,
        "imputations": imputations if strata and event_type else 0,
        "drop": list(drop),
        "merge": list(merge),
        **{k: v for k, v in options.items() if isinstance(v, int | float | str | bool)},
    }
    if not save:
        return result, None
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    label = f"{event_type}-{method}" if event_type else method
    folder = project.runs_dir / f"estimate-{stamp}-{label}-seed{seed}"
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = project.runs_dir / f"estimate-{stamp}-{label}-seed{seed}-{suffix}"
    write_run(result, folder)
    return result, folder


__all__ = [
    "DEFAULT_EVENT_TYPE",
    "estimate_captures",
    "estimate_project",
    "skipped_methods",
]
