"""Key rotation: the old key hands over to the new one; the history verifies, forgeries fail."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from _cli import run_cli
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import delete, insert

from qantar import Project
from qantar.errors import QantarError
from qantar.evidence import (
    add,
    add_incident,
    export,
    record_event,
    rotate_key,
    verify,
    verify_bundle,
)
from qantar.evidence._common import canonical_json, now_utc
from qantar.evidence._custody import (
    event_hash,
    events,
    key_id,
    signing_message,
    write_head,
)
from qantar.evidence._keys import public_pem, retired_dir
from qantar.evidence._tables import custody_events


def _items(tmp_path: Path, prefix: str, n: int) -> list[Path]:
    files = []
    for i in range(n):
        f = tmp_path / f"{prefix}{i}.txt"
        f.write_text(f"{prefix} evidence {i}\n")
        files.append(f)
    return files


@pytest.fixture
def archive(project: Project, tmp_path: Path) -> Project:
    add(project, _items(tmp_path, "before", 2), collected_by="tester")
    return project


def _old_private(project: Project, old_id: str) -> Ed25519PrivateKey:
    # Retired keys stay under the vault, like the key in use.
    key = serialization.load_pem_private_key(
        (retired_dir(project) / f"{old_id}.private.pem").read_bytes(),
        password=project.signing_key_password(),
    )
    assert isinstance(key, Ed25519PrivateKey)
    return key


def _append_forged(
    project: Project,
    key: Ed25519PrivateKey,
    action: str = "viewed",
    details: dict[str, Any] | None = None,
) -> int:
    """What an attacker holding ``key`` and write access to the database can append."""
    with project.engine.begin() as conn:
        last = events(conn)[-1]
        body = {
            "seq": int(last["seq"]) + 1,
            "time": now_utc(),
            "actor": "intruder",
            "action": action,
            "items": [],
            "reason": "forged",
            "details": details or {},
            "prev_hash": last["event_hash"],
            "key_id": key_id(key.public_key()),
        }
        body = json.loads(canonical_json(body))
        digest = event_hash(body)
        signature = key.sign(signing_message(digest)).hex()
        conn.execute(insert(custody_events).values(**body, event_hash=digest, signature=signature))
    write_head(project, key, int(body["seq"]), digest)
    return int(body["seq"])


def _forge_rotation(
    project: Project, previous_key_id: str, *, compromised: bool
) -> tuple[Ed25519PrivateKey, int]:
    """The holder of the retired key announces a key of their own: (their key, event seq)."""
    theirs = Ed25519PrivateKey.generate()
    forged = _append_forged(
        project,
        _old_private(project, previous_key_id),
        action="key-rotated",
        details={
            "previous_key_id": previous_key_id,
            "new_key_id": key_id(theirs.public_key()),
            "public_key_pem": public_pem(theirs.public_key()),
            "compromised": compromised,
        },
    )
    return theirs, forged


def _failed(project: Project) -> set[tuple[str, str]]:
    report = verify(project, record=False)
    assert not report.ok
    return {(p.kind, p.subject) for p in report.failures}


def test_rotate_then_add_and_verify(archive: Project, tmp_path: Path) -> None:
    project = archive
    old_pub = project.public_key_path.read_text()
    result = rotate_key(project, reason="scheduled rotation")
    add(project, _items(tmp_path, "after", 1), collected_by="tester")
    report = verify(project, record=False)
    assert report.ok, report.failures
    assert [k["key_id"] for k in report.keys] == [result.previous_key_id, result.new_key_id]
    assert (
        report.keys[0]["last_seq"] == result.seq and report.keys[1]["first_seq"] == result.seq + 1
    )
    assert report.key_id == result.new_key_id
    # The old public key is kept; the old private key moved aside, not deleted.
    assert (retired_dir(project) / f"{result.previous_key_id}.pem").read_text() == old_pub
    assert (
        result.retired_private_key.exists()
        and not project.private_key_path.with_name(
            project.private_key_path.name + ".pending"
        ).exists()
    )
    with project.engine.connect() as conn:
        log = events(conn)
    rotation = log[result.seq - 1]
    assert rotation["action"] == "key-rotated"
    assert rotation["key_id"] == result.previous_key_id  # signed by the old key
    assert rotation["details"]["new_key_id"] == result.new_key_id
    assert rotation["details"]["public_key_pem"] == project.public_key_path.read_text()
    assert {e["key_id"] for e in log[result.seq :]} == {result.new_key_id}


def test_two_rotations_in_a_row(archive: Project, tmp_path: Path) -> None:
    project = archive
    first = rotate_key(project, reason="staff member left")
    second = rotate_key(project, reason="scheduled rotation")
    record_event(project, "transferred", [], "hand-over")
    report = verify(project, record=False)
    assert report.ok, report.failures
    assert [k["key_id"] for k in report.keys] == [
        first.previous_key_id,
        first.new_key_id,
        second.new_key_id,
    ]
    assert second.previous_key_id == first.new_key_id
    # Only the current private key can add: the retired ones are refused.
    shutil.copy(first.retired_private_key, tmp_path / "stale.pem")
    project.private_key_path.rename(tmp_path / "current.pem")
    shutil.copy(tmp_path / "stale.pem", project.private_key_path)
    with pytest.raises(QantarError, match="not the signing key"):
        record_event(project, "viewed", [], "with a retired key")


def test_bundle_after_rotation_verifies_with_qantar_and_openssl(
    project: Project, tmp_path: Path
) -> None:
    incident = add_incident(project, date="2022-01-05", description="d", type="shooting")
    add(project, _items(tmp_path, "a", 1), incident=incident, collected_by="tester")
    add(project, _items(tmp_path, "unrelated", 1))
    first = rotate_key(project, reason="laptop lost", compromised=True)
    add(project, _items(tmp_path, "b", 1), incident=incident, collected_by="tester")
    second = rotate_key(project, reason="scheduled rotation")
    bundle = export(project, tmp_path / "b.zip", incident=incident).path
    report = verify_bundle(bundle)
    assert report.ok, report.failures
    assert [k["key_id"] for k in report.keys] == [
        first.previous_key_id,
        first.new_key_id,
        second.new_key_id,
    ]
    assert verify_bundle(bundle, expect_key=first.previous_key_id).ok
    assert verify_bundle(bundle, expect_key=second.new_key_id).ok
    assert not verify_bundle(bundle, expect_key="0" * 64).ok
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    rotations = [e for e in manifest["custody"] if not e.get("withheld")]
    assert {first.seq, second.seq} <= {e["seq"] for e in rotations}
    assert any(e.get("withheld") for e in manifest["custody"])  # the unrelated item's event

    if shutil.which("openssl") is None or shutil.which("sha256sum") is None:
        pytest.skip("openssl/sha256sum not installed")
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(out)

    def run(*args: str) -> None:
        subprocess.run(args, cwd=out, check=True, capture_output=True)

    run("sha256sum", "-c", "SHA256SUMS")
    verify_with = ("openssl", "pkeyutl", "-verify", "-pubin", "-rawin", "-inkey")
    run(*verify_with, "public_key.pem", "-in", "SHA256SUMS", "-sigfile", "SHA256SUMS.sig")
    checked = 0
    for line in (out / "custody" / "KEYS").read_text().splitlines():
        first_seq, last_seq, key_file = line.split()
        for seq in range(int(first_seq), int(last_seq) + 1):
            stem = f"custody/{seq:06d}"
            run(*verify_with, key_file, "-in", f"{stem}.msg", "-sigfile", f"{stem}.sig")
            checked += 1
    assert checked == len(manifest["custody"])
    # The instructions' loop is what a court runs: it must pass as written.
    text = (out / "VERIFY.txt").read_text()
    loop = text[text.index("       while read") : text.index("done < custody/KEYS") + 19]
    result = subprocess.run(["sh", "-c", loop], cwd=out, capture_output=True, text=True)
    assert "differs" not in result.stdout, result
    assert result.stdout.count("Signature Verified Successfully") == checked, result
    # A signature by the wrong key of the history is refused by openssl too.
    first_key_file = sorted((out / "keys").glob("*.pem"))[0]
    stem = f"custody/{second.seq + 1:06d}"
    with pytest.raises(subprocess.CalledProcessError):
        run(*verify_with, str(first_key_file), "-in", f"{stem}.msg", "-sigfile", f"{stem}.sig")


def test_event_signed_by_retired_compromised_key_fails(archive: Project) -> None:
    project = archive
    result = rotate_key(project, reason="laptop seized", compromised=True)
    record_event(project, "viewed", [], "after the rotation")
    assert verify(project, record=False).ok
    forged = _append_forged(project, _old_private(project, result.previous_key_id))
    report = verify(project, record=False)
    assert not report.ok
    problems = {(p.kind, p.subject): p.message for p in report.failures}
    assert "retired as compromised" in problems[("event", f"event {forged}")]
    assert ("key", f"event {forged}") in problems  # its key id is not the valid one
    assert any(p.kind == "head" for p in report.failures)
    # Before the rotation nothing was timestamped: only the compromised key vouches for it.
    assert any(w.subject == f"events 1-{result.seq - 1}" for w in report.warnings)


def test_event_signed_by_retired_key_after_plain_rotation_fails(archive: Project) -> None:
    project = archive
    result = rotate_key(project, reason="scheduled")
    forged = _append_forged(project, _old_private(project, result.previous_key_id))
    assert ("event", f"event {forged}") in _failed(project)


def test_forged_second_rotation_fails(archive: Project) -> None:
    """The attacker holding the compromised key announces a key of their own."""
    project = archive
    result = rotate_key(project, reason="laptop seized", compromised=True)
    theirs, forged = _forge_rotation(project, result.previous_key_id, compromised=False)
    after = _append_forged(project, theirs)
    project.public_key_path.write_text(public_pem(theirs.public_key()))
    failures = _failed(project)
    assert ("event", f"event {forged}") in failures
    assert ("key", f"event {forged}") in failures  # the rotation is not followed
    assert ("event", f"event {after}") in failures


def test_replaced_rotation_event_fails(archive: Project, tmp_path: Path) -> None:
    """With the old key the attacker re-signs the rotation to name their key instead."""
    project = archive
    result = rotate_key(project, reason="laptop seized", compromised=True)
    with project.engine.begin() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq >= result.seq))
    theirs, forged = _forge_rotation(project, result.previous_key_id, compromised=True)
    _append_forged(project, theirs)
    # The project's own key file still names the real new key: the fork is named.
    assert ("key", f"event {forged}") in _failed(project)


def test_removed_rotation_event_fails(archive: Project, tmp_path: Path) -> None:
    project = archive
    result = rotate_key(project, reason="scheduled")
    add(project, _items(tmp_path, "after", 1), collected_by="tester")
    with project.engine.begin() as conn:
        conn.execute(delete(custody_events).where(custody_events.c.seq == result.seq))
    failures = _failed(project)
    assert ("event", f"event {result.seq}") in failures  # missing
    assert ("event", f"event {result.seq + 1}") in failures  # chain and signature


def test_swapped_keys_fail(archive: Project, tmp_path: Path) -> None:
    project = archive
    result = rotate_key(project, reason="scheduled")
    record_event(project, "viewed", [], "after")
    original = project.public_key_path.read_bytes()
    other = public_pem(Ed25519PrivateKey.generate().public_key())
    project.public_key_path.write_text(other)
    assert ("key", f"event {result.seq}") in _failed(project)
    project.public_key_path.write_bytes(original)
    retired = retired_dir(project) / f"{result.previous_key_id}.pem"
    retired.write_text(other)
    assert ("key", "event 1") in _failed(project)
    retired.unlink()
    assert ("key", "event 1") in _failed(project)


def test_cli_rotate_key(archive: Project, capsys: pytest.CaptureFixture[str]) -> None:
    project = archive

    def run(*args: str) -> tuple[int, str]:
        code, out, _ = run_cli(project, *args)
        return code, out

    code, out = run("evidence", "rotate-key", "--reason", "staff left", "--format", "json")
    assert code == 0, out
    data = json.loads(out)
    assert data["compromised"] is False and data["new_key_id"] != data["previous_key_id"]
    code, out = run("evidence", "rotate-key", "--reason", "seized", "--compromised")
    assert code == 0 and "compromised" in out and "destroy it" in out
    code, out = run("evidence", "verify", "--format", "json")
    assert code == 0, out
    assert [k["compromised"] for k in json.loads(out)["keys"]] == [False, True, False]
    code, _ = run("evidence", "rotate-key", "--reason", " ")
    assert code == 2
