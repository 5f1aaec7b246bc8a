"""ProofMode verification cost on a large video, against plain SHA-256 of the same bytes.

    PYTHONPATH=src python bench/evidence_provenance_bench.py [--size-mb 512]

Builds a ProofMode-shaped ZIP (stored, uncompressed) around a media file of the given size,
signed with a key generated here, then in a fresh process times ``_proofmode.check`` (one
pass to extract and hash, one pass for the OpenPGP signature) and reports its peak RSS.
The anchor is hashlib SHA-256 of the same bytes in the same run: the ratio shows what the
check costs at import beyond the archive's own hashing.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CHILD = r"""
import json, sys, time, zipfile
from qantar.evidence import _proofmode
start = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as archive:
    result = _proofmode.check(archive)
seconds = time.perf_counter() - start
# VmHWM belongs to this process image (ru_maxrss would carry the parent's over exec).
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"seconds": seconds, "peak_rss_mb": peak, "ok": result["ok"]}))
"""


def build(folder: Path, size_mb: int) -> tuple[Path, Path]:
    import pysequoia

    key = pysequoia.Tsk.generate("bench@example.org")
    media = folder / "VID_bench.mp4"
    block = hashlib.shake_256(b"bench").digest(16 << 20)
    h = hashlib.sha256()
    with media.open("wb") as out:
        for i in range(size_mb // 16):
            chunk = block[i % 7 :] + block[: i % 7]
            out.write(chunk)
            h.update(chunk)
    sha = h.hexdigest()
    proof = json.dumps({"File Hash SHA256": sha, "File Path": f"/sdcard/{media.name}"}).encode()
    mode = pysequoia.SignatureMode.DETACHED
    asc = folder / "media.asc"
    pysequoia.sign_file(key.signer(), str(media), str(asc), mode=mode)
    bundle = folder / "proof.zip"
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as zf:
        zf.write(media, media.name)
        zf.write(asc, f"{sha}.asc")
        zf.writestr(f"{sha}.proof.json", proof)
        zf.writestr(f"{sha}.proof.json.asc", bytes(pysequoia.sign(key.signer(), proof, mode=mode)))
        zf.writestr("pubkey.asc", str(key.extract_certificate()))
    return bundle, media


def anchor(path: Path) -> float:
    start = time.perf_counter()
    h = hashlib.sha256()
    with path.open("rb", buffering=0) as handle:
        buffer = bytearray(1 << 20)
        view = memoryview(buffer)
        while n := handle.readinto(buffer):
            h.update(view[:n])
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=512)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="qantar-bench-") as tmp:
        bundle, media = build(Path(tmp), args.size_mb)
        anchor(media)  # warm the page cache for both sides
        base = anchor(media)
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(bundle)], capture_output=True, text=True, check=True
        )
        child = json.loads(out.stdout)
    print(f"media {args.size_mb} MiB in a ProofMode ZIP; verified ok={child['ok']}")
    print(f"  sha256 anchor:        {base:6.2f} s")
    ratio = child["seconds"] / base
    print(f"  proofmode check:      {child['seconds']:6.2f} s  ({ratio:.2f}x anchor)")
    print(f"  peak RSS of check:    {child['peak_rss_mb']:6.1f} MB")


if __name__ == "__main__":
    main()
