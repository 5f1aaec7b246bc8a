"""Record features for linkage, computed once per record in Python and stored as columns.

Splink's SQL then only compares prepared columns: no transliteration or parsing happens
inside the engine, and the review screen shows exactly what was compared.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, Engine, delete, insert, select

from qantar import names
from qantar.data import read_csv
from qantar.ingest import Gazetteer, assign_record_keys, gazetteer
from qantar.ingest import place_key as gazetteer_place_key
from qantar.link._tables import link_features, link_pairs
from qantar.settings import DEFAULTS
from qantar.store.readers import fill_parsed_names
from qantar.store.schema import LIVE, records, sources

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
            out[row["id"]] = row.get("period_region_id") or row.get("region_id") or row["id"]
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


@lru_cache(maxsize=1 << 14)
def _name_features(
    surname: str | None,
    given: str | None,
    patronymic: str | None,
    given_initial: str | None,
    patronymic_initial: str | None,
) -> tuple[tuple[str, str | None], ...]:
    """Everything derived from a record's name as parsed when it was stored
    (``qantar.store.readers``). Lists repeat names, so the keys are cached."""
    parsed = names.ParsedName(
        original="",
        surname=surname,
        given=given,
        patronymic=patronymic,
        given_initial=given_initial,
        patronymic_initial=patronymic_initial,
    )
    k = names.keys(parsed)
    # Sex is compared on its own, so the surname key folds Ахметова into Ахметов.
    s_key = k.surname_family or ""
    g_key = k.given or ""
    g_key = _diminutives().get(g_key, g_key)
    p_key = k.patronymic or ""
    initial = k.given_initial or ""
    return (
        ("surname_lat", _none(names.canonical_latin(parsed.surname or ""))),
        ("given_lat", _none(names.canonical_latin(parsed.given or parsed.given_initial or ""))),
        ("patronymic_lat", _none(names.canonical_latin(parsed.patronymic or ""))),
        ("surname_key", _none(s_key)),
        ("given_key", _none(g_key or initial)),
        ("patronymic_key", _none(p_key)),
        ("surname_ph", _none(names.phonetic_key(parsed.surname or "") if s_key else "")),
        ("given_ph", _none(names.phonetic_key(parsed.given or "") if g_key else "")),
        ("given_initial", _none(initial)),
        ("patronymic_initial", _none(k.patronymic_initial or "")),
        ("surname_sk", _none(skeleton(s_key))),
        ("given_sk", _none(skeleton(g_key))),
        ("full_key", _none(f"{s_key} {g_key}") if s_key and g_key else None),
    )


def compute(
    row: dict[str, Any], year: int = DEFAULTS.case.start_year, places: Gazetteer | None = None
) -> dict[str, Any]:
    """Features of one record (a row of ``records`` joined with its source name); ``year``
    stands for the event's year where the record has none (the case's first year);
    ``places``: the project's gazetteer (default: the bundled one)."""
    out: dict[str, Any] = dict(
        _name_features(
            row.get("name_surname"), row.get("name_given"), row.get("name_patronymic"),
            row.get("name_given_initial"), row.get("name_patronymic_initial"),
        )
    )  # fmt: skip
    parsed_sex = row.get("name_sex")
    sex = row.get("sex") or "U"
    if sex not in ("M", "F"):
        sex = parsed_sex if parsed_sex in ("M", "F") else "U"
    birth_year = _year(row.get("birth_date"))
    from_age = False
    event_year = _year(row.get("event_date"))
    if birth_year is None and row.get("age") is not None:
        # Age at the event: the birth year is known to within one year either way. Most
        # birthdays fall after an event early in a year: 30 on 5 January 2022 is born in
        # 1991 with probability 360/365, not in 1992.
        month = _month(row.get("event_date")) or 1
        birth_year = (event_year or year) - int(row["age"]) - (1 if month <= 6 else 0)
        from_age = True
    event_date = row.get("event_date")
    if event_date and row.get("event_date_precision") not in (None, "day"):
        event_date = None
    birth_date = row.get("birth_date")
    if birth_date and row.get("birth_date_precision") not in (None, "day"):
        birth_date = None
    place_id = row.get("place_id") or None
    out.update(
        sex=sex,
        birth_date=birth_date if birth_date and len(birth_date) == 10 else None,
        birth_year=birth_year,
        birth_year_from_age=from_age,
        event_date=event_date if event_date and len(event_date) == 10 else None,
        place_id=place_id,
        region_id=(places or gazetteer()).region_of(place_id),
    )
    return out


@dataclass(frozen=True)
class RecordRow:
    record_id: int
    record_key: str
    source: str
    data: dict[str, Any]


def iter_records(engine: Engine) -> Iterator[RecordRow]:
    """Every record in the registry (retracted batches left out) with the key it was given
    when it was stored (``qantar.ingest.assign_record_keys``; never recomputed here: a
    decision made about a record must find it again after any later import).

    Rows are streamed: a project of a million records never sits in memory at once.
    """
    with engine.begin() as conn:
        # Records written by other means than an import: their keys and parsed names.
        assign_record_keys(conn)
        fill_parsed_names(conn)
    base = (
        select(records, sources.c.name.label("source"))
        .join(sources, sources.c.id == records.c.source_id)
        .where(LIVE)
        .order_by(records.c.id)
    )
    last = 0
    while True:
        # One short read per batch, by id: no read transaction stays open while the
        # caller writes features (a long one keeps SQLite's log from being reset).
        with engine.connect() as conn:
            batch = conn.execute(base.where(records.c.id > last).limit(_BATCH)).mappings().all()
        if not batch:
            return
        last = batch[-1]["id"]
        for mapping in batch:
            r = dict(mapping)
            yield RecordRow(r["id"], r["record_key"], r["source"], r)


