"""The review queue a team shares: the ordered queue stored once per link run or
re-cluster, a lease that keeps two reviewers off the same pair, skips, and second opinions.

Building the queue (``_review._queue``) reads every scored pair and costs a fraction of
a second on a thousand persons; twenty reviewers asking for their next pair would each
pay it. The order only changes when the persons change (a run or a re-cluster, which call
``forget_queue``), so it is built once and stored; a request then reads the first few
undecided, unleased rows. It is the order ``qantar review`` walks, as of the last build.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import threading
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    Engine,
    and_,
    delete,
    exists,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from qantar.link._decisions import _histories, pair_key
from qantar.link._pipeline import latest_run_id
from qantar.link._review import _UNSCORED, ReviewItem, _queue
from qantar.link._tables import (
    link_features,
    link_pairs,
    review_decisions,
    review_leases,
    review_queue,
    review_queue_builds,
    review_skips,
)
from qantar.project import Project

_BUILDING = threading.Lock()
# Rows read per attempt to find a pair nobody holds: more than reviewers work at once.
_WINDOW = 64


@dataclass(frozen=True)
class Lease:
    """A pair offered to one reviewer until ``expires_at``."""

    item: ReviewItem
    reviewer: str
    expires_at: dt.datetime
    second_opinion: bool  # someone else has decided it; this reviewer is not told what


def forget_queue(conn: Connection) -> None:
    """Drop the stored queue (the persons changed): the next request builds it again."""
    conn.execute(delete(review_skips))
    conn.execute(delete(review_queue))
    conn.execute(delete(review_queue_builds))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _build(engine: Engine, run_id: int) -> int:
    items = _queue(engine)
    with engine.begin() as conn:
        forget_queue(conn)
        key = conn.execute(
            insert(review_queue_builds).values(run_id=run_id, built_at=_now(), size=len(items))
        ).inserted_primary_key
        assert key is not None
        build_id = key[0]
        if items:
            conn.execute(
                insert(review_queue),
                [
                    {
                        "build_id": build_id,
                        "position": n,
                        "record_key_a": pair_key(it.record_key_l, it.record_key_r)[0],
                        "record_key_b": pair_key(it.record_key_l, it.record_key_r)[1],
                        "record_id_l": it.record_id_l,
                        "record_id_r": it.record_id_r,
                        "flipped": it.record_key_l > it.record_key_r,
                        "match_probability": it.match_probability,
                        "match_weight": it.match_weight,
                        "priority": it.priority,
                        "linked": it.linked,
                        "near": it.near,
                        "explain": it.explain,
                    }
                    for n, it in enumerate(items)
                ],
            )
    return int(build_id)


def _stored_build(engine: Engine) -> tuple[int, int] | None:
    with engine.connect() as conn:
        row = conn.execute(
            select(review_queue_builds.c.id, review_queue_builds.c.run_id)
            .order_by(review_queue_builds.c.id.desc())
            .limit(1)
        ).first()
    return (int(row.id), int(row.run_id)) if row is not None else None


def current_build(project: Project) -> int | None:
    """The stored queue's id, built now if the persons changed since (None: no run yet)."""
    engine = project.engine
    run_id = latest_run_id(engine)
    if run_id is None:
        return None
    stored = _stored_build(engine)
    if stored is not None and stored[1] == run_id:
        return stored[0]
    # One builder at a time in this process; the others wait and read what it stored.
    with _BUILDING:
        stored = _stored_build(engine)
        if stored is not None and stored[1] == run_id:
            return stored[0]
        return _build(engine, run_id)


def rebuild(project: Project) -> int | None:
    """Build the stored queue again now (after decisions made outside a re-cluster)."""
    run_id = latest_run_id(project.engine)
    if run_id is None:
        return None
    with _BUILDING:
        return _build(project.engine, run_id)


def _item(row: object) -> ReviewItem:
    r = row._mapping  # type: ignore[attr-defined]
    key_l, key_r = str(r["record_key_a"]), str(r["record_key_b"])
    if r["flipped"]:
        key_l, key_r = key_r, key_l
    return ReviewItem(
        int(r["record_id_l"]),
        int(r["record_id_r"]),
        key_l,
        key_r,
        float(r["match_probability"]),
        float(r["match_weight"]),
        float(r["priority"]),
        bool(r["linked"]),
        dict(r["explain"]),
        bool(r["near"]),
    )


