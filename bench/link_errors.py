"""Where the linkage errors are: false-positive and false-negative pairs by cause.

    PYTHONPATH=src python bench/link_errors.py --n 1000 --seed 7 [--review 100]

Builds the synthetic five-list scenario of ``link_bench.py``, links it, and sorts every
wrongly linked pair (false positive) and every missed true pair (false negative) into
one cause, from the prepared features of its two records: a nameless record, an
initials-only record, a within-list duplicate, same names (a collision), different
given names (diminutive, family member), Latin spelling, etc. Prints counts only: no
names unless --show asks for example pairs (synthetic people only).
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from itertools import combinations
from pathlib import Path
from typing import Any

import link_bench
from sqlalchemy import select

from qantar.link import run
from qantar.link._features import iter_records
from qantar.link._pipeline import _truth_ids, stored_pairs
from qantar.link._tables import link_features, person_records


def _cause(a: dict[str, Any], b: dict[str, Any]) -> str:
    def nameless(r: dict[str, Any]) -> bool:
        return not (r["surname_key"] or r["given_key"])

    if nameless(a) or nameless(b):
        return "nameless"
    parts = []
    if a["source"] == b["source"]:
        parts.append("same-list")
    ga, gb = a["given_key"] or "", b["given_key"] or ""
    sa, sb = a["surname_key"] or "", b["surname_key"] or ""
    if len(ga) == 1 or len(gb) == 1:
        parts.append("initial")
    elif sa == gb and ga == sb:
        parts.append("swapped")
    elif sa == sb and ga == gb:
        parts.append("same-names")
    elif sa == sb:
        parts.append("given-differs")
    elif ga == gb:
        parts.append("surname-differs")
    else:
        parts.append("both-differ")
    if (a["sex"] in "MF" and b["sex"] in "MF") and a["sex"] != b["sex"]:
        parts.append("sex-differs")
    if a["patronymic_key"] and b["patronymic_key"] and a["patronymic_key"] != b["patronymic_key"]:
        parts.append("patr-differs")
    return "+".join(parts)


def analyse(n: int, seed: int, review: int, show: int, kind_filter: str = "") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project, truth = link_bench._synthetic(Path(tmp), n, seed)
        result = run(project, seed=seed, truth=truth)
        print("before review", result.truth, "blocking recall", result.blocking_recall)
        if review:
            link_bench.review_with_truth(project, truth, review)
        ids = _truth_ids(project, truth, list(iter_records(project.engine)))
        with project.engine.connect() as conn:
            feats = {r.record_id: dict(r._mapping) for r in conn.execute(select(link_features))}
            label = dict(
                conn.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
            )
            prob = {(min(a, b), max(a, b)): p for a, b, p in stored_pairs(conn)}
        project.close()
    by_true: dict[str, list[int]] = {}
    by_pred: dict[str, list[int]] = {}
    for rid, pid in ids.items():
        by_true.setdefault(pid, []).append(rid)
        by_pred.setdefault(label[rid], []).append(rid)
    fn: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn_scored: Counter[str] = Counter()
    examples: list[tuple[str, str, float | None, dict[str, Any], dict[str, Any]]] = []
    for members in by_true.values():
        for a, b in combinations(sorted(members), 2):
            if label[a] != label[b]:
                c = _cause(feats[a], feats[b])
                fn[c] += 1
                p = prob.get((a, b))
                fn_scored["unscored" if p is None else ("above" if p >= 0.2 else "below")] += 1
                examples.append(("FN", c, p, feats[a], feats[b]))
    for members in by_pred.values():
        for a, b in combinations(sorted(members), 2):
            if ids[a] != ids[b]:
                c = _cause(feats[a], feats[b])
                fp[c] += 1
                examples.append(("FP", c, prob.get((a, b)), feats[a], feats[b]))
    print(f"false negatives {sum(fn.values())}  ({dict(fn_scored)})")
    for c, k in fn.most_common():
        print(f"  {k:5d}  {c}")
    print(f"false positives {sum(fp.values())}")
    for c, k in fp.most_common():
        print(f"  {k:5d}  {c}")
    cols = (
        "source",
        "surname_key",
        "given_key",
        "patronymic_key",
        "sex",
        "birth_year",
        "event_date",
        "place_id",
    )
    shown = [e for e in examples if not kind_filter or e[0] == kind_filter]
    for kind, c, p, left, right in shown[:show]:
        print(kind, c, p)
        print("   ", [left[k] for k in cols])
        print("   ", [right[k] for k in cols])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--review", type=int, default=0)
    parser.add_argument("--show", type=int, default=0, help="print this many error pairs")
    parser.add_argument("--kind", choices=("FP", "FN"), default="", help="only these errors")
    args = parser.parse_args()
    analyse(args.n, args.seed, args.review, args.show, args.kind)


if __name__ == "__main__":
    main()
