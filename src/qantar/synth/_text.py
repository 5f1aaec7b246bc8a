"""How lists write dates, places and names, and the slips people make writing them."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from rapidfuzz.fuzz import ratio

from qantar.data import read_csv

MONTHS_RU = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа",
             "сентября", "октября", "ноября", "декабря")  # fmt: skip
MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December")  # fmt: skip

DATE_FORMATS = ("dmy", "iso", "ru_long", "en_long")


def format_date(date: dt.date, style: str) -> str:
    if style == "dmy":
        return f"{date.day:02d}.{date.month:02d}.{date.year}"
    if style == "iso":
        return date.isoformat()
    if style == "ru_long":
        return f"{date.day} {MONTHS_RU[date.month - 1]} {date.year}"
    if style == "en_long":
        return f"{MONTHS_EN[date.month - 1]} {date.day}, {date.year}"
    raise ValueError(f"unknown date style {style!r}")


def slip_date(date: dt.date, rnd: random.Random, style: str = "dmy") -> dt.date:
    """A plausible wrong date: a day off, or day and month swapped (05.01 read as 01.05).

    The swap only happens to numeric dates: nobody writes "1 сентября" for 9 January.
    """
    numeric = style in ("dmy", "iso")
    if numeric and date.day <= 12 and date.day != date.month and rnd.random() < 0.4:
        return date.replace(month=date.day, day=date.month)
    return date + dt.timedelta(days=rnd.choice((-1, 1)))


@dataclass(frozen=True)
class PlaceNames:
    ru: str
    kk: str
    en: str
    region_ru: str
    ru_variants: tuple[str, ...]
    en_variants: tuple[str, ...]


def _is_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


@cache
def place_names() -> dict[str, PlaceNames]:
    """Spellings of each city that a list of 2022 might use (not its historic names)."""
    rows = read_csv("kz/places.csv")
    regions = {r["id"]: r["name_ru"] for r in rows if r["kind"] == "region"}
    out: dict[str, PlaceNames] = {}
    for r in rows:
        if r["kind"] != "city":
            continue
        variants = [v for v in r["variants"].split("|") if v]
        # Close variants are spellings (Алма-Ата, Чимкент, Кзыл-Орда); distant ones are
        # former names (Верный, Джамбул) that a list of 2022 would not use.
        ru_v = [v for v in variants if _is_cyrillic(v) and ratio(v, r["name_ru"]) >= 60]
        en_v = [v for v in variants if not _is_cyrillic(v) and ratio(v, r["name_en"]) >= 60]
        out[r["id"]] = PlaceNames(
            ru=r["name_ru"],
            kk=r["name_kk"],
            en=r["name_en"],
            region_ru=regions.get(r["period_region_id"] or r["region_id"], ""),
            ru_variants=tuple(dict.fromkeys(ru_v)),
            en_variants=tuple(dict.fromkeys(en_v)),
        )
    return out


_SIMILAR_CYR = {
    "е": "и", "и": "е", "о": "а", "а": "о", "ы": "и", "с": "з", "з": "с", "т": "д",
    "д": "т", "ш": "щ", "щ": "ш", "й": "и", "к": "г", "г": "к", "б": "п", "п": "б",
    "ж": "ш", "н": "м", "м": "н", "л": "н", "у": "ю", "р": "л",
}  # fmt: skip
_SIMILAR_LAT = {
    "e": "i", "i": "e", "o": "a", "a": "o", "y": "i", "s": "z", "z": "s", "t": "d",
    "d": "t", "k": "q", "q": "k", "u": "o", "n": "m", "m": "n", "h": "kh",
}  # fmt: skip


def typo(word: str, rnd: random.Random) -> str:
    """One slip of the hand or ear: a letter dropped, doubled, swapped or misheard."""
    if len(word) < 3:
        return word
    # Keep the first letter: people rarely get it wrong, and initials stay usable.
    i = rnd.randrange(1, len(word))
    kind = rnd.random()
    if kind < 0.25:
        return word[:i] + word[i + 1 :]
    if kind < 0.4:
        return word[:i] + word[i] + word[i:]
    if kind < 0.55 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    ch = word[i]
    table = _SIMILAR_CYR if _is_cyrillic(ch) else _SIMILAR_LAT
    sub = table.get(ch.lower())
    if sub is None:
        return word[:i] + word[i + 1 :]
    if ch.isupper():
        sub = sub.upper()
    return word[:i] + sub + word[i + 1 :]


def typos(text: str, rate: float, rnd: random.Random) -> str:
    """Each word of ``text`` gets a slip with probability ``rate``."""
    if rate <= 0:
        return text
    return " ".join(typo(w, rnd) if rnd.random() < rate else w for w in text.split(" "))
