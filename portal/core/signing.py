"""The city's signing key and the certificates it has used (docs/letters-signing.md).

A letter is signed twice with one key: a PAdES signature over the PDF (pyHanko), and a COSE_Sign1
over the facts printed in its QR code (portal.letters.documents.seal). The key comes as a
PKCS#12 file with its passphrase (LETTER_SIGNING_P12, LETTER_SIGNING_PASSPHRASE); every
certificate the city has used stays known with its validity period (LETTER_SIGNING_CERTS, a PEM
bundle), so a letter signed before a key rotation still verifies. A certificate is named in a QR
code by its `kid`: the first 8 bytes of the SHA-256 of its DER encoding.

No Flask here: the settings hand the bytes in.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

DEMO_MARK = "DEMO"  # in the organisation of a demo certificate: never the city's


class SigningKeyError(ValueError):
    """The PKCS#12 file cannot be used: wrong passphrase, no key, or a key we cannot sign with."""


def kid_of(certificate: x509.Certificate) -> bytes:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest()[:8]


def _b64url(value: int, length: int) -> str:
    return base64.urlsafe_b64encode(value.to_bytes(length, "big")).rstrip(b"=").decode()


@dataclass(frozen=True, slots=True)
class CityCertificate:
    certificate: x509.Certificate

    @property
    def kid(self) -> bytes:
        return kid_of(self.certificate)

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def not_before(self) -> datetime:
        return self.certificate.not_valid_before_utc

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    @property
    def demo(self) -> bool:
        names = self.certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)
        return any(DEMO_MARK in str(n.value) for n in names)

    @property
    def pem(self) -> str:
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode()

    @property
    def public_pem(self) -> str:
        return (
            self.certificate.public_key()
            .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
            .decode()
        )

    def public_jwk(self) -> dict[str, str]:
        """The public key as a JWK, for WebCrypto in the offline verifier (EC P-256 only)."""
        key = self.certificate.public_key()
        if not isinstance(key, ec.EllipticCurvePublicKey) or key.curve.name != "secp256r1":
            raise SigningKeyError("the QR seal needs an EC P-256 key (ES256)")
        numbers = key.public_numbers()
        return {"kty": "EC", "crv": "P-256", "x": _b64url(numbers.x, 32), "y": _b64url(numbers.y, 32)}


@dataclass(frozen=True, slots=True)
class SigningKey:
    private_key: ec.EllipticCurvePrivateKey
    certificate: CityCertificate
    chain: tuple[x509.Certificate, ...] = ()
    pkcs12: bytes = field(default=b"", repr=False)
    passphrase: bytes | None = field(default=None, repr=False)

    @property
    def private_pem(self) -> str:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()


def load_pkcs12(data: bytes, passphrase: bytes | None) -> SigningKey:
    try:
        key, certificate, chain = pkcs12.load_key_and_certificates(data, passphrase)
    except ValueError as error:
        raise SigningKeyError(f"the PKCS#12 file cannot be opened (passphrase?): {error}") from None
    if key is None or certificate is None:
        raise SigningKeyError("the PKCS#12 file holds no private key and certificate")
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        kind = "RSA" if isinstance(key, rsa.RSAPrivateKey) else type(key).__name__
        raise SigningKeyError(f"the key is {kind}: the QR seal needs an EC P-256 key (docs/letters-signing.md)")
    return SigningKey(
        private_key=key,
        certificate=CityCertificate(certificate),
        chain=tuple(chain or ()),
        pkcs12=data,
        passphrase=passphrase,
    )


def read_certificates(pem_bundle: bytes) -> list[CityCertificate]:
    return [CityCertificate(c) for c in x509.load_pem_x509_certificates(pem_bundle)] if pem_bundle.strip() else []


def known_certificates(key: SigningKey, bundle: bytes = b"") -> list[CityCertificate]:
    """Every certificate the city has used, the current one included, once each, oldest first."""
    found = {c.kid: c for c in [*read_certificates(bundle), key.certificate]}
    return sorted(found.values(), key=lambda c: c.not_before)


def make_demo_pkcs12(passphrase: bytes, *, now: datetime | None = None, years: int = 10) -> bytes:
    """A self-signed EC P-256 certificate marked DEMO in its name: for `flask demo seed` and tests,
    never for letters a resident relies on."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{DEMO_MARK} SIGAP - bukan Pemerintah Kota Bekasi"),
            x509.NameAttribute(NameOID.COMMON_NAME, f"{DEMO_MARK} penandatangan surat SIGAP"),
        ]
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return pkcs12.serialize_key_and_certificates(
        b"sigap-demo",
        key,
        certificate,
        None,
        serialization.BestAvailableEncryption(passphrase) if passphrase else serialization.NoEncryption(),
    )


def main(argv: list[str] | None = None) -> int:
    """`python -m portal.core.signing demo PATH`: a demo key for a trial install (the passphrase
    from LETTER_SIGNING_PASSPHRASE), before the city's own certificate is in place."""
    import os
    import sys
    from pathlib import Path

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2 or args[0] != "demo":
        print("usage: python -m portal.core.signing demo PATH", file=sys.stderr)
        return 2
    passphrase = os.environ.get("LETTER_SIGNING_PASSPHRASE", "").encode()
    Path(args[1]).write_bytes(make_demo_pkcs12(passphrase))
    print(f"{args[1]}: a DEMO key and self-signed certificate; replace it with the city's before real letters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
