"""One entry point for every method, per stratum and in total."""

from __future__ import annotations

from typing import Any

import numpy as np

from qantar.errors import InputError
from qantar.estimate._diagnostics import chain_diagnostics, method_disagreement
from qantar.estimate._inputs import check_histories
from qantar.estimate._pooling import MAX_DGA_LISTS, pool_smallest_lists, smallest_lists
from qantar.estimate._result import Estimate
from qantar.estimate._wording import POOLED, POOLED_STRATA, in_stratum
from qantar.model.histories import Histories
from qantar.notes import N_, Note
from qantar.settings import DEFAULTS

METHODS = ("lcmcr", "loglinear", "dga", "chapman", "all")
UNKNOWN_METHOD = N_("unknown method %(method)s; choose one of %(methods)s")
# The method whose result is the headline, unless qantar.toml ([estimate]
# headline_method) fixes another before anyone looks at the numbers.
HEADLINE_METHOD = DEFAULTS.estimate.headline_method


# The options each method takes; every default lives in the method's own signature.
LCMCR_OPTIONS = (
    "burnin",
    "samples",
    "thinning",
    "iterations",
    "chains",
    "n_classes",
    "a_alpha",
    "b_alpha",
    "until_converged",
    "max_samples",
    "label_moves",
    "threads",
)
LOGLINEAR_OPTIONS = ("model", "criterion", "average")
DGA_OPTIONS = ("delta",)
OPTIONS = (*LCMCR_OPTIONS, *LOGLINEAR_OPTIONS, *DGA_OPTIONS)


