"""Missing stratum values, imputed over several replicates, and the estimates combined.

A person no record places in a region would otherwise fall into an ``unknown`` stratum,
which is estimated alone (or pooled) and shows nowhere on the map. Instead each missing
value is drawn, M times, from persons who resemble them: the same capture pattern and the
same other known fields (sex, age group...), falling back to the capture pattern alone and
then to everyone when too few such persons are known. Each draw is an approximate Bayesian
bootstrap (Rubin and Schenker 1986): the donors are first resampled with replacement, so
that the replicates also carry the uncertainty of the observed distribution. The estimate
runs on each replicate; Bayesian draws are pooled (the mixture over replicates is the
posterior given the observed values), frequentist fits are combined by Rubin's rules.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import stats

from qantar.estimate._result import Estimate
from qantar.estimate._wording import SOME_IMPUTATIONS_ONLY
from qantar.model.histories import PersonCaptures
from qantar.notes import Note

MIN_DONORS = 5  # fewer known persons in a cell than this: fall back to a coarser cell
Z95 = 1.959963984540054


def _cells(
    captures: PersonCaptures, field: str, conditioning: Sequence[str]
) -> list[list[Hashable]]:
    """Per person, the keys of the cells to look for donors in, finest first."""
    patterns = [tuple(int(x) for x in row) for row in captures.rows]
    others = [captures.fields[name] for name in conditioning if name != field]
    out: list[list[Hashable]] = []
    for i, pattern in enumerate(patterns):
        known = tuple(values[i] for values in others)
        out.append([(pattern, known), (pattern,), ()])
    return out


def impute_values(
    captures: PersonCaptures,
    field: str,
    *,
    replicates: int,
    seed: int,
    conditioning: Sequence[str] = ("sex", "age_group"),
) -> list[list[str]]:
    """``replicates`` completed copies of ``field``: known values kept, missing ones drawn
    by approximate Bayesian bootstrap from the finest cell with enough known donors."""
    values = captures.fields[field]
    known = [i for i, v in enumerate(values) if v is not None]
    missing = [i for i, v in enumerate(values) if v is None]
    if replicates < 1:
        raise ValueError("need at least one replicate")
    if missing and not known:
        raise ValueError(f"no person has a known {field}: nothing to impute from")
    cells = _cells(captures, field, conditioning)
    donors: dict[Hashable, list[int]] = defaultdict(list)
    for i in known:
        for key in cells[i]:
            donors[key].append(i)
    # The cell each missing person draws from: the finest with MIN_DONORS known persons.
    chosen: dict[Hashable, list[int]] = defaultdict(list)
    for i in missing:
        key = next((k for k in cells[i] if len(donors.get(k, ())) >= MIN_DONORS), cells[i][-1])
        chosen[key].append(i)
    out: list[list[str]] = []
    for r in range(replicates):
        rng = np.random.default_rng(np.random.SeedSequence([seed, r]))
        completed = [str(v) if v is not None else "" for v in values]
        for key in sorted(chosen, key=repr):
            pool = np.asarray(donors[key])
            resampled = rng.choice(pool, size=pool.size, replace=True)
            picks = rng.choice(resampled, size=len(chosen[key]), replace=True)
            for person, donor in zip(chosen[key], picks, strict=True):
                completed[person] = str(values[int(donor)])
        out.append(completed)
    return out


def pool_draws(draws: Sequence[npt.NDArray[np.float64]]) -> npt.NDArray[np.float64]:
    """Posterior draws of several replicates as one sample: chains side by side when every
    replicate kept the same number of draws per chain, else one long chain."""
    grids = [np.atleast_2d(np.asarray(d, dtype=np.float64)) for d in draws]
    if len({g.shape[1] for g in grids}) == 1:
        return np.concatenate(grids, axis=0)
    return np.concatenate([g.reshape(-1) for g in grids])[None, :]


@dataclass(frozen=True)
class Rubin:
    """Rubin's rules: the mean of the replicates' points, and a variance that adds the
    spread between replicates to the average variance within them."""

    estimate: float
    within: float
    between: float
    total: float
    df: float
    lower: float
    upper: float


def rubin(points: Sequence[float], variances: Sequence[float], level: float = 0.95) -> Rubin:
    m = len(points)
    if m < 1 or len(variances) != m:
        raise ValueError("one variance per point, at least one point")
    q = float(np.mean(points))
    within = float(np.mean(variances))
    between = float(np.var(points, ddof=1)) if m > 1 else 0.0
    total = within + (1 + 1 / m) * between
    if between > 0 and m > 1:
        r = (1 + 1 / m) * between / max(within, 1e-12)
        df = (m - 1) * (1 + 1 / r) ** 2
    else:
        df = float("inf")
    t = (
        float(stats.t.ppf(0.5 + level / 2, df))
        if np.isfinite(df)
        else float(stats.norm.ppf(0.5 + level / 2))
    )
    half = t * float(np.sqrt(total))
    return Rubin(q, within, between, total, df, q - half, q + half)


def interval_variance(estimate: Estimate) -> float:
    """The variance a 95% interval implies, read as estimate +- 1.96 sd (a profile
    interval is asymmetric: its two halves are averaged)."""
    return float(((estimate.upper - estimate.lower) / (2 * Z95)) ** 2)


def _numeric(values: list[Any]) -> bool:
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)


def _combined_diagnostics(results: Sequence[Estimate]) -> dict[str, Any]:
    """The worst of each convergence figure over replicates: largest R-hat, fewest ESS."""
    out: dict[str, Any] = {}
    for key, value in results[0].diagnostics.items():
        values = [r.diagnostics.get(key) for r in results]
        finite = [float(v) for v in values if isinstance(v, int | float) and np.isfinite(float(v))]
        if not _numeric(values) or not finite:
            out[key] = value
        elif key.startswith("rhat"):
            out[key] = max(finite)
        elif key.startswith("ess"):
            out[key] = min(finite)
        else:
            out[key] = value
    return out


def combine(results: Sequence[Estimate]) -> Estimate:
    """One estimate from the replicates' estimates of the same method: pooled posterior
    draws when every replicate has them, else Rubin's rules on the points with variances
    read from the intervals. Strata present in every replicate are combined alike."""
    if not results:
        raise ValueError("nothing to combine")
    first = results[0]
    if len(results) == 1:
        return first
    observed = round(float(np.mean([r.observed for r in results])))
    warnings = list(dict.fromkeys(w for r in results for w in r.warnings))
    draws = None
    if all(r.draws is not None for r in results):
        draws = pool_draws([r.draws for r in results if r.draws is not None])
        flat = draws.reshape(-1)
        point = float(np.median(flat))
        lower, upper = (float(q) for q in np.quantile(flat, [0.025, 0.975]))
    else:
        combined = rubin([r.estimate for r in results], [interval_variance(r) for r in results])
        point, lower, upper = combined.estimate, max(combined.lower, observed), combined.upper
    common = [s for s in first.strata if all(s in r.strata for r in results)]
    strata = {s: combine([r.strata[s] for r in results]) for s in common}
    dropped = sorted({s for r in results for s in r.strata} - set(common))
    if dropped:
        warnings.append(
            Note(
                SOME_IMPUTATIONS_ONLY,
                strata=", ".join(dropped),
            )
        )
    others = []
    if all(len(r.others) == len(first.others) for r in results):
        others = [combine([r.others[k] for r in results]) for k in range(len(first.others))]
    return Estimate(
        method=first.method,
        lists=first.lists,
        observed=observed,
        estimate=point,
        lower=lower,
        upper=upper,
        strata=strata,
        diagnostics={**_combined_diagnostics(results), "imputations": len(results)},
        warnings=warnings,
        settings=dict(first.settings),
        draws=draws,
        others=others,
    )


def imputation_spread(
    results: Sequence[Estimate], known: dict[str, int]
) -> dict[str, dict[str, Any]]:
    """How much imputation moves each stratum: persons whose value was known, the
    documented count and the estimate in each replicate (lowest and highest)."""
    labels = sorted({s for r in results for s in r.strata})
    out: dict[str, dict[str, Any]] = {}
    for label in labels:
        parts = [r.strata[label] for r in results if label in r.strata]
        out[label] = {
            "documented_known": known.get(label, 0),
            "documented_min": min(p.observed for p in parts),
            "documented_max": max(p.observed for p in parts),
            "estimate_min": round(min(p.estimate for p in parts), 1),
            "estimate_max": round(max(p.estimate for p in parts), 1),
            "imputations_with_stratum": len(parts),
        }
    return out
