"""Place labels in the reader's language, from the gazetteer's Kazakh, Russian and English
names. The public rows and the report's data carry the English label; each page shows it in
its own language. (To move to the shared gazetteer when it has labels per language.)"""

from __future__ import annotations

from functools import cache

from qantar.data import read_csv


@cache
def _place_names() -> dict[str, dict[str, str]]:
    return {
        row["name_en"]: {"kk": row["name_kk"], "ru": row["name_ru"], "en": row["name_en"]}
        for row in read_csv("kz/places.csv")
        if row["name_en"]
    }


def place_in(label: str | None, lang: str) -> str | None:
    """A place label from the gazetteer in ``lang``; any other text as it was written."""
    if not label:
        return label
    return _place_names().get(label, {}).get(lang) or label
