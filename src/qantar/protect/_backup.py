"""One encrypted backup file of a project, and a restore that checks it whole first.

The backup is a tar stream (a manifest with every file's SHA-256 first, then the
registry snapshot, the keys, the evidence and qantar.toml) encrypted with age as it is
written, so no plaintext copy touches the disk. To public keys it is a standard age file
(`age -d -i key.txt`); to a passphrase, the archive's own age identity is sealed with the
passphrase (scrypt) and written in front of the stream, because age's passphrase mode
cannot stream. Restore reads the file twice: once to check every byte against the
manifest without writing anything, then to write the project.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from qantar.errors import N_, QantarError
from qantar.ingest._gazetteer import gazetteer_path
from qantar.model.dicts import jsonable
from qantar.project import DATABASE_FILE, DATABASE_PURPOSE, KEY_DIR, SETTINGS_FILE, Project
from qantar.store.engine import key_pragmas

MAGIC = b"qantar-backup-1\n"
MANIFEST = "MANIFEST.json"
_LEN = 4


@dataclass
class BackupResult:
    path: Path
    files: int
    bytes: int
    recipients: int

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "path": str(self.path),
                "files": self.files,
                "bytes": self.bytes,
                "recipients": self.recipients,
            }
        )


@dataclass
class RestoreResult:
    root: Path
    files: int
    bytes: int
    manifest: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return jsonable({"root": str(self.root), "files": self.files, "bytes": self.bytes})


def _pyrage() -> Any:
    try:
        import pyrage
    except ModuleNotFoundError as exc:
        raise QantarError(N_("backups need age: pip install 'qantar[secure]'")) from exc
    return pyrage


def _snapshot_database(project: Project, folder: Path) -> Path:
    """A consistent copy of the registry through SQLite's backup API (under the same key
    in an encrypted project, so the copy is as protected as the original)."""
    if not project.database_url.startswith("sqlite:///"):
        raise QantarError(
            N_(
                "qantar backup covers a SQLite registry; back up a PostgreSQL server with its "
                "own tools (pg_dump, encrypted) and keep this command for the project folder"
            )
        )
    target = folder / DATABASE_FILE
    raw = project.engine.raw_connection()
    try:
        source = raw.driver_connection
        if project.encrypted:
            from sqlcipher3 import dbapi2

            copy = dbapi2.connect(str(target))
            for pragma in key_pragmas(project.subkey(DATABASE_PURPOSE)):
                copy.execute(pragma)
        else:
            import sqlite3

            copy = sqlite3.connect(str(target))
        try:
            source.backup(copy)  # type: ignore[union-attr]
        finally:
            copy.close()
    finally:
        raw.close()
    os.chmod(target, 0o600)
    return target


def _project_files(project: Project) -> list[tuple[str, Path]]:
    """(name in the archive, path) of the keys, the evidence and the settings."""
    root = project.root
    files: list[tuple[str, Path]] = [(SETTINGS_FILE, root / SETTINGS_FILE)]
    # A gazetteer of the project's own ([case] gazetteer): without it the restored
    # project would not open.
    places = gazetteer_path(project.settings.case.gazetteer, root)
    if places is not None and places.is_relative_to(root.resolve()):
        files.append((places.relative_to(root.resolve()).as_posix(), places))
    for folder in (root / KEY_DIR, project.evidence_dir):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_symlink():
                raise QantarError(
                    N_("%(file)s is a symbolic link; nothing written"),
                    file=path.relative_to(root),
                )
            if path.is_file() and not path.name.startswith(".tmp"):
                files.append((path.relative_to(root).as_posix(), path))
    return files


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _write_tar(out: IO[bytes], entries: list[tuple[str, Path]], manifest: dict[str, Any]) -> None:
    with tarfile.open(fileobj=out, mode="w|") as tar:
        data = json.dumps(manifest, indent=2, sort_keys=True).encode("utf-8")
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mode = len(data), 0o600
        tar.addfile(info, io.BytesIO(data))
        for name, path in entries:
            info = tarfile.TarInfo(name)
            info.size, info.mode = path.stat().st_size, 0o600
            with path.open("rb") as handle:
                tar.addfile(info, handle)


def backup(
    project: Project,
    out: Path,
    *,
    passphrase: str | None = None,
    recipients: Sequence[str] = (),
) -> BackupResult:
    """Write one encrypted backup of ``project`` to ``out`` (refuses to overwrite).

    ``recipients`` are age public keys (``age1...``); without them the backup is sealed
    with ``passphrase``.
    """
    pyrage = _pyrage()
    out = Path(out)
    if out.exists():
        raise QantarError(N_("%(file)s exists; choose a new file name"), file=out)
    try:
        keys = [pyrage.x25519.Recipient.from_str(r.strip()) for r in recipients]
    except Exception as exc:  # pyrage raises its own RecipientError
        raise QantarError(N_("a recipient is not an age public key (age1...)")) from exc
    identity = None
    if not keys:
        if not passphrase:
            raise QantarError(N_("give --recipient age1... or a passphrase for the backup"))
        identity = pyrage.x25519.Identity.generate()
        keys = [identity.to_public()]
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=project.root) as tmp:
        os.chmod(tmp, 0o700)
        snapshot = _snapshot_database(project, Path(tmp))
        entries = [(DATABASE_FILE, snapshot), *_project_files(project)]
        manifest: dict[str, Any] = {
            "format": "qantar-backup-1",
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "project": project.name,
            "encrypted_project": project.encrypted,
            "files": {
                name: {"sha256": _sha256(path), "size": path.stat().st_size}
                for name, path in entries
            },
        }
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as sink:
                sink.write(MAGIC)
                sealed = (
                    pyrage.passphrase.encrypt(str(identity).encode("ascii"), passphrase)
                    if identity is not None
                    else b""
                )
                sink.write(len(sealed).to_bytes(_LEN, "big") + sealed)
                _encrypt_stream(pyrage, sink, entries, manifest, keys)
        except BaseException:
            out.unlink(missing_ok=True)
            raise
    total = sum(v["size"] for v in manifest["files"].values())
    return BackupResult(out, len(entries), total, 0 if identity is not None else len(keys))


def _encrypt_stream(
    pyrage: Any,
    sink: IO[bytes],
    entries: list[tuple[str, Path]],
    manifest: dict[str, Any],
    keys: list[Any],
) -> None:
    read_fd, write_fd = os.pipe()
    failure: list[BaseException] = []

    def produce() -> None:
        try:
            with os.fdopen(write_fd, "wb") as pipe:
                _write_tar(pipe, entries, manifest)
        except BaseException as exc:  # surfaced below, after the consumer stops
            failure.append(exc)

    worker = threading.Thread(target=produce, daemon=True)
    worker.start()
    with os.fdopen(read_fd, "rb") as pipe:
        pyrage.encrypt_io(pipe, sink, keys)
    worker.join()
    if failure:
        raise QantarError(N_("the backup could not be written completely")) from failure[0]


@contextmanager
def _plain_stream(
    path: Path, passphrase: str | None, identities: Sequence[str]
) -> Iterator[IO[bytes]]:
    """The decrypted tar stream of a backup file, read as it is decrypted."""
    pyrage = _pyrage()
    with path.open("rb") as handle:
        if handle.read(len(MAGIC)) != MAGIC:
            raise QantarError(N_("%(file)s is not a qantar backup"), file=path.name)
        size = int.from_bytes(handle.read(_LEN), "big")
        sealed = handle.read(size)
        try:
            if size:
                if not passphrase:
                    raise QantarError(
                        N_("%(file)s is sealed with a passphrase; give it"), file=path.name
                    )
                ids = [
                    pyrage.x25519.Identity.from_str(
                        pyrage.passphrase.decrypt(sealed, passphrase).decode("ascii")
                    )
                ]
            else:
                ids = [pyrage.x25519.Identity.from_str(i.strip()) for i in identities]
                if not ids:
                    raise QantarError(
                        N_("%(file)s is encrypted to age keys; give --identity"), file=path.name
                    )
        except QantarError:
            raise
        except Exception as exc:
            raise QantarError(
                N_("%(file)s: wrong passphrase or key for this backup; nothing was written"),
                file=path.name,
            ) from exc
        read_fd, write_fd = os.pipe()
        failure: list[BaseException] = []

        def produce() -> None:
            try:
                with os.fdopen(write_fd, "wb") as pipe:
                    pyrage.decrypt_io(handle, pipe, ids)
            except BaseException as exc:
                failure.append(exc)

        worker = threading.Thread(target=produce, daemon=True)
        worker.start()
        with os.fdopen(read_fd, "rb") as pipe:
            try:
                yield pipe
                pipe.read()  # drain, so a damaged tail is still noticed
            finally:
                worker.join()
        if failure:
            raise QantarError(
                N_(
                    "%(file)s is damaged or was altered (its encryption check failed); "
                    "nothing was written"
                ),
                file=path.name,
            ) from None


def _members(stream: IO[bytes]) -> Iterator[tuple[tarfile.TarInfo, IO[bytes] | None]]:
    with tarfile.open(fileobj=stream, mode="r|") as tar:
        for member in tar:
            yield member, tar.extractfile(member) if member.isfile() else None


def _safe_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def check_backup(
    path: Path, *, passphrase: str | None = None, identities: Sequence[str] = ()
) -> dict[str, Any]:
    """Read the whole backup and check every file against its manifest; write nothing."""
    try:
        with _plain_stream(path, passphrase, identities) as stream:
            manifest: dict[str, Any] | None = None
            seen: set[str] = set()
            for member, data in _members(stream):
                if manifest is None:
                    if member.name != MANIFEST or data is None:
                        raise QantarError(N_("%(file)s: no manifest at the start"), file=path.name)
                    manifest = json.loads(data.read())
                    continue
                expected = manifest["files"].get(member.name)
                if expected is None or data is None or not _safe_name(member.name):
                    raise QantarError(
                        N_("%(file)s: holds a file its manifest does not list"), file=path.name
                    )
                digest = hashlib.sha256()
                for chunk in iter(lambda d=data: d.read(1 << 20), b""):  # type: ignore[misc]
                    digest.update(chunk)
                if digest.hexdigest() != expected["sha256"]:
                    raise QantarError(
                        N_("%(file)s: %(member)s does not match its manifest"),
                        file=path.name,
                        member=member.name,
                    )
                seen.add(member.name)
    except tarfile.TarError as exc:
        raise QantarError(
            N_("%(file)s is damaged (not a complete archive)"), file=path.name
        ) from exc
    if manifest is None or seen != set(manifest["files"]):
        raise QantarError(
            N_("%(file)s is incomplete: files of its manifest are missing"), file=path.name
        )
    return manifest


def restore(
    path: Path, target: Path, *, passphrase: str | None = None, identities: Sequence[str] = ()
) -> RestoreResult:
    """Check the backup whole, then write the project into ``target`` (new or empty)."""
    target = Path(target).resolve()
    if target.exists() and any(target.iterdir()):
        raise QantarError(N_("%(folder)s is not empty; restore into a new folder"), folder=target)
    manifest = check_backup(path, passphrase=passphrase, identities=identities)
    created = not target.exists()
    target.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(target, 0o700)
    written = 0
    try:
        with _plain_stream(path, passphrase, identities) as stream:
            for member, data in _members(stream):
                if member.name == MANIFEST or data is None:
                    continue
                dest = target / member.name
                dest.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as handle:
                    shutil.copyfileobj(data, handle, 1 << 20)
                written += member.size
        for name, facts in manifest["files"].items():
            if _sha256(target / name) != facts["sha256"]:
                raise QantarError(N_("%(file)s changed while being restored"), file=name)
    except BaseException:
        if created:
            shutil.rmtree(target, ignore_errors=True)
        else:
            for child in target.iterdir():
                shutil.rmtree(child) if child.is_dir() else child.unlink()
        raise
    for sub in ("runs", "evidence/objects"):
        (target / sub).mkdir(parents=True, exist_ok=True, mode=0o700)
    return RestoreResult(target, len(manifest["files"]), written, manifest)
