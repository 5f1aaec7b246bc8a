"""The write-once object store: evidence/objects/<sha256[:2]>/<sha256>, read-only.

In an encrypted project each object holds its bytes sealed with the objects key (the
STREAM construction of :mod:`qantar.vault`), and its name stays the SHA-256 of the
plaintext, so custody events and court bundles are the same as in a plaintext project.
Readers go through :func:`open_object`, :func:`hash_file` or :func:`plain_copy`.

Bytes are streamed once through SHA-256 and SHA-512 into a temporary file, synced, and
linked into place only if no object of that name exists: no code path ever opens an
existing object for writing (EI-1, EI-2).

Objects are readable by the owner only (0400) and every folder is 0700 (#16.5): evidence
names and shows people. Temporary files live in the store's private ``.tmp`` folder (same
file system, so the link is atomic), named after the process writing them; a failure
removes its own, and every later store call removes those whose process is gone (a killed
``evidence add`` leaves a full-size copy otherwise, #16.4).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from qantar import vault
from qantar.errors import N_, InputError

CHUNK = 1 << 20
SNIFF_BYTES = 8192
READ_ONLY = 0o400
PRIVATE_DIR = 0o700
TMP_DIR = ".tmp"


@dataclass(frozen=True)
class Stored:
    sha256: str
    sha512: str
    size: int
    head: bytes
    path: Path
    created: bool


def object_path(objects_dir: Path, sha256: str) -> Path:
    return objects_dir / sha256[:2] / sha256


def private_dir(path: Path) -> Path:
    """Make ``path`` (and nothing above it) a folder only its owner can enter."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    if stat.S_IMODE(path.stat().st_mode) != PRIVATE_DIR:
        os.chmod(path, PRIVATE_DIR)
    return path


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: not ours to judge
    return True


def sweep_stale_temps(objects_dir: Path) -> int:
    """Remove temporary files whose writing process no longer runs; returns how many."""
    folder = objects_dir / TMP_DIR
    removed = 0
    if not folder.is_dir():
        return 0
    for entry in folder.iterdir():
        pid_text = entry.name.split("-", 1)[0]
        if not pid_text.isdigit() or _alive(int(pid_text)):
            continue
        with contextlib.suppress(FileNotFoundError):
            entry.unlink()
            removed += 1
    return removed


def temp_path(objects_dir: Path, label: str = "add") -> Path:
    """A fresh name in the store's private temporary folder (not created)."""
    folder = private_dir(objects_dir / TMP_DIR)
    return folder / f"{os.getpid()}-{label}-{uuid.uuid4().hex}"


def new_temp_file(objects_dir: Path, label: str) -> Path:
    """An empty 0600 temporary file in the store's private folder."""
    path = temp_path(objects_dir, label)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return path


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_source(path: Path) -> os.stat_result:
    """Refuse what cannot be evidence as given: links, folders, devices, empty files."""
    name = str(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError as exc:
        raise InputError(N_("no such file"), file=name) from exc
    except PermissionError as exc:
        raise InputError(N_("cannot be read (permission denied)"), file=name) from exc
    if stat.S_ISLNK(st.st_mode):
        raise InputError(
            N_("is a symbolic link: add the file it points to, so the record names the real file"),
            file=name,
        )
    if stat.S_ISDIR(st.st_mode):
        raise InputError(N_("is a folder: add the files inside it"), file=name)
    if not stat.S_ISREG(st.st_mode):
        raise InputError(N_("is not a regular file (device, pipe or socket)"), file=name)
    if st.st_size == 0:
        raise InputError(N_("is empty (0 bytes): nothing to preserve"), file=name)
    return st


def _same(a: os.stat_result, b: os.stat_result) -> bool:
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns) == (
        b.st_dev,
        b.st_ino,
        b.st_size,
        b.st_mtime_ns,
        b.st_ctime_ns,
    )


def store_file(
    source: Path,
    objects_dir: Path,
    *,
    on_chunk: Callable[[int], None] | None = None,
    key: bytes | None = None,
) -> Stored:
    """Copy ``source`` into the store; return its digests. Nothing remains on failure."""
    name = str(source)
    before = check_source(source)
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except PermissionError as exc:
        raise InputError(N_("cannot be read (permission denied)"), file=name) from exc
    except OSError as exc:
        raise InputError(
            N_("cannot be opened: %(reason)s"), file=name, reason=exc.strerror
        ) from exc
    private_dir(objects_dir)
    sweep_stale_temps(objects_dir)
    tmp = temp_path(objects_dir)
    try:
        with os.fdopen(fd, "rb", buffering=0) as src:
            if not _same(before, os.fstat(src.fileno())):
                raise InputError(N_("changed while being opened; add it again"), file=name)
            sha256, sha512, size, head = _copy(src, tmp, on_chunk, name, key)
            after = os.fstat(src.fileno())
        if size != before.st_size or not _same(before, after):
            raise InputError(
                N_(
                    "changed while being added (size or modification time moved); nothing was "
                    "stored: wait until it is complete and add it again"
                ),
                file=name,
            )
        # Re-read what landed on disk: the object must hold the bytes we hashed.
        if _sha256_of(tmp, key) != sha256:
            raise InputError(
                N_("the stored copy differs from what was read; disk fault?"), file=name
            )
        os.chmod(tmp, READ_ONLY)
        final = object_path(objects_dir, sha256)
        private_dir(final.parent)
        try:
            os.link(tmp, final)  # fails if the object exists: never overwrite
            created = True
        except FileExistsError:
            created = False
            if _sha256_of(final, key) != sha256:
                # Never "repair" by writing: the damage must stay visible to verify.
                raise InputError(
                    N_(
                        "the archive already holds %(path)s but its bytes no longer match its "
                        "name: run `qantar evidence verify` and restore it from a replica"
                    ),
                    file=name,
                    path=str(final),
                ) from None
        _fsync_dir(final.parent)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return Stored(sha256, sha512, size, head, final, created)


