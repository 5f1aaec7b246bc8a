"""ProofMode proof bundles (EI-13): SHA-256 and OpenPGP signatures checked at ingest.

A ProofMode export is a ZIP holding, for each media file, ``<sha256>.asc`` (detached
signature of the media), ``<sha256>.proof.json`` / ``.proof.csv`` (capture metadata, whose
``File Hash SHA256`` names the media) each with its own ``.asc`` signature, and the device's
public key ``pubkey.asc``. Signatures are checked with Sequoia-PGP (``pysequoia``) under its
standard policy (weak algorithms, expired or revoked keys fail), never with our own crypto.

A bundle that verifies proves the bytes are unchanged since the holder of that key signed
them; whose key it is must be settled outside the bundle, so its fingerprint is recorded.

pysequoia reads the signed data into memory, so the media's own signature is checked only
up to ``MEDIA_SIGNATURE_MAX``; a larger media file is streamed through SHA-256 and bound to
the key through the signed proof, which names that SHA-256 (recorded as such).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import Any

from qantar.evidence._limits import Limits, read_member

PUBKEY = "pubkey.asc"
MEDIA_SIGNATURE_MAX = 32 << 20  # pysequoia holds about twice this in memory
PROOF_JSON = ".proof.json"
PROOF_CSV = ".proof.csv"
HASH_FIELD = "File Hash SHA256"
# Times only: the proof also holds device ids, network and location, which stay inside the
# write-once bundle and out of the custody log (EI-17: record no more than needed).
_KEPT_FIELDS = {
    "Proof Generated": "proof_generated",
    "File Created": "file_created",
    "File Modified": "file_modified",
}


def is_proofmode(names: set[str]) -> bool:
    # A lone pubkey.asc is any ZIP with a key in it; ProofMode's own guide file is not.
    bases = {_base(n) for n in names}
    return (
        any(n.endswith((PROOF_JSON, PROOF_CSV)) for n in bases)
        or {
            PUBKEY,
            "HowToVerifyProofData.txt",
        }
        <= bases
    )


def check(
    archive: zipfile.ZipFile, limits: Limits | None = None, *, file: str = "ZIP"
) -> dict[str, Any]:
    result: dict[str, Any] = {"format": "proofmode", "ok": False, "media": [], "problems": []}
    problems: list[str] = result["problems"]
    try:
        import pysequoia
    except ImportError:
        problems.append("pysequoia is not installed: OpenPGP signatures cannot be checked")
        return result
    members = {_base(n): n for n in archive.namelist() if not n.endswith("/")}
    bounds = limits or Limits()

    def read(member: str) -> bytes:
        return read_member(archive, member, bounds, file=file)

    if PUBKEY not in members:
        problems.append(f"{PUBKEY}: missing, signatures cannot be checked")
        return result
    try:
        cert = pysequoia.Cert.from_bytes(read(members[PUBKEY]))
    except RuntimeError as exc:
        problems.append(f"{PUBKEY}: not an OpenPGP public key ({_first_line(exc)})")
        return result
    result["key_fingerprint"] = cert.fingerprint.upper()
    result["key_user_ids"] = [str(u) for u in cert.user_ids]
    # Older ProofMode versions wrote only the CSV proof; newer ones write both.
    shas = {n[: -len(ext)] for n in members for ext in (PROOF_JSON, PROOF_CSV) if n.endswith(ext)}
    proofs = sorted(s + PROOF_JSON if s + PROOF_JSON in members else s + PROOF_CSV for s in shas)
    if not proofs:
        problems.append(f"no *{PROOF_JSON} or *{PROOF_CSV} proof in the bundle")
    checker = _Checker(archive, members, cert, problems, read)
    for proof in proofs:
        result["media"].append(checker.media(proof))
    result["ok"] = not problems
    return result


class _Checker:
    def __init__(
        self,
        archive: zipfile.ZipFile,
        members: dict[str, str],
        cert: Any,
        problems: list[str],
        read: Callable[[str], bytes],
    ) -> None:
        self.archive = archive
        self.members = members
        self.cert = cert
        self.problems = problems
        self.read = read

    def media(self, proof: str) -> dict[str, Any]:
        is_json = proof.endswith(PROOF_JSON)
        sha = proof[: -len(PROOF_JSON if is_json else PROOF_CSV)]
        entry: dict[str, Any] = {"proof": proof, "sha256": sha}
        proof_bytes = self.read(self.members[proof])
        self._signature(proof, proof_bytes=proof_bytes)
        try:
            meta = json.loads(proof_bytes) if is_json else _csv_proof(proof_bytes)
            declared = str(meta[HASH_FIELD]).lower()
            media_name = PurePosixPath(str(meta["File Path"]).replace("\\", "/")).name
        except (ValueError, KeyError, TypeError, RecursionError) as exc:
            self.problems.append(f"{proof}: unreadable proof ({type(exc).__name__}: {exc})")
            return entry
        entry.update({k: meta[f] for f, k in _KEPT_FIELDS.items() if f in meta})
        entry["media"] = media_name
        if declared != sha:
            self.problems.append(f"{proof}: {HASH_FIELD} {declared} does not match its name")
        if is_json and sha + PROOF_CSV in self.members:
            self._signature(sha + PROOF_CSV)
        if media_name not in self.members:
            self.problems.append(f"{media_name}: named in {proof} but missing from the bundle")
            return entry
        digest = self._sha256(media_name)
        entry["media_sha256"] = digest
        entry["hash_ok"] = digest == declared
        if not entry["hash_ok"]:
            self.problems.append(f"{media_name}: SHA-256 differs from {proof}")
        size = self.archive.getinfo(self.members[media_name]).file_size
        if size <= MEDIA_SIGNATURE_MAX:
            entry["signature_ok"] = self._signature(sha + ".asc", signed=media_name)
        else:
            entry["signature_ok"] = None
            entry["signature_note"] = (
                f"{sha}.asc not checked: media over {MEDIA_SIGNATURE_MAX >> 20} MiB; "
                f"bound to the key by the signature of {proof}, which names its SHA-256"
            )
        return entry

    def _signature(
        self,
        name: str,
        *,
        signed: str | None = None,
        proof_bytes: bytes | None = None,
    ) -> bool:
        """Check the detached signature of ``name`` (or of ``signed`` in ``<sha>.asc``)."""
        import pysequoia

        sig_name = name if signed is not None else name + ".asc"
        target = signed if signed is not None else name
        if sig_name not in self.members:
            self.problems.append(f"{target}: signature {sig_name} missing")
            return False
        try:
            sig = pysequoia.Sig.from_bytes(self.read(self.members[sig_name]))
        except RuntimeError as exc:
            self.problems.append(f"{sig_name}: not an OpenPGP signature ({_first_line(exc)})")
            return False
        try:
            data = proof_bytes if proof_bytes is not None else self._read(target)
            pysequoia.verify(bytes=data, store=self._store, signature=sig)
        except RuntimeError as exc:
            issuer = (sig.issuer_fingerprint or sig.issuer_key_id or "unknown key").upper()
            self.problems.append(
                f"{target}: signature {sig_name} does not verify with {PUBKEY} "
                f"(signed by {issuer}; {_first_line(exc)})"
            )
            return False
        return True

    def _store(self, _key_ids: list[str]) -> list[Any]:
        # Only the bundle's own key may vouch: a signature by any other key fails.
        return [self.cert]

    def _read(self, name: str) -> bytes:
        # Media up to MEDIA_SIGNATURE_MAX only (checked by the caller); not an index.
        return self.archive.read(self.members[name])

    def _sha256(self, name: str) -> str:
        """Streamed: a video must not sit in memory."""
        h = hashlib.sha256()
        with self.archive.open(self.members[name]) as src:
            while chunk := src.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()


def _csv_proof(data: bytes) -> dict[str, str]:
    """The first data row of a ``.proof.csv`` (header row of field names, then values)."""
    rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    first = next(rows, None)
    if first is None:
        raise ValueError("no data row")
    return {k.strip(): (v or "").strip() for k, v in first.items() if k}


def _base(name: str) -> str:
    return PurePosixPath(name).name


def _first_line(exc: BaseException) -> str:
    # pysequoia appends a Rust backtrace to some messages; the first line is the reason.
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
