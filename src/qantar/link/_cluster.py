"""Clustering scored pairs into persons, honouring reviewers' decisions.

Edges are merged greedily from the strongest down (reviewed matches first, as certain),
with union-find. Two groups are never joined when a reviewed non-match lies between
them, so a non-match cannot be merged even through a chain of other links: the weakest
link of that chain is the one left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

# Two records of one list join one person only when the model gives their own pair at
# least this chance (docs/link.md). Splink's list comparison has learnt how often each
# list repeats a person, so that pair's score carries it: an official list's namesakes
# stay apart however many other lists' records chain them.
REPEAT_FLOOR = 0.05


@dataclass(frozen=True)
class Cluster:
    members: tuple[int, ...]
    density: float  # share of member pairs linked above the threshold
    weak: bool  # members held together by few links: worth a reviewer's look


@dataclass(frozen=True)
class Clustering:
    clusters: list[Cluster]
    conflicts: list[tuple[int, int]]  # reviewed matches refused by a reviewed non-match
    cut_edges: int  # links above the threshold left out to honour non-matches
    held_apart: int = 0  # links above the threshold refused by the linkage or repeat rule


class _UnionFind:
    def __init__(self, items: Iterable[int]) -> None:
        self.parent = {i: i for i in items}
        self.members: dict[int, set[int]] = {i: {i} for i in self.parent}
        self.cannot: dict[int, set[int]] = defaultdict(set)

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def forbidden(self, a: int, b: int) -> bool:
        small, big = (a, b) if len(self.members[a]) < len(self.members[b]) else (b, a)
        other = self.members[big]
        return any(not self.cannot[m].isdisjoint(other) for m in self.members[small])

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a] |= self.members.pop(b)


def _repeats_unlinked(
    uf: _UnionFind,
    ra: int,
    rb: int,
    scored: dict[tuple[int, int], float],
    lists: Mapping[int, str],
    floor: float,
) -> bool:
    """Whether joining two groups would put two records of one list in a person although
    the model finds them unlikely to be one (a repeat it scored below ``floor``)."""
    by_list: dict[str, list[int]] = defaultdict(list)
    for x in uf.members[ra]:
        if x in lists:
            by_list[lists[x]].append(x)
    if not by_list:
        return False
    for y in uf.members[rb]:
        same = by_list.get(lists[y], ()) if y in lists else ()
        if any(scored.get((x, y) if x < y else (y, x), 0.0) < floor for x in same):
            return True
    return False


def _mean_cross(
    uf: _UnionFind,
    ra: int,
    rb: int,
    scored: dict[tuple[int, int], float],
    vague: frozenset[int] = frozenset(),
) -> float:
    """Mean probability over the cross pairs of two groups. Pairs with a vague record
    (an initial for a given name) are left out when clearer pairs exist: "Ким А." agrees
    with Kim Aleksei and with Kim Andrei alike, so it says nothing about whether they are
    one person, and must not lift the mean that keeps them apart."""
    total = 0.0
    count = 0
    total_all = 0.0
    members_b = uf.members[rb]
    for x in uf.members[ra]:
        for y in members_b:
            p = scored.get((x, y) if x < y else (y, x), 0.0)
            total_all += p
            if x not in vague and y not in vague:
                total += p
                count += 1
    if count:
        return total / count
    return total_all / (len(uf.members[ra]) * len(members_b))


def cluster(
    record_ids: Iterable[int],
    pairs: Iterable[tuple[int, int, float]],
    threshold: float,
    *,
    matches: Iterable[tuple[int, int]] = (),
    non_matches: Iterable[tuple[int, int]] = (),
    weak_density: float = 0.5,
    linkage: float = 0.0,
    vague: Iterable[int] = (),
    lists: Mapping[int, str] | None = None,
    repeat_floor: float = REPEAT_FLOOR,
) -> Clustering:
    """Clusters of ``record_ids`` from ``(a, b, probability)`` pairs at ``threshold``.

    With ``linkage`` > 0, two groups joined by a strong link are merged only if the mean
    probability over all their cross pairs (unscored pairs count as 0) reaches
    ``linkage``: one record written "Ким А." must not chain Kim Aleksei to Kim Andrei.
    ``vague`` records (initials only) count in that mean only when nothing clearer does.
    ``lists`` (record id -> its list) keeps apart two groups holding records of one list
    whose own pair scores below ``repeat_floor``: a list seldom names one person twice,
    so such a chain through other lists more likely joins two namesakes. Reviewed matches
    are merged regardless.
    """
    vague_set = frozenset(vague)
    uf = _UnionFind(record_ids)
    for a, b in non_matches:
        if a in uf.parent and b in uf.parent:
            uf.cannot[a].add(b)
            uf.cannot[b].add(a)
    scored = {(min(a, b), max(a, b)): p for a, b, p in pairs if a in uf.parent and b in uf.parent}
    edges = [(a, b, p) for (a, b), p in scored.items() if p >= threshold]
    forced = [(a, b) for a, b in matches if a in uf.parent and b in uf.parent]
    conflicts: list[tuple[int, int]] = []
    for a, b in forced:
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        if uf.forbidden(ra, rb):
            conflicts.append((a, b))
        else:
            uf.union(ra, rb)
    cut = held = 0
    for a, b, _p in sorted(edges, key=lambda e: (-e[2], e[0], e[1])):
        ra, rb = uf.find(a), uf.find(b)
        if ra == rb:
            continue
        if uf.forbidden(ra, rb):
            cut += 1
            continue
        if linkage > 0 and _mean_cross(uf, ra, rb, scored, vague_set) < linkage:
            held += 1
            continue
        if lists and _repeats_unlinked(uf, ra, rb, scored, lists, repeat_floor):
            held += 1
            continue
        uf.union(ra, rb)
    linked: dict[int, int] = defaultdict(int)
    for a, b, _p in edges:
        ra = uf.find(a)
        if ra == uf.find(b):
            linked[ra] += 1
    for a, b in forced:
        ra = uf.find(a)
        if ra == uf.find(b):
            linked[ra] += 1
    clusters: list[Cluster] = []
    for root, members in uf.members.items():
        n = len(members)
        possible = n * (n - 1) // 2
        density = 1.0 if possible == 0 else min(1.0, linked[root] / possible)
        # A pair is never weak; a chain of three or more held by few links is.
        clusters.append(Cluster(tuple(sorted(members)), density, n >= 3 and density < weak_density))
    clusters.sort(key=lambda c: c.members[0])
    return Clustering(clusters, conflicts, cut, held)
