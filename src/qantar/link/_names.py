"""Name features for linkage: canonical Latin forms, match keys, phonetic keys, parts, sex.

``qantar.names`` is the home of Kazakh/Russian name handling. Linkage needs a handful of
its functions with a fixed meaning; this module supplies them so linkage can run before
(and independently of) that package's richer parsing. Every function is deterministic.

Keys are built so that the spellings lists actually use for one name meet:
Cyrillic (Russian or Kazakh letters) and the common Latin schemes (BGN/PCGN, passport,
Kazakh Latin 2021, French/German-style) all map to the same key; feminine surname and
patronymic endings are folded to their root, because sex is compared on its own.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from qantar.data import read_csv

_CYR = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "a", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "o", "ұ": "u", "ү": "u",
    "һ": "h", "і": "i",
}  # fmt: skip
_LAT = {
    "ä": "a", "ğ": "gh", "ı": "y", "ñ": "ng", "ö": "o", "ş": "sh", "ū": "u", "ü": "u",
    "ž": "zh", "š": "sh", "č": "ch", "ç": "ch", "ī": "i", "ý": "y", "é": "e", "ë": "e",
    "ʹ": "", "ʺ": "", "'": "", "’": "", "`": "",
}  # fmt: skip

# Ordered rewrites that make the Latin spellings of one Cyrillic letter meet.
_KEY_RULES: tuple[tuple[str, str], ...] = (
    ("shch", "sh"), ("sch", "sh"), ("tch", "ch"), ("tsch", "ch"), ("dzh", "j"),
    ("zh", "j"), ("kh", "h"), ("x", "h"), ("gh", "g"), ("q", "k"), ("ck", "k"),
    ("ts", "c"), ("tz", "c"), ("w", "v"), ("ph", "f"),
    ("yu", "u"), ("iu", "u"), ("ya", "a"), ("ia", "a"),
    ("yo", "o"), ("ye", "e"), ("ie", "e"), ("y", "i"),
    ("ngg", "n"), ("ng", "n"),
)  # fmt: skip
# In key form (see word_key): Нурланович, Nurlanuly, Нурланқызы, Nurlanovna.
_PATRONYMIC_SUFFIXES = ("ovich", "evich", "ovna", "evna", "ichna", "ich", "ulu", "uli", "kizi")
_FEMALE_PATRONYMIC = ("ovna", "evna", "ichna", "kizi")
_SURNAME_FEMININE = (("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("skaya", "skiy"),
                     ("skaia", "skii"), ("aya", "iy"))  # fmt: skip
_TOKEN = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", re.UNICODE)


def canonical_latin(text: str | None) -> str:
    """One Latin spelling for any script: lower case, no diacritics, letters and spaces."""
    if not text:
        return ""
    out: list[str] = []
    for ch in text.lower():
        if ch in _CYR:
            out.append(_CYR[ch])
        elif ch in _LAT:
            out.append(_LAT[ch])
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            base = "".join(c for c in decomposed if not unicodedata.combining(c))
            out.append(base if base.isascii() and (base.isalpha() or base == " ") else " ")
    return " ".join("".join(out).split())


def _replace(word: str) -> str:
    for old, new in _KEY_RULES:
        word = word.replace(old, new)
    return word


def _rewrite(word: str) -> str:
    word = _replace(word)
    # Doubled letters come and go between spellings (Анна/Ana, Жанна/Janna).
    return re.sub(r"(.)\1+", r"\1", word)


def _drop_glides(word: str) -> str:
    """An i gliding into or out of a vowel is written i, y, j or not at all (Кайрат/Qairat,
    Алдияр/Aldiiar/Aldiyar, Сергей/Sergei): keys leave it out."""
    word = re.sub(r"(?<=[aeou])i|i(?=[aeou])", "", word)
    return re.sub(r"(.)\1+", r"\1", word)


def word_key(word: str) -> str:
    """Match key of one name word (already canonical Latin)."""
    return _drop_glides(_rewrite(word.replace("-", "").replace(" ", "")))


def surname_key(surname: str) -> str:
    """Feminine endings folded: Ахметова and Akhmetov share a key."""
    word = canonical_latin(surname).replace(" ", "").replace("-", "")
    for fem, masc in _SURNAME_FEMININE:
        if word.endswith(fem) and len(word) > len(fem) + 1:
            word = word[: -len(fem)] + masc
            break
    return word_key(word)


def patronymic_root(patronymic: str) -> str:
    """The father's name inside a patronymic (Нурланович, Nurlanuly → nurlan)."""
    # Doubled letters are folded after the suffix is cut (Ақылбекқызы: the k of the
    # father's name must not swallow the k of "kizi").
    word = _replace(canonical_latin(patronymic).replace(" ", "").replace("-", ""))
    for suffix in _PATRONYMIC_SUFFIXES:
        if word.endswith(suffix) and len(word) > len(suffix) + 1:
            word = word[: -len(suffix)]
            break
    # Сергеевич and Сергей ұлы leave "serge" and "sergei": trailing vowels carry nothing.
    return _drop_glides(_rewrite(word)).rstrip("aeiou") or word


