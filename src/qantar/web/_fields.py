"""The fields of a record and the ways a column is recognised, as a page names them in the
reader's language (the library keeps English codes: ``name``, ``birth_date``, ``auto``)."""

from __future__ import annotations

from qantar.i18n import N_, speaker
from qantar.ingest import FIELD_LABELS, FIELDS

assert set(FIELD_LABELS) == set(FIELDS)

HOW_LABELS: dict[str, str] = {
    "auto": N_("recognised by its header"),
    "settings": N_("named in qantar.toml"),
    "mapping file": N_("named in the mapping file"),
    "unknown": N_("not recognised"),
}

# What the preview shows of each field: the text as written, and the value read from it.
SHOWN: dict[str, tuple[str, str | None]] = {
    "source_record_id": ("source_record_id", None),
    "name": ("name_raw", None),
    "surname": ("surname_raw", None),
    "given": ("given_raw", None),
    "patronymic": ("patronymic_raw", None),
    "sex": ("sex_raw", "sex"),
    "birth_date": ("birth_date_raw", "birth_date"),
    "age": ("age_raw", "age"),
    "event_date": ("event_date_raw", "event_date"),
    "place": ("place_raw", "place_id"),
    "event_type": ("event_type_raw", "event_type"),
    "notes": ("notes", None),
}


# Values read from a cell that are codes: the event types (in the words of the report's
# tables) and sex.
READ_LABELS: dict[str, str] = {
    "killed": N_("killed"),
    "detained": N_("detained"),
    "injured": N_("injured"),
    "disappeared": N_("disappeared"),
    "tortured": N_("tortured"),
    "died_in_custody": N_("died in custody"),
    "M": N_("male"),
    "F": N_("female"),
}


def read_label(value: object, lang: str) -> str:
    text = str(value)
    return speaker(lang).gettext(READ_LABELS[text]) if text in READ_LABELS else text


def field_label(name: str, lang: str) -> str:
    return speaker(lang).gettext(FIELD_LABELS[name]) if name in FIELD_LABELS else name


def how_label(how: str, lang: str) -> str:
    """How a column was recognised; "duplicate of name" and the like are shown as stored."""
    return speaker(lang).gettext(HOW_LABELS[how]) if how in HOW_LABELS else how
