"""The pages: dashboard, persons across scripts, a person's page, consent, import, audit."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient
from web_fixtures import ENGLISH, csrf_of

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.ingest import registry_summary
from qantar.publish import consent_decisions
from qantar.web import WebSettings, create_app


def _search(client: TestClient, text: str) -> str:
    csrf = csrf_of(client.get("/persons").text)
    response = client.post("/persons", data={"csrf": csrf, "q": text})
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize("spelling", ["Жаксылыков", "Zhaksylykov", "Jaksylykov"])
def test_a_name_in_any_script_finds_the_same_person(
    signed_in: dict[Role, TestClient], spelling: str
) -> None:
    found = _search(signed_in[Role.DOCUMENTER], spelling)
    assert 'href="http://testserver/persons/P1"' in found
    assert "/persons/P2" not in found


def test_a_search_is_audited_by_its_count_not_its_words(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    _search(signed_in[Role.LIAISON], "Жаксылыков")
    event = next(e for e in audit_log(web_project) if e.action == "persons.search")
    assert (event.actor, event.target) == ("liaison-1", "1")


def test_a_person_page_shows_every_record_and_its_view_is_audited(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    page = signed_in[Role.DOCUMENTER].get("/persons/P1")
    assert page.status_code == 200
    for shown in ("Жаксылыков", "Zhaksylykov Kairat", "Official", "Press", "No decision"):
        assert shown in page.text
    assert "Record a consent decision" not in page.text  # a documenter does not decide
    views = [e for e in audit_log(web_project) if e.action == "person.view"]
    assert [(e.actor, e.target) for e in views] == [("documenter-1", "P1")]
    assert signed_in[Role.DOCUMENTER].get("/persons/P9").status_code == 404


def test_the_liaison_records_a_withhold_and_the_memorial_drops_the_person(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.LIAISON]
    form = client.get("/persons/P1/consent")
    assert 'id="not-shown"' not in form.text  # shown (initials at least) before
    response = client.post(
        "/persons/P1/consent",
        data={"csrf": csrf_of(form.text), "status": "withhold", "note": "the mother asked"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = client.get("/persons/P1/consent").text
    assert 'id="not-shown"' in after and "the mother asked" in after and "liaison-1" in after
    decision = consent_decisions(web_project)[-1]
    assert (decision.person_id, decision.status, decision.decided_by) == (
        "P1",
        "withhold",
        "liaison-1",
    )
    memorial = client.get("/memorial").text
    assert "Оспанов" in memorial or "О." in memorial
    assert "Жаксылыков" not in memorial and "Zhaksylykov" not in memorial
    assert ("liaison-1", "consent.decide", "P1") in [
        (e.actor, e.action, e.target) for e in audit_log(web_project)
    ]


def test_a_bad_consent_status_is_refused_and_stores_nothing(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.LIAISON]
    csrf = csrf_of(client.get("/persons/P1/consent").text)
    response = client.post("/persons/P1/consent", data={"csrf": csrf, "status": "everything"})
    assert response.status_code == 400
    assert consent_decisions(web_project) == []


def test_the_dashboard_counts_without_names(signed_in: dict[Role, TestClient]) -> None:
    page = signed_in[Role.ANALYST].get("/dashboard")
    assert page.status_code == 200
    assert "Official" in page.text and "Press" in page.text
    assert "Жаксылыков" not in page.text and "Оспанов" not in page.text


def test_the_admin_reads_and_exports_the_audit_log(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    signed_in[Role.DOCUMENTER].get("/persons/P2")
    admin = signed_in[Role.ADMIN]
    # The page words the action in the reader's language; the export keeps its code.
    assert "<td>opened a person&#39;s page</td>" in admin.get("/admin/audit").text
    exported = admin.get("/admin/audit.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {"actor": "documenter-1", "action": "person.view", "target": "P2"}.items() <= (
        next(r for r in rows if r["action"] == "person.view").items()
    )
    assert audit_log(web_project)[0].action == "audit.export"


CP1251_LIST = (
    "Фамилия;Имя;Возраст;Дата смерти\n"
    "Жаксылыков;Кайрат;34;05.01.2022\n"
    "Оспанов;Мирас;abc;06.01.2022\n"
)


def _upload(client: TestClient, content: bytes, filename: str = "list.csv") -> object:
    csrf = csrf_of(client.get("/import").text)
    return client.post(
        "/import/preview",
        data={"csrf": csrf, "source": "Hotline", "kind": "ngo"},
        files={"file": (filename, content, "text/csv")},
    )


def test_a_cp1251_list_is_previewed_then_imported_with_its_quarantine(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    client = signed_in[Role.DOCUMENTER]
    before = registry_summary(web_project).totals["records"]
    preview = _upload(client, CP1251_LIST.encode("cp1251"))
    assert preview.status_code == 200, preview.text
    assert "cp1251" in preview.text.lower() or "windows-1251" in preview.text.lower()
    assert "&#34;;&#34;" in preview.text or '";"' in preview.text
    assert "Кайрат" in preview.text and "Surname" in preview.text
    assert registry_summary(web_project).totals["records"] == before  # a preview stores nothing
    upload = preview.text.split('name="upload" value="')[1].split('"')[0]
    done = client.post(
        "/import/confirm",
        data={"csrf": csrf_of(preview.text), "upload": upload, "action": "import"},
    )
    assert done.status_code == 200, done.text
    assert registry_summary(web_project).totals["records"] == before + 2
    assert "age" in done.text.lower()  # the quarantined age, with its reason
    # The preview is spent: confirming it again imports nothing.
    again = client.post(
        "/import/confirm",
        data={"csrf": csrf_of(preview.text), "upload": upload, "action": "import"},
    )
    assert again.status_code == 400
    assert ("documenter-1", "import") in [(e.actor, e.action) for e in audit_log(web_project)]


def test_a_file_of_the_wrong_kind_or_too_large_is_refused_and_nothing_stored(
    web_project: Project, accounts: object
) -> None:
    from web_fixtures import sign_in

    small = WebSettings(failure_delay=0, max_upload_mb=1)
    with TestClient(create_app(web_project, small), headers=ENGLISH) as client:
        sign_in(client, accounts[Role.DOCUMENTER])  # type: ignore[index]
        before = registry_summary(web_project).totals
        assert _upload(client, b"MZ\x90\x00", "tool.exe").status_code == 415
        assert _upload(client, CP1251_LIST.encode("cp1251") * 40000).status_code == 413
        assert registry_summary(web_project).totals == before
    refused = {e.action for e in audit_log(web_project) if e.outcome == "refused"}
    assert {"refused.filetype", "refused.size"} <= refused
