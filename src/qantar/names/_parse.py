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
from typing import NamedTuple

from qantar.names._keys import name_key, patronymic_sex, split_patronymic
from qantar.names._lexicon import lexicon
from qantar.names._translit import script_of
from qantar.notes import N_, Note

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
_DIGIT = re.compile(r"\d")
_CONSONANTS_ONLY = re.compile(r"^[^aeiouаеёиоуыэюяәөұүіAEIOUАЕЁИОУЫЭЮЯӘӨҰҮІ]{2,3}$")


@lru_cache(maxsize=262144)
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


@lru_cache(maxsize=262144)
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


@lru_cache(maxsize=262144)
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


@lru_cache(maxsize=262144)
def _is_initial(token: str, all_upper: bool) -> bool:
    letters = token.rstrip(".")
    if token.endswith(".") and 1 <= len(letters) <= 2:
        return True
    if len(letters) == 1:
        return True
    # Glued initials without dots (Оспанов ММ): two or three capitals, no vowel.
    return not all_upper and letters.isupper() and bool(_CONSONANTS_ONLY.match(letters))


@lru_cache(maxsize=262144)
def _initial_letter(token: str) -> str:
    letters = token.rstrip(".")
    return letters[:2] if len(letters) == 2 and letters[1].islower() else letters[:1].upper()


@lru_cache(maxsize=262144)
def _is_patronymic(word: str) -> bool:
    key = name_key(word)
    if split_patronymic(key) is None:
        return False
    # A given name or surname that happens to end like a patronymic stays what it is.
    lex = lexicon()
    return key not in lex.given and key not in lex.surnames


_CYR_RE = re.compile(r"[\u0400-\u04ff]")
_LAT_RE = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]")
_OTHER_RE = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f\u1e00-\u1eff\u0400-\u04ff]")


def _script(name: str) -> str:
    cyr = _CYR_RE.search(name) is not None
    lat = _LAT_RE.search(name) is not None
    if cyr and lat:
        return "mixed"
    if cyr or lat:
        return "cyrillic" if cyr else "latin"
    return "other" if _OTHER_RE.search(name) else "empty"


class _Feat(NamedTuple):
    """What the structure of a name depends on, per token: a handful of distinct values,
    so that whole structures can be memoised by the tuple of their tokens' features."""

    kind: str  # "w" word, "i" initial, "g" glued capitals (ММ), "s" separate suffix (ұлы)
    long: bool  # more than one letter
    caps: bool  # all capitals
    upper: bool  # all capitals, more than two letters
    patronymic: bool
    sur: float
    giv: float
    given_signal: tuple[float, float, str | None]
    surname_signal: tuple[float, float, str | None]
    patronymic_signal: tuple[float, float, str | None]
    given_known: bool
    surname_known: bool


class _Info(NamedTuple):
    feat: _Feat
    display: str
    initial: str


_SUFFIX_SEX = {"uli": "M", "ogli": "M", "oglu": "M", "ugli": "M", "ulu": "M", "kizi": "F",
               "gizi": "F"}  # fmt: skip


@lru_cache(maxsize=262144)
def _info(tok: str) -> _Info:
    letters = tok.rstrip(".")
    key = name_key(tok)
    n = len(letters)
    dotted = tok.endswith(".")
    if (dotted and n <= 2) or n == 1:
        kind = "i"
    elif letters.isupper() and _CONSONANTS_ONLY.match(letters):
        kind = "g"
    elif key in _SEPARATE_SUFFIX_KEYS:
        kind = "s"
    else:
        kind = "w"
    sur = surname_score(tok)
    if kind == "s":
        sex = _SUFFIX_SEX.get(key)
        p_sig: tuple[float, float, str | None] = (
            (4.0, 0.0, "sex: masculine patronymic")
            if sex == "M"
            else (0.0, 4.0, "sex: feminine patronymic")
        )
    else:
        p_sig = _patronymic_signal(tok)
    feat = _Feat(
        kind=kind,
        long=n > 1,
        caps=letters.isupper(),
        upper=letters.isupper() and n > 2,
        patronymic=_is_patronymic(tok),
        sur=sur,
        giv=given_score(tok),
        given_signal=_given_signal(tok),
        surname_signal=_surname_signal(tok),
        patronymic_signal=p_sig,
        given_known=key in lexicon().given,
        surname_known=sur >= 1.5,
    )
    return _Info(feat, _display(tok), _initial_letter(tok) if kind == "i" else "")


