"""How far reviewers agree (Cohen's kappa over the pairs two of them decided) and how the
review is going (decided, remaining, how persons and the estimate moved since the run)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import select

from qantar.link._decisions import _histories
from qantar.link._persons import person_count
from qantar.link._pipeline import latest_run_id
from qantar.link._review_queue import pending_second_opinions, remaining
from qantar.link._tables import link_runs, review_decisions
from qantar.model import Decision
from qantar.project import Project


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels, one (first, second) tuple per item:
    (observed agreement - agreement expected by chance) / (1 - chance). None when it is
    undefined: no items, or both raters gave one and the same label to everything."""
    n = len(pairs)
    if n == 0:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    first = Counter(a for a, _ in pairs)
    second = Counter(b for _, b in pairs)
    chance = sum(first[k] * second[k] for k in first) / (n * n)
    if chance >= 1.0:
        return None
    return (observed - chance) / (1.0 - chance)


@dataclass(frozen=True)
class Agreement:
    """Pairs two reviewers decided blind of each other, and how often they agreed."""

    pairs: int
    agreed: int
    kappa: float | None
    table: dict[str, dict[str, int]]  # first reviewer's decision -> second's -> pairs


def agreement(project: Project) -> Agreement:
    """Over each pair two reviewers decided before any ruling: the first reviewer's latest
    decision against the second's. Reviewers differ from pair to pair, so this is kappa
    between the roles "first" and "second", the usual reading for a team that shares a
    queue."""
    by_pair: dict[tuple[str, str], dict[str, Decision]] = {}
    query = select(review_decisions).order_by(review_decisions.c.decided_at, review_decisions.c.id)
    ruled: set[tuple[str, str]] = set()
    with project.engine.connect() as conn:
        for r in conn.execute(query):
            pair = (r.record_key_a, r.record_key_b)
            if r.adjudication:
                ruled.add(pair)
            if pair in ruled:
                continue  # the question was settled: later decisions are not blind
            # Insertion order keeps who decided first; a changed mind keeps its place.
            by_pair.setdefault(pair, {})[r.reviewer] = Decision(r.decision)
    labels = [
        (str(first.value), str(second.value))
        for decided in by_pair.values()
        if len(decided) >= 2
        for first, second in [list(decided.values())[:2]]
    ]
    table: dict[str, dict[str, int]] = {}
    for a, b in labels:
        table.setdefault(a, {}).setdefault(b, 0)
        table[a][b] += 1
    return Agreement(len(labels), sum(1 for a, b in labels if a == b), cohen_kappa(labels), table)


@dataclass(frozen=True)
class ReviewProgress:
    """Where the review stands, and what it changed since the latest link run."""

    decided: int  # pairs with a decision in force
    remaining: int  # pairs of the queue nobody has decided
    second_opinions: int  # decided pairs waiting for a second reviewer
    conflicts: int  # pairs waiting for the admin
    decided_since_run: int
    persons_at_run: int | None
    persons_now: int
    estimate_before: float | None  # the latest estimate saved before the run
    estimate_now: float | None  # the latest estimate saved


def _estimates(project: Project) -> list[tuple[dt.datetime, float]]:
    out = []
    for folder in project.estimate.runs():
        try:
            data = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            value = float(data["estimate"])
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a run being written or from another version: not a figure to show
        when = dt.datetime.fromtimestamp((folder / "result.json").stat().st_mtime, dt.UTC)
        out.append((when, value))
    return out


def progress(project: Project) -> ReviewProgress:
    engine = project.engine
    histories = _histories(engine)
    run_id = latest_run_id(engine)
    run_at: dt.datetime | None = None
    persons_at_run: int | None = None
    if run_id is not None:
        with engine.connect() as conn:
            row = conn.execute(
                select(link_runs.c.created_at, link_runs.c.summary).where(link_runs.c.id == run_id)
            ).one()
        run_at = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=dt.UTC)
        persons_at_run = (row.summary or {}).get("persons")
    since = 0
    if run_at is not None:
        for h in histories.values():
            if any(_aware(d.decided_at) > run_at for d in h.latest.values()):
                since += 1
    estimates = _estimates(project)
    before = [v for when, v in estimates if run_at is not None and when <= run_at]
    return ReviewProgress(
        decided=len(histories),
        remaining=remaining(project),
        second_opinions=pending_second_opinions(project),
        conflicts=sum(1 for h in histories.values() if h.in_conflict),
        decided_since_run=since,
        persons_at_run=int(persons_at_run) if persons_at_run is not None else None,
        persons_now=person_count(engine),
        estimate_before=before[-1] if before else None,
        estimate_now=estimates[-1][1] if estimates else None,
    )


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)
