"""Capture histories alone (no names, no files): the input of estimator studies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from qantar.model import Histories
from qantar.synth._capture import capture_matrix, logit

DEFAULT_BASE = (0.45, 0.35, 0.3, 0.25, 0.2, 0.3, 0.4, 0.25)


@dataclass(frozen=True)
class SimulatedHistories:
    """What an estimator sees (``histories``) and what it should find (``n``)."""

    n: int
    histories: Histories
    n_by_stratum: dict[str, int] | None
    seed: int
    settings: dict[str, Any] = field(default_factory=dict)
    # One row per true person, unobserved ones included, for studies that need them.
    matrix: npt.NDArray[np.uint8] = field(default_factory=lambda: np.zeros((0, 0), np.uint8))
    person_strata: tuple[str, ...] | None = None

    @property
    def observed(self) -> int:
        return self.histories.observed

    @property
    def unobserved(self) -> int:
        return self.n - self.histories.observed


def allocate(n: int, shares: Mapping[str, float]) -> dict[str, int]:
    """Split n by shares with the largest-remainder method: exact, reproducible sizes."""
    if not shares:
        raise ValueError("strata need at least one label")
    weights = np.asarray([float(v) for v in shares.values()])
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("stratum shares must be >= 0 and not all 0")
    exact = n * weights / weights.sum()
    sizes = np.floor(exact).astype(int)
    order = np.argsort(-(exact - sizes), kind="stable")
    sizes[order[: n - int(sizes.sum())]] += 1
    return {label: int(s) for label, s in zip(shares.keys(), sizes, strict=True)}


def simulate_histories(
    n: int,
    n_lists: int = 4,
    *,
    heterogeneity: float = 1.0,
    dependence: float = 0.0,
    strata: Mapping[str, float] | None = None,
    seed: int,
    capture: Sequence[float] | None = None,
    dependence_groups: Sequence[Sequence[int]] | None = None,
    stratum_capture: Mapping[str, float] | None = None,
    list_names: Sequence[str] | None = None,
    latent_classes: Sequence[tuple[float, Sequence[float]]] | None = None,
) -> SimulatedHistories:
    """Simulate capture histories of ``n`` true persons on ``n_lists`` lists.

    - ``heterogeneity``: standard deviation of each person's latent visibility on the logit
      scale (0 = everybody equally visible; 1 = strong; 2 = extreme).
    - ``dependence``: standard deviation of a latent shared by the lists of each dependence
      group (0 = independent lists; negative = the group's lists avoid each other).
    - ``dependence_groups``: lists (by index) that share a latent; default ``[(0, 1)]``.
    - ``capture``: probability of each list for a person of average visibility; default a
      descending set between 0.45 and 0.2.
    - ``strata``: label -> share of the population (sizes by largest remainder);
      ``stratum_capture``: label -> shift of every list's logit in that stratum (e.g. -1 for
      a region the lists barely reach).
    - ``latent_classes``: instead of the logit-normal model, a finite mixture
      ``[(share, [p_1..p_L]), ...]``: persons fall into classes by share (largest remainder,
      within each stratum) and lists are independent within a class — the generating model
      of LCMCR, for studies where it is well specified. ``heterogeneity``, ``dependence``
      and ``capture`` are then unused; ``stratum_capture`` still shifts the logits.
    """
    if n < 0:
        raise ValueError("n must be >= 0")
    if n_lists < 1:
        raise ValueError("at least one list")
    base = list(capture) if capture is not None else _default_base(n_lists)
    if len(base) != n_lists:
        raise ValueError(f"capture gives {len(base)} probabilities for {n_lists} lists")
    groups = [tuple(g) for g in (dependence_groups if dependence_groups is not None else [(0, 1)])]
    groups = [tuple(j for j in g if j < n_lists) for g in groups]
    groups = [g for g in groups if len(g) >= 2]
    names = (
        tuple(list_names) if list_names is not None else tuple(f"L{j + 1}" for j in range(n_lists))
    )
    if len(names) != n_lists:
        raise ValueError("one name per list")

    rng = np.random.default_rng(seed)
    labels: list[str] | None = None
    sizes: dict[str, int] | None = None
    offsets = None
    if strata:
        sizes = allocate(n, strata)
        labels = [label for label, size in sizes.items() for _ in range(size)]
        shift = stratum_capture or {}
        unknown = set(shift) - set(sizes)
        if unknown:
            raise ValueError(f"stratum_capture names unknown strata: {sorted(unknown)}")
        offsets = np.repeat(
            np.asarray([float(shift.get(label, 0.0)) for label in sizes], dtype=np.float64),
            list(sizes.values()),
        )[:, None] * np.ones((1, n_lists))
    if latent_classes is not None:
        matrix = _class_matrix(rng, n, n_lists, latent_classes, sizes, offsets)
    else:
        matrix = capture_matrix(
            rng,
            n,
            base,
            heterogeneity=heterogeneity,
            dependence=dependence,
            groups=groups,
            offsets=offsets,
        )
    histories = Histories.from_rows(names, matrix, labels)
    settings: dict[str, Any] = {
        "n": n,
        "n_lists": n_lists,
        "heterogeneity": heterogeneity,
        "dependence": dependence,
        "dependence_groups": [list(g) for g in groups],
        "capture": [float(b) for b in base],
        "strata": dict(strata) if strata else None,
        "stratum_capture": dict(stratum_capture) if stratum_capture else None,
        "lists": list(names),
        "latent_classes": (
            [[float(w), [float(x) for x in p]] for w, p in latent_classes]
            if latent_classes is not None
            else None
        ),
    }
    return SimulatedHistories(
        n=n,
        histories=histories,
        n_by_stratum=sizes,
        seed=seed,
        settings=settings,
        matrix=matrix,
        person_strata=tuple(labels) if labels is not None else None,
    )


def _class_matrix(
    rng: np.random.Generator,
    n: int,
    n_lists: int,
    classes: Sequence[tuple[float, Sequence[float]]],
    sizes: Mapping[str, int] | None,
    offsets: npt.NDArray[np.float64] | None,
) -> npt.NDArray[np.uint8]:
    if not classes:
        raise ValueError("latent_classes needs at least one class")
    probs = np.asarray([list(p) for _, p in classes], dtype=np.float64)
    if probs.shape[1] != n_lists:
        raise ValueError(f"each latent class needs {n_lists} capture probabilities")
    if ((probs < 0) | (probs > 1)).any():
        raise ValueError("capture probabilities must be between 0 and 1")
    shares = {str(k): float(w) for k, (w, _) in enumerate(classes)}
    membership = np.empty(n, dtype=np.int64)
    start = 0
    for block in (sizes or {"": n}).values():
        counts = allocate(block, shares)
        labels = np.repeat(np.arange(len(classes)), list(counts.values()))
        membership[start : start + block] = rng.permutation(labels)
        start += block
    eta = logit(probs[membership])
    if offsets is not None:
        eta = eta + offsets
    p = 1.0 / (1.0 + np.exp(-eta))
    return (rng.random((n, n_lists)) < p).astype(np.uint8)


def _default_base(n_lists: int) -> list[float]:
    return [DEFAULT_BASE[j % len(DEFAULT_BASE)] for j in range(n_lists)]
