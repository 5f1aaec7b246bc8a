"""A project's data at rest: protected keys, an encrypted registry, encrypted backups.

The keys and ciphers live in :mod:`qantar.vault`; this package applies them to a project.
See docs/security.md for what each protects and what it does not.
"""

from qantar.protect._backup import BackupResult, RestoreResult, backup, check_backup, restore
from qantar.protect._encrypt import EncryptResult, encrypt_project
from qantar.protect._keys import protect_keys

__all__ = [
    "BackupResult",
    "EncryptResult",
    "RestoreResult",
    "backup",
    "check_backup",
    "encrypt_project",
    "protect_keys",
    "restore",
]
