"""Metadata captured verbatim and flagged, never trusted (EI-5); claims stay apart (EI-14, 17)."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from PIL import Image
from pypdf import PdfWriter

from qantar import Project
from qantar.evidence import add, annotate, show_item, similar, verify
from qantar.evidence._objects import object_path


def photo(path: Path, *, taken: str, gps: bool = True) -> Path:
    pixels = (np.random.default_rng(2).random((90, 120, 3)) * 255).astype("uint8")
    exif = Image.Exif()
    exif[0x010F] = "Canon"
    exif[0x0110] = "EOS 80D"
    exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    if gps:
        exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 54.0, 36.0)}
    Image.fromarray(pixels).save(path, exif=exif)
    return path


def test_exif_capture_time_device_and_gps(project: Project, tmp_path: Path) -> None:
    [r] = add(
        project,
        [photo(tmp_path / "p.jpg", taken="2022:01:05 14:30:00")],
        collected_at="2022-01-06T10:00:00+06:00",
    )
    assert r.flags == []
    md = show_item(project, r.sha256)["metadata"][0]
    assert md["tool"] == "pillow" and md["tool_version"]
    assert md["summary"]["capture_time"] == "2022:01:05 14:30:00"
    assert md["summary"]["device"] == "Canon EOS 80D"
    assert md["summary"]["gps"] == {"lat": 43.25, "lon": 76.91}
    assert md["raw"]["exif"]["Make"] == "Canon"


def test_capture_after_collection_or_in_future_is_flagged(project: Project, tmp_path: Path) -> None:
    future = (dt.datetime.now() + dt.timedelta(days=30)).strftime("%Y:%m:%d %H:%M:%S")
    [r] = add(
        project,
        [photo(tmp_path / "f.jpg", taken=future)],
        collected_at="2022-01-06T10:00:00Z",
    )
    assert any("after the collection time" in f for f in r.flags)
    assert any("after the time it was added" in f for f in r.flags)


def test_pdf_author_and_dates(project: Project, tmp_path: Path) -> None:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata(
        {"/Author": "Prosecutor's office", "/CreationDate": "D:20220107120000+06'00'"}
    )
    path = tmp_path / "order.bin"  # extension says nothing; content decides
    with open(path, "wb") as handle:
        writer.write(handle)
    [r] = add(project, [path])
    assert r.media_type == "application/pdf"
    summary = show_item(project, r.sha256)["metadata"][0]["summary"]
    assert summary["author"] == "Prosecutor's office"
    assert summary["capture_time"] == "2022-01-07T12:00:00+06:00"


def clip(path: Path, seed: int, frames: int = 24) -> Path:
    rng = np.random.default_rng(seed)
    base = (rng.random((60, 80, 3)) * 255).astype("uint8")
    big = np.asarray(Image.fromarray(base).resize((320, 240), Image.BICUBIC))
    with av.open(str(path), "w", format="mp4") as container:
        container.metadata["creation_time"] = "2022-01-05T09:00:00.000000Z"
        stream = container.add_stream("mpeg4", rate=12)
        stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
        stream.codec_context.gop_size = 6
        stream.codec_context.time_base = Fraction(1, 12)
        for i in range(frames):
            frame = av.VideoFrame.from_ndarray(np.roll(big, i * 2, axis=1), format="rgb24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


def test_video_container_metadata_and_key_frame_duplicates(
    project: Project, tmp_path: Path
) -> None:
    a = clip(tmp_path / "a.mp4", seed=4)
    b = tmp_path / "b.mp4"
    with av.open(str(a)) as src, av.open(str(b), "w", format="mp4") as dst:
        # Same pictures, re-encoded at a lower bitrate: a re-upload.
        out = dst.add_stream("mpeg4", rate=12)
        out.width, out.height, out.pix_fmt = 320, 240, "yuv420p"
        out.bit_rate = 150_000
        for frame in src.decode(video=0):
            for packet in out.encode(frame.reformat(format="yuv420p")):
                dst.mux(packet)
        for packet in out.encode():
            dst.mux(packet)
    c = clip(tmp_path / "c.mp4", seed=99)
    ra, rb, rc = add(project, [a, b, c])
    assert ra.media_type == "video/mp4"
    summary = show_item(project, ra.sha256)["metadata"][0]["summary"]
    assert summary["duration_seconds"] > 1.5
    assert "video:mpeg4" in summary["codecs"]
    assert summary["capture_time"].startswith("2022-01-05T09:00")
    found = {s.sha256 for s in similar(project, ra.sha256)}
    assert rb.sha256 in found and rc.sha256 not in found


def test_claims_never_touch_the_object(project: Project, tmp_path: Path) -> None:
    [r] = add(project, [photo(tmp_path / "p.jpg", taken="2022:01:05 14:30:00", gps=False)])
    path = object_path(project.evidence_dir / "objects", r.sha256)
    before = path.read_bytes()
    before_item = {k: v for k, v in show_item(project, r.sha256).items() if k != "custody"}
    annotate(
        project,
        r.sha256,
        kind="geolocation",
        body={"lat": 43.238, "lon": 76.945, "method": "skyline match"},
        author="analyst-1",
        confidence=0.7,
    )
    after = show_item(project, r.sha256)
    assert path.read_bytes() == before
    assert after["metadata"] == before_item["metadata"]
    assert "gps" not in after["metadata"][0]["summary"]
    [claim] = after["claims"]
    assert claim["kind"] == "geolocation" and claim["author"] == "analyst-1"
    assert claim["confidence"] == 0.7
    assert verify(project).ok


def test_video_location_stripped_in_derivative(project: Project, tmp_path: Path) -> None:
    from qantar.evidence import strip_location

    source = tmp_path / "loc.mp4"
    with av.open(str(source), "w", format="mp4") as container:
        container.metadata["location"] = "+43.2380+076.9450/"
        stream = container.add_stream("mpeg4", rate=12)
        stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
        for _ in range(12):
            pixels = (np.random.default_rng(1).random((48, 64, 3)) * 255).astype("uint8")
            for packet in stream.encode(av.VideoFrame.from_ndarray(pixels, format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    [r] = add(project, [source])
    assert "location" in show_item(project, r.sha256)["metadata"][0]["raw"]["metadata"]
    child = strip_location(project, r.sha256)
    shown = show_item(project, child)
    assert shown["parent_sha256"] == r.sha256
    assert "location" not in shown["metadata"][0]["raw"]["metadata"]
    assert "location" in shown["transform"]["removed"]
    assert strip_location(project, r.sha256) == child  # made once, then reused
    assert verify(project).ok
