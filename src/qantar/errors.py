"""One exception hierarchy: every user error names what is wrong and what to do.

An error's message is an English sentence marked with ``N_`` where it is raised, with named
placeholders (``%(limit)s``) filled from keyword arguments, so that a page or the CLI can
say it in the reader's language (``in_words``) while ``str(exc)`` stays the English line.
A placeholder never carries a name from the data: counts, codes, file names, setting keys.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath


def N_(message: str) -> str:
    """Mark a message for the catalogs where it is raised; it is translated where shown
    (the same marker as ``qantar.i18n.N_``, which this foundation module cannot import)."""
    return message


class QantarError(Exception):
    """A problem the user can fix; the CLI prints its message in one line and exits 2."""

    def __init__(self, message: str = "", /, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)

    def in_words(self, gettext: Callable[[str], str], *, on_page: bool = False) -> str:
        """The message in the language of ``gettext``; a message raised without ``N_`` (not
        in the catalogs) comes back as it was written."""
        if not isinstance(self.message, str) or not self.message:
            return str(self.message)  # gettext("") would be the catalog's header
        text = gettext(self.message)
        return text % worded_params(self.params, gettext) if self.params else text


def worded_params(params: dict[str, object], gettext: Callable[[str], str]) -> dict[str, object]:
    """The parameters, a ``qantar.notes.Note`` among them (a quarantine reason inside a
    refused fix) worded in the same language; known by its ``in_words`` because notes is
    built on this module and cannot be imported here."""
    worded = {}
    for key, value in params.items():
        in_words = getattr(value, "in_words", None) if isinstance(value, str) else None
        worded[key] = in_words(gettext) if in_words is not None else value
    return worded


class ProjectNotFoundError(QantarError):
    """No qantar project in the given folder or any folder above it."""


class StoreError(QantarError):
    """The database cannot do what was asked (locked, disk full, damaged, vanished); the
    message says what happened and never carries the SQL parameters (names)."""


class InputError(QantarError):
    """Bad input, located as precisely as we can: file, row, field."""

    def __init__(
        self,
        message: str,
        /,
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
        **params: object,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        super().__init__(message, **params)
        english = str(self.args[0])
        where = self._where(lambda text: text, on_page=False)
        self.args = (f"{where}: {english}" if where else english,)

    def _where(self, gettext: Callable[[str], str], *, on_page: bool) -> str:
        file = PurePath(self.file).name if on_page and self.file else self.file
        parts = (
            file,
            gettext(N_("row %(row)s")) % {"row": self.row} if self.row is not None else None,
            gettext(N_("field %(field)s")) % {"field": repr(self.field)}
            if self.field is not None and not on_page
            else None,
        )
        return ", ".join(part for part in parts if part)

    def in_words(self, gettext: Callable[[str], str], *, on_page: bool = False) -> str:
        """The message in ``gettext``'s language after where it happened. ``on_page`` names
        the file without its folders (an upload waits in a private temporary one) and leaves
        the field out (a code such as 'name'; the page shows the form it belongs to)."""
        text = super().in_words(gettext)
        where = self._where(gettext, on_page=on_page)
        return f"{where}: {text}" if where else text


# Optional packages and the extra that installs each (pyproject.toml). Imported where they
# are needed, so a default install runs everything else.
OPTIONAL_PACKAGES = {
    "weasyprint": "pdf",
    "pypdf": "evidence",
    "pdqhash": "evidence",
    "av": "evidence",
    "rfc3161_client": "evidence",
    "pysequoia": "evidence",
    "c2pa": "evidence",
    "fastapi": "web",
    "uvicorn": "web",
    "multipart": "web",
    "argon2": "web",
    "pyotp": "web",
    "itsdangerous": "web",
    "psycopg": "postgres",
    "pyspark": "spark",
    "sqlcipher3": "secure",
    "pyrage": "secure",
}


def missing_extra(exc: ImportError) -> QantarError | None:
    """A one-line error naming the extra to install for a missing optional package, or
    None when the missing module is not one of qantar's optional packages."""
    if not isinstance(exc, ModuleNotFoundError):
        return None  # installed, but broken or too old: not a missing extra
    name = (exc.name or "").split(".")[0]
    extra = OPTIONAL_PACKAGES.get(name)
    if extra is None:
        return None
    return QantarError(
        N_(
            "this step needs the optional package %(package)s, which is not installed: "
            "pip install 'qantar[%(extra)s]' (or `make install` in a clone)"
        ),
        package=repr(name),
        extra=extra,
    )
