"""Court bundles (EI-11): files, manifest, custody log with signatures, public key, tokens,
a human-readable summary and instructions to verify with standard tools.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select

from qantar.errors import N_, InputError, QantarError
from qantar.evidence._archive import consent_withdrawn, objects_dir, objects_key, tool_version
from qantar.evidence._common import canonical_json, now_utc
from qantar.evidence._custody import (
    custody,
    event_body,
    events,
    head_message,
    key_id,
    load_private_key,
    public_key_from_pem,
    signing_message,
    verify_signature,
)
from qantar.evidence._derive import can_strip, strip_location
from qantar.evidence._facts import (
    UNSEALED,
    current_facts,
    differences,
    digests,
    facts_from,
    signed_facts,
)
from qantar.evidence._keys import ROTATED
from qantar.evidence._objects import object_path, open_object
from qantar.evidence._render import RenditionError, plan, renditions
from qantar.evidence._summary import render_html, render_pdf
from qantar.evidence._tables import (
    claims,
    consents,
    evidence_collections,
    evidence_incidents,
    evidence_items,
    evidence_metadata,
    evidence_persons,
    incidents,
    timestamp_tokens,
)
from qantar.evidence._timestamp import check_token, load_roots
from qantar.evidence._verify import (
    VerifyReport,
    check_chain,
    check_consent_records,
    check_facts,
    event_subject,
    first_key,
    item_subject,
    warn_unanchored,
)
from qantar.evidence._zipcanon import (
    _Sink,
    canonical_writer,
    first_difference_from_canonical,
    read_chunks,
    write_member,
)
from qantar.i18n import check_language
from qantar.model import CustodyAction
from qantar.notes import Note
from qantar.project import Project

FORMAT = "qantar-evidence-bundle/1"
_EXT = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/quicktime": ".mov",
    "video/webm": ".webm",
    "video/x-matroska": ".mkv",
    "application/pdf": ".pdf",
    "text/plain": ".txt",
}


@dataclass
class ExportResult:
    path: Path
    sha256: str
    items: list[str]
    withheld: list[dict[str, str]] = field(default_factory=list)
    custody_seq: int = 0


def member_name(sha: str, media_type: str) -> str:
    return f"files/{sha}{_EXT.get(media_type, '.bin')}"


def export(
    project: Project,
    out: str | os.PathLike[str],
    *,
    incident: int | None = None,
    public: bool = False,
    pdf: bool = False,
    with_renditions: bool = True,
    actor: str | None = None,
    on_item: Callable[[str], None] | None = None,
    lang: str = "en",
) -> ExportResult:
    """Write a bundle to ``out`` (a .zip). ``public`` swaps images for location-free copies
    and leaves out items whose consent was withdrawn or whose location cannot be stripped.
    Each item travels with its open-format renditions (EI-15) unless ``with_renditions`` is
    False. The human summary (summary.html) is in ``lang`` (kk, ru or en).
    """
    target = Path(out)
    if target.exists():
        raise InputError(
            N_("exists already; choose another name (bundles are never overwritten)"),
            file=str(target),
        )
    if not target.parent.is_dir():
        raise InputError(N_("folder does not exist"), file=str(target.parent))
    check_language(lang)
    _require_signed_facts(project)
    with project.engine.connect() as conn:
        query = select(evidence_items.c.sha256, evidence_items.c.media_type)
        if incident is not None:
            if (
                conn.execute(select(incidents.c.id).where(incidents.c.id == incident)).first()
                is None
            ):
                raise QantarError(
                    N_("no incident %(incident)s: see `qantar incident list`"), incident=incident
                )
            query = query.join(
                evidence_incidents, evidence_incidents.c.item_sha256 == evidence_items.c.sha256
            ).where(evidence_incidents.c.incident_id == incident)
        else:
            query = query.where(evidence_items.c.parent_sha256.is_(None))
        chosen = [(r[0], r[1]) for r in conn.execute(query.order_by(evidence_items.c.added_at))]
        withdrawn = {sha for sha, _ in chosen if consent_withdrawn(conn, sha)}
    if not chosen:
        if incident is None:
            raise QantarError(N_("nothing to export: no evidence items"))
        raise QantarError(
            N_("nothing to export: no evidence items attached to incident %(incident)s"),
            incident=incident,
        )

    withheld: list[dict[str, str]] = []
    selected: list[str] = []
    only_withheld = _only_withheld_persons(project, [sha for sha, _ in chosen]) if public else set()
    for sha, media_type in chosen:
        if not public:
            selected.append(sha)
        elif sha in withdrawn:
            # A reason is a Note: the manifest (read in court) keeps its English text, the
            # CLI words it in the reader's language.
            withheld.append({"item": sha, "reason": Note(N_("consent withdrawn"))})
        elif sha in only_withheld:
            withheld.append(
                {"item": sha, "reason": Note(N_("shows only persons whose names are withheld"))}
            )
        elif media_type == "text/plain":
            selected.append(sha)  # no embedded metadata to leak
        elif not can_strip(media_type):
            withheld.append(
                {
                    "item": sha,
                    "reason": Note(
                        N_("location data cannot be stripped from %(media_type)s"),
                        media_type=media_type,
                    ),
                }
            )
        else:
            selected.append(strip_location(project, sha, actor=actor))
    rendered = _renditions(project, selected, actor) if with_renditions else {}
    extra = [r for entry in rendered.values() for r in entry["items"]]

    with custody(project, actor) as log:
        export_event = log.append(
            CustodyAction.PUBLISHED if public else CustodyAction.EXPORTED,
            selected + extra,
            f"{'public' if public else 'court'} bundle {target.name}",
            {
                "bundle": target.name,
                "incident": incident,
                "public": public,
                "withheld": len(withheld),
            },
        )
    manifest = _manifest(project, selected, incident, public, withheld, rendered)
    if public:
        _public_texts(project, manifest)
    tmp = target.with_name(f".{target.name}.part")
    try:
        _write_bundle(project, tmp, manifest, pdf=pdf, on_item=on_item, lang=lang)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    digest = hashlib.sha256()
    with open(target, "rb") as handle:
        for chunk in read_chunks(handle):
            digest.update(chunk)
    return ExportResult(target, digest.hexdigest(), selected, withheld, int(export_event["seq"]))


def _require_signed_facts(project: Project) -> None:
    """A bundle must not carry a fact the custody log did not sign (a direct SQL edit)."""
    report = VerifyReport()
    with project.engine.connect() as conn:
        check_facts(report, current_facts(conn), events(conn))
        check_consent_records(report, [dict(r) for r in conn.execute(select(consents)).mappings()])
    if not report.ok:
        first = report.failures[0]
        raise QantarError(
            N_(
                "%(n)s evidence fact(s) differ from what the custody log signed "
                "(first %(subject)s: %(problem)s); run `qantar evidence verify`; "
                "no bundle written"
            ),
            n=len(report.failures),
            subject=first.subject,
            problem=first.message,
        )


def _only_withheld_persons(project: Project, shas: list[str]) -> set[str]:
    """Items attached to persons, none of whom may be shown: a person whose publication
    status is withhold, or an id no active person has any more (re-linked since), whose
    status nobody can tell."""
    from qantar.publish._public import public_persons

    with project.engine.connect() as conn:
        rows = conn.execute(
            select(evidence_persons.c.item_sha256, evidence_persons.c.person_id).where(
                evidence_persons.c.item_sha256.in_(shas)
            )
        ).all()
    if not rows:
        return set()
    shown = {p.person_id for p in public_persons(project)}
    attached: dict[str, set[str]] = {}
    for sha, person in rows:
        attached.setdefault(sha, set()).add(person)
    return {sha for sha, people in attached.items() if not people & shown}


def _public_texts(project: Project, manifest: dict[str, Any]) -> None:
    """Every text of a public bundle through the publication guard (``qantar.publish``):
    a text naming a withheld person in any form is left out, names shown by initials only
    are blanked, bidirectional controls removed."""
    from qantar.publish._public import project_guard, public_data, public_label, public_text

    guard = project_guard(project)
    left_out = "(left out: it may name a person whose name is withheld)"
    manifest["project"] = public_label(guard, manifest["project"], "(project)", "project")
    for row in manifest["incidents"]:
        row["description"] = public_label(guard, row["description"], left_out, "incident")
        for key in ("place_raw", "date_raw"):
            row[key] = public_text(guard, row[key], "incident")
    for item in manifest["items"]:
        item["transform"] = public_data(guard, item.get("transform"), "item")
        for c in item["collections"]:
            c["how"] = public_label(guard, c["how"], "(left out)", "collection")
        for m in item["metadata"]:
            m["summary"] = public_data(guard, m["summary"], "metadata")
            m["flags"] = public_data(guard, m["flags"], "metadata")
        kept = []
        for claim in item["claims"]:
            before = guard.texts_left_out
            body = public_data(guard, claim["body"], "claim")
            author = public_text(guard, claim.get("author"), "claim")
            if guard.texts_left_out == before:  # a claim is shown whole or not at all
                kept.append({**claim, "body": body, "author": author})
        item["claims"] = kept
    manifest["texts_left_out"] = guard.texts_left_out


def _renditions(
    project: Project, selected: list[str], actor: str | None
) -> dict[str, dict[str, Any]]:
    """For each item: what rendition it gets (``plan``) and the derivative items made."""
    out: dict[str, dict[str, Any]] = {}
    with project.engine.connect() as conn:
        types = dict(
            conn.execute(
                select(evidence_items.c.sha256, evidence_items.c.media_type).where(
                    evidence_items.c.sha256.in_(selected)
                )
            ).all()
        )
    for sha in selected:
        entry: dict[str, Any] = {**plan(types[sha]), "items": []}
        try:
            entry["items"] = renditions(project, sha, actor=actor)
        except RenditionError as exc:
            entry.update(status="none", note=str(exc))
        if entry["status"] in ("png", "frames"):
            entry["status"] = "made" if entry["items"] else "none"
        out[sha] = entry
    return out


def _manifest(
    project: Project,
    selected: list[str],
    incident: int | None,
    public: bool,
    withheld: list[dict[str, str]],
    rendered: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    public_pem = project.public_key_path.read_bytes()
    public_key = public_key_from_pem(public_pem)
    rendered = rendered or {}
    wanted = set(selected) | {r for e in rendered.values() for r in e["items"]}
    with project.engine.connect() as conn:
        items = []
        parents: set[str] = set()
        for sha in selected:
            item = dict(
                conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha))
                .mappings()
                .one()
            )
            if item["parent_sha256"]:
                parents.add(item["parent_sha256"])
            lineage = [sha, item["parent_sha256"]] if item["parent_sha256"] else [sha]
            item["file"] = member_name(sha, item["media_type"])
            if public:
                item["original_name"] = item["file"].removeprefix("files/")
            item["collections"] = [
                _public_collection(dict(r)) if public else _clean(dict(r), ("id",))
                for r in conn.execute(
                    select(evidence_collections)
                    .where(evidence_collections.c.item_sha256.in_(lineage))
                    .order_by(evidence_collections.c.id)
                ).mappings()
            ]
            item["metadata"] = [
                {
                    "tool": r["tool"],
                    "tool_version": r["tool_version"],
                    "summary": r["summary"],
                    "flags": r["flags"],
                    **({} if public else {"raw": r["raw"]}),
                }
                for r in conn.execute(
                    select(evidence_metadata).where(evidence_metadata.c.item_sha256 == sha)
                ).mappings()
            ]
            item["incidents"] = [
                r[0]
                for r in conn.execute(
                    select(evidence_incidents.c.incident_id).where(
                        evidence_incidents.c.item_sha256.in_(lineage)
                    )
                )
            ]
            item["claims"] = [
                _clean(dict(r), ("id",))
                for r in conn.execute(
                    select(claims).where(claims.c.item_sha256.in_(lineage)).order_by(claims.c.id)
                ).mappings()
                # A public bundle carries descriptions only: a geolocation claim is a location.
                if not public or r["kind"] == "description"
            ]
            item["consents"] = [
                {
                    "item": r["item_sha256"],
                    "status": r["status"],
                    "record_sha256": r["record_hash"],
                    "seq": r["custody_seq"],
                }
                for r in conn.execute(
                    select(consents).where(consents.c.item_sha256.in_(lineage))
                ).mappings()
            ]
            if not public:
                # The item's own links (``incidents`` above includes its parent's), so that
                # verify-bundle can recompute every signed fact from the manifest.
                item["links"] = _own_links(conn, sha)
            if sha in rendered:
                entry = rendered[sha]
                item["rendition"] = {
                    "status": entry["status"],
                    "note": entry["note"],
                    "files": [_rendition_file(conn, r) for r in entry["items"]],
                }
            items.append(item)
        incident_ids = sorted({i for item in items for i in item["incidents"]})
        incident_rows = [
            dict(r)
            for r in conn.execute(
                select(incidents).where(incidents.c.id.in_(incident_ids)).order_by(incidents.c.id)
            ).mappings()
        ]
        relevant = wanted | parents
        log = []
        for event in events(conn):
            # Public bundles withhold every event body: collection details name sources.
            # Key rotations travel whole, in public bundles too: they carry the keys later
            # events are checked against (their reason must not name people; see docs).
            if event["action"] == ROTATED or (not public and set(event["items"]) & relevant):
                log.append(event)
            else:
                # Unrelated events keep only what proves the chain: hashes and signature.
                log.append(
                    {
                        "seq": event["seq"],
                        "prev_hash": event["prev_hash"],
                        "event_hash": event["event_hash"],
                        "signature": event["signature"],
                        "withheld": True,
                    }
                )
        tokens = [
            {
                "seq": r["custody_seq"],
                "tsa": r["tsa"],
                "gen_time": r["gen_time"],
                "nonce": r["nonce"],
                "file": f"timestamps/{r['custody_seq']:06d}-{r['id']}.tsr",
                "der": bytes(r["token"]),
            }
            for r in conn.execute(
                select(timestamp_tokens).order_by(timestamp_tokens.c.id)
            ).mappings()
        ]
    roots = [
        cert.public_bytes(serialization.Encoding.PEM).decode("ascii")
        for cert in load_roots(project)
    ]
    key_history = _key_history(project)
    key = load_private_key(project)
    last = log[-1]
    head = {
        "seq": last["seq"],
        "event_hash": last["event_hash"],
        "signature": key.sign(head_message(int(last["seq"]), str(last["event_hash"]))).hex(),
    }
    return {
        "format": FORMAT,
        "created_at": now_utc(),
        "created_by": tool_version(),
        "project": project.name,
        "kind": "public" if public else "court",
        "incident": incident,
        "public_key_pem": public_pem.decode("ascii"),
        "key_id": key_id(public_key),
        "keys": key_history,
        "items": items,
        "withheld_items": withheld,
        "incidents": incident_rows,
        "custody": log,
        "head": head,
        "timestamps": tokens,
        "tsa_roots": roots,
    }


def _own_links(conn: Any, sha: str) -> dict[str, list[Any]]:
    return {
        "incidents": sorted(
            int(r[0])
            for r in conn.execute(
                select(evidence_incidents.c.incident_id).where(
                    evidence_incidents.c.item_sha256 == sha
                )
            )
        ),
        "persons": sorted(
            str(r[0])
            for r in conn.execute(
                select(evidence_persons.c.person_id).where(evidence_persons.c.item_sha256 == sha)
            )
        ),
    }


def _key_history(project: Project) -> list[dict[str, Any]]:
    """Every key the log was signed with, in order, as the chain itself proves it."""
    report = VerifyReport()
    with project.engine.connect() as conn:
        log = events(conn)
    spans = check_chain(report, log, first_key(project, report, log))
    if not report.ok or not spans:
        problem = report.failures[0] if report.failures else None
        if problem is None:
            raise QantarError(
                N_(
                    "the custody log does not verify; run `qantar evidence verify`; "
                    "no bundle written"
                )
            )
        raise QantarError(
            N_(
                "the custody log does not verify (%(subject)s: %(problem)s); "
                "run `qantar evidence verify`; no bundle written"
            ),
            subject=problem.subject,
            problem=problem.message,
        )
    return [
        {**span.to_dict(), "file": f"keys/{n:02d}-{span.key_id}.pem"}
        for n, span in enumerate(spans, 1)
    ]


def _rendition_file(conn: Any, sha: str) -> dict[str, Any]:
    row = conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha)).mappings()
    r = row.one()
    return {
        "file": member_name(sha, r["media_type"]),
        "sha256": sha,
        "sha512": r["sha512"],
        "size": r["size"],
        "media_type": r["media_type"],
        "transform": r["transform"],
    }


def _all_files(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    """Every evidence file of the bundle: the items, then each item's renditions."""
    files: dict[str, dict[str, Any]] = {}
    for item in manifest.get("items", []):
        for entry in [item, *(item.get("rendition") or {}).get("files", [])]:
            files.setdefault(str(entry.get("file", "")), entry)
    return list(files.values())


