"""Part-by-part comparison of two names, each part with a level and a reason.

The levels are what the linkage area turns into Splink comparison levels; the score is a
plain weighted summary for people reading a review screen, not a match probability.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

from qantar.names._keys import (
    canonical_latin,
    name_key,
    patronymic_key,
    phonetic_key,
    surname_family_key,
)
from qantar.names._lexicon import lexicon
from qantar.names._parse import ParsedName, parse
from qantar.notes import N_, Note

# Ordered best to worst; the linkage area maps each to a Splink level.
LEVELS = ("exact", "phonetic", "fuzzy", "initial", "diminutive", "family", "missing",
          "different")  # fmt: skip
_LEVEL_SCORE = {
    "exact": 1.0,
    "phonetic": 0.9,
    "fuzzy": 0.75,
    "initial": 0.6,
    "diminutive": 0.7,
    "family": 0.35,
    "missing": 0.5,
    "different": 0.0,
}
_WEIGHTS = {"surname": 0.45, "given": 0.4, "patronymic": 0.15}


@dataclass(frozen=True)
class PartComparison:
    part: str  # surname, given, patronymic
    level: str
    similarity: float  # Jaro-Winkler of the canonical Latin forms, 0 when a side is missing
    left: str | None  # canonical Latin forms compared
    right: str | None
    reason: str


@dataclass(frozen=True)
class NameComparison:
    score: float
    parts: tuple[PartComparison, ...]
    swapped: bool
    same_family_different_sex: bool
    given_frequency: float | None
    reasons: tuple[str, ...]

    def part(self, name: str) -> PartComparison:
        return next(p for p in self.parts if p.part == name)


# A part's name in a reason ("given: sounds alike"), worded where the reason is shown.
PARTS = {"surname": N_("surname"), "given": N_("given"), "patronymic": N_("patronymic")}


def _initial(key: str | None, letter: str | None) -> str | None:
    if key:
        return key[:1]
    if letter:
        return name_key(letter)[:1] or None
    return None


def _compare_names(
    part: str,
    a: str | None,
    b: str | None,
    a_initial: str | None = None,
    b_initial: str | None = None,
) -> PartComparison:
    if part == "patronymic":
        ka, kb = (patronymic_key(a) if a else None), (patronymic_key(b) if b else None)
    else:
        ka, kb = (name_key(a) if a else None), (name_key(b) if b else None)
    la, lb = (canonical_latin(a) if a else None), (canonical_latin(b) if b else None)
    if not ka or not kb:
        ia, ib = _initial(ka, a_initial), _initial(kb, b_initial)
        if ia and ib and (a_initial or b_initial):
            if ia == ib:
                return PartComparison(part, "initial", 0.0, la, lb, Note(N_("initial agrees")))
            return PartComparison(part, "different", 0.0, la, lb, Note(N_("initials differ")))
        return PartComparison(part, "missing", 0.0, la, lb, Note(N_("missing on one side")))
    sim = JaroWinkler.normalized_similarity(ka, kb)
    if ka == kb:
        return PartComparison(part, "exact", 1.0, la, lb, Note(N_("same key across scripts")))
    if part == "surname" and surname_family_key(a or "") == surname_family_key(b or ""):
        return PartComparison(
            part, "family", sim, la, lb, Note(N_("same family surname, other sex form (-ов/-ова)"))
        )
    if part != "patronymic" and phonetic_key(a or "") == phonetic_key(b or ""):
        return PartComparison(part, "phonetic", sim, la, lb, Note(N_("sounds alike")))
    if part == "given":
        lex = lexicon().given
        ea, eb = lex.get(ka), lex.get(kb)
        if (ea and kb in ea.diminutive_of) or (eb and ka in eb.diminutive_of):
            return PartComparison(
                part, "diminutive", sim, la, lb, Note(N_("diminutive of the other"))
            )
    dist = Levenshtein.distance(ka, kb)
    if (
        sim >= 0.9
        or (dist <= 1 and min(len(ka), len(kb)) >= 4)
        or (dist <= 2 and min(len(ka), len(kb)) >= 8)
    ):
        return PartComparison(
            part, "fuzzy", sim, la, lb, Note(N_("likely typo (edit distance %(n)s)"), n=dist)
        )
    return PartComparison(part, "different", sim, la, lb, Note(N_("different names")))


def _score(parts: tuple[PartComparison, ...]) -> float:
    total = weight = 0.0
    for p in parts:
        w = _WEIGHTS[p.part]
        if p.level == "missing":
            w *= 0.3
        total += w * (_LEVEL_SCORE[p.level] if p.level != "fuzzy" else 0.85 * p.similarity)
        weight += w
    return total / weight if weight else 0.0


def compare(a: ParsedName | str, b: ParsedName | str) -> NameComparison:
    """Score two names part by part, aware of swapped order, a missing patronymic,
    initials, gendered surname endings (Касымов/Касымова: a family, not one person)
    and typos."""
    pa = a if isinstance(a, ParsedName) else parse(a)
    pb = b if isinstance(b, ParsedName) else parse(b)
    straight = (
        _compare_names("surname", pa.surname, pb.surname),
        _compare_names("given", pa.given, pb.given, pa.given_initial, pb.given_initial),
        _compare_names(
            "patronymic", pa.patronymic, pb.patronymic,
            pa.patronymic_initial, pb.patronymic_initial,
        ),
    )  # fmt: skip
    crossed = (
        _compare_names("surname", pa.surname, pb.given),
        _compare_names("given", pa.given, pb.surname, pa.given_initial, None),
        straight[2],
    )
    swapped = _score(crossed) > _score(straight) + 0.05
    parts = crossed if swapped else straight
    if parts[0].level == "missing":
        parts = (_patronymic_as_surname(pa, pb) or parts[0], *parts[1:])
    reasons: list[str] = []
    if swapped:
        reasons.append(Note(N_("surname and given name are in swapped places")))
    reasons.extend(
        Note(N_("%(part)s: %(reason)s"), part=Note(PARTS[p.part]), reason=p.reason) for p in parts
    )
    score = _score(parts)
    family = parts[0].level == "family"
    if family:
        reasons.append(
            Note(N_("same family surname in the other sex's form: relatives, not one person"))
        )
        score = min(score, 0.5)
    if pa.sex != "U" and pb.sex != "U" and pa.sex != pb.sex:
        reasons.append(Note(N_("different sex")))
        score *= 0.5
    freq = None
    given_part = parts[1]
    if given_part.level == "exact" and pa.given:
        freq = given_name_frequency(pa.given)
        if freq >= 0.002:
            reasons.append(
                Note(N_("common given name (about %(share)s of people)"), share=f"{freq:.1%}")
            )
        elif freq <= _UNLISTED_SHARE:
            reasons.append(Note(N_("given name not among the common ones: stronger evidence")))
    return NameComparison(
        score=round(score, 4),
        parts=parts,
        swapped=swapped,
        same_family_different_sex=family,
        given_frequency=freq,
        reasons=tuple(reasons),
    )


def _patronymic_as_surname(pa: ParsedName, pb: ParsedName) -> PartComparison | None:
    """Қайрат Нұрланұлы (the father's name as surname, the Kazakh form since the 1990s)
    against Нурланов Кайрат (the Russian form of the same family name)."""
    for x, y in ((pa, pb), (pb, pa)):
        if x.surname or not x.patronymic or not y.surname:
            continue
        stem = patronymic_key(x.patronymic)
        family = surname_family_key(y.surname)
        for ending in ("ov", "ev", "in", "uli"):
            if family.endswith(ending) and len(family) > len(ending) + 1:
                family = family[: -len(ending)]
                break
        if stem and stem == family:
            return PartComparison(
                "surname",
                "fuzzy",
                JaroWinkler.normalized_similarity(stem, family),
                canonical_latin(x.patronymic),
                canonical_latin(y.surname),
                Note(
                    N_(
                        "patronymic-style surname (-ұлы/-қызы) matches the -ов form of the "
                        "same name"
                    )
                ),
            )
    return None


# Shares for names without a figure: a listed name is common enough to be listed (about
# class 4 of nam_dict); an unlisted one is taken as rare.
_LISTED_SHARE = 0.0003
_UNLISTED_SHARE = 0.00005


def given_name_frequency(key: str) -> float:
    """Relative frequency (share of Kazakhstan's population) of a given name, from
    given_names.csv (count_bns, else freq_class_central_asia). Accepts a name in any script
    or its key; unlisted names get a small floor value (rare)."""
    k = name_key(key)
    entry = lexicon().given.get(k)
    if entry is None:
        return _UNLISTED_SHARE
    return entry.share if entry.share is not None else _LISTED_SHARE
