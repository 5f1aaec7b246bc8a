"""RFC 3161 trusted timestamps with a test authority made in the test (EI-8, EI-9)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from evidence_tsa import LocalTSA, make_tsa
from sqlalchemy import update

from qantar import Project
from qantar.errors import QantarError
from qantar.evidence import add, add_root, build_request, store_response, verify
from qantar.evidence._tables import timestamp_tokens


@pytest.fixture
def archived(project: Project, tmp_path: Path) -> Project:
    f = tmp_path / "note.txt"
    f.write_text("a witness statement reference")
    add(project, [f], collected_by="tester")
    return project


def test_token_from_trusted_tsa_verifies(archived: Project, tsa: LocalTSA) -> None:
    add_root(archived, tsa.root_pem)
    request = build_request(archived)
    gen_time = store_response(archived, request, tsa.respond(request.der), tsa="test-tsa")
    assert gen_time.endswith("Z")
    report = verify(archived)
    assert report.ok, report.failures
    assert report.timestamps_checked == 1


def test_token_for_other_bytes_is_refused(archived: Project, tsa: LocalTSA) -> None:
    add_root(archived, tsa.root_pem)
    request = build_request(archived)
    forged = tsa.respond(request.der, imprint=hashlib.sha256(b"other bytes").digest())
    with pytest.raises(QantarError, match="refused"):
        store_response(archived, request, forged, tsa="test-tsa")


def test_token_from_untrusted_tsa_is_refused(archived: Project, tsa: LocalTSA) -> None:
    add_root(archived, tsa.root_pem)
    stranger = make_tsa("stranger")
    request = build_request(archived)
    with pytest.raises(QantarError, match="refused"):
        store_response(archived, request, stranger.respond(request.der), tsa="stranger")


def test_swapped_token_is_named_by_verify(archived: Project, tsa: LocalTSA) -> None:
    add_root(archived, tsa.root_pem)
    request = build_request(archived)
    store_response(archived, request, tsa.respond(request.der), tsa="test-tsa")
    other = tsa.respond(build_request(archived).der)  # a valid token, over another head
    with archived.engine.begin() as conn:
        conn.execute(update(timestamp_tokens).values(token=other))
    report = verify(archived)
    assert not report.ok
    assert [p.kind for p in report.failures] == ["timestamp"]
    assert "test-tsa" in report.failures[0].subject


def test_items_for_incident_carry_custody_summary(
    project: Project, tmp_path: Path, tsa: LocalTSA
) -> None:
    from qantar.evidence import add_incident, items_for_incident

    incident = add_incident(project, date="2022-01-05", description="d", type="shooting")
    f = tmp_path / "x.txt"
    f.write_text("x")
    add(project, [f], incident=incident)
    [row] = items_for_incident(project, incident)
    assert row["custody_events"] == 2 and row["timestamped_at"] is None
    assert row["first_event"]["action"] == "added"
    add_root(project, tsa.root_pem)
    request = build_request(project)
    store_response(project, request, tsa.respond(request.der), tsa="t")
    [row] = items_for_incident(project, incident)
    assert row["timestamped_at"] is not None


def test_offline_request_and_response_through_the_cli(
    archived: Project, tsa: LocalTSA, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from _cli import run_cli

    printed: list[str] = []

    def run(*args: str) -> int:
        code, out, _ = run_cli(archived, "evidence", "timestamp", *args)
        printed.append(out)
        return code

    root = tmp_path / "root.pem"
    root.write_bytes(tsa.root_pem)
    req = tmp_path / "req.tsq"
    assert run("--trust-root", str(root), "--request-out", str(req)) == 0
    resp = tmp_path / "resp.tsr"
    resp.write_bytes(tsa.respond(req.read_bytes()))
    assert run("--response", str(resp), "--request", str(req)) == 0
    assert "timestamped at" in "".join(printed)
    assert verify(archived).timestamps_checked == 1
