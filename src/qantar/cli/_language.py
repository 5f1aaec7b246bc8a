"""The language the CLI speaks, chosen once when ``qantar.cli`` is imported: Typer reads
every ``help=`` when the apps are built, so the choice cannot wait for a command to run.

``QANTAR_LANG`` (kk, ru, en), else the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``), else
English (``qantar.i18n.language_of_environment``). Every string the CLI shows goes through
``_`` (or ``ngettext``) with named placeholders; command and option names, values and file
names stay as typed.
"""

from __future__ import annotations

import os
import re
from typing import Any

from qantar.i18n import DEFAULT_LANGUAGE, N_, language_of_environment, speaker

LANG = language_of_environment(os.environ)
_talk = speaker(LANG)


def _(message: str) -> str:
    return _talk.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _talk.ngettext(singular, plural, n)


def kind(code: str) -> str:
    """A kind of source as a reader of the CLI's language says it; in English the stored
    code (ngo, morgue), which is also what ``--kind`` takes."""
    return code if LANG == DEFAULT_LANGUAGE else _talk.kind(code)


# Typer's own sentences on a help page, which it writes without gettext: translated where
# the help page is written (the formatter below).
TYPER_SENTENCES = (
    N_("Show this message and exit."),
    N_("Install completion for the current shell."),
    N_("Show completion for the current shell, to copy it or customize the installation."),
)
# The words Typer passes to gettext.gettext (its module-level ``_``): held in qantar's
# catalogs, and given qantar's ``_`` by ``speaking``.
TYPER_WORDS = (
    N_("Arguments"),
    N_("Options"),
    N_("Commands"),
    N_("default: {default}"),
    N_("required"),
    N_("(dynamic)"),
    N_("env var: {var}"),
)
USAGE = N_("Usage: ")
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
# The kinds of value Typer names in an option's placeholder (``--seed <int>``).
VALUE_KINDS = {
    "str": N_("text"),
    "int": N_("integer"),
    "float": N_("number"),
    "path": N_("path"),
    "list[str]": N_("texts"),
    "list[int]": N_("integers"),
    "list[Path]": N_("paths"),
}
_VALUE_KIND = re.compile(r"<([\w\[\]]+)>")


def _kind(found: re.Match[str]) -> str:
    kind = VALUE_KINDS.get(found.group(1))
    return f"<{_(kind)}>" if kind else found.group(0)


def speaking(command: Any) -> Any:
    """``command``, the root of the click commands Typer built, with its help pages in the
    CLI's language: Typer's own words and sentences, and "Usage:"."""
    if LANG == DEFAULT_LANGUAGE:
        return command
    import typer.core

    if hasattr(typer.core, "_"):  # Typer marks its words with gettext's `_`: give it ours
        typer.core._ = _
    base: Any = type(command).context_class

    class Formatter(base.formatter_class):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, _(USAGE) if prefix is None else prefix)

        def write_dl(self, rows: Any, *args: Any, **kwargs: Any) -> None:
            rows = [
                (_VALUE_KIND.sub(_kind, term), _(text) if text in TYPER_SENTENCES else text)
                for term, text in rows
            ]
            super().write_dl(rows, *args, **kwargs)

    class Context(base):
        formatter_class = Formatter

    def walk(each: Any) -> None:
        each.context_class = Context
        each.options_metavar = _(OPTIONS_METAVAR)
        if hasattr(each, "subcommand_metavar") and hasattr(each, "commands"):
            each.subcommand_metavar = _(SUBCOMMAND_METAVAR)
        for sub in getattr(each, "commands", {}).values():
            walk(sub)

    walk(command)
    return command