def _clean(row: dict[str, Any], drop: tuple[str, ...]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in drop}


_PUBLIC_COLLECTION_FIELDS = ("collected_at", "collected_at_source", "how")


def _public_collection(row: dict[str, Any]) -> dict[str, Any]:
    """Who collected it, from whom, where and the file name can endanger people: kept out."""
    return {k: row[k] for k in _PUBLIC_COLLECTION_FIELDS}


VERIFY_TEXT = """\
How to verify this bundle without qantar
=========================================

1. The keys. public_key.pem is the project's current Ed25519 public key (it signs
   SHA256SUMS and the head of the log). Its fingerprint (SHA-256 of the 32 raw key bytes):

       {key_id}

   Every key the custody log was signed with is in keys/, in order, with the events it
   signed (also in custody/KEYS: first event, last event, key file):

{key_list}

   Compare the fingerprints with the ones the organisation published elsewhere (website,
   letter): a bundle re-signed with another key verifies against itself, so this matters.
   Checking the first key is enough if no key was retired as compromised; otherwise
   check the key that replaced the compromised one.

       openssl pkey -pubin -in keys/01-....pem -outform DER | tail -c 32 | sha256sum

   A key is replaced by a "key-rotated" event (custody/NNNNNN.json, always included),
   signed by the key it retires; its "details" carry the new key ("public_key_pem", the
   next file in keys/, "new_key_id") and "compromised". An event after the rotation that
   verifies only with the retired key was not written by the project.

2. The index of every file, and its signature:

       openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin \\
           -in SHA256SUMS -sigfile SHA256SUMS.sig
       sha256sum -c SHA256SUMS

3. Each evidence file against the manifest (also listed in SHA256SUMS):
   manifest.json "items"[*].sha256 and .sha512; e.g. sha512sum files/<sha256>.<ext>
   Open-format renditions (PNG pictures, PNG frames of videos) are listed under
   "items"[*]."rendition"."files": copies made from the item for viewing; the original
   file is the evidence.

4. The custody log. custody/NNNNNN.json is each event exactly as hashed; its SHA-256 is
   the event hash, and custody/NNNNNN.msg ("qantar-custody-v1 <event hash>") is what the
   key valid at that place of the log signed (custody/KEYS says which):

       while read first last key; do
         for i in $(seq "$first" "$last"); do
           n=custody/$(printf %06d "$i")
           if [ -f "$n.json" ]; then   # withheld events have no .json
             h=$(sha256sum < "$n.json" | cut -c1-64)
             [ "qantar-custody-v1 $h" = "$(cat "$n.msg")" ] || echo "hash differs: $n"
           fi
           openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$n.msg" -sigfile "$n.sig"
         done
       done < custody/KEYS

   Each event's "prev_hash" must equal the previous event's hash. Events about items not in
   this bundle are withheld: only their hash and signature are included (.msg and .sig),
   which still proves the chain.

5. Trusted timestamps (if any): timestamps/NNNNNN-K.tsr is an RFC 3161 response over
   custody/NNNNNN.msg:

       openssl ts -verify -in timestamps/NNNNNN-K.tsr -data custody/NNNNNN.msg \\
           -CAfile tsa_roots.pem

With qantar installed (no project needed): qantar evidence verify-bundle THIS.zip
"""