_BATCH = 20_000


def refresh(
    engine: Engine, year: int = DEFAULTS.case.start_year, places: Gazetteer | None = None
) -> int:
    """Compute missing or stale features and store them; returns how many were computed.
    ``year``: the case's first year, for records without an event date.

    Works in batches, so memory stays flat however many records the project holds.
    """
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(link_features.c.record_id, link_features.c.record_key).where(
                    link_features.c.version == FEATURE_VERSION
                )
            ).all()
        )
        every = set(conn.execute(select(link_features.c.record_id)).scalars())
    fresh: list[dict[str, Any]] = []
    seen: set[int] = set()
    computed = 0

    def flush() -> None:
        with engine.begin() as conn:
            ids = [r["record_id"] for r in fresh if r["record_id"] in every]
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                conn.execute(delete(link_features).where(link_features.c.record_id.in_(chunk)))
            conn.execute(insert(link_features), fresh)
        fresh.clear()

    for rec in iter_records(engine):
        seen.add(rec.record_id)
        if stored.get(rec.record_id) == rec.record_key:
            continue
        fresh.append(
            {
                "record_id": rec.record_id,
                "record_key": rec.record_key,
                "version": FEATURE_VERSION,
                "source": rec.source,
                **compute(rec.data, year, places),
            }
        )
        computed += 1
        if len(fresh) >= _BATCH:
            flush()
    if fresh:
        flush()
    gone = [i for i in every if i not in seen]
    with engine.begin() as conn:
        for start in range(0, len(gone), 500):
            chunk = gone[start : start + 500]
            conn.execute(delete(link_features).where(link_features.c.record_id.in_(chunk)))
    return computed


def forget(conn: Connection, record_ids: Sequence[int]) -> int:
    """Drop the features and scored pairs of records that left the registry (a retracted
    batch), so that clustering the stored pairs again (``recluster``) leaves them out at
    once instead of at the next run. Returns how many scored pairs went."""
    pairs = 0
    for start in range(0, len(record_ids), 500):
        chunk = list(record_ids[start : start + 500])
        pairs += int(
            conn.execute(
                delete(link_pairs).where(
                    link_pairs.c.record_id_l.in_(chunk) | link_pairs.c.record_id_r.in_(chunk)
                )
            ).rowcount
            or 0
        )
        conn.execute(delete(link_features).where(link_features.c.record_id.in_(chunk)))
    return pairs


# Derived when features are loaded, not stored: the place as written, as a comparison key
# (``place_key``). Places repeat, so each distinct text is keyed once per batch.
LOADED_COLUMNS = (*FEATURE_COLUMNS, "place_key")

ARROW_SCHEMA = pa.schema(
    [
        ("record_id", pa.int64()),
        ("record_key", pa.string()),
        ("source", pa.string()),
        *[
            (
                c,
                pa.int64()
                if c == "birth_year"
                else pa.bool_()
                if c == "birth_year_from_age"
                else pa.string(),
            )
            for c in LOADED_COLUMNS
        ],
    ]
)


@lru_cache(maxsize=1 << 16)
def place_key(text: str | None) -> str | None:
    """The place as written, folded for comparison where no gazetteer id settles it (an
    unresolved village spelled two ways): the gazetteer's words for a kind of place
    ("г.", "қаласы") dropped, each word by its script-independent name key, numbers kept.
    """
    if not text:
        return None
    words = []
    for word in gazetteer_place_key(text).split():
        key = word if word.isdigit() else names.name_key(word)
        if key:
            words.append(key)
    return " ".join(words) or None


def _place_keys(raw: pa.Array) -> pa.Array:
    encoded = pc.dictionary_encode(raw)
    keys = pa.array([place_key(t) for t in encoded.dictionary.to_pylist()], type=pa.string())
    return pc.take(keys, encoded.indices)


def load(engine: Engine) -> pa.Table:
    """Every record's stored features as one Arrow table (columnar: about 200 bytes a
    record, where Python dicts took several kilobytes), with the place as written."""
    stored = [link_features.c[name] for name in ARROW_SCHEMA.names if name != "place_key"]
    batches: list[pa.RecordBatch] = []
    with engine.connect() as conn:
        result = conn.execution_options(stream_results=True, yield_per=50_000).execute(
            select(*stored, records.c.place_raw)
            .join(records, records.c.id == link_features.c.record_id)
            .order_by(link_features.c.record_id)
        )
        for part in result.partitions():
            data = list(zip(*part, strict=True))
            arrays = [
                pa.array(data[i], type=ARROW_SCHEMA.field(i).type) for i in range(len(stored))
            ]
            arrays.append(_place_keys(pa.array(data[-1], type=pa.string())))
            batches.append(pa.RecordBatch.from_arrays(arrays, schema=ARROW_SCHEMA))
    return pa.Table.from_batches(batches, schema=ARROW_SCHEMA)
