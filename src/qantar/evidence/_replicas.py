"""Replicas and fixity (EI-16): second copies of every object, re-hashed on demand.

Replicas are folders (a second disk, a mounted share) with the same layout as
evidence/objects. ``fixity`` re-hashes every copy, names each that drifted, and restores it
from a good copy; the damaged file is moved aside into ``quarantine/``, never deleted,
because the damage itself may be evidence.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qantar.errors import N_, QantarError
from qantar.evidence._archive import objects_dir, objects_key
from qantar.evidence._custody import custody
from qantar.evidence._objects import hash_file, object_path, plain_copy, store_file
from qantar.evidence._tables import evidence_items
from qantar.model import CustodyAction
from qantar.model.dicts import fields_dict
from qantar.notes import Note
from qantar.project import Project


@dataclass
class FixityReport:
    ok: bool = True
    copies_checked: int = 0
    drift: list[dict[str, str]] = field(default_factory=list)
    restored: list[dict[str, str]] = field(default_factory=list)
    unrecoverable: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


def configured_replicas(project: Project) -> list[Path]:
    """``[evidence] replicas = ["/media/backup/case-objects"]`` in qantar.toml."""
    return [(project.root / p).resolve() for p in project.settings.evidence.replicas]


def _targets(project: Project, replicas: list[Path] | None) -> list[Path]:
    folders = replicas if replicas is not None else configured_replicas(project)
    if not folders:
        raise QantarError(
            N_(
                'no replicas: add `replicas = ["/path/to/second/disk"]` under [evidence] in '
                "qantar.toml, or pass folders"
            )
        )
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    return folders


def _items(project: Project) -> list[dict[str, Any]]:
    with project.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(evidence_items)).mappings()]


def replicate(
    project: Project, replicas: list[Path] | None = None, *, actor: str | None = None
) -> int:
    """Copy every object missing from each replica; returns the number of copies made."""
    made = 0
    folders = _targets(project, replicas)
    primary = objects_dir(project)
    key = objects_key(project)
    copied: list[str] = []
    for folder in folders:
        for item in _items(project):
            if object_path(folder, item["sha256"]).exists():
                continue
            # A replica is as sealed as the primary store: the same key, fresh nonces.
            with plain_copy(object_path(primary, item["sha256"]), key) as plain:
                stored = store_file(plain, folder, key=key)
            if stored.sha256 != item["sha256"]:
                raise QantarError(
                    N_("object %(item)s is damaged: run `qantar evidence fixity`"),
                    item=item["sha256"],
                )
            made += 1
            copied.append(item["sha256"])
    if copied:
        with custody(project, actor) as log:
            log.append(
                CustodyAction.REPLICATED,
                copied,
                f"{made} cop(ies) written to {len(folders)} replica folder(s)",
                {"replicas": [str(f) for f in folders]},
            )
    return made


def _good(path: Path, item: dict[str, Any], key: bytes | None) -> bool:
    if not path.is_file() or path.is_symlink():
        return False
    try:
        return hash_file(path, key) == (item["sha256"], item["sha512"], item["size"])
    except (OSError, QantarError):  # unreadable, or an encrypted copy that fails its check
        return False


def fixity(
    project: Project,
    replicas: list[Path] | None = None,
    *,
    repair: bool = True,
    actor: str | None = None,
) -> FixityReport:
    """Re-hash the primary store and every replica; name drift; restore from a good copy."""
    report = FixityReport()
    stores = [objects_dir(project), *_targets(project, replicas)]
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    restored_items: list[str] = []
    key = objects_key(project)
    for item in _items(project):
        copies = [object_path(store, item["sha256"]) for store in stores]
        states = [_good(path, item, key) for path in copies]
        report.copies_checked += len(copies)
        good = next((p for p, ok in zip(copies, states, strict=True) if ok), None)
        for path, ok in zip(copies, states, strict=True):
            if ok:
                continue
            report.ok = False
            problem = Note(N_("missing") if not path.exists() else N_("content changed"))
            report.drift.append({"file": str(path), "problem": problem})
            if not repair:
                continue
            if good is None:
                report.unrecoverable.append(str(path))
                continue
            store = path.parent.parent
            if path.exists() or path.is_symlink():
                aside = store / "quarantine" / f"{item['sha256']}.{stamp}"
                aside.parent.mkdir(exist_ok=True)
                os.rename(path, aside)
            with plain_copy(good, key) as plain:
                store_file(plain, store, key=key)
            report.restored.append({"file": str(path), "from": str(good)})
            restored_items.append(item["sha256"])
    if restored_items:
        with custody(project, actor) as log:
            log.append(
                CustodyAction.RESTORED,
                restored_items,
                f"{len(report.restored)} damaged or missing cop(ies) restored from good copies",
                {"restored": report.restored},
            )
    return report