def _key_list(spans: list[dict[str, Any]]) -> str:
    lines = []
    for span in spans:
        until = f"to event {span['last_seq']}" if span["last_seq"] is not None else "on"
        flag = " (retired as COMPROMISED)" if span["compromised"] else ""
        lines.append(
            f"       {span['file']}: events {span['first_seq']} {until}{flag}\n"
            f"           {span['key_id']}"
        )
    return "\n".join(lines)


def _write_bundle(
    project: Project,
    path: Path,
    manifest: dict[str, Any],
    *,
    pdf: bool,
    on_item: Callable[[str], None] | None,
    lang: str = "en",
) -> None:
    small: dict[str, bytes] = {}
    tokens = manifest["timestamps"]
    for token in tokens:
        small[token["file"]] = token.pop("der")
        token["sha256"] = hashlib.sha256(small[token["file"]]).hexdigest()
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
    small["manifest.json"] = manifest_bytes
    small["public_key.pem"] = manifest["public_key_pem"].encode("ascii")
    small["VERIFY.txt"] = VERIFY_TEXT.format(
        key_id=manifest["key_id"], key_list=_key_list(manifest["keys"])
    ).encode()
    small["summary.html"] = render_html(manifest, lang).encode("utf-8")
    if pdf:
        small["summary.pdf"] = render_pdf(small["summary.html"].decode("utf-8"))
    if manifest["tsa_roots"]:
        small["tsa_roots.pem"] = "".join(manifest["tsa_roots"]).encode("ascii")
    key_lines = []
    for span in manifest["keys"]:
        small[span["file"]] = span["public_key_pem"].encode("ascii")
        last_seq = span["last_seq"] if span["last_seq"] is not None else manifest["head"]["seq"]
        key_lines.append(f"{span['first_seq']} {last_seq} {span['file']}\n")
    small["custody/KEYS"] = "".join(key_lines).encode("ascii")
    for event in manifest["custody"]:
        stem = f"custody/{int(event['seq']):06d}"
        if not event.get("withheld"):
            small[f"{stem}.json"] = canonical_json(event_body(event))
        small[f"{stem}.msg"] = signing_message(str(event["event_hash"]))
        small[f"{stem}.sig"] = bytes.fromhex(str(event["signature"]))

    sums: list[tuple[str, str]] = []
    store = objects_dir(project)
    with open(path, "xb") as handle:
        sink = _Sink(target=handle)
        with canonical_writer(sink) as zf:
            for name in sorted(small):
                write_member(zf, name, [small[name]], len(small[name]))
                sums.append((hashlib.sha256(small[name]).hexdigest(), name))
            for item in _all_files(manifest):
                if on_item:
                    on_item(item["sha256"])
                source = object_path(store, item["sha256"])
                blob_digest = hashlib.sha256()
                with open_object(source, objects_key(project)) as blob:

                    def chunks(blob: Any = blob, digest: Any = blob_digest) -> Any:
                        for chunk in read_chunks(blob):
                            digest.update(chunk)
                            yield chunk

                    write_member(zf, item["file"], chunks(), item["size"])
                if blob_digest.hexdigest() != item["sha256"]:
                    raise QantarError(
                        N_(
                            "%(path)s: object changed on disk; run `qantar evidence verify`; "
                            "no bundle written"
                        ),
                        path=str(source),
                    )
                sums.append((item["sha256"], item["file"]))
            sums_bytes = "".join(f"{h}  {n}\n" for h, n in sorted(sums, key=lambda x: x[1]))
            encoded = sums_bytes.encode("utf-8")
            write_member(zf, "SHA256SUMS", [encoded], len(encoded))
            signature = load_private_key(project).sign(encoded)
            write_member(zf, "SHA256SUMS.sig", [signature], len(signature))
        handle.flush()
        os.fsync(handle.fileno())


