"""Verify the archive: every object re-hashed, the whole log checked, every failure named."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qantar.errors import N_, QantarError
from qantar.evidence._archive import objects_key
from qantar.evidence._custody import (
    GENESIS,
    event_body,
    event_hash,
    events,
    head_message,
    head_path,
    key_id,
    load_public_key,
    public_key_from_pem,
    read_head,
    record_event,
    signing_message,
    verify_signature,
)
from qantar.evidence._facts import (
    UNSEALED,
    consent_hash,
    consent_record,
    current_facts,
    differences,
    digests,
    signed_facts,
)
from qantar.evidence._keys import (
    ROTATED,
    KeySpan,
    public_pem,
    retired_public_keys,
    rotation_details,
)
from qantar.evidence._objects import TMP_DIR, hash_file, object_path
from qantar.evidence._tables import consents, evidence_items, timestamp_tokens
from qantar.evidence._timestamp import check_token, load_roots
from qantar.model import CustodyAction
from qantar.model.dicts import fields_dict
from qantar.notes import Gettext, Note, say
from qantar.project import Project
from qantar.vault import TamperedError

# What a person reads for each kind of problem (the report's JSON keeps the code).
PROBLEM_KINDS = {
    "object": N_("file"),
    "event": N_("custody event"),
    "key": N_("key"),
    "head": N_("signed head"),
    "timestamp": N_("timestamp"),
    "bundle": N_("bundle"),
    "fact": N_("item facts"),
}


@dataclass
class Problem:
    """One finding. ``subject`` and ``message`` are English ``Note``s (a file path stays a
    plain string), worded for a reader with ``in_words``; the JSON report keeps English."""

    kind: str  # object, event, key, head, timestamp, bundle, fact
    subject: str  # a file path, "event 12", the key path
    message: str

    def in_words(self, gettext: Gettext) -> tuple[str, str, str]:
        """Kind, subject and message in the language of ``gettext``."""
        kind = PROBLEM_KINDS.get(self.kind)
        return (
            gettext(kind) if kind else self.kind,
            str(say(self.subject, gettext)),
            str(say(self.message, gettext)),
        )


def event_subject(seq: object) -> Note:
    return Note(N_("event %(seq)s"), seq=seq)


def item_subject(sha: str) -> Note:
    return Note(N_("item %(item)s"), item=sha[:12])


def error_note(exc: Exception) -> str:
    """An error found while checking, as a finding: one of ours keeps its catalog message;
    another's (a library's, the system's) is said as it was written."""
    if isinstance(exc, QantarError):
        note = Note(exc.message, **exc.params)
        if note == str(exc):  # an InputError's text also says where: kept whole
            return note
    return str(exc)


@dataclass
class VerifyReport:
    ok: bool = True
    objects_checked: int = 0
    events_checked: int = 0
    timestamps_checked: int = 0
    key_id: str | None = None
    # Whether a clean run was appended as a ``verified`` event (None: not an archive check).
    recorded: bool | None = None
    keys: list[dict[str, Any]] = field(default_factory=list)
    failures: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def fail(self, kind: str, subject: str, message: str) -> None:
        self.ok = False
        self.failures.append(Problem(kind, subject, message))

    def warn(self, kind: str, subject: str, message: str) -> None:
        self.warnings.append(Problem(kind, subject, message))

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)

    def failed_items(self) -> set[str]:
        """The SHA-256 of every archive item whose object failed its check (missing,
        unreadable, altered): what a caller must not cite as verified."""
        out = set()
        for p in self.failures:
            path = Path(p.subject)
            if (
                p.kind == "object"
                and _SHA256.fullmatch(path.name)
                and path.parent.name == path.name[:2]
            ):
                out.add(path.name)
        return out


_SHA256 = re.compile(r"[0-9a-f]{64}")


