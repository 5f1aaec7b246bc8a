"""One exception hierarchy: every user error names what is wrong and what to do."""

from __future__ import annotations


class QantarError(Exception):
    """A problem the user can fix; the CLI prints its message in one line and exits 2."""


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
        *,
        file: str | None = None,
        row: int | None = None,
        field: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.field = field
        where = ", ".join(
            part
            for part in (
                file,
                f"row {row}" if row is not None else None,
                f"field {field!r}" if field is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
