"""The passphrase, the data key and the signing key: what a copied disk cannot do."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from qantar import Project, vault
from qantar.errors import QantarError
from qantar.project import SIGNING_PURPOSE


def _forget(project: Project) -> None:
    vault.forget(project.root)


def test_signing_key_is_encrypted_in_a_plaintext_project(project: Project) -> None:
    data = project.private_key_path.read_bytes()
    assert data.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(data, password=None)
    key = serialization.load_pem_private_key(data, password=project.signing_key_password())
    assert isinstance(key, Ed25519PrivateKey)
    assert oct(project.vault_path.stat().st_mode & 0o777) == "0o600"


def test_wrong_passphrase_is_a_clear_error_and_changes_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = {p: p.read_bytes() for p in (project.vault_path, project.private_key_path)}
    _forget(project)
    monkeypatch.setenv("QANTAR_PASSPHRASE", "not the passphrase")
    reopened = Project.open(project.root)
    with pytest.raises(vault.WrongPassphraseError, match="wrong passphrase"):
        reopened.data_key()
    assert {p: p.read_bytes() for p in before} == before


def test_passphrase_from_a_file_descriptor(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _forget(project)
    monkeypatch.delenv("QANTAR_PASSPHRASE")
    read_end, write_end = os.pipe()
    os.write(write_end, b"correct horse battery staple\n")
    os.close(write_end)
    monkeypatch.setenv("QANTAR_PASSPHRASE_FD", str(read_end))
    try:
        assert Project.open(project.root).data_key()
    finally:
        os.close(read_end)


def test_no_passphrase_without_a_terminal_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QANTAR_PASSPHRASE")
    with pytest.raises(QantarError, match="QANTAR_PASSPHRASE"):
        Project.init(tmp_path / "case")


def test_unlock_then_lock(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    key = project.data_key()
    where = vault.remember(project.root, key, minutes=5)
    assert oct(where.stat().st_mode & 0o777) == "0o600"
    assert str(where).startswith(os.environ["XDG_RUNTIME_DIR"])
    monkeypatch.setenv("QANTAR_PASSPHRASE", "wrong")  # the remembered key is used instead
    vault._unlocked._MEMORY.clear()
    assert Project.open(project.root).data_key() == key
    assert vault.forget(project.root)
    assert not where.exists()
    with pytest.raises(vault.WrongPassphraseError):
        Project.open(project.root).data_key()


def _old_style_project(tmp_path: Path) -> Project:
    """A project as made before the vault: the signing key in plain PEM, no vault file."""
    project = Project.init(tmp_path / "old")
    key = vault.load_private_key(project.private_key_path, project.signing_key_password())
    project.private_key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    project.vault_path.unlink()
    _forget(project)
    return Project.open(project.root)


def test_old_project_upgraded_and_its_custody_log_still_verifies(tmp_path: Path) -> None:
    from qantar import evidence
    from qantar.protect import protect_keys

    project = _old_style_project(tmp_path)
    source = tmp_path / "statement.txt"
    source.write_text("a witness statement", encoding="utf-8")
    evidence.add(project, [source], collected_by="tester")
    assert evidence.verify(project).ok

    protect_keys(project, "a new passphrase")
    assert project.private_key_path.read_bytes().startswith(b"-----BEGIN ENCRYPTED")
    _forget(project)
    reopened = Project.open(project.root)
    with pytest.raises(vault.WrongPassphraseError):
        reopened.data_key()  # the test passphrase is not the one just chosen
    reopened.data_key("a new passphrase")
    assert evidence.verify(reopened).ok
    second = tmp_path / "second.txt"
    second.write_text("another statement", encoding="utf-8")
    evidence.add(reopened, [second], collected_by="tester")  # signs with the protected key
    assert evidence.verify(reopened).ok
    with pytest.raises(QantarError, match="already protected"):
        protect_keys(reopened, "again")


def test_subkeys_differ_by_purpose(project: Project) -> None:
    assert project.subkey(SIGNING_PURPOSE) != project.subkey("qantar sqlcipher registry")
