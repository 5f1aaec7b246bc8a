"""The write-once store (EI-1..EI-4) and bad input: clear messages, nothing half-written."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from qantar import Project
from qantar.errors import InputError
from qantar.evidence import add, list_items
from qantar.evidence._custody import events
from qantar.evidence._objects import object_path, store_file
from qantar.evidence._tables import evidence_collections, evidence_items


def _store_files(project: Project) -> list[Path]:
    return sorted(p for p in (project.evidence_dir / "objects").rglob("*") if p.is_file())


def _temps(objects: Path) -> list[Path]:
    return sorted((objects / ".tmp").glob("*")) if (objects / ".tmp").is_dir() else []


def test_object_is_exact_read_only_copy_named_by_sha256(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "photo.jpg"  # the name lies: the content is text
    source.write_bytes(b"not really a jpeg\n" * 1000)
    [result] = add(project, [source], collected_by="A")
    path = object_path(project.evidence_dir / "objects", result.sha256)
    assert path.read_bytes() == source.read_bytes()
    assert result.sha256 == hashlib.sha256(source.read_bytes()).hexdigest()
    assert stat.S_IMODE(path.stat().st_mode) & 0o222 == 0
    assert result.media_type == "text/plain"


def test_digests_match_coreutils(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "blob.bin"
    source.write_bytes(os.urandom(3_000_000))
    [result] = add(project, [source])
    with project.engine.connect() as conn:
        row = conn.execute(select(evidence_items)).mappings().one()
    sha256 = subprocess.run(["sha256sum", source], capture_output=True, text=True, check=True)
    sha512 = subprocess.run(["sha512sum", source], capture_output=True, text=True, check=True)
    assert row["sha256"] == sha256.stdout.split()[0] == result.sha256
    assert row["sha512"] == sha512.stdout.split()[0]
    assert row["size"] == 3_000_000


def test_same_bytes_twice_one_object_two_events(project: Project, tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "copy-of-a.txt"
    a.write_text("same content")
    b.write_text("same content")
    first = add(project, [a], collected_by="A")[0]
    second = add(project, [b], collected_by="B", source_url="https://example.org/x")[0]
    assert first.sha256 == second.sha256 and first.new and not second.new
    assert len(_store_files(project)) == 1
    with project.engine.connect() as conn:
        log = events(conn)
        collections = conn.execute(select(func.count()).select_from(evidence_collections))
        assert collections.scalar_one() == 2
    assert [e["action"] for e in log] == ["added", "acquired"]
    assert all(e["items"] == [first.sha256] for e in log)


def test_no_code_path_overwrites_an_existing_object(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("original")
    sha = add(project, [source])[0].sha256
    target = object_path(project.evidence_dir / "objects", sha)
    os.chmod(target, 0o644)
    target.write_text("tampered")  # damage done outside qantar...
    os.chmod(target, 0o444)
    with pytest.raises(InputError, match="no longer match"):
        store_file(source, project.evidence_dir / "objects")
    assert target.read_text() == "tampered"  # never "repaired" by writing over it
    assert not _temps(target.parent.parent)


def test_collection_record_unknown_never_invented(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x")
    add(project, [source])
    with project.engine.connect() as conn:
        row = conn.execute(select(evidence_collections)).mappings().one()
    for name in ("collected_by", "collected_at", "collected_at_source", "source_url", "place"):
        assert row[name] == "unknown"
    assert row["original_name"] == "x.txt"
    assert row["how"].startswith("qantar")


def test_collection_time_normalised_to_utc_and_naive_refused(
    project: Project, tmp_path: Path
) -> None:
    source = tmp_path / "x.txt"
    source.write_text("x")
    add(project, [source], collected_at="2022-01-05T14:30+06:00", collected_at_source="phone")
    with project.engine.connect() as conn:
        row = conn.execute(select(evidence_collections)).mappings().one()
    assert row["collected_at"] == "2022-01-05T08:30:00Z"
    with pytest.raises(InputError, match="time zone"):
        add(project, [source], collected_at="2022-01-05T14:30")


@pytest.mark.parametrize("case", ["missing", "empty", "symlink", "folder", "unreadable"])
def test_bad_input_is_refused_and_nothing_written(
    project: Project, tmp_path: Path, case: str
) -> None:
    good = tmp_path / "good.txt"
    good.write_text("fine")
    bad = tmp_path / "bad"
    expected = {
        "missing": "no such file",
        "empty": "empty",
        "symlink": "symbolic link",
        "folder": "folder",
        "unreadable": "permission denied",
    }[case]
    if case == "empty":
        bad.write_bytes(b"")
    elif case == "symlink":
        bad.symlink_to(good)
    elif case == "folder":
        bad.mkdir()
    elif case == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads everything")
        bad.write_text("secret")
        bad.chmod(0)
    with pytest.raises(InputError, match=expected) as info:
        add(project, [good, bad])
    assert str(bad) in str(info.value)
    assert _store_files(project) == []
    assert list_items(project) == []


def test_special_files_are_refused(project: Project, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        add(project, [fifo])
    assert _store_files(project) == []


def test_file_changing_while_added_leaves_nothing(project: Project, tmp_path: Path) -> None:
    source = tmp_path / "growing.mp4"
    source.write_bytes(os.urandom(3 << 20))

    def append_once(_n: int, state: dict[str, bool] = {}) -> None:  # noqa: B006
        if not state:
            state["done"] = True
            with open(source, "ab") as handle:
                handle.write(b"more bytes arrived")

    with pytest.raises(InputError, match="changed while being added"):
        store_file(source, project.evidence_dir / "objects", on_chunk=append_once)
    assert _store_files(project) == []
    objects = project.evidence_dir / "objects"
    assert [e.name for e in os.scandir(objects)] == [".tmp"] and not _temps(objects)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(min_size=1, max_size=5000))
def test_store_round_trips_any_bytes(tmp_path: Path, data: bytes) -> None:
    objects = tmp_path / "objects"
    objects.mkdir(exist_ok=True)
    source = tmp_path / "in.bin"
    source.write_bytes(data)
    stored = store_file(source, objects)
    assert stored.path.read_bytes() == data
    assert stored.sha256 == hashlib.sha256(data).hexdigest()
    assert stored.sha512 == hashlib.sha512(data).hexdigest()
    assert not _temps(objects)


def test_rule5_objects_and_folders_are_private(project: Project, tmp_path: Path) -> None:
    """#16.5: evidence objects 0400, every evidence folder (and keys/) 0700."""
    source = tmp_path / "x.txt"
    source.write_text("a statement")
    [result] = add(project, [source])
    objects = project.evidence_dir / "objects"
    path = object_path(objects, result.sha256)
    assert stat.S_IMODE(path.stat().st_mode) == 0o400
    for folder in (project.evidence_dir, objects, path.parent, objects / ".tmp"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(project.private_key_path.parent.stat().st_mode) == 0o700


_SLOW_ADD = """
import sys, time
from pathlib import Path
from qantar import Project
from qantar.evidence import add

marker = Path(sys.argv[3])

def stall(_n: int) -> None:
    marker.write_text("copying")
    time.sleep(60)

add(Project.open(sys.argv[1]), [sys.argv[2]], on_progress=stall)
"""


def test_rule4_killed_add_leaves_a_private_temp_swept_on_next_start(
    project: Project, tmp_path: Path
) -> None:
    """#16.4: a killed `evidence add` left a full-size temp file in the store for good."""
    import signal
    import sys
    import time

    big = tmp_path / "video.bin"
    big.write_bytes(os.urandom(4 << 20))
    marker = tmp_path / "started"
    child = subprocess.Popen(
        [sys.executable, "-c", _SLOW_ADD, str(project.root), str(big), str(marker)],
        env={**os.environ},
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the add finished before it could be killed"
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    objects = project.evidence_dir / "objects"
    [left] = _temps(objects)
    assert stat.S_IMODE(left.stat().st_mode) == 0o600
    assert stat.S_IMODE(left.parent.stat().st_mode) == 0o700
    assert list_items(project) == []

    other = tmp_path / "next.txt"
    other.write_text("the next add")
    add(project, [other])
    assert not _temps(objects)
    assert len(_store_files(project)) == 1
