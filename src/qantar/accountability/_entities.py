"""The register of entities as FollowTheMoney: import, export, validate, build.

Entities are kept as their FtM dictionaries, so data from OpenSanctions or Aleph comes
back out as it went in. ``ValueEntity`` (the base class FtM 4 recommends) keeps the
dataset, referent and first/last-seen fields OpenSanctions exports carry.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from followthemoney import ValueEntity, model
from followthemoney.exc import InvalidData
from sqlalchemy import Connection, delete, insert, select

from qantar.accountability._common import now_utc
from qantar.accountability._tables import entities
from qantar.errors import N_, InputError, QantarError
from qantar.project import Project

# Keys ValueEntity re-emits as lists built from sets: sorted on the way out, so that an
# export is byte-identical run after run.
_SET_KEYS = ("datasets", "referents")


def entity_to_dict(entity: ValueEntity) -> dict[str, Any]:
    data = entity.to_dict()
    for key in _SET_KEYS:
        if key in data:
            data[key] = sorted(data[key])
    return data


def entity_from_dict(data: dict[str, Any], *, cleaned: bool = True) -> ValueEntity:
    """A ValueEntity from an FtM dict (``cleaned=False`` re-cleans untrusted values)."""
    schema = model.get(str(data.get("schema") or ""))
    if schema is None:
        raise InvalidData(f"unknown FtM schema {data.get('schema')!r}")
    if not data.get("id"):
        raise InvalidData("entity without an id")
    return ValueEntity(schema, dict(data), cleaned=cleaned)


def validate_entity(data: dict[str, Any]) -> list[str]:
    """Problems of one FtM dict against followthemoney's own model (empty when valid)."""
    problems: list[str] = []
    schema = model.get(str(data.get("schema") or ""))
    if schema is None:
        return [f"unknown schema {data.get('schema')!r}"]
    if schema.abstract:
        problems.append(f"schema {schema.name} is abstract")
    if not data.get("id"):
        problems.append("no id")
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        return [*problems, "properties is not a mapping"]
    try:
        schema.validate({"properties": properties})
    except InvalidData as exc:
        problems.append(f"invalid: {exc} {getattr(exc, 'errors', '')}")
    for name in schema.required:
        if not properties.get(name):
            problems.append(f"required property {name!r} missing")
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            problems.append(f"property {name!r} is not in schema {schema.name}")
            continue
        for value in values:
            if prop.type.clean(value, proxy=None) != value:
                problems.append(f"property {name!r} holds a value that is not clean")
                break
    return problems


@dataclass
class ImportResult:
    read: int = 0
    stored: int = 0
    replaced: int = 0
    # Values FtM cleaning changed or dropped, as "line N: property" (never the value).
    cleaned: list[str] = field(default_factory=list)


def _read_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(
                    N_("not JSON: %(reason)s"), file=str(path), row=number, reason=exc.msg
                ) from exc
            if not isinstance(data, dict):
                raise InputError(N_("a line is not a JSON object"), file=str(path), row=number)
            yield number, data


def read_entities(path: str | os.PathLike[str]) -> Iterator[tuple[int, ValueEntity]]:
    """FtM JSON lines as (line number, entity); values are cleaned as untrusted input."""
    source = Path(path)
    if not source.is_file():
        raise InputError(N_("no such file"), file=str(source))
    for number, data in _read_lines(source):
        yield number, _entity(source, number, data)


def _entity(source: Path, number: int, data: dict[str, Any]) -> ValueEntity:
    """One line's entity, or an error naming the file and line (FtM's reason, not the data)."""
    try:
        return entity_from_dict(data, cleaned=False)
    except InvalidData as exc:
        raise InputError(
            N_("not a valid FtM entity: %(reason)s"),
            file=str(source),
            row=number,
            reason=str(exc),
        ) from exc


def _changed_properties(raw: dict[str, Any], entity: ValueEntity) -> list[str]:
    props = raw.get("properties") or {}
    out = []
    for name, values in props.items() if isinstance(props, dict) else ():
        kept = entity.properties.get(name, [])
        if [str(v) for v in (values if isinstance(values, list) else [values])] != kept:
            out.append(name)
    return out