class _Structure(NamedTuple):
    surname: tuple[int, ...]
    given: tuple[int, ...]
    patronymic: tuple[int, ...]  # one token, or a word and its separate suffix
    initials: tuple[tuple[int, int], ...]  # (token, letter index or -1 for a dotted one)
    given_initial: int  # index into initials, or -1
    patronymic_initial: int
    order: str
    sex: str
    confidence: float
    reasons: tuple[str, ...]


@lru_cache(maxsize=262144)
def parse(name: str) -> ParsedName:
    """Surname, given name(s) and patronymic of a full name in any order and script.

    Handles ``ОСПАНОВ Мирас Маратулы``, ``Мирас Оспанов``, ``Ospanov Miras``,
    ``Mıras Ospanov``, ``Оспанов М.М.``, ``M. Ospanov``, ``Мирас Марат ұлы``, hyphenated
    and double names. Never raises; ``original`` is the input unchanged.
    """
    if not isinstance(name, str):
        name = "" if name is None else str(name)
    script = _script(name)
    # Names hold no digits: what follows the first one is a birth year, an age, an
    # address (Оспанов Мирас, 1990 г.р.) and is not parsed (``original`` keeps it).
    digit = _DIGIT.search(name)
    tokens: list[str] = _TOKEN.findall(name[: digit.start()] if digit else name)
    aliases: list[str] = []
    comma0 = False
    if "(" in name or "[" in name or "," in name or ";" in name:
        # Words in brackets are aliases or notes (Мирас (Мирик)): kept apart, not parsed.
        kept: list[str] = []
        depth = 0
        for tok in tokens:
            if tok in "([":
                depth += 1
            elif tok in ")]":
                depth = max(0, depth - 1)
            elif tok in ",;":
                # Only "Surname, Given" is a convention; later commas separate other things.
                comma0 = comma0 or len(kept) == 1
            elif depth:
                aliases.append(tok)
            else:
                kept.append(tok)
        tokens = kept
    if not tokens:
        return ParsedName(
            original=name, script=script, aliases=tuple(aliases), reasons=(Note(N_("no letters")),)
        )
    infos = [_info(t) for t in tokens]
    st = _structure(tuple(inf.feat for inf in infos), comma0, script)
    patronymic = None
    if len(st.patronymic) == 1:
        patronymic = infos[st.patronymic[0]].display
    elif st.patronymic:
        first, suffix = st.patronymic
        patronymic = f"{infos[first].display} {tokens[suffix].rstrip('.').lower()}"
    letters = [infos[t].initial if i < 0 else tokens[t][i].upper() for t, i in st.initials]
    return ParsedName(
        original=name,
        surname=" ".join([infos[i].display for i in st.surname]) or None,
        given=" ".join([infos[i].display for i in st.given]) or None,
        patronymic=patronymic,
        given_initial=letters[st.given_initial] if st.given_initial >= 0 else None,
        patronymic_initial=(letters[st.patronymic_initial] if st.patronymic_initial >= 0 else None),
        sex=st.sex,
        confidence=st.confidence,
        script=script,
        order=st.order,
        aliases=tuple(aliases),
        reasons=st.reasons,
    )


