from __future__ import annotations

import pytest

from qantar.ingest import (
    ParseProblem,
    build_rules,
    gazetteer,
    parse_age,
    parse_date,
    parse_event_type,
    parse_sex,
)
from qantar.model import PartialDate, Sex


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05.01.2022", PartialDate(2022, 1, 5)),
        ("5.1.2022", PartialDate(2022, 1, 5)),
        ("05.01.22", PartialDate(2022, 1, 5)),
        ("15.03.85", PartialDate(1985, 3, 15)),
        ("2022-01-05", PartialDate(2022, 1, 5)),
        ("2022-01-05T10:30:00", PartialDate(2022, 1, 5)),
        ("5 января 2022", PartialDate(2022, 1, 5)),
        ("5 января 2022 г.", PartialDate(2022, 1, 5)),
        ("5 Января 2022 года", PartialDate(2022, 1, 5)),
        ("январь 2022", PartialDate(2022, 1)),
        ("в январе 2022", PartialDate(2022, 1)),
        ("1 мая 2000", PartialDate(2000, 5, 1)),
        ("май 2022", PartialDate(2022, 5)),
        ("5 қаңтар 2022", PartialDate(2022, 1, 5)),
        ("5 қаңтар 2022 ж.", PartialDate(2022, 1, 5)),
        ("2022 жылғы 5 қаңтарда", PartialDate(2022, 1, 5)),
        ("5 кантар 2022", PartialDate(2022, 1, 5)),
        ("January 5, 2022", PartialDate(2022, 1, 5)),
        ("5 Jan 2022", PartialDate(2022, 1, 5)),
        ("Jan 5 2022", PartialDate(2022, 1, 5)),
        ("5th January 2022", PartialDate(2022, 1, 5)),
        ("01.2022", PartialDate(2022, 1)),
        ("2022", PartialDate(2022)),
        (" 2022 ", PartialDate(2022)),
    ],
)
def test_dates_keep_their_precision(text: str, expected: PartialDate) -> None:
    assert parse_date(text) == expected
    assert parse_date(text).precision == expected.precision


@pytest.mark.parametrize(
    ("name", "month"),
    [
        ("қаңтар", 1), ("ақпан", 2), ("наурыз", 3), ("сәуір", 4), ("мамыр", 5), ("маусым", 6),
        ("шілде", 7), ("тамыз", 8), ("қыркүйек", 9), ("қазан", 10), ("қараша", 11),
        ("желтоқсан", 12),
    ],
)  # fmt: skip
def test_every_kazakh_month(name: str, month: int) -> None:
    assert parse_date(f"7 {name} 2021") == PartialDate(2021, month, 7)
    assert parse_date(f"{name.upper()} 2021") == PartialDate(2021, month)


@pytest.mark.parametrize(
    ("names", "month"),
    [
        (("январь", "января"), 1), (("февраль", "февраля"), 2), (("март", "марта"), 3),
        (("апрель", "апреля"), 4), (("май", "мая"), 5), (("июнь", "июня"), 6),
        (("июль", "июля"), 7), (("август", "августа"), 8), (("сентябрь", "сентября"), 9),
        (("октябрь", "октября"), 10), (("ноябрь", "ноября"), 11), (("декабрь", "декабря"), 12),
    ],
)  # fmt: skip
def test_every_russian_month_in_both_cases(names: tuple[str, str], month: int) -> None:
    nominative, genitive = names
    assert parse_date(f"{nominative} 1999") == PartialDate(1999, month)
    assert parse_date(f"3 {genitive} 1999") == PartialDate(1999, month, 3)


@pytest.mark.parametrize(
    "text",
    ["вчера", "31.02.2022", "13.13.2022", "5-6 января 2022", "44566", "2022-13-01", "", "1.1.1700"],
)
def test_unreadable_dates_say_why(text: str) -> None:
    with pytest.raises(ParseProblem):
        parse_date(text)


def test_month_first_dates_need_to_be_asked_for() -> None:
    with pytest.raises(ParseProblem, match="mdy"):
        parse_date("01/13/2022")
    assert parse_date("01/13/2022", "mdy") == PartialDate(2022, 1, 13)


@pytest.mark.parametrize(
    ("text", "age"),
    [("34", 34), ("34 года", 34), ("34 лет", 34), ("34 жаста", 34), ("~34", 34), ("34.0", 34),
     ("около 34", 34), ("34 years", 34), ("0", 0)],
)  # fmt: skip
def test_ages(text: str, age: int) -> None:
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["сто", "30-35", "150", "-3", "34 месяца"])
def test_unreadable_ages(text: str) -> None:
    with pytest.raises(ParseProblem):
        parse_age(text)


@pytest.mark.parametrize(
    ("text", "sex"),
    [("М", Sex.MALE), ("м.", Sex.MALE), ("муж", Sex.MALE), ("Мужской", Sex.MALE),
     ("Ер", Sex.MALE), ("M", Sex.MALE), ("male", Sex.MALE), ("Ж", Sex.FEMALE),
     ("жен.", Sex.FEMALE), ("Әйел", Sex.FEMALE), ("F", Sex.FEMALE), ("Female", Sex.FEMALE)],
)  # fmt: skip
def test_sex_values(text: str, sex: Sex) -> None:
    assert parse_sex(text) == sex


