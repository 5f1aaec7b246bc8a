"""What the lists themselves say about publication, read from the raw rows kept verbatim.

A family's list may carry a consent column ("Согласие на публикацию: нет") or write
"не публиковать" / "жарияламау" / "do not publish" in any cell: that record counts as a
withhold, whatever the rules say, until someone decides for the person (docs/publish.md).
Only the column headers a user names in ``[publish] circumstances_columns`` become
public free text; nothing else a list wrote is published.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Words in a column header that make it a consent column.
_CONSENT_HEADER = re.compile(
    r"соглас|публик|consent|publish|publication|келісім|келисим|жариял", re.IGNORECASE
)
# A consent column's "no".
_NO = re.compile(
    r"^\W*(нет|no|n|жоқ|жок|false|0|отказ\w*|refused|declined|не\s*соглас\w*|"
    r"келіспейді|келиспейди|withhold)\W*$",
    re.IGNORECASE,
)
# Anywhere in a row: a request not to publish.
_DO_NOT_PUBLISH = re.compile(
    r"не\s*публиковать|не\s*публикуй|не\s*для\s*публикац|без\s*публикац|запрет\w*\s*публикац|"
    r"против\s*публикац|жарияламау|жарияламаң|жарияланбасын|жарияламасын|"
    r"жариялауға\s*(болмайды|қарсы|келіспе)|do\s*not\s*publish|don'?t\s*publish|"
    r"not\s*for\s*publication|no\s*publication|do\s*not\s*name",
    re.IGNORECASE,
)


def cells_by_header(cells: Any, headers: Sequence[Any]) -> dict[str, str]:
    """A raw row as header -> text (a CSV or sheet row is a list aligned with the headers,
    a JSON row a mapping)."""
    if isinstance(cells, Mapping):
        return {str(k): "" if v is None else str(v) for k, v in cells.items()}
    if isinstance(cells, list):
        out: dict[str, str] = {}
        for i, value in enumerate(cells):
            header = str(headers[i]) if i < len(headers) else f"column {i + 1}"
            out.setdefault(header, "" if value is None else str(value))
        return out
    return {}


def says_withhold(row: Mapping[str, str]) -> bool:
    """Whether a raw row asks that its person not be published."""
    for header, value in row.items():
        if not value:
            continue
        if _DO_NOT_PUBLISH.search(value):
            return True
        if _CONSENT_HEADER.search(header) and _NO.match(value):
            return True
    return False


def chosen_text(row: Mapping[str, str], columns: Sequence[str]) -> list[str]:
    """The texts of the columns a user made public on purpose, in their order."""
    wanted = {c.strip().casefold(): i for i, c in enumerate(columns)}
    found = sorted(
        (wanted[h.strip().casefold()], v.strip())
        for h, v in row.items()
        if h.strip().casefold() in wanted and v and v.strip()
    )
    return [v for _, v in found]
