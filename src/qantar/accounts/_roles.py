"""The team's roles and what each may do: one table, read by the web app and its tests."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"  # accounts, the audit log, exports
    DOCUMENTER = "documenter"  # import lists, fix quarantined rows, add evidence
    REVIEWER = "reviewer"  # the review queue only (part 2)
    LIAISON = "liaison"  # consent decisions and their history
    ANALYST = "analyst"  # counts, estimates, reports without names
    VIEWER = "viewer"  # the published memorial only


class Permission(StrEnum):
    HOME = "home"  # the signed-in start page and one's own account
    DASHBOARD = "dashboard"  # counts of sources, rows, quarantine, last linkage and estimate
    PERSONS = "persons"  # search persons by name and open a person's page (names!)
    CONSENT = "consent"  # record a publication decision
    IMPORT = "import"  # upload a list
    MEMORIAL = "memorial"  # what the memorial site shows
    USERS = "users"  # add, disable and reset accounts
    AUDIT = "audit"  # read and export the audit log
    REVIEW = "review"  # decide pairs of the review queue (sees the two records, names)
    ADJUDICATE = "adjudicate"  # rule on pairs reviewers decided differently; re-cluster
    EVIDENCE = "evidence"  # add, list and open evidence items, attach them (file names!)
    EVIDENCE_EXPORT = "evidence_export"  # the court bundle (every item, unredacted)
    ESTIMATES = "estimates"  # run estimates and read their results (counts, never names)
    REPORT = "report"  # build and download the public report (counts, never names)
    MEMORIAL_EXPORT = "memorial_export"  # build and download the memorial site (names)


PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset(
        {
            Permission.HOME,
            Permission.DASHBOARD,
            Permission.USERS,
            Permission.AUDIT,
            Permission.ADJUDICATE,
            Permission.EVIDENCE_EXPORT,
            Permission.MEMORIAL_EXPORT,
        }
    ),
    # A documenter already sees every name: deciding pairs is part of their work.
    Role.DOCUMENTER: frozenset(
        {
            Permission.HOME,
            Permission.DASHBOARD,
            Permission.PERSONS,
            Permission.IMPORT,
            Permission.REVIEW,
            Permission.EVIDENCE,
        }
    ),
    Role.REVIEWER: frozenset({Permission.HOME, Permission.REVIEW}),
    Role.LIAISON: frozenset(
        {Permission.HOME, Permission.PERSONS, Permission.CONSENT, Permission.MEMORIAL}
    ),
    # Not the memorial: an analyst reaches no page that shows a name, published or not.
    Role.ANALYST: frozenset(
        {
            Permission.HOME,
            Permission.DASHBOARD,
            Permission.ESTIMATES,
            Permission.REPORT,
        }
    ),
    Role.VIEWER: frozenset({Permission.HOME, Permission.MEMORIAL}),
}

# Roles that never see a name of the lists sign in with a password alone; every other role
# needs a second factor, because an account that sees names is what an adversary wants.
WITHOUT_TOTP: frozenset[Role] = frozenset({Role.ANALYST, Role.VIEWER})


def needs_totp(role: Role) -> bool:
    return role not in WITHOUT_TOTP


def allowed(role: Role, permission: Permission) -> bool:
    return permission in PERMISSIONS[role]


def parse_role(text: str) -> Role:
    from qantar.errors import N_, InputError

    try:
        return Role(text.strip().lower())
    except ValueError:
        raise InputError(
            N_("unknown role; use one of %(roles)s"),
            field="role",
            roles=", ".join(r.value for r in Role),
        ) from None
