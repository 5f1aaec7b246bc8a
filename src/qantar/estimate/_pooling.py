"""More lists than dga's graphs cover: pool the smallest into one (the standard remedy)."""

from __future__ import annotations

import numpy as np

from qantar.model.histories import Histories

MAX_DGA_LISTS = 5


def smallest_lists(histories: Histories, keep: int = MAX_DGA_LISTS) -> list[str]:
    """The lists to pool so that ``keep`` remain: the smallest by persons documented
    (ties broken by order), as many as needed, at least two."""
    n_lists = len(histories.lists)
    if n_lists <= keep:
        return []
    sizes = (histories.patterns.astype(np.int64) * histories.counts[:, None]).sum(axis=0)
    order = sorted(range(n_lists), key=lambda j: (int(sizes[j]), j))
    chosen = sorted(order[: n_lists - keep + 1])
    return [histories.lists[j] for j in chosen]


def pool_smallest_lists(
    histories: Histories, keep: int = MAX_DGA_LISTS
) -> tuple[Histories, list[str]]:
    """The standard remedy when there are more lists than dga's graphs cover: pool the
    smallest lists into one (a person is on it if on any of them), so that ``keep``
    lists remain. Returns the pooled histories and the names pooled (empty if none)."""
    from qantar.estimate._inputs import merge_lists

    names = smallest_lists(histories, keep)
    if not names:
        return histories, []
    return merge_lists(histories, names), names
