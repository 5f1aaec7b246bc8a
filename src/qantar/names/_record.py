"""The one way a record's name fields become a parsed name, shared by every area.

A list gives either one name column or separate columns (surname, given name,
patronymic), sometimes both. The parse runs once, when a record is stored
(``qantar.store.readers``), and linkage and publication both read what was stored, so the
memorial can never show a name the linkage did not see, or the other way round.
"""

from __future__ import annotations

from functools import lru_cache

from qantar.names._parse import ParsedName, parse, parse_parts
from qantar.names._placeholder import is_placeholder

UNNAMED = ParsedName(original="")
"""What a record with no name, or a placeholder for one («неизвестный»), parses to."""


@lru_cache(maxsize=1 << 16)
def parse_record(
    name: str | None,
    surname: str | None = None,
    given: str | None = None,
    patronymic: str | None = None,
) -> ParsedName:
    """The name of a record from its name column and its separate name columns.

    A placeholder in any of them means nobody could name the person: the result has no
    parts, so two unnamed people never match on it and the memorial never shows «Н.» as if
    it were an initial. Separate columns win over the name column, which may still supply
    a patronymic the columns lack.
    """
    if any(is_placeholder(t) for t in (name, surname, given)):
        return UNNAMED
    if surname or given:
        parsed = parse_parts(surname, given, patronymic)
        if not parsed.patronymic and name:
            whole = parse(name)
            if whole.patronymic:
                parsed = parse_parts(parsed.surname, parsed.given, whole.patronymic)
        return parsed
    return parse(name or "")
