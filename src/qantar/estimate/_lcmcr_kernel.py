"""The numba Gibbs sampler of the LCMCR model over distinct capture patterns.

Model (Manrique-Vallier 2016). Each of the N persons belongs to a latent class
z in {1..K}; given the class, the L lists document the person independently, list j with
probability lambda[j, z]. Class weights pi follow a stick-breaking prior truncated at K,
V_k ~ Beta(1, alpha) with V_K = 1, alpha ~ Gamma(a_alpha, b_alpha) (rate), and
lambda[j, k] ~ Beta(1, 1); N has the improper prior p(N) ∝ 1/N. These are the defaults of
the R package LCMCR (``lcmCR``): K = 10 here, a_alpha = b_alpha = 0.25.

Why one iteration costs O(P K L), with P the number of distinct observed patterns, and
nothing in N. The Gibbs full conditionals only use sufficient statistics:

1. Persons sharing pattern x are exchangeable, so the class labels of the c_x persons
   with pattern x enter every later step only through the class counts
   m[x, k] = #{i : x_i = x, z_i = k}, and given (pi, lambda) those are
   Multinomial(c_x; w_x) with w_x[k] ∝ pi_k prod_j lambda[j,k]^x_j (1-lambda[j,k])^(1-x_j).
   Computing w_x costs O(K L); one multinomial draw is K - 1 binomial draws, each O(1)
   in expectation whatever c_x is (numpy's BTPE / inversion samplers). Over all patterns:
   O(P K L).
2. The unobserved count n0 = N - n has full conditional NegBinomial(n, 1 - p0) with
   p0 = sum_k pi_k prod_j (1 - lambda[j,k]) (the prior 1/N makes the shape exactly n), and
   the classes of the n0 unseen persons are Multinomial(n0; pi_k prod_j(1-lambda[j,k])/p0):
   O(K L) plus O(K) draws, not O(n0).
3. lambda[j,k] | . ~ Beta(1 + s[j,k], 1 + m_k - s[j,k]) where m_k = sum_x m[x,k] + m0[k]
   and s[j,k] = sum_{x: x_j=1} m[x,k]: accumulating these while drawing step 1 is
   O(P K L); drawing is O(K L).
4. V_k | . ~ Beta(1 + m_k, alpha + sum_{l>k} m_l): O(K); alpha | . ~
   Gamma(a_alpha + K - 1, b_alpha - sum_{k<K} log(1 - V_k)): O(K).

Total per iteration: O(P K L) with P <= 2^L - 1, independent of N. A person-level sampler
(one z_i per person) would cost O(N K L).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange

_TINY = 1e-300
_FEW = 6


@njit(cache=True)
def _multinomial(
    total: int,
    weights: npt.NDArray[np.float64],
    order: npt.NDArray[np.int64],
    out: npt.NDArray[np.int64],
) -> None:
    """Multinomial draw by conditional binomials (weights need not be normalised).

    Classes are visited in ``order`` (largest first): once the big classes have taken
    everyone, the small ones cost nothing, which saves most binomial draws."""
    n_classes = weights.shape[0]
    rest = 0.0
    for k in range(n_classes):
        rest += weights[k]
        out[k] = 0
    remaining = total
    for i in range(n_classes - 1):
        if remaining == 0:
            return
        k = order[i]
        if rest <= 0.0:
            break
        if remaining <= _FEW:
            # A few persons left: one uniform each is cheaper than a binomial per class.
            for _ in range(remaining):
                u = np.random.random() * rest
                chosen = order[n_classes - 1]
                for t in range(i, n_classes):
                    u -= weights[order[t]]
                    if u < 0.0:
                        chosen = order[t]
                        break
                out[chosen] += 1
            return
        p = weights[k] / rest
        if p >= 1.0:
            out[k] = remaining
            return
        if p > 0.0:
            drawn = np.random.binomial(remaining, p)
            out[k] = drawn
            remaining -= drawn
        rest -= weights[k]
    out[order[n_classes - 1]] += remaining


@njit(cache=True)
def _beta(a: float, b: float) -> float:
    """Beta draw with exact shortcuts for a or b equal to 1 (empty classes), which are
    most draws once the sampler settles and cost one uniform instead of two gammas."""
    if a == 1.0:
        if b == 1.0:
            return np.random.random()
        return 1.0 - np.random.random() ** (1.0 / b)
    if b == 1.0:
        return np.random.random() ** (1.0 / a)
    return np.random.beta(a, b)


@njit(cache=True)
def run_chain(
    patterns: npt.NDArray[np.uint8],
    counts: npt.NDArray[np.int64],
    n_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    seed: int,
    out_n: npt.NDArray[np.float64],
    out_alpha: npt.NDArray[np.float64],
    out_classes: npt.NDArray[np.float64],
) -> None:
    """One chain; writes ``samples`` draws of N, alpha and the number of occupied classes."""
    np.random.seed(seed)
    n_patterns, n_lists = patterns.shape
    n_obs = 0
    for p in range(n_patterns):
        n_obs += counts[p]
    K = n_classes
    lam = np.empty((n_lists, K))
    for j in range(n_lists):
        for k in range(K):
            lam[j, k] = np.random.beta(1.0, 1.0)
    alpha = 1.0
    pi = np.empty(K)
    stick = 1.0
    for k in range(K - 1):
        v = np.random.beta(1.0, alpha)
        pi[k] = stick * v
        stick *= 1.0 - v
    pi[K - 1] = stick
    lam_c = np.empty((n_lists, K))
    one_m = np.empty((n_lists, K))
    order = np.arange(K)
    w = np.empty(K)
    draw = np.empty(K, dtype=np.int64)
    m = np.empty(K, dtype=np.int64)
    s = np.empty((n_lists, K), dtype=np.int64)
    total_iter = burnin + samples * thinning
    saved = 0
    for it in range(total_iter):
        for j in range(n_lists):
            for k in range(K):
                lam_c[j, k] = min(max(lam[j, k], _TINY), 1.0 - 1e-16)
                one_m[j, k] = 1.0 - lam_c[j, k]
        order[:] = np.argsort(-pi)
        for k in range(K):
            m[k] = 0
            for j in range(n_lists):
                s[j, k] = 0
        # 1. class counts of the observed persons, pattern by pattern
        for p in range(n_patterns):
            # Products rather than sums of logs: with the probabilities clamped away
            # from 0, and few lists, they cannot underflow to all zeros.
            for k in range(K):
                acc = pi[k]
                for j in range(n_lists):
                    if patterns[p, j]:
                        acc *= lam_c[j, k]
                    else:
                        acc *= one_m[j, k]
                w[k] = acc
            _multinomial(counts[p], w, order, draw)
            for k in range(K):
                if draw[k]:
                    m[k] += draw[k]
                    for j in range(n_lists):
                        if patterns[p, j]:
                            s[j, k] += draw[k]
        # 2. the unobserved: how many, and their classes
        p0 = 0.0
        for k in range(K):
            acc = pi[k]
            for j in range(n_lists):
                acc *= one_m[j, k]
            w[k] = acc
            p0 += w[k]
        p0 = min(p0, 1.0 - 1e-12)
        rate = np.random.gamma(float(n_obs), p0 / (1.0 - p0))
        n0 = np.random.poisson(min(rate, 1e15))
        _multinomial(n0, w, order, draw)
        for k in range(K):
            m[k] += draw[k]
        total = n_obs + n0
        # 3. list probabilities per class
        for k in range(K):
            for j in range(n_lists):
                lam[j, k] = _beta(1.0 + s[j, k], 1.0 + m[k] - s[j, k])
        # 4. stick-breaking weights and the concentration alpha
        above = total
        stick = 1.0
        log_rest = 0.0
        for k in range(K - 1):
            above -= m[k]
            v = _beta(1.0 + m[k], alpha + above)
            v = min(v, 1.0 - 1e-12)
            pi[k] = stick * v
            stick *= 1.0 - v
            log_rest += np.log1p(-v)
        pi[K - 1] = stick
        alpha = np.random.gamma(a_alpha + K - 1, 1.0 / (b_alpha - log_rest))
        alpha = max(alpha, 1e-10)
        if it >= burnin and (it - burnin + 1) % thinning == 0:
            out_n[saved] = total
            out_alpha[saved] = alpha
            occupied = 0
            for k in range(K):
                if m[k] > 0:
                    occupied += 1
            out_classes[saved] = occupied
            saved += 1


@njit(cache=True, parallel=True)
def run_chains(
    patterns: npt.NDArray[np.uint8],
    counts: npt.NDArray[np.int64],
    n_classes: int,
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    seeds: npt.NDArray[np.int64],
    out_n: npt.NDArray[np.float64],
    out_alpha: npt.NDArray[np.float64],
    out_classes: npt.NDArray[np.float64],
) -> None:
    """Chains in parallel threads. Each chain seeds its thread's generator before it
    starts and runs to its end on that thread, so results do not depend on scheduling."""
    for c in prange(seeds.shape[0]):
        run_chain(
            patterns,
            counts,
            n_classes,
            a_alpha,
            b_alpha,
            burnin,
            samples,
            thinning,
            seeds[c],
            out_n[c],
            out_alpha[c],
            out_classes[c],
        )
