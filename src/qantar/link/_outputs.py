"""What the rest of qantar reads from linkage: persons with their records, capture histories."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

import numpy as np
from sqlalchemy import Engine, exists, select

from qantar.errors import N_, QantarError
from qantar.link._tables import link_features, person_records, persons
from qantar.model import Histories
from qantar.model.cells import safe_cell
from qantar.model.histories import PersonCaptures
from qantar.project import Project
from qantar.store.readers import written_name
from qantar.store.schema import LIVE, records, sources

PERSON_COLUMNS = (
    "person_id",
    "source",
    "record_id",
    "surname",
    "given_name",
    "patronymic",
    "sex",
    "birth_year",
    "event_date",
    "place_id",
    "region_id",
    "weak_cluster",
    "name_recorded",  # the record's name as its list wrote it: check before a consent
)
STRATA = ("region", "sex", "date", "age_group", "place")
_STRATA_ALIASES = {"age": "age_group", "event_date": "date", "oblast": "region"}


def _most_common(values: Iterable[Any]) -> Any:
    counts = Counter(v for v in values if v not in (None, "", "U"))
    if not counts:
        return None
    # Most frequent; ties go to the smallest value, so the output is deterministic.
    best = max(counts.values())
    return min(v for v, n in counts.items() if n == best)


def _rows(engine: Engine) -> list[dict[str, Any]]:
    query = (
        select(
            person_records.c.person_id,
            person_records.c.record_id,
            sources.c.name.label("source"),
            records.c.source_record_id,
            records.c.row_number,
            records.c.name_raw,
            records.c.surname_raw,
            records.c.given_raw,
            records.c.patronymic_raw,
            link_features,
            persons.c.weak,
        )
        .join(records, records.c.id == person_records.c.record_id)
        .join(sources, sources.c.id == records.c.source_id)
        .join(link_features, link_features.c.record_id == person_records.c.record_id)
        .join(persons, persons.c.person_id == person_records.c.person_id)
        .order_by(person_records.c.person_id, sources.c.name, records.c.row_number)
    )
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(query)]


def person_table(project: Project) -> list[dict[str, Any]]:
    """One row per record: its person and the person's canonical fields."""
    rows = _rows(project.engine)
    if not rows:
        raise QantarError(N_("no persons yet: run `qantar link` first"))
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    canonical: dict[str, dict[str, Any]] = {}
    for pid, members in by_person.items():
        canonical[pid] = {
            "surname": _most_common(m["surname_lat"] for m in members),
            "given_name": _most_common(m["given_lat"] for m in members),
            "patronymic": _most_common(m["patronymic_lat"] for m in members),
            "sex": _most_common(m["sex"] for m in members) or "U",
            "birth_year": _most_common(m["birth_year"] for m in members),
            "event_date": min((m["event_date"] for m in members if m["event_date"]), default=None),
            "place_id": _most_common(m["place_id"] for m in members),
            "region_id": _most_common(m["region_id"] for m in members),
        }
    out = []
    for r in rows:
        c = canonical[r["person_id"]]
        out.append(
            {
                "person_id": r["person_id"],
                "source": r["source"],
                "record_id": r["source_record_id"] or str(r["row_number"]),
                **{
                    k: (
                        c[k].title()
                        if isinstance(c[k], str) and k in ("surname", "given_name", "patronymic")
                        else c[k]
                    )
                    for k in c
                },
                "weak_cluster": bool(r["weak"]),
                "name_recorded": written_name(r),
            }
        )
    return out


