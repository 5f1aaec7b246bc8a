"""Words lists put where a name is unknown (an unidentified body): not a name.

One list for every area: linkage must not match two strangers on "неизвестный", and the
memorial must not show "Н." for someone nobody could name.
"""

from __future__ import annotations

import re

# Stems, so that every case and gender form is caught (неизвестный, неизвестная,
# неизвестного; белгісіз, белгісізі).
PLACEHOLDER_WORDS = (
    "неизвест",
    "неопозн",
    "не установл",
    "неустановл",
    "белгісіз",
    "белгисиз",
    "unknown",
    "unidentified",
    "neizvest",
)
# Cells that are nothing but a filler: н/д (нет данных), n/a, нет, dashes, question marks.
_FILLER = r"^\W*(н/д|н\.д\.|n/a|нет|жоқ|none|-+|\?+)\W*$"
_PLACEHOLDER = re.compile(
    "|".join(re.escape(w).replace(r"\ ", r"\s*") for w in PLACEHOLDER_WORDS) + "|" + _FILLER,
    re.IGNORECASE,
)


def is_placeholder(text: str | None) -> bool:
    """True when ``text`` says that the name is unknown rather than giving one."""
    return bool(text) and _PLACEHOLDER.search(str(text)) is not None
