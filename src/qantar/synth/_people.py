"""The hidden true population: who died (or was detained), where, when, under what name.

Shapes come from the reference data shipped in ``qantar.data`` (see ``kz/README.md``):

- ``kz/given_names.csv``: given names by sex and origin, Russified and Kazakh-letter
  spellings, frequency classes (nam_dict.txt) and diminutives;
- ``kz/surnames.csv``: surnames with their masculine and feminine forms, pattern
  (-ов/-ев, -ин, invariable -енко, suffixless Korean and Kazakh) and origin;
- ``kz/places.csv``: cities with Kazakh, Russian, English names and spelling variants;
- ``kz/official_figures.csv``: deaths by city per the Prosecutor General (5 January 2023:
  Almaty 151, Kyzylorda 26, Shymkent 20, Taraz 17 of 238) and security-force deaths
  (18-19), which set the default place mix and the share of security forces.

Death dates concentrate on 5-7 January 2022 (the days of shooting in Almaty); a few die later
in hospital or in custody. Nobody here is a real person: names are drawn independently
from generic frequency lists.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from qantar.data import read_csv

TRADITIONS = ("kazakh", "russian", "uzbek", "uyghur", "korean", "tatar")
ROLES = ("civilian", "police", "national_guard", "military")

# Uyghur given names are absent from the shipped list; a few generic ones written as
# Kazakhstan's Uyghurs usually are in Russian documents (hand-added, common forms only).
_UYGHUR_GIVEN = {
    "M": ("Дильшат", "Ильшат", "Азат", "Мурат", "Рашид", "Шухрат", "Ильяр", "Абдулла", "Ахмет"),
    "F": ("Дильназ", "Гульнара", "Нилуфар", "Зульфия", "Мадина", "Дильбар", "Патигуль"),
}
_UYGHUR_SURNAMES = ("Исмаилов", "Мамутов", "Юсупов", "Хасанов", "Абдуллаев", "Садыков",
                    "Нурахунов", "Кадыров", "Тохтиев", "Розахунов")  # fmt: skip


@dataclass(frozen=True)
class Person:
    """One true person. Name parts are kept in both spellings the lists draw from."""

    person_id: str
    event: str  # "killed" or "detained"
    role: str
    sex: str
    tradition: str
    given_ru: str  # Russified letters, as in a passport's Russian page
    given_kk: str  # Kazakh letters where the name has them
    surname_ru: str
    surname_kk: str
    father_ru: str
    father_kk: str
    # How the person's documents write the patronymic: "ru" (-ович), "kk" (-ұлы), "none".
    patronymic_style: str
    birth: dt.date
    age: int
    date: dt.date
    place_id: str

    def patronymic(self, *, kazakh_letters: bool) -> str:
        if self.patronymic_style == "none":
            return ""
        if self.patronymic_style == "kk":
            father = self.father_kk if kazakh_letters else self.father_ru
            if kazakh_letters:
                return father + ("ұлы" if self.sex == "M" else "қызы")
            return father + ("улы" if self.sex == "M" else "кызы")
        return russian_patronymic(self.father_ru, self.sex)


_VOWELS = frozenset("аеёиоуыэюяәөұүі")


def russian_patronymic(father: str, sex: str) -> str:
    """Сергей → Сергеевич/Сергеевна, Нурлан → Нурланович, Илья → Ильич, Али → Алиевич."""
    male = sex != "F"
    low = father.lower()
    if low == "илья":
        return "Ильич" if male else "Ильинична"
    if low.endswith("ий"):
        # Дмитрий → Дмитриевич after two consonants, Юрий → Юрьевич after one.
        cluster = len(low) > 3 and low[-3] not in _VOWELS and low[-4] not in _VOWELS
        stem = father[:-2] + ("и" if cluster else "ь")
        return stem + ("евич" if male else "евна")
    if low.endswith("й"):
        return father[:-1] + ("евич" if male else "евна")
    if low.endswith("ь"):
        return father[:-1] + ("евич" if male else "евна")
    if low.endswith(("а", "я")):
        return father[:-1] + ("ич" if male else "ична")
    if low.endswith(("и", "у", "ы", "о", "е", "э")):
        return father + ("евич" if male else "евна")
    if low.endswith(("ж", "ш", "ч", "щ", "ц")):
        return father + ("евич" if male else "евна")
    return father + ("ович" if male else "овна")


@dataclass(frozen=True)
class _Pool:
    ru: tuple[str, ...]
    kk: tuple[str, ...]
    p: np.ndarray

    @property
    def cum(self) -> list[float]:
        return _cumulative(self.p)


def _cumulative(p: np.ndarray) -> list[float]:
    return [float(x) for x in np.cumsum(p)]


@dataclass(frozen=True)
class NameData:
    given: dict[tuple[str, str], _Pool]  # (tradition, sex) -> pool
    fathers: dict[str, _Pool]  # tradition -> male full names
    # tradition -> (masculine forms, feminine forms, Kazakh-letter forms, cumulative weights)
    surnames: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], list[float]]]
    diminutives: dict[str, tuple[str, ...]]  # full Russian given name -> diminutives
    kk_of_ru: dict[str, str]


def _weight(row: Mapping[str, str]) -> float:
    fc = row.get("freq_class_central_asia") or ""
    base = 2.0 ** float(fc) if fc else 2.0**2.5
    bns = row.get("count_bns") or ""
    return max(base, float(bns) / 400.0) if bns else base


def _pool(
    rows: Sequence[Mapping[str, str]], extra: Sequence[str] = (), shared_weight: float = 1.0
) -> _Pool:
    ru = [r["name_cyrillic"] for r in rows] + list(extra)
    kk = [r["name_kk"] or r["name_cyrillic"] for r in rows] + list(extra)
    w = np.asarray(
        [_weight(r) * (shared_weight if r["origin"] == "shared" else 1.0) for r in rows]
        + [2.0**4] * len(extra),
        dtype=np.float64,
    )
    return _Pool(tuple(ru), tuple(kk), w / w.sum())


def _given_origins(tradition: str) -> tuple[str, ...]:
    return {
        "kazakh": ("kazakh", "shared"),
        "russian": ("russian",),
        "korean": ("russian",),
        "uzbek": ("uzbek", "shared"),
        "uyghur": ("shared",),
        "tatar": ("shared", "russian"),
    }[tradition]


def _surname_origins(tradition: str) -> tuple[str, ...]:
    return {
        "kazakh": ("kazakh", "shared"),
        "russian": ("russian", "ukrainian", "german"),
        "korean": ("korean",),
        "uzbek": ("uzbek", "shared"),
        "uyghur": ("uyghur",),
        "tatar": ("shared",),
    }[tradition]


@cache
def name_data() -> NameData:
    given_rows = read_csv("kz/given_names.csv")
    full = [r for r in given_rows if r["kind"] == "full"]
    kk_of_ru = {r["name_cyrillic"]: r["name_kk"] for r in given_rows if r["name_kk"]}
    given: dict[tuple[str, str], _Pool] = {}
    fathers: dict[str, _Pool] = {}
    for tradition in TRADITIONS:
        origins = _given_origins(tradition)
        for sex in ("M", "F"):
            rows = [r for r in full if r["origin"] in origins and r["gender"] == sex]
            extra = _UYGHUR_GIVEN[sex] if tradition == "uyghur" else ()
            # The frequency classes cover all of Central Asia, where Тимур or Руслан are
            # commoner than among Kazakhs: halve shared names for Kazakhs.
            shared = 0.5 if tradition == "kazakh" else 1.0
            given[(tradition, sex)] = _pool(rows, extra, shared)
        fathers[tradition] = given[(tradition, "M")]
    surname_rows = read_csv("kz/surnames.csv")
    surnames = {}
    for tradition in TRADITIONS:
        origins = _surname_origins(tradition)
        if tradition == "uyghur":
            m = list(_UYGHUR_SURNAMES)
            f = [s + "а" for s in m]
            w = np.ones(len(m))
        else:
            rows = [r for r in surname_rows if r["origin"] in origins]
            m = [r["surname_m"] for r in rows]
            f = [r["surname_f"] for r in rows]
            w = np.asarray(
                [float(r["count_moj_2014"]) / 2000.0 if r["count_moj_2014"] else 4.0 for r in rows]
            )
        kk = [kazakh_surname(s, kk_of_ru) if tradition == "kazakh" else s for s in m]
        surnames[tradition] = (tuple(m), tuple(f), tuple(kk), _cumulative(w / w.sum()))
    diminutives: dict[str, list[str]] = {}
    for r in given_rows:
        if r["kind"] == "diminutive" and r["origin"] == "russian":
            diminutives.setdefault(r["full_form"], []).append(r["name_cyrillic"])
    return NameData(
        given=given,
        fathers=fathers,
        surnames=surnames,
        diminutives={k: tuple(v) for k, v in diminutives.items()},
        kk_of_ru=kk_of_ru,
    )


def kazakh_surname(surname: str, kk_of_ru: Mapping[str, str]) -> str:
    """The Kazakh-letter spelling of a surname built on a given name (Нурланов → Нұрланов)."""
    if surname in kk_of_ru:
        return kk_of_ru[surname]
    for suffix in ("ов", "ев", "ин"):
        if surname.endswith(suffix):
            stem = surname[: -len(suffix)]
            if stem in kk_of_ru:
                return kk_of_ru[stem] + suffix
            # Kazakh surnames drop a stem's final vowel letter before -ов/-ев (Жума → Жумаев).
    return surname


def feminine_kk(surname_kk: str, surname_m: str, surname_f: str) -> str:
    if surname_f != surname_m and surname_f.startswith(surname_m):
        return surname_kk + surname_f[len(surname_m) :]
    return surname_kk


@dataclass(frozen=True)
class PopulationSettings:
    """The shape of the true population; defaults follow the official figures."""

    security_share: float = 19 / 238
    male_share_civilian: float = 0.9
    minors_share: float = 0.03
    # Tradition -> share, for every place (default: a mix by area, see _TRADITIONS_BY_AREA).
    traditions: Mapping[str, float] | None = None
    # How Kazakhs' papers write the patronymic: "ru" (-ович), "kk" (-ұлы), "none".
    kazakh_patronymic: Mapping[str, float] | None = None


_DEATH_DAYS = {
    dt.date(2022, 1, 4): 0.05,
    dt.date(2022, 1, 5): 0.42,
    dt.date(2022, 1, 6): 0.30,
    dt.date(2022, 1, 7): 0.12,
    dt.date(2022, 1, 8): 0.03,
    dt.date(2022, 1, 9): 0.02,
    dt.date(2022, 1, 10): 0.01,
    dt.date(2022, 1, 12): 0.01,
    dt.date(2022, 1, 15): 0.01,
    dt.date(2022, 1, 20): 0.01,
    dt.date(2022, 2, 3): 0.01,  # died in custody or of wounds weeks later
    dt.date(2022, 3, 1): 0.01,
}
_DETENTION_DAYS = {dt.date(2022, 1, d): w for d, w in zip(
    range(4, 16), (0.04, 0.14, 0.16, 0.14, 0.12, 0.11, 0.1, 0.08, 0.05, 0.03, 0.02, 0.01),
    strict=True)}  # fmt: skip

# Deaths outside the four cities the Prosecutor General named (24 of 238): spread over the
# places where shooting or storming of buildings was reported.
_OTHER_KILLED = {
    "taldykorgan": 5, "talgar": 4, "esik": 3, "aktobe": 3, "zhanaozen": 1,
    "aktau": 2, "turkistan": 2, "kentau": 1, "karaganda": 1, "atyrau": 1, "zharkent": 1,
}  # fmt: skip
_DETAINED = {
    "almaty": 50, "shymkent": 6, "taraz": 6, "kyzylorda": 5, "taldykorgan": 5, "aktobe": 5,
    "zhanaozen": 4, "aktau": 4, "astana": 3, "atyrau": 3, "karaganda": 3, "talgar": 2,
    "esik": 1, "oral": 1, "turkistan": 2,
}  # fmt: skip
_CITY_BY_NAME = {"Almaty": "almaty", "Kyzylorda": "kyzylorda", "Shymkent": "shymkent",
                 "Taraz": "taraz"}  # fmt: skip

_TRADITIONS_BY_AREA = {
    "almaty": {"kazakh": 0.74, "russian": 0.11, "uyghur": 0.06, "korean": 0.02,
               "uzbek": 0.02, "tatar": 0.05},
    "south": {"kazakh": 0.80, "uzbek": 0.14, "russian": 0.03, "tatar": 0.03},
    "other": {"kazakh": 0.84, "russian": 0.10, "tatar": 0.03, "korean": 0.01, "uzbek": 0.02},
}  # fmt: skip
_AREA = {"almaty": "almaty", "talgar": "almaty", "esik": "almaty",
         "zharkent": "almaty", "taldykorgan": "almaty", "shymkent": "south",
         "turkistan": "south", "kentau": "south"}  # fmt: skip

_PATRONYMIC_STYLE = {"ru": 0.55, "kk": 0.3, "none": 0.15}


@cache
def killed_place_weights() -> dict[str, float]:
    """Place mix of the killed: the Prosecutor General's city figures plus the remainder."""
    counts: dict[str, float] = {}
    total = 238.0
    for row in read_csv("kz/official_figures.csv"):
        if row["metric"] == "deaths_total" and row["date"] == "2023-01-05":
            if row["scope"] == "national":
                total = float(row["value"])
            elif row["scope"] in _CITY_BY_NAME:
                counts[_CITY_BY_NAME[row["scope"]]] = float(row["value"])
    rest = total - sum(counts.values())
    other_sum = sum(_OTHER_KILLED.values())
    for place, k in _OTHER_KILLED.items():
        counts[place] = counts.get(place, 0.0) + rest * k / other_sum
    return {p: c / total for p, c in counts.items()}


