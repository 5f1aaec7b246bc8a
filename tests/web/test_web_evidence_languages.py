"""The evidence, estimate and report pages speak Kazakh and Russian whole: no English word
left on them, besides what is kept on purpose (file names, media types, method names)."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient
from test_web_evidence import photo, upload
from test_web_languages import _lang, _latin_words, _switch
from web_fixtures import csrf_of

from qantar import Project
from qantar.accounts import Role
from qantar.evidence import add_incident

# Kept: the tool's name, the switcher's "English", the file name and the media type of the
# upload, the picture's metadata (a camera's words, a tool's name), hash and method names,
# format names, UTC, the test accounts, the test client, an incident's type as recorded.
KEPT = {"qantar", "English", "UTC", "testclient", "photo.jpg", "image/jpeg", "SHA-256",
        "SHA-512", "pHash", "PDQ", "ZIP", "CSV", "JSON", "SVG", "LCMCR", "log-linear",
        "loglinear", "lcmcr", "dga", "chapman", "seed", "shooting", "TestCam", "exiftool",
        "Pillow", "JPEG", "JFIF", "ExifTool"}  # fmt: skip


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_new_pages_have_no_english(
    lang: str, web_project: Project, signed_in: dict[Role, TestClient]
) -> None:
    add_incident(web_project, date="2022-01-05", description="x", type="shooting")
    documenter = signed_in[Role.DOCUMENTER]
    _status, _text, location = upload(documenter, "photo.jpg", photo())
    assert location
    names = {f"{role.value}-1" for role in Role} | KEPT
    pages = {}
    seen = {
        Role.DOCUMENTER: ("/evidence", "/evidence/add", location),
        Role.ANALYST: ("/estimates", "/reports"),
        Role.ADMIN: ("/evidence/export", "/memorial-site"),
    }
    for role, paths in seen.items():
        client = signed_in[role]
        _switch(client, lang)
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, (role, path)
            pages[path] = response.text
    for path, html in pages.items():
        assert _lang(html) == lang, path
        words = _latin_words(html, names)
        assert not words, (path, sorted(words))


@pytest.mark.parametrize(
    ("lang", "refused", "finding"),
    [
        ("kk", "бос (0 байт): сақтайтын ештеңе жоқ", "мазмұны өзгерген (SHA-256 енді"),
        ("ru", "пуст (0 байт): сохранять нечего", "содержимое изменилось (SHA-256 теперь"),
    ],
)
def test_a_refused_upload_and_a_verification_finding_are_said_in_the_reader_language(
    lang: str,
    refused: str,
    finding: str,
    web_project: Project,
    signed_in: dict[Role, TestClient],
) -> None:
    documenter = signed_in[Role.DOCUMENTER]
    _switch(documenter, lang)
    status, html, _ = upload(documenter, "empty.jpg", b"")
    assert status == 400
    assert f"empty.jpg: {refused}" in html  # the file's name, not its temporary folder
    assert "qantar-evidence-" not in html
    assert not _latin_words(html, KEPT | {"empty.jpg"}), sorted(_latin_words(html, KEPT))

    _status, _html, location = upload(documenter, "photo.jpg", photo())
    assert location
    sha = location.rsplit("/", 1)[-1]
    stored = web_project.evidence_dir / "objects" / sha[:2] / sha
    stored.chmod(0o600)
    stored.write_bytes(b"altered")
    page = documenter.post("/evidence/verify", data={"csrf": csrf_of(documenter.get("/").text)})
    assert page.status_code == 200
    assert finding in page.text
    now = hashlib.sha256(b"altered").hexdigest()[:12]  # the finding names the new hash
    names = {f"{role.value}-1" for role in Role} | KEPT | {now}
    assert not _latin_words(page.text, names), sorted(_latin_words(page.text, names))