def _item_for_keys(engine: Engine, build: int, a: str, b: str) -> ReviewItem | None:
    """A pair as the stored queue has it, else as the latest run scored it (a pair decided
    before the queue was built is not in it, yet may await a second opinion)."""
    with engine.connect() as conn:
        row = conn.execute(
            select(review_queue).where(
                review_queue.c.build_id == build,
                review_queue.c.record_key_a == a,
                review_queue.c.record_key_b == b,
            )
        ).first()
        if row is not None:
            return _item(row)
        ids = dict(
            conn.execute(
                select(link_features.c.record_key, link_features.c.record_id).where(
                    link_features.c.record_key.in_((a, b))
                )
            ).all()
        )
        if a not in ids or b not in ids:
            return None  # a record retracted since: nothing to show
        low, high = sorted((int(ids[a]), int(ids[b])))
        scored = conn.execute(
            select(link_pairs.c.match_probability, link_pairs.c.match_weight, link_pairs.c.explain)
            .where(link_pairs.c.record_id_l == low, link_pairs.c.record_id_r == high)
            .order_by(link_pairs.c.id.desc())
            .limit(1)
        ).first()
    key_of = {int(ids[a]): a, int(ids[b]): b}
    if scored is None:
        probability, weight = 0.0, 0.0
        explain: dict[str, object] = {c: ["not scored: no name", 0.0] for c in _UNSCORED}
    else:
        probability, weight = float(scored.match_probability), float(scored.match_weight)
        explain = dict(scored.explain)
    return ReviewItem(
        low, high, key_of[low], key_of[high], probability, weight, 0.0, False, explain
    )