def import_entities(
    project: Project,
    path: str | os.PathLike[str],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Read FtM JSON lines into the register; an entity with a known id is replaced."""
    source = Path(path)
    if not source.is_file():
        raise InputError(N_("no such file"), file=str(source))
    result = ImportResult()
    batch: list[ValueEntity] = []
    for number, raw in _read_lines(source):
        entity = _entity(source, number, raw)
        result.read += 1
        result.cleaned.extend(f"line {number}: {p}" for p in _changed_properties(raw, entity))
        batch.append(entity)
        if on_progress:
            on_progress(1)
    stored, replaced = save_entities(project, batch)
    result.stored, result.replaced = stored, replaced
    return result


def save_entities(project: Project, items: Iterable[ValueEntity]) -> tuple[int, int]:
    """Insert or replace entities; returns (stored, of which replaced)."""
    stored = replaced = 0
    when = now_utc()
    with project.engine.begin() as conn:
        for entity in items:
            if entity.id is None:
                raise QantarError(N_("an entity needs an id before it is stored"))
            data = entity_to_dict(entity)
            existing = conn.execute(select(entities.c.id).where(entities.c.id == entity.id)).first()
            if existing:
                conn.execute(delete(entities).where(entities.c.id == entity.id))
                replaced += 1
            conn.execute(
                insert(entities).values(
                    id=entity.id,
                    schema=entity.schema.name,
                    data=data,
                    checksum=entity.checksum[:40],
                    updated_at=when,
                )
            )
            stored += 1
    return stored, replaced


def save_entity(project: Project, entity: ValueEntity) -> str:
    save_entities(project, [entity])
    assert entity.id is not None
    return entity.id


def add_entity(
    project: Project,
    schema: str,
    properties: Mapping[str, Sequence[str]],
    *,
    entity_id: str | None = None,
    confidence: float | None = None,
) -> ValueEntity:
    """Add one entity a person describes by hand: the schema and every property must be
    FtM's, ``confidence`` (of this claim) lies between 0 and 1, and the entity must pass
    FtM's validation; nothing is stored otherwise."""
    if model.get(schema) is None:
        raise InputError(N_("%(schema)s is not an FtM schema"), field="schema", schema=repr(schema))
    for name in properties:
        if model[schema].get(name) is None:
            raise InputError(
                N_("%(schema)s has no property %(prop)s"),
                field="prop",
                schema=schema,
                prop=repr(name),
            )
    entity = make(schema, id=entity_id, **{name: list(v) for name, v in properties.items()})
    if confidence is not None:
        if not 0.0 <= confidence <= 1.0:
            raise InputError(N_("confidence must be between 0 and 1"), field="confidence")
        entity.context["qantar_confidence"] = confidence
    problems = validate_entity(entity_to_dict(entity))
    if problems:
        raise InputError(
            N_("not a valid FtM entity: %(reason)s"), field="prop", reason="; ".join(problems)
        )
    save_entity(project, entity)
    return entity


def load_entities(
    project: Project | Connection, schemata: Iterable[str] | None = None
) -> list[ValueEntity]:
    """All stored entities (of the given schemata and their descendants), in id order."""
    wanted = None
    if schemata is not None:
        wanted = {s.name for name in schemata for s in model[name].descendants} | set(schemata)
    query = select(entities.c.data).order_by(entities.c.id)
    if wanted is not None:
        query = query.where(entities.c.schema.in_(sorted(wanted)))

    def run(conn: Connection) -> list[ValueEntity]:
        return [entity_from_dict(dict(row[0])) for row in conn.execute(query)]

    if isinstance(project, Connection):
        return run(project)
    with project.engine.connect() as conn:
        return run(conn)


def get_entity(project: Project, entity_id: str) -> ValueEntity:
    with project.engine.connect() as conn:
        row = conn.execute(select(entities.c.data).where(entities.c.id == entity_id)).first()
    if row is None:
        raise QantarError(
            N_("no entity %(entity)s in the register: see `qantar entities list`"),
            entity=repr(entity_id),
        )
    return entity_from_dict(dict(row[0]))


@dataclass
class ExportResult:
    path: str
    written: int
    problems: dict[str, list[str]]


def export_entities(
    project: Project, out: str | os.PathLike[str], *, strict: bool = True
) -> ExportResult:
    """Write the register as FtM JSON lines, each entity validated against FtM's model.

    With ``strict`` a single invalid entity or a reference to an entity not in the export
    stops the export (nothing is written); problems name entity ids, never names.
    """
    items = load_entities(project)
    ids = {e.id for e in items}
    problems: dict[str, list[str]] = {}
    lines = []
    for entity in items:
        data = entity_to_dict(entity)
        found = validate_entity(data)
        for prop, value in entity.itervalues():
            if prop.type.name == "entity" and value not in ids:
                found.append(f"property {prop.name!r} refers to {value!r}, not in the export")
        if found:
            assert entity.id is not None
            problems[entity.id] = found
        lines.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
    if problems and strict:
        first = next(iter(problems.items()))
        raise QantarError(
            N_(
                "%(n)s entities do not validate (e.g. %(entity)s: %(problem)s); "
                "fix them or export with --no-strict"
            ),
            n=len(problems),
            entity=first[0],
            problem=first[1][0],
        )
    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return ExportResult(str(target), len(lines), problems)


# --- builders: the entities a documenter adds by hand -------------------------------------


def new_id() -> str:
    """A random id: ids carry no personal data and no unsalted hash of a name (SP-15)."""
    return f"qantar-{uuid.uuid4().hex}"


def make(schema: str, *, id: str | None = None, **properties: Any) -> ValueEntity:
    """An entity of ``schema`` with properties given as keyword arguments.

    ``None`` values are skipped; lists add several values. Values are cleaned by FtM.
    """
    entity = ValueEntity(model[schema], {"id": id or new_id()})
    for name, value in properties.items():
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        for v in values:
            if isinstance(v, ValueEntity):
                v = v.id
            if v is not None:
                entity.add(name, str(v))
    return entity
