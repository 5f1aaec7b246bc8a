"""Kazakh, Russian and English for every page a person reads: gettext catalogs and Babel's
locale data for dates, numbers and plurals.

The catalogs live in ``qantar/locale/<lang>/LC_MESSAGES/qantar.po``; the build compiles them
to ``.mo`` (``make compile-catalogs``). A source checkout without ``.mo`` files still works:
the ``.po`` is read with Babel instead, so no page silently falls back to English.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.dates import format_skeleton
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from jinja2 import BaseLoader, Environment, StrictUndefined, Undefined, select_autoescape

from qantar.errors import N_ as N_  # one marker for the catalogs, re-exported here
from qantar.errors import InputError
from qantar.model.values import PartialDate
from qantar.notes import say

LANGUAGES: tuple[str, ...] = ("kk", "ru", "en")
DEFAULT_LANGUAGE = "en"
DOMAIN = "qantar"

# Each language's own name, as its readers write it, for the memorial's switcher.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


# The kinds of source the registry stores as codes, as a reader of each language should
# read them (glossary.md); the web app, the report and the CLI all word a kind from here.
SOURCE_KINDS: dict[str, str] = {
    "official": N_("official"),
    "ngo": N_("NGO"),
    "media": N_("media"),
    "family": N_("family"),
    "hospital": N_("hospital"),
    "morgue": N_("morgue"),
    "other": N_("other"),
}


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise InputError(
            N_("unknown language %(lang)s: choose one of %(choices)s"),
            lang=repr(lang),
            choices=", ".join(LANGUAGES),
        )
    return lang


def language_of_environment(environ: Mapping[str, str]) -> str:
    """The CLI's language: ``QANTAR_LANG`` when qantar speaks it, else the locale's as POSIX
    reads it (the first set of ``LC_ALL``, ``LC_MESSAGES``, ``LANG``: "ru_RU.UTF-8" is
    Russian, "C" English), else English."""
    chosen = environ.get("QANTAR_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(key, "").strip()
        if value:
            code = value.split(".")[0].split("@")[0].split("_")[0].split("-")[0].lower()
            return code if code in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def _lc_messages(lang: str) -> Any:
    return resources.files("qantar").joinpath("locale", lang, "LC_MESSAGES")


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalog of ``lang``, or its ``.po`` read with Babel when not compiled (a
    source checkout) or compiled before the ``.po`` last changed (a stale build)."""
    check_language(lang)
    folder = _lc_messages(lang)
    mo, po = folder.joinpath(f"{DOMAIN}.mo"), folder.joinpath(f"{DOMAIN}.po")
    if mo.is_file() and not _older(mo, po):
        with mo.open("rb") as handle:
            return Translations(fp=handle, domain=DOMAIN)
    return from_po(lang)


def _older(mo: Any, po: Any) -> bool:
    try:
        return bool(os.stat(str(mo)).st_mtime < os.stat(str(po)).st_mtime)
    except OSError:  # not on a file system (a zipped install): trust the build
        return False


def from_po(lang: str) -> Translations:
    """The catalog of ``lang`` read from its ``.po`` with Babel, compiled in memory."""
    po = _lc_messages(check_language(lang)).joinpath(f"{DOMAIN}.po")
    if not po.is_file():
        raise FileNotFoundError(f"no catalog for {lang!r}: {po}")
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


