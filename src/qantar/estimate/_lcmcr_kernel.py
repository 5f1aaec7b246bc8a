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

Start and label moves. Every chain starts where R's ``lcmCR`` starts: each list's
probability in every class at the list's share of the observed persons (jittered by up
to 20% so that chains start apart), class weights at the prior's expected stick-breaking
weights (1/2, 1/4, ...: classes ordered by weight) and alpha = 1. The truncated
stick-breaking prior is not symmetric in the labels, so a chain can settle in one ordering
of the classes and stay there, with a different N than a chain in another ordering. Two
Metropolis label moves (Hastie, Liverani and Richardson 2015, after Papaspiliopoulos and
Roberts 2008) let chains cross between orderings: after the classes of all persons are
drawn,

a. swap two random classes' persons and list probabilities, keeping the weights:
   accept with probability min(1, (pi_l / pi_j)^(m_j - m_l));
b. swap adjacent classes j, j+1 together with their stick fractions V_j, V_{j+1}:
   accept with probability min(1, (1 - V_{j+1})^m_j / (1 - V_j)^m_{j+1}).

Both leave the posterior unchanged (the prior on lambda and on V is exchangeable, the
likelihood only sees which lambda each person has) and cost O(K + L) per iteration.

Posterior predictive check. At each kept draw the kernel also simulates a replicate data
set from (N, pi, lambda): Multinomial(N) over the observed patterns, the one-list patterns
nobody showed, the other unseen patterns, and the all-zero cell; it keeps the replicate
counts and the Freeman-Tukey discrepancy sum (sqrt(y) - sqrt(E))^2 of the real and the
replicate counts against their expectation E = N q. O(P K L) per kept draw.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

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
def start_state(
    patterns: npt.NDArray[np.uint8],
    counts: npt.NDArray[np.int64],
    seed: int,
    lam: npt.NDArray[np.float64],
    v: npt.NDArray[np.float64],
) -> float:
    """R's start (see the module docstring): fills ``lam`` (L, K) and ``v`` (K,), returns
    alpha."""
    np.random.seed(seed)
    n_patterns, n_lists = patterns.shape
    K = v.shape[0]
    n_obs = 0.0
    for p in range(n_patterns):
        n_obs += counts[p]
    for j in range(n_lists):
        on = 0.0
        for p in range(n_patterns):
            if patterns[p, j]:
                on += counts[p]
        share = min(max(on / n_obs, 1e-3), 1.0 - 1e-3)
        for k in range(K):
            lam[j, k] = min(share * (0.8 + 0.4 * np.random.random()), 1.0 - 1e-3)
    alpha = 1.0
    for k in range(K - 1):
        v[k] = 1.0 / (1.0 + alpha)
    v[K - 1] = 1.0
    return alpha


@njit(cache=True)
def _weights(v: npt.NDArray[np.float64], pi: npt.NDArray[np.float64]) -> None:
    stick = 1.0
    for k in range(v.shape[0]):
        pi[k] = stick * v[k]
        stick *= 1.0 - v[k]


@njit(cache=True)
def _swap(
    a: int,
    b: int,
    m: npt.NDArray[np.int64],
    s: npt.NDArray[np.int64],
    lam: npt.NDArray[np.float64],
) -> None:
    m[a], m[b] = m[b], m[a]
    for j in range(lam.shape[0]):
        s[j, a], s[j, b] = s[j, b], s[j, a]
        lam[j, a], lam[j, b] = lam[j, b], lam[j, a]


@njit(cache=True)
def _label_moves(
    m: npt.NDArray[np.int64],
    s: npt.NDArray[np.int64],
    lam: npt.NDArray[np.float64],
    v: npt.NDArray[np.float64],
    pi: npt.NDArray[np.float64],
) -> int:
    """The two label moves of the module docstring; returns how many were accepted."""
    K = v.shape[0]
    accepted = 0
    if K < 2:
        return accepted
    a = np.random.randint(0, K)
    b = np.random.randint(0, K - 1)
    if b >= a:
        b += 1
    if (m[a] > 0 or m[b] > 0) and pi[a] > 0.0 and pi[b] > 0.0:
        log_ratio = (m[a] - m[b]) * (np.log(pi[b]) - np.log(pi[a]))
        if log_ratio >= 0.0 or np.log(np.random.random()) < log_ratio:
            _swap(a, b, m, s, lam)
            accepted += 1
    if K >= 3:
        j = np.random.randint(0, K - 2)
        log_ratio = m[j] * np.log1p(-v[j + 1]) - m[j + 1] * np.log1p(-v[j])
        if log_ratio >= 0.0 or np.log(np.random.random()) < log_ratio:
            _swap(j, j + 1, m, s, lam)
            v[j], v[j + 1] = v[j + 1], v[j]
            _weights(v, pi)
            accepted += 1
    return accepted


