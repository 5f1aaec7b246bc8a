"""The evidence pages over the real archive: upload (its own size limit), an item's page
(metadata, near duplicates, custody, verification), attach, consent hiding a file's name,
and the court bundle for the admin alone, recorded in custody and audit."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image, ImageDraw
from web_fixtures import ENGLISH, Account, csrf_of, sign_in

from qantar import Project
from qantar.accounts import Role, audit_log
from qantar.evidence import (
    add_incident,
    custody_log,
    list_items,
    record_item_consent,
    verify_bundle,
)
from qantar.web import WebSettings, create_app

LIMITS = WebSettings(failure_delay=0.0, max_upload_mb=1, max_evidence_mb=3)


def photo(seed: int = 1, size: tuple[int, int] = (480, 360)) -> bytes:
    """A picture with structure at several scales: perceptual hashes need some."""
    rng = np.random.default_rng(seed)
    img = Image.fromarray((rng.random((size[1] // 40, size[0] // 40, 3)) * 255).astype("uint8"))
    img = img.resize(size, Image.BICUBIC)
    draw = ImageDraw.Draw(img)
    for _ in range(10):
        x, y = int(rng.integers(0, size[0] - 80)), int(rng.integers(0, size[1] - 80))
        draw.rectangle((x, y, x + 70, y + 50), fill=tuple(int(c) for c in rng.integers(0, 256, 3)))
    out = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    img.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def smaller(data: bytes) -> bytes:
    img = Image.open(io.BytesIO(data))
    out = io.BytesIO()
    img.resize((img.width // 2, img.height // 2)).save(out, "JPEG", quality=70)
    return out.getvalue()


@pytest.fixture
def clients(web_project: Project, accounts: dict[Role, Account]) -> Iterator[
    dict[Role, TestClient]
]:  # fmt: skip
    app = create_app(web_project, LIMITS)
    out = {}
    for role in (Role.DOCUMENTER, Role.ADMIN, Role.ANALYST):
        out[role] = TestClient(app, headers=ENGLISH)
        sign_in(out[role], accounts[role])
    yield out
    for client in out.values():
        client.close()


def upload(
    client: TestClient, name: str, data: bytes, **fields: str
) -> tuple[int, str, str | None]:
    csrf = csrf_of(client.get("/evidence/add").text)
    response = client.post(
        "/evidence/add",
        data={"csrf": csrf, **fields},
        files={"file": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )
    location = response.headers.get("location")
    return response.status_code, response.text, location


def test_a_documenter_adds_a_photo_and_its_page_shows_everything(
    web_project: Project, clients: dict[Role, TestClient], accounts: dict[Role, Account]
) -> None:
    client = clients[Role.DOCUMENTER]
    original = photo()
    status, _text, location = upload(
        client, "IMG_0001.jpg", original, collected_by="Field team", collected_at="2022-01-06"
    )
    assert status == 303 and location
    sha = location.rsplit("/", 1)[-1]
    status, _text, copy_at = upload(client, "copy.jpg", smaller(original))
    assert status == 303 and copy_at
    page = client.get(location)
    assert page.status_code == 200
    assert "IMG_0001.jpg" in page.text and "Field team" in page.text
    assert "TestCam" in page.text  # the metadata read from the file
    assert copy_at.rsplit("/", 1)[-1][:12] in page.text  # its near duplicate
    assert "has not been verified since this item was added" in page.text
    events = [e for e in custody_log(web_project) if sha in e["items"]]
    assert [e["action"] for e in events] == ["added", "viewed"]
    assert {e["actor"] for e in events} == {accounts[Role.DOCUMENTER].name}
    listing = client.get("/evidence").text
    assert "IMG_0001.jpg" in listing and "copy.jpg" in listing
    actions = [(e.action, e.target) for e in audit_log(web_project)]
    assert ("evidence.add", sha) in actions and ("evidence.view", sha) in actions

    csrf = csrf_of(listing)
    verified = client.post("/evidence/verify", data={"csrf": csrf})
    assert verified.status_code == 200
    assert "The archive is intact: 2 files" in verified.text
    page = client.get(location).text
    assert "was last verified clean" in page


def test_an_upload_has_its_own_limit_and_a_lying_length_is_caught(
    web_project: Project, clients: dict[Role, TestClient]
) -> None:
    client = clients[Role.DOCUMENTER]
    two_mb = b"\0" * (2 * 1024 * 1024)  # above max_upload_mb (1), below max_evidence_mb (3)
    status, _text, location = upload(client, "recording.bin", two_mb)
    assert status == 303 and location
    assert [i["size"] for i in list_items(web_project)] == [len(two_mb)]
    status, text, _ = upload(client, "huge.bin", b"\1" * (4 * 1024 * 1024))
    assert status == 413 and "larger than this server accepts" in text
    # The other forms keep the general limit.
    csrf = csrf_of(client.get("/import").text)
    refused = client.post(
        "/import/preview",
        data={"csrf": csrf, "source": "S"},
        files={"file": ("list.csv", two_mb, "text/csv")},
    )
    assert refused.status_code == 413
    assert len(list_items(web_project)) == 1
    # A client whose stated length is smaller than what it sends is stopped while copying.
    body, kind = _multipart(csrf_of(client.get("/evidence/add").text), b"\2" * (4 * 1024 * 1024))
    lying = client.post(
        "/evidence/add",
        content=body,
        headers={"content-type": kind, "content-length": "1000"},
    )
    assert lying.status_code == 413
    assert len(list_items(web_project)) == 1
    refused = [e.target for e in audit_log(web_project) if e.action == "refused.size"]
    assert sorted(refused) == ["evidence_add", "evidence_add", "import_preview"]


def _multipart(csrf: str, data: bytes) -> tuple[bytes, str]:
    boundary = "qantar-test-boundary"
    body = (
        (
            f'--{boundary}\r\ncontent-disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\ncontent-disposition: form-data; name="file"; filename="x.bin"\r\n'
            "content-type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def test_bad_input_is_refused_and_nothing_is_stored(
    web_project: Project, clients: dict[Role, TestClient]
) -> None:
    client = clients[Role.DOCUMENTER]
    no_csrf = client.post(
        "/evidence/add", files={"file": ("a.jpg", photo(), "image/jpeg")}, follow_redirects=False
    )
    assert no_csrf.status_code == 403
    csrf = csrf_of(client.get("/evidence/add").text)
    no_file = client.post("/evidence/add", data={"csrf": csrf, "file": "not a file"})
    assert no_file.status_code == 400 and "Choose a file to add." in no_file.text
    status, text, _ = upload(client, "a.jpg", photo(), collected_at="the sixth of January")
    assert status == 400 and "collected_at" in text
    status, text, _ = upload(client, "a.jpg", photo(), incident="3; drop table")
    assert status == 400 and "Choose an incident from the list." in text
    status, text, _ = upload(client, "a.jpg", photo(), incident="99")
    assert status == 400 and "no incident 99" in text
    assert list_items(web_project) == []


def test_attaching_to_an_incident_and_a_person_is_in_custody(
    web_project: Project, clients: dict[Role, TestClient]
) -> None:
    client = clients[Role.DOCUMENTER]
    incident = add_incident(web_project, date="2022-01-05", description="square", type="shooting")
    _status, _text, location = upload(client, "a.jpg", photo())
    assert location
    sha = location.rsplit("/", 1)[-1]
    csrf = csrf_of(client.get(location).text)
    done = client.post(
        f"/evidence/items/{sha}/attach",
        data={"csrf": csrf, "incident": str(incident), "person": "P1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = client.get(location).text
    assert f"Incident {incident}" in page and "/persons/P1" in page
    linked = [e for e in custody_log(web_project) if e["action"] == "linked"]
    assert len(linked) == 2
    unknown = client.post(f"/evidence/items/{sha}/attach", data={"csrf": csrf, "person": "P404"})
    assert unknown.status_code == 404
    nothing = client.post(f"/evidence/items/{sha}/attach", data={"csrf": csrf})
    assert nothing.status_code == 400
    assert client.get("/evidence/items/" + "0" * 64).status_code == 404


def test_withdrawn_consent_hides_the_file_name_and_collection(
    web_project: Project, clients: dict[Role, TestClient]
) -> None:
    client = clients[Role.DOCUMENTER]
    _status, _text, location = upload(
        client, "Оспанов_Мирас.jpg", photo(), collected_by="Оспанова Айгуль"
    )
    assert location
    sha = location.rsplit("/", 1)[-1]
    assert "Оспанов_Мирас.jpg" in client.get("/evidence").text
    record_item_consent(web_project, sha, status="withdrawn", scope="all", recorded_by="t")
    for page in (client.get("/evidence").text, client.get(location).text):
        assert "Оспанов" not in page and "Оспанова" not in page
        assert "Not shown: consent was withdrawn" in page


def test_only_the_admin_exports_the_court_bundle_and_it_verifies(
    web_project: Project,
    clients: dict[Role, TestClient],
    accounts: dict[Role, Account],
    tmp_path: Path,
) -> None:
    upload(clients[Role.DOCUMENTER], "a.jpg", photo())
    documenter = clients[Role.DOCUMENTER]
    assert documenter.get("/evidence/export").status_code == 403
    admin = clients[Role.ADMIN]
    assert admin.get("/evidence").status_code == 403  # the admin exports; it does not browse
    csrf = csrf_of(admin.get("/evidence/export").text)
    response = admin.post("/evidence/export", data={"csrf": csrf})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(response.content)
    assert zipfile.is_zipfile(bundle)
    assert verify_bundle(bundle).ok
    exported = [e for e in custody_log(web_project) if e["action"] == "exported"]
    assert [e["actor"] for e in exported] == [accounts[Role.ADMIN].name]
    audited = [e for e in audit_log(web_project) if e.action == "evidence.export"]
    assert [e.actor for e in audited] == [accounts[Role.ADMIN].name]
    assert clients[Role.ANALYST].post("/evidence/export", data={"csrf": csrf}).status_code == 403
