"""Nothing is reachable by guessing an identifier: tracking answers the same for a wrong code and an
unknown reference, attachments need an officer who may see the case, letter codes are long random
strings, and public URLs take no sequential database ids."""

import io
import math
import re

from flask import Flask
from flask.sessions import SecureCookieSessionInterface

from portal.core.base import utcnow
from portal.extensions import db
from portal.letters.services import letters
from portal.models import Attachment
from tests.factories import account, assistance_request, attachment, complaint, person, png, sign_in
from tests.helpers import csrf_token, parse

COMPLAINT_DETAILS = {
    "nama": "Siti Aminah",
    "kelurahan": "32.75.01.1001",
    "pelapor": "sendiri",
    "telepon": "0812-3456-7890",
    "saluran": "whatsapp",
    "uraian": "Saya tidak terdaftar.",
}


def _track(client, reference, code):
    return client.post(
        "/pengaduan/lacak",
        data={"csrf_token": csrf_token(client, "/pengaduan/lacak"), "nomor": reference, "kode": code},
    )


def _answer(response) -> tuple:
    """Status, header names and the page, without what the form echoes (the typed reference, the token)."""
    main = parse(response).select_one("main")
    for field in main.select("input[value]"):
        field["value"] = ""
    return response.status_code, sorted(response.headers.keys()), str(main)


def test_a_wrong_code_and_an_unknown_reference_are_the_same_whole_answer(client):
    """Extends tests/integration/test_complaint_tracking.py, which compares the error summary."""
    case, _ = complaint()
    found, _ = assistance_request()
    for known, unknown in ((case.reference, "SGP-2026-999999"), (found.reference, "BTN-2026-999999")):
        assert _answer(_track(client, known, "AAAA-AAAA")) == _answer(_track(client, unknown, "AAAA-AAAA"))


def test_a_session_cookie_signed_elsewhere_opens_nothing(app, client):
    case, _ = complaint()
    someone = person()
    forged = {
        "tracked_complaint": {"id": case.id, "at": utcnow().timestamp()},
        "checked_person": someone.id,
        "checked_at": int(utcnow().timestamp()),
        "filed_complaint": {"id": case.id, "code": "AAAAAAAA"},
    }
    forger = Flask("forger")
    forger.secret_key = "a-key-an-attacker-knows"  # noqa: S105 (not the portal's key: that is the point)
    value = SecureCookieSessionInterface().get_signing_serializer(forger).dumps(forged)
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], value)
    assert client.get("/pengaduan/lacak/kasus").headers["Location"] == "/pengaduan/lacak"
    assert client.get("/pengaduan/terkirim").status_code == 404
    assert client.get("/surat").status_code == 403


def test_attachments_of_misconduct_reports_are_for_supervisors_only(app, client):
    """Extends tests/integration/test_officer_cases.py (signed out, supervisor) and
    test_authorization_matrix.py (another kecamatan)."""
    report, _ = complaint(category="pungli", subject_nik=None)
    record = attachment(app, report, filename="ktp.png")
    sign_in(client, account())  # an officer of all of Kota Bekasi
    assert client.get(f"/petugas/lampiran/{record.id}").status_code == 404
    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    response = boss.get(f"/petugas/lampiran/{record.id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_draft_attachment_is_no_download_and_only_its_own_draft_removes_it(app, client):
    owner = client
    owner.post("/pengaduan/baru", data={"csrf_token": csrf_token(owner, "/pengaduan/baru"), "kategori": "informasi"})
    owner.post(
        "/pengaduan/baru/rincian",
        content_type="multipart/form-data",
        data={
            "csrf_token": csrf_token(owner, "/pengaduan/baru/rincian"),
            **COMPLAINT_DETAILS,
            "lampiran": [(io.BytesIO(png()), "kk.png")],
        },
    )
    record = db.session.query(Attachment).one()
    stranger = app.test_client()
    stranger.post(
        "/pengaduan/baru", data={"csrf_token": csrf_token(stranger, "/pengaduan/baru"), "kategori": "informasi"}
    )
    removed = stranger.post(
        f"/pengaduan/baru/lampiran/{record.id}/hapus",
        data={"csrf_token": csrf_token(stranger, "/pengaduan/baru/rincian")},
    )
    assert removed.status_code == 303
    db.session.expire_all()
    assert db.session.get(Attachment, record.id) is not None  # still there: it is not the stranger's
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    assert supervisor.get(f"/petugas/lampiran/{record.id}").status_code == 404  # not filed yet


def test_letter_codes_carry_75_random_bits_and_a_check_character():
    """15 random characters of 32 symbols (75 bits: some 10^22 codes for about 12,000 letters) and
    one check character, which tells a typo from a code no letter has but adds no secret."""
    bits = (letters.CODE_LENGTH - 1) * math.log2(len(set(letters.CODE_ALPHABET)))
    assert bits >= 75
    codes = {letters.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(len(c) == letters.CODE_LENGTH for c in codes)
    assert set("".join(c[:-1] for c in codes)) == set(letters.CODE_ALPHABET)  # every symbol used: no narrower source
    assert all(letters.code_is_well_formed(c) for c in codes)


def test_an_unknown_letter_code_is_a_404_page_that_is_not_indexed(client):
    response = client.get("/verifikasi/" + letters.new_code())
    assert response.status_code == 404 and response.headers["X-Robots-Tag"] == "noindex"
    assert parse(response).select_one("#hasil").get_text(strip=True) == "Tidak ada surat dengan kode ini"


def test_public_urls_take_no_sequential_ids(app):
    """Public pages find a case, a person or a letter from the signed session (after a lookup) or a
    long random code, never from an id in the URL. The one public rule with a number removes a file
    from the visitor's own draft (test above); Open311 shows public, non-personal fields of
    non-confidential complaints by design (tests/integration/test_open311.py)."""
    numbered, named = set(), set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/petugas") or rule.endpoint == "static" or not rule.arguments:
            continue
        (numbered if re.search(r"<int:", rule.rule) else named).add(rule.rule)
    assert numbered == {"/pengaduan/baru/lampiran/<int:attachment_id>/hapus"}
    assert named == {"/verifikasi/<code>", "/statistik/<name>.csv", "/open311/v2/requests/<reference>.json"}
