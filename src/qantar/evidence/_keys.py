"""Key rotation: a ``key-rotated`` custody event, signed by the old key, hands trust on.

Which key signs which event is decided by its place in the chain, never by the event's
own ``key_id`` claim: the first key signs until the first ``key-rotated`` event (which
it signs too), the key that event announces signs from the next event on, and so on.
A withheld event in a bundle is therefore still checked against the right key.

Retired public keys stay in ``keys/retired/<key id>.pem`` (the project verifier needs the
first one: the log's rotation events only carry the keys that came after it). The retired
private key is moved beside them as ``<key id>.private.pem``, never deleted: destroying it
or taking it offline is a human decision (see docs/evidence.md).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from qantar.errors import N_, InputError, QantarError
from qantar.model import CustodyAction
from qantar.model.dicts import fields_dict
from qantar.project import Project
from qantar.vault._signing import private_pem

ROTATED = CustodyAction.KEY_ROTATED
RETIRED_DIR = "retired"
PENDING_SUFFIX = ".pending"


@dataclass
class KeySpan:
    """One key of the history and the events it signed (``last_seq`` None: still in use)."""

    key_id: str
    public_key_pem: str
    first_seq: int
    last_seq: int | None = None
    compromised: bool = False

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


@dataclass
class RotationResult:
    seq: int
    previous_key_id: str
    new_key_id: str
    compromised: bool
    retired_private_key: Path


def public_pem(key: Ed25519PublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def retired_dir(project: Project) -> Path:
    return project.private_key_path.parent / RETIRED_DIR


def pending_path(project: Project) -> Path:
    return project.private_key_path.with_name(project.private_key_path.name + PENDING_SUFFIX)


def retired_public_keys(project: Project) -> list[Path]:
    folder = retired_dir(project)
    return sorted(p for p in folder.glob("*.pem") if not p.name.endswith(".private.pem"))


def rotation_details(event: dict[str, Any]) -> tuple[str, str, str, bool]:
    """(previous key id, new key id, new public key PEM, compromised) of a rotation event."""
    details = event.get("details") or {}
    try:
        return (
            str(details["previous_key_id"]),
            str(details["new_key_id"]),
            str(details["public_key_pem"]),
            bool(details.get("compromised", False)),
        )
    except (KeyError, TypeError) as exc:
        raise QantarError(
            N_("event %(seq)s: rotation event without its key"), seq=event.get("seq")
        ) from exc


def _write_private(path: Path, key: Ed25519PrivateKey, password: bytes | None) -> None:
    data = private_pem(key, password)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _replace_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="ascii")
    os.replace(tmp, path)


def rotate_key(
    project: Project,
    *,
    reason: str,
    compromised: bool = False,
    actor: str | None = None,
) -> RotationResult:
    """Replace the custody signing key; everything signed before keeps verifying.

    The ``key-rotated`` event carries the new public key and is signed by the old key; the
    head and every later event are signed by the new one. ``compromised`` tells verifiers
    that the old key may be in other hands: nothing it signs after the rotation counts.
    """
    from qantar.evidence._custody import custody, key_id, load_private_key

    if not reason.strip():
        raise InputError(N_("--reason is required: why the key is replaced (no names of people)"))
    old = load_private_key(project)
    old_id = key_id(old.public_key())
    pending = pending_path(project)
    if pending.exists():
        raise QantarError(
            N_(
                "%(path)s exists: an earlier rotation was interrupted; run `qantar evidence "
                "verify` and remove it if the log does not name its key"
            ),
            path=str(pending),
        )
    new = Ed25519PrivateKey.generate()
    new_id = key_id(new.public_key())
    new_pem = public_pem(new.public_key())
    retired = retired_dir(project)
    retired.mkdir(exist_ok=True)
    # The old public key is kept before anything changes: the log becomes unverifiable
    # without it once the current key file names the new key.
    (retired / f"{old_id}.pem").write_text(public_pem(old.public_key()), encoding="ascii")
    # The new private key is on disk before the event naming it is committed, so a crash
    # cannot leave a log whose next key is lost.
    _write_private(pending, new, project.signing_key_password())
    with custody(project, actor) as log:
        event = log.append(
            ROTATED,
            [],
            reason,
            {
                "previous_key_id": old_id,
                "new_key_id": new_id,
                "public_key_pem": new_pem,
                "compromised": compromised,
            },
        )
        # The head after the rotation must be signed by the key the chain now names.
        log.head_key = new
    retired_private = retired / f"{old_id}.private.pem"
    os.replace(project.private_key_path, retired_private)
    os.replace(pending, project.private_key_path)
    _replace_text(project.public_key_path, new_pem)
    return RotationResult(int(event["seq"]), old_id, new_id, compromised, retired_private)