def _pick(options: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {k: options[k] for k in keys if k in options and options[k] is not None}


def _one(method: str, histories: Histories, seed: int, options: dict[str, Any]) -> Estimate:
    # Each method is imported when used: numba (LCMCR) and scipy (the others) cost a
    # second or more to import, which a log-linear run should not pay for LCMCR.
    if method == "lcmcr":
        from qantar.estimate._lcmcr import lcmcr

        return lcmcr(histories, seed=seed, **_pick(options, LCMCR_OPTIONS))
    if method == "loglinear":
        from qantar.estimate._loglinear import loglinear

        return loglinear(histories, **_pick(options, LOGLINEAR_OPTIONS))
    if method == "dga":
        from qantar.estimate._dga import dga

        return dga(histories, seed=seed, **_pick(options, DGA_OPTIONS))
    if method == "chapman":
        from qantar.estimate._chapman import chapman

        return chapman(histories)
    raise InputError(UNKNOWN_METHOD, method=repr(method), methods=", ".join(METHODS))


def _methods_for(method: str, n_lists: int) -> list[str]:
    if method != "all":
        if method not in METHODS:
            raise InputError(UNKNOWN_METHOD, method=repr(method), methods=", ".join(METHODS))
        if method == "dga" and n_lists < 3:
            raise InputError(
                N_("dga works with 3 to 5 lists; there are %(n)s: use chapman or loglinear"),
                n=n_lists,
            )
        if method == "lcmcr" and n_lists < 3:
            raise InputError(
                N_(
                    "LCMCR needs three or more lists (with two its classes cannot be told "
                    "apart); use --method chapman or loglinear"
                )
            )
        return [method]
    if n_lists == 2:
        return ["chapman", "loglinear"]
    return ["lcmcr", "loglinear"] + (["dga"] if n_lists <= 5 else [])


def _stratum_seed(seed: int, index: int) -> int:
    return int(np.random.SeedSequence([seed, index]).generate_state(1, dtype=np.uint32)[0])


def _sum_strata(method: str, histories: Histories, parts: dict[str, Estimate]) -> Estimate:
    """The total over strata: summed posterior draws (independent across strata, so the
    i-th draws add to a draw of the total), or for log-linear fits the summed points with
    half-widths added in quadrature (an approximation, said so in the warnings)."""
    results = list(parts.values())
    warnings: list[str] = []
    for name, part in parts.items():
        warnings += [in_stratum(name, w) for w in part.warnings]
    observed = sum(p.observed for p in results)
    diagnostics: dict[str, Any] = {"strata": len(parts)}
    draws = None
    if all(p.draws is not None for p in results):
        grids = [np.atleast_2d(p.draws) for p in results if p.draws is not None]
        if len({g.shape[0] for g in grids}) == 1:
            # Strata sampled until each converged keep different numbers of draws: take
            # the same number, evenly spaced, from each (any subset of a stratum's draws
            # is a sample of its posterior, and strata are independent).
            keep = min(g.shape[1] for g in grids)
            draws = np.sum(
                [g[:, np.linspace(0, g.shape[1] - 1, keep).round().astype(int)] for g in grids],
                axis=0,
            )
    if draws is not None:
        estimate = float(np.median(draws))
        lower, upper = (float(q) for q in np.quantile(draws, [0.025, 0.975]))
        if draws.shape[0] > 1:
            summary, extra = chain_diagnostics(draws)
            diagnostics.update(summary)
            warnings += extra
    else:
        estimate = sum(p.estimate for p in results)
        lower = estimate - float(np.sqrt(sum((p.estimate - p.lower) ** 2 for p in results)))
        upper = estimate + float(np.sqrt(sum((p.upper - p.estimate) ** 2 for p in results)))
        lower = max(lower, observed)
        warnings.append(
            Note(
                N_(
                    "the interval of the total combines the strata's intervals approximately "
                    "(half-widths added in quadrature)"
                )
            )
        )
    return Estimate(
        method=method,
        lists=histories.lists,
        observed=observed,
        estimate=estimate,
        lower=lower,
        upper=upper,
        strata=parts,
        diagnostics=diagnostics,
        warnings=warnings,
        settings=results[0].settings if results else {},
        draws=draws,
    )


MIN_STRATUM_PERSONS = 30
MIN_STRATUM_OVERLAP = 5


def _estimable(sub: Histories) -> bool:
    try:
        check_histories(sub)
    except InputError:
        return False
    overlap = int(sub.counts[sub.patterns.sum(axis=1) >= 2].sum())
    return sub.observed >= MIN_STRATUM_PERSONS and overlap >= MIN_STRATUM_OVERLAP


def pool_small_strata(histories: Histories) -> tuple[Histories, list[str]]:
    """Strata too small or too thinly overlapping to estimate alone are pooled into one
    stratum, ``other (pooled)``, so that the total still counts their persons; the
    names of the pooled strata are returned for the warning."""
    if histories.strata is None:
        return histories, []
    labels = sorted(set(histories.strata))
    small = [label for label in labels if not _estimable(histories.stratum(label))]
    if not small:
        return histories, []
    if len(small) == len(labels):
        return histories.collapsed(), small
    renamed = tuple(POOLED if label in small else label for label in histories.strata)
    rows = np.repeat(histories.patterns, histories.counts, axis=0)
    names = np.repeat(np.asarray(renamed, dtype=object), histories.counts).tolist()
    pooled = Histories.from_rows(histories.lists, rows, names)
    return pooled, small


def _counted_only(method: str, sub: Histories, parts: dict[str, Estimate]) -> Estimate:
    """Pooled small strata that still cannot be estimated: their documented persons are
    added to the total as they are (no undocumented estimated for them)."""
    shapes = [p.draws.shape for p in parts.values() if p.draws is not None]
    draws = np.full(shapes[0], float(sub.observed)) if shapes else None
    return Estimate(
        method=method,
        lists=sub.lists,
        observed=sub.observed,
        estimate=float(sub.observed),
        lower=float(sub.observed),
        upper=float(sub.observed),
        warnings=[
            Note(
                N_(
                    "too few persons or too little overlap to estimate: counted as "
                    "documented only, so the total is a lower bound for these strata"
                )
            )
        ],
        draws=draws,
    )


def _run(
    method: str, histories: Histories, seed: int, strata: bool, options: dict[str, Any]
) -> Estimate:
    if not strata or histories.strata is None:
        return _one(method, histories.collapsed(), seed, options)
    histories, pooled = pool_small_strata(histories)
    if histories.strata is None:
        result = _one(method, histories, seed, options)
        result.warnings.append(
            Note(
                N_(
                    "no stratum had enough persons and overlap to be estimated alone, so "
                    "the estimate is for all strata together"
                )
            )
        )
        return result
    parts: dict[str, Estimate] = {}
    counted_only: Histories | None = None
    for index, label in enumerate(sorted(set(histories.strata))):
        sub = histories.stratum(label)
        if label == POOLED and not _estimable(sub):
            counted_only = sub
            continue
        try:
            check_histories(sub)
        except InputError as exc:
            raise InputError(
                N_(
                    "stratum %(name)s: %(error)s. Merge small strata, choose a coarser "
                    "stratum, or estimate without strata"
                ),
                name=repr(label),
                error=Note(exc.message, **exc.params),
            ) from exc
        parts[label] = _one(method, sub, _stratum_seed(seed, index), options)
    if counted_only is not None:
        parts[POOLED] = _counted_only(method, counted_only, parts)
    total = _sum_strata(method, histories, parts)
    if pooled:
        total.warnings.insert(
            0,
            Note(
                POOLED_STRATA,
                n=len(pooled),
                pooled=Note(POOLED),
                strata=", ".join(pooled),
            ),
        )
    return total


def _dga_lists(
    histories: Histories, pool_smallest: bool
) -> tuple[Histories | None, Note | None]:
    """The histories dga runs on and a warning: at six or more lists the smallest are
    pooled into one when asked, otherwise dga is left out and the remedy named."""
    n_lists = len(histories.lists)
    if n_lists <= MAX_DGA_LISTS:
        return histories, None
    smallest = smallest_lists(histories)
    if not pool_smallest:
        return None, Note(
            N_(
                "dga covers 3 to %(max)s lists and there are %(n)s, so it was not run; to "
                "include it, pool the smallest lists (%(lists)s) into one with "
                "--pool-smallest (pool_smallest=True)"
            ),
            max=MAX_DGA_LISTS,
            n=n_lists,
            lists=", ".join(smallest),
        )
    pooled, names = pool_smallest_lists(histories)
    return pooled, Note(
        N_(
            "dga covers 3 to %(max)s lists: the %(n)s smallest (%(lists)s) were pooled into "
            "one list for it"
        ),
        max=MAX_DGA_LISTS,
        n=len(names),
        lists=", ".join(names),
    )


def estimate(
    histories: Histories,
    *,
    method: str = "lcmcr",
    strata: bool | None = None,
    seed: int = 0,
    headline: str = HEADLINE_METHOD,
    pool_smallest: bool = False,
    **options: Any,
) -> Estimate:
    """Estimate the total number of persons with ``method`` (lcmcr, loglinear, dga,
    chapman, or ``all``). With strata (``strata`` None or True and histories that carry
    them) each stratum is estimated alone and the total sums them. With ``all`` the
    ``headline`` method's result (fixed in qantar.toml before looking; LCMCR by default)
    is returned with the others in ``.others`` and a warning when they disagree. dga
    covers 3 to 5 lists; with more, ``pool_smallest`` pools the smallest lists into one
    for it. Options (``OPTIONS``: burnin, samples, thinning, n_classes, a_alpha,
    b_alpha, criterion, delta...) go to the methods that take them.
    """
    check_histories(histories)
    unknown = sorted(set(options) - set(OPTIONS))
    if unknown:
        raise InputError(N_("unknown estimation options: %(options)s"), options=", ".join(unknown))
    by_stratum = histories.strata is not None and strata is not False
    n_lists = len(histories.lists)
    methods = _methods_for(method, n_lists)
    notes: list[Note] = []
    dga_histories: Histories | None = histories
    if "dga" in methods or (method == "all" and n_lists > MAX_DGA_LISTS):
        dga_histories, note = _dga_lists(histories, pool_smallest)
        if note:
            notes.append(note)
        if dga_histories is None and method == "dga":
            last = notes[-1]
            raise InputError(last.message, **last.params)
        if dga_histories is not None and "dga" not in methods:
            methods.append("dga")
    if method == "all" and headline in methods:
        methods.remove(headline)
        methods.insert(0, headline)
    results = [
        _run(
            m,
            dga_histories if m == "dga" and dga_histories else histories,
            seed,
            by_stratum,
            options,
        )
        for m in methods
    ]
    for res in results:
        if res.method == "dga" and notes:
            res.warnings.insert(0, notes[-1])
    primary = results[0]
    if n_lists >= 3:
        # A property of the lists, not of one method: tested once, on all strata together
        # (imported here: scipy is not needed before).
        from qantar.estimate._dependence import dependence_check

        check, check_warnings = dependence_check(histories)
        primary.diagnostics = {**primary.diagnostics, "dependence_check": check}
        primary.warnings = primary.warnings + check_warnings
    if method == "all":
        primary.others = results[1:]
        primary.warnings = primary.warnings + method_disagreement(results)
        if dga_histories is None and notes:
            primary.warnings.append(notes[-1])
        primary.diagnostics = {
            **primary.diagnostics,
            "methods": [r.method for r in results],
            "headline": primary.method,
        }
    return primary
