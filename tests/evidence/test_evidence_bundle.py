"""Court bundles (EI-11): verifiable away from the project; any changed byte is caught."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import numpy as np
import pytest
from evidence_tsa import LocalTSA
from PIL import Image

from qantar import Project
from qantar.evidence import (
    add,
    add_incident,
    add_root,
    annotate,
    build_request,
    export,
    record_item_consent,
    store_response,
    verify,
    verify_bundle,
)
from qantar.evidence._metadata import extract

GPS = {1: "N", 2: (43.0, 14.0, 24.0), 3: "E", 4: (76.0, 56.0, 42.0)}


def gps_photo(path: Path, seed: int = 3) -> Path:
    pixels = (np.random.default_rng(seed).random((120, 160, 3)) * 255).astype("uint8")
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x0110] = "Model 1"
    exif[0x8825] = GPS
    Image.fromarray(pixels).save(path, exif=exif, quality=90)
    return path


@pytest.fixture
def populated(project: Project, tmp_path: Path, tsa: LocalTSA) -> tuple[Project, int, list[str]]:
    incident = add_incident(
        project,
        date="2022-01-05",
        place="Almaty",
        description="shots at the square",
        type="shooting",
    )
    photo = gps_photo(tmp_path / "square.jpg")
    note = tmp_path / "statement-ref.txt"
    note.write_text("statement reference S-17")
    other = tmp_path / "unrelated.txt"
    other.write_text("belongs to no incident")
    shas = [
        r.sha256
        for r in add(
            project,
            [photo, note],
            incident=incident,
            collected_by="Researcher Aigerim",
            from_whom="Witness Bolat",
            source_url="https://t.me/somebody/1",
        )
    ]
    add(project, [other])
    annotate(project, shas[0], kind="description", body="crowd and armoured vehicle")
    add_root(project, tsa.root_pem)
    request = build_request(project)
    store_response(project, request, tsa.respond(request.der), tsa="local-tsa")
    return project, incident, shas


def test_bundle_verifies_elsewhere(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    project, incident, shas = populated
    result = export(project, tmp_path / "bundle.zip", incident=incident)
    assert sorted(result.items) == sorted(shas)
    elsewhere = tmp_path / "court" / "copy.zip"
    elsewhere.parent.mkdir()
    shutil.copy(result.path, elsewhere)
    project.close()
    shutil.rmtree(project.root)  # no project on this "machine"
    report = verify_bundle(elsewhere)
    assert report.ok, report.failures
    assert report.objects_checked == 2 and report.timestamps_checked == 1
    with zipfile.ZipFile(elsewhere) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        names = zf.namelist()
        summary = zf.read("summary.html").decode()
    assert {"manifest.json", "summary.html", "VERIFY.txt", "public_key.pem", "SHA256SUMS"} <= set(
        names
    )
    # Unrelated events are withheld but their hashes keep the chain provable.
    assert any(e.get("withheld") for e in manifest["custody"])
    assert "crowd and armoured vehicle" in summary and "square.jpg" in summary
    original = next(i for i in manifest["items"] if i["sha256"] == shas[0])
    assert original["metadata"][0]["summary"]["gps"]["lat"] == pytest.approx(43.24, abs=0.01)


def test_every_changed_byte_is_caught(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    project, incident, _ = populated
    bundle = export(project, tmp_path / "bundle.zip", incident=incident).path
    data = bundle.read_bytes()
    rng = np.random.default_rng(11)
    with zipfile.ZipFile(bundle) as zf:
        member_starts = [i.header_offset for i in zf.infolist()]
    positions = sorted(
        {
            *rng.integers(0, len(data), 40).tolist(),
            *member_starts,
            *(p + 35 for p in member_starts),
            len(data) - 3,
        }
    )
    for position in positions:
        tampered = bytearray(data)
        tampered[position] ^= 0x20
        target = tmp_path / "tampered.zip"
        target.write_bytes(bytes(tampered))
        assert not verify_bundle(target).ok, f"byte {position} changed but bundle verified"


def test_changed_evidence_file_is_named(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    project, incident, shas = populated
    bundle = export(project, tmp_path / "bundle.zip", incident=incident).path
    with zipfile.ZipFile(bundle) as zf:
        info = next(i for i in zf.infolist() if i.filename.startswith(f"files/{shas[1]}"))
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data = bytearray(bundle.read_bytes())
    data[start + 2] ^= 0x01
    bundle.write_bytes(bytes(data))
    report = verify_bundle(bundle)
    assert info.filename in {p.subject for p in report.failures}


def test_resigned_bundle_fails_expected_key(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    project, incident, _ = populated
    bundle = export(project, tmp_path / "b.zip", incident=incident).path
    good = verify_bundle(bundle)
    assert verify_bundle(bundle, expect_key=good.key_id).ok
    assert not verify_bundle(bundle, expect_key="0" * 64).ok


def test_standard_tools_verify_the_bundle(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    if shutil.which("openssl") is None or shutil.which("sha256sum") is None:
        pytest.skip("openssl/sha256sum not installed")
    project, incident, _ = populated
    bundle = export(project, tmp_path / "b.zip", incident=incident).path
    out = tmp_path / "unzipped"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(out)

    def run(*args: str) -> None:
        subprocess.run(args, cwd=out, check=True, capture_output=True)

    run("sha256sum", "-c", "SHA256SUMS")
    run(
        "openssl",
        "pkeyutl",
        "-verify",
        "-pubin",
        "-inkey",
        "public_key.pem",
        "-rawin",
        "-in",
        "SHA256SUMS",
        "-sigfile",
        "SHA256SUMS.sig",
    )
    for msg in sorted((out / "custody").glob("*.msg")):
        run(
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            "public_key.pem",
            "-rawin",
            "-in",
            str(msg),
            "-sigfile",
            str(msg.with_suffix(".sig")),
        )
    manifest = json.loads((out / "manifest.json").read_text())
    for token in manifest["timestamps"]:
        run(
            "openssl",
            "ts",
            "-verify",
            "-in",
            token["file"],
            "-data",
            f"custody/{token['seq']:06d}.msg",
            "-CAfile",
            "tsa_roots.pem",
        )


def test_public_export_strips_location_and_honours_consent(
    populated: tuple[Project, int, list[str]], tmp_path: Path
) -> None:
    project, incident, shas = populated
    record_item_consent(project, shas[1], status="withdrawn", scope="publication", person="P-9")
    result = export(project, tmp_path / "public.zip", incident=incident, public=True)
    assert shas[1] not in result.items and shas[0] not in result.items
    assert {w["item"] for w in result.withheld} == {shas[1]}
    [copy] = result.items
    annotate(project, shas[0], kind="geolocation", body="43.2380, 76.9450")
    result = export(project, tmp_path / "public2.zip", incident=incident, public=True)
    with zipfile.ZipFile(result.path) as zf:
        everything = b"".join(zf.read(n) for n in zf.namelist() if not n.startswith("files/"))
    for secret in (
        b"Aigerim",
        b"Bolat",
        b"t.me/somebody",
        b"square.jpg",
        b"76.9450",
        str(tmp_path).encode(),
    ):
        assert secret not in everything, secret
    with zipfile.ZipFile(result.path) as zf:
        name = next(n for n in zf.namelist() if n.startswith(f"files/{copy}"))
        (tmp_path / "copy.jpg").write_bytes(zf.read(name))
    stripped = extract(tmp_path / "copy.jpg", "image/jpeg")
    assert stripped is not None and "gps" not in stripped.summary
    assert "gps" not in stripped.raw and stripped.summary["device"] == "TestCam Model 1"
    # EI-6: the archive keeps the original, the copy is a child of it.
    from qantar.evidence import show_item

    child = show_item(project, copy)
    assert child["parent_sha256"] == shas[0]
    assert child["transform"]["name"] == "strip-location"
    parent = show_item(project, shas[0])
    assert parent["metadata"][0]["summary"]["gps"]
    assert verify(project).ok
    assert verify_bundle(result.path).ok


def test_pdf_summary(populated: tuple[Project, int, list[str]], tmp_path: Path) -> None:
    project, incident, _ = populated
    bundle = export(project, tmp_path / "b.zip", incident=incident, pdf=True).path
    with zipfile.ZipFile(bundle) as zf:
        assert zf.read("summary.pdf").startswith(b"%PDF")
    assert verify_bundle(bundle).ok


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", ("Пакет доказательств", "Цепочка хранения", "Что на нём видно")),
     ("kk", ("Дәлелдер топтамасы", "Сақтау тізбегі", "Онда не көрінеді")),
     ("en", ("Evidence bundle", "Custody", "What it shows"))],
)  # fmt: skip
def test_bundle_summary_in_each_language(
    populated: tuple[Project, int, list[str]], tmp_path: Path, lang: str, words: tuple[str, ...]
) -> None:
    project, incident, _ = populated
    result = export(project, tmp_path / f"bundle-{lang}.zip", incident=incident, lang=lang)
    with zipfile.ZipFile(result.path) as zf:
        summary = zf.read("summary.html").decode()
    assert f'<html lang="{lang}">' in summary
    assert all(w in summary for w in words), lang
    # What was recorded stays as recorded, in whatever language it was written.
    assert "crowd and armoured vehicle" in summary
