"""Measures against known truth: pairwise precision, recall and F1, and cluster measures."""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path

from qantar.errors import N_, InputError


def read_truth(path: Path) -> dict[tuple[str, str], str]:
    """``(source, record_id) -> person_id`` from a CSV with those three columns."""
    if not path.is_file():
        raise InputError(N_("truth file not found"), file=str(path))
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        needed = {"source", "record_id", "person_id"}
        if not reader.fieldnames or not needed <= set(reader.fieldnames):
            raise InputError(
                N_("needs the columns source, record_id, person_id"), file=str(path), row=1
            )
        return {(r["source"], r["record_id"]): r["person_id"] for r in reader}


def _pairs_in(groups: Iterable[Iterable[int]]) -> int:
    return sum(n * (n - 1) // 2 for n in (len(list(g)) for g in groups))


def measures(predicted: Mapping[int, str], truth: Mapping[int, str]) -> dict[str, float | int]:
    """Compare two labellings of the same records (record id -> cluster label)."""
    ids = [i for i in predicted if i in truth]
    joint = Counter((predicted[i], truth[i]) for i in ids)
    pred_sizes = Counter(predicted[i] for i in ids)
    true_sizes = Counter(truth[i] for i in ids)
    tp = sum(n * (n - 1) // 2 for n in joint.values())
    pred_pairs = sum(n * (n - 1) // 2 for n in pred_sizes.values())
    true_pairs = sum(n * (n - 1) // 2 for n in true_sizes.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Clusters reproduced exactly: the same set of records as a true person.
    members_pred: dict[str, set[int]] = defaultdict(set)
    members_true: dict[str, set[int]] = defaultdict(set)
    for i in ids:
        members_pred[predicted[i]].add(i)
        members_true[truth[i]].add(i)
    pred_sets = {frozenset(s) for s in members_pred.values()}
    exact = sum(1 for s in members_true.values() if frozenset(s) in pred_sets)
    # B-cubed: per record, the share of its cluster that truly belongs with it.
    b_p = sum(joint[(predicted[i], truth[i])] / pred_sizes[predicted[i]] for i in ids)
    b_r = sum(joint[(predicted[i], truth[i])] / true_sizes[truth[i]] for i in ids)
    n = len(ids) or 1
    return {
        "records": len(ids),
        "true_pairs": true_pairs,
        "predicted_pairs": pred_pairs,
        "true_positive_pairs": tp,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_persons": len(members_true),
        "predicted_persons": len(members_pred),
        "exact_clusters": round(exact / (len(members_true) or 1), 4),
        "bcubed_precision": round(b_p / n, 4),
        "bcubed_recall": round(b_r / n, 4),
    }
