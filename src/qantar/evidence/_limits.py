"""Bounded resources for hostile files (#16.7): ZIP sizes and picture sizes are checked
before anything is decompressed or decoded.

``zipfile`` never returns more bytes for a member than its declared size (and fails the
CRC otherwise), so checking the declared sizes bounds what reading can produce. Pictures
are measured from their header (Pillow reads no pixels to tell the size).

Settings, under ``[evidence]`` in qantar.toml::

    max_decompressed_mb = 8192   # all members of one ZIP together (WACZ, ProofMode, Tella)
    max_index_mb = 64            # one member read whole into memory (JSON, CSV, keys)
    max_pixels = 100_000_000     # one picture (a 200-megapixel phone photo needs more)
"""

from __future__ import annotations

import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

from qantar.errors import N_, InputError
from qantar.settings import DEFAULTS, EvidenceSettings

MB = 1 << 20
DEFAULT_MAX_DECOMPRESSED_MB = DEFAULTS.evidence.max_decompressed_mb
DEFAULT_MAX_INDEX_MB = DEFAULTS.evidence.max_index_mb
DEFAULT_MAX_PIXELS = DEFAULTS.evidence.max_pixels
DEFAULT_MAX_MEMBERS = DEFAULTS.evidence.max_zip_members


@dataclass(frozen=True)
class Limits:
    max_decompressed: int = DEFAULT_MAX_DECOMPRESSED_MB * MB
    max_index: int = DEFAULT_MAX_INDEX_MB * MB
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_members: int = DEFAULT_MAX_MEMBERS


class LimitExceeded(InputError):
    """A file larger, once decompressed or decoded, than the settings allow."""


def limits_from(section: EvidenceSettings) -> Limits:
    """The limits of a project's ``[evidence]`` settings (checked when it opened)."""
    return Limits(
        max_decompressed=section.max_decompressed_mb * MB,
        max_index=section.max_index_mb * MB,
        max_pixels=section.max_pixels,
        max_members=section.max_zip_members,
    )


def check_zip(archive: zipfile.ZipFile, limits: Limits, *, file: str) -> None:
    """Refuse a ZIP whose members would decompress to more than the limits allow."""
    infos = archive.infolist()
    if len(infos) > limits.max_members:
        raise LimitExceeded(
            N_(
                "holds %(n)s files, more than the limit of %(limit)s "
                "([evidence] max_zip_members in qantar.toml)"
            ),
            file=file,
            n=len(infos),
            limit=limits.max_members,
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_decompressed:
        raise LimitExceeded(
            N_(
                "would decompress to %(size)s MB, more than the limit of "
                "%(limit)s MB ([evidence] max_decompressed_mb in "
                "qantar.toml; raise it if the file is genuine)"
            ),
            file=file,
            size=total // MB,
            limit=limits.max_decompressed // MB,
        )


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits, *, file: str) -> bytes:
    """A member read whole into memory (an index, a proof, a key), within ``max_index``."""
    size = archive.getinfo(name).file_size
    if size > limits.max_index:
        raise LimitExceeded(
            N_(
                "member %(member)s would take %(size)s MB in memory, more than the limit of "
                "%(limit)s MB ([evidence] max_index_mb in qantar.toml)"
            ),
            file=file,
            member=name,
            size=size // MB,
            limit=limits.max_index // MB,
        )
    return archive.read(name)


def check_picture(path: Path, limits: Limits, *, file: str) -> None:
    """Refuse a picture with more pixels than ``max_pixels``, measured from its header."""
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            # Pillow warns above its own threshold; the limit below is the one that counts.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as img:
                pixels = int(img.width) * int(img.height)
    except Image.DecompressionBombError:
        pixels = None  # beyond even Pillow's own refusal
    except (UnidentifiedImageError, OSError, ValueError):
        return  # not a picture Pillow reads: nothing will decode it
    if pixels is None or pixels > limits.max_pixels:
        size = "too many" if pixels is None else f"{pixels // 1_000_000}"
        raise LimitExceeded(
            N_(
                "is a picture of %(size)s megapixels, more than the limit of "
                "%(limit)s ([evidence] max_pixels in qantar.toml; raise it "
                "if the picture is genuine)"
            ),
            file=file,
            size=size,
            limit=limits.max_pixels // 1_000_000,
        )


def preflight(path: Path, media_type: str, limits: Limits, *, file: str) -> None:
    """Every check that must pass before a file is decompressed or decoded."""
    if media_type.startswith("image/"):
        check_picture(path, limits, file=file)
    elif media_type == "application/zip":
        try:
            with zipfile.ZipFile(path) as archive:
                check_zip(archive, limits, file=file)
        except (zipfile.BadZipFile, OSError):
            return  # not readable as a ZIP: recorded as such by the proof check
