"""Evidence benchmarks: memory of adding a large file, hashing speed against sha256sum.

    PYTHONPATH=src python bench/evidence_bench.py [--size-mb 2048]

Prints peak RSS of a fresh process that adds one large file (limit: 200 MB), and the
throughput of our streamed hashing against `sha256sum` on the same file in the same run
(target: at least 80% of sha256sum). The file is read once before timing so both sides
read from the page cache.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from qantar import Project
from qantar.evidence import add

# Synthetic people only: the bench projects' keys need a passphrase all the same.
BENCH_PASSPHRASE = "qantar bench"
project = Project.init(sys.argv[1], passphrase=BENCH_PASSPHRASE)
start = time.perf_counter()
[result] = add(project, [sys.argv[2]], collected_by="bench")
seconds = time.perf_counter() - start
peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak_kb / 1024, "sha256": result.sha256}))
"""


def make_file(path: Path, size_mb: int, seed: int = 7) -> None:
    block = hashlib.shake_256(str(seed).encode()).digest(16 << 20)  # 16 MiB, not compressible
    with open(path, "wb") as handle:
        for i in range(size_mb // 16):
            handle.write(block[i % 7 :] + block[: i % 7])
        handle.write(block[: (size_mb % 16) << 20])


def warm(path: Path) -> None:
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(1 << 20)
        while handle.readinto(buffer):
            pass


def ours(path: Path, *, both: bool) -> tuple[float, str]:
    from qantar.evidence._objects import CHUNK

    h256, h512 = hashlib.sha256(), hashlib.sha512()
    start = time.perf_counter()
    with open(path, "rb", buffering=0) as handle:
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        while n := handle.readinto(buffer):
            h256.update(view[:n])
            if both:
                h512.update(view[:n])
    return time.perf_counter() - start, h256.hexdigest()


def sha256sum(path: Path) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run(["sha256sum", str(path)], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, out.stdout.split()[0]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=2048)
    args = parser.parse_args()
    if shutil.which("sha256sum") is None:
        print("sha256sum not installed: cannot measure the anchor")
        return 1
    with tempfile.TemporaryDirectory(prefix="qantar-evbench-") as tmp:
        folder = Path(tmp)
        big = folder / "big.bin"
        make_file(big, args.size_mb)
        size_mb = big.stat().st_size / (1 << 20)
        warm(big)
        anchor_s, anchor_hash = min((sha256sum(big) for _ in range(2)), key=lambda r: r[0])
        one_s, one_hash = min((ours(big, both=False) for _ in range(2)), key=lambda r: r[0])
        both_s, _ = ours(big, both=True)
        assert one_hash == anchor_hash
        env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1] / "src")}
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(folder / "case"), str(big)],
            capture_output=True,
            text=True,
            check=True,
            env=env,
        )
        added = json.loads(child.stdout.strip().splitlines()[-1])
        assert added["sha256"] == anchor_hash
    print(f"file: {size_mb:.0f} MiB")
    print(f"sha256sum:              {size_mb / anchor_s:8.0f} MiB/s (anchor)")
    print(f"qantar SHA-256 stream:  {size_mb / one_s:8.0f} MiB/s  ratio {anchor_s / one_s:.2f}")
    print(f"qantar SHA-256+SHA-512: {size_mb / both_s:8.0f} MiB/s  ratio {anchor_s / both_s:.2f}")
    print(
        f"evidence add (copy, both digests, fsync, re-read check): {added['seconds']:.1f} s, "
        f"{size_mb / added['seconds']:.0f} MiB/s, ratio {anchor_s / added['seconds']:.2f}"
    )
    ok = added["peak_rss_mb"] < 200
    print(
        f"peak RSS of the adding process: {added['peak_rss_mb']:.0f} MB "
        f"({'under' if ok else 'OVER'} the 200 MB limit)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
