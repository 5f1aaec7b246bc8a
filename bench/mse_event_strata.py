"""Coverage of the killed toll by region, with detainees on the lists and regions missing.

    PYTHONPATH=src nice -n 10 python -W ignore bench/mse_event_strata.py --seeds 20

For each seed, a synthetic scenario (``qantar.synth``: 300 killed, 150 detained, the five
default lists, seed = 1..20) is reduced to what a linked project hands the estimator: one
row per documented person, the lists that documented them *as killed* (detainees are on
the NGO, press and hotline lists, and must count for no list here), and each person's
region (as regions were in January 2022). A share of the documented killed (20% by
default, chosen at random with the seed) lose their region, as when no list says where a
person died. The killed are then estimated by region with LCMCR, each missing region
imputed ``--imputations`` times, exactly as ``qantar estimate --strata region`` does
(``qantar.estimate._project.estimate_captures``). Small regions are pooled by the
estimator into ``other (pooled)``; its truth is the sum of the regions pooled.

Prints, per seed, the true and estimated totals, and at the end the share of 95% intervals
that hold the truth: overall, per region, and over every (seed, stratum) pair. Linkage is
not part of this bench (its errors are measured in bench/link_*.py): the persons here are
the true ones. MCMC is shortened to keep 20 seeds affordable on a shared machine (2 chains,
``--iterations`` sweeps after 2,000 burn-in, 500 draws kept); the defaults of ``qantar
estimate`` sample far longer.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter, defaultdict

import numpy as np

from qantar.estimate._api import POOLED
from qantar.estimate._dependence import dependence_check
from qantar.estimate._project import estimate_captures
from qantar.estimate._result import Estimate
from qantar.ingest import gazetteer
from qantar.model.histories import PersonCaptures
from qantar.synth import ScenarioConfig, generate


def _captures(
    seed: int,
    n: int,
    detainees: int,
    missing: float,
    *,
    dependence: float = 1.0,
    heterogeneity: float = 1.0,
) -> tuple[PersonCaptures, Counter[str], int]:
    """The documented killed with regions (some removed) and the true killed per region."""
    config = ScenarioConfig(
        n=n, detainees=detainees, dependence=dependence, heterogeneity=heterogeneity
    )
    scenario = generate(config, seed=seed)
    killed = [i for i, p in enumerate(scenario.persons) if p.event == "killed"]
    regions = [gazetteer().region_of(scenario.persons[i].place_id) or "unknown" for i in killed]
    truth = Counter(regions)
    rows = scenario.captured[killed]
    seen = rows.any(axis=1)
    rng = np.random.default_rng(np.random.SeedSequence([seed, 99]))
    values: list[str | None] = [
        None if rng.random() < missing else r for r, s in zip(regions, seen, strict=True) if s
    ]
    ages = [
        "0-17" if scenario.persons[i].age < 18 else "18+"
        for i, s in zip(killed, seen, strict=True)
        if s
    ]
    sexes = [scenario.persons[i].sex for i, s in zip(killed, seen, strict=True) if s]
    captures = PersonCaptures(
        scenario.list_names,
        rows[seen].astype(np.uint8),
        {"region": values, "sex": list(sexes), "age_group": ages},
    )
    detained_documented = int(
        sum(
            1
            for i, p in enumerate(scenario.persons)
            if p.event == "detained" and scenario.captured[i].any()
        )
    )
    return captures, truth, detained_documented


Interval = tuple[float, float, int]  # lower, upper, truth

# Rules fixed before measuring them: which interval to headline, from LCMCR's (the
# default), dga's (models dependence between lists), log-linear's (the AIC-selected model,
# "loglinear", or the AIC-weighted average, "loglinear-avg") and the list-dependence check.
RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "dga if flagged": ("flagged", ("dga",)),
    "LCMCR or dga if flagged": ("flagged", ("lcmcr", "dga")),
    "log-linear average if flagged": ("flagged", ("loglinear-avg",)),
    "every method if flagged": ("flagged", ("lcmcr", "dga", "loglinear", "loglinear-avg")),
    "every method, always": ("always", ("lcmcr", "dga", "loglinear", "loglinear-avg")),
}


def _rule(
    when: str, parts: tuple[str, ...], flag: bool, scores: dict[str, dict[str, Interval]]
) -> dict[str, Interval]:
    """The rule's interval per stratum: LCMCR's unless it applies, else the union (lowest
    lower end to highest upper end) of its methods' intervals."""
    base = scores["lcmcr"]
    if when == "flagged" and not flag:
        return dict(base)
    out = {}
    for key, (_lo, _hi, truth) in base.items():
        if all(key in scores[m] for m in parts):
            out[key] = (
                min(scores[m][key][0] for m in parts),
                max(scores[m][key][1] for m in parts),
                truth,
            )
    return out