def verify_bundle(path: str | os.PathLike[str], *, expect_key: str | None = None) -> VerifyReport:
    """Check a bundle on its own: container, file hashes, signatures, chain, timestamps."""
    report = VerifyReport()
    name = str(path)
    try:
        archive = zipfile.ZipFile(name)
    except (OSError, zipfile.BadZipFile) as exc:
        report.fail("bundle", name, Note(N_("not a readable ZIP: %(reason)s"), reason=str(exc)))
        return report
    with archive:
        packed = [i.filename for i in archive.infolist() if i.compress_type != zipfile.ZIP_STORED]
        if packed:
            # qantar stores every member as is: a compressed one is not ours, and reading
            # it could expand a few MB into gigabytes (#16.7). Nothing is decompressed.
            report.fail(
                "bundle",
                name,
                Note(
                    N_(
                        "%(n)s compressed member(s), first %(member)s: a qantar bundle "
                        "stores every file uncompressed; not read"
                    ),
                    n=len(packed),
                    member=packed[0],
                ),
            )
            return report
        try:
            _check_contents(report, archive, name, expect_key)
        except Exception as exc:  # hostile input: any parse failure is a finding, not a crash
            report.fail(
                "bundle",
                name,
                Note(
                    N_("damaged: %(error)s: %(reason)s"),
                    error=type(exc).__name__,
                    reason=str(exc),
                ),
            )
    offset = None
    try:
        offset = first_difference_from_canonical(name)
    except Exception as exc:  # hostile input, as above
        report.fail(
            "bundle", name, Note(N_("ZIP structure unreadable: %(reason)s"), reason=str(exc))
        )
    if offset is not None:
        report.fail(
            "bundle",
            name,
            Note(N_("ZIP container altered (first difference at byte %(offset)s)"), offset=offset),
        )
    return report


