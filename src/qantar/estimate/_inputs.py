"""Reading capture histories from CSV, checking them, and merging or dropping lists."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from qantar.errors import InputError
from qantar.model.histories import Histories, PersonCaptures
from qantar.notes import N_

COUNT_COLUMN = "count"
NO_SUCH_LIST = N_("no list named %(name)s; the lists are %(lists)s")


def read_histories_csv(path: str | os.PathLike[str], *, stratum: str | None = None) -> Histories:
    """Capture histories from a CSV: one 0/1 column per list, a ``count`` column and,
    optionally, a stratum column named by ``stratum`` (or any non-0/1 text column when
    ``stratum`` is given). Rows with the same pattern are summed; all-zero rows are refused
    because nobody can count the unlisted."""
    file = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError(N_("no such file: pass the path of a histories CSV"), file=file) from exc
    rows = list(csv.reader(text.splitlines()))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise InputError(
            N_(
                "the histories file is empty: it needs a header with one column per list "
                "and a 'count' column, then one row per capture pattern"
            ),
            file=file,
        )
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header):
        raise InputError(N_("a column name appears twice in the header"), file=file, row=1)
    if stratum is not None and stratum not in header:
        raise InputError(
            N_("no stratum column %(column)s; columns are %(columns)s"),
            file=file,
            column=repr(stratum),
            columns=", ".join(header),
        )
    list_names = [h for h in header if h not in (COUNT_COLUMN, stratum)]
    has_count = COUNT_COLUMN in header
    if len(rows) < 2:
        raise InputError(N_("the histories file has a header but no rows"), file=file)
    patterns: list[list[int]] = []
    counts: list[int] = []
    labels: list[str] = []
    for number, raw in enumerate(rows[1:], start=2):
        if len(raw) != len(header):
            raise InputError(
                N_("%(n)s values where the header has %(columns)s columns"),
                file=file,
                row=number,
                n=len(raw),
                columns=len(header),
            )
        record = dict(zip(header, (cell.strip() for cell in raw), strict=True))
        pattern = []
        for name in list_names:
            value = record[name]
            if value not in ("0", "1"):
                if value and not value.lstrip("-").isdigit():
                    raise InputError(
                        N_(
                            "list columns hold 0 or 1 (listed or not), found %(value)s; if "
                            "%(column)s is a stratum (e.g. a region), pass it as the stratum "
                            "column (--strata)"
                        ),
                        file=file,
                        row=number,
                        field=name,
                        value=repr(value),
                        column=repr(name),
                    )
                raise InputError(
                    N_("list columns hold 0 or 1 (listed or not), found %(value)s"),
                    file=file,
                    row=number,
                    field=name,
                    value=repr(value),
                )
            pattern.append(int(value))
        count = 1
        if has_count:
            try:
                count = int(record[COUNT_COLUMN])
            except ValueError as exc:
                raise InputError(
                    N_("count must be a whole number, found %(value)s"),
                    file=file,
                    row=number,
                    field=COUNT_COLUMN,
                    value=repr(record[COUNT_COLUMN]),
                ) from exc
            if count < 0:
                raise InputError(
                    N_("count cannot be negative"), file=file, row=number, field=COUNT_COLUMN
                )
        if count == 0:
            continue
        if not any(pattern):
            raise InputError(
                N_(
                    "a row lists nobody (all lists 0) with a positive count: people on no "
                    "list cannot be counted, they are what the estimate is for; remove the row"
                ),
                file=file,
                row=number,
            )
        patterns.append(pattern)
        counts.append(count)
        labels.append(record[stratum] if stratum is not None else "")
    if not counts:
        raise InputError(N_("every count is 0: there is nobody to estimate from"), file=file)
    rows_matrix = np.repeat(np.asarray(patterns, dtype=np.uint8), counts, axis=0)
    histories = Histories.from_rows(
        list_names, rows_matrix, np.repeat(labels, counts).tolist() if stratum else None
    )
    check_histories(histories, file=file)
    return histories


def check_histories(histories: Histories, *, file: str | None = None) -> None:
    """Refuse data from which no population size can be estimated, saying why."""
    n_lists = len(histories.lists)
    if histories.observed == 0:
        raise InputError(N_("no persons in the histories: nothing to estimate from"), file=file)
    if n_lists < 2:
        raise InputError(
            N_(
                "estimation needs at least two lists (three or more to model how they "
                "depend on each other); these histories have %(n)s"
            ),
            file=file,
            n=n_lists,
        )
    totals = (histories.patterns.astype(np.int64) * histories.counts[:, None]).sum(axis=0)
    used = [name for name, total in zip(histories.lists, totals, strict=True) if total > 0]
    if len(used) < 2:
        if used:
            raise InputError(
                N_(
                    "all persons are in one list (%(list)s): overlap between lists is what "
                    "the estimate is built from, so one list alone says nothing about who is "
                    "missing"
                ),
                file=file,
                list=used[0],
            )
        raise InputError(
            N_(
                "all persons are in one list: overlap between lists is what the estimate is "
                "built from, so one list alone says nothing about who is missing"
            ),
            file=file,
        )
    shared = histories.counts[histories.patterns.sum(axis=1) >= 2].sum()
    if shared == 0:
        if len(used) == 2:
            raise InputError(
                N_(
                    "the two lists share nobody: with no overlap the number missed is "
                    "unbounded, so no estimate can be made; check the linkage or add a list"
                ),
                file=file,
            )
        raise InputError(
            N_(
                "no two lists share anybody: with no overlap the number missed is unbounded, "
                "so no estimate can be made; check the linkage or add a list"
            ),
            file=file,
        )


def drop_lists(histories: Histories, names: Sequence[str]) -> Histories:
    """The histories without the named lists (persons left on no list disappear)."""
    _known(histories, names)
    keep = [i for i, name in enumerate(histories.lists) if name not in set(names)]
    return _rebuild(histories, [histories.lists[i] for i in keep], histories.patterns[:, keep])


def merge_lists(
    histories: Histories, names: Sequence[str], *, into: str | None = None
) -> Histories:
    """Treat the named lists as one (a person is on it if on any of them), e.g. two
    lists from the same organisation whose captures cannot be independent."""
    _known(histories, names)
    if len(names) < 2:
        raise InputError(N_("merging needs at least two list names, e.g. A+B"))
    new_name = into or "+".join(names)
    idx = [histories.lists.index(n) for n in names]
    merged = histories.patterns[:, idx].max(axis=1)
    keep = [i for i in range(len(histories.lists)) if i not in idx]
    lists = [histories.lists[i] for i in keep]
    insert_at = min(idx)
    columns = [histories.patterns[:, i] for i in keep]
    position = sum(1 for i in keep if i < insert_at)
    lists.insert(position, new_name)
    columns.insert(position, merged)
    return _rebuild(histories, lists, np.stack(columns, axis=1))


def _known(histories: Histories, names: Sequence[str]) -> None:
    for name in names:
        if name not in histories.lists:
            raise InputError(NO_SUCH_LIST, name=repr(name), lists=", ".join(histories.lists))


def _rebuild(histories: Histories, lists: list[str], patterns: np.ndarray) -> Histories:
    rows = np.repeat(patterns.astype(np.uint8), histories.counts, axis=0)
    strata = (
        np.repeat(np.asarray(histories.strata, dtype=object), histories.counts).tolist()
        if histories.strata is not None
        else None
    )
    return Histories.from_rows(lists, rows, strata)


def select_lists(
    captures: PersonCaptures, drop: Sequence[str] = (), merge: Sequence[str] = ()
) -> PersonCaptures:
    """Per-person captures with lists merged (each spec ``A+B``) and dropped, persons left
    on no list removed: what :func:`merge_lists` and :func:`drop_lists` do to histories."""
    lists = list(captures.lists)
    columns = {name: captures.rows[:, i] for i, name in enumerate(lists)}
    for spec in merge:
        names = [n.strip() for n in spec.split("+") if n.strip()]
        if len(names) < 2:
            raise InputError(N_("merging needs at least two list names, e.g. A+B"))
        for name in names:
            if name not in columns:
                raise InputError(NO_SUCH_LIST, name=repr(name), lists=", ".join(lists))
        merged = np.max(np.stack([columns.pop(n) for n in names], axis=1), axis=1)
        position = min(lists.index(n) for n in names)
        new_name = "+".join(names)
        lists = [n for n in lists if n not in names]
        lists.insert(position, new_name)
        columns[new_name] = merged
    for name in drop:
        if name not in columns:
            raise InputError(NO_SUCH_LIST, name=repr(name), lists=", ".join(lists))
        del columns[name]
        lists.remove(name)
    if not lists:
        raise InputError(N_("every list was dropped: nothing to estimate from"))
    rows = np.stack([columns[n] for n in lists], axis=1).astype(np.uint8)
    keep = np.asarray(rows.any(axis=1), dtype=bool)
    kept: list[bool] = [bool(k) for k in keep.tolist()]
    fields = {
        name: [v for v, k in zip(values, kept, strict=True) if k]
        for name, values in captures.fields.items()
    }
    return PersonCaptures(tuple(lists), rows[keep], fields)
