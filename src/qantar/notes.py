"""Sentences qantar says to a person outside an error: a warning, a quarantine reason.

A ``Note`` is its English sentence (a ``str``: logs, JSON files and the CLI's English lines
stay exactly as before) that also remembers the catalog message marked with ``N_`` and the
parameters it was made from, so a page or a report can say it in the reader's language
(``say``). Saved as JSON (``dump_notes`` beside the English texts, ``load_notes``) it keeps
both, so an estimate run saved today is worded in Kazakh tomorrow. A parameter never carries
a name from the data: counts, codes, list or column names, setting keys.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from qantar.errors import N_ as N_  # the one marker for the catalogs

Gettext = Callable[[str], str]


class Note(str):
    """An English sentence made from a catalog message and named parameters; a parameter
    may itself be a ``Note`` (a warning inside "stratum %(name)s: %(warning)s")."""

    message: str
    params: dict[str, Any]

    def __new__(cls, message: str, /, **params: Any) -> Note:
        note = super().__new__(cls, message % params if params else message)
        note.message = message
        note.params = params
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        # pickle and deepcopy rebuild it from its message, not from the finished text
        return (_rebuild, (self.message, self.params))

    def in_words(self, gettext: Gettext) -> str:
        text = gettext(self.message) if self.message else self.message
        if not self.params:
            return text
        return text % {key: say(value, gettext) for key, value in self.params.items()}

    def to_json(self) -> dict[str, Any]:
        return {
            "message": self.message,
            "params": {
                key: value.to_json() if isinstance(value, Note) else value
                for key, value in self.params.items()
            },
        }


def _rebuild(message: str, params: dict[str, Any]) -> Note:
    return Note(message, **params)


def say(text: Any, gettext: Gettext) -> Any:
    """``text`` in the language of ``gettext``: a ``Note`` worded from its message, a plain
    string through the catalog (an English sentence saved before notes existed is found
    when it had no parameters, else comes back as written), anything else as it is."""
    if isinstance(text, Note):
        return text.in_words(gettext)
    if isinstance(text, str) and text:
        return gettext(text)
    return text


def note_from_json(value: Any) -> Any:
    """A ``Note`` from ``Note.to_json``'s form; any other value as it is."""
    if isinstance(value, Mapping) and isinstance(value.get("message"), str):
        params = value.get("params") or {}
        return Note(value["message"], **{k: note_from_json(v) for k, v in params.items()})
    return value


def dump_notes(notes: Iterable[str]) -> list[dict[str, Any] | None]:
    """The catalog form of each text, to save beside the English texts (``None`` for a
    text that is not a ``Note``)."""
    return [note.to_json() if isinstance(note, Note) else None for note in notes]


def load_notes(texts: Iterable[str], words: Iterable[Any] | None) -> list[str]:
    """The texts saved with ``dump_notes``' list beside them, as ``Note`` where it is known
    (a file saved before notes existed has no such list: its texts come back as they are)."""
    texts = list(texts)
    words = list(words or [])
    if len(words) != len(texts):
        return texts
    return [
        note if isinstance(note := note_from_json(word), Note) and note == text else text
        for text, word in zip(texts, words, strict=True)
    ]
