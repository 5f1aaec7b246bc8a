"""Verify the archive: every object re-hashed, the whole log checked, every failure named."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import select

from qantar.evidence._custody import (
    GENESIS,
    event_body,
    event_hash,
    events,
    head_message,
    head_path,
    key_id,
    load_public_key,
    read_head,
    record_event,
    signing_message,
    verify_signature,
)
from qantar.evidence._objects import hash_file, object_path
from qantar.evidence._tables import evidence_items, timestamp_tokens
from qantar.evidence._timestamp import check_token, load_roots
from qantar.project import Project


@dataclass
class Problem:
    kind: str  # object, event, key, head, timestamp, bundle
    subject: str  # a file path, "event 12", the key path
    message: str


@dataclass
class VerifyReport:
    ok: bool = True
    objects_checked: int = 0
    events_checked: int = 0
    timestamps_checked: int = 0
    key_id: str | None = None
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def fail(self, kind: str, subject: str, message: str) -> None:
        self.ok = False
        self.failures.append(Problem(kind, subject, message))

    def warn(self, kind: str, subject: str, message: str) -> None:
        self.warnings.append(Problem(kind, subject, message))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_chain(
    report: VerifyReport,
    rows: list[dict[str, Any]],
    public_key: Any,
    *,
    withheld_ok: bool = False,
) -> None:
    """Chain, hashes and signatures of events in order; ``rows`` may withhold bodies."""
    expected_prev = GENESIS
    expected_seq = 1
    fingerprint = key_id(public_key) if public_key is not None else None
    for row in rows:
        seq = int(row["seq"])
        subject = f"event {seq}"
        report.events_checked += 1
        if seq != expected_seq:
            if seq > expected_seq:
                missing = ", ".join(str(s) for s in range(expected_seq, seq))
                report.fail("event", f"event {expected_seq}", f"missing: event(s) {missing}")
            else:
                report.fail(
                    "event", subject, f"out of order or duplicated (expected {expected_seq})"
                )
        if row["prev_hash"] != expected_prev:
            report.fail(
                "event", subject, "does not link to the event before it (chain broken here)"
            )
        if row.get("withheld"):
            if not withheld_ok:
                report.fail("event", subject, "content withheld")
        else:
            recomputed = event_hash(event_body(row))
            if recomputed != row["event_hash"]:
                report.fail("event", subject, "content changed after signing (hash mismatch)")
            if fingerprint is not None and row.get("key_id") != fingerprint:
                report.fail("key", subject, "signed by a different key than the public key given")
        if public_key is not None and not verify_signature(
            public_key, str(row["signature"]), signing_message(str(row["event_hash"]))
        ):
            report.fail("event", subject, "signature does not verify with the public key")
        expected_prev = str(row["event_hash"])
        expected_seq = seq + 1


def verify(
    project: Project,
    *,
    record: bool = True,
    on_object: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Re-hash every object and check the custody log, head, key and timestamps.

    A clean result is itself recorded as a ``verified`` custody event (``record=False`` to
    skip); a failing archive is not written to, so nothing can paper over the damage.
    """
    report = VerifyReport()
    objects = project.evidence_dir / "objects"
    with project.engine.connect() as conn:
        items = [dict(r) for r in conn.execute(select(evidence_items)).mappings()]
        log = events(conn)
        tokens = [dict(r) for r in conn.execute(select(timestamp_tokens)).mappings()]

    known_paths = set()
    for item in items:
        sha = item["sha256"]
        path = object_path(objects, sha)
        known_paths.add(path)
        report.objects_checked += 1
        if on_object:
            on_object(sha)
        if not path.exists() and not path.is_symlink():
            report.fail("object", str(path), f"missing (item {sha[:12]})")
            continue
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            report.fail("object", str(path), "is not a regular file")
            continue
        try:
            sha256, sha512, size = hash_file(path)
        except OSError as exc:
            report.fail("object", str(path), f"unreadable: {exc.strerror}")
            continue
        if sha256 != sha or sha512 != item["sha512"] or size != item["size"]:
            report.fail(
                "object", str(path), f"content changed (SHA-256 now {sha256[:12]}, size {size})"
            )
        if st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            report.warn("object", str(path), "is writable; objects should be read-only")
    if objects.is_dir():
        for path in objects.rglob("*"):
            if path.is_file() and path not in known_paths:
                report.warn("object", str(path), "in the store but not in the archive records")

    try:
        public_key = load_public_key(project.public_key_path)
        report.key_id = key_id(public_key)
    except Exception as exc:
        report.fail("key", str(project.public_key_path), f"cannot load the public key: {exc}")
        public_key = None
    check_chain(report, log, public_key)

    item_events = {sha for e in log if e["action"] in ("added",) for sha in e["items"]}
    for item in items:
        if item["sha256"] not in item_events:
            report.fail(
                "object",
                str(object_path(objects, item["sha256"])),
                "item has no 'added' custody event (inserted outside the log)",
            )

    _check_head(project, report, log, public_key)
    _check_tokens(project, report, log, tokens)

    if record and report.ok:
        record_event(
            project,
            "verified",
            [],
            "archive verified clean",
            details={
                "objects": report.objects_checked,
                "events": report.events_checked,
                "timestamps": report.timestamps_checked,
            },
        )
    return report


def _check_head(
    project: Project, report: VerifyReport, log: list[dict[str, Any]], public_key: Any
) -> None:
    path = str(head_path(project))
    try:
        head = read_head(project)
    except Exception as exc:
        report.fail("head", path, str(exc))
        return
    if head is None:
        if log:
            report.fail("head", path, "missing: the end of the log cannot be checked")
        return
    if public_key is not None and not verify_signature(
        public_key, head.signature, head_message(head.seq, head.event_hash)
    ):
        report.fail("head", path, "signature does not verify with the public key")
    by_seq = {int(e["seq"]): e for e in log}
    last = max(by_seq) if by_seq else 0
    if head.seq not in by_seq:
        report.fail("event", f"event {head.seq}", "missing: the signed head names it")
    elif by_seq[head.seq]["event_hash"] != head.event_hash:
        report.fail("event", f"event {head.seq}", "differs from the signed head")
    if last > head.seq:
        report.warn(
            "head", path, f"{last - head.seq} event(s) after the signed head (interrupted write?)"
        )


def _check_tokens(
    project: Project,
    report: VerifyReport,
    log: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
) -> None:
    roots = load_roots(project)
    by_seq = {int(e["seq"]): e for e in log}
    for token in tokens:
        report.timestamps_checked += 1
        subject = f"timestamp {token['id']} ({token['tsa']}) over event {token['custody_seq']}"
        event = by_seq.get(int(token["custody_seq"]))
        if event is None:
            report.fail("timestamp", subject, "the event it covers is missing")
            continue
        ok, reason, _ = check_token(
            bytes(token["token"]),
            signing_message(str(event["event_hash"])),
            roots,
            nonce=int(token["nonce"]),
        )
        if not ok:
            report.fail("timestamp", subject, reason)
