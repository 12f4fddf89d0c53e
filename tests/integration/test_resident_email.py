"""The resident's e-mail is written from templates/complaints/email/*.txt, word for word as it was
when Python built it, and in Indonesian whatever the language of the officer who moved the case."""

import sqlalchemy as sa
from flask_babel import get_locale

from portal.extensions import db
from portal.models import ComplaintStatus, OutboxMessage
from tests.factories import complaint
from tests.helpers.complaints import officer_moves

S = ComplaintStatus

BODY = (
    "Pengaduan SIGAP {reference} diperbarui.\n"
    "Status sekarang: {status}.\n\n"
    "Lihat rinciannya di portal SIGAP, menu Lacak pengaduan, dengan nomor pengaduan dan "
    "kode akses Anda.\n\n"
    "Program SIGAP gratis. Petugas tidak pernah meminta uang.\n"
    "Dinas Tenaga Kerja Kota Bekasi"
)


def _messages() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_the_mail_says_only_where_to_look_word_for_word(app):
    case, _code = complaint(email="warga@contoh.id")
    officer_moves(case, S.MENUNGGU_INFORMASI)
    filed, waiting = _messages()
    ref = case.reference
    assert (filed.subject, waiting.subject) == (
        f"Pengaduan {ref}: Diterima",
        f"Pengaduan {ref}: Menunggu informasi dari Anda",
    )
    assert filed.body == BODY.format(reference=ref, status="Diterima")
    assert waiting.body == BODY.format(reference=ref, status="Menunggu informasi dari Anda")
    assert (waiting.to_address, waiting.reference) == ("warga@contoh.id", ref)


def test_an_officer_in_english_still_writes_to_the_resident_in_indonesian(app):
    case, _code = complaint(email="warga@contoh.id")
    with app.test_request_context("/petugas/pengaduan?lang=en"):
        assert str(get_locale()) == "en"
        officer_moves(case, S.DIVERIFIKASI)
        assert str(get_locale()) == "en"  # the officer's page goes on in English
    verified = _messages()[-1]
    assert verified.subject == f"Pengaduan {case.reference}: Sedang diperiksa"
    assert verified.body == BODY.format(reference=case.reference, status="Sedang diperiksa")
