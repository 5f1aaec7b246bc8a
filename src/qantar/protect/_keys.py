"""Upgrading a project made before the vault: its signing keys go under a passphrase."""

from __future__ import annotations

from pathlib import Path

from qantar import vault
from qantar.errors import N_, QantarError
from qantar.project import KEY_DIR, SIGNING_PURPOSE, VAULT_FILE, Project


def _private_key_files(project: Project) -> list[Path]:
    keys = project.root / KEY_DIR
    found = [project.private_key_path]
    found += sorted(keys.glob("retired/*.private.pem"))
    found += sorted(keys.glob("*.pending"))
    return [p for p in found if p.is_file()]


def protect_keys(project: Project, passphrase: str | None = None) -> list[Path]:
    """Create the project's vault and encrypt every private key file under it.

    The public keys and the custody log are untouched, so the log verifies as before.
    Each file is replaced only after its encrypted copy has been read back.
    """
    if project.vault_path.is_file():
        raise QantarError(N_("this project's keys are already protected; nothing was changed"))
    files = _private_key_files(project)
    keys = [vault.load_private_key(path, None) for path in files]
    passphrase = passphrase or vault.read_passphrase(
        purpose="protect this project's keys", confirm=True
    )
    data_key = vault.new_data_key()
    password = vault.subkey(data_key, SIGNING_PURPOSE)
    staged = project.root / KEY_DIR / (VAULT_FILE + ".new")
    vault.write_envelope(staged, vault.wrap(data_key, passphrase))
    for path, key in zip(files, keys, strict=True):
        vault.write_private_key(path.with_name(path.name + ".protected"), key, password)
        check = vault.load_private_key(path.with_name(path.name + ".protected"), password)
        if check.public_key().public_bytes_raw() != key.public_key().public_bytes_raw():
            raise QantarError(
                N_("%(file)s: the protected copy does not read back; nothing changed"),
                file=path.name,
            )
    for path in files:
        path.with_name(path.name + ".protected").replace(path)
    staged.replace(project.vault_path)
    vault.remember_in_process(project.root, data_key)
    return files
