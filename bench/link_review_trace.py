"""What the review queue's decisions do: kind, outcome and gain, batch by batch.

    PYTHONPATH=src python bench/link_review_trace.py --seeds 3,7,11,19,23,29 [--review 100]

Links each seed's five-list scenario (``link_bench._synthetic``), then lets the truth
review the queue's most useful pairs in batches of 20 through
``link_bench.review_with_truth``, and prints per seed the pairwise measures before and
after, and how the decisions were spent: on a nameless record or two named ones, asking
to split a person or to join two, answered match (M) or non-match (N). A split answered
M or a join answered N changes nothing. ``--show`` prints every decision with its
probability and priority.
"""

from __future__ import annotations

import argparse
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import link_bench

from qantar.link import evaluate, run
from qantar.link._pipeline import nameless_records


def trace(n: int, seed: int, review: int, show: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project, truth = link_bench._synthetic(Path(tmp), n, seed)
        before = run(project, seed=seed, truth=truth).truth or {}
        nameless = nameless_records(project.engine)
        kinds: Counter[str] = Counter()

        def on_decision(it: Any, same: bool) -> None:
            kind = (
                ("nameless" if {it.record_id_l, it.record_id_r} & nameless else "named")
                + ("-split" if it.linked else "-join")
                + ("-M" if same else "-N")
            )
            kinds[kind] += 1
            if show:
                print(f"    {kind:18s} p {it.match_probability:.3f} priority {it.priority:.3f}")

        def after_batch(done: int) -> None:
            if show:
                m = evaluate(project, truth)
                print(f"  after {done}: P {m['precision']} R {m['recall']} F1 {m['f1']}")

        done = link_bench.review_with_truth(
            project, truth, review, on_decision=on_decision, after_batch=after_batch
        )
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
