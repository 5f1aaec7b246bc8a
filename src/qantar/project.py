"""A documentation project is a folder: settings, database, evidence blobs, run outputs."""

from __future__ import annotations

import json
import os
import shutil
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from qantar.errors import ProjectNotFoundError, QantarError, StoreError
from qantar.store import connect, migrate
from qantar.store.engine import settings_url

SETTINGS_FILE = "qantar.toml"
DATABASE_FILE = "qantar.db"
KEY_DIR = "keys"
# Everything in a project names people at risk: folders and files are the owner's alone.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
PRIVATE_KEY_FILE = "custody_ed25519.pem"
PUBLIC_KEY_FILE = "custody_ed25519.pub.pem"

DEFAULT_SETTINGS = """\
# qantar project settings. Human decisions live in the database; this file holds the rules.

[project]
name = "{name}"
# A SQLAlchemy URL; the embedded default is the SQLite file beside this one.
# A team server: database = "postgresql+psycopg://user@host/qantar"
# (never a password here: the driver reads it from ~/.pgpass or PGPASSWORD)
database = {database}

[import]
# Extra header names per field, added to the built-in Russian, Kazakh and English ones.
# [import.headers]
# surname = ["Фамилия погибшего"]

[link]
# Match probability above which two records are the same person; chosen on synthetic truth.
# threshold = {threshold}

[estimate]
# strata = ["region"]

[report]
# The official figure to show beside the estimate.
# official_figure = 238
# official_figure_source = "Prosecutor General's Office, 16 August 2022"

[publish]
# Rules, applied in order; explicit consent decisions override them.
withhold_minors_full_name = true
"""