def check_chain(
    report: VerifyReport,
    rows: list[dict[str, Any]],
    public_key: Any,
    *,
    withheld_ok: bool = False,
) -> list[KeySpan]:
    """Chain, hashes and signatures of events in order; ``rows`` may withhold bodies.

    ``public_key`` is the first key of the log; each valid ``key-rotated`` event hands on
    to the key it announces. Returns the key history the chain proves.
    """
    expected_prev = GENESIS
    expected_seq = 1
    current = public_key
    fingerprint = key_id(current) if current is not None else None
    history: list[KeySpan] = []
    if current is not None:
        history.append(KeySpan(str(fingerprint), public_pem(current), 1))
    retired: list[tuple[KeySpan, Any]] = []
    for row in rows:
        seq = int(row["seq"])
        subject = event_subject(seq)
        report.events_checked += 1
        if seq != expected_seq:
            if seq > expected_seq:
                missing = ", ".join(str(s) for s in range(expected_seq, seq))
                report.fail(
                    "event",
                    event_subject(expected_seq),
                    Note(N_("missing: event(s) %(seqs)s"), seqs=missing),
                )
            else:
                report.fail(
                    "event",
                    subject,
                    Note(N_("out of order or duplicated (expected %(seq)s)"), seq=expected_seq),
                )
        if row["prev_hash"] != expected_prev:
            report.fail(
                "event",
                subject,
                Note(N_("does not link to the event before it (chain broken here)")),
            )
        hash_ok = True
        if row.get("withheld"):
            if not withheld_ok:
                report.fail("event", subject, Note(N_("content withheld")))
        else:
            recomputed = event_hash(event_body(row))
            hash_ok = recomputed == row["event_hash"]
            if not hash_ok:
                report.fail(
                    "event", subject, Note(N_("content changed after signing (hash mismatch)"))
                )
            if fingerprint is not None and row.get("key_id") != fingerprint:
                report.fail(
                    "key",
                    subject,
                    Note(N_("signed by another key than the one valid at this point")),
                )
        message = signing_message(str(row["event_hash"]))
        sig_ok = current is None or verify_signature(current, str(row["signature"]), message)
        if not sig_ok:
            report.fail(
                "event", subject, _signature_failure(retired, str(row["signature"]), message)
            )
        if not row.get("withheld") and row.get("action") == ROTATED and current is not None:
            handed = _rotation(report, row, subject, str(fingerprint), hash_ok and sig_ok)
            if handed is not None:
                history[-1].last_seq = seq
                history[-1].compromised = handed[2]
                retired.append((history[-1], current))
                current, fingerprint = handed[0], key_id(handed[0])
                history.append(KeySpan(fingerprint, handed[1], seq + 1))
        expected_prev = str(row["event_hash"])
        expected_seq = seq + 1
    return history


def _signature_failure(retired: list[tuple[KeySpan, Any]], signature: str, message: bytes) -> str:
    """Name a retired key that made the signature: what an attacker holding it would do."""
    for span, key in retired:
        if verify_signature(key, signature, message):
            how = (
                N_(
                    "signed by key %(key)s..., retired as compromised at event %(seq)s: "
                    "a retired key cannot add to the log"
                )
                if span.compromised
                else N_(
                    "signed by key %(key)s..., retired by a rotation at event %(seq)s: "
                    "a retired key cannot add to the log"
                )
            )
            return Note(how, key=span.key_id[:16], seq=span.last_seq)
    return Note(N_("signature does not verify with the key valid at this point of the chain"))


def _rotation(
    report: VerifyReport, row: dict[str, Any], subject: str, fingerprint: str, valid: bool
) -> tuple[Any, str, bool] | None:
    """The key a rotation event hands over to, or None (and a failure) if it cannot."""
    if not valid:
        report.fail(
            "key", subject, Note(N_("key rotation does not verify: its new key is not followed"))
        )
        return None
    try:
        previous, new_id, pem, compromised = rotation_details(row)
        new_key = public_key_from_pem(pem.encode("ascii"))
    except Exception as exc:  # a signed but malformed rotation: name it, do not follow it
        report.fail(
            "key", subject, Note(N_("key rotation unreadable: %(reason)s"), reason=str(exc))
        )
        return None
    if previous != fingerprint:
        report.fail(
            "key",
            subject,
            Note(N_("key rotation retires key %(key)s..., not the key in use"), key=previous[:16]),
        )
        return None
    if key_id(new_key) != new_id:
        report.fail("key", subject, Note(N_("key rotation: the new key does not match its key id")))
        return None
    return new_key, pem, compromised


def warn_unanchored(report: VerifyReport, history: list[KeySpan], anchored: set[int]) -> None:
    """Events signed by a compromised key that no trusted timestamp vouches for."""
    for span in history:
        if not span.compromised or span.last_seq is None:
            continue
        before = [s for s in anchored if s < span.last_seq]
        start = max(max(before, default=0) + 1, span.first_seq)
        if start <= span.last_seq - 1:
            anchor = event_subject(max(before)) if before else Note(N_("none"))
            report.warn(
                "key",
                Note(N_("events %(first)s-%(last)s"), first=start, last=span.last_seq - 1),
                Note(
                    N_(
                        "signed by key %(key)s..., retired as compromised at event "
                        "%(seq)s, after the last trusted timestamp (%(anchor)s): only that key "
                        "vouches they were written before the compromise"
                    ),
                    key=span.key_id[:16],
                    seq=span.last_seq,
                    anchor=anchor,
                ),
            )


