"""Chain of command as a dated graph, read from FtM entities.

- who commanded a unit when: ``Occupancy`` (holder → ``Position``, start/end) where the
  position's ``organization`` is the unit; a position limited to a place says so in
  ``subnationalArea``;
- unit → parent unit: the unit's ``parent`` (undated), a ``Membership`` whose member is an
  organisation, or an ``UnknownLink`` with a subordination role (both dated: units are
  put under another command for an operation, e.g. the CSTO contingent in January 2022);
- where a unit was: ``Event`` (deployment) with the unit ``involved``, a ``location`` and
  dates, or the unit's own ``address``.

Every link in an answer carries its sources (``sourceUrl``, ``publisher``, ``summary``)
and a confidence, so that the answer can go into a dossier as sourced claims.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from followthemoney import ValueEntity

from qantar.accountability._common import date_within, place_key
from qantar.accountability._entities import load_entities
from qantar.errors import N_, QantarError
from qantar.model.dicts import jsonable
from qantar.names import name_key
from qantar.notes import Note
from qantar.project import Project

SUBORDINATION_ROLES = (
    "subordinate",
    "subordinate to",
    "under command of",
    "under operational control of",
    "part of",
)
COMMAND_WORDS = (
    "command", "head", "chief", "minister", "director", "chair", "president",
    "командир", "начальник", "министр", "руководит", "председатель", "президент",
    "қолбасшы", "бастық", "басшы", "төраға",
)  # fmt: skip
# Confidence of a link when nobody recorded one: a documented link, not a certainty.
DEFAULT_CONFIDENCE = 0.5
CONFIDENCE_KEY = "qantar_confidence"


@dataclass
class Source:
    entity_id: str
    url: list[str] = field(default_factory=list)
    publisher: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    confidence: float = DEFAULT_CONFIDENCE
    explicit: bool = False  # someone recorded the confidence; else it is the default

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "entity_id": self.entity_id,
                "url": self.url,
                "publisher": self.publisher,
                "summary": self.summary,
                "confidence": self.confidence,
            }
        )


def source_of(entity: ValueEntity) -> Source:
    assert entity.id is not None
    conf = entity.context.get(CONFIDENCE_KEY)
    return Source(
        entity_id=entity.id,
        url=entity.get("sourceUrl", quiet=True),
        publisher=entity.get("publisher", quiet=True),
        summary=[*entity.get("summary", quiet=True), *entity.get("description", quiet=True)],
        confidence=float(conf) if isinstance(conf, int | float) else DEFAULT_CONFIDENCE,
        explicit=isinstance(conf, int | float),
    )


def _start(entity: ValueEntity) -> str | None:
    return min(entity.get("startDate", quiet=True) + entity.get("date", quiet=True), default=None)


def _end(entity: ValueEntity) -> str | None:
    ends = entity.get("endDate", quiet=True)
    if ends:
        return max(ends)
    if not entity.get("startDate", quiet=True) and entity.get("date", quiet=True):
        return max(entity.get("date", quiet=True))
    return None


@dataclass
class ChainLink:
    unit_id: str
    unit: str
    parent_id: str
    parent: str
    start: str | None
    end: str | None
    kind: str  # parent (undated), membership, link
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "unit_id": self.unit_id,
                "unit": self.unit,
                "parent_id": self.parent_id,
                "parent": self.parent,
                "start": self.start,
                "end": self.end,
                "kind": self.kind,
                "source": self.source.to_dict(),
            }
        )


@dataclass
class Responsible:
    person_id: str
    person: str
    post_id: str
    post: str
    unit_id: str
    unit: str
    level: int  # 0: the unit itself, 1: its parent, ...
    command: bool  # the post's name says it commands (commander, head, chief...)
    start: str | None
    end: str | None
    sources: list[Source]
    caveats: list[str] = field(default_factory=list)

    @property
    def confidence(self) -> float:
        """The weakest recorded confidence of the claims it rests on (default if none)."""
        recorded = [s.confidence for s in self.sources if s.explicit]
        return min(recorded) if recorded else DEFAULT_CONFIDENCE

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "person_id": self.person_id,
                "person": self.person,
                "post_id": self.post_id,
                "post": self.post,
                "unit_id": self.unit_id,
                "unit": self.unit,
                "level": self.level,
                "command": self.command,
                "start": self.start,
                "end": self.end,
                "confidence": self.confidence,
                "sources": [s.to_dict() for s in self.sources],
                "caveats": self.caveats,
            }
        )


@dataclass
class Deployment:
    unit_id: str
    place: str
    start: str | None
    end: str | None
    source: Source

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "unit_id": self.unit_id,
                "place": self.place,
                "start": self.start,
                "end": self.end,
                "source": self.source.to_dict(),
            }
        )


@dataclass
class CommandAnswer:
    unit_id: str
    unit: str
    date: str
    place: str | None
    chain: list[ChainLink]
    responsible: list[Responsible]
    deployments: list[Deployment]
    caveats: list[str]

    def to_dict(self) -> dict[str, Any]:
        return jsonable(
            {
                "unit_id": self.unit_id,
                "unit": self.unit,
                "date": self.date,
                "place": self.place,
                "chain": [c.to_dict() for c in self.chain],
                "responsible": [r.to_dict() for r in self.responsible],
                "deployments": [d.to_dict() for d in self.deployments],
                "caveats": self.caveats,
            }
        )


class CommandGraph:
    """The register's units, posts, occupancies, subordination and deployments, indexed."""

    def __init__(self, items: list[ValueEntity]) -> None:
        self.by_id = {e.id: e for e in items if e.id}
        self.units = {i: e for i, e in self.by_id.items() if e.schema.is_a("Organization")}
        self.posts_of: dict[str, list[ValueEntity]] = {}
        self.occupancies_of: dict[str, list[ValueEntity]] = {}
        self.parents_of: dict[str, list[tuple[str, ValueEntity, str]]] = {}
        self.deployments_of: dict[str, list[ValueEntity]] = {}
        for e in items:
            if e.schema.is_a("Position"):
                for org in e.get("organization"):
                    self.posts_of.setdefault(org, []).append(e)
            elif e.schema.is_a("Occupancy"):
                for post in e.get("post"):
                    self.occupancies_of.setdefault(post, []).append(e)
            elif e.schema.is_a("Membership"):
                for member in e.get("member"):
                    if member in self.units:
                        for org in e.get("organization"):
                            self.parents_of.setdefault(member, []).append((org, e, "membership"))
            elif e.schema.is_a("UnknownLink"):
                roles = [r.casefold() for r in e.get("role")]
                if any(r in SUBORDINATION_ROLES for r in roles):
                    for subject in e.get("subject"):
                        for obj in e.get("object"):
                            self.parents_of.setdefault(subject, []).append((obj, e, "link"))
            elif e.schema.is_a("Event"):
                for involved in e.get("involved"):
                    self.deployments_of.setdefault(involved, []).append(e)
        for unit_id, unit_entity in self.units.items():
            for parent in unit_entity.get("parent"):
                self.parents_of.setdefault(unit_id, []).append((parent, unit_entity, "parent"))

    @classmethod
    def load(cls, project: Project) -> CommandGraph:
        return cls(load_entities(project))

    def caption(self, entity_id: str) -> str:
        entity = self.by_id.get(entity_id)
        return entity.caption if entity is not None else entity_id

    def resolve_unit(self, text: str) -> str:
        """A unit by id, or by a name or alias in any script (must be unambiguous)."""
        if text in self.units:
            return text
        wanted = " ".join(name_key(w) for w in text.split())
        hits = [
            uid
            for uid, unit in sorted(self.units.items())
            if any(
                " ".join(name_key(w) for w in n.split()) == wanted
                for n in unit.get("name") + unit.get("alias") + unit.get("abbreviation")
            )
        ]
        if not hits:
            raise QantarError(
                N_("no unit named %(unit)s in the register: pass its id"), unit=repr(text)
            )
        if len(hits) > 1:
            raise QantarError(
                N_("%(n)s units are named %(unit)s: pass one id of %(ids)s"),
                n=len(hits),
                unit=repr(text),
                ids=hits,
            )
        return hits[0]

    def parents(self, unit_id: str, day: str) -> list[ChainLink]:
        links = []
        for parent_id, entity, kind in self.parents_of.get(unit_id, []):
            start = None if kind == "parent" else _start(entity)
            end = None if kind == "parent" else _end(entity)
            if kind != "parent" and not date_within(day, start, end):
                continue
            links.append(
                ChainLink(
                    unit_id,
                    self.caption(unit_id),
                    parent_id,
                    self.caption(parent_id),
                    start,
                    end,
                    kind,
                    source_of(entity),
                )
            )
        # A dated subordination for the day outranks the standing hierarchy.
        dated = [link for link in links if link.kind != "parent"]
        return dated or links

    def chain(self, unit_id: str, day: str, max_depth: int = 12) -> list[ChainLink]:
        """Unit → parent → ... on ``day``; every branch is followed, cycles are cut."""
        out: list[ChainLink] = []
        seen = {unit_id}
        frontier = [unit_id]
        for _ in range(max_depth):
            nxt = []
            for uid in frontier:
                for link in self.parents(uid, day):
                    out.append(link)
                    if link.parent_id not in seen:
                        seen.add(link.parent_id)
                        nxt.append(link.parent_id)
            if not nxt:
                break
            frontier = nxt
        return out

    def deployments(self, unit_id: str, day: str) -> list[Deployment]:
        out = []
        for event in self.deployments_of.get(unit_id, []):
            start, end = _start(event), _end(event)
            if not date_within(day, start, end):
                continue
            places = event.get("location") + event.get("address") + event.get("country")
            out.append(Deployment(unit_id, "; ".join(places), start, end, source_of(event)))
        return out

    def holders(self, unit_id: str, day: str, place: str | None, level: int) -> list[Responsible]:
        out = []
        for post in self.posts_of.get(unit_id, []):
            assert post.id is not None
            areas = post.get("subnationalArea") + post.get("address")
            caveats = []
            if place and areas:
                if not any(_place_matches(place, a) for a in areas):
                    continue
            elif place and not areas:
                caveats.append(Note(N_("the post is not limited to a place")))
            post_name = post.caption
            command = any(w in post_name.casefold() for w in COMMAND_WORDS)
            for occ in self.occupancies_of.get(post.id, []):
                start, end = _start(occ), _end(occ)
                if not date_within(day, start, end):
                    continue
                if start is None:
                    caveats.append(Note(N_("start of the occupancy unknown")))
                if end is None:
                    caveats.append(Note(N_("end of the occupancy not recorded")))
                for holder in occ.get("holder"):
                    out.append(
                        Responsible(
                            person_id=holder,
                            person=self.caption(holder),
                            post_id=post.id,
                            post=post_name,
                            unit_id=unit_id,
                            unit=self.caption(unit_id),
                            level=level,
                            command=command,
                            start=start,
                            end=end,
                            sources=[source_of(occ), source_of(post)],
                            caveats=list(dict.fromkeys(caveats)),
                        )
                    )
        return out

    def located(self, unit_id: str, place: str, day: str) -> bool:
        unit = self.units.get(unit_id)
        if unit is not None and any(_place_matches(place, a) for a in unit.get("address")):
            return True
        return any(
            any(_place_matches(place, p) for p in d.place.split("; "))
            for d in self.deployments(unit_id, day)
        )

    def posts_held(self, person_id: str) -> list[dict[str, Any]]:
        """Every post a person held, with dates, unit and sources."""
        out = []
        for post_id, occs in self.occupancies_of.items():
            post = self.by_id.get(post_id)
            if post is None:
                continue
            for occ in occs:
                if person_id in occ.get("holder"):
                    units = post.get("organization")
                    out.append(
                        {
                            "post_id": post_id,
                            "post": post.caption,
                            "unit_id": units[0] if units else None,
                            "unit": self.caption(units[0]) if units else None,
                            "start": _start(occ),
                            "end": _end(occ),
                            "source": source_of(occ).to_dict(),
                        }
                    )
        return sorted(out, key=lambda r: (r["start"] or "", r["post"]))


