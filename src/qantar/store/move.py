"""Moving a registry to another database (a laptop's SQLite file to a team's PostgreSQL).

The target is migrated like any new database, must hold no rows, and receives every table
in one transaction: rows keep their ids (decisions, persons and the custody log refer to
them), each id sequence is moved past the copied ids, and the row counts of both sides are
compared before the transaction commits. The source is only read.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Connection,
    DateTime,
    Engine,
    Table,
    Text,
    func,
    inspect,
    select,
    text,
    type_coerce,
)
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from qantar.errors import N_, QantarError
from qantar.model.dicts import jsonable
from qantar.store.bulk import bulk_insert
from qantar.store.engine import connect, migrate, settings_url
from qantar.store.schema import metadata

if TYPE_CHECKING:
    from qantar.project import Project

CHUNK_ROWS = 5000

Progress = Callable[[str, int, int], None]
"""Called as ``progress(table, rows_copied_so_far, rows_in_table)`` after each chunk."""


def registered_tables() -> list[Table]:
    """Every table of every area, parents before children.

    Areas define their tables in ``qantar.<area>._tables`` on the shared metadata; importing
    each such module registers them, including areas added after this module was written.
    """
    import qantar

    for module in pkgutil.iter_modules(qantar.__path__):
        if module.ispkg and module.name != "cli":
            try:
                importlib.import_module(f"qantar.{module.name}._tables")
            except ModuleNotFoundError as exc:
                if exc.name != f"qantar.{module.name}._tables":
                    raise
    return list(metadata.sorted_tables)


def _versions(conn: Connection) -> set[str]:
    if not inspect(conn).has_table("alembic_version"):
        return set()
    return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _row_converter(table: Table, target: Connection) -> Callable[[Sequence[Any]], tuple[Any, ...]]:
    """SQLite keeps no time zone: its timestamps read back naive though written in UTC. A
    server would read a naive value in its own zone, so they are marked UTC again."""
    aware = [
        i
        for i, column in enumerate(table.columns)
        if isinstance(column.type, DateTime) and column.type.timezone
    ]
    if not aware or target.dialect.name == "sqlite":
        return tuple

    def convert(row: Sequence[Any]) -> tuple[Any, ...]:
        values = list(row)
        for i in aware:
            value = values[i]
            if isinstance(value, dt.datetime) and value.tzinfo is None:
                values[i] = value.replace(tzinfo=dt.UTC)
        return tuple(values)

    return convert


def _json_as_text(source: Connection, table: Table) -> list[str]:
    """JSON columns read as their stored text rather than decoded and encoded again (half
    of a move's time otherwise). SQLite keeps JSON as text, so its text is the value."""
    if source.dialect.name != "sqlite":
        return []
    return [c.name for c in table.columns if isinstance(c.type, JSON)]


def _chunks(
    source: Connection, table: Table, as_text: Sequence[str]
) -> Iterator[list[Sequence[Any]]]:
    columns = [type_coerce(c, Text).label(c.name) if c.name in as_text else c for c in table.c]
    query = select(*columns).order_by(*table.primary_key.columns)
    result = source.execution_options(stream_results=True, yield_per=CHUNK_ROWS).execute(query)
    for part in result.partitions(CHUNK_ROWS):
        yield list(part)


def _reset_sequence(conn: Connection, table: Table) -> bool:
    """Move a server-side id sequence past the copied ids, so the next row gets a new id."""
    pk = list(table.primary_key.columns)
    if conn.dialect.name != "postgresql" or len(pk) != 1:
        return False
    column = pk[0]
    quoted = conn.dialect.identifier_preparer.quote(table.name)
    sequence = conn.execute(
        select(func.pg_get_serial_sequence(quoted, column.name))
    ).scalar_one_or_none()
    if sequence is None:
        return False
    highest = conn.execute(select(func.max(column))).scalar_one_or_none()
    # is_called=false: the next value handed out is exactly this one.
    conn.execute(select(func.setval(sequence, (highest or 0) + 1, False)))
    return True


def copy_database(
    source: Engine, target_url: str, *, progress: Progress | None = None
) -> dict[str, int]:
    """Copy every table of the registry at ``source`` into the empty database at
    ``target_url``; returns the rows copied per table.

    The target's schema is brought up to date first; a target that already holds a row is
    refused (naming the table) and left as it was. All rows go in one transaction, so a
    failure leaves the target without rows. The source must be at the current schema
    (every qantar command upgrades it when it opens the project).
    """
    tables = registered_tables()
    known = {t.name for t in tables}
    target = connect(target_url)
    try:
        with source.connect() as src:
            unknown = sorted(set(inspect(src).get_table_names()) - known - {"alembic_version"})
            if unknown:
                raise QantarError(
                    N_("the source database has tables qantar does not know: %(tables)s"),
                    tables=", ".join(unknown),
                )
            source_versions = _versions(src)
        try:
            migrate(target)
        except SQLAlchemyError as exc:
            raise QantarError(
                N_("cannot prepare the target database: %(reason)s"), reason=exc
            ) from exc
        with target.connect() as conn:
            target_versions = _versions(conn)
        if source_versions != target_versions:
            raise QantarError(
                N_(
                    "the source database is not at the current schema (%(source)s; the target "
                    "is at %(target)s): open the project with any qantar command to upgrade "
                    "it, then move again"
                ),
                source=", ".join(sorted(source_versions)) or "none",
                target=", ".join(sorted(target_versions)),
            )
        return _copy_tables(source, target, tables, progress)
    finally:
        target.dispose()


def _copy_tables(
    source: Engine, target: Engine, tables: list[Table], progress: Progress | None
) -> dict[str, int]:
    copied: dict[str, int] = {}
    with source.connect() as src, target.begin() as dst:
        for table in tables:
            if _count(dst, table) > 0:
                raise QantarError(
                    N_(
                        "the target database already holds rows (table %(table)s); "
                        "a move needs an empty database, and nothing was copied"
                    ),
                    table=table.name,
                )
        expected = {table.name: _count(src, table) for table in tables}
        for table in tables:
            total = expected[table.name]
            names = [c.name for c in table.columns]
            as_text = _json_as_text(src, table)
            json_columns = [
                c.name for c in table.columns if isinstance(c.type, JSON) and c.name not in as_text
            ]
            convert = _row_converter(table, dst)
            done = 0
            if progress:
                progress(table.name, 0, total)
            for chunk in _chunks(src, table, as_text):
                rows = [convert(row) for row in chunk]
                if dst.dialect.name == "postgresql":
                    _refuse_nul(table, names, rows)
                try:
                    done += bulk_insert(
                        dst, table, names, rows, json_columns=json_columns, encoded_json=as_text
                    )
                except Exception as exc:
                    raise _refused_row(exc, table, names, rows) from None
                if progress:
                    progress(table.name, done, total)
            copied[table.name] = done
            _reset_sequence(dst, table)
        stored = {table.name: _count(dst, table) for table in tables}
        # Counted again: a row written to an already copied table would otherwise be lost.
        after = {table.name: _count(src, table) for table in tables}
        differ = [
            f"{name} (source {expected[name]}, then {after[name]}; copied {copied[name]}, "
            f"target {stored[name]})"
            for name in expected
            if not expected[name] == after[name] == copied[name] == stored[name]
        ]
        if differ:
            # Raising rolls the whole copy back: the target keeps no rows.
            raise QantarError(
                N_(
                    "row counts differ after the copy, so nothing was kept (was someone "
                    "working on the project during the move?): %(counts)s"
                ),
                counts="; ".join(differ),
            )
    return copied


def _row_label(table: Table, names: Sequence[str], row: Sequence[Any]) -> str:
    keys = [c.name for c in table.primary_key.columns]
    return ", ".join(f"{k} {row[names.index(k)]}" for k in keys) or "a row"


def _refuse_nul(table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """PostgreSQL cannot store the NUL character in any text, which SQLite can: say where
    it is (the row is the source's) rather than let the server quote the value."""
    for row in rows:
        for name, value in zip(names, row, strict=True):
            if isinstance(value, str) and "\x00" in value:
                raise QantarError(
                    N_(
                        "table %(table)s, %(row)s, column %(column)s: holds a NUL character, "
                        "which PostgreSQL cannot store; nothing was copied (remove it from "
                        "that row of the project's database, then move again)"
                    ),
                    table=table.name,
                    row=_row_label(table, names, row),
                    column=name,
                )


_COPY_CONTEXT = re.compile(r"COPY \S+, line (\d+)(?:, column (\w+))?")
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')


def _refused_row(
    exc: Exception, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> Exception:
    """The server's refusal of a copied row, told without the row's values: PostgreSQL
    quotes the offending value in its message, its DETAIL and its CONTEXT."""
    from sqlalchemy.exc import DBAPIError

    from qantar.store.engine import plain_database_error

    plain = plain_database_error(exc)
    if plain is not None:
        return plain
    error = exc.orig if isinstance(exc, DBAPIError) else exc
    diag = getattr(error, "diag", None)
    if diag is None and not isinstance(exc, DBAPIError):
        return exc  # not the database's refusal: a bug, reported as such
    primary = str(getattr(diag, "message_primary", None) or str(error).splitlines()[0])
    reason = _QUOTED.sub("(value left out)", primary)
    row = column = None
    found = _COPY_CONTEXT.search(str(getattr(diag, "context", "") or ""))
    if found:
        line = int(found.group(1))
        if 1 <= line <= len(rows):
            row = _row_label(table, names, rows[line - 1])
        column = found.group(2)
    refused = _REFUSED[row is not None, column is not None]
    return QantarError(
        refused,
        table=table.name,
        row=row,
        column=column,
        reason=reason,
    )


# "the target database refused ...", by (the row is known?, the column is known?)
_REFUSED = {
    (False, False): N_(
        "the target database refused table %(table)s: %(reason)s; nothing was copied"
    ),
    (True, False): N_(
        "the target database refused table %(table)s, %(row)s: %(reason)s; nothing was copied"
    ),
    (False, True): N_(
        "the target database refused table %(table)s, column %(column)s: %(reason)s; "
        "nothing was copied"
    ),
    (True, True): N_(
        "the target database refused table %(table)s, %(row)s, column %(column)s: "
        "%(reason)s; nothing was copied"
    ),
}


_DATABASE_LINE = re.compile(r"^(\s*)database\s*=.*$")


def switch_settings(settings_path: Path, url: str) -> str:
    """Point the ``[project] database`` line of a project's ``qantar.toml`` at ``url``
    (without a password) and keep the old line above it as a comment. Returns the old line
    ("" if there was none). Other lines, comments included, stay as they were."""
    import json
    import tomllib

    written, _ = settings_url(url)
    lines = settings_path.read_text(encoding="utf-8").splitlines(keepends=True)
    new_line = f"database = {json.dumps(written)}\n"
    old = ""
    section = None
    header = None
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and not stripped.startswith("[["):
            section = stripped.strip("[] \t")
            header = i if section == "project" else header
            continue
        match = _DATABASE_LINE.match(line)
        if section == "project" and match:
            old = line.rstrip("\r\n")
            lines[i] = (
                f"{match.group(1)}# before the move: {old.strip()}\n{match.group(1)}{new_line}"
            )
            break
    else:
        # No database line: the project used the default SQLite file.
        if lines and not lines[-1].endswith("\n"):
            lines[-1] += "\n"
        if header is None:
            lines.append(("\n" if lines else "") + "[project]\n" + new_line)
        else:
            lines.insert(header + 1, new_line)
    new_text = "".join(lines)
    # Never leave a settings file the project cannot open.
    try:
        if tomllib.loads(new_text).get("project", {}).get("database") != written:
            raise QantarError(
                N_("%(file)s: could not switch the database line"), file=settings_path
            )
    except tomllib.TOMLDecodeError as exc:
        raise QantarError(
            N_("%(file)s: could not switch the database line: %(reason)s"),
            file=settings_path,
            reason=exc,
        ) from exc
    settings_path.write_text(new_text, encoding="utf-8")
    return old


@dataclass
class MoveResult:
    """What a project's move did. ``rows``: rows copied per table."""

    rows: dict[str, int]
    target: str
    switched: bool
    password_left_out: bool
    previous_database: str

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "target": self.target,
                "switched": self.switched,
                "password_left_out": self.password_left_out,
                "previous_database": self.previous_database,
                "tables": len(self.rows),
                "rows_total": sum(self.rows.values()),
                "rows": self.rows,
            }
        )


def move_project(
    project: Project, target_url: str, *, switch: bool = False, progress: Progress | None = None
) -> MoveResult:
    """Copy ``project``'s registry into the empty database at ``target_url`` and, with
    ``switch``, point the project's ``qantar.toml`` at it. The old database (the SQLite
    file) is kept as it is: it is the backup of the moment before the move."""
    from qantar.project import SETTINGS_FILE

    written, password = settings_url(target_url)
    previous = project.database_url
    if make_url(previous).render_as_string(hide_password=False) == make_url(
        target_url
    ).render_as_string(hide_password=False):
        raise QantarError(N_("the target is the project's own database"))
    rows = copy_database(project.engine, target_url, progress=progress)
    if switch:
        switch_settings(project.root / SETTINGS_FILE, target_url)
        project.close()
        reopened = type(project).open(project.root)
        project.settings = reopened.settings
    safe_previous = make_url(previous).render_as_string(hide_password=True)
    return MoveResult(rows, written, switch, password, safe_previous)