@dataclass
class Project:
    """An open project folder. Library users and the CLI both start here."""

    root: Path
    settings: dict[str, Any] = field(default_factory=dict)
    _engine: Engine | None = field(default=None, repr=False)
    _creating: bool = field(default=False, repr=False)  # only init may start an empty file
    _url_override: str | None = field(default=None, repr=False)

    @classmethod
    def init(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        database: str | None = None,
    ) -> Project:
        """Create a new project folder (refuses to overwrite an existing one).

        ``database`` is a SQLAlchemy URL for a team server, e.g.
        ``postgresql+psycopg://user@host/qantar``; by default the registry is the SQLite
        file ``qantar.db`` in the folder. Either way the schema is brought up to date.
        """
        root = Path(path).resolve()
        if (root / SETTINGS_FILE).exists():
            raise QantarError(f"{root} already holds a qantar project ({SETTINGS_FILE} exists)")
        written_url, _ = settings_url(database) if database else (None, False)
        created: list[Path] = []  # what this call made, removed again if it fails
        try:
            project = cls._create(root, name, database, written_url, created)
        except BaseException:
            for made in reversed(created):
                if made.is_dir() and not made.is_symlink():
                    shutil.rmtree(made, ignore_errors=True)
                else:
                    made.unlink(missing_ok=True)
            raise
        return project

    @classmethod
    def _create(
        cls,
        root: Path,
        name: str | None,
        database: str | None,
        written_url: str | None,
        created: list[Path],
    ) -> Project:
        from qantar.link._pipeline import DEFAULT_THRESHOLD

        def private_dir(folder: Path) -> None:
            if not folder.exists():
                private_dir(folder.parent)
                folder.mkdir(mode=PRIVATE_DIR_MODE)
                created.append(folder)
            # mkdir's mode is reduced by the umask; chmod states it whatever the umask.
            if folder.is_relative_to(root):
                folder.chmod(PRIVATE_DIR_MODE)

        def private_file(file: Path, data: bytes = b"") -> None:
            fd = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
            created.append(file)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            file.chmod(PRIVATE_FILE_MODE)

        private_dir(root)
        for sub in ("evidence", "evidence/objects", "runs"):
            private_dir(root / sub)
        private_file(
            root / SETTINGS_FILE,
            DEFAULT_SETTINGS.format(
                name=name or root.name,
                # A JSON string is a valid TOML basic string (same escapes).
                database=json.dumps(written_url or f"sqlite:///{DATABASE_FILE}"),
                threshold=DEFAULT_THRESHOLD,
            ).encode("utf-8"),
        )
        private_dir(root / KEY_DIR)
        _create_custody_key(root / KEY_DIR, created)
        project = cls.open(root)
        if database:
            # A password was kept out of qantar.toml; this object may still use it.
            project._url_override = database
        else:
            # SQLite makes its -wal and -shm files with the database file's mode.
            private_file(root / DATABASE_FILE)
            for suffix in ("-wal", "-shm", "-journal"):
                created.append(root / (DATABASE_FILE + suffix))
            project._creating = True
        try:
            migrate(project.engine)
        finally:
            project._creating = False
        return project

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Project:
        """Open the project at ``path``, or the one containing the current folder."""
        start = Path(path or Path.cwd()).resolve()
        candidates = [start] if path is not None else [start, *start.parents]
        for folder in candidates:
            settings_path = folder / SETTINGS_FILE
            if settings_path.is_file():
                try:
                    settings = tomllib.loads(settings_path.read_text(encoding="utf-8"))
                except tomllib.TOMLDecodeError as exc:
                    raise QantarError(f"{settings_path}: not valid TOML: {exc}") from exc
                return cls(root=folder, settings=settings)
        raise ProjectNotFoundError(
            f"no qantar project in {start}"
            + ("" if path is not None else " or above")
            + ": create one with `qantar init PATH` or pass --project PATH"
        )

    @property
    def database_url(self) -> str:
        url = str(self.settings.get("project", {}).get("database", f"sqlite:///{DATABASE_FILE}"))
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith(prefix + "/"):
            # Relative SQLite paths are relative to the project folder, not the shell's.
            url = prefix + str(self.root / url[len(prefix) :])
        return url

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if not self._creating:
                self._check_database_file()
            self._engine = connect(self._url_override or self.database_url)
        return self._engine

    def _check_database_file(self) -> None:
        """Refuse a SQLite file that vanished or was emptied: SQLite would quietly start a
        new, empty registry in its place and every command would report nothing lost."""
        url = self.database_url
        prefix = "sqlite:///"
        if not url.startswith(prefix):
            return
        path = url[len(prefix) :].split("?", 1)[0]
        if not path or path == ":memory:":
            return
        file = Path(path)
        if not file.exists():
            raise StoreError(
                f"the project's database {file} is missing (deleted or moved?): restore it "
                "from a backup; only `qantar init` creates a new one"
            )
        if file.is_file() and file.stat().st_size == 0:
            raise StoreError(
                f"the project's database {file} is empty (0 bytes; cut short by a copy or a "
                "full disk?): restore it from a backup; only `qantar init` creates a new one"
            )

    def upgrade(self) -> None:
        """Bring the database schema up to date (new features add migrations)."""
        migrate(self.engine)

    @property
    def runs_dir(self) -> Path:
        return self.root / "runs"

    @property
    def evidence_dir(self) -> Path:
        return self.root / "evidence"

    @property
    def private_key_path(self) -> Path:
        return self.root / KEY_DIR / PRIVATE_KEY_FILE

    @property
    def public_key_path(self) -> Path:
        return self.root / KEY_DIR / PUBLIC_KEY_FILE

    def section(self, name: str) -> dict[str, Any]:
        value = self.settings.get(name, {})
        return value if isinstance(value, dict) else {}

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None


def _create_custody_key(key_dir: Path, created: list[Path]) -> None:
    """The project's Ed25519 key signs the custody log. It lives outside the database so
    that someone who can edit the database cannot re-sign a forged log; keep a copy of the
    private key offline (see docs/evidence.md)."""
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for file, data in ((PRIVATE_KEY_FILE, private), (PUBLIC_KEY_FILE, public)):
        fd = os.open(key_dir / file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        created.append(key_dir / file)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
