"""Dates, partial dates, numbers and plurals in Kazakh, Russian and English (Babel's data)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from qantar.errors import InputError
from qantar.i18n import (
    LANGUAGES,
    format_date,
    format_number,
    format_partial_date,
    plural_samples,
    speaker,
)
from qantar.model.values import PartialDate

DAY = dt.date(2022, 1, 5)


def plain(text: str) -> str:
    """Babel keeps "2022 ж." and "2022 г." together with a (narrow) no-break space; kept in
    the pages, compared here as a space."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "2022 ж. 5 қаңтар"), ("ru", "5 января 2022 г."), ("en", "5 January 2022")],
)
def test_full_date(lang: str, expected: str) -> None:
    assert plain(format_date(DAY, lang)) == expected
    assert plain(format_date("2022-01-05", lang)) == expected
    assert plain(format_partial_date(PartialDate(2022, 1, 5), lang)) == expected


@pytest.mark.parametrize(
    ("lang", "month", "year"),
    [
        ("kk", "2022 ж. қаңтар", "1986"),
        ("ru", "январь 2022 г.", "1986"),
        ("en", "January 2022", "1986"),
    ],
)
def test_partial_dates_worded_as_known(lang: str, month: str, year: str) -> None:
    assert plain(format_partial_date("2022-01", lang)) == month
    assert plain(format_partial_date(PartialDate(2022, 1), lang)) == month
    # Only the year is known: never a made-up 1 January.
    assert format_partial_date("1986", lang) == year
    assert format_partial_date(None, lang) == ""


def test_a_date_qantar_did_not_write_is_shown_as_recorded() -> None:
    assert format_partial_date("early January", "ru") == "early January"


@pytest.mark.parametrize(
    ("lang", "expected"), [("kk", "12 346"), ("ru", "12 346"), ("en", "12,346")]
)
def test_numbers_grouped_per_language(lang: str, expected: str) -> None:
    assert plain(format_number(12345.6, lang)) == expected
    assert format_number(None, lang) == "–"


@pytest.mark.parametrize(
    ("n", "form"), [(1, "человек"), (2, "человека"), (5, "человек"), (21, "человек"),
                    (22, "человека"), (11, "человек")],
)  # fmt: skip
def test_russian_plural_forms(n: int, form: str) -> None:
    text = speaker("ru").ngettext(
        "%(num)s person is listed here.", "%(num)s persons are listed here.", n
    )
    assert text.split()[3].rstrip(".") == form, text


def test_plurals_in_kazakh_and_english() -> None:
    kk = speaker("kk").ngettext(
        "%(num)s person is listed here.", "%(num)s persons are listed here.", 5
    )
    assert "адам" in kk and "person" not in kk  # Kazakh counts without a plural noun
    en = speaker("en")
    one = en.ngettext("%(num)s person is listed here.", "%(num)s persons are listed here.", 1)
    many = en.ngettext("%(num)s person is listed here.", "%(num)s persons are listed here.", 5)
    assert (one, many) == ("%(num)s person is listed here.", "%(num)s persons are listed here.")


def test_plural_samples_cover_each_category() -> None:
    assert plural_samples("ru") == {"many": 0, "one": 1, "few": 2}
    assert set(plural_samples("en")) == {"one", "other"}
    assert set(plural_samples("kk")) == {"one", "other"}


def test_unknown_language_is_a_user_error() -> None:
    with pytest.raises(InputError, match="kk, ru, en"):
        speaker("de")
    assert LANGUAGES == ("kk", "ru", "en")


def test_the_po_alone_gives_the_same_translations() -> None:
    """A source checkout has no compiled .mo: the .po, read with Babel, says the same."""
    from babel.messages.pofile import read_po

    from qantar.i18n import from_po, translations

    for lang in ("kk", "ru"):
        po = from_po(lang)
        installed = translations(lang)
        path = Path(__file__).parents[2] / "src/qantar/locale" / lang / "LC_MESSAGES/qantar.po"
        with path.open("rb") as handle:
            ids = [m.id for m in read_po(handle) if m.id and isinstance(m.id, str)]
        # a message of placeholders and punctuation alone ("%(part)s: %(reason)s") is the same
        worded = [i for i in ids if re.search(r"[^\W\d_]", re.sub(r"%\(\w+\)s", "", i))]
        assert worded and all(
            po.gettext(i) == installed.gettext(i) != i for i in worded if i != "I. %(heading)s"
        )
