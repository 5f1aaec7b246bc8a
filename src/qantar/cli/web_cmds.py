"""`qantar serve` and `qantar users ...`: the team's web app and its accounts; and the hook
that writes the CLI's own writes into the same audit log as the web app's."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Annotated, Any

import typer

from qantar.cli._common import OutputFormat, console, only_formats, open_project, print_json
from qantar.cli._language import _

# Commands that write, by their path in the CLI; each success becomes one audit event.
AUDITED = {
    ("import",): "cli.import",
    ("review",): "cli.review",
    ("consent",): "cli.consent",
    ("evidence", "add"): "cli.evidence.add",
}


app = typer.Typer()  # this area's commands; qantar.cli adds them to the root
users = typer.Typer(help=_("The web app's accounts."), no_args_is_help=True)
app.add_typer(users, name="users")


@app.command(
    "serve",
    help=_(
        "Serve the team's web app (behind a TLS reverse proxy for anything but this computer:"
        " docs/web.md)."
    ),
)
def serve(
    host: Annotated[str, typer.Option(help=_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(help=_("Port to listen on."))] = 8000,
) -> None:
    import uvicorn

    from qantar.web import create_app

    project = open_project()
    console.print(
        _("serving on %(address)s (Ctrl+C stops)") % {"address": f"http://{host}:{port}"},
        markup=False,
    )
    # uvicorn's own access log prints paths with their query strings; ours prints
    # route templates only (qantar.web._security), so no id or term reaches a log.
    uvicorn.run(
        create_app(project),
        host=host,
        port=port,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        log_config=_log_config(),
    )


@users.command(
    "add",
    help=_("Add an account and print its one-time enrolment link (valid 72 hours)."),
)
def users_add(
    name: Annotated[str, typer.Argument(help=_("Account name (no spaces)."))],
    role: Annotated[
        str,
        typer.Option(help=_("admin, documenter, reviewer, liaison, analyst or viewer.")),
    ],
    by: Annotated[str | None, typer.Option(help=_("Who adds it (default: you)."))] = None,
) -> None:
    from qantar.accounts import add_user, audit

    project = open_project()
    actor = _actor(by)
    enrolment = add_user(project, name, role, by=actor)
    audit(project, actor, "user.add", enrolment.user)
    base = project.settings.web.base_url
    console.print(
        _("enrolment link (shown once): %(link)s") % {"link": enrolment.link(base)},
        markup=False,
        soft_wrap=True,
    )


@users.command(
    "list",
    help=_("Every account, its role and state."),
)
def users_list(
    output_format: OutputFormat = "text",
) -> None:
    from qantar.accounts import list_users

    only_formats(output_format, "text", "json")
    found = list_users(open_project())
    if output_format == "json":
        print_json([u.to_dict() for u in found])
        return
    for u in found:
        state = (
            _("disabled") if u.disabled else _("active") if u.enrolled else _("awaiting enrolment")
        )
        console.print(f"{u.name}\t{u.role.value}\t{state}", markup=False)


@users.command(
    "disable",
    help=_("Stop an account from signing in and end its sessions (its history stays)."),
)
def users_disable(
    name: Annotated[str, typer.Argument(help=_("Account name."))],
    by: Annotated[str | None, typer.Option(help=_("Who disables it (default: you)."))] = None,
) -> None:
    from qantar.accounts import audit, disable_user

    project = open_project()
    disable_user(project, name, by=by)
    audit(project, _actor(by), "user.disable", name)
    console.print(_("disabled; its sessions have ended"), markup=False)


@users.command(
    "reset",
    help=_("Start an account over (lost phone or password): a new enrolment link."),
)
def users_reset(
    name: Annotated[str, typer.Argument(help=_("Account name."))],
    by: Annotated[str | None, typer.Option(help=_("Who resets it (default: you)."))] = None,
) -> None:
    from qantar.accounts import audit, reset_user

    project = open_project()
    enrolment = reset_user(project, name)
    audit(project, _actor(by), "user.reset", name)
    base = project.settings.web.base_url
    console.print(
        _("enrolment link (shown once): %(link)s") % {"link": enrolment.link(base)},
        markup=False,
        soft_wrap=True,
    )


def _actor(by: str | None) -> str:
    from qantar.accounts import default_actor

    return by.strip() if by and by.strip() else default_actor()


def _log_config() -> dict[str, Any]:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": "INFO"},
            "qantar.web.access": {"handlers": ["stderr"], "level": "INFO"},
        },
    }


def audit_cli(app: typer.Typer) -> None:
    """Make every successful run of the ``AUDITED`` commands an audit event, under
    ``--by``/``--reviewer`` if given, else the OS user (call once, after registering)."""
    for path, action in AUDITED.items():
        for info in _commands(app, path):
            info.callback = _audited(info.callback, action)


def _commands(app: typer.Typer, path: tuple[str, ...]) -> list[Any]:
    head, rest = path[0], path[1:]
    found = [c for c in app.registered_commands if not rest and c.name == head and c.callback]
    for group in app.registered_groups:
        if group.typer_instance is None:
            continue
        # Typer keeps an unset name as a placeholder object, not None.
        name = group.name if isinstance(group.name, str) else None
        if name is None:  # an area's app, added to the root without a name
            found += _commands(group.typer_instance, path)
        elif rest and name == head:
            found += _commands(group.typer_instance, rest)
    return found


def _audited(callback: Callable[..., Any], action: str) -> Callable[..., Any]:
    @functools.wraps(callback)
    def run(*args: Any, **kwargs: Any) -> Any:
        result = callback(*args, **kwargs)
        from qantar.accounts import audit

        who = kwargs.get("by") or kwargs.get("reviewer")
        # Ids only: a person id for consent; nothing else a command takes names anyone.
        target = kwargs.get("person") if action == "cli.consent" else None
        audit(open_project(), _actor(who if isinstance(who, str) else None), action, target)
        return result

    return run
