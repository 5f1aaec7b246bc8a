"""Adding evidence, linking it to incidents and persons, and reading it back."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert, select

from qantar.errors import N_, InputError, QantarError
from qantar.evidence import _metadata, _perceptual, _provenance
from qantar.evidence._common import (
    UNKNOWN,
    canonical_json,
    known,
    now_utc,
    parse_collected_at,
    resolve_item,
)
from qantar.evidence._custody import CustodyLog, custody
from qantar.evidence._custody import events as all_events
from qantar.evidence._limits import Limits, limits_from, preflight
from qantar.evidence._mediatype import sniff
from qantar.evidence._objects import (
    SNIFF_BYTES,
    Stored,
    check_source,
    object_path,
    plain_copy,
    private_dir,
    store_file,
)
from qantar.evidence._tables import (
    claims,
    consents,
    custody_events,
    evidence_collections,
    evidence_incidents,
    evidence_items,
    evidence_metadata,
    evidence_persons,
    incidents,
    perceptual_hashes,
    timestamp_tokens,
)
from qantar.model import ConsentStatus, CustodyAction, parse_enum
from qantar.model.values import PartialDate
from qantar.project import OBJECTS_PURPOSE, Project


def tool_version() -> str:
    try:
        return f"qantar {version('qantar')}"
    except PackageNotFoundError:
        return "qantar (unknown version)"


def objects_dir(project: Project) -> Path:
    private_dir(project.evidence_dir)
    return private_dir(project.evidence_dir / "objects")


def objects_key(project: Project) -> bytes | None:
    """The key that seals the objects of an encrypted project; None in a plaintext one."""
    return project.subkey(OBJECTS_PURPOSE) if project.encrypted else None


def work_dir(project: Project) -> Path:
    """Where a derivative is written before it is stored: beside the objects, or in an
    encrypted project a memory-backed folder, so no plaintext reaches the project's disk."""
    if not project.encrypted:
        return objects_dir(project)
    from qantar.link._backend import memory_scratch_root

    return memory_scratch_root()


@dataclass
class AddResult:
    sha256: str
    path: str
    new: bool
    media_type: str
    size: int
    custody_seq: int
    flags: list[str] = field(default_factory=list)


def add(
    project: Project,
    paths: Sequence[str | os.PathLike[str]],
    *,
    collected_by: str | None = None,
    collected_at: str | None = None,
    collected_at_source: str | None = None,
    source_url: str | None = None,
    place: str | None = None,
    how: str | None = None,
    from_whom: str | None = None,
    incident: int | None = None,
    person: str | None = None,
    note: str | None = None,
    actor: str | None = None,
    on_progress: Callable[[int], None] | None = None,
) -> list[AddResult]:
    """Add files to the archive; identical bytes already held get a custody event only.

    Every file is checked first, so one bad path stops the batch before anything is stored.
    """
    when = parse_collected_at(collected_at)
    time_source = known(collected_at_source) if when != UNKNOWN else UNKNOWN
    sources = [Path(p) for p in paths]
    if not sources:
        raise InputError(N_("no files given"))
    limits = limits_from(project.settings.evidence)
    for source in sources:
        check_source(source)
    for source in sources:
        # Before anything is stored: a ZIP or picture too large to open refuses the batch.
        preflight(source, sniff(_head(source)), limits, file=str(source))
    if incident is not None:
        _require_incident(project, incident)
    results = []
    for source in sources:
        results.append(
            _add_one(
                project,
                source,
                record={
                    "collected_by": known(collected_by),
                    "collected_at": when,
                    "collected_at_source": time_source,
                    "source_url": known(source_url),
                    "place": known(place),
                    "how": known(how) if how else f"{tool_version()} evidence add",
                    "from_whom": known(from_whom),
                    "note": note,
                },
                incident=incident,
                person=person,
                actor=actor,
                on_progress=on_progress,
                limits=limits,
            )
        )
    return results


