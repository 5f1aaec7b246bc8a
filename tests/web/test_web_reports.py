"""The report and the memorial site built from the browser and downloaded as ZIPs: the
analyst's report in the page's language, the admin's memorial as consent allows; each
download is in the audit log, and the other roles are refused."""

from __future__ import annotations

import io
import zipfile

from fastapi.testclient import TestClient
from web_fixtures import Account, csrf_of

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.link._features import refresh


def _files(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


def test_the_admin_downloads_the_memorial_site_as_consent_allows(
    web_project: Project, signed_in: dict[Role, TestClient], accounts: dict[Role, Account]
) -> None:
    web_project.publish.consent("P2", "withhold", by="liaison", note=None)
    admin = signed_in[Role.ADMIN]
    csrf = csrf_of(admin.get("/memorial-site").text)
    response = admin.post("/memorial-site", data={"csrf": csrf})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    files = _files(response.content)
    assert {"index.html", "memorial.csv", "memorial.json"} <= set(files)
    everything = b"".join(files.values()).decode("utf-8")
    assert "Ж. К." in everything  # shown by initials, the project's default
    assert "Жаксылыков" not in everything
    assert "О. М." not in everything and "Оспанов" not in everything  # withheld above
    audited = [(e.actor, e.action) for e in audit_log(web_project)]
    assert (accounts[Role.ADMIN].name, "memorial.export") in audited


def test_the_analyst_downloads_the_report_in_the_pages_language(
    web_project: Project, signed_in: dict[Role, TestClient], accounts: dict[Role, Account]
) -> None:
    refresh(web_project.engine)  # the features a link run leaves, which the report reads
    analyst = signed_in[Role.ANALYST]
    csrf = csrf_of(analyst.get("/reports").text)
    english = _files(analyst.post("/reports/build", data={"csrf": csrf}).content)
    assert "report.html" in english
    assert any(n.endswith(".png") for n in english)
    russian = analyst.post("/reports/build", data={"csrf": csrf}, headers={"accept-language": "ru"})
    assert russian.headers["content-disposition"].endswith('report-ru.zip"')
    assert 'lang="ru"' in _files(russian.content)["report.html"].decode("utf-8")
    builds = [e for e in audit_log(web_project) if e.action == "report.build"]
    assert sorted(e.target or "" for e in builds) == ["en", "ru"]


def test_each_download_is_for_its_role_only(
    web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    refresh(web_project.engine)
    for role, client in signed_in.items():
        csrf = csrf_of(client.get("/account").text)
        report = client.post("/reports/build", data={"csrf": csrf})
        memorial = client.post("/memorial-site", data={"csrf": csrf})
        assert (report.status_code == 200) == (role == Role.ANALYST), role
        assert (memorial.status_code == 200) == (role == Role.ADMIN), role
    without = signed_in[Role.ADMIN].post("/memorial-site", data={})
    assert without.status_code == 403
