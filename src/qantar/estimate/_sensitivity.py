"""How much the estimate moves with the modelling choices: a sensitivity table.

Rows, each an estimate with its 95% interval on the same histories (strata summed away):

- every method that fits the data, side by side (the headline method, fixed in
  qantar.toml before looking, marked);
- LCMCR with K = 5, 10 and 20 latent classes, and with a second prior on alpha;
- leave one list out: the headline method without each list in turn;
- log-linear models: the best few by AIC, each with its profile interval.

A warning names every row whose interval does not overlap the headline's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from qantar.errors import InputError
from qantar.estimate._api import (
    HEADLINE_METHOD,
    LCMCR_OPTIONS,
    _pick,
    _stratum_seed,
    estimate,
)
from qantar.estimate._inputs import check_histories, drop_lists
from qantar.estimate._lcmcr import A_ALPHA, B_ALPHA, N_CLASSES, lcmcr
from qantar.estimate._loglinear import fit_model, loglinear, profile_interval
from qantar.estimate._result import Estimate
from qantar.estimate._wording import analysis_words, row_label
from qantar.model.histories import Histories
from qantar.notes import N_, Note

CLASSES = (5, 10, 20)
# R's default Gamma(0.25, 0.25) (mean 1, very vague) against Gamma(1, 0.25): mean 4, which
# favours more occupied classes (the alternative bench/mse_hidden_class.py also tries).
ALPHA_PRIORS = ((A_ALPHA, B_ALPHA), (1.0, 0.25))
TOP_MODELS = 5


def _row(analysis: str, label: str, result: Estimate, **extra: Any) -> dict[str, Any]:
    return {
        "analysis": analysis,
        "label": label,
        "method": result.method,
        "lists": list(result.lists),
        "observed": result.observed,
        "estimate": result.estimate,
        "lower": result.lower,
        "upper": result.upper,
        **extra,
    }


def sensitivity(
    histories: Histories,
    *,
    seed: int = 0,
    headline: str = HEADLINE_METHOD,
    classes: tuple[int, ...] = CLASSES,
    alpha_priors: tuple[tuple[float, float], ...] = ALPHA_PRIORS,
    top_models: int = TOP_MODELS,
    pool_smallest: bool = False,
    progress: Callable[[str], None] | None = None,
    **options: Any,
) -> dict[str, Any]:
    """The sensitivity table of the module docstring as a JSON-ready dict: ``headline``
    (method and row), ``rows``, ``warnings`` and the headline run's ``checks`` (posterior
    predictive and list dependence). ``options`` (burnin, samples, thinning,
    chains, until_converged, max_samples, criterion, delta...) go to every run; each run
    has its own seed derived from ``seed``."""
    data = histories.collapsed() if histories.strata is not None else histories
    check_histories(data)
    n_lists = len(data.lists)
    if headline not in ("lcmcr", "loglinear", "dga", "chapman"):
        raise InputError(N_("unknown headline method %(method)s"), method=repr(headline))
    if headline == "lcmcr" and n_lists < 3:
        headline = "chapman"
    rows: list[dict[str, Any]] = []
    runs = 0

    def next_seed() -> int:
        nonlocal runs
        runs += 1
        return _stratum_seed(seed, runs)

    def say(what: str) -> None:
        if progress is not None:
            progress(what)

    say("methods side by side")
    side = estimate(
        data,
        method="all",
        seed=next_seed(),
        headline=headline,
        pool_smallest=pool_smallest,
        **options,
    )
    by_method = {r.method: r for r in [side, *side.others]}
    if headline not in by_method:
        raise InputError(
            N_(
                "the headline method %(method)s does not run on these %(n)s lists (methods "
                "run: %(methods)s); fix [estimate] headline_method in qantar.toml, or pool "
                "lists (--pool-smallest) for dga"
            ),
            method=headline,
            n=n_lists,
            methods=", ".join(by_method),
        )
    for result in [side, *side.others]:
        rows.append(_row("methods", result.method, result, headline=result.method == headline))
    lcmcr_options = _pick(options, LCMCR_OPTIONS)
    default_prior = (
        float(options.get("a_alpha", A_ALPHA)),
        float(options.get("b_alpha", B_ALPHA)),
    )
    if n_lists >= 3:
        base_k = int(options.get("n_classes", N_CLASSES))
        for k in classes:
            say(f"LCMCR with K = {k}")
            reused = by_method.get("lcmcr") if k == base_k else None
            result = (
                reused
                if reused is not None
                else lcmcr(data, seed=next_seed(), **{**lcmcr_options, "n_classes": k})
            )
            rows.append(
                _row(
                    "lcmcr classes",
                    f"K = {k}",
                    result,
                    n_classes=k,
                    a_alpha=default_prior[0],
                    b_alpha=default_prior[1],
                )
            )
        for a, b in alpha_priors:
            if (a, b) == default_prior:
                continue
            say(f"LCMCR with alpha ~ Gamma({a:g}, {b:g})")
            result = lcmcr(
                data,
                seed=next_seed(),
                **{**lcmcr_options, "n_classes": base_k, "a_alpha": a, "b_alpha": b},
            )
            rows.append(
                _row(
                    "lcmcr prior on alpha",
                    f"alpha ~ Gamma({a:g}, {b:g}), K = {base_k}",
                    result,
                    n_classes=base_k,
                    a_alpha=a,
                    b_alpha=b,
                )
            )
    for name in data.lists:
        say(f"without {name}")
        left = drop_lists(data, [name])
        method = headline
        if method in ("lcmcr", "dga") and len(left.lists) < 3:
            method = "loglinear"
        try:
            check_histories(left)
            result = estimate(left, method=method, seed=next_seed(), **options)
        except InputError as exc:
            rows.append(
                {
                    "analysis": "leave one list out",
                    "label": f"without {name}",
                    "error": Note(exc.message, **exc.params),
                }
            )
            continue
        rows.append(_row("leave one list out", f"without {name}", result, dropped=name))
    say("log-linear models by AIC")
    table = loglinear(data, criterion="AIC").diagnostics["models"]
    usable = [m for m in table if m["converged"]][:top_models]
    for entry in usable:
        fit = fit_model(data, entry["model"])
        lower, upper = profile_interval(data, fit, entry["model"])
        rows.append(
            {
                "analysis": "log-linear models",
                "label": entry["model"],
                "method": "loglinear",
                "lists": list(data.lists),
                "observed": data.observed,
                "estimate": fit.estimate,
                "lower": lower,
                "upper": upper,
                "aic": entry["aic"],
            }
        )
    head = next(r for r in rows if r.get("headline"))
    warnings: list[str] = []
    for row in rows:
        if row is head or "error" in row:
            continue
        if row["upper"] < head["lower"] or row["lower"] > head["upper"]:
            warnings.append(
                Note(
                    N_(
                        "%(analysis)s, %(label)s: %(estimate)s (%(lower)s-%(upper)s) does not "
                        "overlap the headline %(method)s interval (%(head_lower)s-"
                        "%(head_upper)s): the estimate depends on this choice; report it"
                    ),
                    analysis=analysis_words(row["analysis"]),
                    label=row_label(row),
                    estimate=f"{row['estimate']:,.0f}",
                    lower=f"{row['lower']:,.0f}",
                    upper=f"{row['upper']:,.0f}",
                    method=head["method"],
                    head_lower=f"{head['lower']:,.0f}",
                    head_upper=f"{head['upper']:,.0f}",
                )
            )
    values = [r["estimate"] for r in rows if "error" not in r]
    return {
        "headline": {
            "method": headline,
            "estimate": head["estimate"],
            "lower": head["lower"],
            "upper": head["upper"],
        },
        "range": [min(values), max(values)],
        "rows": rows,
        "warnings": warnings,
        "method_warnings": side.warnings,
        # The headline run's model checks, so that the table is read with their verdicts.
        "checks": {
            key: side.diagnostics[key]
            for key in ("predictive_check", "dependence_check")
            if key in side.diagnostics
        },
    }
