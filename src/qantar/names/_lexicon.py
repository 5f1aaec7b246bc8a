"""The shipped name lists (given_names.csv, surnames.csv) as lookup tables by key.

Read once, lazily: the only I/O of qantar.names, and only of files shipped in the package.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from qantar.data import read_csv
from qantar.names._fold import fold_words

# Kazakhstan's population around 2022 (Bureau of National Statistics: 19.0 million);
# the denominator for count_bns.
_POPULATION = 19_000_000.0
# nam_dict.txt's class 10 means about 2% of the population, each step down halves it.
_CLASS_10_SHARE = 0.02


@dataclass(frozen=True)
class GivenName:
    key: str
    display: str
    sex: str
    origin: str
    diminutive_of: tuple[str, ...]
    share: float | None


@dataclass(frozen=True)
class Surname:
    key: str
    family_key: str
    sex: str  # the sex this written form marks: M, F, or U for invariable forms
    origin: str
    given_name_like: bool
    share: float | None


@dataclass(frozen=True)
class Lexicon:
    given: dict[str, GivenName]
    variants: dict[str, str]
    surnames: dict[str, Surname]


def _fold(text: str) -> str:
    return "".join(fold_words(text))


def _share(row: dict[str, str], count_field: str, class_field: str | None) -> float | None:
    count = row.get(count_field, "").strip()
    if count:
        return float(count) / _POPULATION
    if class_field:
        cls = row.get(class_field, "").strip()
        if cls:
            return _CLASS_10_SHARE * 2.0 ** (int(cls) - 10)
    return None


def _split(cell: str) -> list[str]:
    return [v.strip() for v in cell.replace(";", "|").replace("/", "|").split("|") if v.strip()]


# Latin forms that no letter rule can bring to the Cyrillic name: the English and German
# spellings found in passports of ethnic Germans and in foreign press (j for й/ь+vowel,
# x for кс, -ander for -андр). Each maps to the Cyrillic name it stands for.
_HAND_VARIANTS: dict[str, str] = {
    "Alexander": "Александр",
    "Alexandra": "Александра",
    "Julia": "Юлия",
    "Juliya": "Юлия",
    "Jurij": "Юрий",
    "Juri": "Юрий",
    "Jelena": "Елена",
    "Natalja": "Наталья",
    "Tatjana": "Татьяна",
    "Olja": "Оля",
    "Ljudmila": "Людмила",
    "Ludmila": "Людмила",
    "Ljubov": "Любовь",
    "Jewgeni": "Евгений",
    "Jewgenij": "Евгений",
    "Sergej": "Сергей",
}


@cache
def lexicon() -> Lexicon:
    given: dict[str, GivenName] = {}
    variants: dict[str, str] = {}
    for row in read_csv("kz/given_names.csv"):
        main = _fold(row["name_cyrillic"])
        if not main:
            continue
        full = tuple(
            _fold(v.rstrip("?")) for v in _split(row.get("full_form", "")) if v.rstrip("?")
        )
        entry = GivenName(
            key=main,
            display=row["name_cyrillic"],
            sex=row["gender"] or "U",
            origin=row.get("origin", ""),
            diminutive_of=full if row.get("kind") == "diminutive" else (),
            share=_share(row, "count_bns", "freq_class_central_asia"),
        )
        if main in given and given[main].sex != entry.sex:
            # Names borne by both sexes (Жанат) stay, but their sex is not a signal.
            entry = GivenName(
                main, entry.display, "U", entry.origin, entry.diminutive_of, entry.share
            )
        given.setdefault(main, entry)
        for other in [row.get("name_kk", ""), *_split(row.get("variants", ""))]:
            folded = _fold(other)
            if folded and folded != main:
                variants.setdefault(folded, main)
    surnames: dict[str, Surname] = {}
    for row in read_csv("kz/surnames.csv"):
        m, f = _fold(row["surname_m"]), _fold(row["surname_f"])
        if not m:
            continue
        invariable = m == f
        share = _share(row, "count_moj_2014", None)
        like = row.get("suffixless_given_name_like", "").strip() == "1"
        origin = row.get("origin", "")
        surnames.setdefault(m, Surname(m, m, "U" if invariable else "M", origin, like, share))
        if not invariable and f:
            surnames.setdefault(f, Surname(f, m, "F", origin, like, share))
        for other in _split(row.get("variants", "")):
            folded = _fold(other)
            if folded and folded not in surnames:
                variants.setdefault(folded, m)
    for spelling, name in _HAND_VARIANTS.items():
        folded, main = _fold(spelling), _fold(name)
        if folded != main:
            variants.setdefault(folded, main)
    # A spelling that is itself a name of its own is not a variant of another.
    variants = {k: v for k, v in variants.items() if k not in given and k not in surnames}
    return Lexicon(given=given, variants=variants, surnames=surnames)
