"""A documentation project is a folder: settings, database, evidence blobs, run outputs."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine

from qantar.errors import ProjectNotFoundError, QantarError
from qantar.store import connect, migrate

SETTINGS_FILE = "qantar.toml"
DATABASE_FILE = "qantar.db"
KEY_DIR = "keys"
PRIVATE_KEY_FILE = "custody_ed25519.pem"
PUBLIC_KEY_FILE = "custody_ed25519.pub.pem"

DEFAULT_SETTINGS = """\
# qantar project settings. Human decisions live in the database; this file holds the rules.

[project]
name = "{name}"
# A SQLAlchemy URL; the embedded default is the SQLite file beside this one.
# A team server: database = "postgresql+psycopg://user@host/qantar"
database = {database}

[import]
# Extra header names per field, added to the built-in Russian, Kazakh and English ones.
# [import.headers]
# surname = ["Фамилия погибшего"]

[link]
# Match probability above which two records are the same person; chosen on synthetic truth.
# threshold = 0.9

[estimate]
# strata = ["region"]
# The headline method (lcmcr, loglinear, dga or chapman): fix it before looking at numbers.
# headline_method = "lcmcr"

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
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("evidence/objects", "runs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / SETTINGS_FILE).write_text(
            DEFAULT_SETTINGS.format(
                name=name or root.name,
                # A JSON string is a valid TOML basic string (same escapes).
                database=json.dumps(database or f"sqlite:///{DATABASE_FILE}"),
            ),
            encoding="utf-8",
        )
        _create_custody_key(root / KEY_DIR)
        project = cls.open(root)
        migrate(project.engine)
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
            self._engine = connect(self.database_url)
        return self._engine

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


def _create_custody_key(key_dir: Path) -> None:
    """The project's Ed25519 key signs the custody log. It lives outside the database so
    that someone who can edit the database cannot re-sign a forged log; keep a copy of the
    private key offline (see docs/evidence.md)."""
    key_dir.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path = key_dir / PRIVATE_KEY_FILE
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private)
    (key_dir / PUBLIC_KEY_FILE).write_bytes(public)
