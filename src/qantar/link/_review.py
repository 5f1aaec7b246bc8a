"""The review queue: pairs whose decision could change the persons, most consequential first.

Which pairs, and their priority (the chance that a decision goes against the clustering,
corrected by the decisions so far, times the record pairs it would change), come from
``qantar.link._impact``; this module adds the nameless records (scored on age, date, place
and sex alone, which many persons share) with the persons who fit them, asks once per pair
of persons and once per person at the front, and shows the pairs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from qantar.errors import N_, InputError, QantarError
from qantar.link._decisions import DECISIONS, _current_decisions, _record_decision, pair_key
from qantar.link._impact import calibration, consequences
from qantar.link._pipeline import (
    DEFAULT_LINKAGE,
    DEFAULT_THRESHOLD,
    REVIEW_BAND,
    latest_run_id,
    nameless_records,
    persons_before_review,
)
from qantar.link._tables import link_features, link_pairs, link_runs, person_records
from qantar.model import Decision
from qantar.project import Project
from qantar.store.schema import records, sources

SHOWN_FIELDS = (
    "name_raw",
    "surname_raw",
    "given_raw",
    "patronymic_raw",
    "sex_raw",
    "birth_date_raw",
    "age_raw",
    "event_date_raw",
    "place_raw",
    "birth_date",
    "age",
    "event_date",
    "place_id",
)
NORMALISED_FIELDS = (
    "surname_lat",
    "given_lat",
    "patronymic_lat",
    "surname_key",
    "given_key",
    "patronymic_key",
    "sex",
    "birth_year",
    "event_date",
    "place_id",
    "region_id",
)


@dataclass(frozen=True)
class ReviewItem:
    record_id_l: int
    record_id_r: int
    record_key_l: str
    record_key_r: str
    match_probability: float
    match_weight: float
    priority: float
    linked: bool  # the two records are in one person now
    explain: dict[str, Any]
    # A close call (near the threshold): what `qantar link` and the report count as
    # "awaiting review". The queue offers other consequential pairs after these.
    near: bool = False


def _awaiting_review(engine: Engine) -> int:
    """Close calls a reviewer is still asked about: the near-threshold pairs of the review
    queue, one per question (two persons' strongest pair; none between persons a reviewed
    non-match keeps apart). `qantar link`, `qantar review` and the report all show this."""
    return sum(1 for item in _queue(engine) if item.near)


def _queue(engine: Engine, *, limit: int | None = None) -> list[ReviewItem]:
    """Undecided pairs of the latest run whose decision could change the persons, most
    consequential first (see ``qantar.link._impact``)."""
    in_force = _current_decisions(engine)
    decided = set(in_force)
    run_id = latest_run_id(engine)
    with engine.connect() as conn:
        threshold = DEFAULT_THRESHOLD
        linkage = DEFAULT_LINKAGE
        if run_id is not None:
            run_row = conn.execute(
                select(link_runs.c.threshold, link_runs.c.summary).where(link_runs.c.id == run_id)
            ).one()
            # A recluster at another threshold records it in the summary.
            threshold = float((run_row.summary or {}).get("threshold", run_row.threshold))
            linkage = float((run_row.summary or {}).get("linkage", DEFAULT_LINKAGE))
        person_of = dict(
            conn.execute(select(person_records.c.record_id, person_records.c.person_id)).all()
        )
        keys = dict(
            conn.execute(select(link_features.c.record_id, link_features.c.record_key)).all()
        )
        rows = {
            (r.record_id_l, r.record_id_r): r
            for r in conn.execute(
                select(link_pairs).where(
                    link_pairs.c.match_probability.between(REVIEW_BAND[0], REVIEW_BAND[1])
                )
            )
        }
    size = Counter(person_of.values())
    id_of = {v: k for k, v in keys.items()}
    nameless = nameless_records(engine)
    # Persons a reviewed non-match already keeps apart: asking about another pair between
    # them would waste a decision (a "match" there could only conflict).
    apart: set[tuple[str, str]] = set()
    matches: list[tuple[int, int]] = []
    decided_ids: set[tuple[int, int]] = set()
    for (ka, kb), d in in_force.items():
        if ka not in id_of or kb not in id_of:
            continue
        ia, ib = id_of[ka], id_of[kb]
        decided_ids.add((min(ia, ib), max(ia, ib)))
        if d.decision == Decision.MATCH:
            matches.append((ia, ib))
        elif d.decision == Decision.NON_MATCH:
            qa, qb = person_of.get(ia), person_of.get(ib)
            if qa is not None and qb is not None and qa != qb:
                apart.add((min(qa, qb), max(qa, qb)))
    with engine.connect() as conn:
        scores = {
            (a, b): float(p)
            for a, b, p in conn.execute(
                select(
                    link_pairs.c.record_id_l,
                    link_pairs.c.record_id_r,
                    link_pairs.c.match_probability,
                )
            )
        }
    # Whether each decided pair was a split question (one person by the model's links
    # alone) or a join: reviewers' decisions have since moved the persons.
    before = persons_before_review(engine, scores, threshold, linkage, decided_ids)
    outcomes = [
        (
            scores[ab],
            in_force[pair_key(keys[ab[0]], keys[ab[1]])].decision == Decision.MATCH,
            ab[0] in before and before.get(ab[0]) == before.get(ab[1]),
        )
        for ab in decided_ids
        if ab in scores
    ]
    found = consequences(
        [
            (a, b, float(r.match_probability))
            for (a, b), r in rows.items()
            if a not in nameless and b not in nameless
        ],
        person_of,
        threshold,
        matches=matches,
        decided=decided_ids,
        calibration=calibration(outcomes),
    )
    items: list[ReviewItem] = []
    for c in found:
        a, b = c.a, c.b
        if a not in keys or b not in keys:
            continue
        pa, pb = person_of.get(a), person_of.get(b)
        if not c.linked and (min(pa or "", pb or ""), max(pa or "", pb or "")) in apart:
            continue
        r = rows[(a, b)]
        items.append(
            ReviewItem(
                a,
                b,
                keys[a],
                keys[b],
                c.probability,
                float(r.match_weight),
                c.priority,
                c.linked,
                r.explain,
                c.near,
            )
        )
    items.extend(_nameless_candidates(engine, person_of, keys, size, decided, rows))
    # Most consequential first; ties go to the pair nearest an even chance.
    items.sort(key=lambda it: (-it.priority, abs(it.match_probability - 0.5), it.record_id_l))
    # One decision settles whether two persons are one: ask about their strongest pair
    # only, so a batch of decisions is not spent on the same question.
    # Inside one person, the first "non-match" already splits it and changes what the
    # other pairs there would decide: ask about one pair per person, the rest after.
    seen: set[tuple[str, str]] = set()
    touched: set[str] = set()
    unique: list[ReviewItem] = []
    later: list[ReviewItem] = []
    for it in items:
        pa, pb = person_of.get(it.record_id_l), person_of.get(it.record_id_r)
        if pa is not None and pb is not None and pa != pb:
            group = (min(pa, pb), max(pa, pb))
            if group in seen:
                continue
            seen.add(group)
        elif pa is not None and pa == pb:
            if pa in touched:
                later.append(it)
                continue
            touched.add(pa)
        unique.append(it)
    unique += later
    return unique[:limit] if limit is not None else unique


# A nameless record (an unidentified body) is offered with each person who fits it, at
# the prior's share per person, while at most this many fit: the share, not this cap,
# ranks them against the other questions (a body with 20 fits is asked about after
# nearly everything else); the cap only bounds the work for a body that fits hundreds.
NAMELESS_MAX_CANDIDATES = 30
# Chance, before review, that a nameless record is the one person who fits it; from the
# synthetic scenarios (seeds 3, 7, 11: the true person was among <= 3 fits 5 times in 5),
# rounded down for so small a sample (docs/link.md).
NAMELESS_PRIOR = 0.8
_UNSCORED = ("name", "patronymic", "birth", "event_date", "place", "sex")


def _nameless_candidates(
    engine: Engine,
    person_of: dict[int, str],
    keys: dict[int, str],
    size: Counter[str],
    decided: set[tuple[str, str]],
    scored: dict[tuple[int, int], Any],
) -> list[ReviewItem]:
    """Pairs for records without a name, which many persons fit alike: each nameless
    record still alone, with the best record of each person it could be (same place,
    death within a day of the other lists' date, compatible sex, birth year within 8,
    no record from the same list), while at most ``NAMELESS_MAX_CANDIDATES`` fit. Its
    chance, ``NAMELESS_PRIOR``, is shared among them, a person dated on the record's own
    day weighing as its list's records do (``_day_after_share``); persons a reviewer
    has ruled out drop out and leave their share to the rest."""
    import datetime as dt

    with engine.connect() as conn:
        feats = {
            r.record_id: r
            for r in conn.execute(
                select(
                    link_features.c.record_id,
                    link_features.c.source,
                    link_features.c.surname_key,
                    link_features.c.given_key,
                    link_features.c.sex,
                    link_features.c.birth_year,
                    link_features.c.event_date,
                    link_features.c.place_id,
                )
            )
        }
    members: dict[str, list[Any]] = {}
    for rid, f in feats.items():
        pid = person_of.get(rid)
        if pid is not None:
            members.setdefault(pid, []).append(f)
    by_day: dict[tuple[str, str], set[str]] = {}
    for pid, ms in members.items():
        for f in ms:
            if f.place_id and f.event_date and (f.surname_key or f.given_key):
                by_day.setdefault((f.place_id, f.event_date), set()).add(pid)
    out: list[ReviewItem] = []
    lag: dict[str, tuple[float, float]] = {}
    for rid, f in feats.items():
        pid = person_of.get(rid)
        if f.surname_key or f.given_key or pid is None or size[pid] != 1:
            continue
        if not (f.place_id and f.event_date):
            continue
        try:
            day = dt.date.fromisoformat(f.event_date)
        except ValueError:
            continue
        # A register dates intake, often the day after the death the other lists give.
        near: set[str] = set()
        for delta in (0, 1):
            near |= by_day.get((f.place_id, (day - dt.timedelta(days=delta)).isoformat()), set())
        same_day = by_day.get((f.place_id, f.event_date), set())
        if f.source not in lag:
            lag[f.source] = _day_after_share(f.source, members)
        fits: list[tuple[str, Any]] = []
        for cand in near:
            ms = members[cand]
            if any(m.source == f.source for m in ms):
                continue
            sexes = {m.sex for m in ms if m.sex in ("M", "F")}
            if f.sex in ("M", "F") and sexes and f.sex not in sexes:
                continue
            years = [m.birth_year for m in ms if m.birth_year is not None]
            if f.birth_year is not None and years and min(abs(y - f.birth_year) for y in years) > 8:
                continue
            best = min(
                ms,
                key=lambda m: (
                    abs((m.birth_year or 0) - (f.birth_year or 0)) if m.birth_year else 99,
                    m.record_id,
                ),
            )
            a, b = min(rid, best.record_id), max(rid, best.record_id)
            if a not in keys or b not in keys:
                continue
            # A person a reviewer has ruled out is out: the others share its chance.
            if pair_key(keys[a], keys[b]) in decided:
                continue
            fits.append((cand, best))
            if len(fits) > NAMELESS_MAX_CANDIDATES:
                break
        if not fits or len(fits) > NAMELESS_MAX_CANDIDATES:
            continue
        weights = {cand: lag[f.source][0 if cand in same_day else 1] for cand, _ in fits}
        total = sum(weights.values())
        for cand, best in fits:
            p = NAMELESS_PRIOR * weights[cand] / total
            a, b = min(rid, best.record_id), max(rid, best.record_id)
            # The model's weights when it scored the pair, so the reviewer sees what agrees.
            row = scored.get((a, b))
            out.append(
                ReviewItem(
                    a,
                    b,
                    keys[a],
                    keys[b],
                    p,
                    float(row.match_weight) if row is not None else 0.0,
                    p * size[cand],
                    False,
                    row.explain
                    if row is not None
                    else {c: ["not scored: no name", 0.0] for c in _UNSCORED},
                )
            )
    return out


def _day_after_share(source: str, members: dict[str, list[Any]]) -> tuple[float, float]:
    """How often ``source`` gives the other lists' date, and how often the day after
    (a register dating intake), over the persons the model has linked its named records
    in: a nameless record of that list is that much likelier to be a person dated on its
    own day than one dated the day before. Counts start at 1 (a list with no links yet
    weighs both alike)."""
    import datetime as dt

    same = after = 1.0
    for ms in members.values():
        own = [m.event_date for m in ms if m.source == source and m.event_date]
        others = {m.event_date for m in ms if m.source != source and m.event_date}
        if not own or not others:
            continue
        for d in own:
            try:
                before = (dt.date.fromisoformat(d) - dt.timedelta(days=1)).isoformat()
            except ValueError:
                continue
            if d in others:
                same += 1
            elif before in others:
                after += 1
    return same, after


def _record_details(engine: Engine, record_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each record as written (raw fields) and as compared (features)."""
    with engine.connect() as conn:
        raw = {
            r.id: dict(r._mapping)
            for r in conn.execute(
                select(records, sources.c.name.label("source"))
                .join(sources, sources.c.id == records.c.source_id)
                .where(records.c.id.in_(record_ids))
            )
        }
        feats = {
            r.record_id: dict(r._mapping)
            for r in conn.execute(
                select(link_features).where(link_features.c.record_id.in_(record_ids))
            )
        }
    out: dict[int, dict[str, Any]] = {}
    for rid in record_ids:
        r = raw.get(rid, {})
        f = feats.get(rid, {})
        out[rid] = {
            "source": r.get("source"),
            "record_id": r.get("source_record_id") or r.get("row_number"),
            "row": r.get("row_number"),
            "written": {k: r.get(k) for k in SHOWN_FIELDS if r.get(k) not in (None, "")},
            "normalised": {k: f.get(k) for k in NORMALISED_FIELDS if f.get(k) not in (None, "")},
        }
    return out


