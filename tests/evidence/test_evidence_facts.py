"""#16.3: every evidence fact a court relies on is signed, and the log's end is anchored.

Each test forges a fact with SQL directly, as someone holding the database but not the key
would; `verify` must name the item and the fact, never the value, `export` must refuse, and
a bundle written without that check must fail `verify-bundle`.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli
from sqlalchemy import Connection, delete, insert, select, update

from qantar import Project
from qantar.errors import QantarError
from qantar.evidence import (
    add,
    add_incident,
    annotate,
    export,
    record_item_consent,
    seal_facts,
    verify,
    verify_bundle,
)
from qantar.evidence._common import canonical_json
from qantar.evidence._custody import (
    GENESIS,
    event_body,
    event_hash,
    events,
    head_path,
    legacy_head_path,
    load_private_key,
    signing_message,
    write_head,
)
from qantar.evidence._export import _manifest, _write_bundle
from qantar.evidence._tables import (
    claims,
    consents,
    custody_events,
    evidence_collections,
    evidence_incidents,
    evidence_items,
    evidence_persons,
)

# Values that must never appear in a failure message.
COLLECTOR = "Жанар Секретова"
PLACE = "Алматы, ул. Тайная 7"
FROM_WHOM = "сестра погибшего"
CLAIM = "опознан по татуировке"


@pytest.fixture
def forged(project: Project, tmp_path: Path) -> tuple[Project, str, int, int]:
    """One item with a collection record, an incident and a person link, a claim and a
    withdrawn consent; returns (project, sha, first incident, second incident)."""
    first = add_incident(project, date="2022-01-05", description="d1", type="shooting")
    second = add_incident(project, date="2022-01-06", description="d2", type="shooting")
    f = tmp_path / "clip.txt"
    f.write_text("a witness statement, kept as found\n")
    [result] = add(
        project,
        [f],
        collected_by=COLLECTOR,
        collected_at="2022-01-06T10:15+06:00",
        place=PLACE,
        from_whom=FROM_WHOM,
        incident=first,
        person="P-000142",
    )
    annotate(project, result.sha256, kind="description", body=CLAIM)
    record_item_consent(project, result.sha256, status="withdrawn", scope="publication")
    assert verify(project, record=False).ok
    return project, result.sha256, first, second


def _set(table: Any, column: str, value: Any) -> Callable[[Connection, str, int], None]:
    def edit(conn: Connection, sha: str, _other: int) -> None:
        conn.execute(update(table).where(table.c.item_sha256 == sha).values({column: value}))

    return edit


def _set_item(column: str, value: Any) -> Callable[[Connection, str, int], None]:
    def edit(conn: Connection, sha: str, _other: int) -> None:
        conn.execute(
            update(evidence_items).where(evidence_items.c.sha256 == sha).values({column: value})
        )

    return edit


def _delete(table: Any) -> Callable[[Connection, str, int], None]:
    def edit(conn: Connection, sha: str, _other: int) -> None:
        conn.execute(delete(table).where(table.c.item_sha256 == sha))

    return edit


def _link_other_incident(conn: Connection, sha: str, other: int) -> None:
    conn.execute(
        insert(evidence_incidents).values(item_sha256=sha, incident_id=other, linked_at="x")
    )


FORGERIES = {
    "collection time": (
        _set(evidence_collections, "collected_at", "2022-01-04T00:00:00Z"),
        "collected_at",
    ),
    "collector": (_set(evidence_collections, "collected_by", "someone else"), "collected_by"),
    "place": (_set(evidence_collections, "place", "Астана"), "place"),
    "from whom": (_set(evidence_collections, "from_whom", "anonymous"), "from_whom"),
    "claim": (_set(claims, "body", {"text": "a different reading"}), "body"),
    "consent deleted": (_delete(consents), "status"),
    "consent flipped to given": (_set(consents, "status", "given"), "status"),
    "media type": (_set_item("media_type", "image/jpeg"), "media_type"),
    "original name": (_set_item("original_name", "other.txt"), "original_name"),
    "incident link removed": (_delete(evidence_incidents), "incidents"),
    "incident link added": (_link_other_incident, "incidents"),
    "person link changed": (_set(evidence_persons, "person_id", "P-000999"), "persons"),
}


def _no_values(texts: list[str]) -> None:
    for text in texts:
        for value in (COLLECTOR, PLACE, FROM_WHOM, CLAIM, "P-000142", "P-000999", "Астана"):
            assert value not in text


@pytest.mark.parametrize("name", sorted(FORGERIES))
def test_rule3_sql_edit_of_a_fact_fails_verify_naming_item_and_fact(
    forged: tuple[Project, str, int, int], name: str, tmp_path: Path
) -> None:
    project, sha, _first, second = forged
    edit, fact = FORGERIES[name]
    with project.engine.begin() as conn:
        edit(conn, sha, second)
    report = verify(project, record=False)
    assert not report.ok
    mine = [p for p in report.failures if p.kind == "fact"]
    assert mine and all(p.subject == f"item {sha[:12]}" for p in mine)
    assert any(fact in p.message.split(":")[0] for p in mine), mine
    _no_values([p.subject + p.message for p in report.failures])

    with pytest.raises(QantarError) as refused:
        export(project, tmp_path / "court.zip")
    assert "no bundle written" in str(refused.value)
    assert not (tmp_path / "court.zip").exists()
    _no_values([str(refused.value)])


@pytest.mark.parametrize("name", ["collection time", "consent flipped to given", "media type"])
def test_rule3_bundle_written_without_the_check_fails_verify_bundle(
    forged: tuple[Project, str, int, int], name: str, tmp_path: Path
) -> None:
    """A bundle made from a forged database by an exporter that did not check (an older
    qantar): verify-bundle recomputes the facts from the manifest and names the forgery."""
    project, sha, _first, second = forged
    clean = tmp_path / "clean.zip"
    export(project, clean)
    assert verify_bundle(clean).ok
    edit, fact = FORGERIES[name]
    with project.engine.begin() as conn:
        edit(conn, sha, second)
    manifest = _manifest(project, [sha], None, False, [], {})
    bundle = tmp_path / "forged.zip"
    _write_bundle(project, bundle, manifest, pdf=False, on_item=None)
    report = verify_bundle(bundle)
    assert not report.ok
    facts = [p for p in report.failures if p.kind == "fact"]
    assert facts and all(p.subject == f"item {sha[:12]}" for p in facts)
    assert any(fact in p.message.split(":")[0] for p in facts)
    _no_values([p.message for p in report.failures])


def test_rule3_clean_court_bundle_checks_every_fact(
    forged: tuple[Project, str, int, int], tmp_path: Path
) -> None:
    project, _sha, first, _second = forged
    bundle = tmp_path / "court.zip"
    export(project, bundle, incident=first)
    report = verify_bundle(bundle)
    assert report.ok, report.failures
    assert not [w for w in report.warnings if w.kind == "fact"]


def test_rule3_consent_record_edit_is_caught(
    forged: tuple[Project, str, int, int],
) -> None:
    """Scope and who recorded a consent are bound by its record hash."""
    project, sha, _first, _second = forged
    with project.engine.begin() as conn:
        conn.execute(update(consents).values(scope="everything"))
    report = verify(project, record=False)
    assert [(p.kind, p.subject) for p in report.failures] == [("fact", f"item {sha[:12]}")]
    assert "record" in report.failures[0].message


def test_rule3_deleted_item_record_is_named(forged: tuple[Project, str, int, int]) -> None:
    project, sha, _first, _second = forged
    with project.engine.begin() as conn:
        for table in (
            claims,
            consents,
            evidence_collections,
            evidence_incidents,
            evidence_persons,
        ):
            conn.execute(delete(table).where(table.c.item_sha256 == sha))
        from qantar.evidence._tables import evidence_metadata, perceptual_hashes

        for table in (evidence_metadata, perceptual_hashes):
            conn.execute(delete(table).where(table.c.item_sha256 == sha))
        conn.execute(delete(evidence_items).where(evidence_items.c.sha256 == sha))
    report = verify(project, record=False)
    assert ("fact", f"item {sha[:12]}") in [(p.kind, p.subject) for p in report.failures]


# -- the anchor outside the database -------------------------------------------------------


def test_rule3_emptied_archive_with_head_and_objects_deleted_fails(
    forged: tuple[Project, str, int, int], tmp_path: Path
) -> None:
    project, _sha, _first, _second = forged
    with project.engine.connect() as conn:
        length = len(events(conn))
    from qantar.store.schema import metadata

    with project.engine.begin() as conn:
        for table in reversed(metadata.sorted_tables):
            if table.name in {
                "custody_events",
                "claims",
                "evidence_consents",
                "evidence_collections",
                "evidence_incidents",
                "evidence_persons",
                "evidence_metadata",
                "perceptual_hashes",
                "timestamp_tokens",
                "evidence_items",
            }:
                conn.execute(delete(table))
    shutil.rmtree(project.evidence_dir)
    report = verify(project, record=False)
    assert not report.ok
    assert ("event", f"event {length}") in [(p.kind, p.subject) for p in report.failures]
    # ... and nothing new can be written on top of the emptied log.
    f = tmp_path / "new.txt"
    f.write_text("new")
    with pytest.raises(QantarError, match="events were deleted"):
        add(project, [f])


def test_rule3_database_rolled_back_to_an_older_copy_fails(
    forged: tuple[Project, str, int, int], tmp_path: Path
) -> None:
    project, sha, _first, _second = forged
    database = project.root / "qantar.db"
    project.close()
    shutil.copy2(database, tmp_path / "old.db")
    record_item_consent(project, sha, status="given", scope="publication")
    project.close()
    shutil.copy2(tmp_path / "old.db", database)
    report = verify(project, record=False)
    assert not report.ok
    assert any(p.kind == "event" and "rolled back" in p.message for p in report.failures), (
        report.failures
    )


def test_rule3_removed_head_file_fails(forged: tuple[Project, str, int, int]) -> None:
    project, _sha, _first, _second = forged
    head_path(project).unlink()
    report = verify(project, record=False)
    assert ("head", str(head_path(project))) in [(p.kind, p.subject) for p in report.failures]


def test_rule3_new_project_has_a_signed_head_at_event_zero(project: Project) -> None:
    data = json.loads(head_path(project).read_text())
    assert data["seq"] == 0 and data["event_hash"] == GENESIS
    assert verify(project, record=False).ok


# -- projects made before facts were signed ------------------------------------------------


def _as_old_project(project: Project) -> None:
    """Rewrite the log as an older qantar wrote it: no facts in any event, re-signed with
    the project key, and the head in evidence/ instead of keys/."""
    key = load_private_key(project)
    prev = GENESIS
    with project.engine.begin() as conn:
        for event in events(conn):
            body = event_body(event)
            body["details"] = {k: v for k, v in body["details"].items() if k != "facts"}
            body["prev_hash"] = prev
            body = json.loads(canonical_json(body))
            digest = event_hash(body)
            conn.execute(
                update(custody_events)
                .where(custody_events.c.seq == body["seq"])
                .values(
                    details=body["details"],
                    prev_hash=prev,
                    event_hash=digest,
                    signature=key.sign(signing_message(digest)).hex(),
                )
            )
            prev = digest
        last = int(body["seq"])
    write_head(project, key, last, prev)
    head_path(project).rename(legacy_head_path(project))


def test_rule3_old_project_is_sealed_once_then_verifies(
    forged: tuple[Project, str, int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, sha, _first, _second = forged
    _as_old_project(project)
    report = verify(project, record=False)
    assert [(p.kind, p.subject) for p in report.failures] == [("fact", f"item {sha[:12]}")]
    assert "seal-facts" in report.failures[0].message
    f = tmp_path / "later.txt"
    f.write_text("later")
    with pytest.raises(QantarError, match="seal-facts"):
        add(project, [f])

    code, out, err = run_cli(project, "evidence", "seal-facts", "--format", "json")
    assert code == 0, err
    sealed = json.loads(out)
    assert sealed["items"] == [sha]
    assert head_path(project).exists() and not legacy_head_path(project).exists()
    assert verify(project).ok
    assert seal_facts(project).seq is None  # once only
    add(project, [f])
    with project.engine.begin() as conn:
        conn.execute(update(evidence_items).values(media_type="video/mp4"))
    assert not verify(project, record=False).ok


def test_rule3_seal_refuses_a_damaged_archive(
    forged: tuple[Project, str, int, int],
) -> None:
    project, sha, _first, _second = forged
    _as_old_project(project)
    with project.engine.begin() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == 2))
    with pytest.raises(QantarError, match="nothing was sealed"):
        seal_facts(project)
    with project.engine.connect() as conn:
        assert (
            conn.execute(
                select(custody_events).where(custody_events.c.action == "facts-sealed")
            ).first()
            is None
        )
    assert sha


def test_rule3_consent_flipped_by_sql_is_never_published(
    forged: tuple[Project, str, int, int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The attack: a withdrawn consent flipped to given with SQL, then `export --public`
    published the item. Now the public export refuses and writes nothing."""
    project, sha, _first, _second = forged
    with project.engine.begin() as conn:
        conn.execute(update(consents).where(consents.c.item_sha256 == sha).values(status="given"))
    out = tmp_path / "public.zip"
    code, _stdout, err = run_cli(project, "evidence", "export", "--out", str(out), "--public")
    assert code == 2 and "no bundle written" in err and f"item {sha[:12]}" in err
    assert not out.exists()
    _no_values([err])