@lru_cache(maxsize=65536)
def _structure(feats: tuple[_Feat, ...], comma0: bool, script: str) -> _Structure:
    """Which tokens are surname, given name, patronymic and initials; sex; confidence."""
    reasons: list[str] = []
    long_words = [f for f in feats if f.long]
    all_upper = bool(long_words) and all(f.caps for f in long_words)
    any_upper = not all_upper and any(f.upper for f in feats)

    initials: list[tuple[int, int]] = []
    # A word: (token indices, features that decide its role, position, comma after it)
    words: list[tuple[tuple[int, ...], _Feat, bool]] = []
    pat_feat: dict[int, _Feat] = {}
    for i, f in enumerate(feats):
        if f.kind == "i" or (f.kind == "g" and not all_upper):
            if f.kind == "g":
                initials.extend((i, j) for j in range(3 if f.upper else 2))
            else:
                initials.append((i, -1))
            continue
        if f.kind == "s" and words and words[-1][0][-1] == i - 1:
            prev_idx, prev_feat, prev_comma = words[-1]
            merged = prev_feat._replace(patronymic=True, patronymic_signal=f.patronymic_signal)
            words[-1] = ((*prev_idx, i), merged, prev_comma)
            pat_feat[len(words) - 1] = merged
            continue
        words.append(((i,), f, comma0 and i == 0))

    patronymic: tuple[int, ...] = ()
    p_feat: _Feat | None = None
    if len(words) > 1 or initials:
        for w in reversed(words):
            if w[1].patronymic:
                patronymic, p_feat = w[0], w[1]
                words = [x for x in words if x is not w]
                reasons.append(Note(N_("patronymic by suffix")))
                break

    surname: list[int] = []
    given: list[int] = []
    order = "unknown"
    margin = 0.0
    if not words:
        if patronymic:
            surname, patronymic, p_feat = list(patronymic), (), None
            order = "surname_only"
            reasons.append(Note(N_("only a patronymic-style word: taken as surname")))
    elif initials and len(words) == 1:
        idx, f, _ = words[0]
        if f.giv >= 3 and f.sur < 1 and initials[0][0] > idx[0]:
            given, order = list(idx), "given_only"
            reasons.append(Note(N_("given name with initials")))
        else:
            surname, order = list(idx), "surname_only"
            reasons.append(Note(N_("one word with initials: surname")))
        margin = abs(f.sur - f.giv) + 1.0
    elif len(words) == 1:
        idx, f, _ = words[0]
        giv = f.giv + (1.5 if patronymic else 0.0)  # Мирас Маратович
        if f.sur > giv:
            surname, order = list(idx), "surname_only"
        else:
            given, order = list(idx), "given_only"
        margin = abs(f.sur - giv)
        reasons.append(Note(N_("single name word")))
    else:
        pat_code = ""
        if patronymic:
            pat_code = "after" if patronymic[0] > words[-1][0][0] else "before_last"
        signature = tuple((f.sur, f.giv, any_upper and f.caps, c) for _, f, c in words)
        chosen, margin, extra = _choose(signature, script, pat_code)
        reasons.extend(extra)
        surname = [i for j, w in enumerate(words) if j in chosen for i in w[0]]
        given = [i for j, w in enumerate(words) if j not in chosen for i in w[0]]
        order = "surname_first" if surname[0] < given[0] else "given_first"

    given_initial = patronymic_initial = -1
    if initials:
        if not given:
            given_initial = 0
            if len(initials) > 1 and not patronymic:
                patronymic_initial = 1
        elif not patronymic:
            patronymic_initial = 0

    # Sex from the patronymic (strongest), the given-name list, then surname endings.
    m = fem = 0.0
    signals = []
    if p_feat is not None:
        signals.append(p_feat.patronymic_signal)
    if given:
        signals.append(feats[given[0]].given_signal)
    if surname:
        signals.append(feats[surname[0]].surname_signal)
    for dm, df, why in signals:
        m += dm
        fem += df
        if why:
            reasons.append(why)
    sex = _decide_sex(m, fem, reasons)

    base = 0.5 + 0.5 * math.tanh(max(margin, 0.0) / 3.0)
    known = total = 0
    if surname:
        total += 1
        known += feats[surname[0]].surname_known
    if given:
        total += 1
        known += feats[given[0]].given_known
    if patronymic:
        base = min(1.0, base + 0.1)
    if total:
        base *= 0.8 + 0.2 * known / total
    if not surname or (not given and not initials):
        base *= 0.7
    if script in ("other", "mixed"):
        base *= 0.8
    return _Structure(
        surname=tuple(surname),
        given=tuple(given),
        patronymic=patronymic,
        initials=tuple(initials),
        given_initial=given_initial,
        patronymic_initial=patronymic_initial,
        order=order,
        sex=sex,
        confidence=round(min(1.0, max(0.0, base)), 3),
        reasons=tuple(reasons),
    )


def _decide_sex(m: float, f: float, reasons: list[str]) -> str:
    if m >= 2 and f >= 2:
        reasons.append("sex: conflicting signals")
        return "U"
    if m - f >= 1.5:
        return "M"
    if f - m >= 1.5:
        return "F"
    return "U"