EXPORT_COLUMNS = (
    "record_key_a",
    "record_key_b",
    "match_probability",
    "priority",
    "linked_now",
    "source_a",
    "record_a",
    "written_a",
    "normalised_a",
    "source_b",
    "record_b",
    "written_b",
    "normalised_b",
    "comparisons",
    "decision",
    "reviewer",
    "note",
)


def _fmt(d: dict[str, Any]) -> str:
    return "; ".join(f"{k}={v}" for k, v in d.items())


def _export_xlsx(engine: Engine, path: Path, *, limit: int | None = None) -> int:
    """Write the review queue to a workbook a team can fill offline; returns the rows."""
    from openpyxl import Workbook

    items = _queue(engine, limit=limit)
    details = _record_details(
        engine, sorted({i.record_id_l for i in items} | {i.record_id_r for i in items})
    )
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "pairs"
    ws.append(list(EXPORT_COLUMNS))
    for it in items:
        a, b = details[it.record_id_l], details[it.record_id_r]
        # The keys are stored in pair order so --apply finds the same pair.
        ka, kb = it.record_key_l, it.record_key_r
        ws.append(
            [
                ka,
                kb,
                round(it.match_probability, 4),
                round(it.priority, 4),
                "yes" if it.linked else "no",
                a["source"],
                str(a["record_id"]),
                _fmt(a["written"]),
                _fmt(a["normalised"]),
                b["source"],
                str(b["record_id"]),
                _fmt(b["written"]),
                _fmt(b["normalised"]),
                _fmt({k: f"{v[0]} ({v[1]:+.1f})" for k, v in it.explain.items()}),
                "",
                "",
                "",
            ]
        )
    help_ws = wb.create_sheet("how to review")
    help_ws.append(["Fill 'decision' with match, non-match or unsure (or leave empty to skip)."])
    help_ws.append(["Fill 'reviewer' with your name; 'note' is optional."])
    help_ws.append(["Then: qantar review --apply THIS_FILE"])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return len(items)


