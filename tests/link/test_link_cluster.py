"""Clustering honours reviewers: non-matches never end up together, matches always do."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.link._cluster import cluster


def _together(result: object, a: int, b: int) -> bool:
    return any(a in c.members and b in c.members for c in result.clusters)  # type: ignore[attr-defined]


def test_chain_is_cut_at_its_weakest_link() -> None:
    pairs = [(1, 2, 0.99), (2, 3, 0.7), (3, 4, 0.98)]
    plain = cluster([1, 2, 3, 4], pairs, 0.5)
    assert len(plain.clusters) == 1
    reviewed = cluster([1, 2, 3, 4], pairs, 0.5, non_matches=[(1, 4)])
    assert not _together(reviewed, 1, 4)
    assert _together(reviewed, 1, 2) and _together(reviewed, 3, 4)
    assert reviewed.cut_edges == 1


def test_reviewed_match_is_merged_below_threshold() -> None:
    result = cluster([1, 2, 3], [(1, 2, 0.1)], 0.5, matches=[(1, 3)])
    assert _together(result, 1, 3) and not _together(result, 1, 2)


def test_conflicting_decisions_are_reported_not_merged() -> None:
    result = cluster([1, 2, 3], [], 0.5, matches=[(1, 2), (2, 3)], non_matches=[(1, 3)])
    assert not _together(result, 1, 3)
    assert len(result.conflicts) == 1


def test_linkage_stops_an_initial_from_chaining_two_people() -> None:
    # 1, 2: "Kim Aleksei" twice; 4: "Kim Andrei"; 3: "Ким А." fits both.
    pairs = [(1, 2, 0.99), (1, 3, 0.9), (2, 3, 0.9), (3, 4, 0.95), (1, 4, 0.01)]
    chained = cluster([1, 2, 3, 4], pairs, 0.5)
    assert len(chained.clusters) == 1
    guarded = cluster([1, 2, 3, 4], pairs, 0.5, linkage=0.5)
    assert not _together(guarded, 1, 4) and _together(guarded, 1, 2)
    assert guarded.held_apart >= 1


def test_weak_cluster_flagged() -> None:
    chain = [(i, i + 1, 0.9) for i in range(1, 6)]
    result = cluster(range(1, 7), chain, 0.5)
    assert len(result.clusters) == 1 and result.clusters[0].weak
    full = [(a, b, 0.9) for a in range(1, 4) for b in range(a + 1, 4)]
    assert not cluster(range(1, 4), full, 0.5).clusters[0].weak


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14), st.floats(0, 1)), max_size=60),
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=8),
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14)), max_size=8),
)
def test_non_matches_never_together(
    pairs: list[tuple[int, int, float]],
    non_matches: list[tuple[int, int]],
    matches: list[tuple[int, int]],
) -> None:
    non_matches = [(a, b) for a, b in non_matches if a != b]
    result = cluster(range(15), pairs, 0.5, matches=matches, non_matches=non_matches)
    for a, b in non_matches:
        assert not _together(result, a, b)
    assert sorted(m for c in result.clusters for m in c.members) == list(range(15))
    conflicts = set(result.conflicts)
    for a, b in matches:
        if (a, b) not in conflicts:
            assert _together(result, a, b)


def test_two_records_of_one_list_join_only_through_their_own_pair() -> None:
    # 1, 2: namesakes on one official list; 3, 4: other lists' records fitting both.
    lists = {1: "official", 2: "official", 3: "ngo", 4: "press"}
    pairs = [(1, 3, 0.9), (2, 4, 0.9), (3, 4, 0.9), (1, 4, 0.6), (2, 3, 0.6), (1, 2, 0.01)]
    chained = cluster([1, 2, 3, 4], pairs, 0.5, linkage=0.25)
    assert _together(chained, 1, 2)
    guarded = cluster([1, 2, 3, 4], pairs, 0.5, linkage=0.25, lists=lists)
    assert not _together(guarded, 1, 2)
    assert guarded.held_apart >= 1
    # A repeat the model finds likely (a hotline called twice) is merged as before.
    repeat = [*pairs[:-1], (1, 2, 0.3)]
    assert _together(cluster([1, 2, 3, 4], repeat, 0.5, linkage=0.25, lists=lists), 1, 2)
    # And a reviewer's match is merged whatever the list.
    reviewed = cluster([1, 2, 3, 4], pairs, 0.5, linkage=0.25, lists=lists, matches=[(1, 2)])
    assert _together(reviewed, 1, 2)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 14), st.integers(0, 14), st.floats(0, 1)), max_size=60),
    st.lists(st.sampled_from("abc"), min_size=15, max_size=15),
)
def test_no_unreviewed_person_holds_an_unlikely_repeat(
    pairs: list[tuple[int, int, float]], lists: list[str]
) -> None:
    from qantar.link._cluster import REPEAT_FLOOR

    edges = [(a, b, p) for a, b, p in pairs if a != b]
    score: dict[tuple[int, int], float] = {}
    for a, b, p in edges:
        score[(min(a, b), max(a, b))] = p  # the clustering keeps the last score of a pair
    of_list = dict(enumerate(lists))
    result = cluster(range(15), edges, 0.3, linkage=0.1, lists=of_list)
    for c in result.clusters:
        for i, a in enumerate(c.members):
            for b in c.members[i + 1 :]:
                if of_list[a] == of_list[b]:
                    assert score.get((a, b), 0.0) >= REPEAT_FLOOR