def _place_matches(wanted: str, value: str) -> bool:
    a, b = place_key(wanted), place_key(value)
    if not a or not b:
        return False
    return a == b or f" {a} " in f" {b} " or f" {b} " in f" {a} "


def who_was_responsible(
    project: Project,
    unit: str,
    date: str,
    *,
    place: str | None = None,
    graph: CommandGraph | None = None,
) -> CommandAnswer:
    """Who held posts over ``unit`` on ``date`` (YYYY-MM-DD), up its chain of command.

    With ``place``, posts limited to another place are left out, and the answer says
    whether any record puts the unit there on that day (deployment or address).
    """
    g = graph or CommandGraph.load(project)
    unit_id = g.resolve_unit(unit)
    chain = g.chain(unit_id, date)
    levels = {unit_id: 0}
    for link in chain:
        levels.setdefault(link.parent_id, levels.get(link.unit_id, 0) + 1)
    responsible: list[Responsible] = []
    for uid, level in sorted(levels.items(), key=lambda kv: kv[1]):
        responsible.extend(g.holders(uid, date, place, level))
    caveats: list[str] = []
    deployments = g.deployments(unit_id, date)
    if place and not g.located(unit_id, place, date):
        caveats.append(
            Note(
                N_(
                    "no record in the register puts this unit in %(place)s on %(date)s: "
                    "add a deployment (FtM Event with the unit involved) with its source"
                ),
                place=place,
                date=date,
            )
        )
    if not responsible:
        caveats.append(Note(N_("no post-holder recorded for this unit or its chain on this date")))
    if not chain:
        caveats.append(Note(N_("no parent unit recorded for this date")))
    return CommandAnswer(
        unit_id=unit_id,
        unit=g.caption(unit_id),
        date=date,
        place=place,
        chain=chain,
        responsible=responsible,
        deployments=deployments,
        caveats=caveats,
    )
