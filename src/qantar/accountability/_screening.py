"""Screening the register's persons and units against a sanctions or PEP list in FtM JSON
lines (e.g. an OpenSanctions export the user downloaded).

Every match explains itself (name parts across scripts, birth dates, nationality) and
says which list it comes from. A list flagged in ``datasets.toml`` (e.g. Kazakhstan's
own financial-monitoring list, which has named protesters as "terrorists") is reported
with its caution and never as a confirmation.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity
from rapidfuzz.fuzz import token_sort_ratio

from qantar.accountability._entities import load_entities, read_entities
from qantar.errors import N_, InputError
from qantar.model.dicts import jsonable
from qantar.names import compare, name_key
from qantar.notes import Note
from qantar.project import Project

DEFAULT_THRESHOLD = 0.8
# Candidates scoring below this are not reported at all (they are noise, not near-misses).
REPORT_FLOOR = 0.5
NameComparer = Callable[[str, str], tuple[float, list[str]]]


def compare_person_names(a: str, b: str) -> tuple[float, list[str]]:
    """Cross-script comparison of two person names (qantar.names): score and reasons.

    The single place the screening takes its name similarity from: pass another function
    as ``compare_names`` to ``screen`` to try a different one.
    """
    result = compare(a, b)
    return float(result.score), list(result.reasons)


def compare_org_names(a: str, b: str) -> tuple[float, list[str]]:
    ka = " ".join(name_key(w) for w in a.split())
    kb = " ".join(name_key(w) for w in b.split())
    score = token_sort_ratio(ka, kb) / 100.0
    return score, [
        Note(N_("organisation name similarity %(score)s across scripts"), score=f"{score:.2f}")
    ]


@dataclass(frozen=True)
class DatasetFlag:
    dataset: str
    flag: str
    title: str
    caution: str

    def to_dict(self) -> dict[str, str]:
        return jsonable(
            {
                "dataset": self.dataset,
                "flag": self.flag,
                "title": self.title,
                "caution": self.caution,
            }
        )


def dataset_flags(project: Project | None = None) -> dict[str, DatasetFlag]:
    """Flagged lists: the shipped ones plus [accountability.datasets.*] in qantar.toml."""
    text = resources.files("qantar.accountability").joinpath("datasets.toml").read_text("utf-8")
    config: dict[str, Any] = dict(tomllib.loads(text).get("datasets", {}))
    if project is not None:
        config.update(project.settings.accountability.datasets)
    return {
        name: DatasetFlag(
            dataset=name,
            flag=str(entry.get("flag", "caution")),
            title=str(entry.get("title", name)),
            caution=str(entry.get("caution", "")),
        )
        for name, entry in config.items()
        if isinstance(entry, dict)
    }


@dataclass
class ScreenMatch:
    query_id: str
    query_name: str
    match_id: str
    match_name: str
    score: float
    match: bool
    reasons: list[str]
    datasets: list[str]
    flags: list[DatasetFlag] = field(default_factory=list)

    @property
    def confirms_listing(self) -> bool:
        """A match is at most evidence of a listing, and never from a flagged list alone."""
        return self.match and any(d not in {f.dataset for f in self.flags} for d in self.datasets)

    @property
    def interpretation(self) -> str:
        if not self.match:
            return "below the threshold: not the same person on this evidence"
        if self.flags and not self.confirms_listing:
            return (
                "named on a list flagged as targeting dissent; NOT a confirmation of anything "
                "(see caution)"
            )
        return "possible listing of the same person: check the list's own entry before citing"

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "query_id": self.query_id,
                "query_name": self.query_name,
                "match_id": self.match_id,
                "match_name": self.match_name,
                "score": round(self.score, 4),
                "match": self.match,
                "reasons": self.reasons,
                "dataset": self.datasets[0] if self.datasets else None,
                "datasets": self.datasets,
                "dataset_flags": [f.to_dict() for f in self.flags],
                "confirms_listing": self.confirms_listing,
                "interpretation": self.interpretation,
            }
        )


def _person_names(entity: ValueEntity) -> list[str]:
    names = entity.get("name", quiet=True) + entity.get("alias", quiet=True)
    names += entity.get("previousName", quiet=True)
    firsts = entity.get("firstName", quiet=True)
    lasts = entity.get("lastName", quiet=True)
    fathers = entity.get("fatherName", quiet=True) + entity.get("middleName", quiet=True)
    for last in lasts:
        for first in firsts:
            names.append(f"{last} {first}")
            names.extend(f"{last} {first} {father}" for father in fathers)
    return list(dict.fromkeys(n for n in names if n.strip()))


def _block_keys(names: Iterable[str]) -> set[str]:
    keys = set()
    for n in names:
        for word in n.replace("-", " ").split():
            k = name_key(word)
            if len(k) >= 3:
                keys.add(k)
    return keys


def _kind(entity: ValueEntity) -> str | None:
    if entity.schema.is_a("Person"):
        return "person"
    if entity.schema.is_a("Organization") or entity.schema.name in ("LegalEntity", "Company"):
        return "organization"
    return None


def _date_reasons(q: list[str], c: list[str]) -> tuple[float, str | None]:
    """(multiplier, reason) from birth dates; an open side changes nothing."""
    if not q or not c:
        return 1.0, None
    best = "different"
    for a in q:
        for b in c:
            n = min(len(a), len(b))
            if a[:n] == b[:n]:
                best = "same" if n >= 10 else ("year" if best != "same" else best)
    if best == "same":
        return 1.04, Note(N_("same birth date"))
    if best == "year":
        return 1.0, Note(N_("birth dates agree as far as both are known"))
    return 0.55, Note(
        N_("different birth date (%(ours)s vs %(theirs)s)"), ours=", ".join(q), theirs=", ".join(c)
    )


def _country_reasons(q: set[str], c: set[str]) -> tuple[float, str | None]:
    if not q or not c:
        return 1.0, None
    if q & c:
        return 1.02, Note(
            N_("same nationality/country (%(countries)s)"), countries=", ".join(sorted(q & c))
        )
    return 0.85, Note(
        N_("different nationality (%(ours)s vs %(theirs)s)"),
        ours=", ".join(sorted(q)),
        theirs=", ".join(sorted(c)),
    )


def _countries(entity: ValueEntity) -> set[str]:
    return set(
        entity.get("nationality", quiet=True)
        + entity.get("citizenship", quiet=True)
        + entity.get("country", quiet=True)
        + entity.get("jurisdiction", quiet=True)
    )


def score_pair(
    query: ValueEntity,
    candidate: ValueEntity,
    *,
    compare_names: NameComparer = compare_person_names,
) -> tuple[float, list[str]]:
    """Score one register entity against one list entity, with reasons."""
    person = query.schema.is_a("Person")
    names_q = _person_names(query) if person else query.names
    names_c = _person_names(candidate) if person else candidate.names
    comparer = compare_names if person else compare_org_names
    best, reasons, pair = 0.0, [], ("", "")
    for a in names_q:
        for b in names_c:
            s, r = comparer(a, b)
            if s > best:
                best, reasons, pair = s, r, (a, b)
    if best == 0.0:
        return 0.0, [Note(N_("no name in common"))]
    out = [
        Note(
            N_("name %(ours)s ~ %(theirs)s: %(score)s"),
            ours=repr(pair[0]),
            theirs=repr(pair[1]),
            score=f"{best:.2f}",
        ),
        *reasons,
    ]
    score = best
    if person:
        m, why = _date_reasons(
            query.get("birthDate", quiet=True), candidate.get("birthDate", quiet=True)
        )
        score *= m
        if why:
            out.append(why)
    m, why = _country_reasons(_countries(query), _countries(candidate))
    score *= m
    if why:
        out.append(why)
    return max(0.0, min(1.0, score)), out


def screen(
    project: Project,
    against: str | os.PathLike[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    dataset: str | None = None,
    compare_names: NameComparer = compare_person_names,
    queries: list[ValueEntity] | None = None,
) -> list[ScreenMatch]:
    """Match the register's persons and organisations against a list in FtM JSON lines.

    The list is streamed: only its entities sharing a name key with a query are scored,
    so a full OpenSanctions export fits. ``dataset`` names the list when its entities
    carry no ``datasets`` field (default: the file's name).
    """
    if not 0.0 < threshold <= 1.0:
        raise InputError(N_("threshold must be in (0, 1]"), field="threshold")
    path = Path(against)
    fallback_dataset = dataset or path.stem
    flags = dataset_flags(project)
    subjects = (
        queries if queries is not None else load_entities(project, ["Person", "Organization"])
    )
    index: dict[tuple[str, str], list[ValueEntity]] = {}
    for q in subjects:
        kind = _kind(q)
        if kind is None:
            continue
        for key in _block_keys(_person_names(q) if kind == "person" else q.names):
            index.setdefault((kind, key), []).append(q)
    results: list[ScreenMatch] = []
    for _, candidate in read_entities(path):
        kind = _kind(candidate)
        if kind is None:
            continue
        names = _person_names(candidate) if kind == "person" else candidate.names
        seen: dict[str, ValueEntity] = {}
        for key in _block_keys(names):
            for q in index.get((kind, key), []):
                assert q.id is not None
                seen[q.id] = q
        for q in seen.values():
            score, reasons = score_pair(q, candidate, compare_names=compare_names)
            if score < REPORT_FLOOR:
                continue
            sets = sorted(candidate.datasets) or [fallback_dataset]
            assert q.id is not None and candidate.id is not None
            results.append(
                ScreenMatch(
                    query_id=q.id,
                    query_name=q.caption,
                    match_id=candidate.id,
                    match_name=candidate.caption,
                    score=score,
                    match=score >= threshold,
                    reasons=reasons,
                    datasets=sets,
                    flags=[flags[d] for d in sets if d in flags],
                )
            )
    results.sort(key=lambda m: (m.query_id, -m.score, m.match_id))
    return results
