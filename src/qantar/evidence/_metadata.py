"""Metadata read from the file, kept verbatim with the tool that read it (EI-5).

It is captured, not trusted: a capture time later than the collection time, or in the
future, is flagged, and nothing read here is written into the object.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from qantar.evidence._common import UNKNOWN


@dataclass
class Extracted:
    tool: str
    tool_version: str
    raw: dict[str, Any]
    summary: dict[str, Any]
    flags: list[str] = field(default_factory=list)


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return UNKNOWN


def _text(value: Any) -> Any:
    """JSON-safe, verbatim as far as JSON allows (bytes as hex)."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, tuple | list):
        return [_text(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _text(v) for k, v in value.items()}
    if isinstance(value, int | float | str | bool) or value is None:
        if isinstance(value, float) and value != value:  # NaN
            return None
        return value
    return str(value)


def extract(path: Path, media_type: str) -> Extracted | None:
    """Metadata for images, videos and PDFs; None for other types."""
    try:
        if media_type.startswith("image/"):
            return _image(path)
        if media_type.startswith(("video/", "audio/")):
            return _video(path)
        if media_type == "application/pdf":
            return _pdf(path)
    except Exception as exc:  # a damaged file is still evidence; say what failed
        tool = {"image": "pillow", "application": "pypdf"}.get(media_type.split("/")[0], "av")
        return Extracted(
            tool, _version(tool), {}, {}, [f"metadata unreadable: {type(exc).__name__}: {exc}"]
        )
    return None


_GPS_IFD = 0x8825
_EXIF_IFD = 0x8769


def _image(path: Path) -> Extracted:
    from PIL import ExifTags, Image

    with Image.open(path) as img:
        exif = img.getexif()
        raw: dict[str, Any] = {"format": img.format, "width": img.width, "height": img.height}
        tags: dict[str, Any] = {}
        for tag, value in exif.items():
            tags[ExifTags.TAGS.get(tag, hex(tag))] = _text(value)
        sub = exif.get_ifd(_EXIF_IFD)
        for tag, value in sub.items():
            tags[ExifTags.TAGS.get(tag, hex(tag))] = _text(value)
        gps_ifd = exif.get_ifd(_GPS_IFD)
        gps = {ExifTags.GPSTAGS.get(t, hex(t)): _text(v) for t, v in gps_ifd.items()}
        tags.pop("GPSInfo", None)
        tags.pop("ExifOffset", None)
        raw["exif"] = tags
        if gps:
            raw["gps"] = gps
    summary: dict[str, Any] = {}
    capture = tags.get("DateTimeOriginal") or tags.get("DateTime")
    if capture:
        summary["capture_time"] = str(capture)
        offset = tags.get("OffsetTimeOriginal")
        if offset:
            summary["capture_time_offset"] = str(offset)
    device = " ".join(str(tags[k]).strip() for k in ("Make", "Model") if tags.get(k))
    if device:
        summary["device"] = device
    if tags.get("BodySerialNumber"):
        summary["device_serial"] = str(tags["BodySerialNumber"])
    location = _gps_decimal(gps_ifd)
    if location:
        summary["gps"] = location
    return Extracted("pillow", _version("pillow"), raw, summary)


def _gps_decimal(gps: Any) -> dict[str, float] | None:
    try:
        lat, lat_ref = gps[2], gps.get(1, "N")
        lon, lon_ref = gps[4], gps.get(3, "E")
    except (KeyError, TypeError):
        return None

    def dms(value: Any) -> float:
        d, m, s = (float(x) for x in value)
        return d + m / 60 + s / 3600

    latitude = dms(lat) * (-1 if str(lat_ref).upper().startswith("S") else 1)
    longitude = dms(lon) * (-1 if str(lon_ref).upper().startswith("W") else 1)
    return {"lat": round(latitude, 7), "lon": round(longitude, 7)}


def _video(path: Path) -> Extracted:
    import av

    with av.open(str(path)) as container:
        raw: dict[str, Any] = {
            "format": container.format.name,
            "metadata": _text(dict(container.metadata)),
            "streams": [],
        }
        duration = container.duration / 1_000_000 if container.duration else None
        codecs = []
        for stream in container.streams:
            entry = {
                "index": stream.index,
                "type": stream.type,
                "codec": stream.codec_context.name if stream.codec_context else None,
                "metadata": _text(dict(stream.metadata)),
            }
            if stream.type == "video":
                entry["width"] = getattr(stream.codec_context, "width", None)
                entry["height"] = getattr(stream.codec_context, "height", None)
            raw["streams"].append(entry)
            if entry["codec"]:
                codecs.append(f"{stream.type}:{entry['codec']}")
    summary: dict[str, Any] = {"codecs": codecs}
    if duration is not None:
        summary["duration_seconds"] = round(duration, 3)
    creation = raw["metadata"].get("creation_time")
    if creation:
        summary["capture_time"] = str(creation)
    return Extracted("av", _version("av"), raw, summary)


def _pdf(path: Path) -> Extracted:
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    info: Any = reader.metadata or {}
    raw = {"info": {str(k): _text(str(v)) for k, v in info.items()}, "pages": len(reader.pages)}
    summary: dict[str, Any] = {"pages": len(reader.pages)}
    for key, name in (("/Author", "author"), ("/Producer", "producer"), ("/Creator", "creator")):
        if info.get(key):
            summary[name] = str(info[key])
    for key, name in (("/CreationDate", "capture_time"), ("/ModDate", "modified_time")):
        if info.get(key):
            summary[name] = _pdf_date(str(info[key]))
    return Extracted("pypdf", _version("pypdf"), raw, summary)


def _pdf_date(text: str) -> str:
    """PDF dates (D:YYYYMMDDHHmmSS+hh'mm') as ISO where they parse; else verbatim."""
    body = text[2:] if text.startswith("D:") else text
    try:
        base = dt.datetime.strptime(body[:14], "%Y%m%d%H%M%S")
    except ValueError:
        return text
    rest = body[14:].replace("'", "")
    if rest[:1] in ("+", "-") and len(rest) >= 5:
        sign = 1 if rest[0] == "+" else -1
        tz = dt.timezone(sign * dt.timedelta(hours=int(rest[1:3]), minutes=int(rest[3:5])))
        return base.replace(tzinfo=tz).isoformat()
    if rest[:1] == "Z":
        return base.replace(tzinfo=dt.UTC).isoformat()
    return base.isoformat()


def _parse_time(text: str) -> dt.datetime | None:
    """A metadata time for comparison; EXIF's 2022:01:05 14:30:00 and ISO both parse."""
    candidate = text.strip()
    if len(candidate) >= 19 and candidate[4] == ":" and candidate[7] == ":":
        candidate = candidate[:4] + "-" + candidate[5:7] + "-" + candidate[8:]
    try:
        parsed = dt.datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = dt.datetime.fromisoformat(candidate[:10])
        except ValueError:
            return None
    return parsed


def flag_inconsistencies(extracted: Extracted, collected_at: str, added_at: str) -> None:
    """Flag metadata that contradicts the collection record or the clock (EI-5).

    EXIF times carry no zone, so they are compared with a day's slack either way.
    """
    capture = extracted.summary.get("capture_time")
    if not capture:
        return
    when = _parse_time(str(capture))
    if when is None:
        extracted.flags.append(f"capture time {capture!r} does not parse")
        return
    slack = dt.timedelta(days=1) if when.tzinfo is None else dt.timedelta(0)
    naive = when.replace(tzinfo=None) if when.tzinfo is None else None

    def later_than(reference: str, label: str) -> None:
        ref = _parse_time(reference)
        if ref is None:
            return
        if naive is not None:
            ref_naive = ref.astimezone(dt.UTC).replace(tzinfo=None) if ref.tzinfo else ref
            if naive - slack > ref_naive:
                extracted.flags.append(f"capture time {capture} is after the {label} {reference}")
        else:
            ref_aware = ref if ref.tzinfo else ref.replace(tzinfo=dt.UTC)
            if when > ref_aware:
                extracted.flags.append(f"capture time {capture} is after the {label} {reference}")

    if collected_at != UNKNOWN:
        later_than(collected_at, "collection time")
    later_than(added_at, "time it was added")
