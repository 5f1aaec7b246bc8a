"""Log-linear capture-recapture models in the manner of Rcapture's ``closedp.t``.

The 2^L - 1 observed cells of the list-overlap table are Poisson counts with
log mu = X beta; the cell nobody sees (all lists 0) has log mu = beta_0 (its design row is
zero), so the estimate is N = n + exp(beta_0). The models differ in X:

- M0: one column, the number of lists a person is on (all lists equally likely to list);
- Mt: one column per list (lists differ, persons alike, lists independent);
- Mth Chao / Darroch / Poisson2: Mt plus a function of the number of lists a person is on,
  which lets some persons be easier to document than others (heterogeneity). Chao's
  columns are (k - j + 1)+ for j = 3..L and yield a lower bound; Darroch uses k^2 / 2 and
  Poisson2 uses 2^k - 1 (Rivest and Baillargeon);
- Mt with two-way interactions: list pairs that tend to share (or avoid) the same persons.

Intervals are profile-likelihood intervals for N from the multinomial likelihood (Cormack
1992), as Rcapture reports them.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, special

from qantar.estimate._diagnostics import data_warnings
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.notes import N_, Note

HETEROGENEITY = ("Chao", "Darroch", "Poisson2")
_CHI2_95 = 3.841458820694124
# Models averaged: the heaviest by weight (the rest carry almost nothing and each costs
# a profile interval).
AVERAGE_MODELS = 8


@dataclass
class LoglinearFit:
    name: str
    columns: list[str]
    beta: npt.NDArray[np.float64]
    loglik: float
    n_params: int
    estimate: float
    converged: bool
    notes: list[str]

    @property
    def aic(self) -> float:
        return 2 * self.n_params - 2 * self.loglik

    def bic(self, n_cells: int) -> float:
        return math.log(n_cells) * self.n_params - 2 * self.loglik


def all_patterns(n_lists: int) -> npt.NDArray[np.int64]:
    """Every non-empty capture pattern, one row each."""
    grid = np.array(list(itertools.product((0, 1), repeat=n_lists)), dtype=np.int64)
    return grid[grid.sum(axis=1) > 0]


def cell_counts(histories: Histories) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """The full table of observed cells (zeros included): patterns and counts."""
    cells = all_patterns(len(histories.lists))
    index = {tuple(row): i for i, row in enumerate(cells.tolist())}
    y = np.zeros(len(cells), dtype=np.float64)
    for row, count in zip(histories.patterns.tolist(), histories.counts.tolist(), strict=True):
        y[index[tuple(row)]] += count
    return cells, y


def design(cells: npt.NDArray[np.int64], model: str) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Design columns (without the intercept) of a named model."""
    k = cells.sum(axis=1).astype(np.float64)
    n_lists = cells.shape[1]
    lists = [f"list{j + 1}" for j in range(n_lists)]
    if model == "M0":
        return k[:, None], ["captures"]
    base = cells.astype(np.float64)
    if model == "Mt":
        return base, lists
    if model == "Mth Chao":
        extra = [np.maximum(k - j + 1, 0) for j in range(3, n_lists + 1)]
        names = [f"chao{j}" for j in range(3, n_lists + 1)]
        return np.column_stack([base, *extra]) if extra else base, lists + names
    if model == "Mth Darroch":
        return np.column_stack([base, k**2 / 2]), [*lists, "darroch"]
    if model == "Mth Poisson2":
        return np.column_stack([base, 2.0**k - 1]), [*lists, "poisson2"]
    if model.startswith("Mt+"):
        cols = [base]
        names = list(lists)
        for pair in model[3:].split(","):
            a, b = (int(x) - 1 for x in pair.split(":"))
            cols.append((cells[:, a] * cells[:, b]).astype(np.float64)[:, None])
            names.append(f"list{a + 1}:list{b + 1}")
        return np.column_stack(cols), names
    raise ValueError(f"unknown log-linear model {model!r}")


