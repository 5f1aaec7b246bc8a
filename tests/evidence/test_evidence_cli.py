"""The CLI end to end: add, list, show, similar, verify, export, verify-bundle, incidents."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from _cli import run_cli as run

from qantar import Project
from qantar.evidence._objects import object_path


def test_cli_round_trip(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        project,
        "incident",
        "add",
        "--description",
        "shots fired",
        "--type",
        "shooting",
        "--date",
        "2022-01",
        "--place",
        "Almaty",
        "--format",
        "json",
    )
    assert code == 0
    incident = json.loads(out)["id"]
    f = tmp_path / "video-note.txt"
    f.write_text("witness account reference W-3")
    code, out, _ = run(
        project,
        "evidence",
        "add",
        str(f),
        "--collected-by",
        "Team A",
        "--collected-at",
        "2022-01-06T08:00Z",
        "--source-url",
        "https://example.org/post/1",
        "--incident",
        str(incident),
        "--person",
        "person-42",
        "--note",
        "copy from the group chat",
        "--format",
        "json",
    )
    assert code == 0, out
    [added] = json.loads(out)
    sha = added["sha256"]
    assert added["new"] is True

    code, out, _ = run(project, "evidence", "add", str(f), "--format", "json")
    assert json.loads(out)[0]["new"] is False

    code, out, _ = run(project, "evidence", "list", "--format", "json")
    [item] = json.loads(out)
    assert item["collected_by"] == "Team A" and item["source_url"] == "https://example.org/post/1"

    code, out, _ = run(project, "evidence", "show", sha[:10], "--format", "json")
    shown = json.loads(out)
    assert shown["incidents"] == [incident] and shown["persons"] == ["person-42"]
    actions = [e["action"] for e in shown["custody"]]
    assert actions[:2] == ["added", "linked"] and "acquired" in actions

    code, out, _ = run(project, "evidence", "similar", sha[:10], "--format", "json")
    assert code == 0 and json.loads(out) == []

    code, out, _ = run(project, "incident", "list", "--format", "json")
    assert json.loads(out)[0]["items"] == 1

    code, out, _ = run(project, "evidence", "verify", "--format", "json")
    assert code == 0 and json.loads(out)["ok"] is True

    bundle = tmp_path / "bundle.zip"
    code, out, _ = run(
        project, "evidence", "export", "--out", str(bundle), "--incident", str(incident)
    )
    assert code == 0 and bundle.exists()
    code, out, _ = run(project, "evidence", "verify-bundle", str(bundle))
    assert code == 0 and "OK" in out


def test_cli_verify_names_failures_and_exits_nonzero(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "a.txt"
    f.write_text("aaa")
    run(project, "evidence", "add", str(f))
    from qantar.evidence import list_items

    sha = list_items(project)[0]["sha256"]
    path = object_path(project.evidence_dir / "objects", sha)
    os.chmod(path, 0o644)
    path.write_text("aab")
    code, out, _ = run(project, "evidence", "verify", "--format", "json")
    assert code == 1
    report = json.loads(out)
    assert report["ok"] is False
    assert report["failures"][0]["subject"] == str(path)
    code, out, _ = run(project, "evidence", "verify")
    assert code == 1 and str(path) in out.replace("\n", "")


def test_cli_user_errors_are_one_line(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(project, "evidence", "add", str(tmp_path))
    assert code == 2 and "folder" in err and "Traceback" not in err
    code, _, err = run(project, "evidence", "show", "zzzz")
    assert code == 2


def test_show_prints_who_handed_the_item_over(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#15.15: `show` printed "from unknown" (the source URL) when --from-whom was given."""
    f = tmp_path / "statement.txt"
    f.write_text("a statement")
    code, out, _ = run(
        project, "evidence", "add", str(f), "--from-whom", "a relative", "--format", "json"
    )
    sha = json.loads(out)[0]["sha256"]
    code, out, _ = run(project, "evidence", "show", sha[:10])
    assert code == 0
    lines = [line.strip() for line in out.splitlines()]
    assert "handed over by: a relative" in lines
    assert "source URL: unknown" in lines
    assert not any(line.startswith("collected by") and "from unknown" in line for line in lines)


def test_verify_needs_only_the_public_key(
    project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """#16.3: a verifier holds the public key alone; verify exited 2 without the private key."""
    f = tmp_path / "a.txt"
    f.write_text("aaa")
    run(project, "evidence", "add", str(f))
    project.private_key_path.unlink()
    code, out, err = run(project, "evidence", "verify", "--format", "json")
    assert code == 0, err
    report = json.loads(out)
    assert report["ok"] is True and report["recorded"] is False
    code, out, _ = run(project, "evidence", "verify")
    assert code == 0 and "not recorded" in out
