"""Authenticated encryption of a file of any size in fixed chunks (the STREAM construction).

Each 64 KiB chunk is sealed with ChaCha20-Poly1305 under a nonce made of a random prefix,
the chunk's number and a last-chunk flag, so chunks cannot be reordered, dropped, or the
file cut short without failing the check; memory stays one chunk whatever the file size.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any, BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

from qantar.errors import N_, QantarError

MAGIC = b"QNTRENC1"
CHUNK = 64 * 1024
_TAG = 16
_PREFIX = 7


class TamperedError(QantarError):
    """An encrypted file failed its authentication check."""


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def is_encrypted(head: bytes) -> bool:
    return head.startswith(MAGIC)


def encrypt_stream(key: bytes, source: BinaryIO, target: BinaryIO, *, aad: bytes = b"") -> int:
    """Encrypt ``source`` into ``target``; returns the plaintext size."""
    aead = ChaCha20Poly1305(key)
    prefix = os.urandom(_PREFIX)
    target.write(MAGIC + prefix)
    size, counter = 0, 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        target.write(aead.encrypt(_nonce(prefix, counter, last), chunk, aad))
        size += len(chunk)
        if last:
            return size
        chunk, counter = following, counter + 1


def decrypt_chunks(
    key: bytes, source: BinaryIO, *, aad: bytes = b"", what: str = "file"
) -> Iterator[bytes]:
    """Yield the plaintext of an encrypted stream chunk by chunk, checking each."""
    head = source.read(len(MAGIC) + _PREFIX)
    if not is_encrypted(head) or len(head) < len(MAGIC) + _PREFIX:
        raise TamperedError(N_("%(what)s is not a qantar encrypted file"), what=what)
    prefix = head[len(MAGIC) :]
    aead = ChaCha20Poly1305(key)
    counter = 0
    sealed = source.read(CHUNK + _TAG)
    while True:
        following = source.read(CHUNK + _TAG)
        last = not following
        try:
            yield aead.decrypt(_nonce(prefix, counter, last), sealed, aad)
        except InvalidTag as exc:
            raise TamperedError(
                N_("%(what)s failed its authentication check (altered, cut short or wrong key)"),
                what=what,
            ) from exc
        if last:
            return
        sealed, counter = following, counter + 1


def encrypt_bytes(key: bytes, data: bytes, *, aad: bytes = b"") -> bytes:
    out = io.BytesIO()
    encrypt_stream(key, io.BytesIO(data), out, aad=aad)
    return out.getvalue()


def decrypt_bytes(key: bytes, data: bytes, *, aad: bytes = b"", what: str = "file") -> bytes:
    return b"".join(decrypt_chunks(key, io.BytesIO(data), aad=aad, what=what))


class SealedWriter:
    """Write plaintext in any pieces; ciphertext in STREAM chunks goes to ``target``.

    ``close()`` seals the last chunk (flagged as last), so a file cut short fails to open.
    """

    def __init__(self, key: bytes, target: BinaryIO) -> None:
        self._aead = ChaCha20Poly1305(key)
        self._prefix = os.urandom(_PREFIX)
        self._target = target
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        target.write(MAGIC + self._prefix)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk is only known at close().
        while len(self._buffer) > CHUNK:
            chunk = bytes(self._buffer[:CHUNK])
            del self._buffer[:CHUNK]
            self._target.write(
                self._aead.encrypt(_nonce(self._prefix, self._counter, False), chunk, b"")
            )
            self._counter += 1
        return len(data)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        last = bytes(self._buffer)
        self._buffer.clear()
        self._target.write(self._aead.encrypt(_nonce(self._prefix, self._counter, True), last, b""))


class SealedReader(io.RawIOBase):
    """A read-only file object over an encrypted file: each chunk checked as it is read."""

    def __init__(self, key: bytes, source: BinaryIO, *, what: str = "file") -> None:
        super().__init__()
        self._chunks = decrypt_chunks(key, source, what=what)
        self._source = source
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return 0
            if not self._pending:
                continue
        view = memoryview(buffer).cast("B")
        n = min(len(view), len(self._pending))
        view[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def close(self) -> None:
        try:
            self._source.close()
        finally:
            super().close()
