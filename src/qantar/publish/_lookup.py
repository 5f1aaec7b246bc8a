"""Finding a person before deciding about them: by id with their names as the lists wrote
them, or by a name in any script. A consent given to a mistyped id publishes the wrong
family's name; a consent given after seeing the names does not."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from qantar.errors import N_, InputError
from qantar.model.dicts import fields_dict, jsonable
from qantar.names import compare, is_placeholder, name_key
from qantar.project import Project
from qantar.publish._consent import StatusExplained, explain_statuses
from qantar.publish._persons import PersonFacts, person_facts
from qantar.publish._public import words_of
from qantar.publish._tables import name_choices

# A name query finds a person when the names compare this well (qantar.names.compare).
FIND_SCORE = 0.75


@dataclass(frozen=True)
class RecordedName:
    record_key: str
    source: str
    source_kind: str
    name: str  # as the list wrote it
    shown: bool  # this record's spelling is the one published
    says_withhold: bool  # the list says "do not publish"

    def to_dict(self) -> dict[str, Any]:
        return fields_dict(self)


@dataclass(frozen=True)
class PersonCard:
    """What someone deciding about a person should see: every name as recorded, the
    sources, the status now and why."""

    person_id: str
    names: tuple[RecordedName, ...]
    sources: tuple[str, ...]
    status: StatusExplained
    spelling_chosen: bool
    score: float | None = None  # when found by name

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "person_id": self.person_id,
                "names": [n.to_dict() for n in self.names],
                "sources": list(self.sources),
                "status": self.status.to_dict(),
                "spelling_chosen": self.spelling_chosen,
                "score": self.score,
            }
        )


def _card(f: PersonFacts, status: StatusExplained, score: float | None = None) -> PersonCard:
    names = tuple(
        RecordedName(key, source, kind, name, key == f.name_from, key in f.listed_withhold)
        for key, source, kind, name in f.recorded_names
    )
    return PersonCard(f.person_id, names, f.sources, status, f.name_chosen, score)


def person_card(project: Project, person_id: str) -> PersonCard:
    facts = person_facts(project, only=[person_id])
    if not facts:
        raise InputError(
            N_(
                "no person %(person)s in this project: find one with "
                '`qantar consent --find "NAME"` or see `qantar export persons`'
            ),
            person=repr(person_id),
        )
    return _card(facts[0], explain_statuses(project, facts)[person_id])


def find_persons(project: Project, text: str, *, limit: int = 20) -> list[PersonCard]:
    """Persons whose recorded names match ``text`` in any script or scheme (Жақсылықов,
    Жаксылыков, Zhaksylykov, Jaqsylyqov), best first."""
    wanted = {name_key(w) for w in words_of(text)} - {""}
    if not wanted:
        raise InputError(N_("--find needs a name (letters)"))
    facts = person_facts(project)
    found: list[tuple[float, PersonFacts]] = []
    for f in facts:
        best = 0.0
        for _, _, _, written in f.recorded_names:
            keys = {name_key(w) for w in words_of(written)}
            score = compare(text, written).score
            if wanted <= keys:
                score = max(score, 0.9)
            best = max(best, score)
        if best >= FIND_SCORE:
            found.append((best, f))
    found.sort(key=lambda t: (-t[0], t[1].person_id))
    chosen = [f for _, f in found[:limit]]
    statuses = explain_statuses(project, chosen) if chosen else {}
    return [_card(f, statuses[f.person_id], round(s, 4)) for s, f in found[:limit]]


def choose_spelling(project: Project, person_id: str, record_key: str, *, by: str) -> PersonCard:
    """Show this person under the name as ``record_key``'s list wrote it (recorded with who
    and when; the choice follows that record through re-links)."""
    if not by or not by.strip():
        raise InputError(N_("say who chose: --by NAME"))
    card = person_card(project, person_id)
    if record_key not in {n.record_key for n in card.names if not is_placeholder(n.name)}:
        raise InputError(
            N_(
                "record %(record)s is not one of person %(person)s's named records: "
                "see `qantar spelling %(person)s`"
            ),
            record=repr(record_key),
            person=person_id,
        )
    with project.engine.begin() as conn:
        conn.execute(
            insert(name_choices).values(
                record_key=record_key,
                person_id=person_id,
                decided_by=by.strip(),
                decided_at=dt.datetime.now(dt.UTC),
            )
        )
    return person_card(project, person_id)
