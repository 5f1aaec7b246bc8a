"""A test time-stamping authority built here: a CA, a TSA certificate with the critical
timeStamping EKU, and RFC 3161 responses encoded by hand in DER (no network, no openssl)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
OID_TSTINFO = "1.2.840.113549.1.9.16.1.4"
OID_SHA256 = "2.16.840.1.101.3.4.2.1"
OID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
OID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
OID_SIGNING_CERT_V2 = "1.2.840.113549.1.9.16.2.47"
OID_ECDSA_SHA256 = "1.2.840.10045.4.3.2"
OID_POLICY = "1.3.6.1.4.1.99999.1"


def _len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, content: bytes) -> bytes:
    return bytes([tag]) + _len(len(content)) + content


def seq(*parts: bytes) -> bytes:
    return tlv(0x30, b"".join(parts))


def set_of(*parts: bytes) -> bytes:
    return tlv(0x31, b"".join(sorted(parts)))  # DER: SET OF sorted by encoding


def integer(value: int) -> bytes:
    length = max(1, (value.bit_length() + 8) // 8)
    return tlv(0x02, value.to_bytes(length, "big", signed=True))


def oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(0x06, bytes(out))


def octets(data: bytes) -> bytes:
    return tlv(0x04, data)


def explicit(n: int, content: bytes) -> bytes:
    return tlv(0xA0 + n, content)


def gentime(when: dt.datetime) -> bytes:
    return tlv(0x18, when.strftime("%Y%m%d%H%M%SZ").encode("ascii"))


def algo(dotted: str) -> bytes:
    return seq(oid(dotted))


@dataclass
class LocalTSA:
    root: x509.Certificate
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    serial: int = 1

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)

    def respond(self, request_der: bytes, *, imprint: bytes | None = None) -> bytes:
        """A granted TimeStampResp to ``request_der`` (``imprint`` overrides: a forgery)."""
        from rfc3161_client import _rust

        request = _rust.parse_timestamp_request(request_der)
        hashed = imprint if imprint is not None else request.message_imprint.message
        now = dt.datetime.now(dt.UTC).replace(microsecond=0)
        self.serial += 1
        fields = [
            integer(1),
            oid(OID_POLICY),
            seq(algo(OID_SHA256), octets(hashed)),
            integer(self.serial),
            gentime(now),
        ]
        if request.nonce is not None:
            fields.append(integer(request.nonce))
        tst_info = seq(*fields)
        cert_der = self.cert.public_bytes(serialization.Encoding.DER)
        ess = seq(seq(seq(octets(hashlib.sha256(cert_der).digest()))))
        attributes = [
            seq(oid(OID_CONTENT_TYPE), set_of(oid(OID_TSTINFO))),
            seq(oid(OID_MESSAGE_DIGEST), set_of(octets(hashlib.sha256(tst_info).digest()))),
            seq(oid(OID_SIGNING_CERT_V2), set_of(ess)),
        ]
        signed_attrs = set_of(*attributes)
        signature = self.key.sign(signed_attrs, ec.ECDSA(hashes.SHA256()))
        issuer = self.cert.issuer.public_bytes()
        signer_info = seq(
            integer(1),
            seq(issuer, integer(self.cert.serial_number)),
            algo(OID_SHA256),
            b"\xa0" + signed_attrs[1:],  # [0] IMPLICIT: same content, context tag
            algo(OID_ECDSA_SHA256),
            octets(signature),
        )
        root_der = self.root.public_bytes(serialization.Encoding.DER)
        signed_data = seq(
            integer(3),
            set_of(algo(OID_SHA256)),
            seq(oid(OID_TSTINFO), explicit(0, octets(tst_info))),
            tlv(0xA0, b"".join(sorted([cert_der, root_der]))),
            set_of(signer_info),
        )
        token = seq(oid(OID_SIGNED_DATA), explicit(0, signed_data))
        return seq(seq(integer(0)), token)


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common)])


def make_tsa(label: str = "qantar test") -> LocalTSA:
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    root = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} root"))
        .issuer_name(_name(f"{label} root"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name(f"{label} TSA"))
        .issuer_name(root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    return LocalTSA(root, cert, tsa_key)
