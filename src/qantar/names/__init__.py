"""qantar.names: Kazakh and Russian names across Cyrillic and Latin spellings.

Pure functions: parse a name, infer sex, transliterate in the schemes real lists use,
compute script-independent match keys, compare two names part by part. The only data read
is the name lists shipped in ``qantar.data`` (kz/given_names.csv, kz/surnames.csv).

    >>> from qantar.names import parse, keys
    >>> p = parse("ОСПАНОВ Мирас Маратулы")
    >>> (p.surname, p.given, p.patronymic, p.sex)
    ('Оспанов', 'Мирас', 'Маратулы', 'M')
    >>> keys(parse("Ospanov Miras")).surname == keys(p).surname
    True
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from qantar.names._compare import (
    LEVELS,
    PARTS,
    NameComparison,
    PartComparison,
    compare,
    given_name_frequency,
)
from qantar.names._keys import (
    canonical_latin,
    name_key,
    patronymic_key,
    phonetic_key,
    surname_family_key,
)
from qantar.names._parse import ParsedName, infer_sex, parse, parse_parts
from qantar.names._placeholder import PLACEHOLDER_WORDS, is_placeholder
from qantar.names._record import UNNAMED, parse_record
from qantar.names._translit import SCHEMES, russify, script_of, to_cyrillic, transliterate


@dataclass(frozen=True)
class NameKeys:
    """Match keys of a parsed name; ``None`` where the part is absent.

    ``surname`` keeps the sex form (Касымов ≠ Касымова); ``surname_family`` does not.
    ``patronymic`` is the father's-name stem, the same for -ович/-овна/-ұлы/-қызы.
    """

    surname: str | None
    given: str | None
    patronymic: str | None
    surname_family: str | None = None
    given_initial: str | None = None
    patronymic_initial: str | None = None


def _k(part: str | None) -> str | None:
    return (name_key(part) or None) if part else None


def keys(parsed: ParsedName) -> NameKeys:
    """The match keys of every part of ``parsed`` (computed once per parsed name)."""
    cached: NameKeys | None = parsed.__dict__.get("_keys")
    if cached is None:
        cached = _keys_of(
            parsed.surname,
            parsed.given,
            parsed.patronymic,
            parsed.given_initial,
            parsed.patronymic_initial,
        )
        # A frozen dataclass may still carry a memo that is not one of its fields.
        object.__setattr__(parsed, "_keys", cached)
    return cached


@lru_cache(maxsize=262144)
def _keys_of(
    surname: str | None,
    given_name: str | None,
    patronymic: str | None,
    given_initial: str | None,
    patronymic_initial: str | None,
) -> NameKeys:
    given = _k(given_name)
    g_initial = given[:1] if given else (_k(given_initial) or "")[:1] or None
    pat = (patronymic_key(patronymic) or None) if patronymic else None
    p_initial = pat[:1] if pat else (_k(patronymic_initial) or "")[:1] or None
    return NameKeys(
        surname=_k(surname),
        given=given,
        patronymic=pat,
        surname_family=(surname_family_key(surname) or None) if surname else None,
        given_initial=g_initial,
        patronymic_initial=p_initial,
    )


def name_columns(parsed: ParsedName) -> dict[str, str | float | None]:
    """Flat columns of a parsed name for a linkage table (Splink, SQL): keys, phonetic keys,
    canonical Latin strings, initials, sex and given-name frequency. Stable column names."""
    k = keys(parsed)
    return {
        "surname_key": k.surname,
        "surname_family": k.surname_family,
        "surname_phonetic": phonetic_key(parsed.surname) or None if parsed.surname else None,
        "surname_latin": canonical_latin(parsed.surname) or None if parsed.surname else None,
        "given_key": k.given,
        "given_phonetic": phonetic_key(parsed.given) or None if parsed.given else None,
        "given_latin": canonical_latin(parsed.given) or None if parsed.given else None,
        "given_initial": k.given_initial,
        "patronymic_key": k.patronymic,
        "patronymic_initial": k.patronymic_initial,
        "sex": parsed.sex,
        "given_frequency": given_name_frequency(parsed.given) if parsed.given else None,
        "name_confidence": parsed.confidence,
    }


def latin(parsed: ParsedName, scheme: str = "icao") -> str:
    """The parsed name as ``Surname Given Patronymic`` in Latin letters (``scheme``)."""
    gi, pi = parsed.given_initial, parsed.patronymic_initial
    parts = [
        parsed.surname,
        parsed.given or (f"{gi}." if gi else None),
        parsed.patronymic or (f"{pi}." if pi else None),
    ]
    return transliterate(" ".join(p for p in parts if p), scheme)


__all__ = [
    "LEVELS",
    "PARTS",
    "PLACEHOLDER_WORDS",
    "SCHEMES",
    "UNNAMED",
    "NameComparison",
    "NameKeys",
    "ParsedName",
    "PartComparison",
    "canonical_latin",
    "compare",
    "given_name_frequency",
    "infer_sex",
    "is_placeholder",
    "keys",
    "latin",
    "name_columns",
    "name_key",
    "parse",
    "parse_parts",
    "parse_record",
    "patronymic_key",
    "phonetic_key",
    "russify",
    "script_of",
    "surname_family_key",
    "to_cyrillic",
    "transliterate",
]
