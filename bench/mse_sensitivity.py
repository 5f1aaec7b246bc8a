"""The sensitivity table on the demo's scenario (`qantar demo`: 1,000 killed, seed 7).

    PYTHONPATH=src python -W ignore bench/mse_sensitivity.py [--n 1000] [--seed 7]

Uses the scenario's true capture histories of the killed (linkage taken as perfect, so the
table shows the modelling choices alone), runs ``qantar.estimate.sensitivity`` with the
library defaults (LCMCR sampled until converged) and prints each row beside the truth.
"""

from __future__ import annotations

import argparse
import time

from qantar import synth
from qantar.estimate import sensitivity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    scenario = synth.generate(synth.ScenarioConfig(n=args.n), seed=args.seed)
    histories = scenario.histories("killed")
    truth = scenario.n_killed
    print(
        f"demo scenario: {truth:,} killed, {histories.observed:,} documented on "
        f"{len(histories.lists)} lists ({', '.join(histories.lists)})"
    )
    started = time.perf_counter()
    table = sensitivity(histories, seed=args.seed, progress=lambda what: None)
    print(f"| analysis | choice | estimate | 95% interval | covers {truth:,} |")
    print("| --- | --- | --- | --- | --- |")
    for row in table["rows"]:
        if "error" in row:
            print(f"| {row['analysis']} | {row['label']} | - | {row['error']} | |")
            continue
        label = row["label"] + (" (headline)" if row.get("headline") else "")
        covers = "yes" if row["lower"] <= truth <= row["upper"] else "no"
        print(
            f"| {row['analysis']} | {label} | {row['estimate']:,.0f} | "
            f"{row['lower']:,.0f}-{row['upper']:,.0f} | {covers} |"
        )
    checks = table["checks"]
    if "predictive_check" in checks:
        ppc = checks["predictive_check"]
        print(
            f"posterior predictive check: flagged {ppc['flagged']}, p = {ppc['p_value']:.2f}, "
            f"one-list share p = {ppc['one_list_share_p']:.2f}"
        )
    if "dependence_check" in checks:
        dep = checks["dependence_check"]
        print(
            f"list-dependence check: flagged {dep['flagged']}, p = {dep.get('p_value', 1):.4f}, "
            f"pairs named {dep.get('pairs_named', [])}"
        )
    for warning in table["warnings"] + table["method_warnings"]:
        print(f"warning: {warning}")
    print(f"{time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