@dataclass(frozen=True)
class Speaker:
    """Everything one page needs to speak ``lang``: gettext, plurals, dates and numbers."""

    lang: str

    def gettext(self, message: str) -> str:
        return translations(self.lang).gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.lang).ngettext(singular, plural, n)

    def date(self, value: dt.date | str | None) -> str:
        return format_date(value, self.lang)

    def partial_date(self, value: PartialDate | str | None) -> str:
        return format_partial_date(value, self.lang)

    def number(self, value: float | int | None, digits: int = 0) -> str:
        return format_number(value, self.lang, digits)

    def kind(self, code: object) -> str:
        """A kind of source in this language; a project's own kind is shown as stored."""
        text = str(getattr(code, "value", code) or "")
        return self.gettext(SOURCE_KINDS[text]) if text in SOURCE_KINDS else text

    def about_case(self, whole: str, around: str, case_title: str) -> str:
        """A sentence naming the case. For the default case (Qantar, January 2022) the
        sentence ``whole`` is translated as one, so its grammar is right in each language;
        another case's ``[case] title`` is put, as the project wrote it, into ``around``, a
        sentence written about a ``%(case)s`` that needs no inflection."""
        from qantar.settings import DEFAULTS

        if case_title == DEFAULTS.case.title:
            return self.gettext(whole)
        return self.gettext(around) % {"case": case_title}

    def date_pattern(self, value: dt.date, pattern: str) -> str:
        """``value`` by a CLDR pattern ("d MMM y") with this language's month names."""
        return _babel_date(value, pattern, locale="en_GB" if self.lang == "en" else self.lang)


def speaker(lang: str) -> Speaker:
    return Speaker(check_language(lang))


def format_date(value: dt.date | str | None, lang: str) -> str:
    """A full date in the reader's words: «2022 ж. 5 қаңтар», «5 января 2022 г.», "5 January
    2022". An ISO string may be partial ("2022-01"): it is worded as what is known."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return format_partial_date(value, lang)
    if lang == "en":
        # Babel's en is American ("January 5, 2022"); the press in Kazakhstan and the UN
        # write day before month.
        return _babel_date(value, "d MMMM y", locale="en_GB")
    return _babel_date(value, "long", locale=check_language(lang))


def format_partial_date(value: PartialDate | str | None, lang: str) -> str:
    """A date known to the day, the month or only the year, worded per language: a month is
    «қаңтар 2022» in no language's grammar, so the month form comes from Babel's skeletons
    (kk «2022 ж. қаңтар», ru «январь 2022 г.», en "January 2022"); a year stays "1986"."""
    if value is None or value == "":
        return ""
    check_language(lang)
    if isinstance(value, str):
        try:
            value = PartialDate.from_iso(value)
        except (TypeError, ValueError):
            return str(value)  # not a date qantar wrote: shown as recorded, never guessed at
    day = value.as_date()
    if day is not None:
        return format_date(day, lang)
    if value.month is not None:
        first = dt.date(value.year, value.month, 1)
        return format_skeleton("yMMMM", first, locale="en_GB" if lang == "en" else lang)
    return str(value.year)


def format_number(value: float | int | None, lang: str, digits: int = 0) -> str:
    """Grouped by the reader's convention (12 345 in kk and ru, 12,345 in en); ``digits``
    fractional digits at most."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=check_language(lang))


def plural_samples(lang: str) -> dict[str, int]:
    """One count per plural category of ``lang`` (ru: one 1, few 2, many 5), so a page can
    carry every form and a script only pick one by ``Intl.PluralRules``."""
    rule = Locale.parse(check_language(lang)).plural_form
    samples: dict[str, int] = {}
    for n in range(0, 200):
        samples.setdefault(rule(n), n)
    return samples


@cache
def template_environment(loader: BaseLoader, lang: str, *, strict: bool = True) -> Environment:
    """A Jinja2 environment speaking ``lang``: ``{% trans %}``, ``_()``, ``ngettext()`` from
    the catalog (new-style, so ``%(n)s`` is filled and escaped by Jinja), and the filters
    ``date``, ``partial_date`` and ``number`` from Babel's data for ``lang``."""
    env = Environment(
        loader=loader,
        autoescape=select_autoescape(["html", "j2"], default_for_string=True),
        undefined=StrictUndefined if strict else Undefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    # {% trans %} blocks are extracted trimmed (babel.cfg): the msgid is the text with its
    # line breaks folded, so a template can wrap a sentence without changing the catalog.
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    talk = speaker(lang)
    env.filters.update(date=talk.date, partial_date=talk.partial_date, number=talk.number)
    # ``{{ reason | say }}``: a Note (a quarantine reason, a warning) in the page's language
    env.filters["say"] = lambda text: say(text, talk.gettext)
    env.globals.update(lang=lang, language_names=LANGUAGE_NAMES)
    return env
