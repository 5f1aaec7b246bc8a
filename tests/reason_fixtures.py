"""A list with a bad value of each parsed field, the English reasons its quarantine has
always stored, and a check for English words left in a Kazakh or Russian line (shared by
tests/ingest and tests/web)."""

from __future__ import annotations

import re

# Bad values of each parsed field, and a row with a cell too many (held back whole).
LIST = (
    "№,ФИО,Дата рождения,Возраст,Пол,Статус\n"
    "1,Ахметов Нурлан,31.02.1990,34,м,погиб\n"
    "2,Сериков Ерлан,1990,240,м,погиб\n"
    "3,Жумабаев Арман,1990,30,х,погиб\n"
    "4,Касымов Болат,1990,30,м,неизвестно\n"
    "5,Оспанов Дархан,05.13.1990,30,м,погиб\n"
    "6,Нуриев Азат,1990,30,м,погиб,лишняя\n"
)
# The English lines the quarantine table held before reasons had words: unchanged.
ENGLISH = [
    "birth_date: not a real date (day is out of range for month)",
    "age: an age over 120",
    "sex: not a sex value this importer knows (М/Ж, Ер/Әйел, M/F)",
    "event_type: not an event type this importer knows "
    "(killed, detained, injured, disappeared, tortured)",
    "birth_date: month 13 does not exist (dates read as dmy; if this list writes them as mdy, "
    "set date_order = 'mdy' in a mapping file)",
    "row has 7 cells but the header has 6: columns may be shifted",
]
# Latin words a Kazakh or Russian line keeps on purpose: codes a list or a setting writes.
KEPT = {"dmy", "mdy", "date_order"}


def english_words(text: str, kept: set[str] = KEPT) -> list[str]:
    """Latin words of a line that are not codes, commands or backticked text."""
    text = re.sub(r"`[^`]*`", "", text)
    return [w for w in re.findall(r"[A-Za-z_]{2,}", text) if w not in kept]
