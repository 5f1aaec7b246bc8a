"""What the review queue's decisions do: kind, outcome and gain, batch by batch.

    PYTHONPATH=src python bench/link_review_trace.py --seeds 3,7,11,19,23,29 [--review 100]

Links each seed's five-list scenario (``link_bench._synthetic``), then lets the truth
review the queue's most useful pairs in batches of 20 as ``link_bench.review_with_truth``
does, and prints per seed the pairwise measures before and after, and how the decisions
were spent: on a nameless record or two named ones, asking to split a person or to join
two, answered match (M) or non-match (N). A split answered M or a join answered N
changes nothing. ``--show`` prints every decision with its probability and priority.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path

import link_bench

from qantar.link import evaluate, queue, recluster, record_decision, run
from qantar.link._features import iter_records
from qantar.link._pipeline import _truth_ids, nameless_records


def trace(n: int, seed: int, review: int, show: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project, truth = link_bench._synthetic(Path(tmp), n, seed)
        before = run(project, seed=seed, truth=truth).truth or {}
        ids = _truth_ids(project, truth, list(iter_records(project.engine)))
        nameless = nameless_records(project.engine)
        kinds: Counter[str] = Counter()
        done = 0
        while done < review:
            items = queue(project.engine, limit=min(20, review - done))
            if not items:
                break
            for it in items:
                a, b = ids.get(it.record_id_l), ids.get(it.record_id_r)
                same = a is not None and a == b
                kind = (
                    ("nameless" if {it.record_id_l, it.record_id_r} & nameless else "named")
                    + ("-split" if it.linked else "-join")
                    + ("-M" if same else "-N")
                )
                kinds[kind] += 1
                if show:
                    print(f"    {kind:18s} p {it.match_probability:.3f} "
                          f"priority {it.priority:.3f}")  # fmt: skip
                record_decision(
                    project.engine,
                    it.record_key_l,
                    it.record_key_r,
                    "match" if same else "non-match",
                    reviewer="truth",
                )
                done += 1
            recluster(project)
            if show:
                m = evaluate(project, truth)
                print(f"  after {done}: P {m['precision']} R {m['recall']} F1 {m['f1']}")
        after = evaluate(project, truth)
        project.close()
    print(
        f"seed {seed}: before {before.get('precision')} / {before.get('recall')} / "
        f"{before.get('f1')}  after {done}: {after['precision']} / {after['recall']} / "
        f"{after['f1']}  decisions {dict(sorted(kinds.items()))}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seeds", default="3,7,11,19,23")
    parser.add_argument("--review", type=int, default=100)
    parser.add_argument("--show", action="store_true", help="print every decision")
    args = parser.parse_args()
    for seed in (int(s) for s in args.seeds.split(",")):
        trace(args.n, seed, args.review, args.show)


if __name__ == "__main__":
    main()
