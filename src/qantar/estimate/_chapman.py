"""Chapman's (bias-corrected Lincoln-Petersen) estimator for two lists."""

from __future__ import annotations

import math

from qantar.errors import InputError
from qantar.estimate._diagnostics import FEWER_THAN_THREE_LISTS, data_warnings
from qantar.estimate._result import Estimate
from qantar.model.histories import Histories
from qantar.notes import N_, Note

ASSUMPTIONS = N_(
    "Chapman's two-list estimate assumes that being on one list does not change the "
    "chance of being on the other, and that every person is equally likely to be listed. "
    "Documentation rarely meets either: lists that share sources overlap more (the "
    "estimate is then too low), and victims who are harder to document are missed by "
    "both (too low again). Treat it as a rough lower guide, and use three or more lists."
)


def chapman(histories: Histories, *, pair: tuple[str, str] | None = None) -> Estimate:
    """N = (n1 + 1)(n2 + 1)/(m + 1) - 1 with m persons on both lists; the 95% interval
    is the log-normal one of Chao (1987) on the number missed, so it never falls below
    the number observed."""
    if pair is None:
        if len(histories.lists) != 2:
            raise InputError(
                N_(
                    "Chapman's estimator uses two lists: name them (pair=(A, B)) or "
                    "merge/drop lists first; these histories have %(n)s"
                ),
                n=len(histories.lists),
            )
        a, b = 0, 1
    else:
        for name in pair:
            if name not in histories.lists:
                raise InputError(
                    N_("no list named %(name)s; lists are %(lists)s"),
                    name=repr(name),
                    lists=", ".join(histories.lists),
                )
        a, b = histories.lists.index(pair[0]), histories.lists.index(pair[1])
    pats, counts = histories.patterns, histories.counts
    in_a = pats[:, a] == 1
    in_b = pats[:, b] == 1
    n1 = int(counts[in_a].sum())
    n2 = int(counts[in_b].sum())
    m = int(counts[in_a & in_b].sum())
    seen = n1 + n2 - m
    if n1 == 0 or n2 == 0:
        raise InputError(N_("Chapman's estimator needs persons on both lists"))
    if m == 0:
        raise InputError(
            N_(
                "the two lists share nobody: with no overlap the number missed is "
                "unbounded, so no estimate can be made"
            )
        )
    total = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    variance = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    missed = max(total - seen, 1e-9)
    spread = math.exp(1.96 * math.sqrt(math.log(1 + variance / missed**2)))
    sub = histories if pair is None else None
    warnings: list[str] = [Note(ASSUMPTIONS)]
    if sub is not None:
        warnings += [w for w in data_warnings(sub) if w.message != FEWER_THAN_THREE_LISTS]
    if m < 7:
        warnings.append(
            Note(N_("only %(n)s persons are on both lists: the estimate is very unstable"), n=m)
        )
    return Estimate(
        method="chapman",
        lists=(histories.lists[a], histories.lists[b]),
        observed=seen,
        estimate=total,
        lower=seen + missed / spread,
        upper=seen + missed * spread,
        diagnostics={"n1": n1, "n2": n2, "both": m, "variance": variance},
        warnings=warnings,
        settings={"pair": [histories.lists[a], histories.lists[b]]},
    )