def _check_contents(
    report: VerifyReport, archive: zipfile.ZipFile, name: str, expect_key: str | None
) -> None:
    names = [i.filename for i in archive.infolist()]
    if len(set(names)) != len(names):
        report.fail("bundle", name, Note(N_("duplicate member names")))
    if any(n.startswith("/") or ".." in n.split("/") for n in names):
        report.fail("bundle", name, Note(N_("unsafe member path")))
    try:
        manifest = json.loads(archive.read("manifest.json"))
        public_pem = archive.read("public_key.pem")
        sums_bytes = archive.read("SHA256SUMS")
        sums_sig = archive.read("SHA256SUMS.sig")
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:
        report.fail("bundle", name, Note(N_("incomplete bundle: %(reason)s"), reason=str(exc)))
        return
    try:
        public_key = public_key_from_pem(public_pem)
    except Exception as exc:
        report.fail("key", "public_key.pem", Note(N_("unreadable: %(reason)s"), reason=str(exc)))
        return
    if public_pem.decode("ascii", "replace") != manifest.get("public_key_pem"):
        report.fail("key", "manifest.json", Note(N_("public key differs from public_key.pem")))
    if not verify_signature(public_key, sums_sig.hex(), sums_bytes):
        report.fail(
            "bundle", "SHA256SUMS", Note(N_("signature does not verify with public_key.pem"))
        )
    listed: dict[str, str] = {}
    for line in sums_bytes.decode("utf-8", "replace").splitlines():
        listed_hash, _, member = line.partition("  ")
        listed[member] = listed_hash
    for member in names:
        if member in ("SHA256SUMS", "SHA256SUMS.sig"):
            continue
        if member not in listed:
            report.fail("bundle", member, Note(N_("not listed in SHA256SUMS")))
            continue
        digest = hashlib.sha256()
        try:
            with archive.open(member) as handle:
                for chunk in read_chunks(handle):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError) as exc:
            report.fail(
                "object", member, Note(N_("unreadable in the ZIP: %(reason)s"), reason=str(exc))
            )
            continue
        if digest.hexdigest() != listed[member]:
            report.fail("object", member, Note(N_("content differs from SHA256SUMS")))
    for member in set(listed) - set(names):
        report.fail("object", member, Note(N_("listed in SHA256SUMS but missing")))
    _check_items(report, archive, manifest, names)
    log = manifest.get("custody", [])
    history = check_chain(
        report, log, _bundle_first_key(report, archive, manifest, public_key), withheld_ok=True
    )
    _check_bundle_keys(report, archive, manifest, history, public_key)
    report.key_id = history[-1].key_id if history else key_id(public_key)
    report.keys = [span.to_dict() for span in history]
    if expect_key and expect_key.lower() not in {span.key_id for span in history}:
        report.fail(
            "key",
            "public_key.pem",
            Note(N_("the expected key %(key)s is not among the bundle's keys"), key=expect_key),
        )
    final = public_key_from_pem(history[-1].public_key_pem.encode()) if history else public_key
    head = manifest.get("head") or {}
    if (
        not log
        or head.get("seq") != log[-1]["seq"]
        or head.get("event_hash") != log[-1]["event_hash"]
        or not verify_signature(
            final,
            str(head.get("signature", "")),
            head_message(int(head.get("seq", 0)), str(head.get("event_hash", ""))),
        )
    ):
        report.fail("head", "manifest.json", Note(N_("signed head does not match the last event")))
    warn_unanchored(report, history, _check_bundle_tokens(report, archive, manifest))
    if manifest.get("kind") != "public":
        _check_bundle_facts(report, manifest)


