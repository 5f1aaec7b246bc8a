"""EI-15: a bundle keeps the originals, adds open-format renditions where safe, and its
summary lists each item with its rendition and a description of what it shows, by whom."""

from __future__ import annotations

import io
import json
import re
import zipfile
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image

from qantar import Project
from qantar.evidence import add, annotate, export, show_item, verify, verify_bundle
from qantar.evidence._archive import objects_dir
from qantar.evidence._objects import object_path


def texture(seed: int, shape: tuple[int, int] = (90, 120)) -> np.ndarray:
    return (np.random.default_rng(seed).random((*shape, 3)) * 255).astype("uint8")


def clip(path: Path, frames: int = 24) -> Path:
    base = texture(5, (60, 80))
    big = np.asarray(Image.fromarray(base).resize((160, 120), Image.BICUBIC))
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("mpeg4", rate=12)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.codec_context.gop_size = 6
        stream.codec_context.time_base = Fraction(1, 12)
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.roll(big, i * 4, axis=1), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def items(project: Project, tmp_path: Path) -> dict[str, str]:
    Image.fromarray(texture(1)).save(tmp_path / "square.jpg", quality=90)
    Image.fromarray(texture(2)).save(tmp_path / "scan.tif")
    clip(tmp_path / "street.mp4")
    (tmp_path / "call.bin").write_bytes(b"\x00\x01binary recording" * 20)
    names = ["square.jpg", "scan.tif", "street.mp4", "call.bin"]
    results = add(project, [tmp_path / n for n in names], collected_by="Team A")
    shas = {n: r.sha256 for n, r in zip(names, results, strict=True)}
    for name, sha in shas.items():
        annotate(project, sha, kind="description", body=f"what {name} shows", author="Analyst Dana")
    return shas


def item_tables(summary: str) -> list[str]:
    return re.findall(r"<table>\s*<tr><th colspan=\"2\">.*?</table>", summary, re.S)


def test_summary_lists_each_item_with_rendition_and_description(
    project: Project, tmp_path: Path
) -> None:
    shas = items(project, tmp_path)
    bundle = export(project, tmp_path / "bundle.zip").path
    report = verify_bundle(bundle)
    assert report.ok, report.failures
    with zipfile.ZipFile(bundle) as zf:
        summary = zf.read("summary.html").decode()
        manifest = json.loads(zf.read("manifest.json"))
        names = set(zf.namelist())
    tables = item_tables(summary)
    assert len(tables) == 4
    for table in tables:
        assert "Open-format rendition" in table
        assert "What it shows" in table and "assessed by Analyst Dana" in table
    by_sha = {i["sha256"]: i for i in manifest["items"]}
    # Originals kept in their own format, unaltered.
    for sha in shas.values():
        assert by_sha[sha]["file"] in names
    jpeg, tiff, video, other = (by_sha[shas[n]]["rendition"] for n in shas)
    assert jpeg["status"] == "open" and jpeg["files"] == []
    assert "not needed: original is JPEG" in summary
    assert other["status"] == "none" and "no safe open-format rendition" in other["note"]
    [png] = tiff["files"]
    assert png["media_type"] == "image/png" and png["file"] in names
    assert report.objects_checked == 4 + 1 + len(video["files"])
    with zipfile.ZipFile(bundle) as zf:
        rendered = np.asarray(Image.open(io.BytesIO(zf.read(png["file"]))))
    assert np.array_equal(rendered, texture(2))  # lossless: the same pixels as the TIFF
    times = [f["transform"]["frame_time"] for f in video["files"]]
    assert len(times) == 5 and times == sorted(times) and 0 < times[0] < times[-1] < 2.0
    assert len({f["sha256"] for f in video["files"]}) == 5
    assert "frame at" in summary


def test_renditions_are_derivatives_made_once(project: Project, tmp_path: Path) -> None:
    shas = items(project, tmp_path)
    original = (tmp_path / "street.mp4").read_bytes()
    first = export(project, tmp_path / "one.zip")
    video = show_item(project, shas["street.mp4"])
    assert len(video["derivatives"]) == 5
    assert object_path(objects_dir(project), shas["street.mp4"]).read_bytes() == original
    for child in video["derivatives"]:
        shown = show_item(project, child)
        assert shown["parent_sha256"] == shas["street.mp4"]
        assert shown["media_type"] == "image/png"
    export(project, tmp_path / "two.zip")
    assert show_item(project, shas["street.mp4"])["derivatives"] == video["derivatives"]
    assert verify(project).ok
    assert first.items == list(shas.values())


def test_export_without_renditions(project: Project, tmp_path: Path) -> None:
    shas = items(project, tmp_path)
    bundle = export(project, tmp_path / "bundle.zip", with_renditions=False).path
    with zipfile.ZipFile(bundle) as zf:
        manifest = json.loads(zf.read("manifest.json"))
    assert all("rendition" not in i for i in manifest["items"])
    assert show_item(project, shas["scan.tif"])["derivatives"] == []


def test_public_bundle_renditions_carry_no_metadata(project: Project, tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x010F] = "TestCam"
    exif[0x8825] = {1: "N", 2: (43.0, 14.0, 24.0), 3: "E", 4: (76.0, 56.0, 42.0)}
    Image.fromarray(texture(7)).save(tmp_path / "gps.webp", exif=exif.tobytes(), lossless=True)
    [r] = add(project, [tmp_path / "gps.webp"])
    assert r.media_type == "image/webp"
    bundle = export(project, tmp_path / "public.zip", public=True).path
    assert verify_bundle(bundle).ok
    with zipfile.ZipFile(bundle) as zf:
        [item] = json.loads(zf.read("manifest.json"))["items"]
        [png] = item["rendition"]["files"]
        data = zf.read(png["file"])
        # The location-free copy keeps its camera make; the rendition keeps no metadata at all.
        assert b"TestCam" in zf.read(item["file"])
    with Image.open(io.BytesIO(data)) as img:
        assert len(img.getexif()) == 0 and "exif" not in img.info
    assert b"TestCam" not in data
