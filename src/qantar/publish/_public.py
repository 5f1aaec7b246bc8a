"""What may be shown of each person, and of any text: redacted here, once, for every public
output (the memorial, the report, the dossier, the public evidence bundle).

Two doors and no other: ``public_persons`` for persons (withheld persons absent, the rest
already redacted) and ``public_text`` for every piece of text a public writer prints. A
text that mentions a withheld person in any form (a case ending, a Kazakh suffix, a Latin
spelling, glued to other words by ``_``) cannot be cleaned with confidence: it is left out
whole and counted. Words of names shown by initials only are blanked.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from qantar.ingest import Gazetteer
from qantar.model import PublicationStatus
from qantar.model.cells import clean_text
from qantar.model.dicts import jsonable
from qantar.names import SCHEMES, is_placeholder, name_key, transliterate
from qantar.project import Project
from qantar.publish._consent import StatusExplained, explain_statuses
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

    @property
    def named(self) -> bool:
        return bool(self.name_cyrillic or self.name_latin)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["sources"] = list(self.sources)
        return jsonable(out)


# --- names in any form -------------------------------------------------------------------

# Words are runs of letters: "statement_Канареечкин.txt" is three words.
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
SCRUBBED = "[…]"
# A stem of four letters or more matches with any ending this long: Russian cases
# (Канареечкиным), Kazakh suffixes stacked (Жақсылықовтарының), feminine forms.
_MAX_ENDING = 8
_MIN_STEM = 4
# Shorter stems (Ли, Ким, Нур) only with a known ending, else they would match common words.
_ENDINGS_CYRILLIC = (
    "а", "я", "у", "ю", "ом", "ем", "ым", "им", "ой", "ей", "е", "и", "ы", "ов", "ев", "ин",
    "ым", "ых", "их", "ам", "ям", "ами", "ями", "ах", "ях", "ого", "его", "ому", "ему",
    "ның", "нің", "дың", "дің", "тың", "тің", "ға", "ге", "қа", "ке", "на", "не", "ны", "ні",
    "ды", "ді", "ты", "ті", "н", "да", "де", "та", "те", "нда", "нде", "дан", "ден", "тан",
    "тен", "нан", "нен", "мен", "бен", "пен", "лар", "лер", "дар", "дер", "тар", "тер",
    "дағы", "дегі", "тағы", "тегі", "сы", "сі", "ы", "і", "ға", "ның",
)  # fmt: skip
_VOWELS = "aeiou"


def _endings() -> frozenset[str]:
    keys = {name_key(e) for e in _ENDINGS_CYRILLIC}
    plural = {name_key(p) for p in ("лар", "лер", "дар", "дер", "тар", "тер")}
    keys |= {p + k for p in plural for k in list(keys)}
    return frozenset(k for k in keys if k)


_ENDING_KEYS = _endings()


def words_of(text: str | None) -> list[str]:
    """The words of ``text``: runs of letters, split on anything else."""
    return _WORD.findall(clean_text(text)) if text else []


@dataclass
class NameStems:
    """Every form of a set of names, matched word by word in any script or scheme."""

    exact: set[str] = field(default_factory=set)
    long_stems: set[str] = field(default_factory=set)
    short_stems: set[str] = field(default_factory=set)

    def add(self, text: str | None, min_len: int = 2) -> None:
        for word in words_of(text):
            if len(word) < min_len or is_placeholder(word):
                continue
            forms = {word, *(transliterate(word, s) for s in SCHEMES)}
            for form in forms:
                key = name_key(form)
                if len(key) < 2:
                    continue
                self.exact.add(key)
                stem = key.rstrip(_VOWELS) if len(key.rstrip(_VOWELS)) >= 2 else key
                (self.long_stems if len(stem) >= _MIN_STEM else self.short_stems).add(stem)

    def __bool__(self) -> bool:
        return bool(self.exact)

    def matches(self, word: str) -> bool:
        key = name_key(word)
        if not key:
            return False
        if key in self.exact:
            return True
        for n in range(max(2, len(key) - _MAX_ENDING), len(key)):
            head = key[:n]
            if n >= _MIN_STEM and head in self.long_stems:
                return True
            if head in self.short_stems and key[n:] in _ENDING_KEYS:
                return True
        return False

    def found_in(self, text: str | None) -> bool:
        return any(self.matches(w) for w in words_of(text))


def add_names(stems: NameStems, facts: PersonFacts) -> None:
    """Every spelling of a person's name qantar holds (private: for redaction only): each
    part any record parses to, and the longer words of each name as a list wrote it (a
    list's "Ахметов из Жанаозена" must not make every "из" a name)."""
    for part in (facts.surname, facts.given, facts.patronymic, *facts.name_words):
        # A short word counts when it is a whole part (Ли, Ким), not inside a longer one.
        stems.add(part, min_len=2 if len(words_of(part)) == 1 else 4)
    stems.add(facts.latin_written, min_len=4)
    for spelling in facts.spellings:
        stems.add(spelling, min_len=4)


# --- text --------------------------------------------------------------------------------

# Hotline notes carry contacts ("sister +7 701 123 45 67", "x@mail.kz"): never published.
_PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DATE = re.compile(r"(?<!\d)(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{2,4})(?!\d)")


def _phone_or_not(match: re.Match[str]) -> str:
    found = match.group(0)
    return found if sum(c.isdigit() for c in found) < 7 else SCRUBBED


def drop_contacts(text: str) -> str:
    text = _EMAIL.sub(SCRUBBED, text)
    # Dates are set aside first so that a phone pattern cannot swallow them.
    dates: list[str] = []

    def keep(m: re.Match[str]) -> str:
        dates.append(m.group(0))
        return f"\x00{len(dates) - 1}\x00"

    text = _DATE.sub(keep, text)
    text = _PHONE.sub(_phone_or_not, text)
    return re.sub("\x00(\\d+)\x00", lambda m: dates[int(m.group(1))], text)


@dataclass
class TextGuard:
    """What no public text may carry: the names of withheld persons (the text is left out)
    and of persons shown by initials only (their words are blanked)."""

    withheld: NameStems = field(default_factory=NameStems)
    initials: NameStems = field(default_factory=NameStems)
    left_out: Counter[str] = field(default_factory=Counter)

    @property
    def texts_left_out(self) -> int:
        return sum(self.left_out.values())


def public_text(guard: TextGuard, text: str | None, where: str = "text") -> str | None:
    """The one function every public writer passes text through. None when the text may not
    be published at all (it mentions a withheld person); counted in ``guard.left_out``."""
    if text is None:
        return None
    text = drop_contacts(clean_text(str(text)))
    if not text.strip():
        return text
    if guard.withheld.found_in(text):
        guard.left_out[where] += 1
        return None
    if not guard.initials:
        return text
    return _WORD.sub(lambda m: SCRUBBED if guard.initials.matches(m.group(0)) else m.group(0), text)


def public_label(guard: TextGuard, text: str | None, fallback: str, where: str = "label") -> str:
    """``public_text`` for a short label that must print something (a source's name)."""
    shown = public_text(guard, text, where)
    return fallback if shown is None else shown


def public_data(guard: TextGuard, value: Any, where: str = "data") -> Any:
    """``public_text`` over every string of a JSON-like value; a string that may not be
    published becomes None."""
    if isinstance(value, str):
        return public_text(guard, value, where)
    if isinstance(value, dict):
        return {k: public_data(guard, v, where) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [public_data(guard, v, where) for v in value]
    return value


# --- persons -----------------------------------------------------------------------------


def _initials(*parts: str | None) -> str:
    return " ".join(f"{p[0].upper()}." for p in parts if p)


def redact(facts: PersonFacts, status: str, places: Gazetteer) -> PublicPerson | None:
    """The public form of a person under ``status``; None when withheld. ``places``: the
    project's gazetteer, which names the place and the region."""
    if status == PublicationStatus.WITHHOLD:
        return None
    region = place_label(facts.region_id, places)
    if status == PublicationStatus.INITIALS_ONLY:
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
        place=place_label(facts.place_id, places),
        region=region,
        circumstances="; ".join(facts.public_notes) or None,
        sources=facts.sources,
        memorial=facts.in_memorial,
    )


def guard_for(facts: Iterable[PersonFacts], statuses: dict[str, str]) -> TextGuard:
    guard = TextGuard()
    for f in facts:
        status = statuses.get(f.person_id, PublicationStatus.WITHHOLD)
        if status == PublicationStatus.WITHHOLD:
            add_names(guard.withheld, f)
        elif status == PublicationStatus.INITIALS_ONLY:
            add_names(guard.initials, f)
    return guard


@dataclass
class PublicView:
    """Everything public outputs may use, read once: the persons and the text guard."""

    persons: list[PublicPerson]
    guard: TextGuard
    withheld: int
    statuses: dict[str, StatusExplained] = field(default_factory=dict)

    @property
    def texts_left_out(self) -> int:
        return self.guard.texts_left_out


def public_view(project: Project) -> PublicView:
    """Every person who may be shown, already redacted (withheld persons are absent), and
    the guard every public text goes through."""
    facts = person_facts(project)
    explained = explain_statuses(project, facts)
    statuses = {pid: s.status for pid, s in explained.items()}
    guard = guard_for(facts, statuses)
    out = []
    for f in facts:
        shown = redact(f, statuses[f.person_id], project.gazetteer)
        if shown is None:
            continue
        circumstances = public_text(guard, shown.circumstances, "circumstances")
        out.append(
            PublicPerson(
                person_id=shown.person_id,
                status=shown.status,
                name_cyrillic=clean_text(shown.name_cyrillic),
                name_latin=clean_text(shown.name_latin),
                age=shown.age,
                date_of_death=shown.date_of_death,
                place=shown.place,
                region=shown.region,
                circumstances=circumstances,
                sources=tuple(public_label(guard, s, "(source name left out)", "source")
                              for s in shown.sources),
                memorial=shown.memorial,
            )
        )  # fmt: skip
    withheld = sum(1 for s in statuses.values() if s == PublicationStatus.WITHHOLD)
    return PublicView(out, guard, withheld, explained)


def public_persons(project: Project) -> list[PublicPerson]:
    """Every person who may be shown, already redacted; withheld persons are absent."""
    return public_view(project).persons


def project_guard(project: Project) -> TextGuard:
    """The text guard of a project, for writers that print no person (the report, bundles)."""
    return public_view(project).guard
