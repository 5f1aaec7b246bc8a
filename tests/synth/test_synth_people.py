from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from qantar.synth._people import (
    PopulationSettings,
    _birth,
    kazakh_surname,
    make_population,
    russian_patronymic,
)


@pytest.mark.parametrize(
    ("father", "sex", "expected"),
    [
        ("Сергей", "M", "Сергеевич"),
        ("Сергей", "F", "Сергеевна"),
        ("Нурлан", "M", "Нурланович"),
        ("Нурлан", "F", "Нурлановна"),
        ("Дмитрий", "M", "Дмитриевич"),
        ("Юрий", "F", "Юрьевна"),
        ("Виталий", "M", "Витальевич"),
        ("Игорь", "M", "Игоревич"),
        ("Илья", "M", "Ильич"),
        ("Никита", "F", "Никитична"),
        ("Али", "M", "Алиевич"),
        ("Абай", "M", "Абаевич"),
    ],
)
def test_russian_patronymic(father: str, sex: str, expected: str) -> None:
    assert russian_patronymic(father, sex) == expected


def test_kazakh_surname_from_given_name() -> None:
    kk = {"Нурлан": "Нұрлан", "Серик": "Серік"}
    assert kazakh_surname("Нурланов", kk) == "Нұрланов"
    assert kazakh_surname("Серик", kk) == "Серік"
    assert kazakh_surname("Иванов", kk) == "Иванов"


def test_birth_gives_exact_age() -> None:
    for age in (0, 4, 17, 18, 45, 80):
        for u in (0.0, 0.3, 0.999999):
            death = dt.date(2022, 1, 5)
            born = _birth(death, age, u)
            years = death.year - born.year - ((death.month, death.day) < (born.month, born.day))
            assert years == age


def test_population_names_follow_sex_and_tradition() -> None:
    people = make_population(np.random.default_rng(4), 2000, 100, PopulationSettings())
    assert len({p.person_id for p in people}) == 2100
    women = [p for p in people if p.sex == "F"]
    assert women and all(
        not p.surname_ru.endswith(("ов", "ев", "ин")) for p in women
    )  # feminine forms: -ова, -ева, -ина or invariable
    koreans = [p for p in people if p.tradition == "korean"]
    assert all(p.surname_ru in {"Ким", "Ли", "Цой", "Пак", "Хан", "Тен", "Кан", "Ан", "Тян"}
               for p in koreans)  # fmt: skip
    kazakh_pat = [p for p in people if p.patronymic_style == "kk"]
    assert kazakh_pat and all(
        p.patronymic(kazakh_letters=True).endswith(("ұлы", "қызы")) for p in kazakh_pat
    )
    assert all(p.patronymic(kazakh_letters=False).endswith(("улы", "кызы")) for p in kazakh_pat)
    assert any(p.given_kk != p.given_ru for p in people)  # Kazakh letters: Нұрлан, Әсел
