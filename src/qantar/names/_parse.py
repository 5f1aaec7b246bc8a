"""Parsing a full name into surname, given name(s) and patronymic, whatever the order.

Each word gets a surname score and a given-name score from its suffix, the shipped name
lists and its case; every possible choice of surname is scored with an order prior
(official lists: SURNAME Given Patronymic; press: Given Surname) and the best wins. The
margin over the runner-up becomes the confidence.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache

from qantar.names._keys import name_key, patronymic_sex, split_patronymic
from qantar.names._lexicon import lexicon
from qantar.names._translit import script_of

SEXES = ("M", "F", "U")


@dataclass(frozen=True)
class ParsedName:
    """What qantar makes of one written name. ``original`` is the input, unchanged."""

    original: str
    surname: str | None = None
    given: str | None = None
    patronymic: str | None = None
    given_initial: str | None = None
    patronymic_initial: str | None = None
    sex: str = "U"
    confidence: float = 0.0
    script: str = "empty"
    order: str = "unknown"  # surname_first, given_first, surname_only, given_only, unknown
    aliases: tuple[str, ...] = ()
    reasons: tuple[str, ...] = field(default=(), compare=False)

    @property
    def initials(self) -> tuple[str, ...]:
        """The initials written instead of names (``Оспанов М.М.`` → ``("М", "М")``)."""
        return tuple(i for i in (self.given_initial, self.patronymic_initial) if i)

    @property
    def parts(self) -> tuple[str | None, str | None, str | None]:
        return (self.surname, self.given, self.patronymic)


# Words written as a separate word after the father's name: Марат ұлы, Марат қызы.
_SEPARATE_SUFFIX_KEYS = frozenset({"uli", "kizi", "ogli", "oglu", "gizi", "ugli", "ulu"})

# Koreans of Kazakhstan (Koryo-saram) carry short invariable surnames that no suffix
# betrays: listed by hand, spelled as Russian-language documents write them.
_KOREAN = frozenset(
    name_key(s)
    for s in [
        "Ким",
        "Ли",
        "Пак",
        "Цой",
        "Тен",
        "Хан",
        "Кан",
        "Ан",
        "Ни",
        "Нам",
        "Шин",
        "Югай",
        "Юн",
        "Тян",
        "Хегай",
        "Когай",
        "Огай",
        "Пай",
        "Мун",
        "Лим",
        "Ем",
        "Хван",
        "Чен",
        "Тё",
        "Тигай",
        "Де",
        "Ким",
        "Квон",
        "Ко",
        "Кон",
        "Ма",
        "Со",
        "Сон",
        "Ян",
        "Тхай",
        "Чон",
        "Чой",
        "Шегай",
        "Пан",
    ]
)

_SURNAME_ENDINGS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"(ov|ev|ova|eva)$", 3.0),
        (r"(ski|skaia|tski|tskaia)$", 3.0),
        (r"(enko|shvili|dze|iants|ian)$", 3.0),
        (r"(in|ina)$", 1.5),
        (r"(uk|iuk|chuk|ko|ich)$", 1.0),
        (r"(er|man|dt|ts)$", 0.8),
    )
)
_GIVEN_ENDINGS: tuple[tuple[re.Pattern[str], float], ...] = tuple(
    (re.compile(p), w)
    for p, w in (
        (r"(gul|bek|nur|gali|mira|sultan|bolat|ulan|jan)$", 1.2),
        (r"(bai|bol|zat|han|ali|lan|hat|at|ar|ia|a)$", 0.5),
    )
)

_TOKEN = re.compile(r"[^\W\d_]+(?:[-‐'’ʼ`][^\W\d_]+)*\.?|[,;()\[\]]")
_CONSONANTS_ONLY = re.compile(r"^[^aeiouаеёиоуыэюяәөұүіAEIOUАЕЁИОУЫЭЮЯӘӨҰҮІ]{2,3}$")


@dataclass
class _Word:
    text: str
    key: str
    index: int
    comma_after: bool = False


def surname_score(word: str) -> float:
    if "-" in word:
        # Petrov-Vodkin, Sultan-Bek: the best-scoring half speaks for the double surname.
        return max(surname_score(half) for half in word.split("-") if half)
    key = name_key(word)
    if not key:
        return 0.0
    lex = lexicon()
    score = 0.0
    entry = lex.surnames.get(key)
    if entry is not None:
        score += 1.0 if entry.given_name_like else 3.0
    if key in _KOREAN:
        score += 3.0
    if key not in lex.given:
        for pattern, weight in _SURNAME_ENDINGS:
            if pattern.search(key):
                score += weight
                break
    return score


def given_score(word: str) -> float:
    key = name_key(word)
    if not key:
        return 0.0
    lex = lexicon()
    if key in lex.given:
        return 3.0
    if key in lex.surnames and not lex.surnames[key].given_name_like:
        return 0.0
    if key in _KOREAN:
        return 0.0
    for pattern, _weight in _SURNAME_ENDINGS[:3]:
        if pattern.search(key):
            return 0.0
    for pattern, weight in _GIVEN_ENDINGS:
        if pattern.search(key):
            return weight
    return 0.3


def _display(token: str) -> str:
    """A token as a name part: no trailing dot, ALLCAPS or lowercase turned to Title case."""
    token = token.rstrip(".")
    if token.isupper() or token.islower():
        return re.sub(
            r"[^\W\d_]+",
            lambda m: (
                m.group(0).lower()
                if name_key(m.group(0)) in _SEPARATE_SUFFIX_KEYS and m.start() > 0
                else m.group(0)[0].upper() + m.group(0)[1:].lower()
            ),
            token,
        )
    return token


def _is_initial(token: str, all_upper: bool) -> bool:
    letters = token.rstrip(".")
    if token.endswith(".") and 1 <= len(letters) <= 2:
        return True
    if len(letters) == 1:
        return True
    # Glued initials without dots (Оспанов ММ): two or three capitals, no vowel.
    return not all_upper and letters.isupper() and bool(_CONSONANTS_ONLY.match(letters))


def _initial_letter(token: str) -> str:
    letters = token.rstrip(".")
    return letters[:2] if len(letters) == 2 and letters[1].islower() else letters[:1].upper()


def _is_patronymic(word: str) -> bool:
    key = name_key(word)
    if split_patronymic(key) is None:
        return False
    # A given name or surname that happens to end like a patronymic stays what it is.
    lex = lexicon()
    return key not in lex.given and key not in lex.surnames


@lru_cache(maxsize=262144)
def parse(name: str) -> ParsedName:
    """Surname, given name(s) and patronymic of a full name in any order and script.

    Handles ``ОСПАНОВ Мирас Маратулы``, ``Мирас Оспанов``, ``Ospanov Miras``,
    ``Mıras Ospanov``, ``Оспанов М.М.``, ``M. Ospanov``, ``Мирас Марат ұлы``, hyphenated
    and double names. Never raises; ``original`` is the input unchanged.
    """
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    script = script_of(name)
    reasons: list[str] = []
    raw = [m.group(0) for m in _TOKEN.finditer(name)]
    # Words in brackets are aliases or notes (Мирас (Мирик)): kept apart, not parsed.
    tokens: list[str] = []
    aliases: list[str] = []
    depth = 0
    comma_after: set[int] = set()
    for tok in raw:
        if tok in "([":
            depth += 1
        elif tok in ")]":
            depth = max(0, depth - 1)
        elif tok in ",;":
            if tokens:
                comma_after.add(len(tokens) - 1)
        elif depth:
            aliases.append(tok)
        else:
            tokens.append(tok)
    if not tokens:
        return ParsedName(
            original=name, script=script, aliases=tuple(aliases), reasons=("no letters",)
        )

    letters = [t for t in tokens if len(t.rstrip(".")) > 1]
    all_upper = bool(letters) and all(t.isupper() for t in letters)
    any_upper = any(t.isupper() and len(t.rstrip(".")) > 2 for t in tokens)

    initials: list[tuple[int, str]] = []
    words: list[_Word] = []
    for i, tok in enumerate(tokens):
        if _is_initial(tok, all_upper):
            letters_only = tok.rstrip(".")
            if not tok.endswith(".") and len(letters_only) > 1:
                initials.extend((i, ch) for ch in letters_only)
            else:
                initials.append((i, _initial_letter(tok)))
            continue
        key = name_key(tok)
        if key in _SEPARATE_SUFFIX_KEYS and words and words[-1].index == i - 1:
            prev = words[-1]
            words[-1] = _Word(f"{prev.text} {tok}", name_key(f"{prev.text}{tok}"), prev.index)
            words[-1].comma_after = i in comma_after
            continue
        words.append(_Word(tok, key, i, i in comma_after))

    patronymic: _Word | None = None
    pat_candidates = [w for w in words if " " in w.text or _is_patronymic(w.text)]
    if pat_candidates and (len(words) > 1 or initials):
        patronymic = pat_candidates[-1]
        words = [w for w in words if w is not patronymic]
        reasons.append("patronymic by suffix")

    surname: list[_Word] = []
    given: list[_Word] = []
    order = "unknown"
    margin = 0.0
    if not words:
        if patronymic is not None:
            surname, patronymic = [patronymic], None
            order = "surname_only"
            reasons.append("only a patronymic-style word: taken as surname")
    elif initials and len(words) == 1:
        w = words[0]
        sur, giv = surname_score(w.text), given_score(w.text)
        if giv >= 3 and sur < 1 and initials[0][0] > w.index:
            given, order = [w], "given_only"
            reasons.append("given name with initials")
        else:
            surname, order = [w], "surname_only"
            reasons.append("one word with initials: surname")
        margin = abs(sur - giv) + 1.0
    elif len(words) == 1:
        w = words[0]
        sur, giv = surname_score(w.text), given_score(w.text)
        if patronymic is not None:
            giv += 1.5  # Мирас Маратович: a patronymic follows a given name
        if sur > giv:
            surname, order = [w], "surname_only"
        else:
            given, order = [w], "given_only"
        margin = abs(sur - giv)
        reasons.append("single name word")
    else:
        sur_scores = [surname_score(w.text) for w in words]
        giv_scores = [given_score(w.text) for w in words]
        pat_pos = patronymic.index if patronymic is not None else None
        totals: list[tuple[float, int]] = []
        for s, w in enumerate(words):
            total = sur_scores[s] + sum(g for j, g in enumerate(giv_scores) if j != s)
            if any_upper and not all_upper and w.text.isupper():
                total += 4.0
            if w.comma_after:
                total += 5.0
            if pat_pos is not None:
                if pat_pos > words[-1].index and s == 0:
                    total += 1.0  # SURNAME Given Patronymic (official order)
                elif pat_pos < w.index and s == len(words) - 1:
                    total += 1.0  # Given Patronymic Surname (Russian formal order)
            elif script in ("cyrillic", "mixed") and s == 0:
                total += 0.6  # Russian-language lists put the surname first
            elif script == "latin" and s == len(words) - 1:
                total += 0.6  # the press puts it last
            totals.append((total, s))
        ranked = sorted(totals, key=lambda t: (-t[0], t[1]))
        best = ranked[0][1]
        margin = ranked[0][0] - ranked[1][0]
        chosen = {best}
        # Two adjacent surname-like words with given names left over: a double surname.
        if len(words) >= 3:
            for nb in (best + 1, best - 1):
                if (
                    0 <= nb < len(words)
                    and sur_scores[nb] >= 3
                    and giv_scores[nb] == 0
                    and len(words) - 2 >= 1
                ):
                    chosen.add(nb)
                    reasons.append("double surname")
                    break
        surname = [w for j, w in enumerate(words) if j in chosen]
        given = [w for j, w in enumerate(words) if j not in chosen]
        order = "surname_first" if surname[0].index < given[0].index else "given_first"
        reasons.append(f"surname chosen by suffix/list/case, margin {margin:.1f}")

    given_initial = patronymic_initial = None
    if initials:
        letters_i = [ch for _, ch in initials]
        if not given:
            given_initial = letters_i[0]
            if len(letters_i) > 1 and patronymic is None:
                patronymic_initial = letters_i[1]
        elif patronymic is None:
            patronymic_initial = letters_i[0]

    surname_text = " ".join(_display(w.text) for w in surname) or None
    given_text = " ".join(_display(w.text) for w in given) or None
    patronymic_text = _display(patronymic.text) if patronymic is not None else None
    sex, sex_reasons = sex_from_parts(surname_text, given_text, patronymic_text)
    reasons.extend(sex_reasons)
    confidence = _confidence(margin, surname_text, given_text, patronymic_text, initials)
    if script in ("other", "mixed"):
        confidence *= 0.8
    return ParsedName(
        original=name,
        surname=surname_text,
        given=given_text,
        patronymic=patronymic_text,
        given_initial=given_initial,
        patronymic_initial=patronymic_initial,
        sex=sex,
        confidence=round(min(1.0, max(0.0, confidence)), 3),
        script=script,
        order=order,
        aliases=tuple(aliases),
        reasons=tuple(reasons),
    )


def _confidence(
    margin: float,
    surname: str | None,
    given: str | None,
    patronymic: str | None,
    initials: Sequence[object],
) -> float:
    base = 0.5 + 0.5 * math.tanh(max(margin, 0.0) / 3.0)
    known = 0
    total = 0
    lex = lexicon()
    if surname:
        total += 1
        known += surname_score(surname) >= 1.5
    if given:
        total += 1
        known += name_key(given.split()[0]) in lex.given
    if patronymic:
        base = min(1.0, base + 0.1)
    if total:
        base *= 0.8 + 0.2 * known / total
    if not surname or (not given and not initials):
        base *= 0.7
    return base


_F_SURNAME = re.compile(r"(ova|eva|ina|aia|kizi)$")
_M_SURNAME = re.compile(r"(ov|ev|in|ski|oi|ii|uli)$")
_F_GIVEN = re.compile(r"(gul|gulim|aim)$")
_M_GIVEN = re.compile(r"(bek|bai|bol|bolat|sultan|gali|ulla|lan|mat|mahan)$")


def sex_from_parts(
    surname: str | None, given: str | None, patronymic: str | None
) -> tuple[str, tuple[str, ...]]:
    """Sex from the patronymic (strongest), the given-name list, then surname endings."""
    m = f = 0.0
    reasons: list[str] = []
    if patronymic:
        sex = patronymic_sex(patronymic)
        if sex == "M":
            m += 4
            reasons.append("sex: masculine patronymic")
        elif sex == "F":
            f += 4
            reasons.append("sex: feminine patronymic")
    lex = lexicon()
    if given:
        key = name_key(given.split()[0])
        entry = lex.given.get(key)
        if entry is not None and entry.sex in ("M", "F"):
            if entry.sex == "M":
                m += 3
            else:
                f += 3
            reasons.append(f"sex: given name listed as {entry.sex}")
        elif entry is None and key:
            if _F_GIVEN.search(key):
                f += 2
            elif _M_GIVEN.search(key):
                m += 2
            elif key.endswith("a") and not key.endswith(("ulla", "sha", "ha")):
                f += 1
    if surname:
        key = name_key(surname.split()[0])
        entry_s = lex.surnames.get(key)
        if key in _KOREAN or (entry_s is not None and entry_s.sex == "U"):
            pass
        elif entry_s is not None:
            if entry_s.sex == "M":
                m += 2
            else:
                f += 2
            reasons.append(f"sex: surname form {entry_s.sex}")
        elif _F_SURNAME.search(key):
            f += 2
            reasons.append("sex: feminine surname ending")
        elif _M_SURNAME.search(key):
            m += 2
            reasons.append("sex: masculine surname ending")
    if m >= 2 and f >= 2:
        reasons.append("sex: conflicting signals")
        return "U", tuple(reasons)
    if m - f >= 1.5:
        return "M", tuple(reasons)
    if f - m >= 1.5:
        return "F", tuple(reasons)
    return "U", tuple(reasons)


def infer_sex(
    parsed_or_parts: ParsedName | str | Sequence[str | None] | Mapping[str, str | None],
) -> str:
    """``'M'``, ``'F'`` or ``'U'`` (unknown) from a parsed name, a full name string, a
    (surname, given, patronymic) triple or a mapping with those keys."""
    if isinstance(parsed_or_parts, ParsedName):
        return parsed_or_parts.sex
    if isinstance(parsed_or_parts, str):
        return parse(parsed_or_parts).sex
    if isinstance(parsed_or_parts, Mapping):
        parts = (
            parsed_or_parts.get("surname"),
            parsed_or_parts.get("given"),
            parsed_or_parts.get("patronymic"),
        )
    else:
        seq = [*parsed_or_parts, None, None, None]
        parts = (seq[0], seq[1], seq[2])
    return sex_from_parts(*parts)[0]


def _clean(part: str | None) -> str | None:
    if part is None:
        return None
    part = " ".join(str(part).split())
    return part or None


@lru_cache(maxsize=262144)
def parse_parts(
    surname: str | None, given: str | None = None, patronymic: str | None = None
) -> ParsedName:
    """A name from separate columns (surname, given, patronymic), as many lists keep them.

    A full name in the surname column alone is parsed whole; a patronymic left in the
    given-name column is split off; initials in a column become initials; columns that
    look swapped (a listed given name as surname and a -ов surname as given) are swapped
    back, with a reason.
    """
    s, g, p = _clean(surname), _clean(given), _clean(patronymic)
    original = " ".join(x for x in (s, g, p) if x)
    if s and not g and not p and len(s.split()) > 1:
        whole = parse(s)
        return replace(whole, original=original)
    reasons: list[str] = ["separate columns"]
    given_initial = patronymic_initial = None
    if g and not p:
        words = g.split()
        if len(words) > 1 and (
            _is_patronymic(words[-1]) or name_key(words[-1]) in _SEPARATE_SUFFIX_KEYS
        ):
            cut = -2 if name_key(words[-1]) in _SEPARATE_SUFFIX_KEYS and len(words) > 2 else -1
            g, p = " ".join(words[:cut]), " ".join(words[cut:])
            reasons.append("patronymic split from the given-name column")
    if g and all(_is_initial(t, False) for t in _TOKEN.findall(g)):
        found = [t.rstrip(".") for t in _TOKEN.findall(g)]
        given_initial = found[0][:1].upper() if found else None
        if len(found) > 1 and not p:
            patronymic_initial = found[1][:1].upper()
        g = None
    if p and all(_is_initial(t, False) for t in _TOKEN.findall(p)):
        patronymic_initial = p.rstrip(".")[:1].upper()
        p = None
    if s and g and given_score(s) >= 3 and surname_score(s) < 1 and surname_score(g) >= 3:
        s, g = g, s
        reasons.append("surname and given-name columns looked swapped")
    s_d = _display(s) if s else None
    g_d = " ".join(_display(t) for t in g.split()) if g else None
    p_d = _display(p) if p else None
    sex, sex_reasons = sex_from_parts(s_d, g_d, p_d)
    reasons.extend(sex_reasons)
    confidence = 0.95 if s and (g or given_initial) else 0.6
    if len(reasons) > 1 and "looked swapped" in reasons[-1]:
        confidence = 0.7
    return ParsedName(
        original=original,
        surname=s_d,
        given=g_d,
        patronymic=p_d,
        given_initial=given_initial,
        patronymic_initial=patronymic_initial,
        sex=sex,
        confidence=confidence,
        script=script_of(original),
        order="columns",
        reasons=tuple(reasons),
    )
