"""Match keys: the canonical key, the phonetic key, the family (sex-neutral) surname key
and the patronymic stem. The reasoning for every rule is in docs/names.md."""

from __future__ import annotations

import re
from functools import lru_cache

from qantar.names._fold import fold_words
from qantar.names._lexicon import lexicon


@lru_cache(maxsize=262144)
def canonical_words(part: str) -> tuple[str, ...]:
    variants = lexicon().variants
    return tuple(variants.get(w, w) for w in fold_words(part))


@lru_cache(maxsize=262144)
def name_key(part: str) -> str:
    """Script-independent key of one name part: ``Қайрат``, ``Кайрат``, ``Kairat``,
    ``Qairat``, ``Kayrat`` and ``Qaıyrat`` all give ``kairat``. Empty for no letters."""
    return "".join(canonical_words(part))


@lru_cache(maxsize=262144)
def canonical_latin(part: str) -> str:
    """The key with word boundaries kept (``анна-мария`` → ``ana maria``): a plain a-z
    string for SQL equality, Jaro-Winkler or Levenshtein comparisons in Splink."""
    return " ".join(canonical_words(part))


_PH_H = re.compile(r"^h(?=[aeiou])")
_PH_DIGRAPH = re.compile(r"sh|ch|ts")
_PH_MAP = str.maketrans(
    {"b": "p", "d": "t", "g": "k", "h": "k", "z": "s", "f": "v", "j": "j", "o": "a", "e": "i"}
)
_PH_DOUBLE = re.compile(r"(.)\1+")


@lru_cache(maxsize=262144)
def phonetic_key(part: str) -> str:
    """A coarser key for names that sound alike: voiced and voiceless consonants merged
    (б/п, д/т, г/к/х/қ, з/с, в/ф), ж ш ч щ merged, vowels in three classes (а/о, е/и/ы/і,
    у/ұ/ү), a leading х/h dropped (Хасан/Асан)."""
    key = name_key(part)
    key = _PH_H.sub("", key)
    key = _PH_DIGRAPH.sub(lambda m: "j" if m.group(0) != "ts" else "s", key)
    return _PH_DOUBLE.sub(r"\1", key.translate(_PH_MAP))


_FAMILY_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"kizi$", "uli"),  # Қасымқызы / Қасымұлы as surnames of sister and brother
        (r"aia$", "i"),  # Толстая, Белая, -ская: adjectival feminine
        (r"oi$", "i"),  # Толстой: adjectival masculine in -ой
        (r"ova$", "ov"),
        (r"eva$", "ev"),
        (r"ina$", "in"),
    )
)


@lru_cache(maxsize=262144)
def surname_family_key(part: str) -> str:
    """The sex-neutral surname key: ``Касымов`` and ``Касымова`` share it (a family),
    while :func:`name_key` keeps them apart (two people)."""
    key = name_key(part)
    for pattern, repl in _FAMILY_RULES:
        new = pattern.sub(repl, key)
        if new != key:
            return new
    return key


_PATRONYMIC_SUFFIXES: tuple[tuple[str, str], ...] = (
    # (suffix in key alphabet, sex it marks)
    ("ovich", "M"), ("evich", "M"), ("ovna", "F"), ("evna", "F"), ("inichna", "F"),
    ("ichna", "F"), ("ich", "M"), ("uli", "M"), ("ulu", "M"), ("kizi", "F"), ("gizi", "F"),
    ("ogli", "M"), ("oglu", "M"), ("ugli", "M"), ("kiz", "F"),
)  # fmt: skip


def split_patronymic(key: str) -> tuple[str, str] | None:
    """(father's name stem, sex) when the key ends in a patronymic suffix."""
    for suffix, sex in _PATRONYMIC_SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= 2:
            return key[: -len(suffix)], sex
    return None


@lru_cache(maxsize=262144)
def patronymic_key(part: str) -> str:
    """The father's-name stem of a patronymic, the same for every form and sex:
    ``Маратович``, ``Маратовна``, ``Маратұлы``, ``Марат ұлы``, ``Maratuly`` → ``marat``."""
    key = name_key(part)
    split = split_patronymic(key)
    if split is None:
        return key
    stem = split[0]
    lex = lexicon()
    if key.endswith("kizi") and stem + "k" in lex.given:
        # Серікқызы folds to serikizi: the doubled k of stem and suffix merged.
        stem += "k"
    return lex.variants.get(stem, stem)


def patronymic_sex(part: str) -> str | None:
    split = split_patronymic(name_key(part))
    return split[1] if split else None
