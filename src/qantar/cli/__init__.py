"""The Typer app: parses arguments, calls the library, prints with Rich. Nothing else.

Each area's commands live in its own module (``link_cmds.app`` ...), so the areas stay apart.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from qantar.cli._common import console, err_console, state
from qantar.cli._language import _, speaking
from qantar.cli._usage import usage_message
from qantar.errors import QantarError, missing_extra
from qantar.i18n import N_

app = typer.Typer(
    name="qantar",
    help=_("From scattered lists of victims to facts: registry, linkage, estimation, evidence."),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def _root(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help=_("Project folder (default: the one containing the current folder)."),
        ),
    ] = None,
) -> None:
    state.project_path = project


def _add_areas() -> None:
    # Imported here, after `app` exists, so that no area module imports this package half-made.
    from qantar.cli import (
        accountability_cmds,
        db_cmds,
        estimate_cmds,
        events_cmds,
        evidence_cmds,
        ingest_cmds,
        link_cmds,
        names_cmds,
        project_cmds,
        publish_cmds,
        secure_cmds,
        synth_cmds,
        web_cmds,
    )

    # Each area module defines `app`, a Typer of its commands (and its groups); an unnamed
    # add_typer puts them on the root, in this order in `qantar --help`.
    for area in (
        project_cmds,
        ingest_cmds,
        names_cmds,
        synth_cmds,
        evidence_cmds,
        accountability_cmds,
        link_cmds,
        estimate_cmds,
        events_cmds,
        publish_cmds,
        db_cmds,
        secure_cmds,
        web_cmds,
    ):
        app.add_typer(area.app)
    web_cmds.audit_cli(app)


_add_areas()


def _click_error_types() -> tuple[type[Exception], ...]:
    """click's exception base classes, wherever the installed Typer takes click from.

    Typer up to 0.2x re-exports click's own classes; Typer 0.29 carries a private copy of
    click whose classes are not click's. Both are found from Typer's public ``BadParameter``
    (and click's, if click is installed), so a usage error is one line with any Typer.
    """
    kinds: list[type[Exception]] = [
        base
        for base in typer.BadParameter.__mro__
        if base.__name__ == "ClickException" and issubclass(base, Exception)
    ]
    try:
        import click
    except ModuleNotFoundError:
        pass
    else:
        kinds.append(click.ClickException)
    return tuple(kinds)


def _exit_code(exc: BaseException) -> int:
    code = getattr(exc, "exit_code", 0)
    return code if isinstance(code, int) else 1


def _usage_line(exc: Exception) -> str:
    """One line for a usage mistake: what was wrong and where to read the usage."""
    message = usage_message(exc)
    ctx = getattr(exc, "ctx", None)
    command = getattr(ctx, "command_path", None) if ctx is not None else None
    return _("usage error: %(message)s (see `%(command)s --help`)") % {
        "message": message,
        "command": command or "qantar",
    }


def main() -> None:
    """Entry point: user and usage errors print one line and exit 2, never a traceback."""
    # Every file and folder a command makes names people at risk: the owner's alone.
    os.umask(0o077)
    click_errors = _click_error_types()
    try:
        # Without standalone mode click returns a command's exit code instead of exiting,
        # and hands usage errors to us instead of printing its own multi-line usage.
        code = speaking(typer.main.get_command(app))(standalone_mode=False, prog_name="qantar")
        sys.exit(code if isinstance(code, int) else 0)
    except QantarError as exc:
        _fail(exc.in_words(_))
    except (typer.Abort, KeyboardInterrupt):
        err_console.print(_(ABORTED), markup=False)
        sys.exit(130)
    except typer.Exit as exc:
        sys.exit(_exit_code(exc))
    except click_errors as exc:
        if type(exc).__name__ == "Abort":
            err_console.print(_(ABORTED), markup=False)
            sys.exit(130)
        if type(exc).__name__ == "NoArgsIsHelpError":
            exc.show()  # type: ignore[attr-defined]  # the help asked for by giving nothing
            sys.exit(_exit_code(exc))
        if hasattr(exc, "format_message") and _exit_code(exc) == 2:
            _fail(_usage_line(exc), plain=True)
        exc.show()  # type: ignore[attr-defined]
        sys.exit(_exit_code(exc))
    except ImportError as exc:
        extra = missing_extra(exc)
        if extra is not None:
            _fail(extra.in_words(_))
        _unexpected(exc)
    except OSError as exc:
        if exc.errno in _DISK_FULL:
            # The file name is left out: it can be an evidence file named after a person.
            _fail(
                _(
                    "the disk is full (or a file size limit was reached): the step stopped "
                    "before it finished; free some space and run it again"
                )
            )
        if "cannot load library" in str(exc):
            # WeasyPrint is installed but the system's Pango, which it draws with, is not.
            _fail(
                _(
                    "PDF output needs Pango, a system library WeasyPrint draws with "
                    "(Debian/Ubuntu: apt install libpango-1.0-0 libpangoft2-1.0-0; see the "
                    "README, Installing)"
                )
            )
        if exc.errno in _FILE_PROBLEMS and exc.filename is not None:
            # A path the user gave or the project's own: naming the file is what helps.
            _fail(f"{exc.filename}: {exc.strerror}")  # the system's words, in its locale
        _unexpected(exc)
    except Exception as exc:
        _unexpected(exc)


ABORTED = N_("aborted; nothing was changed by the interrupted step")
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_FILE_PROBLEMS = {errno.ENOENT, errno.EACCES, errno.EPERM, errno.EISDIR, errno.ENOTDIR, errno.EROFS}


def _unexpected(exc: BaseException) -> NoReturn:
    """A failure qantar did not foresee. Its message can hold values read from the data
    (a driver's SQL parameters, a name in a KeyError), so only where it happened is
    printed; QANTAR_DEBUG=1 shows the whole traceback to whoever is debugging."""
    from sqlalchemy.exc import DBAPIError

    from qantar.store.engine import plain_database_error

    plain = plain_database_error(exc) if isinstance(exc, DBAPIError) else None
    if plain is not None:
        _fail(plain.in_words(_))
    if os.environ.get("QANTAR_DEBUG"):
        raise exc
    frames = traceback.extract_tb(exc.__traceback__)
    where = frames[-1] if frames else None
    place = f"{Path(where.filename).name}:{where.lineno} in {where.name}" if where else "?"
    kind = type(exc).__name__
    if isinstance(exc, DBAPIError):
        kind = f"{kind} ({type(exc.orig).__name__})"
    _fail(
        _(
            "internal error: unexpected %(kind)s at %(place)s; this is a bug in qantar: please "
            "report it with the command you ran (set QANTAR_DEBUG=1 to see the traceback, "
            "which may contain names from your data)"
        )
        % {"kind": kind, "place": place},
        plain=True,
        code=1,
    )


def _fail(message: str, *, plain: bool = False, code: int = 2) -> NoReturn:
    """One line on stderr: ``message`` after "error: ", or as it is when ``plain``."""
    text = message if plain else _("error: %(message)s") % {"message": message}
    line = " ".join(text.split("\n"))
    err_console.print(line, markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


__all__ = ["app", "console", "main"]