def _choice(rng: np.random.Generator, weights: Mapping[str, float], size: int) -> list[str]:
    keys = list(weights)
    p = np.asarray([weights[k] for k in keys], dtype=np.float64)
    idx = rng.choice(len(keys), size=size, p=p / p.sum())
    return [keys[i] for i in idx]


def make_population(
    rng: np.random.Generator,
    n_killed: int,
    n_detained: int,
    settings: PopulationSettings,
) -> list[Person]:
    """Draw the true persons: the killed first, then the detained."""
    data = name_data()
    people: list[Person] = []
    for event, n in (("killed", n_killed), ("detained", n_detained)):
        if n == 0:
            continue
        places = _choice(rng, killed_place_weights() if event == "killed" else _DETAINED, n)
        days_w = _DEATH_DAYS if event == "killed" else _DETENTION_DAYS
        days = list(days_w)
        day_idx = rng.choice(
            len(days), size=n, p=np.asarray(list(days_w.values())) / sum(days_w.values())
        )
        security = (
            rng.random(n) < settings.security_share if event == "killed" else np.zeros(n, bool)
        )
        u_sex = rng.random(n)
        u_minor = rng.random(n)
        ages_adult = np.clip(np.round(17 + rng.gamma(3.0, 5.0, n)), 18, 85).astype(int)
        ages_minor = rng.integers(4, 18, n)
        birth_offset = rng.random(n)
        u_trad = rng.random(n)
        u_role = rng.integers(0, 3, n)
        u_style = rng.random(n)
        u_g = rng.random(n)
        u_s = rng.random(n)
        u_f = rng.random(n)
        cums = {key: pool.cum for key, pool in data.given.items()}
        for i in range(n):
            place = places[i]
            role = ROLES[1 + int(u_role[i])] if security[i] else "civilian"
            male_share = 0.97 if role != "civilian" else settings.male_share_civilian
            sex = "M" if u_sex[i] < male_share else "F"
            if role == "civilian" and u_minor[i] < settings.minors_share:
                age = int(ages_minor[i])
            else:
                age = (
                    int(ages_adult[i])
                    if role == "civilian"
                    else int(min(max(ages_adult[i], 20), 55))
                )
            traditions = settings.traditions or _TRADITIONS_BY_AREA[_AREA.get(place, "other")]
            tradition = _pick(traditions, float(u_trad[i]))
            pool = data.given[(tradition, sex)]
            gi = _pick_index(cums[(tradition, sex)], float(u_g[i]))
            fathers = data.fathers[tradition]
            fi = _pick_index(cums[(tradition, "M")], float(u_f[i]))
            sm, sf, skk, sp = data.surnames[tradition]
            si = _pick_index(sp, float(u_s[i]))
            surname_ru = sm[si] if sex == "M" else sf[si]
            surname_kk = skk[si] if sex == "M" else feminine_kk(skk[si], sm[si], sf[si])
            if tradition == "kazakh":
                style = _pick(settings.kazakh_patronymic or _PATRONYMIC_STYLE, float(u_style[i]))
            else:
                style = "ru"
            date = days[int(day_idx[i])]
            birth = _birth(date, age, float(birth_offset[i]))
            people.append(
                Person(
                    person_id="",
                    event=event,
                    role=role,
                    sex=sex,
                    tradition=tradition,
                    given_ru=pool.ru[gi],
                    given_kk=pool.kk[gi],
                    surname_ru=surname_ru,
                    surname_kk=surname_kk,
                    father_ru=fathers.ru[fi],
                    father_kk=fathers.kk[fi],
                    patronymic_style=style,
                    birth=birth,
                    age=age,
                    date=date,
                    place_id=place,
                )
            )
    # Person ids in a shuffled order, so an id says nothing about list membership or event.
    order = rng.permutation(len(people))
    width = max(5, len(str(len(people))))
    return [
        Person(**{**p.__dict__, "person_id": f"P{int(order[k]) + 1:0{width}d}"})
        for k, p in enumerate(people)
    ]


def _pick(weights: Mapping[str, float], u: float) -> str:
    total = sum(weights.values())
    acc = 0.0
    for key, w in weights.items():
        acc += w / total
        if u < acc:
            return key
    return next(reversed(list(weights)))


def _pick_index(cum: list[float], u: float) -> int:
    return min(bisect.bisect_right(cum, u), len(cum) - 1)


def _birth(date: dt.date, age: int, u: float) -> dt.date:
    """A birth date that makes the person exactly ``age`` on ``date``."""
    latest = _years_before(date, age)  # birthday on this day: already ``age``
    earliest = _years_before(date, age + 1) + dt.timedelta(days=1)
    span = (latest - earliest).days
    return earliest + dt.timedelta(days=int(u * (span + 1)) if span > 0 else 0)


def _years_before(date: dt.date, years: int) -> dt.date:
    try:
        return date.replace(year=date.year - years)
    except ValueError:  # 29 February
        return date.replace(year=date.year - years, day=28)