def _head(source: Path) -> bytes:
    try:
        with open(source, "rb") as handle:
            return handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise InputError(
            N_("cannot be read: %(reason)s"), file=str(source), reason=exc.strerror
        ) from exc


def _add_one(
    project: Project,
    source: Path,
    *,
    record: dict[str, Any],
    incident: int | None,
    person: str | None,
    actor: str | None,
    on_progress: Callable[[int], None] | None,
    limits: Limits,
) -> AddResult:
    """All or nothing: on any failure after the copy, a new object is removed again."""
    stored = store_file(
        source, objects_dir(project), on_chunk=on_progress, key=objects_key(project)
    )
    try:
        return _record_one(
            project,
            source,
            stored,
            record=record,
            incident=incident,
            person=person,
            actor=actor,
            limits=limits,
        )
    except BaseException:
        if stored.created:
            _remove_orphan(project, stored.sha256, stored.path)
        raise


def _remove_orphan(project: Project, sha256: str, path: Path) -> None:
    """Remove an object no row names (another add of the same bytes may have committed)."""
    with project.engine.connect() as conn:
        held = conn.execute(
            select(evidence_items.c.sha256).where(evidence_items.c.sha256 == sha256)
        ).first()
    if held is None:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        with contextlib.suppress(OSError):  # only when empty: other objects may share it
            path.parent.rmdir()


def _record_one(
    project: Project,
    source: Path,
    stored: Stored,
    *,
    record: dict[str, Any],
    incident: int | None,
    person: str | None,
    actor: str | None,
    limits: Limits,
) -> AddResult:
    media_type = sniff(stored.head)
    # Again on the stored bytes: the source may have been swapped after the first check.
    key = objects_key(project)
    if key is None or media_type.startswith("image/") or media_type == "application/zip":
        with plain_copy(stored.path, key) as plain:
            preflight(plain, media_type, limits, file=str(source))
    added_at = now_utc()
    with custody(project, actor) as log:
        conn = log.conn
        exists = conn.execute(
            select(evidence_items.c.sha256).where(evidence_items.c.sha256 == stored.sha256)
        ).first()
        new = exists is None
        flags: list[str] = []
        if new:
            conn.execute(
                insert(evidence_items).values(
                    sha256=stored.sha256,
                    sha512=stored.sha512,
                    size=stored.size,
                    media_type=media_type,
                    original_name=source.name,
                    added_at=added_at,
                )
            )
            flags = _index(conn, stored.path, stored.sha256, media_type, record, added_at)
        collection = {
            **record,
            "original_name": source.name,
            "original_path": str(source.resolve()),
        }
        details: dict[str, Any] = {
            "collection": collection,
            "size": stored.size,
            "media_type": media_type,
        }
        third_party = _provenance.check(stored.path, media_type, limits, file=str(source))
        if third_party is not None:
            details["third_party_proof"] = third_party
            if not third_party["ok"]:
                flags.append(
                    f"{third_party['format']} integrity check failed: "
                    + "; ".join(third_party["problems"])
                )
        # The record cites its event and is written first, so the event signs it.
        conn.execute(
            insert(evidence_collections).values(
                item_sha256=stored.sha256,
                recorded_at=added_at,
                custody_seq=log.next_seq(),
                **collection,
            )
        )
        event = log.append(
            CustodyAction.ADDED if new else CustodyAction.ACQUIRED,
            [stored.sha256],
            "new item added to the archive"
            if new
            else "identical bytes collected again; the stored object was not copied",
            details,
            seal=[stored.sha256],
        )
        if incident is not None:
            _link_incident(conn, log, stored.sha256, incident)
        if person:
            _link_person(conn, log, stored.sha256, person)
    return AddResult(stored.sha256, str(source), new, media_type, stored.size, event["seq"], flags)


