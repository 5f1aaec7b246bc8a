"""The custody signing key on disk: PKCS#8 PEM, encrypted under a key from the vault.

The password is a subkey of the project's data key (itself behind scrypt and the
passphrase), so the file is a standard encrypted PEM that ``openssl pkey`` can open with
that password, and no copy of the disk alone can sign a custody event.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qantar.errors import N_, QantarError

ENCRYPTED_HEADER = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


def private_pem(key: Ed25519PrivateKey, password: bytes | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def is_protected(path: Path) -> bool:
    try:
        return path.read_bytes().lstrip().startswith(ENCRYPTED_HEADER)
    except OSError:
        return False


def load_private_key(path: Path, password: bytes | None) -> Ed25519PrivateKey:
    data = path.read_bytes()
    protected = data.lstrip().startswith(ENCRYPTED_HEADER)
    try:
        key = serialization.load_pem_private_key(data, password=password if protected else None)
    except ValueError as exc:
        raise QantarError(
            N_(
                "%(name)s: the signing key does not open with this project's key "
                "(wrong passphrase or a key file from another project)"
            ),
            name=path.name,
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise QantarError(N_("%(name)s is not an Ed25519 private key"), name=path.name)
    return key


def write_private_key(path: Path, key: Ed25519PrivateKey, password: bytes | None) -> None:
    """Write (or replace) a private key file, readable by the owner only."""
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(private_pem(key, password))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