@pytest.mark.parametrize(
    ("text", "kind"),
    [("погиб", "killed"), ("Погибла", "killed"), ("убит", "killed"), ("қаза тапты", "killed"),
     ("killed", "killed"), ("Задержан", "detained"), ("ұсталды", "detained"),
     ("arrested", "detained"), ("ранен", "injured"), ("жараланды", "injured"),
     ("wounded", "injured"), ("пропал без вести", "disappeared"), ("хабарсыз кетті", "disappeared"),
     ("missing", "disappeared"), ("пытки", "tortured"), ("азапталды", "tortured"),
     ("tortured", "tortured")],
)  # fmt: skip
def test_event_types(text: str, kind: str) -> None:
    assert parse_event_type(text) == kind


@pytest.mark.parametrize(
    "text",
    ["не задержан", "пытался бежать", "?", "задержан, избит и ранен", "ранен, возможно погиб",
     "убит или ранен", "задержан после ранения", "ранен, но не погиб"],
)  # fmt: skip
def test_event_types_are_not_guessed(text: str) -> None:
    with pytest.raises(ParseProblem):
        parse_event_type(text)


@pytest.mark.parametrize(
    ("text", "place_id"),
    [("г. Алматы", "almaty"), ("Алма-Ата", "almaty"), ("Almaty", "almaty"), ("АЛМАТЫ", "almaty"),
     ("город Алматы", "almaty"), ("Алматинская обл.", "reg-almaty"),
     ("Алматинская область", "reg-almaty"), ("Алматы облысы", "reg-almaty"),
     ("Талдыкорган", "taldykorgan"), ("Талдықорған", "taldykorgan"),
     ("Усть-Каменогорск", "oskemen"), ("Öskemen", "oskemen"), ("Нур-Султан", "astana"),
     ("Шымкент қаласы", "shymkent"), ("г. Алматы, Медеуский район", "almaty"),
     ("Zhanaozen", "zhanaozen")],
)  # fmt: skip
def test_gazetteer_lookup(text: str, place_id: str) -> None:
    place = gazetteer().lookup(text)
    assert place is not None
    assert place.id == place_id


def test_gazetteer_places_by_id_and_unknown_names() -> None:
    g = gazetteer()
    taldykorgan = g.place("taldykorgan")
    assert taldykorgan.kind == "city"
    assert taldykorgan.period_region_id == "reg-almaty"
    assert taldykorgan.lat is not None and taldykorgan.lon is not None
    assert "Талды-Курган" in taldykorgan.names
    assert g.lookup("Москва") is None
    assert g.lookup("") is None
    with pytest.raises(KeyError):
        g.place("atlantis")


@pytest.mark.parametrize(
    ("header", "field"),
    [("№", "source_record_id"), ("№ п/п", "source_record_id"), ("ID", "source_record_id"),
     ("Номер", "source_record_id"), ("Record id", "source_record_id"), ("ФИО", "name"),
     ("Ф.И.О.", "name"), ("Аты-жөні", "name"), ("Full name", "name"), ("NAME", "name"),
     ("Фамилия", "surname"), ("Тегі", "surname"), ("Last name", "surname"), ("Имя", "given"),
     ("Аты", "given"), ("First name", "given"), ("Отчество", "patronymic"),
     ("Әкесінің аты", "patronymic"), ("Пол", "sex"), ("Жынысы", "sex"), ("Gender", "sex"),
     ("Дата рождения", "birth_date"), ("Туған күні", "birth_date"), ("DOB", "birth_date"),
     ("Date of birth", "birth_date"), ("Возраст", "age"), ("Жасы", "age"), ("Age", "age"),
     ("Дата смерти", "event_date"), ("Дата гибели", "event_date"),
     ("Дата задержания", "event_date"), ("Дата", "event_date"), ("Date of death", "event_date"),
     ("Место гибели", "place"), ("Город", "place"), ("Область", "place"), ("City", "place"),
     ("Region", "place"), ("Статус", "event_type"), ("Status", "event_type"),
     ("Примечание", "notes"), ("Notes", "notes"), ("ФИО погибшего (полностью)", "name"),
     ("  дата   РОЖДЕНИЯ: ", "birth_date")],
)  # fmt: skip
def test_headers_map_in_three_languages(header: str, field: str) -> None:
    assert build_rules().column(0, header).field == field


def test_headers_that_only_look_like_a_field_stay_unmapped() -> None:
    rules = build_rules()
    assert rules.column(0, "Место жительства").field is None
    assert rules.column(0, "Адрес").field is None
    assert rules.column(0, "Любимый цвет").field is None


def test_date_column_names_imply_the_event() -> None:
    rules = build_rules()
    assert rules.column(0, "Дата гибели").implied_event_type == "killed"
    assert rules.column(0, "Дата задержания").implied_event_type == "detained"
    assert rules.column(0, "Дата").implied_event_type is None


def test_mapping_and_settings_override_builtins() -> None:
    rules = build_rules(
        {"surname": ["Фамилия погибшего"]},
        {"columns": {"Дата": "birth_date", "Ф": "surname", "Примечание": "ignore"}},
    )
    assert rules.column(0, "Фамилия погибшего").field == "surname"
    assert rules.column(0, "Дата").field == "birth_date"
    assert rules.column(0, "Примечание").field is None
    mapped = rules.map_headers(["ФИО", "Имя", "Ф.И.О.", "Город", "Область"])
    assert [c.field for c in mapped] == ["name", "given", None, "place", "place"]
    assert mapped[2].how == "duplicate of name"
