"""A documentation project is a folder: settings, database, evidence blobs, run outputs."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, text
from sqlalchemy.exc import DatabaseError

from qantar import vault
from qantar.errors import N_, ProjectNotFoundError, QantarError, StoreError
from qantar.settings import DEFAULTS, SETTINGS_FILE, Settings
from qantar.settings import load as load_settings
from qantar.store import connect, migrate
from qantar.store.engine import settings_url

if TYPE_CHECKING:
    from qantar.accountability._facade import Accountability
    from qantar.estimate._facade import Estimates
    from qantar.evidence._facade import Evidence
    from qantar.ingest import Gazetteer
    from qantar.ingest._facade import Sources
    from qantar.link._facade import Link, Review
    from qantar.publish._facade import Publish

_Area = TypeVar("_Area")

DATABASE_FILE = "qantar.db"
KEY_DIR = "keys"
# Everything in a project names people at risk: folders and files are the owner's alone.
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
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
# Every key, its default and what it does: docs/settings.md. A commented line shows the
# default; remove the # to change it.

[project]
name = {name}
# A SQLAlchemy URL; the embedded default is the SQLite file beside this one.
# A team server: database = "postgresql+psycopg://user@host/qantar"
# (never a password here: the driver reads it from ~/.pgpass or PGPASSWORD)
database = {database}
# true: the SQLite registry is a SQLCipher database and the evidence objects are sealed,
# with a key behind the passphrase (docs/security.md).
encrypted = {encrypted}

[case]
# The events documented: titles, the fallback year and two-digit years follow them.
title = {case_title}
period_start = {period_start}
period_end = {period_end}
place = {place}
events = {events}
# "kz": the bundled gazetteer of Kazakhstan; or a CSV of places in the project folder.
gazetteer = {gazetteer}
languages = {languages}

[import]
# Extra header names per field, added to the built-in Russian, Kazakh and English ones.
# [import.headers]
# surname = ["Фамилия погибшего"]

[link]
# Match probability above which two records are the same person; chosen on synthetic truth.
# threshold = {threshold}

[estimate]
# strata = ["region"]
# Whom to count (killed, died_in_custody, disappeared, detained, tortured, injured).
# event_type = {event_type}
# Missing stratum values are imputed this many times (0: an "unknown" stratum instead).
# imputations = {imputations}
# The headline method (lcmcr, loglinear, dga or chapman): fix it before looking at numbers.
# headline_method = {headline_method}

[events]
# A list's event type for its records that name none (default: the type all its typed
# records agree on, if they do).
# list_defaults = {{morgue = "killed"}}

[report]
# The official figure to show beside the estimate.
# official_figure = 238
# official_figure_source = "Prosecutor General's Office, 16 August 2022"

[publish]
# Rules, applied in order; explicit consent decisions override them.
withhold_minors_full_name = {withhold_minors}
"""


def default_settings_text(*, name: str, database: str, encrypted: bool) -> str:
    """The ``qantar.toml`` that ``qantar init`` writes: every value from the settings'
    defaults (``qantar.settings.DEFAULTS``), so the file never claims another default."""

    def toml(value: object) -> str:
        # A JSON string, number or list of strings is valid TOML (same escapes).
        return "true" if value is True else "false" if value is False else json.dumps(value)

    case, estimate = DEFAULTS.case, DEFAULTS.estimate
    return DEFAULT_SETTINGS.format(
        name=toml(name),
        database=toml(database),
        encrypted=toml(encrypted),
        case_title=toml(case.title),
        period_start=toml(case.period_start),
        period_end=toml(case.period_end),
        place=toml(case.place),
        events=toml(case.events),
        gazetteer=toml(case.gazetteer),
        languages=toml(list(case.languages)),
        threshold=toml(DEFAULTS.link.threshold),
        event_type=toml(estimate.event_type),
        imputations=toml(estimate.imputations),
        headline_method=toml(estimate.headline_method),
        withhold_minors=toml(DEFAULTS.publish.withhold_minors_full_name),
    )


