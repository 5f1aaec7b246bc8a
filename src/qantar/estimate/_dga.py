"""Decomposable graphical models with Bayesian model averaging (Madigan and York 1997),
computed as R's ``dga::bma.cr`` does.

Each decomposable graph on the L lists says which lists depend on which. Under a
hyper-Dirichlet prior (``delta`` prior persons per cell of the full 2^L table) the marginal
likelihood of the table, unseen cell included, factorises over the graph's cliques C and
separators S: prod_C ML(C) / prod_S ML(S), where ML of a marginal table with counts n_c
and prior alpha_c = delta 2^(L - |C|) per cell is
Gamma(A) / Gamma(N + A) prod_c Gamma(n_c + alpha_c) / Gamma(alpha_c), A = delta 2^L.
Multiplied by the multinomial coefficient N! / (n0! prod n!) and the prior p(N) ∝ 1/N,
this is the joint posterior of (graph, n0) on a grid of n0, summed over graphs.
"""

from __future__ import annotations

import itertools
from functools import cache

import numpy as np
import numpy.typing as npt
from scipy import special

from qantar.estimate._diagnostics import data_warnings
from qantar.estimate._loglinear import all_patterns, cell_counts
from qantar.estimate._pooling import MAX_DGA_LISTS, pool_smallest_lists, smallest_lists
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.notes import N_, Note

Graph = tuple[tuple[frozenset[int], ...], tuple[frozenset[int], ...]]


def _is_chordal(n: int, edges: frozenset[tuple[int, int]]) -> bool:
    adjacent = {v: {u for e in edges for u in e if v in e and u != v} for v in range(n)}
    left = set(range(n))
    while left:
        for v in sorted(left):
            nbrs = adjacent[v] & left
            if all((min(a, b), max(a, b)) in edges for a, b in itertools.combinations(nbrs, 2)):
                left.remove(v)
                break
        else:
            return False
    return True


