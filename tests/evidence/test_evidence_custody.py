"""Tamper evidence (EI-7, EI-8, EI-10): every change is caught and named."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, insert, select, update

from qantar import Project
from qantar.errors import QantarError
from qantar.evidence import add, add_incident, annotate, attach, record_event, show_item, verify
from qantar.evidence._custody import events
from qantar.evidence._objects import object_path, store_file
from qantar.evidence._tables import custody_events, evidence_items


@pytest.fixture
def archive(project: Project, tmp_path: Path) -> tuple[Project, list[str]]:
    files = []
    for i in range(3):
        f = tmp_path / f"item{i}.txt"
        f.write_text(f"evidence item number {i}\n" * (i + 1))
        files.append(f)
    results = add(project, files, collected_by="tester")
    return project, [r.sha256 for r in results]


def _failures(project: Project) -> list[tuple[str, str]]:
    report = verify(project, record=False)
    assert not report.ok
    return [(p.kind, p.subject) for p in report.failures]


def _writable(path: Path) -> None:
    os.chmod(path, 0o644)


def test_clean_archive_verifies_and_records_it(archive: tuple[Project, list[str]]) -> None:
    project, _ = archive
    report = verify(project)
    assert report.ok, report.failures
    assert report.objects_checked == 3 and report.events_checked == 3
    with project.engine.connect() as conn:
        assert events(conn)[-1]["action"] == "verified"
    assert verify(project).ok


def test_each_action_appends_exactly_one_event(archive: tuple[Project, list[str]]) -> None:
    project, shas = archive
    incident = add_incident(project, date="2022-01-05", description="d", type="shooting")

    def count() -> int:
        with project.engine.connect() as conn:
            return len(events(conn))

    for action in (
        lambda: show_item(project, shas[0]),
        lambda: annotate(project, shas[0], kind="note", body="seen"),
        lambda: attach(project, shas[0], incident=incident),
        lambda: record_event(project, "transferred", [shas[0]], "to the prosecutor"),
        lambda: verify(project),
    ):
        before = count()
        action()
        assert count() == before + 1


def test_flipped_byte_in_a_blob_is_named(archive: tuple[Project, list[str]]) -> None:
    project, shas = archive
    path = object_path(project.evidence_dir / "objects", shas[1])
    _writable(path)
    data = bytearray(path.read_bytes())
    data[5] ^= 0x01
    path.write_bytes(bytes(data))
    assert _failures(project) == [("object", str(path))]


def test_deleted_blob_is_named(archive: tuple[Project, list[str]]) -> None:
    project, shas = archive
    path = object_path(project.evidence_dir / "objects", shas[2])
    path.unlink()
    assert _failures(project) == [("object", str(path))]


def test_edited_event_is_named(archive: tuple[Project, list[str]]) -> None:
    project, _ = archive
    with project.engine.begin() as conn:
        conn.execute(
            update(custody_events).where(custody_events.c.seq == 2).values(actor="someone else")
        )
    assert _failures(project) == [("event", "event 2")]


def test_deleted_event_is_named(archive: tuple[Project, list[str]]) -> None:
    project, _ = archive
    with project.engine.begin() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == 2))
    failures = _failures(project)
    assert ("event", "event 2") in failures
    assert ("event", "event 3") in failures  # no longer links to its predecessor


def test_deleted_last_event_is_named_and_blocks_appending(
    archive: tuple[Project, list[str]],
) -> None:
    project, shas = archive
    with project.engine.begin() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == 3))
    assert ("event", "event 3") in _failures(project)
    with pytest.raises(QantarError, match="deleted"):
        record_event(project, "viewed", [shas[0]], "would hide the deletion")


def test_reordered_events_are_named(archive: tuple[Project, list[str]]) -> None:
    project, _ = archive
    with project.engine.begin() as conn:
        rows = {r["seq"]: dict(r) for r in conn.execute(select(custody_events)).mappings()}
        conn.execute(delete(custody_events))
        swapped = [{**rows[1], "seq": 2}, {**rows[2], "seq": 1}, rows[3]]
        conn.execute(insert(custody_events), swapped)
    failures = _failures(project)
    assert ("event", "event 1") in failures and ("event", "event 2") in failures


def test_inserted_event_is_named(archive: tuple[Project, list[str]], tmp_path: Path) -> None:
    project, _ = archive
    # A forger with database access but without the key copies a real signature.
    with project.engine.begin() as conn:
        rows = [dict(r) for r in conn.execute(select(custody_events)).mappings()]
        conn.execute(delete(custody_events).where(custody_events.c.seq >= 2))
        forged = {
            **rows[0],
            "seq": 2,
            "reason": "backdated",
            "prev_hash": rows[0]["event_hash"],
            "event_hash": "f" * 64,
        }
        conn.execute(
            insert(custody_events), [forged] + [{**r, "seq": r["seq"] + 1} for r in rows[1:]]
        )
    failures = _failures(project)
    assert ("event", "event 2") in failures


def test_item_inserted_outside_the_log_is_named(
    archive: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, _ = archive
    smuggled = tmp_path / "smuggled.txt"
    smuggled.write_text("never went through qantar evidence add")
    stored = store_file(smuggled, project.evidence_dir / "objects")
    with project.engine.begin() as conn:
        conn.execute(
            insert(evidence_items).values(
                sha256=stored.sha256,
                sha512=stored.sha512,
                size=stored.size,
                media_type="text/plain",
                original_name="smuggled.txt",
                added_at="2022-01-05T00:00:00Z",
            )
        )
    assert _failures(project) == [
        ("object", str(stored.path)),
        ("fact", f"item {stored.sha256[:12]}"),
    ]


def test_replaced_public_key_is_caught(archive: tuple[Project, list[str]]) -> None:
    project, _ = archive
    other = Ed25519PrivateKey.generate().public_key()
    project.public_key_path.write_bytes(
        other.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    failures = _failures(project)
    assert ("key", "event 1") in failures
    assert ("event", "event 1") in failures
    assert any(kind == "head" for kind, _ in failures)


def test_missing_private_key_blocks_changes_with_clear_message(
    archive: tuple[Project, list[str]], tmp_path: Path
) -> None:
    project, _ = archive
    project.private_key_path.unlink()
    f = tmp_path / "new.txt"
    f.write_text("new")
    with pytest.raises(QantarError, match="offline backup"):
        add(project, [f])
    assert verify(project, record=False).ok  # reading needs only the public key


def test_any_single_field_change_is_named(archive: tuple[Project, list[str]]) -> None:
    """Property: changing any field of any event makes the chain check name that event."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from qantar.evidence._custody import EVENT_FIELDS, load_public_key
    from qantar.evidence._verify import VerifyReport, check_chain

    project, shas = archive
    record_event(project, "transferred", shas, "to the court")
    with project.engine.connect() as conn:
        log = events(conn)
    key = load_public_key(project.public_key_path)
    clean = VerifyReport()
    check_chain(clean, log, key)
    assert clean.ok

    fields = [f for f in (*EVENT_FIELDS, "event_hash", "signature") if f != "seq"]

    @settings(max_examples=60, deadline=None)
    @given(st.integers(0, len(log) - 1), st.sampled_from(fields), st.text(min_size=1, max_size=8))
    def check(index: int, field: str, junk: str) -> None:
        rows = [dict(r) for r in log]
        value = rows[index][field]
        if isinstance(value, list):
            rows[index][field] = [*value, junk]
        elif isinstance(value, dict):
            rows[index][field] = {**value, "x": junk}
        elif field in ("event_hash", "prev_hash", "signature", "key_id"):
            rows[index][field] = ("0" if value[0] != "0" else "1") + value[1:]
        else:
            rows[index][field] = f"{value}{junk}"
        report = VerifyReport()
        check_chain(report, rows, key)
        assert not report.ok
        assert f"event {index + 1}" in {p.subject for p in report.failures}

    check()


def test_a_person_records_only_actions_done_outside_qantar(
    archive: tuple[Project, list[str]],
) -> None:
    from qantar.errors import InputError
    from qantar.evidence import MANUAL_ACTIONS, record_by_hand

    project, shas = archive
    with project.engine.connect() as conn:
        before = len(events(conn))
    with pytest.raises(InputError, match="'verified' cannot be recorded by hand"):
        record_by_hand(project, "verified", [shas[0][:8]], "checked it myself")
    with project.engine.connect() as conn:
        assert len(events(conn)) == before  # nothing written for a refused action
    assert "transferred" in MANUAL_ACTIONS
    event = record_by_hand(project, "transferred", [shas[0][:8], shas[1]], "to the lawyer")
    assert event["action"] == "transferred"
    assert event["items"] == sorted([shas[0], shas[1]])
    assert verify(project, record=False).ok
