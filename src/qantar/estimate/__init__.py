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

from qantar.estimate._api import HEADLINE_METHOD, METHODS, OPTIONS, estimate
from qantar.estimate._chapman import chapman
from qantar.estimate._dga import dga, pool_smallest_lists
from qantar.estimate._inputs import check_histories, drop_lists, merge_lists, read_histories_csv
from qantar.estimate._lcmcr import lcmcr
from qantar.estimate._loglinear import loglinear
from qantar.estimate._outputs import draws_table, write_run
from qantar.estimate._project import estimate_project
from qantar.estimate._result import Estimate
from qantar.estimate._sensitivity import sensitivity

__all__ = [
    "HEADLINE_METHOD",
    "METHODS",
    "OPTIONS",
    "Estimate",
    "chapman",
    "check_histories",
    "dga",
    "draws_table",
    "drop_lists",
    "estimate",
    "estimate_project",
    "lcmcr",
    "loglinear",
    "merge_lists",
    "pool_smallest_lists",
    "read_histories_csv",
    "sensitivity",
    "write_run",
]
