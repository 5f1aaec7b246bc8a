"""Which undecided pairs a decision could change, and how much.

A reviewer's decision changes the persons only when it goes against the clustering:
a "match" between two persons joins them, a "non-match" inside one person splits it.
So a pair is *consequential* (offered to a reviewer) when

- it lies between two persons and its probability is at least ``JOIN_FLOOR``: a "match"
  would join them, changing ``size_a * size_b`` record pairs; or
- it lies inside one person, its own probability is below ``SPLIT_CEILING``, and no
  other path of links through the person holds the two records together with at least
  ``SUPPORT_SURE`` (a path is as strong as its weakest link; reviewed matches count as
  certain): a "non-match" would split the person, changing about ``size - 1`` pairs.
  When a - c and c - b are both sure, a - b is one person whatever its own score, and
  asking about it wastes a decision.

The priority is the chance that the decision goes against the clustering times the pairs
it changes. That chance starts as the model's (to join: the mean probability over the two persons'
cross pairs; to split: ``(1 - p) * (1 - support)``, as the pair and its best other path
must both be wrong) and is corrected by the decisions reviewers have made so far
(``calibration``, which tells split questions from join questions by the persons the
model alone made): the model is often too modest about pairs it links, and once
reviewers have confirmed a few of them, their confirmations stop crowding out the pairs
that would join two persons.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

# A pair between two persons is worth a decision when the model gives it at least this
# chance (match weight about -5.6, i.e. within about 3.6 of the default threshold's -2).
JOIN_FLOOR = 0.01
# A pair inside a person is worth a decision while the chance that it is one person,
# given all its person's links, stays below this.
SPLIT_CEILING = 0.995
SUPPORT_SURE = 0.99
# "Awaiting review" counts only the consequential pairs whose decision is a close call:
# match weight within this many bits of the threshold's (for a pair inside a person, its
# own score and its best other path both), e.g. probabilities 0.015 to 0.8 at the default
# threshold 0.2. The rest stay in the queue, after them.
AWAITING_BITS = 4.0


@dataclass(frozen=True)
class Consequence:
    a: int
    b: int
    probability: float  # the pair's own score
    chance_same: float  # with the support of the person's other links
    linked: bool  # in one person now
    priority: float  # expected change in the pairwise result
    near: bool  # near the threshold: counted as "awaiting review"


def weight(p: float) -> float:
    """Match weight (log2 odds) of a probability."""
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log2(p / (1 - p))


def _support(a: int, b: int, adj: dict[int, dict[int, float]], members: frozenset[int]) -> float:
    """Strongest path from ``a`` to ``b`` inside ``members`` without their direct link."""
    best = {a: 1.0}
    heap = [(-1.0, a)]
    while heap:
        neg, x = heapq.heappop(heap)
        s = -neg
        if x == b:
            return s
        if s < best.get(x, 0.0):
            continue
        for y, p in adj[x].items():
            if y not in members or (x == a and y == b) or (x == b and y == a):
                continue
            t = min(s, p)
            if t > best.get(y, 0.0):
                best[y] = t
                heapq.heappush(heap, (-t, y))
    return 0.0


def consequences(
    pairs: Iterable[tuple[int, int, float]],
    person_of: dict[int, str],
    threshold: float,
    *,
    matches: Iterable[tuple[int, int]] = (),
    decided: set[tuple[int, int]] | None = None,
    calibration: tuple[float, float] = (1.0, 1.0),
) -> list[Consequence]:
    """The undecided pairs whose decision could change the persons, with priorities.

    ``decided`` holds ``(min, max)`` record-id pairs already decided; ``matches`` the
    reviewed matches (certain links).
    """
    decided = decided or set()
    pairs = list(pairs)
    size = Counter(person_of.values())
    members: dict[str, set[int]] = defaultdict(set)
    for rid, pid in person_of.items():
        members[pid].add(rid)
    adj: dict[int, dict[int, float]] = defaultdict(dict)

    def link(x: int, y: int, p: float) -> None:
        if person_of.get(x) is not None and person_of.get(x) == person_of.get(y):
            adj[x][y] = max(p, adj[x].get(y, 0.0))
            adj[y][x] = adj[x][y]

    for a, b, p in pairs:
        if p >= threshold:
            link(a, b, p)
    for a, b in matches:
        link(a, b, 1.0)
    frozen = {pid: frozenset(ms) for pid, ms in members.items()}
    # Two persons are one when all their records are: the chance that a "match" joins
    # them is the mean probability over their cross pairs (unscored pairs count 0, as in
    # the clustering's linkage rule), not the score of their best pair. Two persons of
    # several records each, held apart by all but one pair, are seldom one.
    cross: dict[tuple[str, str], float] = defaultdict(float)
    for a, b, p in pairs:
        pa, pb = person_of.get(a), person_of.get(b)
        if pa is not None and pb is not None and pa != pb:
            cross[(min(pa, pb), max(pa, pb))] += p
    tw = weight(threshold)
    out: list[Consequence] = []
    for a, b, p in pairs:
        if (min(a, b), max(a, b)) in decided:
            continue
        pa, pb = person_of.get(a), person_of.get(b)
        if pa is None or pb is None:
            continue
        if pa != pb:
            if p < JOIN_FLOOR:
                continue
            n = size[pa] * size[pb]
            join = min(1.0, cross[(min(pa, pb), max(pa, pb))] / n * calibration[0])
            near = abs(weight(p) - tw) <= AWAITING_BITS
            out.append(Consequence(a, b, p, join, False, join * n, near))
            continue
        s = _support(a, b, adj, frozen[pa])
        if s >= SUPPORT_SURE or p >= SPLIT_CEILING:
            continue
        # Two records are one person if either their own pair or their best other path
        # says so rightly: a split needs both to be wrong.
        split = min(1.0, (1 - p) * (1 - s) * calibration[1])
        near = max(weight(p), weight(s)) <= tw + AWAITING_BITS
        out.append(Consequence(a, b, p, 1 - split, True, split * max(size[pa] - 1, 1), near))
    return out


def calibration(decided: Iterable[tuple[float, bool, bool]]) -> tuple[float, float]:
    """How far reviewers' decisions so far bear out the model's odds, as factors on the
    chance that a "match" joins two persons and on the chance that a "non-match" splits
    one. ``decided`` holds each decided pair's probability, whether it was a match, and
    whether the model's links held its two records in one person (a split question) or
    not (a join question): a pair below the threshold can be either, linked through
    others or not. With no decisions both factors are 1; each is (observed + 1) /
    (expected + 1), so a few decisions move it only a little."""
    exp_join = obs_join = exp_split = obs_split = 0.0
    for p, is_match, linked in decided:
        if linked:
            exp_split += 1 - p
            obs_split += not is_match
        else:
            exp_join += p
            obs_join += is_match
    return (obs_join + 1) / (exp_join + 1), (obs_split + 1) / (exp_split + 1)


def linked_by_model(pairs: Iterable[tuple[int, int, float]], threshold: float) -> dict[int, int]:
    """Record -> a representative of the records the model's links (at ``threshold``,
    before any decision) join it to: whether a decided pair was asked as a split or a
    join, after reviewers' decisions have moved the persons."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = parent.setdefault(x, x)
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for a, b, p in pairs:
        if p >= threshold:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[rb] = ra
    return {x: find(x) for x in parent}
