"""Record features for linkage, computed once per record in Python and stored as columns.

Splink's SQL then only compares prepared columns: no transliteration or parsing happens
inside the engine, and the review screen shows exactly what was compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from qantar import names
from qantar.data import read_csv
from qantar.link._tables import link_features
from qantar.store.schema import import_batches, records, sources

FEATURE_VERSION = 10

FEATURE_COLUMNS = (
    "surname_lat",
    "given_lat",
    "patronymic_lat",
    "surname_key",
    "given_key",
    "patronymic_key",
    "surname_ph",
    "given_ph",
    "given_initial",
    "patronymic_initial",
    "surname_sk",
    "given_sk",
    "full_key",
    "sex",
    "birth_date",
    "birth_year",
    "birth_year_from_age",
    "event_date",
    "place_id",
    "region_id",
)


@cache
def _regions() -> dict[str, str]:
    """Place id → region id as it was during the January 2022 events."""
    out: dict[str, str] = {}
    for row in read_csv("kz/places.csv"):
        if row["kind"] == "region":
            out[row["id"]] = row["id"]
        else:
            # Almaty, Astana and Shymkent belong to no region: each is its own.
            out[row["id"]] = row.get("region_id_jan2022") or row.get("region_id") or row["id"]
    return out


def _year(iso: str | None) -> int | None:
    if not iso:
        return None
    try:
        return int(iso[:4])
    except ValueError:
        return None


def _month(iso: str | None) -> int | None:
    try:
        return int(iso[5:7]) if iso and len(iso) >= 7 else None
    except ValueError:
        return None


def _none(text: str) -> str | None:
    return text or None


_SOUND_CLASSES = str.maketrans("bpvfgkhqjzscdtlrmnwx", "bbbbkkkkssssttlrmmbk")


def skeleton(key: str) -> str:
    """A coarse sound key of a match key: first letter, then consonant classes.

    Vowels are dropped, so a deleted or swapped vowel (Мкаров/Макаров) does not part a
    pair at blocking; the name comparison then weighs the difference.
    """
    if not key:
        return ""
    head, tail = key[0], key[1:]
    consonants = "".join(c for c in tail if c not in "aeiouy").translate(_SOUND_CLASSES)
    out = head.translate(_SOUND_CLASSES) + consonants
    return "".join(c for i, c in enumerate(out) if i == 0 or c != out[i - 1])[:8]


@cache
def _diminutives() -> dict[str, str]:
    """Key of a known diminutive (Саша) → key of its full form (Александр)."""
    out: dict[str, str] = {}
    for row in read_csv("kz/given_names.csv"):
        full = row.get("full_form", "")
        if row.get("kind") == "diminutive" and full and "?" not in full and "/" not in full:
            out[names.name_key(row["name_cyrillic"])] = names.name_key(full)
    return out


# Words lists put where a name is unknown (an unidentified body): not a name.
_PLACEHOLDER = re.compile(
    r"неизвест|неопозн|не\s*установл|белгісіз|unknown|unidentified|^\W*(н/д|n/a|нет|-+)\W*$",
    re.IGNORECASE,
)


def _parsed(row: dict[str, Any]) -> names.ParsedName:
    """Separate columns when the list has them, else the one name field."""
    if any(
        _PLACEHOLDER.search(str(row.get(k) or "")) for k in ("name_raw", "surname_raw", "given_raw")
    ):
        return names.parse("")
    if row.get("surname_raw") or row.get("given_raw"):
        parsed = names.parse_parts(
            row.get("surname_raw"), row.get("given_raw"), row.get("patronymic_raw")
        )
        if not parsed.patronymic and row.get("name_raw"):
            whole = names.parse(row["name_raw"])
            if whole.patronymic:
                parsed = names.parse_parts(parsed.surname, parsed.given, whole.patronymic)
        return parsed
    return names.parse(row.get("name_raw") or "")


def compute(row: dict[str, Any]) -> dict[str, Any]:
    """Features of one record (a row of ``records`` joined with its source name)."""
    parsed = _parsed(row)
    k = names.keys(parsed)
    # Sex is compared on its own, so the surname key folds Ахметова into Ахметов.
    s_key = k.surname_family or ""
    g_key = k.given or ""
    g_key = _diminutives().get(g_key, g_key)
    p_key = k.patronymic or ""
    sex = row.get("sex") or "U"
    if sex not in ("M", "F"):
        sex = parsed.sex if parsed.sex in ("M", "F") else "U"
    birth_year = _year(row.get("birth_date"))
    from_age = False
    event_year = _year(row.get("event_date"))
    if birth_year is None and row.get("age") is not None:
        # Age at the event: the birth year is known to within one year either way. Most
        # birthdays fall after an event early in a year (the January 2022 events): 30 on
        # 5 January 2022 is born in 1991 with probability 360/365, not in 1992.
        month = _month(row.get("event_date")) or 1
        birth_year = (event_year or 2022) - int(row["age"]) - (1 if month <= 6 else 0)
        from_age = True
    event_date = row.get("event_date")
    if event_date and row.get("event_date_precision") not in (None, "day"):
        event_date = None
    birth_date = row.get("birth_date")
    if birth_date and row.get("birth_date_precision") not in (None, "day"):
        birth_date = None
    place_id = row.get("place_id") or None
    initial = k.given_initial or ""
    return {
        "surname_lat": _none(names.canonical_latin(parsed.surname or "")),
        "given_lat": _none(names.canonical_latin(parsed.given or parsed.given_initial or "")),
        "patronymic_lat": _none(names.canonical_latin(parsed.patronymic or "")),
        "surname_key": _none(s_key),
        "given_key": _none(g_key or initial),
        "patronymic_key": _none(p_key),
        "surname_ph": _none(names.phonetic_key(parsed.surname or "") if s_key else ""),
        "given_ph": _none(names.phonetic_key(parsed.given or "") if g_key else ""),
        "given_initial": _none(initial),
        "patronymic_initial": _none(k.patronymic_initial or ""),
        "surname_sk": _none(skeleton(s_key)),
        "given_sk": _none(skeleton(g_key)),
        "full_key": _none(f"{s_key} {g_key}") if s_key and g_key else None,
        "sex": sex,
        "birth_date": birth_date if birth_date and len(birth_date) == 10 else None,
        "birth_year": birth_year,
        "birth_year_from_age": from_age,
        "event_date": event_date if event_date and len(event_date) == 10 else None,
        "place_id": place_id,
        "region_id": _regions().get(place_id or "", None) or None,
    }


@dataclass(frozen=True)
class RecordRow:
    record_id: int
    record_key: str
    source: str
    data: dict[str, Any]


def iter_records(engine: Engine) -> Iterator[RecordRow]:
    """Every record with its stable key: source name plus the source's own record id
    (when unique within the source), else the import file's SHA-256 and row number."""
    query = (
        select(records, sources.c.name.label("source"), import_batches.c.sha256)
        .join(sources, sources.c.id == records.c.source_id)
        .join(import_batches, import_batches.c.id == records.c.batch_id)
        .order_by(records.c.id)
    )
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    counts: dict[tuple[str, str], int] = {}
    for r in rows:
        if r["source_record_id"]:
            k = (r["source"], str(r["source_record_id"]))
            counts[k] = counts.get(k, 0) + 1
    for r in rows:
        srid = r["source_record_id"]
        if srid and counts[(r["source"], str(srid))] == 1:
            key = f"{r['source']}|id:{srid}"
        else:
            key = f"{r['source']}|row:{r['sha256'][:16]}:{r['row_number']}"
        yield RecordRow(r["id"], key, r["source"], r)


def refresh(engine: Engine) -> list[dict[str, Any]]:
    """Compute missing or stale features, store them, and return every record's features."""
    with engine.connect() as conn:
        stored = {
            r.record_id: dict(r._mapping)
            for r in conn.execute(select(link_features))
            if r.version == FEATURE_VERSION
        }
    out: list[dict[str, Any]] = []
    fresh: list[dict[str, Any]] = []
    seen: set[int] = set()
    for rec in iter_records(engine):
        seen.add(rec.record_id)
        row = stored.get(rec.record_id)
        if row is None or row["record_key"] != rec.record_key:
            row = {
                "record_id": rec.record_id,
                "record_key": rec.record_key,
                "version": FEATURE_VERSION,
                "source": rec.source,
                **compute(rec.data),
            }
            fresh.append(row)
        out.append(row)
    with engine.begin() as conn:
        stale = [r["record_id"] for r in fresh] + [i for i in stored if i not in seen]
        for start in range(0, len(stale), 500):
            chunk = stale[start : start + 500]
            conn.execute(delete(link_features).where(link_features.c.record_id.in_(chunk)))
        if fresh:
            conn.execute(insert(link_features), fresh)
    return out
