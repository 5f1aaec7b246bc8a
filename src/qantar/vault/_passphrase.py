"""Where a passphrase comes from: a file descriptor, the environment, or a prompt.

A server reads it from ``QANTAR_PASSPHRASE_FD`` (a descriptor systemd or a shell hands
over, never seen in the process list) or ``QANTAR_PASSPHRASE``; a person at a terminal
is asked. Without any of them the command stops instead of waiting on a closed input.
"""

from __future__ import annotations

import getpass
import os
import sys

from qantar.errors import QantarError

ENV = "QANTAR_PASSPHRASE"
ENV_FD = "QANTAR_PASSPHRASE_FD"


def _from_fd(text: str) -> str:
    try:
        fd = int(text)
    except ValueError as exc:
        raise QantarError(f"{ENV_FD} must be a file descriptor number") from exc
    try:
        with os.fdopen(fd, "r", encoding="utf-8", closefd=False) as handle:
            line = handle.readline()
    except OSError as exc:
        raise QantarError(f"cannot read the passphrase from {ENV_FD}={fd}") from exc
    return line.rstrip("\r\n")


def read_passphrase(*, purpose: str, confirm: bool = False) -> str:
    """The passphrase for ``purpose`` ("unlock the project", "protect the new project")."""
    fd_text = os.environ.get(ENV_FD, "").strip()
    if fd_text:
        value = _from_fd(fd_text)
    elif os.environ.get(ENV):
        value = os.environ[ENV]
    elif sys.stdin is not None and sys.stdin.isatty():
        value = getpass.getpass(f"Passphrase to {purpose}: ")
        if confirm and getpass.getpass("The same passphrase again: ") != value:
            raise QantarError("the two passphrases differ; nothing was changed")
    else:
        raise QantarError(
            f"a passphrase is needed to {purpose}: run at a terminal, or set {ENV} or "
            f"{ENV_FD} (see docs/security.md)"
        )
    if not value:
        raise QantarError("the passphrase is empty")
    return value
