"""The project's data key, wrapped by a key derived from the passphrase with scrypt.

One random 256-bit data key protects everything in a project (the SQLCipher registry,
evidence objects, the signing key). The passphrase never touches the data directly: it
unwraps the data key, so changing the passphrase rewrites one small file, and a wrong
passphrase fails the authentication tag before anything is read or written.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from qantar.errors import N_, QantarError
from qantar.model.dicts import fields_dict

FORMAT = "qantar-vault-1"
KEY_BYTES = 32
# OWASP's scrypt recommendation (N = 2^17, r = 8, p = 1): about 128 MiB and a fraction
# of a second per unlock. QANTAR_KDF_LOG_N lowers it for test suites only (stored in the
# envelope, so a project made that way stays as weak as it was made).
DEFAULT_LOG_N = 17
MIN_LOG_N = 10
_AAD = b"qantar data key"


class WrongPassphraseError(QantarError):
    """The passphrase does not unwrap this project's data key; nothing was changed."""


@dataclass(frozen=True)
class Envelope:
    format: str
    log_n: int
    r: int
    p: int
    salt: str
    nonce: str
    wrapped: str

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def work_factor() -> int:
    wanted = os.environ.get("QANTAR_KDF_LOG_N", "").strip()
    if not wanted:
        return DEFAULT_LOG_N
    try:
        value = int(wanted)
    except ValueError as exc:
        raise QantarError(N_("QANTAR_KDF_LOG_N must be a whole number")) from exc
    return max(MIN_LOG_N, min(value, 22))


def _kek(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> bytes:
    if not passphrase:
        raise QantarError(N_("the passphrase is empty"))
    return Scrypt(salt=salt, length=KEY_BYTES, n=2**log_n, r=r, p=p).derive(
        passphrase.encode("utf-8")
    )


def wrap(data_key: bytes, passphrase: str, *, log_n: int | None = None) -> Envelope:
    log_n = work_factor() if log_n is None else log_n
    salt, nonce = os.urandom(16), os.urandom(12)
    kek = _kek(passphrase, salt, log_n, 8, 1)
    wrapped = ChaCha20Poly1305(kek).encrypt(nonce, data_key, _AAD)
    return Envelope(FORMAT, log_n, 8, 1, _b64(salt), _b64(nonce), _b64(wrapped))


def unwrap(envelope: Envelope, passphrase: str) -> bytes:
    kek = _kek(passphrase, _unb64(envelope.salt), envelope.log_n, envelope.r, envelope.p)
    try:
        return ChaCha20Poly1305(kek).decrypt(_unb64(envelope.nonce), _unb64(envelope.wrapped), _AAD)
    except InvalidTag as exc:
        raise WrongPassphraseError(
            N_("wrong passphrase for this project; nothing was read or changed")
        ) from exc


def new_data_key() -> bytes:
    return os.urandom(KEY_BYTES)


def subkey(data_key: bytes, purpose: str) -> bytes:
    """A key for one purpose, so no two uses (database, objects, signing key) share a key."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=purpose.encode("ascii")
    ).derive(data_key)


def write_envelope(path: Path, envelope: Envelope) -> None:
    text = json.dumps(envelope.to_dict(), indent=2) + "\n"
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def read_envelope(path: Path) -> Envelope:
    try:
        raw = json.loads(path.read_text(encoding="ascii"))
        envelope = Envelope(**raw)
    except (OSError, ValueError, TypeError) as exc:
        raise QantarError(N_("%(path)s: not a readable qantar key file"), path=str(path)) from exc
    if envelope.format != FORMAT:
        raise QantarError(
            N_("%(path)s: unknown key file format %(format)s"),
            path=str(path),
            format=repr(envelope.format),
        )
    return envelope
