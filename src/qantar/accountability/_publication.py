"""Whether a victim's name may appear in a dossier: the publish area's rule, applied here.

There is one publication rule in qantar: ``qantar.publish`` (explicit consent decisions,
else the rules of qantar.toml ``[publish]``, else the conservative default). A dossier
cites victims by registry record or by linkage person; a record is shown as its linked
person is shown on the memorial (``public_persons``): the full name when the status is
``publish``, initials when ``initials-only``, a numbered placeholder when ``withhold``. A
record not linked to any person yet has no status, so its name is withheld until
``qantar link`` places it. Everything that shows a victim goes through ``victim_display``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from qantar.model import PublicationStatus
from qantar.names import parse
from qantar.notes import N_, Note
from qantar.project import Project
from qantar.publish import PublicPerson
from qantar.publish._public import TextGuard, public_view, words_of
from qantar.store.readers import person_of_record
from qantar.store.schema import records

NOT_LINKED = Note(N_("withheld: the record is not linked to any person yet (run `qantar link`)"))
UNKNOWN_PERSON = Note(N_("withheld: no active linked person with this id (re-linked since?)"))
# Where a publication status came from (``StatusExplained.origin``: a consent decision, a
# rule of qantar.toml [publish], the default), said in the redaction log's language.
ORIGINS = {"decision": N_("decision"), "rule": N_("rule"), "default": N_("default")}


def _origin(origin: str) -> Note | str:
    message = ORIGINS.get(origin)
    return Note(message) if message else origin


@dataclass(frozen=True)
class VictimDisplay:
    label: str  # what an output may print
    withheld: bool  # no name at all (initials-only is not withheld, but is not the name)
    status: str  # publish, initials-only or withhold
    # why (for the redaction log: counts and reasons, never values); a Note, so that the
    # dossier words it in its language
    reason: str


@dataclass(frozen=True)
class VictimPublication:
    """The publication view of a project, read once per dossier: who may be shown, how."""

    shown: dict[str, PublicPerson]  # person id -> redacted public form (withheld: absent)
    origins: dict[str, str]  # person id -> decision / rule / default
    person_of_record: dict[int, str]  # registry record id -> active linked person id
    records_of_person: dict[str, list[int]] = field(default_factory=dict)
    # Every free text of a dossier goes through it (``qantar.publish.public_text``).
    guard: TextGuard = field(default_factory=TextGuard)


def victim_publication(project: Project) -> VictimPublication:
    """Read the publish area's statuses and the record-to-person links once."""
    links = person_of_record(project)
    if not links:
        return VictimPublication({}, {}, {})
    by_person: dict[str, list[int]] = defaultdict(list)
    for record_id, person_id in links.items():
        by_person[person_id].append(record_id)
    view = public_view(project)
    return VictimPublication(
        shown={p.person_id: p for p in view.persons},
        origins={pid: s.origin for pid, s in view.statuses.items()},
        person_of_record=links,
        records_of_person=dict(by_person),
        guard=view.guard,
    )


def victim_records(
    view: VictimPublication, record_id: int | None, person_id: str | None
) -> list[int]:
    """The registry records behind a victim: all of its person's, or the record alone."""
    pid = person_id or (view.person_of_record.get(record_id) if record_id is not None else None)
    if pid is not None and pid in view.records_of_person:
        return view.records_of_person[pid]
    return [record_id] if record_id is not None else []


def withhold_names_of_records(project: Project, view: VictimPublication, ids: list[int]) -> None:
    """Add the names these records hold to the words no dossier text may carry (victims
    cited by a record no linked person holds yet have no publication status)."""
    if not ids:
        return
    query = select(
        records.c.name_raw, records.c.surname_raw, records.c.given_raw, records.c.patronymic_raw
    ).where(records.c.id.in_(sorted(set(ids))))
    with project.engine.connect() as conn:
        for row in conn.execute(query):
            for text in row:
                if text:
                    parsed = parse(str(text))
                    for part in (parsed.surname, parsed.given, parsed.patronymic):
                        view.guard.withheld.add(part, min_len=2 if len(words_of(part)) == 1 else 4)
                    view.guard.withheld.add(text, min_len=4)


def _both(cyrillic: str, latin: str) -> str:
    if not cyrillic:
        return latin
    if not latin or latin == cyrillic:
        return cyrillic
    return f"{cyrillic} ({latin})"


def victim_display(
    view: VictimPublication, *, record_id: int | None, person_id: str | None, ordinal: int
) -> VictimDisplay:
    """How victim number ``ordinal`` of a list may be shown. The publish area decides."""
    placeholder = Note(N_("Victim %(n)s (name withheld)"), n=ordinal)
    if person_id is None:
        person_id = view.person_of_record.get(record_id) if record_id is not None else None
        if person_id is None:
            return VictimDisplay(placeholder, True, PublicationStatus.WITHHOLD, NOT_LINKED)
    if person_id not in view.origins:
        return VictimDisplay(placeholder, True, "withhold", UNKNOWN_PERSON)
    origin = view.origins[person_id]
    public = view.shown.get(person_id)
    if public is None:
        reason = Note(N_("withheld: publication status (%(origin)s)"), origin=_origin(origin))
        return VictimDisplay(placeholder, True, "withhold", reason)
    label = _both(public.name_cyrillic, public.name_latin) or Note(N_("Victim %(n)s"), n=ordinal)
    if public.status == "initials-only":
        reason = Note(N_("initials only: publication status (%(origin)s)"), origin=_origin(origin))
        return VictimDisplay(label, False, public.status, reason)
    reason = Note(N_("published: publication status (%(origin)s)"), origin=_origin(origin))
    return VictimDisplay(label, False, public.status, reason)


def wording(gettext: Callable[[str], str]) -> Callable[[Any], Any]:
    """A template filter saying a redaction reason or a withheld victim's label (a Note) in
    the language of ``gettext``; any other text (a name that may be shown) as it is."""
    return lambda text: text.in_words(gettext) if isinstance(text, Note) else text
