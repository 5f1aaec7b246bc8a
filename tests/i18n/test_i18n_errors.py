"""A library error carries its N_-marked message and parameters: ``str(exc)`` is the English
line the CLI printed before, ``in_words`` says it in the reader's language."""

from __future__ import annotations

import pytest

from qantar.accounts._roles import parse_role
from qantar.errors import N_, InputError, QantarError, missing_extra
from qantar.i18n import speaker


def test_the_english_line_is_unchanged() -> None:
    error = InputError("holds no data rows; nothing to import", file="/tmp/x/list.csv", row=3)
    assert str(error) == "/tmp/x/list.csv, row 3: holds no data rows; nothing to import"
    assert str(InputError("a password has at least %(n)s characters", field="password", n=12)) == (
        "field 'password': a password has at least 12 characters"
    )
    assert str(QantarError("plain, with 100% and no parameters")) == (
        "plain, with 100% and no parameters"
    )


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("ru", "list.csv, строка 3: нет строк с данными; импортировать нечего"),
        ("kk", "list.csv, 3-жол: деректер жолдары жоқ; импорттайтын ештеңе жоқ"),
        ("en", "list.csv, row 3: holds no data rows; nothing to import"),
    ],
)
def test_an_error_in_the_reader_language(lang: str, expected: str) -> None:
    error = InputError("holds no data rows; nothing to import", file="/tmp/x/list.csv", row=3)
    assert error.in_words(speaker(lang).gettext, on_page=True) == expected


def test_parameters_are_filled_in_the_translation_and_the_field_named_off_a_page() -> None:
    error = InputError("a password has at least %(n)s characters", field="password", n=12)
    ru = speaker("ru").gettext
    assert error.in_words(ru) == "поле 'password': пароль должен быть не короче 12 символов"
    assert error.in_words(ru, on_page=True) == "пароль должен быть не короче 12 символов"
    with pytest.raises(InputError) as raised:
        parse_role("emperor")
    assert "emperor" not in raised.value.in_words(ru)  # never the value given
    assert raised.value.in_words(ru, on_page=True).startswith("неизвестная роль")


def test_an_error_raised_without_a_marked_message_is_shown_as_written() -> None:
    assert QantarError("not in any catalog").in_words(speaker("kk").gettext) == (
        "not in any catalog"
    )
    assert QantarError().in_words(speaker("ru").gettext) == ""  # never the catalog's header


def test_the_missing_extra_speaks_too() -> None:
    error = missing_extra(ModuleNotFoundError("No module named 'fastapi'", name="fastapi"))
    assert error is not None
    assert str(error).startswith("this step needs the optional package 'fastapi'")
    assert "pip install 'qantar[web]'" in error.in_words(speaker("kk").gettext)
    assert error.in_words(speaker("kk").gettext).startswith("бұл қадамға")


def test_a_note_inside_an_error_is_worded_in_the_same_language() -> None:
    from qantar.notes import Note

    error = InputError(
        N_("still cannot be stored: %(reason)s"), row=3, reason=Note(N_("blank row"))
    )
    assert str(error) == "row 3: still cannot be stored: blank row"
    ru = error.in_words(speaker("ru").gettext)
    assert ru.endswith("пустая строка") and "blank" not in ru