def _cliques_separators(n: int, edges: frozenset[tuple[int, int]]) -> Graph:
    def complete(nodes: tuple[int, ...]) -> bool:
        return all(pair in edges for pair in itertools.combinations(nodes, 2))

    subsets = [
        frozenset(c)
        for size in range(1, n + 1)
        for c in itertools.combinations(range(n), size)
        if complete(c)
    ]
    cliques = [c for c in subsets if not any(c < d for d in subsets)]
    # A junction tree is a maximum-weight spanning tree of the cliques with weights
    # |Ci ∩ Cj|; its edges' intersections are the separators (empty ones dropped, as
    # dga does: each connected component then adds one normalising term).
    links = sorted(
        ((len(a & b), i, j) for (i, a), (j, b) in itertools.combinations(enumerate(cliques), 2)),
        reverse=True,
    )
    parent = list(range(len(cliques)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    separators = []
    for weight, i, j in links:
        if root(i) != root(j):
            parent[root(i)] = root(j)
            if weight:
                separators.append(cliques[i] & cliques[j])
    return tuple(cliques), tuple(separators)


@cache
def decomposable_graphs(n_lists: int) -> tuple[Graph, ...]:
    """Every decomposable (chordal) graph on ``n_lists`` lists as (cliques, separators)."""
    pairs = list(itertools.combinations(range(n_lists), 2))
    graphs = []
    for mask in range(2 ** len(pairs)):
        edges = frozenset(p for b, p in enumerate(pairs) if mask >> b & 1)
        if _is_chordal(n_lists, edges):
            graphs.append(_cliques_separators(n_lists, edges))
    return tuple(graphs)


def posterior_grid(
    histories: Histories,
    *,
    delta: float | None = None,
    max_missing: int | None = None,
    grid: npt.NDArray[np.float64] | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """(n0 grid, posterior of n0 summed over graphs, posterior weight of each graph).

    The grid is every n0 from 0 to ``max_missing`` (default 30 n) unless ``grid`` is given.
    """
    n_lists = len(histories.lists)
    cells, y = cell_counts(histories)
    full = np.vstack([np.zeros((1, n_lists), dtype=np.int64), cells])
    counts = np.concatenate([[0.0], y])
    n = float(y.sum())
    delta = 1.0 / 2**n_lists if delta is None else delta
    limit = max_missing if max_missing is not None else int(max(30 * n, 1000))
    if grid is None:
        n0 = np.arange(0, limit + 1, dtype=np.float64)
    else:
        n0 = np.asarray(grid, dtype=np.float64)
    total_prior = delta * 2**n_lists
    norm = special.gammaln(total_prior) - special.gammaln(n0 + n + total_prior)

    component: dict[frozenset[int], npt.NDArray[np.float64]] = {}

    def log_ml(nodes: frozenset[int]) -> npt.NDArray[np.float64]:
        if nodes not in component:
            idx = sorted(nodes)
            alpha = delta * 2 ** (n_lists - len(idx))
            keys = full[:, idx] @ (2 ** np.arange(len(idx)))
            table = np.bincount(keys, weights=counts, minlength=2 ** len(idx))
            fixed = special.gammaln(table[1:] + alpha).sum() - (len(table) - 1) * special.gammaln(
                alpha
            )
            # Only the all-zero marginal cell holds the unseen persons.
            component[nodes] = (
                fixed + special.gammaln(table[0] + n0 + alpha) - special.gammaln(alpha)
            )
        return component[nodes]

    graphs = decomposable_graphs(n_lists)
    logpost = np.empty((len(graphs), len(n0)))
    for g, (cliques, separators) in enumerate(graphs):
        value = (len(cliques) - len(separators)) * norm
        for c in cliques:
            value = value + log_ml(c)
        for s in separators:
            value = value - log_ml(s)
        logpost[g] = value
    multinomial = (
        special.gammaln(n0 + n + 1) - special.gammaln(y + 1).sum() - special.gammaln(n0 + 1)
    )
    logpost += multinomial - np.log(n0 + n)
    logpost -= logpost.max()
    weights = np.exp(logpost)
    weights /= weights.sum()
    return n0, weights.sum(axis=0), weights.sum(axis=1)


def _support(histories: Histories, delta: float | None) -> npt.NDArray[np.float64]:
    """The integer n0 that carry posterior mass: a coarse pass over 0..30 n finds the
    range outside which each tail holds less than 1e-10 of the mass, then every integer
    in it is evaluated. Saves evaluating all 822 five-list graphs on every integer."""
    n = histories.observed
    limit = int(max(30 * n, 1000))
    step = max(1, limit // 4000)
    coarse = np.arange(0, limit + 1, step, dtype=np.float64)
    _, post, _ = posterior_grid(histories, delta=delta, grid=coarse)
    cdf = np.cumsum(post)
    first = int(np.searchsorted(cdf, 1e-10))
    last = int(np.searchsorted(cdf, 1 - 1e-10))
    lo = coarse[max(first - 1, 0)]
    hi = coarse[min(last + 1, len(coarse) - 1)]
    return np.arange(lo, hi + 1, dtype=np.float64)


def dga(
    histories: Histories,
    *,
    seed: int = 0,
    delta: float | None = None,
    draws: int = 4_000,
) -> Estimate:
    """Average the estimates of all decomposable graphical models by their posterior
    weight (3 to 5 lists). ``delta`` defaults to 1/2^L as in dga. ``seed`` only drives the
    posterior draws kept for strata totals; the estimate and interval are exact."""
    n_lists = len(histories.lists)
    if not 3 <= n_lists <= MAX_DGA_LISTS:
        raise ValueError(
            "dga works with 3 to 5 lists; merge or drop lists first, or pool the smallest "
            "(pool_smallest_lists)"
        )
    n0, post, graph_weights = posterior_grid(
        histories, delta=delta, grid=_support(histories, delta)
    )
    warnings: list[str] = list(data_warnings(histories))
    if n0[-1] >= 30 * histories.observed - 1 and post[-100:].sum() > 1e-6:
        warnings.append(
            Note(
                N_(
                    "the posterior reaches the end of the grid of possible totals: the "
                    "estimate is unstable because the lists overlap too little"
                )
            )
        )
    cdf = np.cumsum(post)
    n = histories.observed

    def quantile(q: float) -> float:
        return float(n + n0[min(int(np.searchsorted(cdf, q)), len(n0) - 1)])

    graphs = decomposable_graphs(n_lists)
    top = np.argsort(-graph_weights)[:5]
    best = [
        {
            "cliques": [[histories.lists[i] for i in sorted(c)] for c in graphs[g][0]],
            "weight": float(graph_weights[g]),
        }
        for g in top
    ]
    rng = np.random.default_rng(seed)
    sample = n + rng.choice(n0, size=draws, p=post / post.sum())
    delta_used = 1.0 / 2**n_lists if delta is None else delta
    return Estimate(
        method="dga",
        lists=histories.lists,
        observed=n,
        estimate=quantile(0.5),
        lower=quantile(0.025),
        upper=quantile(0.975),
        diagnostics={"graphs": len(graphs), "top_graphs": best, "grid_max_missing": int(n0[-1])},
        warnings=warnings,
        settings={"delta": delta_used, "seed": seed},
        draws=sample[None, :].astype(np.float64),
    )


__all__ = [
    "MAX_DGA_LISTS",
    "all_patterns",
    "decomposable_graphs",
    "dga",
    "pool_smallest_lists",
    "posterior_grid",
    "smallest_lists",
]
