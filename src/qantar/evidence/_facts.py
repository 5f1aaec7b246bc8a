"""Every fact a court relies on is signed (#16.3).

An item's facts are its own row (media type, original name, size, SHA-512, parent,
transform), each collection record, claim and consent decision, its incident and person
links and its extracted metadata. Every custody event that changes them carries, for each
item it touched, a digest per fact of the state *after* the change
(``details["facts"][sha] = {fact name: sha256}``). ``verify`` recomputes the digests from the
rows and compares them with the latest signed ones, so a direct SQL edit, insert or delete
is named by item and fact, never by value. A court bundle carries the same facts in its
manifest, and ``verify-bundle`` recomputes them there.

Digests are domain-separated by item and fact name (``sha256([item, name, value])``), so
equal values of different facts or items never share a digest.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, select

from qantar.errors import N_
from qantar.evidence._common import canonical_json
from qantar.evidence._tables import (
    claims,
    consents,
    evidence_collections,
    evidence_incidents,
    evidence_items,
    evidence_metadata,
    evidence_persons,
)
from qantar.model import CustodyAction
from qantar.notes import Note

SEALED = CustodyAction.FACTS_SEALED
ITEM_FIELDS = ("sha512", "size", "media_type", "original_name", "added_at", "parent_sha256")
COLLECTION_FIELDS = (
    "collected_by",
    "collected_at",
    "collected_at_source",
    "source_url",
    "place",
    "how",
    "from_whom",
    "original_name",
    "original_path",
    "note",
    "recorded_at",
)
CLAIM_FIELDS = ("kind", "body", "author", "confidence", "created_at")
METADATA_FIELDS = ("tool", "tool_version", "summary", "flags", "raw")

Facts = dict[str, Any]
Digests = dict[str, str]


def _keyed(prefix: str, seq: Any, seen: dict[str, int]) -> str:
    """``collection 5``; a second record claiming the same event is ``collection 5/2``."""
    base = f"{prefix} {seq if seq is not None else '?'}"
    seen[base] = seen.get(base, 0) + 1
    return base if seen[base] == 1 else f"{base}/{seen[base]}"


def facts_from(
    item: Mapping[str, Any],
    collections: Iterable[Mapping[str, Any]],
    item_claims: Iterable[Mapping[str, Any]],
    item_consents: Iterable[tuple[Any, Any, Any]],
    incident_ids: Iterable[Any],
    person_ids: Iterable[Any],
    metadata_rows: Iterable[Mapping[str, Any]],
) -> Facts:
    """The facts of one item, by name. ``item_consents`` are (custody seq, status, record
    hash): the record hash binds person, scope, who recorded it and when."""
    facts: Facts = {name: item.get(name) for name in ITEM_FIELDS}
    facts["transform"] = item.get("transform")
    seen: dict[str, int] = {}
    for row in sorted(collections, key=lambda r: r.get("custody_seq") or 0):
        key = _keyed("collection", row.get("custody_seq"), seen)
        for name in COLLECTION_FIELDS:
            facts[f"{key} {name}"] = row.get(name)
    for row in sorted(item_claims, key=lambda r: r.get("custody_seq") or 0):
        key = _keyed("claim", row.get("custody_seq"), seen)
        for name in CLAIM_FIELDS:
            facts[f"{key} {name}"] = row.get(name)
    for seq, status, record_hash in sorted(item_consents, key=lambda c: c[0] or 0):
        key = _keyed("consent", seq, seen)
        facts[f"{key} status"] = status
        facts[f"{key} record"] = record_hash
    facts["incidents"] = sorted(int(i) for i in incident_ids)
    facts["persons"] = sorted(str(p) for p in person_ids)
    facts["metadata"] = sorted(
        ({name: row.get(name) for name in METADATA_FIELDS} for row in metadata_rows),
        key=canonical_json,
    )
    return facts


def digests(sha: str, facts: Facts) -> Digests:
    return {
        name: hashlib.sha256(canonical_json([sha, name, value])).hexdigest()
        for name, value in facts.items()
    }


def current_facts(conn: Connection, shas: Iterable[str] | None = None) -> dict[str, Facts]:
    """The facts of the given items (all items when None), read from the rows as they are."""
    wanted = None if shas is None else set(shas)

    def rows(table: Any) -> list[dict[str, Any]]:
        query = select(table)
        if wanted is not None:
            column = table.c.sha256 if table is evidence_items else table.c.item_sha256
            query = query.where(column.in_(sorted(wanted)))
        return [dict(r) for r in conn.execute(query).mappings()]

    grouped: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for table, name in (
        (evidence_collections, "collections"),
        (claims, "claims"),
        (consents, "consents"),
        (evidence_incidents, "incidents"),
        (evidence_persons, "persons"),
        (evidence_metadata, "metadata"),
    ):
        for row in rows(table):
            grouped[row["item_sha256"]][name].append(row)
    out: dict[str, Facts] = {}
    for item in rows(evidence_items):
        sha = item["sha256"]
        group = grouped[sha]
        out[sha] = facts_from(
            item,
            group["collections"],
            group["claims"],
            [(c["custody_seq"], c["status"], c["record_hash"]) for c in group["consents"]],
            [r["incident_id"] for r in group["incidents"]],
            [r["person_id"] for r in group["persons"]],
            group["metadata"],
        )
    return out


def consent_record(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a consent's ``record_hash`` covers (recorded_by, scope, person, time, status)."""
    return {
        "item": row["item_sha256"],
        "person": row["person_id"],
        "status": row["status"],
        "scope": row["scope"],
        "recorded_by": row["recorded_by"],
        "recorded_at": row["recorded_at"],
    }


def consent_hash(record: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(dict(record))).hexdigest()


def signed_facts(log: Iterable[Mapping[str, Any]]) -> dict[str, tuple[int, Digests]]:
    """The latest signed digests of each item and the event that carries them."""
    out: dict[str, tuple[int, Digests]] = {}
    for event in log:
        if event.get("withheld"):
            continue
        carried = (event.get("details") or {}).get("facts") or {}
        if not isinstance(carried, dict):
            continue
        for sha, mapping in carried.items():
            if isinstance(mapping, dict):
                out[str(sha)] = (int(event["seq"]), {str(k): str(v) for k, v in mapping.items()})
    return out


def differences(expected: Digests, actual: Digests, seq: int) -> list[str]:
    """One line per fact that differs, naming the fact (a code) and the signing event,
    never a value."""
    out: list[str] = []
    for name in sorted(set(expected) | set(actual)):
        if name not in actual:
            out.append(
                Note(
                    N_("%(fact)s: removed since custody event %(seq)s signed it"),
                    fact=name,
                    seq=seq,
                )
            )
        elif name not in expected:
            out.append(
                Note(
                    N_("%(fact)s: not in the signed record (added outside the custody log)"),
                    fact=name,
                )
            )
        elif expected[name] != actual[name]:
            out.append(
                Note(
                    N_("%(fact)s: changed since custody event %(seq)s signed it"),
                    fact=name,
                    seq=seq,
                )
            )
    return out


UNSEALED = N_(
    "its facts (collection records, claims, consent, links, media type, name) are not "
    "under the signed custody log; if the archive was made before qantar signed them, "
    "check the item, then run `qantar evidence seal-facts` once"
)
