"""The SQL that differs between linkage backends, written once per backend.

Comparison levels and blocking rules are Splink SQL run by the backend itself, so the few
functions DuckDB and Spark spell differently (string similarity, day arithmetic on ISO
dates, Splink's pair keys) are taken from here; everything else in ``_settings`` is SQL
both accept as written. Similarity functions come from Splink's own dialects: on Spark
they are the Scala functions of the jar Splink ships.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from qantar.errors import N_, QantarError

DIALECTS = ("duckdb", "spark")


@dataclass(frozen=True)
class Dialect:
    name: str

    @cached_property
    def _splink(self) -> Any:
        from splink.internals.dialects import SplinkDialect

        return SplinkDialect.from_string(self.name)

    def jaro_winkler(self, a: str, b: str) -> str:
        # NULL gives NULL on DuckDB and 0.0 on Spark: both fail any ">= x" test.
        return f"{self._splink.jaro_winkler_function_name}({a}, {b})"

    def damerau_levenshtein(self, a: str, b: str) -> str:
        # NULL gives NULL on DuckDB and 100 on Spark: both fail any "<= x" test.
        return f"{self._splink.damerau_levenshtein_function_name}({a}, {b})"

    def days_apart(self, a: str, b: str, *, lenient: bool = False) -> str:
        """Days between two ISO date strings; ``lenient``: NULL where one is no date."""
        cast = "TRY_CAST" if lenient else "CAST"
        da, db = f"{cast}({a} AS DATE)", f"{cast}({b} AS DATE)"
        if self.name == "spark":
            return f"abs(datediff({da}, {db}))"
        return f"abs(date_diff('day', {da}, {db}))"

    def next_day(self, column: str) -> str:
        """The ISO date string of the day after ``column``'s."""
        if self.name == "spark":
            return f"date_format(date_add(CAST({column} AS DATE), 1), 'yyyy-MM-dd')"
        return f"strftime(CAST({column} AS DATE) + INTERVAL 1 DAY, '%Y-%m-%d')"

    def record_id(self, join_key: str) -> str:
        """A record id from the key Splink joins candidate pairs on ("source-__-id")."""
        text = "STRING" if self.name == "spark" else "VARCHAR"
        return f"CAST(split_part(CAST({join_key} AS {text}), '-__-', -1) AS BIGINT)"


DUCKDB = Dialect("duckdb")
SPARK = Dialect("spark")


def dialect(name: str) -> Dialect:
    if name not in DIALECTS:
        raise QantarError(
            N_("unknown linkage backend %(backend)s; use one of %(backends)s"),
            backend=repr(name),
            backends=", ".join(DIALECTS),
        )
    return Dialect(name)
