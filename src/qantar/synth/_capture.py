"""The capture model shared by full scenarios and histories-only simulations.

Each person i is on list j with probability

    logit p_ij = logit(base_j) + heterogeneity * z_i + dependence * s_jg * w_ig + offset_ij

where ``z_i ~ N(0, 1)`` is the person's latent visibility (shared by every list: the
classic M_h heterogeneity that makes two-list estimates too low), ``w_ig ~ N(0, 1)`` is a
latent shared only by the lists of dependence group g (a family who reached an NGO also
calls its hotline), and ``offset_ij`` carries covariates (a stratum, a city a list does not
cover). ``s_jg`` is +1 for every member of a group when ``dependence >= 0``; with a negative
``dependence`` it alternates +1, -1 so that the group's lists avoid each other (a person on
the official list is less likely to be sought by families).

``base_j`` is therefore the probability for a person of average visibility; with
heterogeneity the marginal capture rate of a list drifts towards 1/2.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt


def logit(p: npt.ArrayLike) -> npt.NDArray[np.float64]:
    q = np.clip(np.asarray(p, dtype=np.float64), 1e-9, 1 - 1e-9)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def capture_matrix(
    rng: np.random.Generator,
    n: int,
    base: Sequence[float] | npt.NDArray[np.float64],
    *,
    heterogeneity: float,
    dependence: float,
    groups: Sequence[Sequence[int]] = (),
    offsets: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.uint8]:
    """One 0/1 row per person, one column per list, drawn from the model above.

    The draws are made in a fixed order (visibility, one latent per group, uniforms) so that
    the same generator state always gives the same matrix.
    """
    base_logit = logit(base)
    n_lists = base_logit.shape[0]
    eta = np.broadcast_to(base_logit, (n, n_lists)).copy()
    z = rng.standard_normal(n)
    eta += heterogeneity * z[:, None]
    for group in groups:
        w = rng.standard_normal(n)
        for k, j in enumerate(group):
            if not 0 <= j < n_lists:
                raise ValueError(f"dependence group names list {j}, but there are {n_lists}")
            sign = 1.0 if dependence >= 0 or k % 2 == 0 else -1.0
            eta[:, j] += abs(dependence) * sign * w
    if offsets is not None:
        eta += offsets
    p = 1.0 / (1.0 + np.exp(-eta))
    return (rng.random((n, n_lists)) < p).astype(np.uint8)
