"""The language a page speaks, and the words for the values a page shows (roles, consent
statuses, kinds of source), which the library stores as English codes.

A page speaks the language of the signed-in account (chosen on its account page, or with the
switcher while signed in), else the one its reader chose with the switcher (a cookie), else
the first of the browser's Accept-Language that qantar speaks, else the first of ``[case]
languages``.
"""

from __future__ import annotations

from collections.abc import Sequence

from qantar.i18n import LANGUAGES, N_, SOURCE_KINDS, speaker

LANGUAGE_COOKIE = "qantar_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

# Codes the library stores, as a reader of each language should read them (glossary.md).
LABELS: dict[str, str] = {
    # roles
    "admin": N_("admin"),
    "documenter": N_("documenter"),
    "reviewer": N_("reviewer"),
    "liaison": N_("liaison"),
    "analyst": N_("analyst"),
    "viewer": N_("viewer"),
    # what each role may do (permissions)
    "home": N_("start page"),
    "dashboard": N_("dashboard"),
    "persons": N_("persons"),
    "consent": N_("consent"),
    "import": N_("import"),
    "memorial": N_("memorial"),
    "users": N_("accounts"),
    "audit": N_("audit log"),
    "review": N_("review"),
    "adjudicate": N_("adjudication"),
    # reviewers' decisions on a pair of records
    "match": N_("match"),
    "non-match": N_("non-match"),
    "unsure": N_("unsure"),
    "evidence": N_("evidence"),
    "evidence_export": N_("court bundle"),
    "estimates": N_("estimates"),
    "report": N_("report"),
    "memorial_export": N_("memorial site"),
    # what the family allows (consent statuses)
    "publish": N_("publish"),
    "initials-only": N_("initials only"),
    "withhold": N_("withhold"),
    # where a publication status comes from (the library's reason is English prose; the
    # page says it in the reader's words, and shows a rule as qantar.toml writes it)
    "decision": N_("a recorded decision (see its history below)"),
    "rule": N_("a publication rule of the project"),
    "default": N_("the project's default: no publication rule applies"),
    "list": N_("a list says not to publish this person"),
    "changed": N_(
        "linkage changed this person since the last decision: the most restrictive status "
        "applies until someone decides again"
    ),
    # how an audited action ended
    "ok": N_("done"),
    "failed": N_("failed"),
    "refused": N_("refused"),
    # kinds of source: worded in one place for every page (qantar.i18n)
    **SOURCE_KINDS,
    # event types (glossary.md)
    "killed": N_("killed"),
    "detained": N_("detained"),
    "injured": N_("injured"),
    "disappeared": N_("disappeared"),
    "tortured": N_("tortured"),
    "died_in_custody": N_("died in custody"),
    # an estimate's options (the methods' own names stay as they are cited)
    "all": N_("all methods"),
    "no-strata": N_("(no strata)"),
    "region": N_("region"),
    "sex": N_("sex"),
    "date": N_("day of the event"),
    "age_group": N_("age group"),
    "place": N_("place"),
    # what a custody event records
    "acquired": N_("collected again"),
    "added": N_("added"),
    "viewed": N_("viewed"),
    "exported": N_("exported"),
    "transferred": N_("transferred"),
    "verified": N_("verified"),
    "annotated": N_("annotated"),
    "redacted": N_("redacted"),
    "derived": N_("derived"),
    "published": N_("published"),
    "linked": N_("attached"),
    "timestamped": N_("timestamped"),
    "replicated": N_("replicated"),
    "restored": N_("restored"),
    "deleted-from-working-store": N_("deleted from the working store"),
    "key-rotated": N_("key rotated"),
    "facts-sealed": N_("facts sealed"),
}


# The audit log's actions of the web app; the CLI's ("cli.import") are command names, kept.
ACTIONS: dict[str, str] = {
    "login": N_("signed in"),
    "logout": N_("signed out"),
    "logout.everywhere": N_("signed out everywhere"),
    "enrol": N_("completed enrolment"),
    "persons.search": N_("searched persons"),
    "person.view": N_("opened a person's page"),
    "consent.decide": N_("recorded a consent decision"),
    "import.preview": N_("previewed an import"),
    "import": N_("imported a list"),
    "quarantine.fix": N_("fixed a quarantined row"),
    "quarantine.export": N_("downloaded a quarantine"),
    "user.add": N_("added an account"),
    "user.disable": N_("disabled an account"),
    "user.reset": N_("reset an account"),
    "account.language": N_("chose the language of their account"),
    "audit.export": N_("downloaded the audit log"),
    "review.decide": N_("decided a pair of records"),
    "review.skip": N_("skipped a pair of records"),
    "review.adjudicate": N_("ruled on a pair reviewers decided differently"),
    "review.recluster": N_("re-clustered the persons"),
    "evidence.add": N_("added evidence"),
    "evidence.view": N_("opened an evidence item"),
    "evidence.attach": N_("attached evidence"),
    "evidence.verify": N_("verified the evidence archive"),
    "evidence.export": N_("downloaded a court bundle"),
    "estimate.run": N_("started an estimate"),
    "estimate.view": N_("opened an estimate"),
    "report.build": N_("downloaded the report"),
    "memorial.export": N_("downloaded the memorial site"),
    "refused.session": N_("refused: no session"),
    "refused.role": N_("refused: not for this role"),
    "refused.size": N_("refused: too large"),
    "refused.csrf": N_("refused: form not from this site"),
    "refused.filetype": N_("refused: kind of file"),
}


def action(code: str, lang: str) -> str | None:
    """An audited action in ``lang``, or None for one shown as its code (a CLI command)."""
    return speaker(lang).gettext(ACTIONS[code]) if code in ACTIONS else None


def label(code: object, lang: str) -> str:
    """``code`` (a role, a status, a kind) in ``lang``; a code qantar does not know (a
    project's own kind of source) is shown as stored."""
    text = str(getattr(code, "value", code) or "")
    return speaker(lang).gettext(LABELS[text]) if text in LABELS else text


def choose(
    chosen: str | None,
    accept_language: str | None,
    offered: Sequence[str],
    *,
    account: str | None = None,
) -> str:
    """The page's language: the ``account``'s when it has one, else ``chosen`` (the
    switcher's cookie) when qantar speaks it, else the browser's preference, else the first
    of ``offered`` (``[case] languages``)."""
    for language in (account, chosen):
        if language in LANGUAGES:
            return str(language)
    for lang in _preferred(accept_language or ""):
        if lang in LANGUAGES:
            return lang
    return next((lang for lang in offered if lang in LANGUAGES), LANGUAGES[0])


def _preferred(header: str) -> list[str]:
    """The primary subtags of an Accept-Language header ("ru-RU,ru;q=0.9,en;q=0.8"), most
    wanted first; a weight that is not a number counts as 0 (the header is the client's)."""
    weighted: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")[:32]):
        tag, _sep, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        primary = tag.strip().split("-")[0].lower()
        if primary and weight > 0:
            weighted.append((-weight, position, primary))
    return [primary for _w, _p, primary in sorted(weighted)]


def safe_next(path: str | None, fallback: str) -> str:
    """Where the switcher returns: a path of this site only (never another host)."""
    if path and path.startswith("/") and not path.startswith("//") and "\\" not in path:
        return path
    return fallback
