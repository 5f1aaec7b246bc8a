"""Near-duplicate distances on textured test images (the ones tests/evidence uses).

    PYTHONPATH=src python bench/evidence_similar_bench.py

For three originals, prints pHash distance, PDQ distance of the full images only, and PDQ
distance with the centre crops, for each copy (JPEG q50, half size, 5% crop from each
edge, caption); then the smallest distances among 20 unrelated images.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "evidence"))

from test_evidence_similar import _variants, textured

from qantar.evidence._perceptual import PDQ_MAX, PHASH_MAX, distance, image_hashes


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="qantar-simbench-"))
    print(f"thresholds: pHash <= {PHASH_MAX}, PDQ <= {PDQ_MAX}")
    print("seed copy   pHash  PDQ(full only)  PDQ(with crops)")
    for seed in (1, 5, 9):
        paths = _variants(textured(seed), folder)
        original = image_hashes(paths["original"])
        full = [h for h in original if h.variant == "full"]
        for kind, path in paths.items():
            if kind == "original":
                continue
            hashes = image_hashes(path)
            with_crops = distance(original, hashes)
            alone = distance(full, [h for h in hashes if h.variant == "full"])
            print(f"{seed:>4} {kind:<6} {with_crops.phash:>5} {alone.pdq:>15} {with_crops.pdq:>16}")
    others = []
    for seed in range(100, 120):
        path = folder / f"other{seed}.png"
        textured(seed).save(path)
        others.append(image_hashes(path))
    pairs = [distance(a, b) for a, b in itertools.combinations(others, 2)]
    print(
        f"unrelated (190 pairs): min pHash {min(p.phash or 99 for p in pairs)}, "
        f"min PDQ {min(p.pdq or 999 for p in pairs)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
