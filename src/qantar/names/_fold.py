"""Folding a name part, in any script or scheme, to one canonical Latin spelling.

Every rule here is explained in docs/names.md ("Match keys"). The order matters: letters
first (each script to plain a-z), then digraphs, then the ambiguous vowels and glides.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Cyrillic (Russian, Kazakh, and the letters of neighbouring languages) to the key
# alphabet. Kazakh letters fold to the Russian letter official lists would write: the key
# must not depend on whether a clerk had a Kazakh keyboard.
_CYR: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "j",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "i", "ь": "", "э": "e", "ю": "iu",
    "я": "ia",
    "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h",
    "і": "i",
    # Uzbek, Tatar, Ukrainian, Belarusian letters met in Kazakhstan's lists.
    "ҳ": "h", "ў": "u", "җ": "j", "ґ": "g", "є": "ie", "ї": "i", "ӣ": "i", "ӯ": "u",
}  # fmt: skip

# Latin letters whose base letter (after stripping accents) would mislead.
_LAT: dict[str, str] = {
    "ı": "i", "ş": "sh", "ç": "ch", "ž": "j", "č": "ch", "š": "sh", "ŝ": "sh", "ý": "u",
    "â": "ia", "û": "iu", "ə": "a", "ß": "ss", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d",
    "ł": "l", "ǵ": "g",
}  # fmt: skip

_DROP = frozenset("'’ʼʹʺ`´”“\"ʻʽ‘")

_VOWELS = "aeiou"
_DIGRAPHS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), r)
    for p, r in (
        (r"tsch|tch", "ch"),
        (r"shch|sch", "sh"),
        (r"dzh|dj", "j"),
        (r"zh", "j"),
        (r"kh", "h"),
        (r"gh", "g"),
        (r"ph", "f"),
        (r"c(?=[kt])", "k"),
        (r"cz", "ts"),
        (r"c(?!h)", "ts"),
        (r"x", "ks"),
        (r"w", "v"),
        (r"q", "k"),
        (r"y", "i"),
        # ISO 9 writes й as j: after a vowel and before a consonant, a glide or the end
        # it is й, never ж (Kazakh and Russian names put a vowel after ж).
        (r"(?<=[aeiou])j(?![aeou])", "i"),
    )
)
_SHSH = re.compile(r"(sh){2,}")
_NG = re.compile(r"ng")
_DOUBLE = re.compile(r"(.)\1+")
_IE = re.compile(r"ie")
_IO = re.compile(r"(?<=[^aeiou])io(?=[^aeiou])")
_OFF = re.compile(r"(?<=[oe])f$")


# Letters that look alike in Latin and Cyrillic: a word typed with a switched keyboard
# layout or pasted from OCR mixes them (Mиpас with Latin M and p).
_LAT_TO_CYR = str.maketrans("aceopxyiABCEHKMOPTXI", "асеорхуіАВСЕНКМОРТХІ")
_CYR_TO_LAT = str.maketrans("асеорхуіАВСЕНКМОРТХІ", "aceopxyiABCEHKMOPTXI")
_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z]")


def _unmix(text: str) -> str:
    """Each word in one script: the minority script's look-alike letters are swapped."""
    words = text.split()
    for i, word in enumerate(words):
        cyr = len(_CYR_RE.findall(word))
        lat = len(_LAT_RE.findall(word))
        if cyr and lat:
            words[i] = word.translate(_LAT_TO_CYR if cyr >= lat else _CYR_TO_LAT)
    return " ".join(words)


def _letters(text: str) -> str:
    """Lowercase a-z (plus letters of other scripts as they are) and spaces."""
    out: list[str] = []
    # Turkish/Kazakh-2021 dotted capital İ lowercases to i + combining dot: take it as I.
    text = unicodedata.normalize("NFC", text).replace("İ", "I")
    if _CYR_RE.search(text) and _LAT_RE.search(text):
        text = _unmix(text)
    for ch in text:
        low = ch.lower()
        if low in _CYR:
            out.append(_CYR[low])
        elif low in _LAT:
            out.append(_LAT[low])
        elif ch in _DROP or unicodedata.category(ch) == "Mn":
            continue
        elif len(low) == 1 and "a" <= low <= "z":
            out.append(low)
        elif ch.isalpha():
            base = "".join(
                c for c in unicodedata.normalize("NFD", low) if unicodedata.category(c) != "Mn"
            )
            base = base.lower()
            out.append(base if base.isascii() else low)
        else:
            out.append(" ")
    return "".join(out)


def _normalise_word(word: str) -> str:
    for pattern, repl in _DIGRAPHS:
        word = pattern.sub(repl, word)
    word = _SHSH.sub("sh", _DOUBLE.sub(r"\1", word))
    # BGN writes ң as ng; Cyrillic нг folds the same way, so both sides stay comparable.
    word = _NG.sub("n", word)
    # ye/ie at the start and after vowels is how BGN and the press write е (Yerlan,
    # Sergeyev); after a consonant Cyrillic ие and Latin ie spellings meet the same way.
    word = _IE.sub("e", word)
    # ё written yo/io between consonants (Pyotr, Semyon, Artyom) meets е (Петр, Семен).
    word = _IO.sub("e", word)
    word = _OFF.sub("v", word)
    return _DOUBLE.sub(r"\1", word)


@lru_cache(maxsize=262144)
def fold_words(text: str) -> tuple[str, ...]:
    """The words of ``text`` in the canonical key alphabet, before lexicon variants."""
    return tuple(w for w in (_settle(w) for w in _letters(text).split()) if w)


def _settle(word: str) -> str:
    # One rule can create the context of another (ajj → aij → ai): apply the rules until
    # nothing changes, so that a key is its own key.
    for _ in range(4):
        new = _normalise_word(word)
        if new == word:
            break
        word = new
    return word