def verify(
    project: Project,
    *,
    record: bool = True,
    on_object: Callable[[str], None] | None = None,
) -> VerifyReport:
    """Re-hash every object and check the custody log, head, key and timestamps.

    A clean result is itself recorded as a ``verified`` custody event (``record=False`` to
    skip, and skipped when the private key is not here: verifying needs the public key
    alone); a failing archive is not written to, so nothing can paper over the damage.
    """
    report = VerifyReport()
    objects = project.evidence_dir / "objects"
    with project.engine.connect() as conn:
        items = [dict(r) for r in conn.execute(select(evidence_items)).mappings()]
        log = events(conn)
        tokens = [dict(r) for r in conn.execute(select(timestamp_tokens)).mappings()]
        facts = current_facts(conn)
        consent_rows = [dict(r) for r in conn.execute(select(consents)).mappings()]

    known_paths = set()
    key = objects_key(project)
    for item in items:
        sha = item["sha256"]
        path = object_path(objects, sha)
        known_paths.add(path)
        report.objects_checked += 1
        if on_object:
            on_object(sha)
        if not path.exists() and not path.is_symlink():
            report.fail("object", str(path), Note(N_("missing (item %(item)s)"), item=sha[:12]))
            continue
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            report.fail("object", str(path), Note(N_("is not a regular file")))
            continue
        try:
            sha256, sha512, size = hash_file(path, key)
        except OSError as exc:
            report.fail(
                "object", str(path), Note(N_("unreadable: %(reason)s"), reason=exc.strerror)
            )
            continue
        except TamperedError:
            report.fail(
                "object", str(path), Note(N_("sealed copy altered or damaged (fails its check)"))
            )
            continue
        if sha256 != sha or sha512 != item["sha512"] or size != item["size"]:
            report.fail(
                "object",
                str(path),
                Note(
                    N_("content changed (SHA-256 now %(sha)s, size %(size)s)"),
                    sha=sha256[:12],
                    size=size,
                ),
            )
        if st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            report.warn("object", str(path), Note(N_("is writable; objects should be read-only")))
        elif st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            report.warn("object", str(path), Note(N_("is readable by others; chmod 400 it")))
    if objects.is_dir():
        for path in objects.rglob("*"):
            if TMP_DIR in path.relative_to(objects).parts:
                continue  # temporary files of a write in progress (or a killed one)
            if path.is_file() and path not in known_paths:
                report.warn(
                    "object", str(path), Note(N_("in the store but not in the archive records"))
                )

    public_key = first_key(project, report, log)
    history = check_chain(report, log, public_key)
    final = _check_current_key_file(project, report, history)
    report.key_id = history[-1].key_id if history else None
    report.keys = [span.to_dict() for span in history]

    item_events = {sha for e in log if e["action"] in ("added",) for sha in e["items"]}
    for item in items:
        if item["sha256"] not in item_events:
            report.fail(
                "object",
                str(object_path(objects, item["sha256"])),
                Note(N_("item has no 'added' custody event (inserted outside the log)")),
            )

    check_facts(report, facts, log)
    check_consent_records(report, consent_rows)
    _check_head(project, report, log, final)
    warn_unanchored(report, history, _check_tokens(project, report, log, tokens))

    # Verifying needs the public key only; whoever holds just that cannot sign the record.
    report.recorded = bool(record and report.ok and project.private_key_path.exists())
    if report.recorded:
        record_event(
            project,
            CustodyAction.VERIFIED,
            [],
            "archive verified clean",
            details={
                "objects": report.objects_checked,
                "events": report.events_checked,
                "timestamps": report.timestamps_checked,
            },
        )
    return report


def check_facts(
    report: VerifyReport,
    facts: dict[str, dict[str, Any]],
    log: list[dict[str, Any]],
    *,
    unsealed_is_failure: bool = True,
) -> None:
    """Each item's facts against the latest digests the log signed for it; an item the log
    signed facts for but whose record is gone is named too."""
    signed = signed_facts(log)
    for sha in sorted(set(facts) | set(signed)):
        subject = item_subject(sha)
        if sha not in facts:
            report.fail(
                "fact",
                subject,
                Note(N_("item record missing (the custody log signed its facts)")),
            )
            continue
        if sha not in signed:
            if unsealed_is_failure:
                report.fail("fact", subject, Note(UNSEALED))
            else:
                report.warn("fact", subject, Note(UNSEALED))
            continue
        seq, expected = signed[sha]
        for line in differences(expected, digests(sha, facts[sha]), seq):
            report.fail("fact", subject, line)


def check_consent_records(report: VerifyReport, rows: list[dict[str, Any]]) -> None:
    """A consent's hash binds who recorded it, for whom, its scope and time."""
    for row in rows:
        if consent_hash(consent_record(row)) != row["record_hash"]:
            report.fail(
                "fact",
                item_subject(str(row["item_sha256"])),
                Note(
                    N_(
                        "consent %(seq)s record: changed (person, scope, who or when "
                        "no longer match its hash)"
                    ),
                    seq=row["custody_seq"],
                ),
            )


