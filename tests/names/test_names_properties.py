"""Invariants of qantar.names, checked on arbitrary input with hypothesis."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from qantar.names import (
    SCHEMES,
    canonical_latin,
    compare,
    keys,
    name_key,
    parse,
    parse_parts,
    russify,
    to_cyrillic,
    transliterate,
)

# Letters the lists are written in, plus separators and noise they carry.
NAME_ALPHABET = (
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі"
    "АБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯӘҒҚҢӨҰҮҺІ"
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "äğıñöşūüáǵńóúýİžčšŝâûèëīì"
    " -.,'’()"
)
name_text = st.text(alphabet=NAME_ALPHABET, max_size=40)
any_text = st.text(max_size=60)


@settings(max_examples=400, deadline=None)
@given(st.one_of(any_text, name_text))
def test_parse_never_raises_and_keeps_the_original(text: str) -> None:
    p = parse(text)
    assert p.original == text
    assert p.sex in ("M", "F", "U")
    assert 0.0 <= p.confidence <= 1.0
    keys(p)


@settings(max_examples=400, deadline=None)
@given(st.one_of(any_text, name_text))
def test_parse_never_invents_letters(text: str) -> None:
    """Every letter of every part comes from the original (only its case may change)."""
    p = parse(text)
    variants = (text, text.lower(), text.upper(), text.casefold())
    for part in (p.surname, p.given, p.patronymic, p.given_initial, p.patronymic_initial):
        if part:
            for ch in part:
                if ch.isalpha():
                    forms = (ch, ch.lower(), ch.upper())
                    assert any(f in v for f in forms for v in variants), (ch, text)


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, name_text), st.one_of(any_text, name_text), name_text)
def test_parse_parts_never_raises(a: str, b: str, c: str) -> None:
    p = parse_parts(a, b, c)
    assert p.sex in ("M", "F", "U")


@settings(max_examples=300, deadline=None)
@given(st.one_of(any_text, name_text), st.sampled_from(SCHEMES))
def test_transliteration_is_deterministic(text: str, scheme: str) -> None:
    uncached = transliterate.__wrapped__  # type: ignore[attr-defined]
    first = uncached(text, scheme)
    assert uncached(text, scheme) == first
    assert transliterate(text, scheme) == first


@settings(max_examples=300, deadline=None)
@given(name_text)
def test_keys_are_deterministic_and_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key.__wrapped__(text) == key  # type: ignore[attr-defined]
    assert key == key.strip()
    # Each word's key is a fixed point (whole keys join words, so only words are checked).
    for word in canonical_latin(text).split():
        assert name_key(word) == word


@settings(max_examples=200, deadline=None)
@given(name_text)
def test_latin_text_transliterates_to_itself(text: str) -> None:
    latin_only = "".join(ch for ch in text if not ("\u0400" <= ch <= "\u04ff"))
    for scheme in SCHEMES:
        assert transliterate(latin_only, scheme) == latin_only


@settings(max_examples=200, deadline=None)
@given(st.one_of(any_text, name_text))
def test_helpers_never_raise(text: str) -> None:
    to_cyrillic(text)
    assert russify(russify(text)) == russify(text)


@settings(max_examples=150, deadline=None)
@given(name_text, name_text)
def test_compare_is_bounded_and_reflexive(a: str, b: str) -> None:
    c = compare(a, b)
    assert 0.0 <= c.score <= 1.0
    same = compare(a, a)
    for part in same.parts:
        assert part.level in ("exact", "missing", "initial")
