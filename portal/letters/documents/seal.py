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
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date

import cbor2
from pycose.algorithms import Es256
from pycose.headers import KID, Algorithm
from pycose.keys import CoseKey
from pycose.messages import CoseMessage, Sign1Message

from portal.core.signing import CityCertificate, SigningKey

PREFIX = "SG1:"
PROGRAMS = ("JKK", "JKM")  # jaminan kecelakaan kerja, jaminan kematian


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
    """"SG1:" and the base64url of the signed facts."""
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
    message = Sign1Message(phdr={Algorithm: Es256, KID: key.certificate.kid}, payload=payload)
    message.key = CoseKey.from_pem_private_key(key.private_pem)
    return PREFIX + base64.urlsafe_b64encode(message.encode()).rstrip(b"=").decode()


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
        raw = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        message = CoseMessage.decode(raw)
    except (ValueError, TypeError, AttributeError, KeyError, binascii.Error, cbor2.CBORDecodeError) as error:
        raise SealRefused(f"unreadable: {error}") from None
    if not isinstance(message, Sign1Message):
        raise SealRefused("not a COSE_Sign1")
    kid = message.phdr.get(KID)
    certificate = next((c for c in certificates if c.kid == kid), None)
    if certificate is None:
        raise SealRefused("signed by a key the city never used")
    message.key = CoseKey.from_pem_public_key(certificate.public_pem)
    try:
        valid = message.verify_signature()
    except Exception as error:  # pycose raises its own errors for a malformed signature
        raise SealRefused(f"signature unreadable: {error}") from None
    if not valid:
        raise SealRefused("the signature does not match the facts")
    try:
        data = cbor2.loads(message.payload)
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