@lru_cache(maxsize=65536)
def _choose(
    signature: tuple[tuple[float, float, bool, bool], ...], script: str, pat_code: str
) -> tuple[frozenset[int], float, tuple[str, ...]]:
    """Which words form the surname, from each word's (surname score, given score,
    UPPERCASE among mixed case, comma after) and where the patronymic stands."""
    n = len(signature)
    totals: list[tuple[float, int]] = []
    for s, (sur, _giv, upper, comma) in enumerate(signature):
        total = sur + sum(sig[1] for j, sig in enumerate(signature) if j != s)
        if upper:
            total += 4.0
        if comma:
            total += 5.0
        if pat_code == "after" and s == 0:
            total += 1.0  # SURNAME Given Patronymic (official order)
        elif pat_code == "before_last" and s == n - 1:
            total += 1.0  # Given Patronymic Surname (Russian formal order)
        elif not pat_code and script in ("cyrillic", "mixed") and s == 0:
            total += 0.6  # Russian-language lists put the surname first
        elif not pat_code and script == "latin" and s == n - 1:
            total += 0.6  # the press puts it last
        totals.append((total, s))
    ranked = sorted(totals, key=lambda t: (-t[0], t[1]))
    best = ranked[0][1]
    margin = ranked[0][0] - ranked[1][0]
    chosen = {best}
    reasons: list[str] = [
        Note(N_("surname chosen by suffix/list/case, margin %(margin)s"), margin=f"{margin:.1f}")
    ]
    # Two adjacent surname-like words with given names left over: a double surname.
    if n >= 3:
        for nb in (best + 1, best - 1):
            if 0 <= nb < n and signature[nb][0] >= 3 and signature[nb][1] == 0:
                chosen.add(nb)
                reasons.append(Note(N_("double surname")))
                break
    return frozenset(chosen), margin, tuple(reasons)


_F_SURNAME = re.compile(r"(ova|eva|ina|aia|kizi)$")
_M_SURNAME = re.compile(r"(ov|ev|in|ski|oi|ii|uli)$")
_F_GIVEN = re.compile(r"(gul|nul|gulim|aim)$")  # -нгуль folds to -nul
_M_GIVEN = re.compile(r"(bek|bai|bol|bolat|sultan|gali|ulla|lan|mat|mahan)$")


_Signal = tuple[float, float, str | None]


@lru_cache(maxsize=65536)
def _patronymic_signal(patronymic: str) -> _Signal:
    sex = patronymic_sex(patronymic)
    if sex == "M":
        return 4.0, 0.0, "sex: masculine patronymic"
    if sex == "F":
        return 0.0, 4.0, "sex: feminine patronymic"
    return 0.0, 0.0, None


@lru_cache(maxsize=65536)
def _given_signal(given: str) -> _Signal:
    key = name_key(given.split()[0])
    entry = lexicon().given.get(key)
    if entry is not None:
        if entry.sex == "M":
            return 3.0, 0.0, "sex: given name listed as M"
        if entry.sex == "F":
            return 0.0, 3.0, "sex: given name listed as F"
        return 0.0, 0.0, None
    if not key:
        return 0.0, 0.0, None
    if _F_GIVEN.search(key):
        return 0.0, 2.0, "sex: feminine given-name ending"
    if _M_GIVEN.search(key):
        return 2.0, 0.0, "sex: masculine given-name ending"
    if key.endswith("a") and not key.endswith(("ulla", "sha", "ha")):
        return 0.0, 1.0, None
    return 0.0, 0.0, None


@lru_cache(maxsize=65536)
def _surname_signal(surname: str) -> _Signal:
    key = name_key(surname.split()[0].split("-")[-1])
    entry = lexicon().surnames.get(key)
    if key in _KOREAN or (entry is not None and entry.sex == "U"):
        return 0.0, 0.0, None
    if entry is not None:
        return (
            (2.0, 0.0, "sex: surname form M")
            if entry.sex == "M"
            else (0.0, 2.0, "sex: surname form F")
        )
    if _F_SURNAME.search(key):
        return 0.0, 2.0, "sex: feminine surname ending"
    if _M_SURNAME.search(key):
        return 2.0, 0.0, "sex: masculine surname ending"
    return 0.0, 0.0, None


def sex_from_parts(
    surname: str | None, given: str | None, patronymic: str | None
) -> tuple[str, tuple[str, ...]]:
    """Sex from the patronymic (strongest), the given-name list, then surname endings;
    ``U`` when the signals are weak or contradict each other."""
    m = f = 0.0
    reasons: list[str] = []
    for part, signal in (
        (patronymic, _patronymic_signal),
        (given, _given_signal),
        (surname, _surname_signal),
    ):
        if part:
            dm, df, why = signal(part)
            m += dm
            f += df
            if why:
                reasons.append(why)
    sex = _decide_sex(m, f, reasons)
    return sex, tuple(reasons)


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
