"""Values that keep what the source actually said: a date with its precision, a sex."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from qantar.model.enums import EventType, SourceKind


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"
    UNKNOWN = "U"


SOURCE_KINDS = tuple(kind.value for kind in SourceKind)
EVENT_TYPES = tuple(kind.value for kind in EventType)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the day, the month or only the year (``2022``, ``2022-01``, ``2022-01-05``).

    A list that says "2022" must not become 1 January 2022: downstream comparisons
    (linkage, strata) need to know what was actually known.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.day is not None and self.month is None:
            raise ValueError("a day without a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} out of range")
        if self.day is not None and self.month is not None:
            dt.date(self.year, self.month, self.day)  # raises on 31 February

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def iso(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def from_iso(cls, text: str) -> PartialDate:
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    def as_date(self) -> dt.date | None:
        """The exact day, or None when only the month or year is known."""
        if self.day is None or self.month is None:
            return None
        return dt.date(self.year, self.month, self.day)

    def __str__(self) -> str:
        return self.iso()
