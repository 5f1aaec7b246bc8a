"""Source lists in the styles real ones have: who compiled them shows in every cell.

- ``official``: a prosecutor's list: ``SURNAME Given Patronymic`` in Russified letters,
  Kazakh patronymics often dropped, ``dd.mm.yyyy`` dates, ``г. Алматы``, official
  categories; ``;``-separated CSV, sometimes in cp1251.
- ``ngo``: a human-rights group's spreadsheet: given name first, Kazakh letters, Kazakh
  headers, ISO dates, ages; XLSX.
- ``press``: journalists' compilation in English: Latin spellings in several
  transliteration schemes (``qantar.names.transliterate``), ``January 5, 2022``.
- ``hotline``: calls from families: Russified names in any order, diminutives, typos, ages
  (``25 лет``) instead of birth dates, ``5 января 2022``, colloquial city names; XLSX.
- ``morgue``: an Almaty morgue register: ``Оспанов М.М.`` initials, unidentified bodies,
  intake dates, ``м``/``ж``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

from qantar.names import transliterate
from qantar.synth._people import Person, name_data
from qantar.synth._text import format_date, place_names, slip_date, typos


@dataclass(frozen=True)
class Corruption:
    """Record-level slip rates for a list of average care; each list scales them by its noise.

    Every rate is a probability per record (``typo`` per name word); ``scale`` multiplies
    them all (0 = clean lists, 2 = very messy).
    """

    typo: float = 0.04
    swap_order: float = 0.04
    drop_patronymic: float = 0.15
    date_error: float = 0.03
    missing_birth: float = 0.12
    missing_date: float = 0.04
    missing_sex: float = 0.04
    place_variant: float = 0.2
    age_error: float = 0.06
    date_format_mix: float = 0.08
    scale: float = 1.0

    def rate(self, name: str, noise: float) -> float:
        value: float = getattr(self, name)
        return min(1.0, value * self.scale * noise)


@dataclass(frozen=True)
class ListSpec:
    """One list: its capture (for a person of average visibility) and its care."""

    name: str
    kind: str  # one of qantar.model.SOURCE_KINDS
    capture_killed: float
    capture_detained: float
    noise: float
    duplicates: float  # probability that a listed person gets one more record (repeats)
    fmt: str  # "csv" or "xlsx" when both formats are asked for
    id_header: str
    headers: tuple[str, ...]
    delimiter: str = ","
    # Shifts of the capture logit by what a person is (security forces, outside Almaty...).
    shifts: Mapping[str, float] = field(default_factory=dict)
    # Places whose people this list can hold at all (None = everywhere).
    places: frozenset[str] | None = None


ALMATY_AREA = frozenset({"almaty", "talgar", "esik"})

LIST_SPECS: dict[str, ListSpec] = {
    "official": ListSpec(
        "official", "official", 0.7, 0.0, noise=0.3, duplicates=0.01, fmt="csv",
        id_header="№",
        headers=("№", "ФИО", "Дата рождения", "Дата смерти", "Место гибели", "Примечание"),
        delimiter=";", shifts={"security": 2.5},
    ),
    "ngo": ListSpec(
        "ngo", "ngo", 0.45, 0.3, noise=0.7, duplicates=0.06, fmt="xlsx", id_header="№",
        headers=("№", "Аты-жөні", "Жынысы", "Туған күні", "Жасы", "Қаза тапқан күні",
                 "Қаласы", "Мәртебесі"),
        shifts={"security": -2.0, "outside_almaty": -0.5},
    ),
    "press": ListSpec(
        "press", "media", 0.25, 0.05, noise=0.8, duplicates=0.1, fmt="csv",
        id_header="record id",
        headers=("record id", "Name", "Age", "Date of death", "City", "Status", "Notes"),
        shifts={"security": 1.0, "outside_almaty": -0.7, "minor": 1.0, "female": 0.5},
    ),
    "hotline": ListSpec(
        "hotline", "family", 0.3, 0.25, noise=2.5, duplicates=0.15, fmt="xlsx", id_header="id",
        headers=("id", "ФИО", "Возраст", "Пол", "Город", "Дата гибели", "Статус", "Комментарий"),
        shifts={"security": -2.5, "outside_almaty": -0.3},
    ),
    "morgue": ListSpec(
        "morgue", "morgue", 0.6, 0.0, noise=0.5, duplicates=0.02, fmt="csv", id_header="№",
        headers=("№", "ФИО", "Пол", "Возраст", "Дата смерти", "Место гибели"),
        places=ALMATY_AREA,
    ),
}  # fmt: skip

DEFAULT_LISTS = tuple(LIST_SPECS)


class Renderer:
    """Writes one record of a person as a given list would, with that list's slips."""

    def __init__(self, spec: ListSpec, corruption: Corruption, rnd: random.Random) -> None:
        self.spec = spec
        self.cor = corruption
        self.rnd = rnd
        self._fn: Callable[[Person], dict[str, str]] = getattr(self, "_" + spec.name)
        self._rates = {
            f.name: corruption.rate(f.name, spec.noise)
            for f in fields(corruption)
            if f.name != "scale"
        }

    def __call__(self, person: Person) -> dict[str, str]:
        return self._fn(person)

    # -- shared pieces -------------------------------------------------------------------
    def p(self, name: str) -> bool:
        return self.rnd.random() < self._rates[name]

    def date(self, date: dt.date, style: str, *, missing: str = "missing_date") -> str:
        if self.p(missing):
            return ""
        if self.p("date_format_mix"):
            # Another hand: Latin-script lists never switch to Russian month names.
            style = self.rnd.choice(
                ("dmy", "iso") if style == "en_long" else ("dmy", "iso", "ru_long")
            )
        if self.p("date_error"):
            date = slip_date(date, self.rnd, style)
        return format_date(date, style)

    def age(self, person: Person) -> int:
        if self.p("age_error"):
            return max(0, person.age + self.rnd.choice((-1, 1)))
        return person.age

    def typos(self, text: str) -> str:
        return typos(text, self._rates["typo"], self.rnd)

    def place_ru(self, person: Person, *, prefix: str = "г. ") -> str:
        names = place_names()[person.place_id]
        if self.p("place_variant") and names.ru_variants:
            return self.rnd.choice(names.ru_variants)
        return prefix + names.ru

    # -- the lists -----------------------------------------------------------------------
    def _official(self, person: Person) -> dict[str, str]:
        pat = person.patronymic(kazakh_letters=False)
        if person.patronymic_style == "kk" and self.rnd.random() < 0.7:
            pat = ""  # Kazakh -ұлы/-қызы rarely survive a Russian-language register
        elif pat and self.p("drop_patronymic"):
            pat = ""
        surname = self.typos(person.surname_ru).upper()
        name = " ".join(x for x in (surname, self.typos(person.given_ru), pat) if x)
        birth = self.date(person.birth, "dmy", missing="missing_birth")
        if birth and self.rnd.random() < 0.02:
            birth = str(person.birth.year)
        names = place_names()[person.place_id]
        place = self.place_ru(person)
        if names.region_ru and person.place_id not in ("almaty",) and self.rnd.random() < 0.3:
            place = f"{names.region_ru}, г. {names.ru}"
        return {
            "ФИО": name,
            "Дата рождения": birth,
            "Дата смерти": self.date(person.date, "dmy"),
            "Место гибели": place,
            "Примечание": self._official_status(person),
        }

    def _official_status(self, person: Person) -> str:
        if person.role == "police":
            return "сотрудник полиции"
        if person.role == "national_guard":
            return "военнослужащий Национальной гвардии"
        if person.role == "military":
            return "военнослужащий"
        if person.age < 18:
            return "мирный житель"
        # The categories the Prosecutor General used (January 2023): 142, 67, 4, and the
        # civilians caught in crossfire (20 by March 2022).
        return self.rnd.choices(
            ("нарушитель режима ЧП", "участник массовых беспорядков",
             "погиб при совершении иных преступлений", "мирный житель"),
            weights=(142, 67, 4, 20),
        )[0]  # fmt: skip

    def _ngo(self, person: Person) -> dict[str, str]:
        given, surname = self.typos(person.given_kk), self.typos(person.surname_kk)
        if self.rnd.random() < 0.15:
            # Entered by another volunteer, in the passport order with the patronymic.
            pat = person.patronymic(kazakh_letters=True)
            name = " ".join(x for x in (surname, given, pat) if x)
        elif self.p("swap_order"):
            name = f"{surname} {given}"
        else:
            name = f"{given} {surname}"
        names = place_names()[person.place_id]
        place = names.kk
        if self.p("place_variant"):
            place = f"{names.kk} қаласы"
        return {
            "Аты-жөні": name,
            "Жынысы": "" if self.p("missing_sex") else ("ер" if person.sex == "M" else "әйел"),
            "Туған күні": self.date(person.birth, "iso", missing="missing_birth"),
            "Жасы": str(self.age(person)) if self.rnd.random() < 0.8 else "",
            "Қаза тапқан күні": ("" if person.event != "killed" else self.date(person.date, "iso")),
            "Қаласы": place,
            "Мәртебесі": self._ngo_status(person),
        }

    def _ngo_status(self, person: Person) -> str:
        if person.event == "detained":
            return "ұсталды"
        if person.role == "civilian":
            return "қаза тапты"
        return "қаза тапты (құқық қорғау қызметкері)"

    _PRESS_SCHEMES = ("press", "icao", "press_j", "press_q", "kz2021", "bgn", "press_ia",
                      "press_off")  # fmt: skip
    _PRESS_WEIGHTS = (35, 20, 10, 10, 8, 7, 5, 5)

    def _press(self, person: Person) -> dict[str, str]:
        scheme = self.rnd.choices(self._PRESS_SCHEMES, weights=self._PRESS_WEIGHTS)[0]
        kazakh_source = self.rnd.random() < 0.5
        given = person.given_kk if kazakh_source else person.given_ru
        surname = person.surname_kk if kazakh_source else person.surname_ru
        name = transliterate(f"{given} {surname}", scheme)
        if self.p("swap_order"):
            name = " ".join(reversed(name.split(" ")))
        names = place_names()[person.place_id]
        city = names.en
        if self.p("place_variant") and names.en_variants:
            city = self.rnd.choice(names.en_variants)
        status = "detained" if person.event == "detained" else "killed"
        note = {"civilian": "", "police": "police officer", "national_guard": "National Guard",
                "military": "soldier"}[person.role]  # fmt: skip
        if person.role == "civilian" and person.event == "killed" and self.rnd.random() < 0.3:
            note = self.rnd.choice(("shot", "gunshot wound", "died in hospital", "bystander"))
        return {
            "Name": self.typos(name),
            "Age": str(self.age(person)) if self.rnd.random() < 0.85 else "",
            "Date of death": "" if person.event != "killed" else self.date(person.date, "en_long"),
            "City": city,
            "Status": status,
            "Notes": note,
        }

    def _hotline(self, person: Person) -> dict[str, str]:
        given = person.given_ru
        diminutives = name_data().diminutives.get(given)
        if diminutives and self.rnd.random() < 0.35:
            given = self.rnd.choice(diminutives)
        surname = person.surname_ru
        if self.rnd.random() < 0.3:
            given, surname = person.given_kk, person.surname_kk  # typed by a Kazakh speaker
        parts = [surname, given]
        if self.rnd.random() < 0.1:
            parts.append(person.patronymic(kazakh_letters=False))
        if self.rnd.random() < 0.4 + self.cor.rate("swap_order", self.spec.noise) / 4:
            parts[0], parts[1] = parts[1], parts[0]
        name = self.typos(" ".join(x for x in parts if x))
        if self.rnd.random() < 0.15:
            name = name.lower()
        age_n = self.age(person)
        r = self.rnd.random()
        if r < 0.1:
            age = f"{5 * round(age_n / 5)}"  # "about thirty": the caller guessed
        elif r < 0.45:
            age = f"{age_n} {_years_ru(age_n)}"
        else:
            age = str(age_n)
        names = place_names()[person.place_id]
        city = names.ru
        if self.p("place_variant"):
            city = self.rnd.choice((*names.ru_variants, names.ru.lower(), "г." + names.ru))
        if person.event == "detained":
            status = self.rnd.choices(("задержан", "пропал без вести", ""), (6, 3, 1))[0]
        else:
            status = self.rnd.choices(("погиб", "пропал без вести", ""), (7, 2, 1))[0]
        note = self.rnd.choices(
            ("", "звонила сестра", "звонил брат", "звонила мать", "нет связи с 5 января",
             "тело опознано", "ищут в моргах", "перезвонить"),
            (12, 2, 2, 2, 1, 1, 1, 1),
        )[0]  # fmt: skip
        sex = "" if self.rnd.random() < 0.5 else ("м" if person.sex == "M" else "ж")
        return {
            "ФИО": name,
            "Возраст": "" if self.rnd.random() < 0.08 else age,
            "Пол": sex,
            "Город": city,
            "Дата гибели": (self.date(person.date, "ru_long") if person.event == "killed" else ""),
            "Статус": status,
            "Комментарий": note,
        }

    def _morgue(self, person: Person) -> dict[str, str]:
        sex = "м" if person.sex == "M" else "ж"
        if self.rnd.random() < 0.06:
            # An unidentified body: only sex and an estimated age.
            name = "неизвестный" if person.sex == "M" else "неизвестная"
            age = str(max(1, 5 * round((person.age + self.rnd.randint(-6, 6)) / 5)))
        else:
            initials = person.given_ru[0] + "."
            pat = person.patronymic(kazakh_letters=False)
            if pat and not self.p("drop_patronymic"):
                initials += pat[0] + "."
            name = f"{self.typos(person.surname_ru)} {initials}"
            age = str(self.age(person))
        # The register dates intake: often the day after death.
        date = person.date + dt.timedelta(days=1) if self.rnd.random() < 0.2 else person.date
        names = place_names()[person.place_id]
        place = "г. Алматы" if person.place_id == "almaty" else f"{names.region_ru}, {names.ru}"
        return {
            "ФИО": name,
            "Пол": "" if self.p("missing_sex") else sex,
            "Возраст": age,
            "Дата смерти": self.date(date, "iso"),
            "Место гибели": place,
        }


def _years_ru(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "год"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "года"
    return "лет"
