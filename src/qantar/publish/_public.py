"""What may be shown of each person: redacted here, once, for every public output."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, replace
from typing import Any

from qantar.names import SCHEMES, transliterate
from qantar.project import Project
from qantar.publish._consent import explain_statuses
from qantar.publish._persons import LATIN_SCHEME, PersonFacts, person_facts, place_label


@dataclass(frozen=True)
class PublicPerson:
    """A person as the public may see them. ``initials-only`` keeps initials, the date of
    death and the region; it drops age, the exact place, circumstances and sources, any of
    which can identify someone in a small town (docs/publish.md)."""

    person_id: str
    status: str
    name_cyrillic: str
    name_latin: str
    age: int | None
    date_of_death: str | None
    place: str | None
    region: str | None
    circumstances: str | None
    sources: tuple[str, ...]
    memorial: bool

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sources"] = list(self.sources)
        return out


def _initials(*parts: str | None) -> str:
    return " ".join(f"{p[0].upper()}." for p in parts if p)


def redact(facts: PersonFacts, status: str) -> PublicPerson | None:
    """The public form of a person under ``status``; None when withheld."""
    if status == "withhold":
        return None
    region = place_label(facts.region_id)
    if status == "initials-only":
        cyr = _initials(facts.surname, facts.given)
        return PublicPerson(
            person_id=facts.person_id,
            status=status,
            name_cyrillic=cyr,
            name_latin=transliterate(cyr, LATIN_SCHEME),
            age=None,
            date_of_death=facts.event_date,
            place=None,
            region=region,
            circumstances=None,
            sources=(),
            memorial=facts.in_memorial,
        )
    return PublicPerson(
        person_id=facts.person_id,
        status=status,
        name_cyrillic=facts.name_cyrillic,
        name_latin=facts.name_latin,
        age=facts.age,
        date_of_death=facts.event_date,
        place=place_label(facts.place_id),
        region=region,
        circumstances="; ".join(facts.notes) or None,
        sources=facts.sources,
        memorial=facts.in_memorial,
    )


_WORD = re.compile(r"\w+", re.UNICODE)
SCRUBBED = "[…]"


def hidden_name_tokens(facts: PersonFacts) -> set[str]:
    """Every word of a person's name in every spelling qantar knows, casefolded."""
    texts = [facts.surname, facts.given, facts.patronymic, facts.latin_written, *facts.spellings]
    tokens: set[str] = set()
    for text in texts:
        if not text:
            continue
        for scheme in (None, *SCHEMES):
            form = text if scheme is None else transliterate(text, scheme)
            tokens.update(w.casefold() for w in _WORD.findall(form) if len(w) > 1)
    return tokens


# Hotline notes carry contacts ("sister +7 701 123 45 67", "x@mail.kz"): never published.
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


_DATE = re.compile(r"(?<!\d)(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})(?!\d)")


def _phone_or_not(match: re.Match[str]) -> str:
    found = match.group(0)
    digits = sum(c.isdigit() for c in found)
    if digits < 7:
        return found
    return SCRUBBED


def scrub(text: str | None, hidden: set[str]) -> str | None:
    """Free text with every word of a hidden name blanked out (a published person's notes
    may name a relative whose family asked to withhold it), and phone numbers and e-mail
    addresses removed."""
    if not text:
        return text
    text = _EMAIL.sub(SCRUBBED, text)
    # Dates are set aside first so that a phone pattern cannot swallow them.
    dates: list[str] = []

    def keep(m: re.Match[str]) -> str:
        dates.append(m.group(0))
        return f"\x00{len(dates) - 1}\x00"

    text = _DATE.sub(keep, text)
    text = _PHONE.sub(_phone_or_not, text)
    text = re.sub("\x00(\\d+)\x00", lambda m: dates[int(m.group(1))], text)
    if not hidden:
        return text
    return _WORD.sub(lambda m: SCRUBBED if m.group(0).casefold() in hidden else m.group(0), text)


def public_persons(project: Project) -> list[PublicPerson]:
    """Every person who may be shown, already redacted; withheld persons are absent.

    Free text (circumstances, source names) is scrubbed of the words of every name that is
    withheld or shown as initials only."""
    facts = person_facts(project)
    statuses = explain_statuses(project, facts)
    hidden: set[str] = set()
    for f in facts:
        if statuses[f.person_id].status != "publish":
            hidden |= hidden_name_tokens(f)
    out = []
    for f in facts:
        shown = redact(f, statuses[f.person_id].status)
        if shown is None:
            continue
        out.append(
            replace(
                shown,
                circumstances=scrub(shown.circumstances, hidden),
                sources=tuple(scrub(s, hidden) or "" for s in shown.sources),
            )
        )
    return out