def _poisson_fit(
    X: npt.NDArray[np.float64], y: npt.NDArray[np.float64]
) -> tuple[npt.NDArray[np.float64], bool]:
    """Maximum-likelihood Poisson regression by Newton's method (X has the intercept)."""
    beta = np.zeros(X.shape[1])
    beta[0] = math.log(max(y.mean(), 1e-8))
    converged = False
    for _ in range(200):
        eta = np.clip(X @ beta, -700, 700)
        mu = np.exp(eta)
        grad = X.T @ (y - mu)
        hess = X.T @ (X * mu[:, None])
        try:
            step = np.linalg.solve(hess + 1e-10 * np.eye(len(beta)), grad)
        except np.linalg.LinAlgError:
            break
        # Damped steps keep Newton from overshooting when a cell is empty.
        scale = 1.0
        ll_old = float(y @ eta - mu.sum())
        while scale > 1e-6:
            cand = beta + scale * step
            eta_c = np.clip(X @ cand, -700, 700)
            if float(y @ eta_c - np.exp(eta_c).sum()) >= ll_old - 1e-9:
                break
            scale /= 2
        beta = beta + scale * step
        if np.max(np.abs(scale * step)) < 1e-10:
            converged = True
            break
    return beta, converged


def _poisson_loglik(mu: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(y > 0, y * np.log(mu), 0.0)
    return float(terms.sum() - mu.sum() - special.gammaln(y + 1).sum())


def fit_model(histories: Histories, model: str) -> LoglinearFit:
    cells, y = cell_counts(histories)
    X0, names = design(cells, model)
    notes: list[str] = []
    active = list(range(X0.shape[1]))
    while True:
        X = np.column_stack([np.ones(len(y)), X0[:, active]])
        beta, converged = _poisson_fit(X, y)
        if model != "Mth Chao":
            break
        # Chao's lower bound needs non-negative heterogeneity terms (Rcapture sets
        # negative ones to zero): a negative one is dropped and the model refitted.
        n_lists = cells.shape[1]
        negative = [pos for pos, col in enumerate(active) if col >= n_lists and beta[pos + 1] < 0]
        if not negative:
            break
        dropped = active[negative[-1]]
        notes.append(
            Note(
                N_("heterogeneity term %(term)s was negative and set to 0"), term=names[dropped]
            )
        )
        active.remove(dropped)
    mu = np.exp(X @ beta)
    n = float(y.sum())
    return LoglinearFit(
        name=model,
        columns=["intercept", *[names[c] for c in active]],
        beta=beta,
        loglik=_poisson_loglik(mu, y),
        n_params=X.shape[1],
        estimate=n + math.exp(beta[0]),
        converged=converged,
        notes=notes,
    )


def profile_interval(histories: Histories, fit: LoglinearFit, model: str) -> tuple[float, float]:
    """95% profile-likelihood interval for N: the N whose multinomial profile
    log-likelihood is within chi2(1, 0.95)/2 of its maximum."""
    cells, y = cell_counts(histories)
    X0, names = design(cells, model)
    keep = [names.index(c) for c in fit.columns[1:]]
    Xobs = np.column_stack([np.ones(len(y)), X0[:, keep]])
    Xfull = np.vstack([np.eye(1, Xobs.shape[1]), Xobs])
    n = float(y.sum())

    def profile(total: float) -> float:
        yfull = np.concatenate([[total - n], y])
        beta, _ = _poisson_fit(Xfull, yfull)
        mu = np.exp(Xfull @ beta)
        p = mu / mu.sum()
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(yfull > 0, yfull * np.log(p), 0.0)
        return float(
            special.gammaln(total + 1)
            - special.gammaln(total - n + 1)
            - special.gammaln(y + 1).sum()
            + terms.sum()
        )

    best = optimize.minimize_scalar(
        lambda t: -profile(n + math.exp(t)),
        bounds=(math.log(1e-6), math.log(max(fit.estimate - n, 1.0) * 100 + 10)),
        method="bounded",
        options={"xatol": 1e-8},
    )
    peak = -best.fun
    center = n + math.exp(best.x)

    def gap(total: float) -> float:
        return peak - profile(total) - _CHI2_95 / 2

    lower = n if gap(n + 1e-9) <= 0 else optimize.brentq(gap, n + 1e-9, center, xtol=1e-6)
    hi = center * 2
    for _ in range(60):
        if gap(hi) > 0:
            break
        hi *= 2
    else:
        return float(lower), math.inf
    upper = optimize.brentq(gap, center, hi, xtol=1e-6)
    return float(lower), float(upper)


def candidate_models(n_lists: int) -> list[str]:
    """The heterogeneity family plus Mt with every set of two-way interactions (for
    up to five lists; beyond that single interactions only, to keep the search small)."""
    models = ["M0", "Mt", "Mth Chao", "Mth Darroch", "Mth Poisson2"]
    if n_lists < 3:
        return ["M0", "Mt"]
    pairs = [f"{a + 1}:{b + 1}" for a, b in itertools.combinations(range(n_lists), 2)]
    max_terms = len(pairs) - 1 if n_lists <= 4 else 2
    for size in range(1, max_terms + 1):
        for combo in itertools.combinations(pairs, size):
            models.append("Mt+" + ",".join(combo))
    return models


def _split_normal_cdf(x: float, centre: float, below: float, above: float) -> float:
    scale = below if x < centre else above
    return float(special.ndtr((x - centre) / max(scale, 1e-12)))


def model_average(
    histories: Histories,
    fits: list[LoglinearFit],
    scores: list[float],
    *,
    max_models: int = AVERAGE_MODELS,
) -> dict[str, Any]:
    """Average over models by their information-criterion weights (Burnham and Anderson:
    w ∝ exp(-Δ/2)). The point is the weighted mean; the interval is the model-averaged
    tail-area interval of Turek and Fletcher (2012): the N whose weighted tail areas are
    2.5% and 97.5%, each model's sampling distribution of log(N - n) taken as a split
    normal through its profile interval. Models beyond the ``max_models`` heaviest are
    dropped and the weights renormalised (they carry almost nothing)."""
    best = min(scores)
    raw = np.exp(-(np.asarray(scores) - best) / 2.0)
    order = np.argsort(-raw)[:max_models]
    order = order[raw[order] / raw.sum() >= 1e-4]
    weights = raw[order] / raw[order].sum()
    n = float(histories.observed)
    parts = []
    for index, weight in zip(order, weights, strict=True):
        fit = fits[int(index)]
        lower, upper = profile_interval(histories, fit, fit.name)
        parts.append((fit, float(weight), lower, upper))
    estimate = float(sum(w * f.estimate for f, w, _, _ in parts))
    unbounded = any(not math.isfinite(u) for _, _, _, u in parts)
    curves = []
    for fit, weight, lower, upper in parts:
        centre = math.log(max(fit.estimate - n, 1e-9))
        below = (centre - math.log(max(lower - n, 1e-9))) / 1.959964
        above = (
            (math.log(max(upper - n, 1e-9)) - centre) / 1.959964 if math.isfinite(upper) else 50.0
        )
        curves.append((weight, centre, below, above))

    def tail(x: float) -> float:
        return sum(w * _split_normal_cdf(x, c, b, a) for w, c, b, a in curves)

    lo_x = min(c - 12 * max(b, 1e-3) for _, c, b, _ in curves)
    hi_x = max(c + 12 * max(a, 1e-3) for _, c, _, a in curves)
    lower_avg = n + math.exp(optimize.brentq(lambda x: tail(x) - 0.025, lo_x, hi_x))
    upper_avg = (
        math.inf
        if unbounded
        else n + math.exp(optimize.brentq(lambda x: tail(x) - 0.975, lo_x, hi_x))
    )
    return {
        "estimate": estimate,
        "lower": max(lower_avg, n),
        "upper": upper_avg,
        "weights": [
            {
                "model": f.name,
                "weight": round(w, 4),
                "estimate": round(f.estimate, 1),
                "lower": round(lo, 1),
                "upper": round(up, 1) if math.isfinite(up) else None,
            }
            for f, w, lo, up in parts
        ],
    }


def loglinear(
    histories: Histories,
    *,
    model: str | None = None,
    criterion: str = "AIC",
    models: list[str] | None = None,
    average: bool = False,
) -> Estimate:
    """Fit log-linear models and report the one chosen by AIC (or BIC), or the named
    ``model`` ("M0", "Mt", "Mth Chao", "Mth Darroch", "Mth Poisson2", "Mt+1:2,3:4").

    The result's diagnostics list every fitted model with its estimate, AIC and BIC. A
    selected model's interval ignores the uncertainty of selecting it, so the
    diagnostics also carry the estimate and interval averaged over models by their
    weights (``averaged``, see ``model_average``); with ``average`` those are the result.
    """
    criterion = criterion.upper()
    if criterion not in ("AIC", "BIC"):
        raise ValueError("criterion is AIC or BIC")
    cells, _ = cell_counts(histories)
    names = [model] if model else (models or candidate_models(len(histories.lists)))
    fits = [fit_model(histories, m) for m in names]
    n_cells = len(cells)
    usable = [f for f in fits if f.converged and f.n_params < n_cells] or fits

    def score(f: LoglinearFit) -> float:
        return f.bic(n_cells) if criterion == "BIC" else f.aic

    chosen = min(usable, key=score)
    lower, upper = profile_interval(histories, chosen, chosen.name)
    selected = {"estimate": chosen.estimate, "lower": lower, "upper": upper}
    warnings: list[str] = list(data_warnings(histories))
    averaged: dict[str, Any] | None = None
    point = chosen.estimate
    if model is None and len(usable) > 1:
        averaged = model_average(histories, usable, [score(f) for f in usable])
        top = averaged["weights"][0]["weight"]
        if average:
            point, lower, upper = averaged["estimate"], averaged["lower"], averaged["upper"]
        elif top < 0.9:
            warnings.append(
                Note(
                    N_(
                        "the interval is that of the model %(criterion)s selected (%(model)s, "
                        "weight %(weight)s) and ignores the uncertainty of selecting it; "
                        "averaged over models by their weights: %(estimate)s "
                        "(%(lower)s-%(upper)s)"
                    ),
                    criterion=criterion,
                    model=chosen.name,
                    weight=f"{top:.0%}",
                    estimate=f"{averaged['estimate']:,.0f}",
                    lower=f"{averaged['lower']:,.0f}",
                    upper=f"{averaged['upper']:,.0f}",
                )
            )
    if chosen.name == "Mth Chao":
        warnings.append(
            Note(
                N_("Chao's model gives a lower bound: the true number is likely higher than this")
            )
        )
    if not chosen.converged:
        warnings.append(Note(N_("the model fit did not converge; do not rely on this number")))
    warnings.extend(chosen.notes)
    if not math.isfinite(upper):
        warnings.append(
            Note(N_("the upper end of the interval is unbounded: the lists overlap too little"))
        )
    table = [
        {
            "model": f.name,
            "estimate": round(f.estimate, 1),
            "aic": round(f.aic, 3),
            "bic": round(f.bic(n_cells), 3),
            "parameters": f.n_params,
            "converged": f.converged,
        }
        for f in sorted(fits, key=lambda f: f.aic)
    ]
    diagnostics: dict[str, Any] = {"model": chosen.name, "criterion": criterion, "models": table}
    if averaged is not None:
        diagnostics["averaged"] = averaged
        diagnostics["selected"] = selected
    return Estimate(
        method="loglinear",
        lists=histories.lists,
        observed=histories.observed,
        estimate=point,
        lower=lower,
        upper=upper,
        diagnostics=diagnostics,
        warnings=warnings,
        settings={"model": model, "criterion": criterion, "average": average},
    )
