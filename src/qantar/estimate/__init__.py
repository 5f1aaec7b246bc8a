"""qantar.estimate: how many persons in truth, from how the lists overlap.

    from qantar.estimate import read_histories_csv, estimate
    histories = read_histories_csv("kosovo.csv")
    result = estimate(histories, method="lcmcr", seed=1)
    result.estimate, result.lower, result.upper, result.warnings
    table = sensitivity(histories, seed=1)   # every method, K, priors, lists left out

Methods: ``lcmcr`` (Bayesian latent classes, Manrique-Vallier 2016), ``loglinear``
(Rcapture-style models with AIC/BIC and profile intervals), ``dga`` (decomposable
graphical models averaged, Madigan and York 1997), ``chapman`` (two lists).
"""

import importlib
from typing import TYPE_CHECKING, Any

# Names are imported on first use (PEP 562): the CLI and a log-linear run should not pay
# for numba, scipy or pyarrow they do not need.
_WHERE = {
    "HEADLINE_METHOD": "_api",
    "METHODS": "_api",
    "OPTIONS": "_api",
    "estimate": "_api",
    "chapman": "_chapman",
    "dga": "_dga",
    "pool_smallest_lists": "_pooling",
    "check_histories": "_inputs",
    "drop_lists": "_inputs",
    "merge_lists": "_inputs",
    "read_histories_csv": "_inputs",
    "lcmcr": "_lcmcr",
    "loglinear": "_loglinear",
    "autocorrelation": "_plots",
    "PlotWords": "_plots",
    "saved_plot": "_plots",
    "dependence_check": "_dependence",
    "draws_table": "_outputs",
    "read_chains": "_outputs",
    "write_run": "_outputs",
    "estimate_project": "_project",
    "EstimateRun": "_facade",
    "saved_runs": "_facade",
    "skipped_methods": "_project",
    "Estimate": "_result",
    "with_notes": "_result",
    "POOLED": "_wording",
    "strata_named": "_wording",
    "of_method": "_wording",
    "analysis_words": "_wording",
    "row_label": "_wording",
    "sensitivity": "_sensitivity",
}

if TYPE_CHECKING:
    from qantar.estimate._api import HEADLINE_METHOD, METHODS, OPTIONS, estimate
    from qantar.estimate._chapman import chapman
    from qantar.estimate._dependence import dependence_check
    from qantar.estimate._dga import dga
    from qantar.estimate._facade import EstimateRun, saved_runs
    from qantar.estimate._inputs import (
        check_histories,
        drop_lists,
        merge_lists,
        read_histories_csv,
    )
    from qantar.estimate._lcmcr import lcmcr
    from qantar.estimate._loglinear import loglinear
    from qantar.estimate._outputs import draws_table, read_chains, write_run
    from qantar.estimate._plots import PlotWords, autocorrelation, saved_plot
    from qantar.estimate._pooling import pool_smallest_lists
    from qantar.estimate._project import estimate_project, skipped_methods
    from qantar.estimate._result import Estimate, with_notes
    from qantar.estimate._sensitivity import sensitivity
    from qantar.estimate._wording import (
        POOLED,
        analysis_words,
        of_method,
        row_label,
        strata_named,
    )


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'qantar.estimate' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"qantar.estimate.{_WHERE[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "HEADLINE_METHOD",
    "METHODS",
    "OPTIONS",
    "POOLED",
    "Estimate",
    "EstimateRun",
    "PlotWords",
    "analysis_words",
    "autocorrelation",
    "chapman",
    "check_histories",
    "dependence_check",
    "dga",
    "draws_table",
    "drop_lists",
    "estimate",
    "estimate_project",
    "lcmcr",
    "loglinear",
    "merge_lists",
    "of_method",
    "pool_smallest_lists",
    "read_chains",
    "read_histories_csv",
    "row_label",
    "saved_plot",
    "saved_runs",
    "sensitivity",
    "skipped_methods",
    "strata_named",
    "with_notes",
    "write_run",
]
