"""A pair as a reviewer sees it: the two records field by field, names in both scripts,
differences marked; and which persons a re-cluster changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from qantar.link._pipeline import LinkResult, recluster
from qantar.link._review import ReviewItem, record_details
from qantar.link._tables import person_records
from qantar.names import script_of, to_cyrillic, transliterate
from qantar.project import Project

# The rows of the side-by-side view, in order; the web app gives each its label.
FIELDS = (
    "source",
    "name",
    "name_cyrillic",
    "name_latin",
    "sex",
    "birth_date",
    "age",
    "event_date",
    "place",
)


@dataclass(frozen=True)
class FieldRow:
    field: str
    a: str
    b: str

    @property
    def differs(self) -> bool:
        return self.a.strip().casefold() != self.b.strip().casefold()


def _written_name(written: dict[str, Any]) -> str:
    if written.get("name_raw"):
        return str(written["name_raw"])
    parts = (written.get(k) for k in ("surname_raw", "given_raw", "patronymic_raw"))
    return " ".join(str(p) for p in parts if p)


def _scripts(name: str, scheme: str) -> tuple[str, str]:
    """The name in Cyrillic and in Latin: as written in its own script, transliterated
    into the other."""
    script = script_of(name)
    if script == "cyrillic":
        return name, transliterate(name, scheme)
    if script == "latin":
        return to_cyrillic(name), name
    return name, name


def pair_rows(project: Project, item: ReviewItem, lang: str = "en") -> list[FieldRow]:
    """The two records of ``item`` field by field (record l in ``a``, record r in ``b``),
    places named in ``lang``."""
    details = record_details(project, [item.record_id_l, item.record_id_r])
    scheme = project.settings.publish.latin_scheme
    values: list[dict[str, str]] = []
    for rid in (item.record_id_l, item.record_id_r):
        d = details[rid]
        written, normal = d["written"], d["normalised"]
        name = _written_name(written)
        cyrillic, latin = _scripts(name, scheme) if name else ("", "")
        place = written.get("place_raw") or ""
        if normal.get("place_id"):
            place = project.gazetteer.label(str(normal["place_id"]), lang) or place
        values.append(
            {
                "source": str(d.get("source") or ""),
                "name": name,
                "name_cyrillic": cyrillic,
                "name_latin": latin,
                "sex": str(written.get("sex_raw") or normal.get("sex") or ""),
                "birth_date": str(written.get("birth_date_raw") or written.get("birth_date") or ""),
                "age": str(written.get("age_raw") or written.get("age") or ""),
                "event_date": str(written.get("event_date_raw") or written.get("event_date") or ""),
                "place": str(place),
            }
        )
    return [FieldRow(f, values[0][f], values[1][f]) for f in FIELDS]


@dataclass(frozen=True)
class PersonChanges:
    """What a re-cluster did to the persons, by person id (no names)."""

    result: LinkResult
    new: list[str]  # persons that did not exist before
    ended: list[str]  # persons that exist no more
    changed: list[str]  # persons that kept their id but gained or lost records


def _members(project: Project) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    with project.engine.connect() as conn:
        for key, pid in conn.execute(
            select(person_records.c.record_key, person_records.c.person_id)
        ):
            out.setdefault(pid, set()).add(key)
    return {pid: frozenset(keys) for pid, keys in out.items()}


def recluster_changes(project: Project) -> PersonChanges:
    """Re-cluster with the decisions now in force (``qantar.link.recluster``) and say
    which persons changed."""
    before = _members(project)
    result = recluster(project)
    after = _members(project)
    return PersonChanges(
        result,
        sorted(set(after) - set(before)),
        sorted(set(before) - set(after)),
        sorted(p for p in set(before) & set(after) if before[p] != after[p]),
    )
