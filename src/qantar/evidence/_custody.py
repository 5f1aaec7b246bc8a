"""The custody log: append-only, hash-chained, each event signed with the project key.

An event's hash covers every field (and the previous event's hash); the signature covers
``qantar-custody-v1 <event hash>``, so an exported bundle can withhold an unrelated
event's content and still prove the chain. A signed head file outside the database and
outside ``evidence/`` (``keys/custody_head.json``, written by ``qantar init`` at event 0
and after every event) records the chain's length and last hash: cutting events off the
end, emptying the log or rolling the database back to an older copy is caught, even when
``evidence/`` is deleted with it.

An event that changes an item's facts carries their digests (see ``_facts``).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import Connection, func, select

from qantar._actor import default_actor
from qantar.errors import N_, InputError, QantarError
from qantar.evidence._common import canonical_json, now_utc, resolve_item
from qantar.evidence._facts import current_facts, digests
from qantar.evidence._tables import custody_events
from qantar.model import CustodyAction, parse_enum
from qantar.project import Project
from qantar.vault import load_private_key as load_protected_key

GENESIS = "0" * 64
HEAD_FILE = "custody_head.json"
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
ACTIONS = tuple(action.value for action in CustodyAction)
# What a person may record by hand: things done outside qantar. Every other action is
# recorded by the step that does it, so a hand-made "verified" or "published" would be a
# claim no step stands behind.
MANUAL_ACTIONS = tuple(
    action.value
    for action in (
        CustodyAction.ACQUIRED,
        CustodyAction.VIEWED,
        CustodyAction.TRANSFERRED,
        CustodyAction.DELETED_FROM_WORKING_STORE,
    )
)
EVENT_FIELDS = (
    "seq",
    "time",
    "actor",
    "action",
    "items",
    "reason",
    "details",
    "prev_hash",
    "key_id",
)


def load_private_key(project: Project) -> Ed25519PrivateKey:
    path = project.private_key_path
    try:
        key = load_protected_key(path, project.signing_key_password())
    except FileNotFoundError as exc:
        raise QantarError(
            N_(
                "%(path)s: the custody signing key is missing; restore it from your offline "
                "backup (see docs/evidence.md) before changing the archive"
            ),
            path=str(path),
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise QantarError(N_("%(path)s: not an Ed25519 private key"), path=str(path))
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(path.read_bytes())
    if not isinstance(key, Ed25519PublicKey):
        raise QantarError(N_("%(path)s: not an Ed25519 public key"), path=str(path))
    return key


def public_key_from_pem(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise QantarError(N_("the public key is not Ed25519"))
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint: SHA-256 of its 32 raw bytes (publish it out of band)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def event_body(row: dict[str, Any]) -> dict[str, Any]:
    return {name: row[name] for name in EVENT_FIELDS}


def event_hash(body: dict[str, Any]) -> str:
    return hashlib.sha256(canonical_json(body)).hexdigest()


def signing_message(hash_hex: str) -> bytes:
    return b"qantar-custody-v1 " + hash_hex.encode("ascii")


def head_message(seq: int, hash_hex: str) -> bytes:
    return f"qantar-custody-head-v1 {seq} {hash_hex}".encode("ascii")


def verify_signature(public_key: Ed25519PublicKey, signature_hex: str, message: bytes) -> bool:
    try:
        public_key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Head:
    seq: int
    event_hash: str
    signature: str


def head_path(project: Project) -> Path:
    """Beside the key, not in ``evidence/``: deleting the archive folder leaves it behind."""
    return project.private_key_path.parent / HEAD_FILE


def legacy_head_path(project: Project) -> Path:
    """Where projects made before the head moved to ``keys/`` kept it."""
    return project.evidence_dir / HEAD_FILE


def read_head(project: Project) -> Head | None:
    path = head_path(project)
    if not path.exists():
        path = legacy_head_path(project)
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Head(int(data["seq"]), str(data["event_hash"]), str(data["signature"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise QantarError(
            N_("%(path)s: unreadable custody head; run `qantar evidence verify`"), path=str(path)
        ) from exc


def write_head(project: Project, key: Ed25519PrivateKey, seq: int, hash_hex: str) -> None:
    path = head_path(project)
    tmp = path.with_suffix(".tmp")
    data = {
        "seq": seq,
        "event_hash": hash_hex,
        "signature": key.sign(head_message(seq, hash_hex)).hex(),
    }
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    legacy = legacy_head_path(project)
    if legacy.exists():
        legacy.unlink()


def init_head(project: Project) -> None:
    """The head of an empty log (event 0), signed when the project is made: from then on a
    missing head file means the anchor was removed, never that the archive is new."""
    os.chmod(head_path(project).parent, PRIVATE_DIR)  # keys/: the key and its anchor
    write_head(project, load_private_key(project), 0, GENESIS)


def _last_event(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(
        select(custody_events.c.seq, custody_events.c.event_hash)
        .order_by(custody_events.c.seq.desc())
        .limit(1)
    ).first()
    return (int(row[0]), str(row[1])) if row else None


class CustodyLog:
    """Appends events inside one database transaction (see :func:`custody`)."""

    def __init__(self, conn: Connection, key: Ed25519PrivateKey, actor: str) -> None:
        self.conn = conn
        self.key = key
        self.actor = actor
        self.key_id = key_id(key.public_key())
        # Signs the head file after commit; a key rotation sets the new key here.
        self.head_key = key
        self.last_seq = 0
        self.appended = 0

    def next_seq(self) -> int:
        """The seq the next append gets: rows that cite their event are written before it,
        so that the event can sign the facts they add."""
        last = _last_event(self.conn)
        return last[0] + 1 if last else 1

    def append(
        self,
        action: CustodyAction | str,
        items: Sequence[str],
        reason: str,
        details: dict[str, Any] | None = None,
        *,
        seal: Sequence[str] = (),
        time: str | None = None,
    ) -> dict[str, Any]:
        """Append one signed event; ``seal`` names the items whose facts it changed: their
        digests, read back from the rows of this transaction, are signed with it."""
        action = parse_enum(CustodyAction, action, field="action").value
        last = _last_event(self.conn)
        seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
        details = dict(details or {})
        if seal:
            facts = current_facts(self.conn, seal)
            details["facts"] = {sha: digests(sha, facts[sha]) for sha in sorted(set(seal))}
            items = [*items, *seal]
        body = {
            "seq": seq,
            "time": time or now_utc(),
            "actor": self.actor,
            "action": action,
            "items": sorted(set(items)),
            "reason": reason or "unknown",
            "details": details,
            "prev_hash": prev,
            "key_id": self.key_id,
        }
        # JSON round trip first: what we hash must be exactly what the database gives back.
        body = json.loads(canonical_json(body))
        digest = event_hash(body)
        signature = self.key.sign(signing_message(digest)).hex()
        row = {**body, "event_hash": digest, "signature": signature}
        self.conn.execute(custody_events.insert().values(**row))
        self.last_seq = seq
        self.appended += 1
        return row


def _check_head_before_append(project: Project, conn: Connection, *, sealing: bool) -> None:
    """Refuse to extend a log whose end was cut or rewritten: appending would hide it."""
    head = read_head(project)
    last = _last_event(conn)
    if not sealing and not head_path(project).exists():
        # No anchor in keys/: removed, or a project made before facts were signed. Only
        # `seal-facts` (which verifies everything first) may start one.
        raise QantarError(
            N_(
                "%(path)s is missing: this archive was made before qantar signed "
                "every item fact, or the file was removed; run `qantar evidence verify`, then "
                "`qantar evidence seal-facts` once; nothing was changed"
            ),
            path=str(head_path(project)),
        )
    if head is None:
        if last is not None:
            raise QantarError(
                N_(
                    "%(path)s is missing while the custody log has %(n)s events; "
                    "run `qantar evidence verify` and restore the head file from backup"
                ),
                path=str(head_path(project)),
                n=last[0],
            )
        return
    if head.seq > 0 and (last is None or last[0] < head.seq):
        raise QantarError(
            N_(
                "the custody log ends before its signed head (event %(seq)s): events were "
                "deleted; run `qantar evidence verify`; nothing was changed"
            ),
            seq=head.seq,
        )
    if head.seq > 0 and last is not None and last[0] == head.seq and last[1] != head.event_hash:
        raise QantarError(
            N_(
                "custody event %(seq)s differs from the signed head; run `qantar evidence "
                "verify`; nothing was changed"
            ),
            seq=head.seq,
        )


def _check_current_key(project: Project, conn: Connection, key: Ed25519PrivateKey) -> None:
    """Refuse to sign with a key the log has retired (e.g. a rotation cut off half-way)."""
    row = conn.execute(
        select(custody_events.c.seq, custody_events.c.details)
        .where(custody_events.c.action == CustodyAction.KEY_ROTATED)
        .order_by(custody_events.c.seq.desc())
        .limit(1)
    ).first()
    if row is None:
        return
    expected = str((row[1] or {}).get("new_key_id", ""))
    if key_id(key.public_key()) != expected:
        raise QantarError(
            N_(
                "%(path)s is not the signing key custody event %(seq)s "
                "handed over to (key %(key)s...): an interrupted key rotation leaves it "
                "in %(name)s.pending; restore that key; nothing was changed"
            ),
            path=str(project.private_key_path),
            seq=row[0],
            key=expected[:16],
            name=project.private_key_path.name,
        )


@contextmanager
def custody(
    project: Project, actor: str | None = None, *, sealing: bool = False
) -> Iterator[CustodyLog]:
    """A transaction that may append custody events; the signed head follows on commit."""
    key = load_private_key(project)
    with project.engine.begin() as conn:
        _check_head_before_append(project, conn, sealing=sealing)
        _check_current_key(project, conn, key)
        log = CustodyLog(conn, key, actor or default_actor())
        yield log
    if log.appended:
        with project.engine.connect() as conn:
            last = _last_event(conn)
        if last is not None:
            write_head(project, log.head_key, *last)


def record_event(
    project: Project,
    action: CustodyAction | str,
    items: Sequence[str],
    reason: str,
    *,
    details: dict[str, Any] | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Append one signed event (e.g. ``viewed``, ``transferred``) for the given item hashes."""
    with custody(project, actor) as log:
        return log.append(action, items, reason, details)


def record_by_hand(
    project: Project,
    action: str,
    items: Sequence[str],
    reason: str,
    *,
    actor: str | None = None,
) -> dict[str, Any]:
    """Record a custody action done outside qantar (one of ``MANUAL_ACTIONS``) for items
    given by their SHA-256 or a unique prefix of 6+ hex characters."""
    if action not in MANUAL_ACTIONS:
        raise InputError(
            N_(
                "custody action %(action)s cannot be recorded by hand: use "
                "%(actions)s (others are recorded by the step that does them)"
            ),
            action=repr(action),
            actions=", ".join(MANUAL_ACTIONS),
        )
    with project.engine.connect() as conn:
        shas = [resolve_item(conn, item) for item in items]
    return record_event(project, action, shas, reason, actor=actor)


def events(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(custody_events).order_by(custody_events.c.seq)).mappings().all()
    return [dict(r) for r in rows]


def event_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(custody_events)).scalar_one())
