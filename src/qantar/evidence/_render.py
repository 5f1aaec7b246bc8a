"""Open-format renditions (EI-15): a copy anyone can open, beside the untouched original.

A rendition is a derivative object (EI-6) linked to its parent, made once and reused:
- TIFF, WebP, BMP images: one PNG of the (first) picture;
- videos: PNG frames at evenly spaced times (what a court can print and point at);
- JPEG, PNG, GIF, plain text and PDF are open formats already: no copy is made;
- anything else (audio, archives, HEIC without a decoder): none, and the summary says why.
PNGs are written from decoded pixels only, so they carry no EXIF or container metadata.
PDF/A conversion is not done: no well-kept Python converter is installed here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import select

from qantar.evidence._archive import objects_dir, objects_key, tool_version, work_dir
from qantar.evidence._derive import record_derivative
from qantar.evidence._limits import check_picture, limits_from
from qantar.evidence._objects import new_temp_file, object_path, plain_copy, store_file
from qantar.evidence._tables import evidence_items
from qantar.project import Project

RENDITION = "rendition"
FRAMES = 5
OPEN_FORMATS = {
    "image/jpeg": "JPEG (ISO/IEC 10918)",
    "image/png": "PNG (ISO/IEC 15948)",
    "image/gif": "GIF",
    "text/plain": "plain text",
    "application/pdf": "PDF (ISO 32000; not converted to PDF/A)",
}
_IMAGES = ("image/tiff", "image/webp", "image/bmp")
_VIDEOS = (
    "video/mp4",
    "video/quicktime",
    "video/webm",
    "video/x-matroska",
    "video/x-msvideo",
    "video/3gpp",
)


def plan(media_type: str) -> dict[str, str]:
    """What the export will do for this type: ``open``, ``png``, ``frames`` or ``none``."""
    if media_type in OPEN_FORMATS:
        return {"status": "open", "note": f"original is {OPEN_FORMATS[media_type]}"}
    if media_type in _IMAGES:
        return {"status": "png", "note": "PNG of the picture"}
    if media_type in _VIDEOS:
        return {"status": "frames", "note": f"up to {FRAMES} PNG frames at even intervals"}
    return {"status": "none", "note": f"no safe open-format rendition for {media_type} yet"}


def renditions(project: Project, sha: str, *, actor: str | None = None) -> list[str]:
    """The renditions of an item (made on first call); [] when none is needed or possible."""
    with project.engine.connect() as conn:
        parent = dict(
            conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha))
            .mappings()
            .one()
        )
        existing = [
            r[0]
            for r in conn.execute(
                select(evidence_items.c.sha256)
                .where(
                    evidence_items.c.parent_sha256 == sha,
                    evidence_items.c.transform["name"].as_string() == RENDITION,
                )
                .order_by(evidence_items.c.added_at, evidence_items.c.original_name)
            )
        ]
    status = plan(parent["media_type"])["status"]
    if existing or status in ("open", "none"):
        return existing
    stem = Path(parent["original_name"]).stem
    made: list[str] = []
    try:
        with plain_copy(object_path(objects_dir(project), sha), objects_key(project)) as source:
            if status == "png":
                check_picture(source, limits_from(project.settings.evidence), file=sha[:12])
            pictures = _image(source) if status == "png" else _frames(source)
            for label, write, extra in pictures:
                transform = {"name": RENDITION, "format": "png", **extra, "by": tool_version()}
                made.append(
                    _store(project, sha, write, transform, f"{stem}.{label}.png", actor=actor)
                )
    except Exception as exc:  # hostile or broken media: the caller reports it, export goes on
        raise RenditionError(f"cannot render {parent['media_type']}: {exc}") from exc
    return made


class RenditionError(Exception):
    pass


_Picture = tuple[str, Callable[[Path], None], dict[str, Any]]


def _image(source: Path) -> list[_Picture]:
    from PIL import Image

    def write(out: Path) -> None:
        with Image.open(source) as img:
            img.load()
            keep = (
                img if img.mode in ("1", "L", "LA", "RGB", "RGBA", "I;16") else img.convert("RGBA")
            )
            keep.save(out, format="PNG")

    return [("rendition", write, {"tool": f"pillow {version('pillow')}"})]


def _frames(source: Path) -> list[_Picture]:
    """Decode the frame at (i + 0.5) / FRAMES of the duration for each i."""
    import av

    with av.open(str(source)) as container:
        if not container.streams.video:
            return []
        stream = container.streams.video[0]
        base = stream.time_base
        if stream.duration is not None and base is not None:
            duration = float(stream.duration * base)
        else:
            duration = (container.duration or 0) / 1_000_000
        times = [duration * (i + 0.5) / FRAMES for i in range(FRAMES)] if duration > 0 else [0.0]
        images = []
        for wanted in times:
            picture = None
            if base is not None:
                container.seek(int(wanted / base), stream=stream, backward=True, any_frame=False)
            for frame in container.decode(stream):
                picture = frame
                if frame.time is None or frame.time >= wanted - 1e-6:
                    break
            if picture is not None:
                images.append((float(picture.time or 0.0), picture.to_image()))
    tool = f"av {version('av')}; pillow {version('pillow')}"
    pictures: list[_Picture] = []
    seen: set[float] = set()
    for at, image in images:
        if at in seen:  # a short clip can land twice on one frame
            continue
        seen.add(at)

        def write(out: Path, image: Any = image) -> None:
            image.save(out, format="PNG")

        pictures.append((f"frame-{at:09.3f}s", write, {"tool": tool, "frame_time": round(at, 3)}))
    return pictures


def _store(
    project: Project,
    parent: str,
    write: Callable[[Path], None],
    transform: dict[str, Any],
    name: str,
    *,
    actor: str | None,
) -> str:
    store = objects_dir(project)
    tmp = new_temp_file(work_dir(project), "render")
    try:
        write(tmp)
        stored = store_file(tmp, store, key=objects_key(project))
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    return record_derivative(
        project,
        parent,
        stored,
        transform,
        original_name=name,
        reason="open-format rendition made from its parent",
        actor=actor,
    )
