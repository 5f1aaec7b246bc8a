"""Which pairs a decision could change: the review queue's filter and order."""

from __future__ import annotations

from qantar.link._impact import calibration, consequences, linked_by_model


def test_confirming_a_well_supported_link_is_not_asked() -> None:
    # a - c and c - b are sure, so a - b is one person whatever its own 0.5 says.
    person_of = {1: "P", 2: "P", 3: "P"}
    pairs = [(1, 3, 0.999), (2, 3, 0.999), (1, 2, 0.5)]
    assert consequences(pairs, person_of, 0.2) == []


def test_weakly_attached_record_is_asked_about_its_only_link() -> None:
    person_of = {1: "P", 2: "P", 3: "P"}
    pairs = [(1, 2, 0.999), (2, 3, 0.3)]
    found = consequences(pairs, person_of, 0.2)
    assert [(c.a, c.b, c.linked) for c in found] == [(2, 3, True)]
    assert found[0].near


def test_a_pair_between_persons_is_asked_only_above_the_floor() -> None:
    person_of = {1: "P", 2: "Q", 3: "R"}
    found = consequences([(1, 2, 0.15), (1, 3, 0.001)], person_of, 0.2)
    assert [(c.a, c.b, c.linked) for c in found] == [(1, 2, False)]


def test_decided_pairs_are_left_out_and_reviewed_matches_support() -> None:
    person_of = {1: "P", 2: "P", 3: "P"}
    pairs = [(1, 2, 0.4), (2, 3, 0.4), (1, 3, 0.4)]
    found = consequences(pairs, person_of, 0.2, matches=[(1, 2), (2, 3)], decided={(1, 2), (2, 3)})
    assert found == []  # 1 - 3 held by two reviewed matches


def test_calibration_follows_the_decisions() -> None:
    assert calibration([]) == (1.0, 1.0)
    # Ten linked pairs at 0.5, all confirmed: splits are rarer than the model says.
    join, split = calibration([(0.5, True, True)] * 10)
    assert join == 1.0 and split < 0.2


def test_joining_two_persons_is_as_likely_as_their_cross_pairs_say() -> None:
    # P (records 1, 2) and Q (3, 4) meet at one pair of 0.3, their other cross pairs are
    # unscored: one of four is little evidence. The single record R meets P at 0.3 too.
    person_of = {1: "P", 2: "P", 3: "Q", 4: "Q", 5: "R"}
    pairs = [(1, 2, 0.999), (3, 4, 0.999), (2, 3, 0.3), (1, 5, 0.3)]
    found = {(c.a, c.b): c for c in consequences(pairs, person_of, 0.2)}
    assert abs(found[(2, 3)].chance_same - 0.3 / 4) < 1e-9
    assert abs(found[(1, 5)].chance_same - 0.3 / 2) < 1e-9
    # Chance times record pairs joined: the sum of the cross probabilities, 0.3 for both.
    assert found[(2, 3)].priority == found[(1, 5)].priority


def test_a_split_needs_the_pair_and_its_other_path_both_wrong() -> None:
    # 1 - 3 scores 0.3, but 1 - 2 - 3 holds them at 0.9: a split is (1 - 0.3) * (1 - 0.9).
    person_of = {1: "P", 2: "P", 3: "P"}
    pairs = [(1, 2, 0.9), (2, 3, 0.9), (1, 3, 0.3)]
    found = {(c.a, c.b): c for c in consequences(pairs, person_of, 0.2)}
    assert abs(found[(1, 3)].chance_same - (1 - 0.7 * 0.1)) < 1e-9
    # Its only link: the pair alone decides.
    alone = {(c.a, c.b): c for c in consequences([(1, 2, 0.9), (2, 3, 0.3)], person_of, 0.2)}
    assert abs(alone[(2, 3)].chance_same - 0.3) < 1e-9


def test_a_pair_below_the_threshold_linked_through_others_calibrates_splits() -> None:
    # 1 - 3 scores 0.1 but 1 - 2 - 3 links them: confirming it was a split question.
    joined = linked_by_model([(1, 2, 0.9), (2, 3, 0.9), (1, 3, 0.1), (4, 5, 0.1)], 0.2)
    assert joined[1] == joined[3] and 4 not in joined
    join, split = calibration([(0.1, True, joined[1] == joined[3])] * 10)
    assert join == 1.0 and split < 0.2
    # Ten joins at 0.1 refused: joins are rarer than the model says, splits untouched.
    join, split = calibration([(0.1, False, False)] * 10)
    assert join == 0.5 and split == 1.0
