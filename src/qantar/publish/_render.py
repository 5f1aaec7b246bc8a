"""The Jinja2 environments shared by the report and the memorial page, one per language."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader

from qantar.i18n import DEFAULT_LANGUAGE, template_environment


@cache
def _loader(package: str) -> PackageLoader:
    return PackageLoader(f"qantar.{package}", "templates")


def localised(package: str, lang: str) -> Environment:
    """The templates of ``qantar.<package>`` speaking ``lang``."""
    return template_environment(_loader(package), lang)


def environment() -> Environment:
    return localised("publish", DEFAULT_LANGUAGE)