def _copy(
    src: object,
    tmp: Path,
    on_chunk: Callable[[int], None] | None,
    name: str,
    key: bytes | None = None,
) -> tuple[str, str, int, bytes]:
    """One pass: read, SHA-256, write here; SHA-512 of the same chunk on a second thread
    (hashlib releases the GIL), so the slower digest overlaps the rest. Two buffers
    alternate so a chunk is never overwritten while the other thread still hashes it."""
    h256, h512 = hashlib.sha256(), hashlib.sha512()
    size = 0
    head = b""
    buffers = (bytearray(CHUNK), bytearray(CHUNK))
    pending: Future[None] | None = None
    out_fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(out_fd, "wb", buffering=0) as raw_out, ThreadPoolExecutor(1) as pool:
        out: Any = raw_out if key is None else _SealedOut(key, raw_out)
        turn = 0
        while True:
            buffer = buffers[turn]
            turn ^= 1
            try:
                n = src.readinto(buffer)  # type: ignore[attr-defined]
            except OSError as exc:
                raise InputError(
                    N_("read error: %(reason)s"), file=name, reason=exc.strerror
                ) from exc
            if not n:
                break
            chunk = memoryview(buffer)[:n]
            if pending is not None:
                pending.result()  # the previous chunk is hashed before the next is queued
            pending = pool.submit(h512.update, chunk)
            h256.update(chunk)
            written = 0
            while written < n:
                written += out.write(chunk[written:])
            if len(head) < SNIFF_BYTES:
                head += bytes(chunk[: SNIFF_BYTES - len(head)])
            size += n
            if on_chunk is not None:
                on_chunk(n)
        if pending is not None:
            pending.result()
        if key is not None:
            out.close()
        raw_out.flush()
        os.fsync(raw_out.fileno())
    return h256.hexdigest(), h512.hexdigest(), size, head


class _SealedOut:
    """The writer ``_copy`` needs (``write`` returning the count taken) over a sealer."""

    def __init__(self, key: bytes, target: Any) -> None:
        self._sealer = vault.SealedWriter(key, target)

    def write(self, data: Any) -> int:
        return self._sealer.write(bytes(data))

    def close(self) -> None:
        self._sealer.close()


def open_object(path: Path, key: bytes | None = None) -> io.RawIOBase | io.BufferedIOBase:
    """The object's plaintext as a binary file; with ``key``, checked chunk by chunk."""
    handle = open(path, "rb", buffering=0)  # noqa: SIM115 - returned to the caller
    if key is None:
        if vault.is_encrypted(os.pread(handle.fileno(), len(vault.MAGIC), 0)):
            handle.close()
            raise vault.TamperedError(
                N_(
                    "object %(item)s is sealed but the project is not marked encrypted "
                    "(an interrupted `qantar encrypt`? run it again)"
                ),
                item=path.name[:12],
            )
        return handle
    return io.BufferedReader(vault.SealedReader(key, handle, what=f"object {path.name[:12]}"))


@contextlib.contextmanager
def plain_copy(path: Path, key: bytes | None = None) -> Iterator[Path]:
    """A path to the object's plaintext, for tools that need a file name (video, PDF).

    Plaintext objects are their own path. An encrypted one is opened into a private
    memory-backed folder (never the project's disk) and removed afterwards.
    """
    if key is None:
        yield path
        return
    from qantar.link._backend import memory_scratch_root

    folder = Path(tempfile.mkdtemp(prefix="qantar-object-", dir=memory_scratch_root()))
    try:
        target = folder / path.name
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out, open_object(path, key) as src:
            shutil.copyfileobj(src, out, CHUNK)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sha256_of(path: Path, key: bytes | None = None) -> str:
    h = hashlib.sha256()
    with open_object(path, key) as handle:
        buffer = bytearray(CHUNK)
        while n := handle.readinto(buffer):
            h.update(memoryview(buffer)[:n])
    return h.hexdigest()


def hash_file(path: Path, key: bytes | None = None) -> tuple[str, str, int]:
    """SHA-256, SHA-512 and size of a file's plaintext, streamed."""
    h256, h512 = hashlib.sha256(), hashlib.sha512()
    size = 0
    with open_object(path, key) as handle:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while n := handle.readinto(buffer):
            h256.update(view[:n])
            h512.update(view[:n])
            size += n
    return h256.hexdigest(), h512.hexdigest(), size