def _index(
    conn: Connection,
    path: Path,
    sha256: str,
    media_type: str,
    record: dict[str, Any],
    added_at: str,
) -> list[str]:
    extracted = _metadata.extract(path, media_type)
    flags: list[str] = []
    if extracted is not None:
        _metadata.flag_inconsistencies(extracted, record["collected_at"], added_at)
        flags = list(extracted.flags)
        conn.execute(
            insert(evidence_metadata).values(
                item_sha256=sha256,
                tool=extracted.tool,
                tool_version=extracted.tool_version,
                raw=extracted.raw,
                summary=extracted.summary,
                flags=extracted.flags,
            )
        )
    try:
        hashes = _perceptual.compute(path, media_type)
    except Exception as exc:  # an undecodable image is still evidence
        flags.append(f"perceptual hash failed: {type(exc).__name__}")
        hashes = []
    if hashes:
        conn.execute(
            insert(perceptual_hashes),
            [
                {
                    "item_sha256": sha256,
                    "algo": h.algo,
                    "variant": h.variant,
                    "hash": h.hash,
                    "quality": h.quality,
                }
                for h in hashes
            ],
        )
    return flags


def _require_incident(project: Project, incident: int) -> None:
    with project.engine.connect() as conn:
        if conn.execute(select(incidents.c.id).where(incidents.c.id == incident)).first() is None:
            raise QantarError(
                N_("no incident %(incident)s: see `qantar incident list`"), incident=incident
            )


def _link_incident(conn: Connection, log: CustodyLog, sha256: str, incident: int) -> bool:
    if conn.execute(select(incidents.c.id).where(incidents.c.id == incident)).first() is None:
        raise QantarError(
            N_("no incident %(incident)s: see `qantar incident list`"), incident=incident
        )
    present = conn.execute(
        select(evidence_incidents.c.item_sha256).where(
            evidence_incidents.c.item_sha256 == sha256,
            evidence_incidents.c.incident_id == incident,
        )
    ).first()
    if present:
        return False
    conn.execute(
        insert(evidence_incidents).values(
            item_sha256=sha256, incident_id=incident, linked_at=now_utc()
        )
    )
    log.append(
        CustodyAction.LINKED,
        [sha256],
        f"attached to incident {incident}",
        {"incident": incident},
        seal=[sha256],
    )
    return True


def _link_person(conn: Connection, log: CustodyLog, sha256: str, person: str) -> bool:
    present = conn.execute(
        select(evidence_persons.c.item_sha256).where(
            evidence_persons.c.item_sha256 == sha256, evidence_persons.c.person_id == person
        )
    ).first()
    if present:
        return False
    conn.execute(
        insert(evidence_persons).values(item_sha256=sha256, person_id=person, linked_at=now_utc())
    )
    # The person id is an opaque linkage id, never a name: it may go in the log.
    log.append(
        CustodyAction.LINKED, [sha256], "attached to a person", {"person": person}, seal=[sha256]
    )
    return True


def attach(
    project: Project,
    item: str,
    *,
    incident: int | None = None,
    person: str | None = None,
    actor: str | None = None,
) -> str:
    """Link an item (SHA-256 or prefix) to an incident and/or a person id; returns the SHA-256."""
    if incident is None and person is None:
        raise InputError(N_("attach needs an incident or a person"))
    with custody(project, actor) as log:
        sha = resolve_item(log.conn, item)
        if incident is not None:
            _link_incident(log.conn, log, sha, int(incident))
        if person is not None:
            _link_person(log.conn, log, sha, str(person))
    return sha


