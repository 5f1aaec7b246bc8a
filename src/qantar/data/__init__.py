"""Reference data shipped with qantar (copied from the project's shared/data; see each README).

No file here holds the name of a real victim or detainee: only generic name-frequency
lists, a gazetteer of Kazakhstan, published figures and aggregated MSE reference data.
"""

from __future__ import annotations

import csv
import io
from functools import cache
from importlib import resources


@cache
def read_csv(relative: str) -> tuple[dict[str, str], ...]:
    """Rows of a shipped CSV file (e.g. ``"kz/places.csv"``), cached: the files are small."""
    text = resources.files("qantar.data").joinpath(relative).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text, newline="")))
