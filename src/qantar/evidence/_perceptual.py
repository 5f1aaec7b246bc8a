"""Perceptual hashes for near duplicates: pHash and PDQ for images, PDQ of video key frames.

PDQ alone misses small crops, so each image also gets PDQ hashes of a few centre crops;
pHash tolerates crops better. Groups are suggestions with distances, never merges (EI-12).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PHASH_MAX = 12  # of 64 bits
PDQ_MAX = 31  # of 256 bits, ThreatExchange's usual threshold
PDQ_MIN_QUALITY = 50  # below this PDQ says its hash is not meaningful
CENTRE_CROPS = (0.95, 0.9, 0.85)
MAX_KEY_FRAMES = 12


@dataclass(frozen=True)
class PHash:
    algo: str  # "phash" or "pdq"
    variant: str  # "full", "crop0.90", "frame12.5"
    hash: str  # hex
    quality: int | None


def _bits_to_hex(bits: np.ndarray) -> str:
    packed = np.packbits(np.asarray(bits, dtype=np.uint8).ravel())
    return packed.tobytes().hex()


def hamming(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _pdq(rgb: np.ndarray) -> tuple[str, int]:
    import pdqhash

    vector, quality = pdqhash.compute(np.ascontiguousarray(rgb))
    return _bits_to_hex(vector), int(quality)


def image_hashes(path: Path) -> list[PHash]:
    import imagehash
    from PIL import Image, ImageOps

    with Image.open(path) as opened:
        img = ImageOps.exif_transpose(opened).convert("RGB")
    hashes = [PHash("phash", "full", str(imagehash.phash(img)), None)]
    return hashes + _pdq_variants(img, "full", crops=True)


def _pdq_variants(img: object, label: str, *, crops: bool) -> list[PHash]:
    from PIL import Image

    assert isinstance(img, Image.Image)
    out: list[PHash] = []
    digest, quality = _pdq(np.asarray(img))
    out.append(PHash("pdq", label, digest, quality))
    if crops:
        w, h = img.size
        for scale in CENTRE_CROPS:
            cw, ch = round(w * scale), round(h * scale)
            left, top = (w - cw) // 2, (h - ch) // 2
            crop = img.crop((left, top, left + cw, top + ch))
            digest, quality = _pdq(np.asarray(crop))
            out.append(PHash("pdq", f"crop{scale:.2f}", digest, quality))
    return out


def video_hashes(path: Path) -> list[PHash]:
    """PDQ and pHash of up to MAX_KEY_FRAMES key frames, decoded without the rest."""
    import av
    import imagehash

    out: list[PHash] = []
    with av.open(str(path)) as container:
        if not container.streams.video:
            return out
        stream = container.streams.video[0]
        stream.codec_context.skip_frame = "NONKEY"
        for frame in container.decode(stream):
            img = frame.to_image()
            t = float(frame.time) if frame.time is not None else 0.0
            label = f"frame{t:.2f}"
            out.append(PHash("phash", label, str(imagehash.phash(img)), None))
            out.extend(_pdq_variants(img, label, crops=False))
            if len(out) >= MAX_KEY_FRAMES * 2:
                break
    return out


def compute(path: Path, media_type: str) -> list[PHash]:
    if media_type.startswith("image/"):
        return image_hashes(path)
    if media_type.startswith("video/"):
        return video_hashes(path)
    return []


@dataclass(frozen=True)
class Distance:
    phash: int | None
    pdq: int | None
    low_quality: bool

    @property
    def similar(self) -> bool:
        if self.phash is not None and self.phash <= PHASH_MAX:
            return True
        return self.pdq is not None and not self.low_quality and self.pdq <= PDQ_MAX


def distance(a: list[PHash], b: list[PHash]) -> Distance:
    """Smallest distances between any hash of ``a`` and any of ``b`` (crops and frames)."""
    best_phash: int | None = None
    best_pdq: int | None = None
    low = False
    pa = [h for h in a if h.algo == "phash"]
    pb = [h for h in b if h.algo == "phash"]
    for x in pa:
        for y in pb:
            d = hamming(x.hash, y.hash)
            best_phash = d if best_phash is None else min(best_phash, d)
    qa = [h for h in a if h.algo == "pdq"]
    qb = [h for h in b if h.algo == "pdq"]
    good_a = [h for h in qa if (h.quality or 0) >= PDQ_MIN_QUALITY]
    good_b = [h for h in qb if (h.quality or 0) >= PDQ_MIN_QUALITY]
    if qa and qb and (not good_a or not good_b):
        low = True
    for x in good_a or qa:
        for y in good_b or qb:
            # Crops of one side against the full image of the other, never crop vs crop.
            if x.variant.startswith("crop") and y.variant.startswith("crop"):
                continue
            d = hamming(x.hash, y.hash)
            best_pdq = d if best_pdq is None else min(best_pdq, d)
    return Distance(best_phash, best_pdq, low)