def add_incident(
    project: Project,
    *,
    date: str | None = None,
    place: str | None = None,
    description: str,
    type: str,
    place_id: str | None = None,
) -> int:
    """Record an incident; ``date`` is ``2022``, ``2022-01`` or ``2022-01-05`` (precision kept).

    ``place`` is kept raw; a gazetteer id is taken from ``place_id`` or, when the raw text
    names exactly one place in the shipped gazetteer, from there.
    """
    if not description or not description.strip():
        raise InputError(N_("an incident needs a description"), field="description")
    if not type or not type.strip():
        raise InputError(N_("an incident needs a type (e.g. shooting, detention)"), field="type")
    parsed: PartialDate | None = None
    if date:
        try:
            parsed = PartialDate.from_iso(date.strip())
        except (ValueError, TypeError) as exc:
            raise InputError(
                N_("date %(date)s is not YYYY, YYYY-MM or YYYY-MM-DD"),
                field="date",
                date=repr(date),
            ) from exc
    gazetteer = place_id or (project.gazetteer.resolve(place) if place else None)
    with project.engine.begin() as conn:
        result = conn.execute(
            insert(incidents).values(
                date=parsed.iso() if parsed else None,
                date_precision=str(parsed.precision) if parsed else None,
                date_raw=date,
                place_raw=place,
                place_id=gazetteer,
                description=description.strip(),
                type=type.strip(),
                created_at=now_utc(),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def list_incidents(project: Project) -> list[dict[str, Any]]:
    with project.engine.connect() as conn:
        rows = conn.execute(select(incidents).order_by(incidents.c.id)).mappings().all()
        counts: dict[int, int] = {}
        for (incident_id,) in conn.execute(select(evidence_incidents.c.incident_id)):
            counts[incident_id] = counts.get(incident_id, 0) + 1
    return [{**dict(r), "items": counts.get(r["id"], 0)} for r in rows]


def items_for_incident(project: Project, incident_id: int) -> list[dict[str, Any]]:
    """The items attached to an incident, each with its hashes, type, first collection and
    a custody summary (for dossiers): ``custody_events``, ``first_event``, ``last_event``
    (time and action) and ``timestamped_at`` (the earliest RFC 3161 time covering the
    item's first event, or None)."""
    with project.engine.connect() as conn:
        shas = [
            r[0]
            for r in conn.execute(
                select(evidence_incidents.c.item_sha256)
                .where(evidence_incidents.c.incident_id == int(incident_id))
                .order_by(evidence_incidents.c.linked_at)
            )
        ]
        log = conn.execute(
            select(
                custody_events.c.seq,
                custody_events.c.time,
                custody_events.c.action,
                custody_events.c["items"],
            ).order_by(custody_events.c.seq)
        ).all()
        tokens = conn.execute(
            select(timestamp_tokens.c.custody_seq, timestamp_tokens.c.gen_time)
        ).all()
        rows = []
        for sha in shas:
            row = _item_summary(conn, sha)
            mine = [e for e in log if sha in e[3]]
            row["custody_events"] = len(mine)
            row["first_event"] = {"time": mine[0].time, "action": mine[0].action} if mine else None
            row["last_event"] = {"time": mine[-1].time, "action": mine[-1].action} if mine else None
            covering = sorted(t.gen_time for t in tokens if mine and t.custody_seq >= mine[0].seq)
            row["timestamped_at"] = covering[0] if covering else None
            rows.append(row)
        return rows


def _item_summary(conn: Connection, sha: str) -> dict[str, Any]:
    item = conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha)).mappings()
    row = dict(item.one())
    first = (
        conn.execute(
            select(evidence_collections)
            .where(evidence_collections.c.item_sha256 == sha)
            .order_by(evidence_collections.c.id)
            .limit(1)
        )
        .mappings()
        .first()
    )
    row["collected_by"] = first["collected_by"] if first else UNKNOWN
    row["collected_at"] = first["collected_at"] if first else UNKNOWN
    row["source_url"] = first["source_url"] if first else UNKNOWN
    return row


def list_items(project: Project) -> list[dict[str, Any]]:
    with project.engine.connect() as conn:
        shas = [
            r[0]
            for r in conn.execute(
                select(evidence_items.c.sha256).order_by(evidence_items.c.added_at)
            )
        ]
        return [_item_summary(conn, sha) for sha in shas]


