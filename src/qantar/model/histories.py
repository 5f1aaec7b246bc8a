"""Capture histories: which lists documented each person, aggregated by pattern.

The common currency between linkage (which produces them), the synthetic generator
(which simulates them with known truth) and estimation (which consumes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Histories:
    """Distinct capture patterns over ``lists`` with how many persons show each.

    ``patterns`` is a (k, L) array of 0/1; ``counts`` is (k,) of positive integers. The
    all-zero pattern is never present: nobody can count the unlisted directly.
    ``strata`` optionally names a stratum for each pattern row (the same pattern may then
    appear once per stratum).
    """

    lists: tuple[str, ...]
    patterns: npt.NDArray[np.uint8]
    counts: npt.NDArray[np.int64]
    strata: tuple[str, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        if self.patterns.ndim != 2 or self.patterns.shape[1] != len(self.lists):
            raise ValueError("patterns must be a (k, number of lists) array")
        if self.counts.shape != (self.patterns.shape[0],):
            raise ValueError("one count per pattern")
        if self.strata is not None and len(self.strata) != len(self.counts):
            raise ValueError("one stratum per pattern")

    @property
    def observed(self) -> int:
        return int(self.counts.sum())

    @classmethod
    def from_rows(
        cls,
        lists: tuple[str, ...] | list[str],
        rows: npt.ArrayLike,
        strata: list[str] | None = None,
    ) -> Histories:
        """Aggregate one 0/1 row per person (optionally with a stratum each) into patterns."""
        matrix = np.asarray(rows, dtype=np.uint8).reshape(-1, len(lists))
        keep = matrix.any(axis=1)
        matrix = matrix[keep]
        labels = np.asarray(strata, dtype=object)[keep] if strata is not None else None
        if labels is None:
            patterns, counts = np.unique(matrix, axis=0, return_counts=True)
            return cls(tuple(lists), patterns.astype(np.uint8), counts.astype(np.int64))
        out_p: list[npt.NDArray[np.uint8]] = []
        out_c: list[int] = []
        out_s: list[str] = []
        for label in sorted(set(labels.tolist())):
            sub = matrix[labels == label]
            patterns, counts = np.unique(sub, axis=0, return_counts=True)
            out_p.extend(patterns.astype(np.uint8))
            out_c.extend(int(c) for c in counts)
            out_s.extend([str(label)] * len(counts))
        return cls(
            tuple(lists),
            np.asarray(out_p, dtype=np.uint8).reshape(-1, len(lists)),
            np.asarray(out_c, dtype=np.int64),
            tuple(out_s),
        )

    def stratum(self, label: str) -> Histories:
        if self.strata is None:
            raise ValueError("these histories have no strata")
        mask = np.asarray([s == label for s in self.strata])
        return Histories(self.lists, self.patterns[mask], self.counts[mask])

    def collapsed(self) -> Histories:
        """Strata summed away."""
        if self.strata is None:
            return self
        rows = np.repeat(self.patterns, self.counts, axis=0)
        return Histories.from_rows(self.lists, rows)


UNKNOWN = "unknown"


@dataclass(frozen=True)
class PersonCaptures:
    """One row per documented person: the lists that captured them and, per stratum field
    (``region``, ``sex``...), their value or None where no record says. What imputation of
    missing strata needs and what :class:`Histories` forgets."""

    lists: tuple[str, ...]
    rows: npt.NDArray[np.uint8]
    fields: dict[str, list[str | None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.rows.ndim != 2 or self.rows.shape[1] != len(self.lists):
            raise ValueError("rows must be a (persons, number of lists) array")
        for name, values in self.fields.items():
            if len(values) != self.rows.shape[0]:
                raise ValueError(f"one {name} value per person")

    @property
    def persons(self) -> int:
        return int(self.rows.shape[0])

    def histories(self, stratum: str | None = None, values: list[str] | None = None) -> Histories:
        """Aggregated histories, by ``stratum`` when given: its values (or ``values``, e.g.
        imputed ones), a missing value becoming the ``unknown`` stratum."""
        if stratum is None:
            return Histories.from_rows(self.lists, self.rows)
        labels = values if values is not None else self.fields[stratum]
        return Histories.from_rows(self.lists, self.rows, [v or UNKNOWN for v in labels])