_ALIASES = {
    "match": Decision.MATCH,
    "m": Decision.MATCH,
    "yes": Decision.MATCH,
    "non-match": Decision.NON_MATCH,
    "nonmatch": Decision.NON_MATCH,
    "non match": Decision.NON_MATCH,
    "n": Decision.NON_MATCH,
    "no": Decision.NON_MATCH,
    "unsure": Decision.UNSURE,
    "u": Decision.UNSURE,
    "?": Decision.UNSURE,
}


def _apply_xlsx(engine: Engine, path: Path, *, reviewer: str | None = None) -> dict[str, int]:
    """Store every decision filled in an exported workbook; returns counts by decision."""
    from python_calamine import CalamineWorkbook

    if not path.is_file():
        raise InputError(N_("file not found"), file=str(path))
    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("pairs").to_python()
    except Exception as exc:
        raise InputError(
            N_("not a review workbook from `qantar review --export` (%(failure)s)"),
            file=str(path),
            failure=str(exc),
        ) from exc
    if not sheet:
        raise InputError(N_("the sheet 'pairs' is empty"), file=str(path))
    header = [str(h).strip() for h in sheet[0]]
    missing = {"record_key_a", "record_key_b", "decision"} - set(header)
    if missing:
        raise InputError(
            N_("missing columns %(columns)s"),
            file=str(path),
            row=1,
            columns=", ".join(sorted(missing)),
        )
    col = {h: i for i, h in enumerate(header)}
    known_keys = _known_keys(engine)
    counts: Counter[str] = Counter()
    pending: list[tuple[str, str, Decision, str, str | None]] = []
    for n, row in enumerate(sheet[1:], start=2):
        cell = str(row[col["decision"]] or "").strip().lower()
        if not cell:
            counts["skipped"] += 1
            continue
        decision = _ALIASES.get(cell)
        if decision is None:
            raise InputError(
                N_("decision %(decision)s is not one of %(decisions)s"),
                decision=repr(cell),
                decisions=", ".join(DECISIONS),
                file=str(path),
                row=n,
                field="decision",
            )
        ka, kb = str(row[col["record_key_a"]]), str(row[col["record_key_b"]])
        if ka not in known_keys or kb not in known_keys:
            raise InputError(
                N_("this pair's records are not in the project any more"),
                file=str(path),
                row=n,
            )
        who = str(row[col["reviewer"]] or "").strip() if "reviewer" in col else ""
        who = who or (reviewer or "")
        if not who:
            raise InputError(
                N_("no reviewer: fill the reviewer column or pass --reviewer"),
                file=str(path),
                row=n,
                field="reviewer",
            )
        note = str(row[col["note"]]).strip() if "note" in col and row[col["note"]] else None
        pending.append((ka, kb, decision, who, note))
    # Validate the whole file first, so a mistake on row 80 does not leave half applied.
    for ka, kb, decided, who, note in pending:
        _record_decision(engine, ka, kb, decided, reviewer=who, note=note)
        counts[decided.value] += 1
    return dict(counts)


