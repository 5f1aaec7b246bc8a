"""A small cross-script five-list scenario with known truth, for link tests and the bench.

Each list has its own habits, as real ones do: Russian Cyrillic with a full birth date,
Kazakh letters with an age, Latin transliterations in Western order without patronymic,
typos, nicknames, event dates a day or two apart, duplicates within a list. Records are
written to the real store (sources, import batches, raw rows, records) like an import does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select

from qantar import Project
from qantar.data import read_csv
from qantar.store.schema import import_batches, raw_rows, records, sources

_LAT_BGN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "ә": "ä", "ғ": "gh", "қ": "q", "ң": "ng", "ө": "ö", "ұ": "ū", "ү": "ü",
    "һ": "h", "і": "i",
}  # fmt: skip
_LAT_PASSPORT = {**_LAT_BGN, "ә": "a", "ғ": "g", "қ": "k", "ң": "n", "ө": "o", "ұ": "u",
                 "ү": "u", "й": "i", "х": "h", "е": "e", "ы": "y"}  # fmt: skip
_LAT_2021 = {**_LAT_BGN, "ә": "ä", "ғ": "ğ", "қ": "q", "ң": "ñ", "ө": "ö", "ұ": "ū",
             "ү": "ü", "ж": "j", "ш": "ş", "ч": "ch", "ы": "y", "і": "ı", "х": "h",
             "й": "i", "ю": "iu", "я": "ia"}  # fmt: skip
_SCHEMES = (_LAT_BGN, _LAT_PASSPORT, _LAT_2021)


def _translit(text: str, table: dict[str, str]) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        rep = table.get(low, ch)
        out.append(rep.capitalize() if ch != low and rep else rep)
    return "".join(out)


@dataclass
class Person:
    pid: str
    sex: str
    surname_ru: str
    surname_kk: str
    given_ru: str
    given_kk: str
    father_ru: str
    father_kk: str
    birth: dt.date
    event: dt.date
    place: str


@dataclass
class Scenario:
    lists: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    truth: list[tuple[str, str, str]] = field(default_factory=list)  # source, record_id, pid


def _people(n: int, rng: random.Random) -> list[Person]:
    given = [r for r in read_csv("kz/given_names.csv") if r["kind"] == "full"]
    males = [r for r in given if r["gender"] == "M"]
    females = [r for r in given if r["gender"] == "F"]
    surnames = list(read_csv("kz/surnames.csv"))
    weights = [float(r["count_moj_2014"] or 3000) for r in surnames]
    cities = [r["id"] for r in read_csv("kz/places.csv") if r["kind"] == "city"]
    city_w = [30 if c == "almaty" else 3 for c in cities]
    out = []
    for i in range(n):
        sex = "M" if rng.random() < 0.85 else "F"
        g = rng.choice(males if sex == "M" else females)
        f = rng.choice(males)
        s = rng.choices(surnames, weights)[0]
        sur = s["surname_m"] if sex == "M" else s["surname_f"]
        out.append(
            Person(
                pid=f"T{i:05d}",
                sex=sex,
                surname_ru=sur,
                surname_kk=sur,
                given_ru=g["name_cyrillic"],
                given_kk=g["name_kk"] or g["name_cyrillic"],
                father_ru=f["name_cyrillic"],
                father_kk=f["name_kk"] or f["name_cyrillic"],
                birth=dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55)),
                event=dt.date(2022, 1, 4) + dt.timedelta(days=rng.randrange(8)),
                place=rng.choices(cities, city_w)[0],
            )
        )
    return out


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.4:
        return word[:i] + word[i + 1 :]
    if kind < 0.7:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + word[i] + word[i:]


def _patronymic_ru(father: str, sex: str) -> str:
    stem = father[:-1] + "ев" if father.endswith("й") else father + "ов"
    return stem + ("ич" if sex == "M" else "на")


def _age(p: Person) -> int:
    return (
        p.event.year - p.birth.year - ((p.event.month, p.event.day) < (p.birth.month, p.birth.day))
    )


def _record(style: str, p: Person, rng: random.Random) -> dict[str, Any]:
    typo = (lambda w: _typo(w, rng)) if rng.random() < 0.12 else (lambda w: w)
    ev = p.event + dt.timedelta(days=rng.choice([0, 0, 0, 0, 1, -1, 2]))
    rec: dict[str, Any] = {"event_date": ev.isoformat(), "event_type": "killed"}
    if rng.random() < 0.85:
        rec["place_id"] = p.place
    if style == "official":  # Russian Cyrillic, one name field, full birth date
        pat = _patronymic_ru(p.father_ru, p.sex)
        rec["name_raw"] = f"{typo(p.surname_ru)} {p.given_ru} {pat}"
        rec["birth_date"] = p.birth.isoformat()
        rec["sex"] = p.sex
    elif style == "ngo":  # Kazakh letters in separate fields, age instead of birth date
        rec["surname_raw"] = typo(p.surname_kk)
        rec["given_raw"] = p.given_kk
        if rng.random() < 0.6:
            rec["patronymic_raw"] = p.father_kk + (" ұлы" if p.sex == "M" else " қызы")
        rec["age"] = _age(p)
    elif style == "media":  # Latin, Western order, no patronymic, birth year at best
        scheme = rng.choice(_SCHEMES)
        given = p.given_kk if rng.random() < 0.5 else p.given_ru
        rec["name_raw"] = f"{_translit(given, scheme)} {typo(_translit(p.surname_ru, scheme))}"
        if rng.random() < 0.6:
            rec["age"] = _age(p) + rng.choice([0, 0, 0, -1, 1])
    elif style == "hospital":  # Cyrillic, sometimes swapped order, typos
        first, second = (p.surname_ru, p.given_ru)
        if rng.random() < 0.25:
            first, second = second, first
        rec["name_raw"] = f"{typo(first)} {second}"
        if rng.random() < 0.8:
            rec["birth_date"] = p.birth.isoformat()
        rec["sex"] = p.sex
    else:  # family: Kazakh Latin 2021, patronymic with uly/qyzy, birth date
        scheme = _LAT_2021
        rec["surname_raw"] = _translit(p.surname_kk, scheme)
        rec["given_raw"] = _translit(p.given_kk, scheme)
        rec["patronymic_raw"] = _translit(p.father_kk, scheme) + ("ūly" if p.sex == "M" else "qyzy")
        rec["birth_date"] = p.birth.isoformat()
    return rec


STYLES = ("official", "ngo", "media", "hospital", "family")
CAPTURE = (0.55, 0.45, 0.3, 0.35, 0.25)


def generate(n_persons: int, *, seed: int, lists: int = 5, dup_rate: float = 0.03) -> Scenario:
    rng = random.Random(seed)
    people = _people(n_persons, rng)
    sc = Scenario()
    for li in range(lists):
        style = STYLES[li % len(STYLES)]
        name = f"list{li + 1}_{style}"
        rows: list[dict[str, Any]] = []
        for p in people:
            if rng.random() >= CAPTURE[li % len(CAPTURE)]:
                continue
            copies = 2 if rng.random() < dup_rate else 1
            for _ in range(copies):
                rec = _record(style, p, rng)
                rec["source_record_id"] = f"{name[:2]}-{len(rows) + 1}"
                rows.append(rec)
                sc.truth.append((name, rec["source_record_id"], p.pid))
        rng.shuffle(rows)
        sc.lists[name] = rows
    return sc


def store(project: Project, sc: Scenario, only: list[str] | None = None) -> int:
    """Write the lists into the project's store as an import would; returns records written."""
    now = dt.datetime.now(dt.UTC)
    written = 0
    with project.engine.begin() as conn:
        for name, rows in sc.lists.items():
            if only is not None and name not in only:
                continue
            src = conn.execute(select(sources.c.id).where(sources.c.name == name)).scalar()
            if src is None:
                src = conn.execute(
                    insert(sources).values(name=name, kind="ngo", created_at=now)
                ).inserted_primary_key[0]
            sha = hashlib.sha256(repr(rows).encode()).hexdigest()
            batch = conn.execute(
                insert(import_batches).values(
                    source_id=src,
                    file_name=f"{name}.csv",
                    sha256=sha,
                    size=0,
                    file_format="csv",
                    headers=[],
                    mapping={},
                    rows_read=len(rows),
                    rows_stored=len(rows),
                    rows_quarantined=0,
                    forced=False,
                    imported_at=now,
                )
            ).inserted_primary_key[0]
            # Ids assigned here so that the rows go in as two bulk inserts.
            first = (conn.execute(select(func.max(raw_rows.c.id))).scalar() or 0) + 1
            conn.execute(
                insert(raw_rows),
                [
                    {"id": first + i, "batch_id": batch, "row_number": i + 1,
                     "cells": list(rec.values())}
                    for i, rec in enumerate(rows)
                ],
            )  # fmt: skip
            conn.execute(
                insert(records),
                [
                    {
                        "raw_row_id": first + i, "batch_id": batch, "source_id": src,
                        "row_number": i + 1, "source_record_id": rec.get("source_record_id"),
                        "name_raw": rec.get("name_raw"), "surname_raw": rec.get("surname_raw"),
                        "given_raw": rec.get("given_raw"),
                        "patronymic_raw": rec.get("patronymic_raw"),
                        "sex_raw": None, "sex": rec.get("sex", "U"),
                        "birth_date_raw": None, "birth_date": rec.get("birth_date"),
                        "birth_date_precision": "day" if rec.get("birth_date") else None,
                        "age_raw": None, "age": rec.get("age"),
                        "event_type_raw": None, "event_type": rec.get("event_type"),
                        "event_date_raw": None, "event_date": rec.get("event_date"),
                        "event_date_precision": "day" if rec.get("event_date") else None,
                        "place_raw": rec.get("place_raw"), "place_id": rec.get("place_id"),
                        "notes": None,
                    }
                    for i, rec in enumerate(rows)
                ],
            )  # fmt: skip
            written += len(rows)
    return written


def write_truth(sc: Scenario, path: Any) -> None:
    import csv

    with open(path, "w", newline="", encoding="utf-8") as handle:
        w = csv.writer(handle)
        w.writerow(["source", "record_id", "person_id"])
        w.writerows(sc.truth)