def _manifest_facts(item: dict[str, Any]) -> dict[str, Any]:
    """An item's facts as its manifest entry shows them (its own rows, not its parent's)."""
    sha = item["sha256"]
    links = item.get("links")
    if not isinstance(links, dict):
        raise ValueError("the item's own links are missing from the manifest")
    return facts_from(
        item,
        [c for c in item.get("collections", []) if c.get("item_sha256") == sha],
        [c for c in item.get("claims", []) if c.get("item_sha256") == sha],
        [
            (c.get("seq"), c.get("status"), c.get("record_sha256"))
            for c in item.get("consents", [])
            if c.get("item") == sha
        ],
        links.get("incidents", []),
        links.get("persons", []),
        item.get("metadata", []),
    )


def _check_bundle_facts(report: VerifyReport, manifest: dict[str, Any]) -> None:
    """Every fact the manifest shows must be what the bundle's custody log signed."""
    log = manifest.get("custody", [])
    signed = signed_facts(log)
    # Bundles from before facts were signed carry none: say so, do not fail them.
    era = bool(signed)
    for item in manifest.get("items", []):
        sha = str(item.get("sha256", ""))
        subject = item_subject(sha)
        if sha not in signed:
            if era:
                report.fail("fact", subject, Note(UNSEALED))
            else:
                report.warn(
                    "fact", subject, Note(N_("no signed facts (bundle from an older qantar)"))
                )
            continue
        try:
            shown = digests(sha, _manifest_facts(item))
        except (ValueError, TypeError, AttributeError) as exc:
            report.fail(
                "fact", subject, Note(N_("manifest entry unreadable: %(reason)s"), reason=str(exc))
            )
            continue
        seq, expected = signed[sha]
        for line in differences(expected, shown, seq):
            report.fail("fact", subject, line)