def persons_csv(project: Project) -> str:
    """``person_table`` as CSV, every cell safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(PERSON_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in person_table(project):
        writer.writerow({k: "" if row[k] is None else safe_cell(row[k]) for k in PERSON_COLUMNS})
    return buffer.getvalue()


def _age_group(birth_year: int | None, event_date: str | None, year: int) -> str:
    """``year``: the case's first year, where no event date gives the age's year."""
    if birth_year is None:
        return "unknown"
    age = (int(event_date[:4]) if event_date else year) - int(birth_year)
    for upper, label in ((17, "0-17"), (29, "18-29"), (44, "30-44"), (59, "45-59")):
        if age <= upper:
            return label
    return "60+"


def project_captures(project: Project, event_type: str | None = None) -> PersonCaptures:
    """One row per linked person: which sources listed them and their stratum fields.

    With ``event_type`` only the persons some list documented as that type are kept, each
    captured only by the lists that documented them so (``qantar.link.person_events``):
    a detainee on the NGO's list is not a killed person that the NGO's list captured.
    Each stratum field holds the most common value among the person's records, None where
    none says."""
    engine = project.engine
    with engine.connect() as conn:
        # Lists with records in the registry: a source whose batches were all taken back
        # (`qantar import --undo`) is no list of the estimate.
        lists = tuple(
            sorted(
                conn.execute(
                    select(sources.c.name).where(
                        exists().where(records.c.source_id == sources.c.id, LIVE)
                    )
                ).scalars()
            )
        )
    rows = _rows(engine)
    if not rows:
        raise QantarError(N_("link first: no linked persons yet (`qantar link`)"))
    captured: dict[str, tuple[str, ...]] | None = None
    if event_type is not None:
        from qantar.link._events import check_event_type, person_events

        check_event_type(event_type)
        captured = {pid: p.captured_by(event_type) for pid, p in person_events(project).items()}
    index = {name: i for i, name in enumerate(lists)}
    by_person: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_person[r["person_id"]].append(r)
    matrix = []
    fields: dict[str, list[str | None]] = {name: [] for name in STRATA}
    for pid, members in sorted(by_person.items()):
        row = [0] * len(lists)
        on = captured.get(pid, ()) if captured is not None else [m["source"] for m in members]
        if not on:
            continue
        for source in on:
            row[index[source]] = 1
        matrix.append(row)
        for name in STRATA:
            fields[name].append(_stratum(name, members, project.settings.case.start_year))
    return PersonCaptures(lists, np.asarray(matrix, dtype=np.uint8).reshape(-1, len(lists)), fields)


def strata_field(strata: str | None) -> str | None:
    """The canonical name of a stratum field (``age`` is ``age_group``...), checked."""
    if strata is None:
        return None
    strata = _STRATA_ALIASES.get(strata, strata)
    if strata not in STRATA:
        raise QantarError(
            N_("unknown stratum %(stratum)s: use one of %(strata)s"),
            stratum=repr(strata),
            strata=", ".join(STRATA),
        )
    return strata


def project_histories(
    project: Project, strata: str | None = None, event_type: str | None = None
) -> Histories:
    """Capture histories of the linked persons: which sources listed each person.

    ``strata`` groups persons by ``region``, ``sex``, ``date`` (event day), ``age_group``
    or ``place``; a person's stratum is the most common value among their records
    (``unknown`` when none says). ``event_type`` keeps the persons documented as that type,
    captured by the lists that said so (see :func:`project_captures`); None keeps everyone.
    """
    strata = strata_field(strata)
    return project_captures(project, event_type).histories(strata)


def _stratum(strata: str, members: list[dict[str, Any]], year: int) -> str | None:
    if strata == "region":
        value = _most_common(m["region_id"] for m in members)
    elif strata == "place":
        value = _most_common(m["place_id"] for m in members)
    elif strata == "sex":
        value = _most_common(m["sex"] for m in members)
    elif strata == "date":
        value = min((m["event_date"] for m in members if m["event_date"]), default=None)
    else:
        by = _most_common(m["birth_year"] for m in members)
        ev = min((m["event_date"] for m in members if m["event_date"]), default=None)
        value = _age_group(by, ev, year)
        if value == "unknown":
            return None
    return str(value) if value else None
