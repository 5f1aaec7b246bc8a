"""A canonical ZIP: stored (no compression), fixed times and modes, streamed.

Written through a non-seekable sink, the bytes depend only on the member names and
contents, so a verifier can rebuild the container and compare it byte for byte: a change
to any byte of the bundle, in a member or in the ZIP structure, is caught.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, BinaryIO

FIXED_TIME = (1980, 1, 1, 0, 0, 0)
CHUNK = 1 << 20


class _Sink:
    """Write-only and non-seekable on purpose (zipfile then uses data descriptors)."""

    def __init__(self, target: BinaryIO | None = None, compare: BinaryIO | None = None) -> None:
        self.target = target
        self.compare = compare
        self.position = 0
        self.first_difference: int | None = None

    def write(self, data: bytes | bytearray | memoryview) -> int:
        raw = bytes(data)
        if self.target is not None:
            self.target.write(raw)
        if self.compare is not None and self.first_difference is None:
            other = self.compare.read(len(raw))
            if other != raw:
                offset = next(
                    (i for i, (a, b) in enumerate(zip(raw, other, strict=False)) if a != b),
                    min(len(raw), len(other)),
                )
                self.first_difference = self.position + offset
        self.position += len(raw)
        return len(raw)

    def tell(self) -> int:
        return self.position

    def seek(self, *_args: object) -> int:
        raise OSError("not seekable")

    def flush(self) -> None:
        if self.target is not None:
            self.target.flush()


def member_info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_STORED
    info.create_system = 3
    info.external_attr = (0o100444 & 0xFFFF) << 16
    info.file_size = size
    return info


@contextmanager
def canonical_writer(sink: _Sink) -> Iterator[zipfile.ZipFile]:
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:  # type: ignore[call-overload]
        yield zf


def write_member(zf: zipfile.ZipFile, name: str, chunks: Iterable[bytes], size: int) -> None:
    with zf.open(member_info(name, size), "w", force_zip64=size > 0x7FFFFFFF) as out:
        for chunk in chunks:
            out.write(chunk)


def read_chunks(handle: IO[bytes]) -> Iterator[bytes]:
    while chunk := handle.read(CHUNK):
        yield chunk


def first_difference_from_canonical(path: str) -> int | None:
    """Rebuild ``path`` canonically from its own members; the first differing offset or None."""
    with open(path, "rb") as original, zipfile.ZipFile(path) as source:
        sink = _Sink(compare=original)
        with canonical_writer(sink) as zf:
            for info in source.infolist():
                with source.open(info) as member:
                    write_member(zf, info.filename, read_chunks(member), info.file_size)
        rest = original.read(1)
        if sink.first_difference is not None:
            return sink.first_difference
        if rest:
            return sink.position
    return None