def _bundle_first_key(
    report: VerifyReport, archive: zipfile.ZipFile, manifest: dict[str, Any], current: Any
) -> Any:
    """keys/01-...pem signed the first event; bundles from before rotation existed have
    only public_key.pem."""
    spans = manifest.get("keys") or []
    if not spans:
        return current
    try:
        return public_key_from_pem(archive.read(str(spans[0]["file"])))
    except Exception as exc:  # hostile input: a finding
        report.fail(
            "key",
            str(spans[0].get("file", "keys/")),
            Note(N_("first key unreadable: %(reason)s"), reason=str(exc)),
        )
        return current


def _check_bundle_keys(
    report: VerifyReport,
    archive: zipfile.ZipFile,
    manifest: dict[str, Any],
    history: list[Any],
    current: Any,
) -> None:
    """The keys/ files and the manifest's list must be the history the chain proves."""
    spans = manifest.get("keys")
    if spans is not None:
        listed = [str(s.get("key_id")) for s in spans]
        proven = [span.key_id for span in history]
        if listed != proven:
            report.fail(
                "key",
                "manifest.json",
                Note(
                    N_("keys listed %(listed)s differ from the chain's %(proven)s"),
                    listed=str(listed),
                    proven=str(proven),
                ),
            )
        for span, proof in zip(spans, history, strict=False):
            try:
                on_file = key_id(public_key_from_pem(archive.read(str(span["file"]))))
            except Exception as exc:
                report.fail(
                    "key",
                    str(span.get("file")),
                    Note(N_("unreadable: %(reason)s"), reason=str(exc)),
                )
                continue
            if on_file != proof.key_id:
                report.fail("key", str(span["file"]), Note(N_("is not the key the chain names")))
    if history and key_id(current) != history[-1].key_id:
        report.fail(
            "key",
            "public_key.pem",
            Note(
                N_("is not the key the custody log ends with (%(key)s...)"),
                key=history[-1].key_id[:16],
            ),
        )


