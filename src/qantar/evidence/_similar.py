"""Near-duplicate suggestions from stored perceptual hashes (EI-12): grouped, never merged.

All hashes sit in one numpy table (64-bit words), so finding an item's neighbours is one
vectorised pass over the archive, and grouping thousands of photos stays fast.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from qantar.evidence._common import resolve_item
from qantar.evidence._perceptual import PDQ_MAX, PDQ_MIN_QUALITY, PHASH_MAX, PHash, distance
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


class _Index:
    def __init__(self, by_item: dict[str, list[PHash]]) -> None:
        self.items = sorted(by_item)
        self.by_item = by_item
        position = {sha: i for i, sha in enumerate(self.items)}
        self.tables: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        for algo, words in (("phash", 1), ("pdq", 4)):
            rows = [
                (position[sha], h)
                for sha in self.items
                for h in by_item[sha]
                if h.algo == algo and (algo == "phash" or (h.quality or 0) >= PDQ_MIN_QUALITY)
            ]
            owner = np.array([r[0] for r in rows], dtype=np.int64)
            crop = np.array([r[1].variant.startswith("crop") for r in rows], dtype=bool)
            bits = np.zeros((len(rows), words), dtype=np.uint64)
            for k, (_, h) in enumerate(rows):
                value = int(h.hash, 16)
                for w in range(words):
                    bits[k, words - 1 - w] = (value >> (64 * w)) & 0xFFFFFFFFFFFFFFFF
            self.tables[algo] = (owner, crop, bits)

    def neighbours(self, i: int) -> set[int]:
        """Items within threshold of item ``i`` by pHash or (good-quality) PDQ."""
        found: set[int] = set()
        for algo, limit in (("phash", PHASH_MAX), ("pdq", PDQ_MAX)):
            owner, crop, bits = self.tables[algo]
            mine = np.flatnonzero(owner == i)
            if not len(mine) or not len(owner):
                continue
            for row in mine:
                d = np.bitwise_count(bits ^ bits[row]).sum(axis=1)
                close = d <= limit
                if crop[row]:
                    close &= ~crop  # crops only against full images, never crop vs crop
                found.update(int(x) for x in np.unique(owner[close]))
        found.discard(i)
        return found

    def group(self, i: int) -> set[int]:
        seen = {i}
        frontier = [i]
        while frontier:
            current = frontier.pop()
            for j in self.neighbours(current) - seen:
                seen.add(j)
                frontier.append(j)
        return seen


def _load(project: Project) -> tuple[_Index, dict[str, tuple[str, str]]]:
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
    return _Index(dict(by_item)), names


def groups(project: Project) -> list[list[str]]:
    """Items that look alike, as groups of two or more (single linkage over close pairs)."""
    index, _ = _load(project)
    seen: set[int] = set()
    out = []
    for i in range(len(index.items)):
        if i in seen:
            continue
        members = index.group(i)
        seen |= members
        if len(members) > 1:
            out.append(sorted(index.items[m] for m in members))
    return sorted(out, key=lambda g: g[0])


def similar(project: Project, item: str) -> list[Similar]:
    """The members of ``item``'s group with their distances to it, closest first."""
    with project.engine.connect() as conn:
        sha = resolve_item(conn, item)
    index, names = _load(project)
    if sha not in index.by_item:
        return []
    i = index.items.index(sha)
    out = []
    for j in sorted(index.group(i) - {i}):
        other = index.items[j]
        d = distance(index.by_item[sha], index.by_item[other])
        name, media_type = names.get(other, ("?", "?"))
        out.append(Similar(other, name, media_type, d.phash, d.pdq, d.low_quality, d.similar))
    return sorted(
        out,
        key=lambda s: (not s.direct, s.phash_distance if s.phash_distance is not None else 99),
    )
