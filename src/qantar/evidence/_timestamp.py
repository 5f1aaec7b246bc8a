"""RFC 3161 trusted timestamps over the head of the custody log (EI-8, EI-9).

A token covers ``qantar-custody-v1 <event hash>`` of one event, so it proves the whole
chain up to that event existed at the TSA's time. Tokens are stored as the raw DER
response; roots accepted for verification live in evidence/tsa_roots/ (PEM files).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from sqlalchemy import insert, select

from qantar.errors import N_, QantarError
from qantar.evidence._common import now_utc
from qantar.evidence._custody import custody, signing_message
from qantar.evidence._tables import custody_events, timestamp_tokens
from qantar.model import CustodyAction
from qantar.notes import Note
from qantar.project import Project

ROOTS_DIR = "tsa_roots"


@dataclass(frozen=True)
class TimestampRequest:
    seq: int
    event_hash: str
    nonce: int
    der: bytes

    def save(self, path: Path) -> Path:
        """Write the DER request (for curl on a connected machine) and a JSON sidecar."""
        path.write_bytes(self.der)
        sidecar = path.with_name(path.name + ".json")
        sidecar.write_text(
            json.dumps({"seq": self.seq, "event_hash": self.event_hash, "nonce": str(self.nonce)}),
            encoding="utf-8",
        )
        return sidecar

    @classmethod
    def load(cls, path: Path) -> TimestampRequest:
        sidecar = path.with_name(path.name + ".json")
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            return cls(
                int(data["seq"]), str(data["event_hash"]), int(data["nonce"]), path.read_bytes()
            )
        except (OSError, ValueError, KeyError) as exc:
            raise QantarError(
                N_("%(path)s: cannot read the request and its %(sidecar)s sidecar: %(reason)s"),
                path=str(path),
                sidecar=sidecar.name,
                reason=str(exc),
            ) from exc


def roots_dir(project: Project) -> Path:
    return project.evidence_dir / ROOTS_DIR


def load_roots(project: Project) -> list[x509.Certificate]:
    folder = roots_dir(project)
    if not folder.is_dir():
        return []
    roots: list[x509.Certificate] = []
    for path in sorted(folder.glob("*.pem")):
        roots.extend(x509.load_pem_x509_certificates(path.read_bytes()))
    return roots


def add_root(project: Project, certificate_pem: bytes) -> Path:
    """Trust a TSA root for verification (keep a copy of it with your key backup)."""
    cert = x509.load_pem_x509_certificate(certificate_pem)
    folder = roots_dir(project)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{cert.fingerprint(hashes.SHA256()).hex()[:16]}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path


def build_request(project: Project) -> TimestampRequest:
    """A timestamp request for the current head of the custody log."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    with project.engine.connect() as conn:
        row = conn.execute(
            select(custody_events.c.seq, custody_events.c.event_hash)
            .order_by(custody_events.c.seq.desc())
            .limit(1)
        ).first()
    if row is None:
        raise QantarError(N_("the custody log is empty: add evidence before timestamping"))
    request = (
        TimestampRequestBuilder()
        .data(signing_message(str(row[1])))
        .hash_algorithm(HashAlgorithm.SHA256)
        .nonce(nonce=True)
        .cert_request(cert_request=True)
        .build()
    )
    nonce = request.nonce
    assert nonce is not None
    return TimestampRequest(int(row[0]), str(row[1]), int(nonce), request.as_bytes())


def check_token(
    response_der: bytes,
    message: bytes,
    roots: list[x509.Certificate],
    *,
    nonce: int | None = None,
) -> tuple[bool, str, str | None]:
    """(valid, reason, generation time) for a DER TimeStampResp over ``message``."""
    from rfc3161_client import VerificationError, VerifierBuilder, decode_timestamp_response

    if not roots:
        return False, Note(N_("no trusted TSA root configured (evidence/tsa_roots/*.pem)")), None
    try:
        response = decode_timestamp_response(response_der)
    except Exception as exc:
        return False, Note(N_("not a timestamp response: %(reason)s"), reason=str(exc)), None
    gen_time = response.tst_info.gen_time.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    errors = []
    for root in roots:
        builder = VerifierBuilder().add_root_certificate(root)
        if nonce is not None:
            builder = builder.nonce(nonce)
        try:
            builder.build().verify_message(response, message)
            return True, "ok", gen_time
        except (VerificationError, ValueError) as exc:
            errors.append(str(exc))
    return False, "; ".join(sorted(set(errors))), gen_time


def store_response(
    project: Project,
    request: TimestampRequest,
    response_der: bytes,
    *,
    tsa: str,
    actor: str | None = None,
) -> str:
    """Verify a TSA's response to ``request`` and keep it; returns the TSA's time (UTC)."""
    ok, reason, gen_time = check_token(
        response_der, signing_message(request.event_hash), load_roots(project), nonce=request.nonce
    )
    if not ok or gen_time is None:
        raise QantarError(N_("timestamp from %(tsa)s refused: %(reason)s"), tsa=tsa, reason=reason)
    with custody(project, actor) as log:
        log.conn.execute(
            insert(timestamp_tokens).values(
                custody_seq=request.seq,
                tsa=tsa,
                token=response_der,
                nonce=str(request.nonce),
                gen_time=gen_time,
                created_at=now_utc(),
            )
        )
        log.append(
            CustodyAction.TIMESTAMPED,
            [],
            f"RFC 3161 token from {tsa} over custody event {request.seq}",
            {"seq": request.seq, "event_hash": request.event_hash, "gen_time": gen_time},
        )
    return gen_time


def timestamp_head(project: Project, url: str, *, timeout: float = 30.0) -> str:
    """Ask the TSA at ``url`` for a token over the head (the only network call here)."""
    request = build_request(project)
    http = urllib.request.Request(
        url, data=request.der, headers={"Content-Type": "application/timestamp-query"}
    )
    try:
        with urllib.request.urlopen(http, timeout=timeout) as reply:
            body = reply.read()
    except OSError as exc:
        raise QantarError(
            N_("timestamp authority %(url)s not reachable: %(reason)s"), url=url, reason=str(exc)
        ) from exc
    return store_response(project, request, body, tsa=url)


def random_nonce() -> int:
    return secrets.randbits(63)
