"""The letter's facts in its QR code, signed: CBOR in a COSE_Sign1 (ES256), base64url after the
verification link (docs/letters-signing.md).

    https://sigap.bekasikota.go.id/verifikasi/ABCD-EFGH-JKMN-P#SG1:<base64url of the COSE_Sign1>

An ordinary camera app opens the link (a browser never sends the part after '#' to the server, so
the facts do not land in its logs); the offline verifier (/verifikasi/luring, also from a saved
copy) and `flask letters verify` read the part after "#SG1:" and check the signature against the
certificates the city has used. Why not Base45 as the EU certificates use: a link must stay a
link (Base45's space and '%' would end or break it in a camera app), and in byte mode the whole
code at medium error correction is version 13 or 14 (about 70 modules), readable at 3.5 cm.

The payload, a CBOR map with small integer keys (short in the code):
    1 letter number (text)          5 programs (array of text: "JKK", "JKM")
    2 verification code (text)      6 coverage from (YYYYMMDD as an integer)
    3 masked name (text)            7 coverage to (YYYYMMDD)
    4 masked KPJ (text or null)     8 issued on (YYYYMMDD)
The protected header carries the algorithm (-7, ES256) and the certificate's kid (4: 8 bytes).

COSE_Sign1 with its one algorithm is written here over cbor2 and cryptography (RFC 9052 §4.4:
the signed bytes are ["Signature1", protected, h'', payload]) rather than with pycose: pycose 1.1
signs with a random nonce and reads tagged arrays only as lists (cbor2 6 gives tuples). The
signature is deterministic (RFC 6979), so the same letter always gets the same QR code.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

import cbor2
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature

from portal.core.signing import CityCertificate, SigningKey

PREFIX = "SG1:"
PROGRAMS = ("JKK", "JKM")  # jaminan kecelakaan kerja, jaminan kematian
ES256 = -7
COSE_SIGN1 = 18
_ECDSA = ec.ECDSA(hashes.SHA256(), deterministic_signing=True)


def _to_be_signed(protected: bytes, payload: bytes) -> bytes:
    return cbor2.dumps(["Signature1", protected, b"", payload])


@dataclass(frozen=True, slots=True)
class LetterFacts:
    number: str
    code: str
    masked_name: str
    masked_kpj: str | None
    programs: tuple[str, ...]
    mulai: date
    selesai: date
    issued_on: date


def _day(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def _date(value: object) -> date:
    if not isinstance(value, int):
        raise ValueError("a date is YYYYMMDD")
    return date(value // 10000, value // 100 % 100, value % 100)


def seal(facts: LetterFacts, key: SigningKey) -> str:
    """ "SG1:" and the base64url of the signed facts."""
    payload = cbor2.dumps(
        {
            1: facts.number,
            2: facts.code,
            3: facts.masked_name,
            4: facts.masked_kpj,
            5: list(facts.programs),
            6: _day(facts.mulai),
            7: _day(facts.selesai),
            8: _day(facts.issued_on),
        }
    )
    protected = cbor2.dumps({1: ES256, 4: key.certificate.kid})
    r, s = decode_dss_signature(key.private_key.sign(_to_be_signed(protected, payload), _ECDSA))
    signature = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    sign1 = cbor2.dumps(cbor2.CBORTag(COSE_SIGN1, [protected, {}, payload, signature]))
    return PREFIX + base64.urlsafe_b64encode(sign1).rstrip(b"=").decode()


class SealRefused(ValueError):
    """Why a sealed payload is not a genuine letter's: unreadable, unknown key, bad signature."""


@dataclass(frozen=True, slots=True)
class Checked:
    facts: LetterFacts
    certificate: CityCertificate


def payload_of(scanned: str) -> str:
    """The sealed part of what a QR code (or a pasted text) holds."""
    text = scanned.strip()
    at = text.find(PREFIX)
    if at < 0:
        raise SealRefused("no SG1: payload")
    return text[at:]


def check(scanned: str, certificates: list[CityCertificate]) -> Checked:
    """The facts, when the signature is the city's (by any certificate it has used, within its
    validity period on the issue date); raises SealRefused otherwise."""
    encoded = payload_of(scanned)[len(PREFIX) :]
    try:
        tagged = cbor2.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))
        protected, _unprotected, payload, signature = tagged.value
        header = cbor2.loads(protected)
        if tagged.tag != COSE_SIGN1 or header.get(1) != ES256 or len(signature) != 64:
            raise ValueError("not an ES256 COSE_Sign1")
    except (ValueError, TypeError, AttributeError, binascii.Error, cbor2.CBORDecodeError) as error:
        raise SealRefused(f"unreadable: {error}") from None
    certificate = next((c for c in certificates if c.kid == header.get(4)), None)
    if certificate is None:
        raise SealRefused("signed by a key the city never used")
    public_key = certificate.certificate.public_key()
    if not isinstance(public_key, ec.EllipticCurvePublicKey):
        raise SealRefused("the certificate has no EC key")
    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    try:
        public_key.verify(der, _to_be_signed(protected, payload), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise SealRefused("the signature does not match the facts") from None
    try:
        data = cbor2.loads(payload)
        facts = LetterFacts(
            number=str(data[1]),
            code=str(data[2]),
            masked_name=str(data[3]),
            masked_kpj=None if data[4] is None else str(data[4]),
            programs=tuple(str(p) for p in data[5]),
            mulai=_date(data[6]),
            selesai=_date(data[7]),
            issued_on=_date(data[8]),
        )
    except (KeyError, TypeError, ValueError, cbor2.CBORDecodeError) as error:
        raise SealRefused(f"facts unreadable: {error}") from None
    if not certificate.not_before.date() <= facts.issued_on <= certificate.not_after.date():
        raise SealRefused("issued outside the certificate's validity")
    return Checked(facts=facts, certificate=certificate)