@functools.lru_cache(maxsize=262_144)
def chosen_for_second_opinion(key_a: str, key_b: str, *, share: float, seed: int) -> bool:
    """Whether a pair is shown to a second reviewer: a hash of the seed and the pair's
    stable keys, so the same pairs are chosen on every machine, in any order of work."""
    if share <= 0.0:
        return False
    a, b = pair_key(key_a, key_b)
    digest = hashlib.sha256(f"{seed}\x1f{a}\x1f{b}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


def _second_opinions(project: Project) -> list[tuple[str, str, str]]:
    """Pairs chosen for a second opinion that one reviewer alone has decided (and no admin
    has ruled on): (key a, key b, that reviewer), oldest first."""
    settings = project.settings.review
    if settings.second_opinion <= 0.0:
        return []
    waiting = [
        h
        for h in _histories(project.engine).values()
        if h.ruling is None
        and len(h.latest) == 1
        and chosen_for_second_opinion(
            h.record_key_a,
            h.record_key_b,
            share=settings.second_opinion,
            seed=settings.second_opinion_seed,
        )
    ]
    firsts = [(next(iter(h.latest.values())), h) for h in waiting]
    firsts.sort(key=lambda dh: dh[0].decided_at)
    return [(h.record_key_a, h.record_key_b, d.reviewer) for d, h in firsts]


class _Decided(Exception):
    """The pair was decided between the look and the take: give the lease back."""


def _try_take(
    project: Project, reviewer: str, a: str, b: str, now: dt.datetime, *, deciders: int = 0
) -> dt.datetime | None:
    """Lease the pair to ``reviewer`` if nobody holds it and at most ``deciders`` reviewers
    (none for a new pair, one for a second opinion) have decided it."""
    expires = now + dt.timedelta(minutes=project.settings.review.lease_minutes)
    d = review_decisions
    try:
        with project.engine.begin() as conn:
            # An expired lease is nobody's: taking the pair clears it in the same step.
            conn.execute(
                delete(review_leases).where(
                    review_leases.c.record_key_a == a,
                    review_leases.c.record_key_b == b,
                    review_leases.c.expires_at <= now,
                )
            )
            conn.execute(
                insert(review_leases).values(
                    record_key_a=a, record_key_b=b, reviewer=reviewer, taken_at=now,
                    expires_at=expires,
                )
            )  # fmt: skip
            # Checked after the insert, inside its transaction: a reviewer who took the pair,
            # decided it and let go between our look and our take is seen here.
            decided_by = conn.execute(
                select(func.count(d.c.reviewer.distinct())).where(
                    d.c.record_key_a == a, d.c.record_key_b == b
                )
            ).scalar()
            if int(decided_by or 0) > deciders:
                raise _Decided
    except (IntegrityError, _Decided):
        return None  # another reviewer took it, or decided it, a moment ago
    return expires


def release(project: Project, reviewer: str) -> None:
    """Give back every pair this reviewer holds."""
    with project.engine.begin() as conn:
        conn.execute(delete(review_leases).where(review_leases.c.reviewer == reviewer))


def held(project: Project, reviewer: str, *, now: dt.datetime | None = None) -> Lease | None:
    """The pair this reviewer holds now, if any (a reload shows the same pair)."""
    now = now or _now()
    build = current_build(project)
    if build is None:
        return None
    with project.engine.connect() as conn:
        lease = conn.execute(
            select(review_leases).where(
                review_leases.c.reviewer == reviewer, review_leases.c.expires_at > now
            )
        ).first()
        if lease is None:
            return None
        others = conn.execute(
            select(func.count())
            .select_from(review_decisions)
            .where(
                review_decisions.c.record_key_a == lease.record_key_a,
                review_decisions.c.record_key_b == lease.record_key_b,
            )
        ).scalar()
    item = _item_for_keys(project.engine, build, lease.record_key_a, lease.record_key_b)
    if item is None:
        return None
    return Lease(item, reviewer, _aware(lease.expires_at), bool(others))


def _aware(when: dt.datetime) -> dt.datetime:
    # SQLite hands back naive times; they were written in UTC.
    return when if when.tzinfo is not None else when.replace(tzinfo=dt.UTC)


def lease_next(project: Project, reviewer: str, *, now: dt.datetime | None = None) -> Lease | None:
    """The next pair for ``reviewer`` that nobody else holds, leased to them for
    ``[review] lease_minutes``: the pair they hold already, else a pair awaiting their
    second opinion, else the most useful undecided pair in the order of ``qantar review``
    (skipping what they skipped). None when nothing is left for them."""
    if not reviewer.strip():
        raise ValueError("a lease needs a reviewer")
    now = now or _now()
    kept = held(project, reviewer, now=now)
    if kept is not None:
        return kept
    build = current_build(project)
    if build is None:
        return None
    release(project, reviewer)
    engine = project.engine
    q, lease, skip, d = review_queue, review_leases, review_skips, review_decisions
    same_pair_lease = and_(lease.c.record_key_a == q.c.record_key_a,
                           lease.c.record_key_b == q.c.record_key_b)  # fmt: skip
    for a, b, _first in _second_opinions(project):
        if _first == reviewer:
            continue
        item = _item_for_keys(engine, build, a, b)
        with engine.connect() as conn:
            taken = conn.execute(
                select(lease.c.reviewer).where(
                    lease.c.record_key_a == a, lease.c.record_key_b == b, lease.c.expires_at > now
                )
            ).first()
        if item is None or taken is not None:
            continue
        expires = _try_take(project, reviewer, a, b, now, deciders=1)
        if expires is not None:
            return Lease(item, reviewer, expires, True)
    offset = 0
    while True:
        with engine.connect() as conn:
            rows = conn.execute(
                select(q)
                .where(
                    q.c.build_id == build,
                    ~exists().where(
                        d.c.record_key_a == q.c.record_key_a, d.c.record_key_b == q.c.record_key_b
                    ),
                    ~exists().where(same_pair_lease, lease.c.expires_at > now),
                    ~exists().where(
                        skip.c.build_id == build,
                        skip.c.reviewer == reviewer,
                        skip.c.record_key_a == q.c.record_key_a,
                        skip.c.record_key_b == q.c.record_key_b,
                    ),
                )
                .order_by(q.c.position)
                .offset(offset)
                .limit(_WINDOW)
            ).all()
        if not rows:
            return None
        for row in rows:
            expires = _try_take(project, reviewer, row.record_key_a, row.record_key_b, now)
            if expires is not None:
                return Lease(_item(row), reviewer, expires, False)
        offset += _WINDOW


def skip(project: Project, reviewer: str, key_1: str, key_2: str) -> None:
    """This reviewer passes on a pair: it goes back to the others, not to them again until
    the queue is built anew."""
    a, b = pair_key(key_1, key_2)
    build = current_build(project)
    with project.engine.begin() as conn:
        conn.execute(
            delete(review_leases).where(
                review_leases.c.record_key_a == a,
                review_leases.c.record_key_b == b,
                review_leases.c.reviewer == reviewer,
            )
        )
        if build is None:
            return
        present = conn.execute(
            select(func.count())
            .select_from(review_skips)
            .where(
                review_skips.c.build_id == build,
                review_skips.c.record_key_a == a,
                review_skips.c.record_key_b == b,
                review_skips.c.reviewer == reviewer,
            )
        ).scalar()
        if not present:
            conn.execute(
                insert(review_skips).values(
                    build_id=build, record_key_a=a, record_key_b=b, reviewer=reviewer
                )
            )


def extend(project: Project, reviewer: str, *, now: dt.datetime | None = None) -> None:
    """Keep this reviewer's pair another ``[review] lease_minutes`` (they are still on it)."""
    now = now or _now()
    with project.engine.begin() as conn:
        conn.execute(
            update(review_leases)
            .where(review_leases.c.reviewer == reviewer, review_leases.c.expires_at > now)
            .values(expires_at=now + dt.timedelta(minutes=project.settings.review.lease_minutes))
        )


def remaining(project: Project) -> int:
    """Pairs of the stored queue nobody has decided yet."""
    build = current_build(project)
    if build is None:
        return 0
    q, d = review_queue, review_decisions
    with project.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count())
                .select_from(q)
                .where(
                    q.c.build_id == build,
                    ~exists().where(
                        d.c.record_key_a == q.c.record_key_a, d.c.record_key_b == q.c.record_key_b
                    ),
                )
            ).scalar()
            or 0
        )


def pending_second_opinions(project: Project) -> int:
    return len(_second_opinions(project))


def pair_item(project: Project, key_1: str, key_2: str) -> ReviewItem | None:
    """Two records by their stable keys, as the queue or the latest run has them (None
    when either is not in the project's latest run)."""
    a, b = pair_key(key_1, key_2)
    return _item_for_keys(project.engine, current_build(project) or -1, a, b)