@dataclass
class Project:
    """An open project folder. Library users and the CLI both start here."""

    root: Path
    settings: Settings = field(default_factory=Settings)
    _engine: Engine | None = field(default=None, repr=False)
    _creating: bool = field(default=False, repr=False)  # only init may start an empty file
    _url_override: str | None = field(default=None, repr=False)
    _areas: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
        registry (SQLCipher) and the evidence objects.
        """
        root = Path(path).resolve()
        if (root / SETTINGS_FILE).exists():
            raise QantarError(
                N_("%(folder)s already holds a qantar project (%(file)s exists)"),
                folder=root,
                file=SETTINGS_FILE,
            )
        if encrypted and database and not database.startswith("sqlite"):
            raise QantarError(
                N_(
                    "--encrypted protects the SQLite registry; a database server's data at "
                    "rest is protected by its own disk encryption (docs/security.md)"
                )
            )
        if passphrase is None:
            passphrase = vault.read_passphrase(
                purpose="protect the new project's keys", confirm=True
            )
        written_url, _ = settings_url(database) if database else (None, False)
        created: list[Path] = []  # what this call made, removed again if it fails
        try:
            project = cls._create(root, name, database, written_url, created, encrypted, passphrase)
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
        encrypted: bool,
        passphrase: str,
    ) -> Project:
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
            default_settings_text(
                name=name or root.name,
                database=written_url or DEFAULTS.project.database,
                encrypted=encrypted,
            ).encode("utf-8"),
        )
        private_dir(root / KEY_DIR)
        data_key = vault.new_data_key()
        created.append(root / KEY_DIR / VAULT_FILE)
        vault.write_envelope(root / KEY_DIR / VAULT_FILE, vault.wrap(data_key, passphrase))
        vault.remember_in_process(root, data_key)
        _create_custody_key(root / KEY_DIR, created, vault.subkey(data_key, SIGNING_PURPOSE))
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
        # The signed head of the (empty) custody log, kept beside the key: its absence later
        # means it was removed, so an emptied archive cannot pass for a new one.
        from qantar.evidence._custody import init_head

        init_head(project)
        return project

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Project:
        """Open the project at ``path``, or the one containing the current folder."""
        start = Path(path or Path.cwd()).resolve()
        candidates = [start] if path is not None else [start, *start.parents]
        for folder in candidates:
            settings_path = folder / SETTINGS_FILE
            if settings_path.is_file():
                settings = load_settings(settings_path)
                from qantar.ingest._gazetteer import gazetteer_path

                gazetteer_path(settings.case.gazetteer, folder)  # a missing file stops here
                return cls(root=folder, settings=settings)
        if path is not None:
            raise ProjectNotFoundError(
                N_(
                    "no qantar project in %(folder)s: create one with `qantar init PATH` or "
                    "pass --project PATH"
                ),
                folder=start,
            )
        raise ProjectNotFoundError(
            N_(
                "no qantar project in %(folder)s or above: create one with `qantar init PATH` "
                "or pass --project PATH"
            ),
            folder=start,
        )

    @property
    def database_url(self) -> str:
        url = self.settings.project.database
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
            if self.encrypted:
                engine = connect(self.database_url, sqlcipher_key=self.subkey(DATABASE_PURPOSE))
                _check_opens(engine)
                self._engine = engine
            else:
                self._engine = connect(
                    self._url_override or self.database_url, tls=self.settings.project.database_tls
                )
        return self._engine

    @property
    def encrypted(self) -> bool:
        return self.settings.project.encrypted

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
                N_(
                    "%(folder)s has no key file (%(file)s); a project made before keys were "
                    "protected is upgraded with `qantar keys protect`"
                ),
                folder=self.root,
                file=f"{KEY_DIR}/{VAULT_FILE}",
            )
        envelope = vault.read_envelope(self.vault_path)
        key = vault.unwrap(
            envelope, passphrase or vault.read_passphrase(purpose="unlock", project=self.root.name)
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
                N_(
                    "the project's database %(file)s is missing (deleted or moved?): restore "
                    "it from a backup; only `qantar init` creates a new one"
                ),
                file=file,
            )
        if file.is_file() and file.stat().st_size == 0:
            raise StoreError(
                N_(
                    "the project's database %(file)s is empty (0 bytes; cut short by a copy or "
                    "a full disk?): restore it from a backup; only `qantar init` creates a new "
                    "one"
                ),
                file=file,
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

    @property
    def gazetteer(self) -> Gazetteer:
        """The places of ``[case] gazetteer``, loaded once (every area asks this one)."""
        from qantar.ingest import load_gazetteer

        return load_gazetteer(self.settings.case.gazetteer, self.root)

    @property
    def name(self) -> str:
        """``[project] name``, else the folder's name."""
        return self.settings.project.name or self.root.name

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    # --- the areas, in the manner of Splink's ``linker.training``: ``project.link.run()``.
    # Each is built on first use (imported here: the areas import this module).

    @property
    def sources(self) -> Sources:
        from qantar.ingest._facade import Sources

        return self._area("sources", Sources)

    @property
    def link(self) -> Link:
        from qantar.link._facade import Link

        return self._area("link", Link)

    @property
    def review(self) -> Review:
        from qantar.link._facade import Review

        return self._area("review", Review)

    @property
    def estimate(self) -> Estimates:
        from qantar.estimate._facade import Estimates

        return self._area("estimate", Estimates)

    @property
    def evidence(self) -> Evidence:
        from qantar.evidence._facade import Evidence

        return self._area("evidence", Evidence)

    @property
    def publish(self) -> Publish:
        from qantar.publish._facade import Publish

        return self._area("publish", Publish)

    @property
    def accountability(self) -> Accountability:
        from qantar.accountability._facade import Accountability

        return self._area("accountability", Accountability)

    def _area(self, name: str, kind: Callable[[Project], _Area]) -> _Area:
        found = self._areas.get(name)
        if found is None:
            found = self._areas[name] = kind(self)
        return found


def _check_opens(engine: Engine) -> None:
    """A wrong key or a damaged file fails here, before any command reads or writes."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
    except (DatabaseError, StoreError):
        engine.dispose()
        # No chained exception: the driver's message may carry SQL, never needed here.
        raise QantarError(
            N_(
                "the encrypted registry does not open with this project's key (wrong key "
                "file, or the database is damaged); nothing was changed"
            )
        ) from None


def _create_custody_key(key_dir: Path, created: list[Path], password: bytes) -> None:
    """The project's Ed25519 key signs the custody log. It lives outside the database so
    that someone who can edit the database cannot re-sign a forged log, and is encrypted
    under the vault so that a copied disk cannot sign either; keep a copy of the key file
    and the passphrase apart, offline (see docs/evidence.md and docs/security.md)."""
    key = Ed25519PrivateKey.generate()
    private = vault.private_pem(key, password)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    for file, data in ((PRIVATE_KEY_FILE, private), (PUBLIC_KEY_FILE, public)):
        fd = os.open(key_dir / file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        created.append(key_dir / file)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
