"""Cyrillic (Russian and Kazakh letters) to Latin in the schemes real lists use, and back.

Each scheme is a lowercase letter table plus a few context rules (BGN's ``ye`` after
vowels, press ``-off``, ``-ий`` endings). Case is carried over letter by letter so that
``ЖАНАТ`` becomes ``ZHANAT`` and ``Жанат`` becomes ``Zhanat``. Characters outside the
table (Latin letters, digits, punctuation) pass through unchanged, so transliterating an
already-Latin name is the identity.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from functools import lru_cache

from qantar.errors import N_, InputError

# Russian letters shared by every table; schemes override what they spell differently.
_RU_BASE: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip

# Kazakh letters as Russian-speaking clerks and passport offices flatten them.
_KZ_FLAT: dict[str, str] = {
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "і": "i",
}  # fmt: skip

_VOWELS_CYR = frozenset("аеёиоуыэюяәөұүі")
_SOFT_OR_HARD = frozenset("ьъй")


def _table(*layers: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for layer in layers:
        out.update(layer)
    return out


_TABLES: dict[str, dict[str, str]] = {
    # BGN/PCGN Russian (1947) with BGN/PCGN Kazakh (1979) for the Kazakh letters.
    "bgn": _table(
        _RU_BASE,
        {"ё": "ë", "ъ": "”", "ь": "’"},
        {
            "ә": "ä",
            "ғ": "gh",
            "қ": "q",
            "ң": "ng",
            "ө": "ö",
            "ұ": "ū",
            "ү": "ü",
            "һ": "h",
            "і": "ī",
        },
    ),
    # ICAO Doc 9303 (7th ed.) as printed in machine-readable passports; Kazakh letters
    # reduced to their base letters as Kazakhstan's passports do.
    "icao": _table(
        _RU_BASE,
        {"й": "i", "ъ": "ie", "ю": "iu", "я": "ia"},
        _KZ_FLAT,
    ),
    # GOST 7.79-2000 system A = ISO 9:1995, one Latin letter (with diacritics) per letter.
    "gost": _table(
        _RU_BASE,
        {
            "ё": "ë",
            "ж": "ž",
            "й": "j",
            "х": "h",
            "ц": "c",
            "ч": "č",
            "ш": "š",
            "щ": "ŝ",
            "ъ": "ʺ",
            "ь": "ʹ",
            "э": "è",
            "ю": "û",
            "я": "â",
        },
        {"ә": "ä", "ғ": "ġ", "қ": "ķ", "ң": "ṇ", "ө": "ô", "ұ": "ū", "ү": "ù", "һ": "ḥ", "і": "ì"},
    ),
    # Kazakh Latin alphabet of 2021 (presented January 2021): I ı for і, İ i for и and й.
    "kz2021": _table(
        _RU_BASE,
        {"ё": "io", "ж": "j", "й": "i", "х": "h", "ш": "ş", "щ": "şş", "ю": "iu", "я": "ia"},
        {"ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū", "ү": "ü", "һ": "h", "і": "ı"},
    ),
    # Kazakh Latin alphabet of 2018 (decree of February 2018): acute accents, ı for и and
    # й, ý for у; the spelling of many Kazakh press and government sites since then.
    "kz2018": _table(
        _RU_BASE,
        {
            "ё": "ıo",
            "ж": "j",
            "и": "ı",
            "й": "ı",
            "х": "h",
            "у": "ý",
            "ц": "c",
            "ю": "ıý",
            "я": "ıa",
        },
        {"ә": "á", "ғ": "ǵ", "қ": "q", "ң": "ń", "ө": "ó", "ұ": "u", "ү": "ú", "һ": "h", "і": "i"},
    ),
    # English-language press: Zh, Kh, Ya, Yu, -y; Kazakh letters flattened.
    "press": _table(_RU_BASE, {"ё": "yo"}, _KZ_FLAT),
    # Press spelling closer to Kazakh sound: J for ж (Janat, Jandos), H for х.
    "press_j": _table(_RU_BASE, {"ж": "j", "х": "h", "ё": "yo"}, _KZ_FLAT),
    # Kazakh-aware press: Q for қ (Qairat), H for х and һ, Gh for ғ.
    "press_q": _table(_RU_BASE, {"х": "h", "ё": "yo"}, _KZ_FLAT, {"қ": "q", "ғ": "gh"}),
    # Ia/Iu style (French and German agencies, older ICAO): Ia, Iu, i for й.
    "press_ia": _table(_RU_BASE, {"й": "i", "я": "ia", "ю": "iu", "ё": "io"}, _KZ_FLAT),
    # Older emigre and French-style spelling: -off/-eff endings, ou for у is NOT used.
    "press_off": _table(_RU_BASE, {"ё": "yo"}, _KZ_FLAT),
}

SCHEMES: tuple[str, ...] = tuple(_TABLES)

# Schemes that write е as "ye" at the start of a word and after a vowel or ь ъ й.
_YE_SCHEMES = frozenset({"bgn", "press", "press_j", "press_q", "press_off"})


def _is_cyr(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _match_case(latin: str, upper: bool, next_upper: bool) -> str:
    if not upper or not latin:
        return latin
    # A digraph keeps title case inside a title-case word (Zhanat) and goes fully upper
    # inside an uppercase word (ZHANAT).
    return latin.upper() if next_upper else latin[0].upper() + latin[1:]


@lru_cache(maxsize=65536)
def transliterate(text: str, scheme: str) -> str:
    """``text`` written in Latin letters by ``scheme`` (one of :data:`SCHEMES`).

    Deterministic: the same text and scheme always give the same string.
    """
    try:
        table = _TABLES[scheme]
    except KeyError:
        raise InputError(
            N_("unknown transliteration scheme %(scheme)s; choose one of %(allowed)s"),
            scheme=repr(scheme),
            allowed=", ".join(SCHEMES),
        ) from None
    text = unicodedata.normalize("NFC", text)
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        low = ch.lower()
        if low not in table:
            out.append(ch)
            continue
        prev = text[i - 1].lower() if i > 0 else ""
        nxt = text[i + 1] if i + 1 < n else ""
        latin = table[low]
        word_start = not prev or not prev.isalpha()
        word_end = not nxt or not nxt.isalpha()
        if (
            scheme in _YE_SCHEMES
            and low in "её"
            and (word_start or prev in _VOWELS_CYR or prev in _SOFT_OR_HARD)
        ):
            latin = "ye" if low == "е" else ("yë" if scheme == "bgn" else "yo")
        if scheme == "press" and low == "й" and word_end and prev == "и":
            # -ий: Dmitriy (BGN keeps y), Dmitry (English press drops the i).
            out[-1] = out[-1][:-1] if out and out[-1].lower() == "i" else out[-1]
        if scheme == "press_off" and low == "в" and word_end and prev in ("о", "е"):
            latin = "ff"
        if scheme in ("press", "press_j", "press_q", "press_off") and low == "ь":
            # A soft sign before и or о is heard as y (Ilyin); before е ё ю я the vowel
            # already starts with y (Grigoryev, Natalya).
            latin = "y" if nxt.lower() in ("и", "о") else ""
        upper = ch.isupper()
        next_upper = nxt.isupper() if nxt.isalpha() else (prev.upper() == text[i - 1] != prev)
        out.append(_match_case(latin, upper, next_upper))
    return "".join(out)


_RUSSIFY = str.maketrans(
    {"ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х", "і": "и",
     "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У", "Һ": "Х", "І": "И"}
)  # fmt: skip


def russify(text: str) -> str:
    """Kazakh letters ә ғ қ ң ө ұ ү һ і replaced by Russian а г к н о у у х и, as official
    Russian-language lists write them (Қайрат → Кайрат, Нұрлан → Нурлан)."""
    return unicodedata.normalize("NFC", text).translate(_RUSSIFY)


# Latin back to Cyrillic: longest match first. Kazakh-only Latin letters give Kazakh letters.
_TO_CYR: tuple[tuple[str, str], ...] = tuple(
    sorted(
        {
            "shch": "щ", "sch": "щ", "şş": "щ", "zh": "ж", "kh": "х", "gh": "ғ", "ts": "ц",
            "tch": "ч", "ch": "ч", "sh": "ш", "ya": "я", "ia": "я", "ıa": "я", "yu": "ю",
            "iu": "ю", "ıý": "ю", "yo": "ё", "ye": "е", "iy": "ий", "ıy": "ый", "ij": "ий",
            "ay": "ай", "ey": "ей", "oy": "ой", "uy": "уй", "ai": "ай", "ei": "ей",
            "oi": "ой", "ui": "уй", "a": "а", "b": "б", "c": "ц", "d": "д", "e": "е",
            "f": "ф", "g": "г", "h": "х", "i": "и", "j": "ж", "k": "к", "l": "л", "m": "м",
            "n": "н", "o": "о", "p": "п", "q": "қ", "r": "р", "s": "с", "t": "т", "u": "у",
            "v": "в", "w": "у", "x": "кс", "y": "ы", "z": "з", "ä": "ә", "á": "ә", "ğ": "ғ",
            "ǵ": "ғ", "ı": "и", "ñ": "ң", "ń": "ң", "ö": "ө", "ó": "ө", "ū": "ұ", "ü": "ү",
            "ú": "ү", "ý": "у", "ş": "ш", "ç": "ч", "ž": "ж", "č": "ч", "š": "ш", "ŝ": "щ",
            "â": "я", "û": "ю", "è": "э", "ë": "ё", "ī": "і", "ì": "і",
            # A glide between vowels: Saya → Сая, Zhumabayev → Жумабаев, Aliya → Алия.
            **{
                v + glide: cyr_v + cyr_g
                for v, cyr_v in (("a", "а"), ("e", "е"), ("i", "и"), ("o", "о"), ("u", "у"))
                for glide, cyr_g in (("ya", "я"), ("yu", "ю"), ("ye", "е"), ("yo", "ё"))
            },
        }.items(),
        key=lambda kv: -len(kv[0]),
    )
)  # fmt: skip


@lru_cache(maxsize=65536)
def to_cyrillic(latin: str) -> str:
    """A Cyrillic skeleton of a Latin-script name (``Qairat`` → ``Қайрат``,
    ``Zhanat`` → ``Жанат``). A best guess for display and review, not an inverse of any
    one scheme: keys are computed from either script directly."""
    text = unicodedata.normalize("NFC", latin)
    out: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        for src, dst in _TO_CYR:
            size = len(src)
            chunk = text[i : i + size]
            if chunk.lower() == src:
                at_start = i == 0 or not text[i - 1].isalpha()
                if src in ("ye", "e") and at_start:
                    dst = "е"
                if src == "e" and not at_start and text[i - 1].lower() in "aeiouy":
                    dst = "е"
                if chunk[0].isupper():
                    dst = dst.upper() if (chunk.isupper() and size > 1) else dst.capitalize()
                    if size == 1 and i + 1 < n and text[i + 1].isupper():
                        dst = dst.upper()
                out.append(dst)
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def script_of(text: str) -> str:
    """``cyrillic``, ``latin``, ``mixed``, ``other`` or ``empty`` by the letters present."""
    cyr = lat = other = 0
    for ch in text:
        if not ch.isalpha():
            continue
        if _is_cyr(ch):
            cyr += 1
        elif ch.isascii() or "\u00c0" <= ch <= "\u024f" or "\u1e00" <= ch <= "\u1eff":
            lat += 1
        else:
            other += 1
    if not (cyr or lat or other):
        return "empty"
    if cyr and lat:
        return "mixed"
    if cyr:
        return "cyrillic"
    if lat:
        return "latin"
    return "other"