def _check_items(
    report: VerifyReport, archive: zipfile.ZipFile, manifest: dict[str, Any], names: list[str]
) -> None:
    for item in _all_files(manifest):
        member = item.get("file", "")
        report.objects_checked += 1
        if member not in names:
            report.fail("object", member, Note(N_("missing from the bundle")))
            continue
        h256, h512 = hashlib.sha256(), hashlib.sha512()
        size = 0
        try:
            with archive.open(member) as handle:
                for chunk in read_chunks(handle):
                    h256.update(chunk)
                    h512.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, OSError):
            continue  # already reported
        if (h256.hexdigest(), h512.hexdigest(), size) != (
            item["sha256"],
            item["sha512"],
            item["size"],
        ):
            report.fail(
                "object",
                member,
                Note(N_("does not match its SHA-256/SHA-512/size in the manifest")),
            )
    for event in manifest.get("custody", []):
        if event.get("withheld"):
            continue
        stem = f"custody/{int(event['seq']):06d}.json"
        if stem in names and hashlib.sha256(archive.read(stem)).hexdigest() != event["event_hash"]:
            report.fail(
                "event",
                event_subject(event["seq"]),
                Note(N_("%(file)s differs from its hash"), file=stem),
            )


def _check_bundle_tokens(
    report: VerifyReport, archive: zipfile.ZipFile, manifest: dict[str, Any]
) -> set[int]:
    """Check every token; returns the events a valid token covers."""
    anchored: set[int] = set()
    from cryptography import x509

    roots = [
        cert
        for pem in manifest.get("tsa_roots", [])
        for cert in x509.load_pem_x509_certificates(pem.encode("ascii"))
    ]
    by_seq = {int(e["seq"]): e for e in manifest.get("custody", [])}
    for token in manifest.get("timestamps", []):
        report.timestamps_checked += 1
        subject = f"{token['file']} ({token['tsa']})"
        event = by_seq.get(int(token["seq"]))
        try:
            der = archive.read(token["file"])
        except KeyError:
            report.fail("timestamp", subject, Note(N_("missing from the bundle")))
            continue
        if event is None:
            report.fail("timestamp", subject, Note(N_("covers an event not in the bundle")))
            continue
        ok, reason, _ = check_token(
            der, signing_message(str(event["event_hash"])), roots, nonce=int(token["nonce"])
        )
        if not ok:
            report.fail("timestamp", subject, reason)
        else:
            anchored.add(int(token["seq"]))
    return anchored