def phonetic_key(key: str) -> str:
    """Coarse sound key: first letter, then consonants with similar sounds merged."""
    if not key:
        return ""
    table = str.maketrans("bpvfgkhjzscdtlrmn", "bbbbkkkssssttlrmm")
    head, tail = key[0], key[1:]
    consonants = "".join(c for c in tail if c not in "aeiou").translate(table)
    return (head.translate(table) + re.sub(r"(.)\1+", r"\1", consonants))[:8]


@dataclass(frozen=True)
class _Lexicon:
    given_sex: dict[str, str]
    given_full: dict[str, str]
    surnames: frozenset[str]


@cache
def _lexicon() -> _Lexicon:
    given_sex: dict[str, str] = {}
    given_full: dict[str, str] = {}
    for row in read_csv("kz/given_names.csv"):
        spellings = [row["name_cyrillic"], row.get("name_kk", "")]
        spellings += [v for v in row.get("variants", "").split("|") if v]
        for spelling in spellings:
            key = word_key(canonical_latin(spelling))
            if not key:
                continue
            previous = given_sex.get(key)
            given_sex[key] = row["gender"] if previous in (None, row["gender"]) else "U"
            full = row.get("full_form", "")
            if row.get("kind") == "diminutive" and full and "?" not in full and "/" not in full:
                given_full[key] = word_key(canonical_latin(full))
    surnames: set[str] = set()
    for row in read_csv("kz/surnames.csv"):
        for spelling in (row["surname_m"], row["surname_f"]):
            surnames.add(surname_key(spelling))
    return _Lexicon(given_sex, given_full, frozenset(surnames))


def given_key(given: str) -> str:
    """Given-name key; a known diminutive (Саша) is replaced by its full form (Александр)."""
    key = word_key(canonical_latin(given))
    return _lexicon().given_full.get(key, key)


@dataclass(frozen=True)
class NameParts:
    surname: str = ""
    given: str = ""
    patronymic: str = ""


def _is_patronymic(word: str) -> bool:
    lat = _rewrite(canonical_latin(word))
    return any(lat.endswith(s) and len(lat) > len(s) + 1 for s in _PATRONYMIC_SUFFIXES)


def parse_full_name(text: str) -> NameParts:
    """Split a one-field name into parts; lists write both "Surname Given" and "Given Surname".

    A trailing "uly"/"kyzy" word is joined to the word before it (Нурлан ұлы).
    """
    words = _TOKEN.findall(text or "")
    joined: list[str] = []
    for word in words:
        low = _rewrite(canonical_latin(word))
        if joined and low in ("ulu", "uli", "kizi"):
            joined[-1] = joined[-1] + low
        else:
            joined.append(word)
    patronymic = ""
    rest = joined
    # The patronymic ends Russian order and sits in the middle of Western order.
    for index in range(len(joined) - 1, 0, -1):
        if _is_patronymic(joined[index]):
            patronymic, rest = joined[index], joined[:index] + joined[index + 1 :]
            break
    if not rest:
        return NameParts(patronymic=patronymic)
    if len(rest) == 1:
        return NameParts(surname=rest[0], patronymic=patronymic)
    if _surname_score(rest[-1]) > _surname_score(rest[0]):
        return NameParts(surname=rest[-1], given=" ".join(rest[:-1]), patronymic=patronymic)
    return NameParts(surname=rest[0], given=" ".join(rest[1:]), patronymic=patronymic)


def _surname_score(word: str) -> int:
    """How much more a word looks like a surname than like a given name."""
    lex = _lexicon()
    score = 2 if _looks_like_surname(word) else 0
    score += 1 if surname_key(word) in lex.surnames else 0
    score -= 1 if given_key(word) in lex.given_sex else 0
    return score


def _looks_like_surname(word: str) -> bool:
    lat = canonical_latin(word)
    return lat.endswith(("ov", "ev", "ova", "eva", "in", "ina", "enko", "skiy", "skaya", "iy"))


def infer_sex(parts: NameParts) -> str:
    """M, F or U from the patronymic, then the surname ending, then the given name."""
    if parts.patronymic:
        lat = _rewrite(canonical_latin(parts.patronymic))
        if lat.endswith(_FEMALE_PATRONYMIC):
            return "F"
        if _is_patronymic(parts.patronymic):
            return "M"
    if parts.surname:
        lat = canonical_latin(parts.surname)
        if lat.endswith(("ova", "eva", "ina", "skaya")):
            return "F"
        if lat.endswith(("ov", "ev", "in", "skiy", "skii")):
            return "M"
    if parts.given:
        first = parts.given.split()[0]
        return _lexicon().given_sex.get(given_key(first), "U")
    return "U"
