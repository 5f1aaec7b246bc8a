"""Backup, delete the project, restore: identical content, and the custody log verifies."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyrage
import pytest
from sqlalchemy import select

from qantar import Project, evidence, vault
from qantar.errors import QantarError
from qantar.ingest import import_file
from qantar.protect import backup, check_backup, restore
from qantar.store.schema import import_batches, raw_rows, records, sources
from qantar.synth import ScenarioConfig, generate, write_scenario

BACKUP_PASSPHRASE = "a different passphrase for the backup"


def _filled(root: Path, tmp_path: Path, *, encrypted: bool) -> tuple[Project, set[str]]:
    project = Project.init(root, encrypted=encrypted)
    scenario = generate(ScenarioConfig(n=40), seed=5)
    paths = write_scenario(scenario, tmp_path / "lists", formats=("csv",))
    for name, source_list in scenario.lists.items():
        import_file(project, paths[name], source=name, kind=source_list.spec.kind)
    statement = tmp_path / "statement.txt"
    statement.write_text("what the witness saw", encoding="utf-8")
    evidence.add(project, [statement], collected_by="documenter")
    names = {p.surname_ru for p in scenario.persons if len(p.surname_ru) >= 5}
    return project, names


def _content(project: Project) -> dict[str, list[tuple[object, ...]]]:
    with project.engine.connect() as conn:
        return {
            t.name: [tuple(r) for r in conn.execute(select(t).order_by(*t.primary_key.columns))]
            for t in (sources, import_batches, raw_rows, records)
        }


@pytest.mark.parametrize("encrypted", [False, True])
def test_backup_delete_restore_is_identical(tmp_path: Path, encrypted: bool) -> None:
    project, names = _filled(tmp_path / "case", tmp_path, encrypted=encrypted)
    before = _content(project)
    custody_before = evidence.verify(project)
    assert custody_before.ok
    archive = tmp_path / "case.qbackup"
    backup(project, archive, passphrase=BACKUP_PASSPHRASE)
    blob = archive.read_bytes()
    assert not [n for n in names if n.encode("utf-8") in blob]
    project.close()
    shutil.rmtree(project.root)
    vault.forget(project.root)

    result = restore(archive, tmp_path / "restored", passphrase=BACKUP_PASSPHRASE)
    restored = Project.open(result.root)
    assert restored.encrypted == encrypted
    assert _content(restored) == before
    assert evidence.verify(restored).ok


def test_restore_checks_the_whole_file_before_writing(tmp_path: Path) -> None:
    project, _ = _filled(tmp_path / "case", tmp_path, encrypted=False)
    archive = tmp_path / "case.qbackup"
    backup(project, archive, passphrase=BACKUP_PASSPHRASE)
    data = bytearray(archive.read_bytes())
    data[len(data) - 100] ^= 0x01  # one bit near the end: the last files are damaged
    damaged = tmp_path / "damaged.qbackup"
    damaged.write_bytes(bytes(data))
    with pytest.raises(QantarError, match=r"damaged|altered"):
        restore(damaged, tmp_path / "restored", passphrase=BACKUP_PASSPHRASE)
    assert not (tmp_path / "restored").exists()
    truncated = tmp_path / "truncated.qbackup"
    truncated.write_bytes(bytes(archive.read_bytes()[: len(data) // 2]))
    with pytest.raises(QantarError):
        check_backup(truncated, passphrase=BACKUP_PASSPHRASE)


def test_wrong_backup_passphrase_writes_nothing(tmp_path: Path) -> None:
    project, _ = _filled(tmp_path / "case", tmp_path, encrypted=False)
    archive = tmp_path / "case.qbackup"
    backup(project, archive, passphrase=BACKUP_PASSPHRASE)
    with pytest.raises(QantarError, match="wrong passphrase"):
        restore(archive, tmp_path / "restored", passphrase="guess")
    assert not (tmp_path / "restored").exists()


def test_backup_to_age_recipients(tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    project, _ = _filled(tmp_path / "case", tmp_path, encrypted=False)
    archive = tmp_path / "case.qbackup"
    backup(project, archive, recipients=[str(identity.to_public())])
    with pytest.raises(QantarError, match="identity"):
        restore(archive, tmp_path / "nope")
    result = restore(archive, tmp_path / "restored", identities=[str(identity)])
    assert evidence.verify(Project.open(result.root)).ok


def test_backup_refuses_to_overwrite(tmp_path: Path) -> None:
    project, _ = _filled(tmp_path / "case", tmp_path, encrypted=False)
    archive = tmp_path / "exists.qbackup"
    archive.write_bytes(b"something else")
    with pytest.raises(QantarError, match="exists"):
        backup(project, archive, passphrase=BACKUP_PASSPHRASE)
    assert archive.read_bytes() == b"something else"


def test_a_gazetteer_of_the_project_own_is_backed_up(tmp_path: Path) -> None:
    """[case] gazetteer names a file in the project: the restored project opens with it."""
    project = Project.init(tmp_path / "case")
    places = project.root / "places.csv"
    places.write_text(
        "id,kind,name_kk,name_ru,name_en\nzhanatown,city,Жаңақала,Жанагород,Zhanatown\n",
        encoding="utf-8",
    )
    settings = project.root / "qantar.toml"
    settings.write_text(
        settings.read_text(encoding="utf-8").replace(
            'gazetteer = "kz"', 'gazetteer = "places.csv"'
        ),
        encoding="utf-8",
    )
    project = Project.open(project.root)
    archive = tmp_path / "case.qbackup"
    backup(project, archive, passphrase=BACKUP_PASSPHRASE)
    project.close()
    shutil.rmtree(project.root)
    vault.forget(project.root)
    result = restore(archive, tmp_path / "restored", passphrase=BACKUP_PASSPHRASE)
    restored = Project.open(result.root)
    assert restored.gazetteer.resolve("Жанагород") == "zhanatown"
    restored.close()
