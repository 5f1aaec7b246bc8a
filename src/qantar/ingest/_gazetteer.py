"""The gazetteer: a place's many spellings lead to one id, its region and its labels.

One ``Gazetteer`` per project, from ``[case] gazetteer`` (the bundled one of Kazakhstan,
``kz``, or a CSV of the project's own with the same columns), is the only reader of the
places file: import resolves a place once, and linkage, the report, the memorial, the
evidence archive and the synthetic scenarios ask it. It lives in ingest because import is
where a place is resolved and stored; everything downstream reads the stored id.

Lookup folds case, punctuation, Kazakh letters and Latin marks, and drops words such as
"г.", "город", "қаласы", "city", so "г. Алматы", "Алма-Ата" and "Almaty" are one place.
The raw text is never replaced by the gazetteer's name: callers keep both.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from qantar.data import read_csv
from qantar.errors import N_, InputError, QantarError
from qantar.ingest._text import fold
from qantar.settings import DEFAULTS, SETTINGS_FILE

# Words that say what kind of place follows, not which one.
_SETTLEMENT_WORDS = {
    "г",
    "гор",
    "город",
    "города",
    "городе",
    "к",
    "каласы",
    "kalasy",
    "qalasy",
    "city",
    "town",
    "of",
    "c",
    "с",
    "п",
    "пос",
    "поселок",
}
# Spellings of "region" reduced to one word so "Алматинская обл." meets "Алматинская область".
_REGION_WORDS = {
    "обл": "область",
    "область": "область",
    "области": "область",
    "облысы": "облысы",
    "oblast": "oblast",
    "obl": "oblast",
    "region": "region",
    "reg": "region",
    "oblysy": "oblysy",
}
_PARTS = re.compile(r"[,;/()]+")


@dataclass(frozen=True)
class Place:
    """One place in the gazetteer. ``period_region_id`` is the region during the case's
    period (for the shipped Kazakhstan gazetteer, January 2022: Taldykorgan →
    ``reg-almaty``); ``region_id`` the region today."""

    id: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    names: tuple[str, ...]
    region_id: str | None
    period_region_id: str | None
    lat: float | None
    lon: float | None


def place_key(text: str) -> str:
    """The comparison key of a place name."""
    words = []
    for word in fold(text).split():
        if word in _SETTLEMENT_WORDS:
            continue
        words.append(_REGION_WORDS.get(word, word))
    return " ".join(words)


def _float(value: str) -> float | None:
    return float(value) if value.strip() else None


class Gazetteer:
    """Places by id and by any of their names. Build with ``qantar.ingest.gazetteer()``."""

    def __init__(self, rows: tuple[dict[str, str], ...]) -> None:
        self._places: dict[str, Place] = {}
        # key -> (priority, id); primary names beat variants, cities beat regions on ties
        index: dict[str, tuple[int, str]] = {}
        for row in rows:
            primary = [row[c] for c in ("name_kk", "name_ru", "name_en") if row.get(c)]
            translit = [
                row[c] for c in ("name_kk_latn2021", "name_bgn1979") if row.get(c, "").strip()
            ]
            variants = [v.strip() for v in row.get("variants", "").split("|") if v.strip()]
            # A few variants carry a note in brackets: "Semipalatinsk oblast (historical)".
            variants = [re.sub(r"\s*\(.*$", "", v) for v in variants]
            place = Place(
                id=row["id"],
                kind=row["kind"],
                name_kk=row["name_kk"],
                name_ru=row["name_ru"],
                name_en=row["name_en"],
                names=tuple(dict.fromkeys([*primary, *translit, *variants])),
                region_id=row.get("region_id") or (row["id"] if row["kind"] == "region" else None),
                period_region_id=row.get("period_region_id") or None,
                lat=_float(row.get("lat", "")),
                lon=_float(row.get("lon", "")),
            )
            self._places[place.id] = place
            city_bonus = 0 if place.kind == "city" else 1
            for rank, names in ((0, primary), (2, translit), (4, variants)):
                for name in names:
                    key = place_key(name)
                    if not key:
                        continue
                    priority = rank + city_bonus
                    if key not in index or priority < index[key][0]:
                        index[key] = (priority, place.id)
        self._index = {key: pid for key, (_, pid) in index.items()}
        # English label -> place id (the first place of that label), for pages that carry
        # labels and show them in the reader's language.
        self._by_english: dict[str, str] = {}
        for place in self._places.values():
            if place.name_en:
                self._by_english.setdefault(place.name_en, place.id)

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places.values())

    def place(self, place_id: str) -> Place:
        """The place with this id; KeyError if the gazetteer has none."""
        return self._places[place_id]

    def resolve(self, text: str) -> str | None:
        """The id of the place a text names, or None."""
        place = self.lookup(text)
        return place.id if place is not None else None

    def region_of(self, place_id: str | None) -> str | None:
        """The region a place belonged to at the time of the events (a region is its own;
        Almaty, Astana and Shymkent, cities of republican significance, are regions of their
        own); None for no place or one the gazetteer lacks."""
        place = self._places.get(place_id or "")
        if place is None:
            return None
        if place.kind == "region":
            return place.id
        return place.period_region_id or place.region_id or place.id

    def in_language(self, label: str | None, language: str) -> str | None:
        """A place's English label (as public rows carry it) in ``language``; any other
        text as it was written."""
        if not label:
            return label
        place_id = self._by_english.get(label)
        return label if place_id is None else self.label(place_id, language)

    def label(self, place_id: str | None, language: str = "en") -> str | None:
        """The place's name in ``language`` (kk, ru, en), else in English or Russian; the id
        itself for a place the gazetteer lacks."""
        if not place_id:
            return None
        place = self._places.get(place_id)
        if place is None:
            return place_id
        named = getattr(place, f"name_{language}", "") if language in ("kk", "ru", "en") else ""
        return named or place.name_en or place.name_ru

    def lookup(self, text: str) -> Place | None:
        """The place a text names, or None. Tries the whole text, then its comma-separated
        parts ("г. Алматы, Медеуский район"), preferring a city over a region."""
        return self._lookup(text)

    @lru_cache(maxsize=65536)  # noqa: B019 - one gazetteer lives for the whole process
    def _lookup(self, text: str) -> Place | None:
        key = place_key(text)
        if not key:
            return None
        if key in self._index:
            return self._places[self._index[key]]
        found: list[Place] = []
        for part in _PARTS.split(text):
            part_key = place_key(part)
            if part_key in self._index:
                found.append(self._places[self._index[part_key]])
        if not found:
            return None
        cities = [p for p in found if p.kind == "city"]
        return (cities or found)[0]


# Gazetteers shipped with qantar, by the name ``[case] gazetteer`` may give.
BUNDLED = {"kz": "kz/places.csv"}


@cache
def gazetteer(name: str = DEFAULTS.case.gazetteer) -> Gazetteer:
    """A shipped gazetteer (``kz``: ``qantar/data/kz/places.csv``), loaded once."""
    return Gazetteer(read_csv(BUNDLED[name]))


def gazetteer_path(spec: str, root: Path) -> Path | None:
    """The file of ``[case] gazetteer``: None for a bundled name, else the path (relative
    to the project folder), which must exist."""
    if spec in BUNDLED:
        return None
    path = (root / spec).resolve()
    if not path.is_file():
        raise QantarError(
            N_(
                "%(file)s: [case] gazetteer is neither a bundled gazetteer (%(bundled)s) nor "
                "a file in the project folder"
            ),
            file=str(root / SETTINGS_FILE),
            bundled=", ".join(BUNDLED),
        )
    return path


@lru_cache(maxsize=8)
def _from_file(path: Path, mtime_ns: int) -> Gazetteer:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = tuple(csv.DictReader(handle))
    missing = {"id", "kind", "name_kk", "name_ru", "name_en"} - set(rows[0] if rows else {})
    if missing:
        raise InputError(
            N_("the gazetteer lacks columns %(columns)s"),
            file=str(path),
            columns=", ".join(sorted(missing)),
        )
    return Gazetteer(rows)


def load_gazetteer(spec: str, root: Path) -> Gazetteer:
    """The gazetteer ``[case] gazetteer`` names, loaded once per file (and again when the
    file changes)."""
    path = gazetteer_path(spec, root)
    if path is None:
        return gazetteer(spec)
    return _from_file(path, path.stat().st_mtime_ns)
