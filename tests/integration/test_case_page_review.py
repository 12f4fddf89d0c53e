"""The new-staff review of the officer's case page: an overdue answer deadline is marked as the
queue marks it; an appeal's deadline is named as the appeal's; the supervisor who decided first is
told why the appeal is not theirs to decide; a resident with a number the portal cannot message is
described as such; an officer who files for a walk-in from their own area handles the case."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Complaint, ComplaintStatus
from portal.notifications.models import OptOut
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.assistance import details, start, token
from tests.integration.test_officer_cases import act, appealed_case

NOW = "2026-11-18T10:00:00+07:00"  # a Wednesday
FILED_LONG_AGO = datetime.fromisoformat("2026-08-03T09:00:00+07:00")  # its deadlines passed in September


def _summary(page) -> dict[str, str]:
    return {
        row.select_one("dt").get_text(strip=True): row.select_one("dd").get_text(" ", strip=True)
        for row in page.select("dl.summary > div")
    }


def _queue_marks(client, reference: str) -> str:
    queue = parse(client.get("/petugas/pengaduan?status=terbuka"))
    link = queue.select_one(f'#antrean a[href$="/{reference}"]')
    return link.find_parent("tr").select("td")[5].get_text(" ", strip=True)


@pytest.mark.clock(NOW)
def test_a_passed_answer_deadline_says_terlambat_as_the_queue_does(client):
    officer = account()
    late, _ = complaint(now=FILED_LONG_AGO)
    late.verified_at = FILED_LONG_AGO  # checked in time: only the answer is late
    late.status = ComplaintStatus.DIVERIFIKASI
    fresh, _ = complaint(subject_nik="3275014707850001")
    db.session.commit()
    sign_in(client, officer)
    assert "Terlambat" in _queue_marks(client, late.reference)
    shown = _summary(parse(client.get(f"/petugas/pengaduan/{late.reference}")))
    assert shown["Dijawab paling lambat"].endswith("Terlambat")
    assert "Terlambat" not in shown["Diperiksa paling lambat"]  # "(sudah)": checked in time
    assert "Terlambat" not in _queue_marks(client, fresh.reference)
    shown = _summary(parse(client.get(f"/petugas/pengaduan/{fresh.reference}")))
    assert "Terlambat" not in shown["Dijawab paling lambat"] + shown["Diperiksa paling lambat"]


@pytest.mark.clock(NOW)
def test_an_unchecked_case_past_both_deadlines_and_a_stopped_clock(client):
    officer = account()
    late, _ = complaint(now=FILED_LONG_AGO)
    sign_in(client, officer)
    shown = _summary(parse(client.get(f"/petugas/pengaduan/{late.reference}")))
    assert shown["Diperiksa paling lambat"].endswith("Terlambat")
    assert shown["Dijawab paling lambat"].endswith("Terlambat")
    late.status, late.paused_since = ComplaintStatus.MENUNGGU_INFORMASI, FILED_LONG_AGO.date()
    db.session.commit()  # waiting for the resident: the clock stopped, the queue marks nothing
    assert "Terlambat" not in _queue_marks(client, late.reference)
    shown = _summary(parse(client.get(f"/petugas/pengaduan/{late.reference}")))
    assert "Terlambat" not in shown["Dijawab paling lambat"] + shown["Diperiksa paling lambat"]


def test_the_appeal_deadline_is_named_and_the_first_decider_is_told_why_not_them(client, app):
    first, second = account("supervisor"), account("supervisor")
    case = appealed_case(client, first)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    shown = _summary(page)
    assert "Dijawab paling lambat" not in shown
    assert shown["Banding diputuskan paling lambat"].startswith(f"{case.resolve_due.day} ")
    assert page.select_one("#aksi-banding") is None
    why = page.select_one(".actions-panel #aksi-banding-tertahan")
    assert why.get_text(" ", strip=True).startswith(
        "Banding ini harus diputuskan supervisor lain, bukan yang memutus pertama kali."
    )
    other = app.test_client()
    sign_in(other, second)
    page = parse(other.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-banding") is not None and page.select_one("#aksi-banding-tertahan") is None
    assert "Banding diputuskan paling lambat" in _summary(page)
    act(other, case, "banding", decision="buka", message="Data DTSEN diperiksa ulang.")
    shown = _summary(parse(other.get(f"/petugas/pengaduan/{case.reference}")))  # reopened: answered again
    assert "Dijawab paling lambat" in shown and "Banding diputuskan paling lambat" not in shown


NOT_SET_UP = (
    "Nomor warga ada, tetapi pengiriman WhatsApp/SMS belum disiapkan di portal ini: hubungi warga lewat "
    "telepon dan catat di “Catat kontak dengan warga”."
)


def test_a_number_without_a_channel_on_this_server_is_said_plainly(client):
    officer = account("supervisor")  # the test app sends e-mail only: no SMS, no WhatsApp
    by_phone, _ = complaint()
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/pengaduan/{by_phone.reference}"))
    told = page.select_one("#pesan-warga-tak-terkirim").get_text(" ", strip=True)
    assert told == NOT_SET_UP
    assert "tanpa nomor telepon" not in page.get_text()
    act(client, by_phone, "balas", message="Kami periksa.")
    flashed = parse(client.get(f"/petugas/pengaduan/{by_phone.reference}")).select_one(".notice[role=status]")
    assert NOT_SET_UP in flashed.get_text(" ", strip=True)
    assert "tidak ada nomor atau e-mail" not in flashed.get_text()

    db.session.add(OptOut(phone="+6281234567890"))
    db.session.commit()  # the number sent STOP: a different reason
    told = parse(client.get(f"/petugas/pengaduan/{by_phone.reference}")).select_one("#pesan-warga-tak-terkirim")
    assert "STOP" in told.get_text() and "belum disiapkan" not in told.get_text()

    by_mail, _ = complaint(email="warga@contoh.id", subject_nik="3275014707850002")
    page = parse(client.get(f"/petugas/pengaduan/{by_mail.reference}"))
    assert page.select_one("#pesan-warga-tak-terkirim") is None  # the receipt went by e-mail


CHECK = "/petugas/pengaduan/baru/periksa"


def _file_for_walk_in(client, kelurahan: str, **more) -> Complaint:
    start(client)
    details(client, kelurahan=kelurahan, **more)
    assert client.post(CHECK, data={"csrf_token": token(client, CHECK)}).status_code == 303
    return db.session.scalars(sa.select(Complaint).order_by(Complaint.id.desc())).first()


def test_a_walk_in_from_the_officers_own_area_is_theirs_at_once(client):
    officer = account(kecamatan=["32.75.01"])
    sign_in(client, officer)
    case = _file_for_walk_in(client, "32.75.01.1001")
    assert case.assigned_to_id == officer.id
    claimed = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "ambil", AuditEvent.object_id == str(case.id))
    ).one()
    assert claimed.account_id == officer.id
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-ambil") is None and page.select_one("#aksi-verifikasi") is not None
    assert "Petugas: Officer Uji" in page.select_one("h1 + p").get_text(" ", strip=True)


def test_a_walk_in_from_elsewhere_or_confidential_stays_unassigned(client):
    officer = account(kecamatan=["32.75.01"])
    sign_in(client, officer)
    case = _file_for_walk_in(client, "32.75.02.1001")
    assert case.assigned_to_id is None
    case = _file_for_walk_in(client, "32.75.01.1001", rahasia="y")  # a supervisor assigns those
    assert case.confidential and case.assigned_to_id is None
    assert not db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ambil")).all()


def test_why_a_resident_cannot_be_messaged(app):
    from portal.notifications.models import OutboxChannel
    from portal.notifications.services.notices import Recipient, Unreachable, unreachable

    db.session.add(OptOut(phone="+6281111111111"))
    db.session.flush()
    why = lambda **given: unreachable(session=db.session, recipient=Recipient(**given))  # noqa: E731
    assert why() is Unreachable.NO_ADDRESS
    assert why(phone="+6281234567890", prefers=OutboxChannel.WHATSAPP) is Unreachable.PHONE_NOT_SET_UP
    assert why(phone="+6281111111111") is Unreachable.STOPPED
    assert why(email="warga@contoh.id") is None
