"""Near-duplicate suggestions from stored perceptual hashes (EI-12): grouped, never merged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from qantar.evidence._common import resolve_item
from qantar.evidence._perceptual import PHash, distance
from qantar.evidence._tables import evidence_items, perceptual_hashes
from qantar.project import Project


@dataclass(frozen=True)
class Similar:
    sha256: str
    original_name: str
    media_type: str
    phash_distance: int | None
    pdq_distance: int | None
    low_quality: bool
    direct: bool  # close to the asked item itself, not only through another member


def _load(project: Project) -> tuple[dict[str, list[PHash]], dict[str, tuple[str, str]]]:
    by_item: dict[str, list[PHash]] = defaultdict(list)
    with project.engine.connect() as conn:
        for row in conn.execute(select(perceptual_hashes)).mappings():
            by_item[row["item_sha256"]].append(
                PHash(row["algo"], row["variant"], row["hash"], row["quality"])
            )
        names = {
            r[0]: (r[1], r[2])
            for r in conn.execute(
                select(
                    evidence_items.c.sha256,
                    evidence_items.c.original_name,
                    evidence_items.c.media_type,
                )
            )
        }
    return dict(by_item), names


def groups(project: Project) -> list[list[str]]:
    """Items that look alike, as groups of two or more (single linkage over close pairs)."""
    hashes, _ = _load(project)
    ids = sorted(hashes)
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            if distance(hashes[a], hashes[b]).similar:
                parent[find(a)] = find(b)
    clusters: dict[str, list[str]] = defaultdict(list)
    for member in ids:
        clusters[find(member)].append(member)
    return sorted((sorted(c) for c in clusters.values() if len(c) > 1), key=lambda c: c[0])


def similar(project: Project, item: str) -> list[Similar]:
    """The members of ``item``'s group with their distances to it, closest first."""
    with project.engine.connect() as conn:
        sha = resolve_item(conn, item)
    hashes, names = _load(project)
    group = next((g for g in groups(project) if sha in g), [])
    out = []
    for other in group:
        if other == sha:
            continue
        d = distance(hashes[sha], hashes[other])
        name, media_type = names.get(other, ("?", "?"))
        out.append(Similar(other, name, media_type, d.phash, d.pdq, d.low_quality, d.similar))
    return sorted(
        out,
        key=lambda s: (not s.direct, s.phash_distance if s.phash_distance is not None else 99),
    )
