"""Bringing an archive made before item facts were signed under the signed log, once.

``seal_facts`` verifies everything first and refuses while anything but the missing
signatures fails: sealing a forged row would make the forgery look signed. It then appends
one ``facts-sealed`` event carrying the facts of every item that had none, and writes the
head beside the key. Items already sealed are never re-sealed (a changed fact stays a
failure until a person looks at it).
"""

from __future__ import annotations

from dataclasses import dataclass

from qantar.errors import N_, QantarError
from qantar.evidence._custody import custody, events, head_path
from qantar.evidence._facts import SEALED, UNSEALED, current_facts, signed_facts
from qantar.evidence._verify import verify
from qantar.project import Project


@dataclass
class SealResult:
    seq: int | None  # None: nothing to seal
    items: list[str]


def _sealable(kind: str, message: str) -> bool:
    return (kind == "fact" and message == UNSEALED) or (
        kind == "head" and message.startswith("missing:")
    )


def seal_facts(project: Project, *, reason: str = "", actor: str | None = None) -> SealResult:
    """Sign the current facts of every item that has no signed facts yet (see module doc)."""
    report = verify(project, record=False)
    blocking = [p for p in report.failures if not _sealable(p.kind, p.message)]
    if blocking:
        first = blocking[0]
        raise QantarError(
            N_(
                "the archive does not verify (%(n)s problem(s), first %(subject)s: "
                "%(problem)s); run `qantar evidence verify`; nothing was sealed"
            ),
            n=len(blocking),
            subject=first.subject,
            problem=first.message,
        )
    with custody(project, actor, sealing=True) as log:
        signed = signed_facts(events(log.conn))
        unsealed = sorted(sha for sha in current_facts(log.conn) if sha not in signed)
        if not unsealed and head_path(project).exists():
            return SealResult(None, [])
        event = log.append(
            SEALED,
            [],
            reason or "facts recorded before qantar signed them, sealed as found",
            {"items": len(unsealed)},
            seal=unsealed,
        )
    return SealResult(int(event["seq"]), unsealed)
