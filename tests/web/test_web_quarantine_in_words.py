"""The quarantine and import pages say reasons and warnings in the reader's language: a list
with bad dates, ages, sexes and event types, imported into a real project, shows its
reasons in Kazakh and Russian with no English word, while the stored text stays English."""

from __future__ import annotations

import csv
import html
import io
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from reason_fixtures import ENGLISH, LIST, english_words
from web_fixtures import csrf_of

from qantar import Project
from qantar.accounts import Role
from qantar.i18n import speaker
from qantar.ingest import iter_quarantine
from qantar.notes import say


@pytest.fixture
def batch(web_project: Project, tmp_path: Path) -> int:
    path = tmp_path / "hotline.csv"
    path.write_text(LIST, encoding="utf-8")
    result = web_project.sources.import_file(path, source="Hotline", kind="ngo", by="dana")
    assert result.batch_id is not None
    return result.batch_id


def _text(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", page.split("<main")[1]))


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_quarantine_page_gives_every_reason_in_the_readers_language(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int, lang: str
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = lang
    page = _text(client.get(f"/import/batches/{batch}/quarantine").text)
    gettext = speaker(lang).gettext
    entries = list(iter_quarantine(web_project, batch=batch))
    for entry in entries:
        worded = say(entry["reason"], gettext)
        assert worded in page and not english_words(worded), worded
    for english in ENGLISH:
        assert english.split(":")[-1].strip()[:20] not in page
    # the stored text is the English of before
    assert [str(e["reason"]) for e in entries] == ENGLISH


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("kk", "туған күні: нақты күн емес (мұндай күн бұл айда жоқ)"),
     ("ru", "дата рождения: такой даты не бывает (такого дня в этом месяце нет)")],
    ids=["kk", "ru"],
)  # fmt: skip
def test_a_refused_fix_says_why_in_the_readers_language(
    web_project: Project, signed_in: dict[Role, TestClient], batch: int, lang: str, expected: str
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = lang
    held = next(e for e in iter_quarantine(web_project, batch=batch) if not e["row_kept"])
    url = f"/import/batches/{batch}/quarantine/{held['id']}"
    form = client.get(url)
    assert say(held["reason"], speaker(lang).gettext) in html.unescape(form.text)
    refused = client.post(
        url, data={"csrf": csrf_of(form.text), "name": "Нуриев Азат", "birth_date": "31.02.1990"}
    )
    assert refused.status_code == 400
    alert = html.unescape(refused.text.split('role="alert"')[1].split("</p>")[0])
    assert expected in alert and "31.02.1990" not in alert and "Нуриев" not in alert
    assert not english_words(alert.split(">", 1)[1]), alert


def test_the_csv_keeps_the_english_reason_beside_the_readers_words(
    signed_in: dict[Role, TestClient], batch: int
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = "ru"
    text = client.get(f"/import/batches/{batch}/quarantine.csv").text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["reason"] for r in rows] == ENGLISH
    assert rows[1]["reason_in_words"] == "возраст: старше 120 лет"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_preview_warns_of_a_list_imported_before_in_the_readers_language(
    signed_in: dict[Role, TestClient], batch: int, lang: str
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = lang
    preview = client.post(
        "/import/preview",
        data={"csrf": csrf_of(client.get("/import").text), "source": "Calls", "kind": "ngo"},
        files={"file": ("again.csv", (LIST + "\n").encode("utf-8"), "text/csv")},
    )
    assert preview.status_code == 200
    warnings = html.unescape(preview.text.split('id="warnings"')[1].split("</ul>")[0])
    assert f"--undo {batch} --reason TEXT" in warnings
    said = re.sub(r"<[^>]+>", " ", warnings.split(">", 1)[1])
    assert not english_words(said.replace("'Hotline'", "").replace("--force", "")), said
    # the reasons of its rows too
    problems = _text(preview.text).split(speaker(lang).gettext("Problems found"))[1]
    assert "not a real date" not in problems and "an age over" not in problems


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_import_result_warns_of_rows_imported_before_in_the_readers_language(
    signed_in: dict[Role, TestClient], batch: int, lang: str
) -> None:
    client = signed_in[Role.DOCUMENTER]
    client.headers["accept-language"] = lang
    # four rows of the first list and three new ones: more than half, less than the refusal
    rows = LIST.splitlines()
    listing = "\n".join(
        [*rows[:5], "7,Ахметова Айгуль,1991,31,ж,погиб", "8,Бекова Алия,1992,30,ж,погиб",
         "9,Серикова Дана,1993,29,ж,погиб"]
    ) + "\n"  # fmt: skip
    form = client.get("/import").text
    preview = client.post(
        "/import/preview",
        data={"csrf": csrf_of(form), "source": "Calls", "kind": "ngo"},
        files={"file": ("update.csv", listing.encode("utf-8"), "text/csv")},
    )
    assert preview.status_code == 200
    upload = preview.text.split('name="upload" value="')[1].split('"')[0]
    done = client.post(
        "/import/confirm",
        data={"csrf": csrf_of(preview.text), "upload": upload, "action": "import"},
    )
    assert done.status_code == 200, done.text
    warnings = html.unescape(done.text.split('id="warnings"')[1].split("</ul>")[0])
    said = re.sub(r"<[^>]+>", " ", warnings.split(">", 1)[1])
    assert f"{batch}" in said and "4" in said and "7" in said
    assert not english_words(said.replace("'Hotline'", "")), said