def _known_keys(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(conn.execute(select(link_features.c.record_key)).scalars())


def _decide(
    engine: Engine,
    item: ReviewItem,
    decision: Decision | str,
    *,
    reviewer: str,
    note: str | None = None,
) -> None:
    if not item.record_key_l or not item.record_key_r:
        raise QantarError(N_("this pair has no stable record keys; run `qantar link` again"))
    _record_decision(
        engine, item.record_key_l, item.record_key_r, decision, reviewer=reviewer, note=note
    )


# The project-level doors of this module (the functions above work on an engine, for the
# link pipeline's own use).


def awaiting_review(project: Project) -> int:
    """Close calls a reviewer is still asked about (see ``_awaiting_review``)."""
    return _awaiting_review(project.engine)


def queue(project: Project, *, limit: int | None = None) -> list[ReviewItem]:
    """Undecided pairs of the latest run whose decision could change the persons, most
    consequential first."""
    return _queue(project.engine, limit=limit)


def record_details(project: Project, record_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each record as written (raw fields) and as compared (features)."""
    return _record_details(project.engine, record_ids)


def export_xlsx(project: Project, path: Path, *, limit: int | None = None) -> int:
    """Write the review queue to a workbook a team can fill offline; returns the rows."""
    return _export_xlsx(project.engine, path, limit=limit)


def apply_xlsx(project: Project, path: Path, *, reviewer: str | None = None) -> dict[str, int]:
    """Store every decision filled in an exported workbook; returns counts by decision."""
    return _apply_xlsx(project.engine, path, reviewer=reviewer)


def decide(
    project: Project,
    item: ReviewItem,
    decision: Decision | str,
    *,
    reviewer: str,
    note: str | None = None,
) -> None:
    """Store a reviewer's decision on a pair the queue offered."""
    _decide(project.engine, item, decision, reviewer=reviewer, note=note)
