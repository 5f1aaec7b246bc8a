"""The evidence, estimate and report pages speak Kazakh and Russian whole: no English word
left on them, besides what is kept on purpose (file names, media types, method names)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_web_evidence import photo, upload
from test_web_languages import _lang, _latin_words, _switch

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
