"""The QR code's seal (portal.letters.documents.seal): deterministic, checked against every
certificate the city has used within its validity, refusing a forged or unknown one."""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime

import cbor2
import pytest

from portal.core.signing import known_certificates, load_pkcs12, make_demo_pkcs12, read_certificates
from portal.letters.documents.seal import LetterFacts, SealRefused, check, seal

FACTS = LetterFacts(
    number="500.15.1/12-Disnaker/XII/2026",
    code="9SP75R94B531216R",
    masked_name="B*** S******",
    masked_kpj="*******0001",
    programs=("JKK", "JKM"),
    mulai=date(2026, 1, 1),
    selesai=date(2026, 12, 31),
    issued_on=date(2026, 12, 5),
)


@pytest.fixture(scope="module")
def key():
    return load_pkcs12(make_demo_pkcs12(b"sandi"), b"sandi")


def test_the_same_facts_give_the_same_seal_and_it_checks(key):
    sealed = seal(FACTS, key)
    assert sealed == seal(FACTS, key) and sealed.startswith("SG1:")
    checked = check(f"https://sigap.bekasikota.go.id/verifikasi/X#{sealed}", known_certificates(key))
    assert checked.facts == FACTS and checked.certificate.kid == key.certificate.kid


def test_a_changed_coverage_date_is_refused(key):
    raw = bytearray(base64.urlsafe_b64decode(seal(FACTS, key)[4:] + "=="))
    at = raw.find(cbor2.dumps(20261231))
    raw[at + 4] ^= 1  # 2026-12-30 or -12-33: the facts no longer match their signature
    forged = "SG1:" + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    with pytest.raises(SealRefused, match="does not match"):
        check(forged, known_certificates(key))


def test_an_old_key_still_verifies_after_rotation_and_an_unknown_one_never(key):
    old = load_pkcs12(make_demo_pkcs12(b"", now=datetime(2024, 1, 1, tzinfo=UTC), years=3), None)
    bundle = old.certificate.pem.encode()
    assert [c.kid for c in read_certificates(bundle)] == [old.certificate.kid]
    everyone = known_certificates(key, bundle)
    assert [c.kid for c in everyone] == [old.certificate.kid, key.certificate.kid]  # oldest first
    assert check(seal(FACTS, old), everyone).certificate.kid == old.certificate.kid
    stranger = load_pkcs12(make_demo_pkcs12(b""), None)
    with pytest.raises(SealRefused, match="never used"):
        check(seal(FACTS, stranger), everyone)


def test_a_letter_dated_outside_its_certificates_validity_is_refused():
    expired = load_pkcs12(make_demo_pkcs12(b"", now=datetime(2020, 1, 1, tzinfo=UTC), years=1), None)
    with pytest.raises(SealRefused, match="validity"):
        check(seal(FACTS, expired), known_certificates(expired))


@pytest.mark.parametrize("text", ["", "https://x/verifikasi/A", "SG1:", "SG1:!!!", "SG1:" + "A" * 300])
def test_anything_else_is_refused_without_an_error(key, text):
    with pytest.raises(SealRefused):
        check(text, known_certificates(key))
