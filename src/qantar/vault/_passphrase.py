"""Where a passphrase comes from: a file descriptor, the environment, or a prompt.

A server reads it from ``QANTAR_PASSPHRASE_FD`` (a descriptor systemd or a shell hands
over, never seen in the process list) or ``QANTAR_PASSPHRASE``; a person at a terminal
is asked, in the terminal's language (``QANTAR_LANG``, else the locale, as the CLI).
Without any of them the command stops instead of waiting on a closed input.
"""

from __future__ import annotations

import getpass
import os
import sys

from qantar.errors import N_, QantarError
from qantar.i18n import language_of_environment, speaker

ENV = "QANTAR_PASSPHRASE"
ENV_FD = "QANTAR_PASSPHRASE_FD"

# Why a passphrase is asked: its prompt, and the error when there is no one to ask. Each is
# a whole sentence: a purpose put into "Passphrase to ..." could not be translated.
PURPOSES: dict[str, tuple[str, str]] = {
    "unlock": (
        N_("Passphrase to unlock %(project)s: "),
        N_(
            "a passphrase is needed to unlock %(project)s: run at a terminal, or set %(env)s "
            "or %(env_fd)s (see docs/security.md)"
        ),
    ),
    "protect the new project's keys": (
        N_("Passphrase to protect the new project's keys: "),
        N_(
            "a passphrase is needed to protect the new project's keys: run at a terminal, or "
            "set %(env)s or %(env_fd)s (see docs/security.md)"
        ),
    ),
    "protect this project's keys": (
        N_("Passphrase to protect this project's keys: "),
        N_(
            "a passphrase is needed to protect this project's keys: run at a terminal, or set "
            "%(env)s or %(env_fd)s (see docs/security.md)"
        ),
    ),
    "seal the backup": (
        N_("Passphrase to seal the backup: "),
        N_(
            "a passphrase is needed to seal the backup: run at a terminal, or set %(env)s or "
            "%(env_fd)s (see docs/security.md)"
        ),
    ),
    "open the backup": (
        N_("Passphrase to open the backup: "),
        N_(
            "a passphrase is needed to open the backup: run at a terminal, or set %(env)s or "
            "%(env_fd)s (see docs/security.md)"
        ),
    ),
}
OTHER_PURPOSE = (
    N_("Passphrase: "),
    N_(
        "a passphrase is needed: run at a terminal, or set %(env)s or %(env_fd)s "
        "(see docs/security.md)"
    ),
)
CONFIRM = N_("The same passphrase again: ")


def _from_fd(text: str) -> str:
    try:
        fd = int(text)
    except ValueError as exc:
        raise QantarError(N_("%(env)s must be a file descriptor number"), env=ENV_FD) from exc
    try:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as handle:
            line = handle.readline()
    except OSError as exc:
        raise QantarError(
            N_("cannot read the passphrase from %(env)s=%(fd)s"), env=ENV_FD, fd=fd
        ) from exc
    return line.rstrip("\r\n")


def read_passphrase(*, purpose: str, confirm: bool = False, project: str = "") -> str:
    """The passphrase for ``purpose`` (a key of ``PURPOSES``; "unlock" names the
    ``project`` folder)."""
    prompt, needed = PURPOSES.get(purpose, OTHER_PURPOSE)
    fd_text = os.environ.get(ENV_FD, "").strip()
    if fd_text:
        value = _from_fd(fd_text)
    elif os.environ.get(ENV):
        value = os.environ[ENV]
    elif sys.stdin is not None and sys.stdin.isatty():
        words = speaker(language_of_environment(os.environ)).gettext
        value = getpass.getpass(words(prompt) % {"project": project})
        if confirm and getpass.getpass(words(CONFIRM)) != value:
            raise QantarError(N_("the two passphrases differ; nothing was changed"))
    else:
        raise QantarError(needed, env=ENV, env_fd=ENV_FD, project=project)
    if not value:
        raise QantarError(N_("the passphrase is empty"))
    return value