def first_key(project: Project, report: VerifyReport, log: list[dict[str, Any]]) -> Any:
    """The key that signed event 1: the current key, or one kept in keys/retired/."""
    try:
        current = load_public_key(project.public_key_path)
    except Exception as exc:
        report.fail(
            "key",
            str(project.public_key_path),
            Note(N_("cannot load the public key: %(reason)s"), reason=str(exc)),
        )
        current = None
    if not log:
        return current
    wanted = log[0].get("key_id")
    candidates = [current] if current is not None else []
    for path in retired_public_keys(project):
        try:
            candidates.append(load_public_key(path))
        except Exception as exc:
            report.warn(
                "key", str(path), Note(N_("unreadable retired key: %(reason)s"), reason=str(exc))
            )
    for candidate in candidates:
        if key_id(candidate) == wanted:
            return candidate
    if current is not None and retired_public_keys(project):
        report.fail(
            "key",
            event_subject(1),
            Note(N_("no key in keys/ or keys/retired/ has the key id %(key)s"), key=wanted),
        )
    return current


def _check_current_key_file(project: Project, report: VerifyReport, history: list[KeySpan]) -> Any:
    """The key file must be the key the log ends with; returns that key (signs the head)."""
    if not history:
        return None
    last = history[-1]
    try:
        on_disk = key_id(load_public_key(project.public_key_path))
    except Exception:
        on_disk = None  # already reported by _first_key
    if on_disk is not None and on_disk != last.key_id:
        where = event_subject(last.first_seq - 1 if len(history) > 1 else 1)
        report.fail(
            "key",
            where,
            Note(
                N_(
                    "the log hands signing to key %(key)s... here, but "
                    "%(file)s holds key %(other)s..."
                ),
                key=last.key_id[:16],
                file=project.public_key_path.name,
                other=on_disk[:16],
            ),
        )
    return public_key_from_pem(last.public_key_pem.encode("ascii"))


def _check_head(
    project: Project, report: VerifyReport, log: list[dict[str, Any]], public_key: Any
) -> None:
    path = str(head_path(project))
    try:
        head = read_head(project)
    except Exception as exc:
        report.fail("head", path, error_note(exc))
        return
    if head is None:
        # Made by `qantar init`, so missing means removed (with the archive, perhaps), or a
        # project made before the head moved beside the key.
        report.fail(
            "head",
            path,
            Note(
                N_(
                    "missing: the length and end of the log cannot be checked (a project made "
                    "before qantar kept it here: run `qantar evidence seal-facts` once)"
                )
            ),
        )
        return
    if public_key is not None and not verify_signature(
        public_key, head.signature, head_message(head.seq, head.event_hash)
    ):
        report.fail("head", path, Note(N_("signature does not verify with the public key")))
    by_seq = {int(e["seq"]): e for e in log}
    last = max(by_seq) if by_seq else 0
    if head.seq == 0:
        if head.event_hash != GENESIS:
            report.fail(
                "head", path, Note(N_("names event 0 with a hash other than the start of a log"))
            )
    elif head.seq not in by_seq:
        report.fail(
            "event",
            event_subject(head.seq),
            Note(
                N_(
                    "missing: the signed head names it; the log has %(n)s event(s) "
                    "(events deleted, or the database rolled back to an older copy)"
                ),
                n=len(log),
            ),
        )
    elif by_seq[head.seq]["event_hash"] != head.event_hash:
        report.fail("event", event_subject(head.seq), Note(N_("differs from the signed head")))
    if last > head.seq:
        report.warn(
            "head",
            path,
            Note(
                N_("%(n)s event(s) after the signed head (interrupted write?)"),
                n=last - head.seq,
            ),
        )


def _check_tokens(
    project: Project,
    report: VerifyReport,
    log: list[dict[str, Any]],
    tokens: list[dict[str, Any]],
) -> set[int]:
    """Check every token; returns the events a valid token covers."""
    anchored: set[int] = set()
    roots = load_roots(project)
    by_seq = {int(e["seq"]): e for e in log}
    for token in tokens:
        report.timestamps_checked += 1
        subject = Note(
            N_("timestamp %(id)s (%(tsa)s) over event %(seq)s"),
            id=token["id"],
            tsa=token["tsa"],
            seq=token["custody_seq"],
        )
        event = by_seq.get(int(token["custody_seq"]))
        if event is None:
            report.fail("timestamp", subject, Note(N_("the event it covers is missing")))
            continue
        ok, reason, _ = check_token(
            bytes(token["token"]),
            signing_message(str(event["event_hash"])),
            roots,
            nonce=int(token["nonce"]),
        )
        if not ok:
            report.fail("timestamp", subject, reason)
        else:
            anchored.add(int(token["custody_seq"]))
    return anchored
