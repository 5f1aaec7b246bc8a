"""The closed vocabularies every area shares. ``StrEnum``: a member *is* its stored string,
so the database, the custody log and JSON outputs keep the values they always had."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from qantar.errors import N_, InputError


class Decision(StrEnum):
    """A reviewer's decision on a pair of records."""

    MATCH = "match"
    NON_MATCH = "non-match"
    UNSURE = "unsure"


class PublicationStatus(StrEnum):
    """What the public may see of a person: a family's consent decision, a list's word, a
    rule, or the default."""

    PUBLISH = "publish"
    INITIALS_ONLY = "initials-only"
    WITHHOLD = "withhold"


class ConsentStatus(StrEnum):
    """Consent about publishing an evidence item, given or withdrawn."""

    GIVEN = "given"
    WITHDRAWN = "withdrawn"


class CustodyAction(StrEnum):
    """What an event of the signed custody log records."""

    ACQUIRED = "acquired"
    ADDED = "added"
    VIEWED = "viewed"
    EXPORTED = "exported"
    TRANSFERRED = "transferred"
    VERIFIED = "verified"
    ANNOTATED = "annotated"
    REDACTED = "redacted"
    DERIVED = "derived"
    PUBLISHED = "published"
    LINKED = "linked"
    CONSENT = "consent"
    TIMESTAMPED = "timestamped"
    REPLICATED = "replicated"
    RESTORED = "restored"
    DELETED_FROM_WORKING_STORE = "deleted-from-working-store"
    KEY_ROTATED = "key-rotated"
    FACTS_SEALED = "facts-sealed"


class Role(StrEnum):
    """What a person may do in a project (the web app grants by role)."""

    ADMIN = "admin"
    DOCUMENTER = "documenter"
    REVIEWER = "reviewer"
    LIAISON = "liaison"
    ANALYST = "analyst"
    VIEWER = "viewer"


class SourceKind(StrEnum):
    """Who made a list."""

    OFFICIAL = "official"
    NGO = "ngo"
    MEDIA = "media"
    FAMILY = "family"
    HOSPITAL = "hospital"
    MORGUE = "morgue"
    OTHER = "other"


class EventType(StrEnum):
    """What happened to a person, as a list says."""

    KILLED = "killed"
    DETAINED = "detained"
    INJURED = "injured"
    DISAPPEARED = "disappeared"
    TORTURED = "tortured"
    DIED_IN_CUSTODY = "died_in_custody"


E = TypeVar("E", bound=StrEnum)


def parse_enum(kind: type[E], value: object, *, field: str) -> E:
    """``value`` as a member of ``kind``, or an InputError naming the field and the allowed
    values (never the value given: a misplaced name must not reach a log)."""
    if isinstance(value, kind):
        return value
    try:
        return kind(str(value))
    except ValueError:
        allowed = ", ".join(member.value for member in kind)
        what = field.replace("_", " ")
        raise InputError(
            N_("unknown %(what)s; use one of %(allowed)s"), field=field, what=what, allowed=allowed
        ) from None
