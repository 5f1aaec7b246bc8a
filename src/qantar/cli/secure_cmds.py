"""`qantar unlock|lock|encrypt|backup|restore` and `qantar keys protect`: data at rest."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json, state
from qantar.cli._language import _
from qantar.errors import InputError
from qantar.i18n import N_
from qantar.project import Project

app = typer.Typer()  # this area's commands; qantar.cli adds them to the root


def _read_lines(path: Path | None) -> list[str]:
    if path is None:
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(N_("cannot be read"), file=str(path)) from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@app.command(
    "unlock",
    help=_(
        "Ask for the passphrase once and keep the project's key in memory-backed storage "
        "(never on disk) for the next commands, until `qantar lock` or the time runs out."
    ),
)
def unlock(
    minutes: Annotated[
        float, typer.Option(help=_("Forget the key after this many minutes."))
    ] = 30.0,
) -> None:
    from qantar import vault

    if minutes <= 0:
        raise InputError(N_("--minutes must be more than 0"))
    project = Project.open(state.project_path)
    vault.forget(project.root)
    key = project.data_key()
    where = vault.remember(project.root, key, minutes=minutes)
    console.print(
        _("unlocked for %(minutes)s minutes (key kept in %(folder)s)")
        % {"minutes": f"{minutes:g}", "folder": where.parent}
    )


@app.command(
    "lock",
    help=_("Forget the unlocked key of this project: the next command asks again."),
)
def lock() -> None:
    from qantar import vault

    project = Project.open(state.project_path)
    forgotten = vault.forget(project.root)
    console.print(_("locked") if forgotten else _("locked (no key was kept)"))


keys = typer.Typer(help=_("The project's keys."), no_args_is_help=True)
app.add_typer(keys, name="keys")


@keys.command(
    "protect",
    help=_(
        "Put the signing keys of a project made before protected keys under a passphrase (the"
        " custody log is unchanged and still verifies)."
    ),
)
def protect() -> None:
    from qantar.protect import protect_keys

    project = Project.open(state.project_path)
    files = protect_keys(project)
    console.print(_("protected %(n)s private key file(s) under the passphrase") % {"n": len(files)})


@app.command(
    "encrypt",
    help=_(
        "Encrypt this project's SQLite registry in place (SQLCipher), checked table by table "
        "before the plaintext file is removed."
    ),
)
def encrypt() -> None:
    from qantar.protect import encrypt_project

    project = open_project()
    result = encrypt_project(project)
    console.print(
        _(
            "encrypted the registry: %(tables)s tables, %(rows)s rows checked; the plaintext "
            "file was removed (see docs/security.md on wiping old copies)"
        )
        % {"tables": result.tables, "rows": result.rows}
    )


@app.command(
    "backup",
    help=_("One encrypted file (age) with the registry, the evidence and the keys."),
)
def backup_cmd(
    out: Annotated[Path, typer.Option("--out", help=_("The backup file to write (new)."))],
    recipients: Annotated[
        Path | None,
        typer.Option(
            "--recipients",
            help=_(
                "A file of age public keys (age1..., one a line); without it the backup "
                "is sealed with a passphrase."
            ),
        ),
    ] = None,
    output: OutputFormat = "text",
) -> None:
    from qantar import vault
    from qantar.protect import backup

    only_formats(output, "text", "json")
    project = open_project()
    keys = _read_lines(recipients)
    passphrase = None if keys else vault.read_passphrase(purpose="seal the backup", confirm=True)
    result = backup(project, out, passphrase=passphrase, recipients=keys)
    if output == "json":
        print_json(result.to_dict())
    else:
        console.print(
            _("wrote %(file)s: %(files)s files, %(bytes)s bytes")
            % {"file": result.path, "files": result.files, "bytes": result.bytes}
        )


@app.command(
    "restore",
    help=_("Check the whole backup, then write the project into a new folder."),
)
def restore_cmd(
    backup_file: Annotated[Path, typer.Argument(help=_("A file written by qantar backup."))],
    to: Annotated[Path, typer.Option("--to", help=_("A new or empty folder."))],
    identity: Annotated[
        Path | None,
        typer.Option("--identity", help=_("A file with the age secret key (AGE-SECRET-KEY-...).")),
    ] = None,
) -> None:
    from qantar import vault
    from qantar.protect import restore

    if not backup_file.is_file():
        raise InputError(N_("no such file"), file=str(backup_file))
    identities = _read_lines(identity)
    passphrase = None if identities else vault.read_passphrase(purpose="open the backup")
    result = restore(backup_file, to, passphrase=passphrase, identities=identities)
    console.print(
        _("restored %(n)s files into %(folder)s") % {"n": result.files, "folder": result.root}
    )