def show_item(project: Project, item: str, *, actor: str | None = None) -> dict[str, Any]:
    """Everything known about an item; viewing is a custody event (SP-11)."""
    with custody(project, actor) as log:
        conn = log.conn
        sha = resolve_item(conn, item)
        data = dict(
            conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha))
            .mappings()
            .one()
        )
        data["object"] = str(object_path(objects_dir(project), sha))
        data["collections"] = [
            dict(r)
            for r in conn.execute(
                select(evidence_collections)
                .where(evidence_collections.c.item_sha256 == sha)
                .order_by(evidence_collections.c.id)
            ).mappings()
        ]
        data["metadata"] = [
            {k: r[k] for k in ("tool", "tool_version", "summary", "flags", "raw")}
            for r in conn.execute(
                select(evidence_metadata).where(evidence_metadata.c.item_sha256 == sha)
            ).mappings()
        ]
        data["incidents"] = [
            r[0]
            for r in conn.execute(
                select(evidence_incidents.c.incident_id).where(
                    evidence_incidents.c.item_sha256 == sha
                )
            )
        ]
        data["persons"] = [
            r[0]
            for r in conn.execute(
                select(evidence_persons.c.person_id).where(evidence_persons.c.item_sha256 == sha)
            )
        ]
        data["claims"] = [
            dict(r)
            for r in conn.execute(
                select(claims).where(claims.c.item_sha256 == sha).order_by(claims.c.id)
            ).mappings()
        ]
        data["derivatives"] = [
            r[0]
            for r in conn.execute(
                select(evidence_items.c.sha256).where(evidence_items.c.parent_sha256 == sha)
            )
        ]
        log.append(CustodyAction.VIEWED, [sha], "item shown")
        data["custody"] = [e for e in all_events(conn) if sha in e["items"]]
    return data


def annotate(
    project: Project,
    item: str,
    *,
    kind: str,
    body: dict[str, Any] | str,
    author: str | None = None,
    confidence: float | None = None,
) -> int:
    """A claim about an item (note, tag, geolocation...): stored beside it, never in it."""
    if confidence is not None and not 0.0 <= confidence <= 1.0:
        raise InputError(N_("confidence must be between 0 and 1"), field="confidence")
    content = body if isinstance(body, dict) else {"text": body}
    with custody(project, author) as log:
        sha = resolve_item(log.conn, item)
        when = now_utc()
        result = log.conn.execute(
            insert(claims).values(
                item_sha256=sha,
                kind=kind,
                body=content,
                author=log.actor,
                confidence=confidence,
                created_at=when,
                custody_seq=log.next_seq(),
            )
        )
        log.append(
            CustodyAction.ANNOTATED,
            [sha],
            f"{kind} claim recorded",
            {"kind": kind, "claim_sha256": hashlib.sha256(canonical_json(content)).hexdigest()},
            seal=[sha],
            time=when,
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])


def record_item_consent(
    project: Project,
    item: str,
    *,
    status: ConsentStatus | str,
    scope: str,
    person: str | None = None,
    recorded_by: str | None = None,
) -> str:
    """Consent given or withdrawn for publishing an item (EI-18); hashed into the log."""
    status = parse_enum(ConsentStatus, status, field="status").value
    with custody(project, recorded_by) as log:
        sha = resolve_item(log.conn, item)
        record = {
            "item": sha,
            "person": person,
            "status": status,
            "scope": scope,
            "recorded_by": log.actor,
            "recorded_at": now_utc(),
        }
        digest = hashlib.sha256(canonical_json(record)).hexdigest()
        log.conn.execute(
            insert(consents).values(
                item_sha256=sha,
                person_id=person,
                status=status,
                scope=scope,
                recorded_by=log.actor,
                recorded_at=record["recorded_at"],
                record_hash=digest,
                custody_seq=log.next_seq(),
            )
        )
        log.append(
            CustodyAction.CONSENT,
            [sha],
            f"consent {status}",
            {"consent_sha256": digest, "status": status},
            seal=[sha],
        )
    return digest


def consent_withdrawn(conn: Connection, sha: str) -> bool:
    last = conn.execute(
        select(consents.c.status)
        .where(consents.c.item_sha256 == sha)
        .order_by(consents.c.id.desc())
        .limit(1)
    ).first()
    return bool(last and last[0] == "withdrawn")
