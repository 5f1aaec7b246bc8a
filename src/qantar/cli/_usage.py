"""click's usage errors ("No such option: --x", "Missing argument 'FILE'.") in the CLI's
language. The click Typer carries writes them in English without gettext, so each one a user
meets is recognised from its English sentence (stable across click 8 and Typer's copy) and
worded again from qantar's catalogs; anything else is shown as click wrote it."""

from __future__ import annotations

import re
from typing import Any

from qantar.cli._language import LANG, _, ngettext
from qantar.i18n import DEFAULT_LANGUAGE, N_

_NO_SUCH_OPTION = re.compile(
    r"No such option: (?P<option>\S+)(?: \(Possible options: (?P<options>.+)\))?"
)
_DID_YOU_MEAN = re.compile(r"No such option: (?P<option>\S+)\s+Did you mean (?P<options>\S+)\?")
_NO_SUCH_COMMAND = re.compile(
    r"No such command (?P<command>'.*?')\.(?: Did you mean (?P<close>.+)\?)?"
)
_MISSING = re.compile(r"Missing (?P<kind>argument|option|parameter) (?P<name>.+?)\.")
_EXTRA = re.compile(r"Got unexpected extra arguments?(?:\(s\))? \((?P<args>.*)\)")
_REQUIRES = re.compile(r"Option (?P<option>'.+?') requires (?:an argument|(?P<n>\d+) arguments)\.")
_NO_VALUE = re.compile(r"Option (?P<option>'.+?') does not take a value\.")
_INVALID = re.compile(r"Invalid value for (?P<name>.+?): (?P<reason>.*)", re.S)
_NOT_ONE_OF = re.compile(r"is not one of (?P<choices>.+?)\.?$")
_TYPER_REASON = re.compile(r"^(Value .* is not a valid .*|Value must be an iterable\.)$")

_MISSING_KIND = {
    "argument": N_("Missing argument %(name)s."),
    "option": N_("Missing option %(name)s."),
    "parameter": N_("Missing parameter %(name)s."),
}
# What a value that did not convert should have been, by pydantic's error type.
_EXPECTED = {
    "int_parsing": N_("Invalid value for %(name)s: expected a whole number."),
    "int_from_float": N_("Invalid value for %(name)s: expected a whole number."),
    "float_parsing": N_("Invalid value for %(name)s: expected a number."),
    "bool_parsing": N_("Invalid value for %(name)s: expected true or false."),
}


def usage_message(exc: Exception) -> str:
    """click's message for ``exc`` in the CLI's language (in English as click wrote it).

    Typer's core passes "No such command" through the `_` ``speaking`` gives it; the
    catalogs leave that msgid out on purpose, so it arrives in English and is worded here
    with its "Did you mean" hint."""
    english = " ".join(str(exc.format_message()).split())  # type: ignore[attr-defined]
    if LANG == DEFAULT_LANGUAGE:
        return english
    return _worded(exc, english) or english


def _say(message: str, **params: Any) -> str:
    return _(message) % params


def _worded(exc: Exception, english: str) -> str | None:
    if found := _NO_SUCH_OPTION.fullmatch(english) or _DID_YOU_MEAN.fullmatch(english):
        if found["options"]:
            return _say(
                N_("No such option: %(option)s (possible options: %(options)s)"),
                option=found["option"],
                options=found["options"],
            )
        return _say(N_("No such option: %(option)s"), option=found["option"])
    if found := _NO_SUCH_COMMAND.fullmatch(english):
        if found["close"]:
            return _say(
                N_("No such command %(command)s. Did you mean %(close)s?"),
                command=found["command"],
                close=found["close"],
            )
        return _say(N_("No such command %(command)s."), command=found["command"])
    if english == "Missing command.":
        return _(N_("Missing command."))
    if found := _MISSING.fullmatch(english):
        return _say(_MISSING_KIND[found["kind"]], name=found["name"])
    if found := _EXTRA.fullmatch(english):
        extra = found["args"]
        template = ngettext(
            "Got unexpected extra argument (%(args)s).",
            "Got unexpected extra arguments (%(args)s).",
            len(extra.split()),
        )
        return template % {"args": extra}
    if found := _REQUIRES.fullmatch(english):
        if found["n"] is None:
            return _say(N_("Option %(option)s requires a value."), option=found["option"])
        return _say(
            N_("Option %(option)s requires %(n)s values."), option=found["option"], n=found["n"]
        )
    if found := _NO_VALUE.fullmatch(english):
        return _say(N_("Option %(option)s does not take a value."), option=found["option"])
    if found := _INVALID.fullmatch(english):
        return _invalid(exc, found["name"], found["reason"])
    return None


def _invalid(exc: Exception, name: str, reason: str) -> str:
    """An invalid value: qantar's own reason (already in the reader's language) is kept;
    Typer's, written in English from the value's type, is said again."""
    cause = exc.__cause__
    errors = _pydantic_errors(cause)
    if not errors and cause is None and not _TYPER_REASON.match(reason):
        return _say(N_("Invalid value for %(name)s: %(reason)s"), name=name, reason=reason)
    kind = str(errors[0].get("type", "")) if errors else ""
    if kind in _EXPECTED:
        return _say(_EXPECTED[kind], name=name)
    if found := _NOT_ONE_OF.search(str(errors[0].get("msg", "")) if errors else reason):
        return _say(
            N_("Invalid value for %(name)s: choose one of %(choices)s."),
            name=name,
            choices=found["choices"],
        )
    return _say(N_("Invalid value for %(name)s."), name=name)


def _pydantic_errors(cause: BaseException | None) -> list[dict[str, Any]]:
    errors = getattr(cause, "errors", None)
    if not callable(errors):
        return []
    try:
        found = errors()
    except Exception:  # not pydantic's errors(): nothing to read
        return []
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []
