"""Write a scenario to a folder; the same scenario always gives the same bytes."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from qantar.errors import N_, InputError
from qantar.synth._scenario import Scenario, SourceList

FORMATS = ("csv", "xlsx")
# XLSX files carry timestamps (zip entries, docProps/core.xml); pinned so bytes are stable.
_PINNED = dt.datetime(2022, 8, 16, 9, 0, 0)
_ZIP_TIME = (2022, 8, 16, 9, 0, 0)
_SHEET_TITLES = {"official": "Список", "ngo": "Тізім", "press": "Victims",
                 "hotline": "Обращения", "morgue": "Журнал"}  # fmt: skip
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def write_scenario(
    scenario: Scenario,
    outdir: str | Path,
    formats: Sequence[str] = FORMATS,
    *,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Path]:
    """Write the list files, truth.csv, histories.csv, population.csv and scenario.json.

    With both formats, each list takes its usual one (NGO and hotline lists are XLSX); with
    one format, every list is written in it. Returns the path of every file by a short name.
    ``on_step`` is called with each list's name once its file is written.
    """
    step = on_step or (lambda _: None)
    formats = tuple(f.strip().lower() for f in formats if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad or not formats:
        raise InputError(
            N_("unknown format(s) %(formats)s; use csv, xlsx or csv,xlsx"), formats=bad or formats
        )
    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[str, Path] = {}
    info: dict[str, dict[str, object]] = {}
    for name, sl in scenario.lists.items():
        fmt = sl.spec.fmt if len(formats) > 1 else formats[0]
        path = out / f"{name}.{fmt}"
        for other in FORMATS:  # a stale copy in the other format would be imported twice
            if other != fmt:
                (out / f"{name}.{other}").unlink(missing_ok=True)
        if fmt == "csv":
            _write_csv(path, sl.headers, sl.rows, delimiter=sl.spec.delimiter, encoding=_enc(sl))
        else:
            _write_xlsx(path, sl)
        paths[name] = path
        step(name)
        info[name] = {
            "file": path.name,
            "kind": sl.spec.kind,
            "format": fmt,
            "encoding": _enc(sl) if fmt == "csv" else None,
            "delimiter": sl.spec.delimiter if fmt == "csv" else None,
            "records": len(sl.rows),
            "persons": len(set(sl.person_ids)),
            "id_column": sl.spec.id_header,
        }
    paths["truth"] = out / "truth.csv"
    _write_csv(paths["truth"], ("source", "record_id", "person_id"), scenario.truth())
    paths["histories"] = out / "histories.csv"
    _write_csv(paths["histories"], *_histories_table(scenario))
    paths["population"] = out / "population.csv"
    _write_csv(paths["population"], *_population_table(scenario))
    paths["scenario"] = out / "scenario.json"
    observed = int(scenario.captured.any(axis=1).sum())
    meta = {
        "generator": "qantar.synth",
        "seed": scenario.seed,
        "N": scenario.n_killed,
        "detainees": len(scenario.persons) - scenario.n_killed,
        "observed_persons": observed,
        "observed_killed": scenario.histories("killed").observed,
        "settings": scenario.config.to_dict(),
        "formats": list(formats),
        "lists": info,
    }
    paths["scenario"].write_text(
        json.dumps(meta, ensure_ascii=False, indent=2, sort_keys=False) + "\n", encoding="utf-8"
    )
    return paths


def _enc(sl: SourceList) -> str:
    # The morgue's register comes out of Excel: UTF-8 with a byte-order mark.
    if sl.encoding == "utf-8" and sl.spec.name == "morgue":
        return "utf-8-sig"
    return sl.encoding


def _write_csv(
    path: Path,
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> None:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def _histories_table(scenario: Scenario) -> tuple[list[str], list[list[object]]]:
    """One row per capture pattern (per event when there are detainees) with its count."""
    names = list(scenario.list_names)
    events = ["killed"] + (["detained"] if scenario.n_killed < len(scenario.persons) else [])
    headers = (["event"] if len(events) > 1 else []) + [*names, "count"]
    rows: list[list[object]] = []
    for event in events:
        h = scenario.histories(event)
        order = np.lexsort(h.patterns.T[::-1])[::-1]  # 11111 first, 00001 last
        for k in order:
            pattern = [int(x) for x in h.patterns[k]]
            prefix: list[object] = [event] if len(events) > 1 else []
            rows.append([*prefix, *pattern, int(h.counts[k])])
    return headers, rows


def _population_table(scenario: Scenario) -> tuple[list[str], list[list[object]]]:
    headers = [
        "person_id", "event", "role", "sex", "tradition", "surname", "given", "patronymic",
        "surname_kk", "given_kk", "patronymic_kk", "birth_date", "age", "date", "place_id",
        *(f"on_{name}" for name in scenario.list_names),
    ]  # fmt: skip
    rows = []
    order = sorted(range(len(scenario.persons)), key=lambda i: scenario.persons[i].person_id)
    for i in order:
        p = scenario.persons[i]
        rows.append(
            [
                p.person_id, p.event, p.role, p.sex, p.tradition, p.surname_ru, p.given_ru,
                p.patronymic(kazakh_letters=False), p.surname_kk, p.given_kk,
                p.patronymic(kazakh_letters=True),
                p.birth.isoformat(), p.age, p.date.isoformat(), p.place_id,
                *(int(x) for x in scenario.captured[i]),
            ]
        )  # fmt: skip
    return headers, rows


def _cell(value: str) -> object:
    if value.isdigit() and not value.startswith("0"):
        return int(value)
    if _ISO_DATE.match(value):
        try:
            return dt.datetime.strptime(value, "%Y-%m-%d")
        except ValueError:
            return value
    return value


def _xlsx_cell(ws: Any, value: str) -> object:
    v = _cell(value)
    if isinstance(v, dt.datetime):
        cell = WriteOnlyCell(ws, value=v)
        cell.number_format = "DD.MM.YYYY"
        return cell
    return v


def _write_xlsx(path: Path, sl: SourceList) -> None:
    # Write-only mode streams rows: several times faster for the 100,000-person benchmarks.
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_SHEET_TITLES.get(sl.name, sl.name))
    ws.append(list(sl.headers))
    for row in sl.rows:
        ws.append([_xlsx_cell(ws, v) for v in row])
    wb.properties.creator = "qantar.synth"
    wb.properties.created = _PINNED
    wb.properties.modified = _PINNED
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(_pin_zip(buf.getvalue()))


def _pin_zip(data: bytes) -> bytes:
    """Rewrite an XLSX with fixed entry times and a fixed 'modified' stamp in core.xml."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    stamp = _PINNED.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*(</dcterms)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            info = zipfile.ZipInfo(item.filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, content)
    return out.getvalue()
