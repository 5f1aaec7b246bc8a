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
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from qantar import vault
from qantar.errors import ProjectNotFoundError, QantarError
from qantar.store import connect, migrate

SETTINGS_FILE = "qantar.toml"
DATABASE_FILE = "qantar.db"
KEY_DIR = "keys"
PRIVATE_KEY_FILE = "custody_ed25519.pem"
PUBLIC_KEY_FILE = "custody_ed25519.pub.pem"
VAULT_FILE = "vault.json"
# Purposes of the subkeys drawn from the project's data key (never change them: they
# are how an existing project's files are opened).
SIGNING_PURPOSE = "qantar custody signing key"
DATABASE_PURPOSE = "qantar sqlcipher registry"
OBJECTS_PURPOSE = "qantar evidence objects"

DEFAULT_SETTINGS = """\
# qantar project settings. Human decisions live in the database; this file holds the rules.

[project]
name = "{name}"
# A SQLAlchemy URL; the embedded default is the SQLite file beside this one.
# A team server: database = "postgresql+psycopg://user@host/qantar"
database = {database}
# true: the SQLite registry is a SQLCipher database, evidence objects and run files are
# encrypted with a key behind the passphrase (docs/security.md).
encrypted = {encrypted}

[import]
# Extra header names per field, added to the built-in Russian, Kazakh and English ones.
# [import.headers]
# surname = ["Фамилия погибшего"]

[link]
# Match probability above which two records are the same person; chosen on synthetic truth.
# threshold = 0.9

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

    @classmethod
    def init(
        cls,
        path: str | os.PathLike[str],
        *,
        name: str | None = None,
        database: str | None = None,
        encrypted: bool = False,
        passphrase: str | None = None,
    ) -> Project:
        """Create a new project folder (refuses to overwrite an existing one).

        ``database`` is a SQLAlchemy URL for a team server, e.g.
        ``postgresql+psycopg://user@host/qantar``; by default the registry is the SQLite
        file ``qantar.db`` in the folder. Either way the schema is brought up to date.

        The passphrase (asked for, or ``QANTAR_PASSPHRASE``/``QANTAR_PASSPHRASE_FD``)
        protects the custody signing key in every project, and with ``encrypted`` also the
        registry (SQLCipher), the evidence objects and the run files.
        """
        root = Path(path).resolve()
        if (root / SETTINGS_FILE).exists():
            raise QantarError(f"{root} already holds a qantar project ({SETTINGS_FILE} exists)")
        if encrypted and database and not database.startswith("sqlite"):
            raise QantarError(
                "--encrypted protects the SQLite registry; a database server's data at rest "
                "is protected by its own disk encryption (docs/security.md)"
            )
        if passphrase is None:
            passphrase = vault.read_passphrase(
                purpose="protect the new project's keys", confirm=True
            )
        root.mkdir(parents=True, exist_ok=True)
        for sub in ("evidence/objects", "runs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / SETTINGS_FILE).write_text(
            DEFAULT_SETTINGS.format(
                name=name or root.name,
                # A JSON string is a valid TOML basic string (same escapes).
                database=json.dumps(database or f"sqlite:///{DATABASE_FILE}"),
                encrypted="true" if encrypted else "false",
            ),
            encoding="utf-8",
        )
        data_key = _create_vault(root / KEY_DIR, passphrase)
        vault.remember_in_process(root, data_key)
        _create_custody_key(root / KEY_DIR, vault.subkey(data_key, SIGNING_PURPOSE))
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
    def encrypted(self) -> bool:
        return bool(self.settings.get("project", {}).get("encrypted", False))

    @property
    def vault_path(self) -> Path:
        return self.root / KEY_DIR / VAULT_FILE

    def data_key(self, passphrase: str | None = None) -> bytes:
        """The project's data key: remembered (``qantar unlock``), or unwrapped now with the
        passphrase (asked for when not given)."""
        known = vault.remembered(self.root)
        if known is not None:
            return known
        if not self.vault_path.is_file():
            raise QantarError(
                f"{self.root} has no key file ({KEY_DIR}/{VAULT_FILE}); a project made before "
                "keys were protected is upgraded with `qantar keys protect`"
            )
        envelope = vault.read_envelope(self.vault_path)
        key = vault.unwrap(
            envelope, passphrase or vault.read_passphrase(purpose=f"unlock {self.root.name}")
        )
        vault.remember_in_process(self.root, key)
        return key

    def subkey(self, purpose: str) -> bytes:
        return vault.subkey(self.data_key(), purpose)

    def signing_key_password(self) -> bytes | None:
        """The password of the signing key's PEM; None for a project made before the vault."""
        if not self.vault_path.is_file():
            return None
        return self.subkey(SIGNING_PURPOSE)

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            if self.encrypted:
                engine = connect(self.database_url, sqlcipher_key=self.subkey(DATABASE_PURPOSE))
                _check_opens(engine)
                self._engine = engine
            else:
                tls = self.settings.get("project", {}).get("database_tls")
                self._engine = connect(self.database_url, tls=None if tls is None else str(tls))
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


def _create_vault(key_dir: Path, passphrase: str) -> bytes:
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    data_key = vault.new_data_key()
    vault.write_envelope(key_dir / VAULT_FILE, vault.wrap(data_key, passphrase))
    return data_key


def _check_opens(engine: Engine) -> None:
    """A wrong key or a damaged file fails here, before any command reads or writes."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except DatabaseError:
        engine.dispose()
        # No chained exception: the driver's message may carry SQL, never needed here.
        raise QantarError(
            "the encrypted registry does not open with this project's key (wrong key file, "
            "or the database is damaged); nothing was changed"
        ) from None


def _create_custody_key(key_dir: Path, password: bytes) -> None:
    """The project's Ed25519 key signs the custody log. It lives outside the database so
    that someone who can edit the database cannot re-sign a forged log, and is encrypted
    under the vault so that a copied disk cannot sign either; keep a copy of the key file
    and the passphrase apart, offline (see docs/evidence.md and docs/security.md)."""
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    private_path = key_dir / PRIVATE_KEY_FILE
    if private_path.exists():
        raise QantarError(f"{private_path} exists already; nothing was overwritten")
    vault.write_private_key(private_path, key, password)
    (key_dir / PUBLIC_KEY_FILE).write_bytes(public)
