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
        f"this step needs the optional package {name!r}, which is not installed: "
        f"pip install 'qantar[{extra}]' (or `make install` in a clone)"
    )
