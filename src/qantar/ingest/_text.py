"""Folding text for comparison only: the stored text is never changed."""

from __future__ import annotations

import re
import unicodedata

# Kazakh letters folded onto the Russian letters people type when a keyboard lacks them,
# so that "Талдыкорган" and "Талдықорған" meet. Used for lookup keys, never for storage.
_KAZAKH_FOLD = str.maketrans(
    {
        "ә": "а",
        "ғ": "г",
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ұ": "у",
        "ү": "у",
        "һ": "х",
        "і": "и",
        "ё": "е",
        "й": "и",
    }
)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def strip_marks(text: str) -> str:
    """Latin diacritics away (Öskemen → Oskemen); Cyrillic letters with marks are kept whole."""
    out = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            continue
        out.append(ch)
    # NFD splits й and ё too; put them back together before the Kazakh fold handles them.
    return unicodedata.normalize("NFC", "".join(out))


def fold(text: str) -> str:
    """Lower case, Kazakh letters folded, Latin marks stripped, punctuation to single spaces."""
    lowered = text.casefold().translate(_KAZAKH_FOLD)
    lowered = strip_marks(lowered).translate(_KAZAKH_FOLD)
    return _NON_WORD.sub(" ", lowered).strip()


def squeeze(text: str) -> str:
    """``fold`` without spaces: header keys ignore spacing and punctuation entirely."""
    keep_no = text.replace("№", " no ")
    return fold(keep_no).replace(" ", "")
