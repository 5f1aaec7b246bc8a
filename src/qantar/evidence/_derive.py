"""Working copies (EI-6): new objects linked to their parent, never replacing it.

``strip_location`` makes the copy that may leave the archive: EXIF GPS, device serials and
maker notes removed (SP-7). The original keeps everything.
"""

from __future__ import annotations

import contextlib
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from qantar.errors import N_, QantarError
from qantar.evidence._archive import _index, objects_dir, objects_key, tool_version, work_dir
from qantar.evidence._common import UNKNOWN, now_utc, resolve_item
from qantar.evidence._custody import custody
from qantar.evidence._limits import check_picture, limits_from
from qantar.evidence._mediatype import sniff
from qantar.evidence._objects import Stored, new_temp_file, object_path, plain_copy, store_file
from qantar.evidence._tables import evidence_collections, evidence_items
from qantar.model import CustodyAction
from qantar.project import Project

STRIP = "strip-location"
_STRIPPABLE = ("image/jpeg", "image/png", "image/tiff", "image/webp")
# Video: remuxed (no re-encoding) without container or stream metadata (location, times).
_VIDEO_FORMATS = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "matroska",
}
# EXIF tags that identify where or with which device: GPS IFD, serials, maker notes.
_REMOVE_TAGS = (0x8825, 0xA431, 0xA435, 0x927C, 0xC62F)


def can_strip(media_type: str) -> bool:
    return media_type in _STRIPPABLE or media_type in _VIDEO_FORMATS


def _stripped_video(source: Path, media_type: str, out: Path) -> list[str]:
    import av

    removed: set[str] = set()
    with (
        av.open(str(source)) as inp,
        av.open(str(out), "w", format=_VIDEO_FORMATS[media_type]) as dst,
    ):
        removed.update(inp.metadata)
        mapping = {}
        for stream in inp.streams:
            if stream.type in ("video", "audio"):
                removed.update(f"stream:{k}" for k in stream.metadata)
                mapping[stream.index] = dst.add_stream_from_template(stream)
                mapping[stream.index].metadata.clear()
        for packet in inp.demux():
            if packet.stream.index in mapping and packet.dts is not None:
                packet.stream = mapping[packet.stream.index]
                dst.mux(packet)
    return sorted(removed)


def _stripped_copy(source: Path, media_type: str, out: Path) -> list[str]:
    from PIL import ExifTags, Image

    removed: list[str] = []
    with Image.open(source) as img:
        exif = img.getexif()
        for tag in _REMOVE_TAGS:
            if tag in exif:
                removed.append(ExifTags.TAGS.get(tag, hex(tag)))
                del exif[tag]
        sub = exif.get_ifd(0x8769)
        for tag in _REMOVE_TAGS:
            if tag in sub:
                removed.append(ExifTags.TAGS.get(tag, hex(tag)))
                del sub[tag]
        fmt = {"image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}.get(
            media_type, "WEBP"
        )
        options: dict[str, object] = {"exif": exif.tobytes()}
        if fmt == "JPEG":
            options["quality"] = "keep"
        img.save(out, format=fmt, **options)
    return removed


def strip_location(project: Project, item: str, *, actor: str | None = None) -> str:
    """The location-free copy of an image item (made once, then reused); returns its SHA-256."""
    with project.engine.connect() as conn:
        sha = resolve_item(conn, item)
        row = conn.execute(select(evidence_items).where(evidence_items.c.sha256 == sha)).mappings()
        parent = dict(row.one())
        existing = conn.execute(
            select(evidence_items.c.sha256).where(
                evidence_items.c.parent_sha256 == sha,
                evidence_items.c.transform["name"].as_string() == STRIP,
            )
        ).first()
    if existing:
        return str(existing[0])
    if not can_strip(parent["media_type"]):
        raise QantarError(
            N_(
                "cannot strip location data from %(media_type)s items yet "
                "(%(item)s); leave it out of public exports"
            ),
            media_type=parent["media_type"],
            item=sha[:12],
        )
    store = objects_dir(project)
    key = objects_key(project)
    tmp = new_temp_file(work_dir(project), "derive")
    try:
        strip = _stripped_video if parent["media_type"] in _VIDEO_FORMATS else _stripped_copy
        with plain_copy(object_path(store, sha), key) as original:
            if parent["media_type"] not in _VIDEO_FORMATS:
                check_picture(original, limits_from(project.settings.evidence), file=sha[:12])
            removed = strip(original, parent["media_type"], tmp)
        stored = store_file(tmp, store, key=key)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    if stored.sha256 == sha:
        return sha
    transform = {
        "name": STRIP,
        "tool": f"av {version('av')}"
        if parent["media_type"] in _VIDEO_FORMATS
        else f"pillow {version('pillow')}",
        "by": tool_version(),
        "removed": removed,
    }
    name = Path(parent["original_name"])
    return record_derivative(
        project,
        sha,
        stored,
        transform,
        original_name=f"{name.stem}.public{name.suffix}",
        reason="derivative without location data made from its parent",
        actor=actor,
    )


def record_derivative(
    project: Project,
    parent: str,
    stored: Stored,
    transform: dict[str, Any],
    *,
    original_name: str,
    reason: str,
    actor: str | None,
) -> str:
    """Enter a stored derivative object as an item linked to its parent (once), with an
    ``added`` custody event naming both; returns its SHA-256."""
    media_type = sniff(stored.head)
    with custody(project, actor) as log:
        conn = log.conn
        if (
            conn.execute(
                select(evidence_items.c.sha256).where(evidence_items.c.sha256 == stored.sha256)
            ).first()
            is None
        ):
            now = now_utc()
            conn.execute(
                insert(evidence_items).values(
                    sha256=stored.sha256,
                    sha512=stored.sha512,
                    size=stored.size,
                    media_type=media_type,
                    original_name=original_name,
                    added_at=now,
                    parent_sha256=parent,
                    transform=transform,
                )
            )
            record = {k: UNKNOWN for k in ("collected_by", "source_url", "place", "from_whom")}
            _index(conn, stored.path, stored.sha256, media_type, {"collected_at": UNKNOWN}, now)
            conn.execute(
                insert(evidence_collections).values(
                    item_sha256=stored.sha256,
                    collected_at=UNKNOWN,
                    collected_at_source=UNKNOWN,
                    how=f"{tool_version()} {transform['name']} of {parent}",
                    original_name=f"derived from {parent}",
                    recorded_at=now,
                    custody_seq=log.next_seq(),
                    **record,
                )
            )
            log.append(
                CustodyAction.ADDED,
                [parent, stored.sha256],
                reason,
                {"parent": parent, "transform": transform},
                seal=[stored.sha256],
            )
    return stored.sha256
