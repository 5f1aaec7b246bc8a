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
    # What is compared, when the shown text is not it: a date as parsed (05.01.2022 and
    # 2022-01-05 are one day), sex as M/F, a place by its gazetteer id.
    compared_a: str | None = None
    compared_b: str | None = None

    @property
    def differs(self) -> bool:
        a = self.a if self.compared_a is None else self.compared_a
        b = self.b if self.compared_b is None else self.compared_b
        return a.strip().casefold() != b.strip().casefold()


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
    compared: list[dict[str, str | None]] = []
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
        compared.append(
            {
                "sex": _text(normal.get("sex")),
                "birth_date": _text(written.get("birth_date")),
                "age": _text(written.get("age")),
                "event_date": _text(normal.get("event_date") or written.get("event_date")),
                "place": _text(normal.get("place_id")),
            }
        )
    return [
        FieldRow(
            f,
            values[0][f],
            values[1][f],
            *(
                (compared[0][f], compared[1][f])
                if f in compared[0] and compared[0][f] is not None and compared[1][f] is not None
                else (None, None)
            ),
        )
        for f in FIELDS
    ]


def _text(value: Any) -> str | None:
    """A parsed value as text to compare, None when the record has none (then the text as
    written is compared)."""
    return None if value in (None, "") else str(value)


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
