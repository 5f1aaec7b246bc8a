"""Why a value or a row was set aside, as a sentence a reader can have in her language.

A reason is a ``Note``: its English text is what the quarantine table has always stored
("birth_date: an age over 120"), and it remembers its catalog message, so the quarantine
page, the fix form and the CLI word it in Kazakh or Russian. The field a reason is about is
named in the English text by its code (scripts split on the colon), and in the other
languages by the field's label, the same word the import pages use (``FIELD_LABELS``).
"""

from __future__ import annotations

from collections.abc import Iterable

from qantar.notes import N_, Note

# The fields of a record as a page names them (the library keeps the English codes).
FIELD_LABELS: dict[str, str] = {
    "source_record_id": N_("Number in the list"),
    "name": N_("Full name"),
    "surname": N_("Surname"),
    "given": N_("Given name"),
    "patronymic": N_("Patronymic"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "age": N_("Age"),
    "event_date": N_("Date of the event"),
    "place": N_("Place"),
    "event_type": N_("What happened"),
    "notes": N_("Notes"),
}

# "field: reason" for each field read by a parser: the code stays in the English text, the
# translation names the field as FIELD_LABELS does.
_FIELD_REASONS: dict[str, str] = {
    "sex": N_("sex: %(reason)s"),
    "birth_date": N_("birth_date: %(reason)s"),
    "age": N_("age: %(reason)s"),
    "event_date": N_("event_date: %(reason)s"),
    "event_type": N_("event_type: %(reason)s"),
}


def field_reason(field: str, reason: str) -> str:
    """``field: reason`` as a Note (a field without a message of its own stays plain)."""
    message = _FIELD_REASONS.get(field)
    if message is None:
        return f"{field}: {reason}"
    return Note(message, reason=reason)


def joined(reasons: Iterable[str]) -> str:
    """Several reasons in one line, separated by "; ", each still worded in the reader's
    language."""
    items = list(reasons)
    if not items:
        return ""
    line = items[0]
    for item in items[1:]:
        line = Note(N_("%(first)s; %(then)s"), first=line, then=item)
    return line
