"""Keys and encryption at rest: the passphrase, the project's data key, sealed files.

Threat model and user guidance: docs/security.md.
"""

from qantar.vault._envelope import (
    Envelope,
    WrongPassphraseError,
    new_data_key,
    read_envelope,
    subkey,
    unwrap,
    wrap,
    write_envelope,
)
from qantar.vault._passphrase import ENV, ENV_FD, read_passphrase
from qantar.vault._signing import is_protected, load_private_key, private_pem, write_private_key
from qantar.vault._stream import (
    MAGIC,
    SealedReader,
    SealedWriter,
    TamperedError,
    decrypt_bytes,
    decrypt_chunks,
    encrypt_bytes,
    encrypt_stream,
    is_encrypted,
)
from qantar.vault._unlocked import forget, remember, remember_in_process, remembered

__all__ = [
    "ENV",
    "ENV_FD",
    "MAGIC",
    "Envelope",
    "SealedReader",
    "SealedWriter",
    "TamperedError",
    "WrongPassphraseError",
    "decrypt_bytes",
    "decrypt_chunks",
    "encrypt_bytes",
    "encrypt_stream",
    "forget",
    "is_encrypted",
    "is_protected",
    "load_private_key",
    "new_data_key",
    "private_pem",
    "read_envelope",
    "read_passphrase",
    "remember",
    "remember_in_process",
    "remembered",
    "subkey",
    "unwrap",
    "wrap",
    "write_envelope",
    "write_private_key",
]