@njit(cache=True)
def _replicate(
    patterns: npt.NDArray[np.uint8],
    counts: npt.NDArray[np.int64],
    single_seen: npt.NDArray[np.bool_],
    lam_c: npt.NDArray[np.float64],
    one_m: npt.NDArray[np.float64],
    pi: npt.NDArray[np.float64],
    total: int,
    q: npt.NDArray[np.float64],
    rep: npt.NDArray[np.float64],
    fit: npt.NDArray[np.float64],
) -> None:
    """One replicate data set given (N, pi, lambda): counts of the P observed patterns,
    of the one-list patterns not observed, of the other unobserved patterns (in ``rep``,
    length P + 2) and the real and replicate discrepancies (``fit``)."""
    n_patterns, n_lists = patterns.shape
    K = pi.shape[0]
    seen = 0.0
    for p in range(n_patterns):
        acc_p = 0.0
        for k in range(K):
            acc = pi[k]
            for j in range(n_lists):
                acc *= lam_c[j, k] if patterns[p, j] else one_m[j, k]
            acc_p += acc
        q[p] = acc_p
        seen += acc_p
    other_one = 0.0
    for i in range(n_lists):
        if single_seen[i]:
            continue
        for k in range(K):
            acc = pi[k]
            for j in range(n_lists):
                acc *= lam_c[j, k] if j == i else one_m[j, k]
            other_one += acc
    nobody = 0.0
    for k in range(K):
        acc = pi[k]
        for j in range(n_lists):
            acc *= one_m[j, k]
        nobody += acc
    q[n_patterns] = other_one
    q[n_patterns + 1] = max(1.0 - nobody - seen - other_one, 0.0)
    remaining = total
    rest = 1.0
    for c in range(n_patterns + 2):
        drawn = 0
        if remaining > 0 and rest > 0.0 and q[c] > 0.0:
            p_c = min(q[c] / rest, 1.0)
            drawn = np.random.binomial(remaining, p_c)
        rep[c] = drawn
        remaining -= drawn
        rest -= q[c]
    real = 0.0
    replicate = 0.0
    for c in range(n_patterns + 2):
        expected = np.sqrt(total * q[c])
        y = counts[c] if c < n_patterns else 0
        real += (np.sqrt(y) - expected) ** 2
        replicate += (np.sqrt(rep[c]) - expected) ** 2
    fit[0] = real
    fit[1] = replicate


@njit(cache=True, nogil=True)
def advance_chain(
    patterns: npt.NDArray[np.uint8],
    counts: npt.NDArray[np.int64],
    a_alpha: float,
    b_alpha: float,
    burnin: int,
    samples: int,
    thinning: int,
    seed: int,
    label_moves: bool,
    check_every: int,
    lam: npt.NDArray[np.float64],
    v: npt.NDArray[np.float64],
    alpha_box: npt.NDArray[np.float64],
    out_n: npt.NDArray[np.float64],
    out_alpha: npt.NDArray[np.float64],
    out_classes: npt.NDArray[np.float64],
    out_rep: npt.NDArray[np.float64],
    out_fit: npt.NDArray[np.float64],
) -> int:
    """Continue one chain from its state (``lam``, ``v``, ``alpha_box[0]``, updated in
    place) for ``burnin`` sweeps and then ``samples`` kept draws thinned by ``thinning``;
    writes N, alpha and occupied classes of each kept draw and the predictive replicate
    of every ``check_every``-th (``out_rep``/``out_fit`` hold ceil(samples / check_every)
    rows). Returns the number of accepted label moves."""
    np.random.seed(seed)
    n_patterns, n_lists = patterns.shape
    n_obs = 0
    for p in range(n_patterns):
        n_obs += counts[p]
    K = v.shape[0]
    single_seen = np.zeros(n_lists, dtype=np.bool_)
    for p in range(n_patterns):
        on = 0
        for j in range(n_lists):
            on += patterns[p, j]
        if on == 1:
            for j in range(n_lists):
                if patterns[p, j]:
                    single_seen[j] = True
    alpha = alpha_box[0]
    pi = np.empty(K)
    _weights(v, pi)
    lam_c = np.empty((n_lists, K))
    one_m = np.empty((n_lists, K))
    order = np.arange(K)
    w = np.empty(K)
    draw = np.empty(K, dtype=np.int64)
    m = np.empty(K, dtype=np.int64)
    s = np.empty((n_lists, K), dtype=np.int64)
    q = np.empty(n_patterns + 2)
    moves = 0
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
        # 2b. label moves between orderings of the classes
        if label_moves:
            moves += _label_moves(m, s, lam, v, pi)
        # 3. list probabilities per class
        for k in range(K):
            for j in range(n_lists):
                lam[j, k] = _beta(1.0 + s[j, k], 1.0 + m[k] - s[j, k])
        # 4. stick-breaking fractions and the concentration alpha
        above = total
        log_rest = 0.0
        for k in range(K - 1):
            above -= m[k]
            value = _beta(1.0 + m[k], alpha + above)
            v[k] = min(value, 1.0 - 1e-12)
            log_rest += np.log1p(-v[k])
        v[K - 1] = 1.0
        _weights(v, pi)
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
            if saved % check_every == 0:
                for j in range(n_lists):
                    for k in range(K):
                        lam_c[j, k] = min(max(lam[j, k], _TINY), 1.0 - 1e-16)
                        one_m[j, k] = 1.0 - lam_c[j, k]
                _replicate(
                    patterns,
                    counts,
                    single_seen,
                    lam_c,
                    one_m,
                    pi,
                    total,
                    q,
                    out_rep[saved // check_every],
                    out_fit[saved // check_every],
                )
            saved += 1
    alpha_box[0] = alpha
    return moves
