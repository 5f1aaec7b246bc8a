"""Turning a plaintext SQLite registry into a SQLCipher one, in place and checked.

The encrypted copy is written beside the original with SQLCipher's own export, every
table is compared row for row (a digest of each table's rows in key order), and only
then does the copy take the original's place and the plaintext leave the folder.
Deleting a file does not wipe it from an SSD: docs/security.md says what else to do.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar.errors import N_, QantarError
from qantar.model.dicts import jsonable
from qantar.project import (
    DATABASE_FILE,
    DATABASE_PURPOSE,
    OBJECTS_PURPOSE,
    SETTINGS_FILE,
    Project,
)
from qantar.store.engine import CIPHER_SETTINGS, key_pragmas


@dataclass(frozen=True)
class EncryptResult:
    database: Path
    tables: int
    rows: int
    objects: int

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "database": str(self.database),
                "tables": self.tables,
                "rows": self.rows,
                "objects": self.objects,
            }
        )


def _sqlcipher() -> Any:
    try:
        from sqlcipher3 import dbapi2
    except ModuleNotFoundError as exc:
        raise QantarError(N_("encryption needs SQLCipher: pip install 'qantar[secure]'")) from exc
    return dbapi2


def _key_pragma(key: bytes) -> str:
    return f"x'{key.hex()}'"


def _digests(conn: Any, schema: str = "main") -> dict[str, tuple[int, str]]:
    tables = [
        row[0]
        for row in conn.execute(
            f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    out: dict[str, tuple[int, str]] = {}
    for table in tables:
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(f'SELECT * FROM {schema}."{table}" ORDER BY rowid'):
            digest.update(repr(row).encode("utf-8"))
            count += 1
        out[table] = (count, digest.hexdigest())
    return out


def _sqlite_path(project: Project) -> Path:
    url = project.database_url
    prefix = "sqlite:///"
    if not url.startswith(prefix):
        raise QantarError(
            N_(
                "only a SQLite registry is encrypted by qantar; a server's data at rest is its "
                "disk's (docs/security.md)"
            )
        )
    return Path(url[len(prefix) :])


def encrypt_project(project: Project) -> EncryptResult:
    """Encrypt the registry of ``project`` in place; the project must be unlocked."""
    if project.encrypted:
        raise QantarError(N_("this project is already encrypted; nothing was changed"))
    path = _sqlite_path(project)
    if not path.is_file():
        raise QantarError(N_("%(file)s is missing; nothing was changed"), file=path.name)
    key = project.subkey(DATABASE_PURPOSE)
    # Objects first: a run cut short is resumed by running it again (sealed objects are
    # skipped), and the project is marked encrypted only when everything is.
    objects = seal_objects(project.evidence_dir / "objects", project.subkey(OBJECTS_PURPOSE))
    project.close()
    dbapi = _sqlcipher()
    staged = path.with_name(path.name + ".encrypting")
    for leftover in (staged, Path(str(staged) + "-wal"), Path(str(staged) + "-shm")):
        leftover.unlink(missing_ok=True)
    plain = dbapi.connect(str(path))
    try:
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        before = _digests(plain)
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        for name, value in CIPHER_SETTINGS:
            plain.execute(f"PRAGMA cipher_default_{name.removeprefix('cipher_')} = {value}")
        plain.execute(f'ATTACH DATABASE ? AS encrypted KEY "{_key_pragma(key)}"', (str(staged),))
        plain.execute("SELECT sqlcipher_export('encrypted')")
        plain.execute("DETACH DATABASE encrypted")
    finally:
        plain.close()
    check = dbapi.connect(str(staged))
    try:
        for pragma in key_pragmas(key):
            check.execute(pragma)
        after = _digests(check)
    finally:
        check.close()
    if before != after:
        staged.unlink(missing_ok=True)
        raise QantarError(N_("the encrypted copy differs from the registry; nothing was changed"))
    os.replace(staged, path)
    for side in ("-wal", "-shm"):
        Path(str(path) + side).unlink(missing_ok=True)
    _mark_encrypted(project.root / SETTINGS_FILE)
    project.settings = project.settings.updated("project", encrypted=True)
    return EncryptResult(path, len(after), sum(count for count, _ in after.values()), objects)


def seal_objects(store: Path, key: bytes) -> int:
    """Seal every plaintext object of ``store`` in place; returns how many were sealed.

    Each sealed copy is read back and its plaintext hashed against the object's name
    before it replaces the plaintext file; an object whose bytes no longer match its name
    stops the run (verify and repair it first).
    """
    from qantar import vault

    sealed = 0
    if not store.is_dir():
        return 0
    for path in sorted(store.glob("??/*")):
        if not path.is_file() or path.is_symlink() or path.name.startswith("."):
            continue
        with path.open("rb") as handle:
            if vault.is_encrypted(handle.read(len(vault.MAGIC))):
                continue
        staged = path.with_name(f".seal-{path.name}")
        staged.unlink(missing_ok=True)
        digest = hashlib.sha256()
        fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, path.open("rb") as source:
            writer = vault.SealedWriter(key, out)
            for chunk in iter(lambda s=source: s.read(1 << 20), b""):  # type: ignore[misc]
                digest.update(chunk)
                writer.write(chunk)
            writer.close()
            out.flush()
            os.fsync(out.fileno())
        check = hashlib.sha256()
        with staged.open("rb") as handle:
            for chunk in vault.decrypt_chunks(key, handle, what=f"object {path.name[:12]}"):
                check.update(chunk)
        if digest.hexdigest() != path.name or check.hexdigest() != path.name:
            staged.unlink(missing_ok=True)
            raise QantarError(
                N_(
                    "object %(object)s does not match its address: run "
                    "`qantar evidence verify` and repair it before encrypting; the objects "
                    "sealed so far stay sealed, run `qantar encrypt` again afterwards"
                ),
                object=path.name[:12],
            )
        os.chmod(staged, 0o444)
        os.replace(staged, path)
        sealed += 1
    return sealed


def _mark_encrypted(settings: Path) -> None:
    text = settings.read_text(encoding="utf-8")
    if re.search(r"(?m)^encrypted\s*=", text):
        text = re.sub(r"(?m)^encrypted\s*=.*$", "encrypted = true", text, count=1)
    elif re.search(r"(?m)^\[project\]\s*$", text):
        text = re.sub(r"(?m)^\[project\]\s*$", "[project]\nencrypted = true", text, count=1)
    else:
        text = "[project]\nencrypted = true\n\n" + text
    tmp = settings.with_name(settings.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.chmod(tmp, 0o600)
    os.replace(tmp, settings)


__all__ = ["DATABASE_FILE", "EncryptResult", "encrypt_project"]