def _scored(result: Estimate, truth: Counter[str]) -> dict[str, Interval]:
    """Per scored stratum (and ``total``): the interval and the truth."""
    total = sum(truth.values())
    out = {"total": (result.lower, result.upper, total)}
    named = [s for s in result.strata if s != POOLED]
    for label, part in result.strata.items():
        if label == POOLED:
            if len(result.strata) != len(
                result.diagnostics.get("imputation", {}).get("strata", result.strata)
            ):
                continue  # strata pooled differently between imputations: no one truth
            true_n = total - sum(truth[s] for s in named)
        else:
            true_n = truth[label]
        out[label] = (part.lower, part.upper, true_n)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--detainees", type=int, default=150)
    parser.add_argument("--missing", type=float, default=0.2)
    parser.add_argument("--imputations", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=10_000)
    parser.add_argument(
        "--dependence", type=float, default=1.0, help="synth's list dependence (1: default)"
    )
    parser.add_argument(
        "--heterogeneity", type=float, default=1.0, help="synth's heterogeneity (1: default)"
    )
    parser.add_argument(
        "--methods", default="lcmcr",
        help="comma-separated methods to score (lcmcr, dga, loglinear, loglinear-avg: the "
        "model average, lcmcr-total: the total from one model without strata); every rule "
        "of RULES whose methods are among them is scored too",
    )  # fmt: skip
    args = parser.parse_args()
    methods = args.methods.split(",")
    options = {"iterations": args.iterations, "samples": 500, "burnin": 2_000, "chains": 2}
    names = methods + [
        rule for rule, (_w, parts) in RULES.items() if {"lcmcr", *parts} <= set(methods)
    ]
    overall: dict[str, int] = Counter()
    by_region: dict[str, dict[str, list[bool]]] = {m: defaultdict(list) for m in names}
    flagged = 0
    started = time.perf_counter()
    print(f"{'seed':>4} {'truth':>5} {'documented':>10} {'missing':>7} {'flag':>4}  "
          + "  ".join(f"{m + ' (strata held)':>28}" for m in methods))  # fmt: skip
    for seed in range(1, args.seeds + 1):
        captures, truth, detained = _captures(
            seed, args.n, args.detainees, args.missing,
            dependence=args.dependence, heterogeneity=args.heterogeneity,
        )  # fmt: skip
        flag = bool(dependence_check(captures.histories())[0]["flagged"])
        flagged += flag
        scores: dict[str, dict[str, Interval]] = {}
        cells = []
        for method in methods:
            base = method.removesuffix("-avg").removesuffix("-total")
            kept: dict[str, object] = dict(options) if base == "lcmcr" else {}
            if method.endswith("-avg"):
                kept["average"] = True
            # "-total": the total from one model of every region together (no strata).
            result = estimate_captures(
                captures, method=base, seed=seed, imputations=args.imputations,
                strata=None if method.endswith("-total") else "region", **kept,
            )  # fmt: skip
            scores[method] = _scored(result, truth)
            held = sum(lo <= t <= hi for k, (lo, hi, t) in scores[method].items() if k != "total")
            cells.append(
                f"{result.estimate:>5,.0f} ({result.lower:,.0f}-{result.upper:,.0f}) "
                f"{held}/{len(scores[method]) - 1}"
            )
        for rule in names[len(methods) :]:
            when, parts = RULES[rule]
            scores[rule] = _rule(when, parts, flag, scores)
        for name in names:
            for label, (lo, hi, true_n) in scores[name].items():
                ok = lo <= true_n <= hi
                if label == "total":
                    overall[name] += ok
                by_region[name][label].append(ok)
        missing = sum(1 for v in captures.fields["region"] if v is None)
        print(f"{seed:>4} {sum(truth.values()):>5} {captures.persons:>10} {missing:>7} "
              f"{'yes' if flag else 'no':>4}  " + "  ".join(f"{c:>28}" for c in cells)
              + f"  (detainees documented, left out: {detained})")  # fmt: skip
    seeds = args.seeds
    print()
    print(f"dependence check flagged {flagged}/{seeds} seeds")
    for name in names:
        regions = {k: v for k, v in by_region[name].items() if k != "total"}
        pairs = [ok for hits in regions.values() for ok in hits]
        print(f"{name}: overall {overall[name]}/{seeds} ({overall[name] / seeds:.0%}); "
              f"every (seed, stratum) {sum(pairs)}/{len(pairs)} "
              f"({sum(pairs) / max(len(pairs), 1):.0%})")  # fmt: skip
        for label, hits in sorted(regions.items()):
            print(f"  {label:<16} {sum(hits)}/{len(hits)} ({sum(hits) / len(hits):.0%})")
    print(f"{time.perf_counter() - started:.0f} s wall")


if __name__ == "__main__":
    main()
