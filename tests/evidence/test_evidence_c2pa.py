"""EI-13: C2PA manifests embedded in images are validated at import and recorded.

The signed test photo is made in the test: a root CA and a signing certificate generated
with ``cryptography``, the manifest signed with ``c2pa-python``'s Builder.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import c2pa
import numpy as np
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image

from qantar import Project
from qantar.evidence import add, show_item


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Qantar Test"),
        ]
    )


def _usage(*, sign_certs: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not sign_certs,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=sign_certs,
        crl_sign=sign_certs,
        encipher_only=False,
        decipher_only=False,
    )


@pytest.fixture(scope="module")
def signer_pem() -> tuple[bytes, bytes]:
    """(certificate chain, private key) of a camera signing certificate under a test root."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Root"))
        .issuer_name(_name("Test Root"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_usage(sign_certs=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("Test Camera"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign_certs=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    chain = leaf.public_bytes(pem) + ca.public_bytes(pem)
    private = key.private_bytes(
        pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return chain, private


def photo(seed: int = 1) -> bytes:
    # Textured, so the perceptual hashes of the archive have something to work on.
    pixels = np.random.default_rng(seed).integers(0, 255, (96, 96, 3), dtype=np.uint8)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    return out.getvalue()


def signed_photo(path: Path, signer_pem: tuple[bytes, bytes], *, tamper: bool = False) -> Path:
    chain, private = signer_pem
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, private, None)
    manifest = {
        "claim_generator_info": [{"name": "qantar-test", "version": "1"}],
        "title": "almaty.jpg",
        "format": "image/jpeg",
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": "http://cv.iptc.org/newscodes/"
                            "digitalsourcetype/digitalCapture",
                        }
                    ]
                },
            }
        ],
    }
    out = io.BytesIO()
    with c2pa.Signer.from_info(info) as signer, c2pa.Builder(manifest) as builder:
        builder.sign(signer, "image/jpeg", io.BytesIO(photo()), out)
    data = bytearray(out.getvalue())
    if tamper:
        data[-100] ^= 0xFF  # inside the entropy-coded image data the manifest hashes
    path.write_bytes(bytes(data))
    return path


def proof_of(project: Project, sha256: str) -> dict[str, Any]:
    return show_item(project, sha256)["custody"][0]["details"]["third_party_proof"]


def test_signed_photo_manifest_recorded(
    project: Project, tmp_path: Path, signer_pem: tuple[bytes, bytes]
) -> None:
    [r] = add(project, [signed_photo(tmp_path / "almaty.jpg", signer_pem)])
    assert r.media_type == "image/jpeg"
    assert not any("c2pa" in f for f in r.flags)
    proof = proof_of(project, r.sha256)
    assert proof["format"] == "c2pa" and proof["ok"] is True
    assert proof["validation_state"] == "Valid" and proof["trusted"] is False
    assert proof["signer"]["common_name"] == "Test Camera"
    assert proof["signer"]["issuer"] == "Qantar Test"
    assert proof["title"] == "almaty.jpg"
    assert proof["actions"] == ["c2pa.created"]
    assert proof["problems"] == []


def test_tampered_photo_fails_validation(
    project: Project, tmp_path: Path, signer_pem: tuple[bytes, bytes]
) -> None:
    [r] = add(project, [signed_photo(tmp_path / "almaty.jpg", signer_pem, tamper=True)])
    assert any(f.startswith("c2pa integrity check failed") for f in r.flags)
    proof = proof_of(project, r.sha256)
    assert proof["ok"] is False and proof["validation_state"] == "Invalid"
    assert any(p.startswith("assertion.dataHash.mismatch") for p in proof["problems"])


def test_photo_without_manifest_records_nothing(project: Project, tmp_path: Path) -> None:
    plain = tmp_path / "plain.jpg"
    plain.write_bytes(photo(seed=2))
    [r] = add(project, [plain])
    assert "third_party_proof" not in show_item(project, r.sha256)["custody"][0]["details"]


def test_damaged_manifest_recorded_as_failure(
    project: Project, tmp_path: Path, signer_pem: tuple[bytes, bytes]
) -> None:
    path = signed_photo(tmp_path / "almaty.jpg", signer_pem)
    data = bytearray(path.read_bytes())
    claim = data.index(b"c2pa.claim")  # inside the signed claim, within the JUMBF segment
    data[claim + 40] ^= 0xFF
    path.write_bytes(bytes(data))
    [r] = add(project, [path])
    proof = proof_of(project, r.sha256)
    assert proof["format"] == "c2pa" and proof["ok"] is False and proof["problems"]
    assert any(f.startswith("c2pa integrity check failed") for f in r.flags)
