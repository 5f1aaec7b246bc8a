"""The quarantine pages: a documenter sees a batch's set-aside rows with their reasons,
fixes a row held back whole in a form (a bad value is refused naming the field, never the
value, and nothing changes), and downloads the quarantine as CSV made safe for a
spreadsheet. Fixes and downloads are audit events."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_fixtures import csrf_of

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.store import quarantine, records

LIST = (
    "№,ФИО,Дата рождения,Пол\n"
    "1,Ахметов Нурлан,12.03.1990,м\n"
    "2,Сериков Ерлан,1990,м,лишняя\n"  # one cell too many: held back whole
    "3,=HYPERLINK(1),31.02.1985,м\n"  # a field problem; a formula-looking name
)


@pytest.fixture
def batch(web_project: Project, tmp_path: Path) -> int:
    path = tmp_path / "hotline.csv"
    path.write_text(LIST, encoding="utf-8")
    result = web_project.sources.import_file(path, source="Hotline", kind="ngo", by="dana")
    assert result.batch_id is not None and result.rows_quarantined == 1
    return result.batch_id


def _entries(project: Project) -> list[Any]:
    with project.engine.connect() as conn:
        return list(conn.execute(select(quarantine).order_by(quarantine.c.id)))


def _held(project: Project) -> Any:
    return next(e for e in _entries(project) if e.row_number == 3)


def _records(project: Project) -> list[tuple[Any, ...]]:
    with project.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(records).order_by(records.c.id))]


def test_the_quarantine_page_lists_reasons_and_offers_a_fix_for_held_rows(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int
) -> None:
    client = signed_in[Role.DOCUMENTER]
    page = client.get(f"/import/batches/{batch}/quarantine")
    assert page.status_code == 200
    assert "columns may be shifted" in page.text and "not a real date" in page.text
    held = _held(web_project)
    assert f"/import/batches/{batch}/quarantine/{held.id}" in page.text
    kept = next(e for e in _entries(web_project) if e.row_number == 4)
    assert f'/quarantine/{kept.id}"' not in page.text  # a kept row is no row to fix
    # The import page points to it.
    assert f"/import/batches/{batch}/quarantine" in client.get("/import").text


def test_a_fix_with_a_bad_value_is_refused_naming_the_field_and_nothing_changes(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int
) -> None:
    client = signed_in[Role.DOCUMENTER]
    held = _held(web_project)
    form = client.get(f"/import/batches/{batch}/quarantine/{held.id}")
    assert form.status_code == 200 and 'name="birth_date"' in form.text
    before = (_records(web_project), [tuple(e) for e in _entries(web_project)])
    refused = client.post(
        f"/import/batches/{batch}/quarantine/{held.id}",
        data={"csrf": csrf_of(form.text), "name": "Сериков Ерлан", "birth_date": "31.02.1990"},
    )
    assert refused.status_code == 400
    alert = refused.text.split('role="alert"')[1].split("</p>")[0]
    assert "birth_date" in alert and "31.02.1990" not in alert and "Сериков" not in alert
    assert (_records(web_project), [tuple(e) for e in _entries(web_project)]) == before
    events = [(e.action, e.target, e.outcome) for e in audit_log(web_project)]
    assert ("quarantine.fix", str(held.id), "failed") in events


def test_a_fix_stores_the_row_as_a_record_and_is_audited(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int
) -> None:
    client = signed_in[Role.DOCUMENTER]
    held = _held(web_project)
    form = client.get(f"/import/batches/{batch}/quarantine/{held.id}")
    count = len(_records(web_project))
    done = client.post(
        f"/import/batches/{batch}/quarantine/{held.id}",
        data={"csrf": csrf_of(form.text), "source_record_id": "2", "name": "Сериков Ерлан",
              "birth_date": "1990", "sex": "м"},
        follow_redirects=False,
    )  # fmt: skip
    assert done.status_code == 303
    assert done.headers["location"].endswith(f"/import/batches/{batch}/quarantine")
    assert len(_records(web_project)) == count + 1
    fixed = _held(web_project)
    assert fixed.fixed_by == "documenter-1" and fixed.fixed_record_id is not None
    assert sorted(fixed.fixed_fields) == ["birth_date", "name", "sex", "source_record_id"]
    events = [(e.actor, e.action, e.target, e.outcome) for e in audit_log(web_project)]
    assert ("documenter-1", "quarantine.fix", str(held.id), "ok") in events
    page = client.get(f"/import/batches/{batch}/quarantine")
    assert "fixed by documenter-1" in page.text
    assert f'/quarantine/{held.id}"' not in page.text


def test_the_quarantine_downloads_as_safe_csv_and_is_audited(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int
) -> None:
    client = signed_in[Role.DOCUMENTER]
    response = client.get(f"/import/batches/{batch}/quarantine.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["row"] for r in rows] == ["3", "4"]
    # The formula-looking name of row 4 reaches the raw cells column defused.
    assert all(not r[k].startswith(("=", "+", "-", "@")) for r in rows for k in r)
    assert "=HYPERLINK(1)" in rows[1]["raw_cells"]
    events = [(e.actor, e.action, e.target) for e in audit_log(web_project)]
    assert ("documenter-1", "quarantine.export", str(batch)) in events


def test_a_formula_in_a_value_cell_is_defused(
    web_project: Project, signed_in: dict[Role, TestClient], tmp_path: Path
) -> None:
    path = tmp_path / "ages.csv"
    path.write_text("ФИО,Возраст\nАхметов Нурлан,=1+2\n", encoding="utf-8")
    result = web_project.sources.import_file(path, source="Ages", kind="ngo")
    text = signed_in[Role.DOCUMENTER].get(f"/import/batches/{result.batch_id}/quarantine.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["value"] for r in rows] == ["'=1+2"]


def test_an_unknown_batch_or_entry_is_a_clear_404(
    signed_in: dict[Role, TestClient], batch: int, web_project: Project
) -> None:
    client = signed_in[Role.DOCUMENTER]
    assert client.get("/import/batches/999/quarantine").status_code == 404
    assert client.get(f"/import/batches/{batch}/quarantine/999").status_code == 404
    other = client.get(f"/import/batches/{batch}/quarantine/{_held(web_project).id + 999}")
    assert other.status_code == 404 and "no such quarantined row" in other.text


def test_roles_without_import_cannot_see_the_quarantine(
    signed_in: dict[Role, TestClient], batch: int
) -> None:
    for role in (Role.REVIEWER, Role.LIAISON, Role.ANALYST, Role.VIEWER, Role.ADMIN):
        assert signed_in[role].get(f"/import/batches/{batch}/quarantine.csv").status_code == 403


@pytest.mark.parametrize(
    ("lang", "heading", "button"),
    [("ru", "Карантин загрузки", "Сохранить как запись"),
     ("kk", "жүктеудің карантині", "Жазба ретінде сақтау")],
)  # fmt: skip
def test_the_quarantine_pages_speak_kazakh_and_russian(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int, lang: str, heading: str,
    button: str,
) -> None:  # fmt: skip
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = lang
    page = client.get(f"/import/batches/{batch}/quarantine").text
    assert heading in page and "Download these rows" not in page
    form = client.get(f"/import/batches/{batch}/quarantine/{_held(web_project).id}").text
    assert button in form and "Store as a record" not in form and "Date of birth" not in form


def test_an_unreadable_upload_is_named_as_sent_not_by_the_servers_folder(
    signed_in: dict[Role, TestClient],
) -> None:
    client = signed_in[Role.DOCUMENTER]
    refused = client.post(
        "/import/preview",
        data={"csrf": csrf_of(client.get("/import").text), "source": "Hotline", "kind": "ngo"},
        files={"file": ("numbers.csv", b"1,2,3\n4,5,6\n", "text/csv")},
    )
    assert refused.status_code == 400
    alert = refused.text.split('role="alert"')[1].split("</p>")[0]
    assert "numbers.csv" in alert and "qantar-upload-" not in alert and "/numbers" not in alert


def test_a_long_quarantine_shows_a_page_and_the_csv_holds_every_entry(
    web_project: Project, signed_in: dict[Role, TestClient], tmp_path: Path
) -> None:
    from qantar.web import _quarantine_pages

    path = tmp_path / "shifted.csv"
    rows = "".join(f"{n},Фамилия{n},1990,лишняя\n" for n in range(_quarantine_pages.SHOWN + 5))
    path.write_text("№,ФИО,Дата рождения\n" + rows, encoding="utf-8")
    result = web_project.sources.import_file(path, source="Long", kind="ngo")
    assert result.rows_quarantined == _quarantine_pages.SHOWN + 5
    client = signed_in[Role.DOCUMENTER]
    page = client.get(f"/import/batches/{result.batch_id}/quarantine").text
    assert page.count("<tr>") == _quarantine_pages.SHOWN + 1  # the header row and a page
    assert "Only the first 500 entries are shown" in page
    text = client.get(f"/import/batches/{result.batch_id}/quarantine.csv").text
    assert len(list(csv.DictReader(io.StringIO(text)))) == _quarantine_pages.SHOWN + 5


def test_the_import_preview_names_fields_in_the_readers_language(
    signed_in: dict[Role, TestClient],
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = "ru"
    listing = "ФИО;Пол;Дата гибели;Место\nЖаксылыков Кайрат;м;05.01.2022;Алма-Ата\n".encode(
        "cp1251"
    )
    preview = client.post(
        "/import/preview",
        data={"csrf": csrf_of(client.get("/import").text), "source": "Hotline", "kind": "ngo"},
        files={"file": ("list.csv", listing, "text/csv")},
    )
    assert preview.status_code == 200
    for shown in ("ФИО полностью", "Дата события", "распознан по заголовку", "м (мужской)",
                  "05.01.2022 (2022-01-05)", "Алма-Ата (Алматы)"):  # fmt: skip
        assert shown in preview.text, shown
    for code in ("name_raw", "event_date", "auto", "surname_raw", "almaty"):
        assert code not in preview.text.split("<main")[1], code
