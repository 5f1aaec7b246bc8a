"""An encrypted project: no name in the registry's bytes, a wrong key changes nothing,
and an existing project encrypted in place keeps every row."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from qantar import Project, vault
from qantar.errors import QantarError
from qantar.ingest import import_file
from qantar.protect import encrypt_project
from qantar.store.schema import records
from qantar.synth import ScenarioConfig, generate, write_scenario


def _imported(project: Project, tmp_path: Path) -> set[str]:
    scenario = generate(ScenarioConfig(n=60), seed=3)
    paths = write_scenario(scenario, tmp_path / "lists", formats=("csv",))
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    return {
        form
        for person in scenario.persons
        for form in (person.surname_ru, person.surname_kk)
        if form and len(form) >= 5
    }


def _database_bytes(project: Project) -> bytes:
    db = project.root / "qantar.db"
    return b"".join(
        p.read_bytes() for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()
    )


def _leaks(blob: bytes, names: set[str]) -> list[str]:
    return [
        n
        for n in names
        if any(n.encode(enc, errors="ignore") in blob for enc in ("utf-8", "utf-16-le", "cp1251"))
    ]


def test_encrypted_registry_holds_no_name(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "case", encrypted=True)
    names = _imported(project, tmp_path)
    assert names
    with project.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(records)).scalar()
        assert conn.execute(text("PRAGMA cipher_version")).scalar()
    blob = _database_bytes(project)
    assert not blob.startswith(b"SQLite format 3")
    assert _leaks(blob, names) == []
    # The same import into a plaintext project does show the names: the check can fail.
    plain = Project.init(tmp_path / "plain")
    plain_names = _imported(plain, tmp_path / "p")
    assert _leaks(_database_bytes(plain), plain_names)


def test_wrong_passphrase_on_an_encrypted_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.init(tmp_path / "case", encrypted=True)
    _imported(project, tmp_path)
    project.close()
    before = (project.root / "qantar.db").read_bytes()
    vault.forget(project.root)
    monkeypatch.setenv("QANTAR_PASSPHRASE", "guess")
    with pytest.raises(vault.WrongPassphraseError):
        Project.open(project.root).engine  # noqa: B018
    assert (project.root / "qantar.db").read_bytes() == before


def test_truncated_encrypted_database_is_a_clear_error(tmp_path: Path) -> None:
    project = Project.init(tmp_path / "case", encrypted=True)
    _imported(project, tmp_path)
    project.close()
    db = project.root / "qantar.db"
    for side in ("-wal", "-shm"):
        Path(f"{db}{side}").unlink(missing_ok=True)
    db.write_bytes(db.read_bytes()[:100])
    with pytest.raises(QantarError, match="does not open"):
        Project.open(project.root).engine  # noqa: B018


def test_encrypt_in_place_keeps_every_row(project: Project, tmp_path: Path) -> None:
    names = _imported(project, tmp_path)
    with project.engine.connect() as conn:
        before = conn.execute(select(records).order_by(records.c.id)).all()
    result = encrypt_project(project)
    assert result.rows > len(before)
    reopened = Project.open(project.root)
    assert reopened.encrypted
    with reopened.engine.connect() as conn:
        after = conn.execute(select(records).order_by(records.c.id)).all()
    assert after == before
    assert _leaks(_database_bytes(reopened), names) == []
    assert not list(project.root.glob("qantar.db.encrypting*"))
    with pytest.raises(QantarError, match="already encrypted"):
        encrypt_project(reopened)


def test_encrypted_refuses_a_server_database(tmp_path: Path) -> None:
    with pytest.raises(QantarError, match="disk encryption"):
        Project.init(
            tmp_path / "case", encrypted=True, database="postgresql+psycopg://u@db.example/q"
        )
    assert not (tmp_path / "case" / "qantar.toml").exists()
