import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, ComplaintStatus, EventKind, ResponseTemplate
from tests.factories import account, attachment, complaint, png, sign_in
from tests.helpers import parse


def act(client, case, action, **data):
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **data})


def test_the_case_page_shows_everything_and_is_audited(client):
    officer = account()
    case, _ = complaint(description="Saya ojol <b>tebal</b>")
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("h1").get_text(strip=True) == f"Pengaduan {case.reference}"
    assert "Saya ojol <b>tebal</b>" in page.select_one("dl.summary").get_text()  # escaped, shown as text
    assert "+6281234567890" in page.get_text()
    views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "lihat")).all()
    assert [(v.object_type, v.object_id) for v in views] == [("complaint", str(case.id))]


def test_claim_verify_reply_request_info_and_resolve(client):
    officer = account()
    case, _ = complaint(email="warga@contoh.id")
    sign_in(client, officer)
    assert act(client, case, "ambil").status_code == 303
    assert act(client, case, "verifikasi").status_code == 303
    assert act(client, case, "balas", message="Kami sedang memeriksa DTSEN.").status_code == 303
    told = parse(client.get(f"/petugas/pengaduan/{case.reference}")).select_one(".notice[role=status]")
    assert told.get_text(strip=True) == 'Balasan disimpan. Lihat di "Pesan ke warga" apakah kabarnya sampai.'
    assert parse(client.get(f"/petugas/pengaduan/{case.reference}")).select_one(".notice[role=status]") is None
    assert act(client, case, "minta-informasi", message="Mohon kirim foto KK.").status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.MENUNGGU_INFORMASI and case.paused_since is not None
    case.status = ComplaintStatus.DIVERIFIKASI  # (the resident's answer is tested on the tracking side)
    case.paused_since = None
    db.session.commit()
    response = act(
        client,
        case,
        "selesaikan",
        outcome="selesai",
        code="didaftarkan",
        next_step="Cek status lagi bulan depan.",
        message="Anda diusulkan sebagai peserta.",
    )
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.SELESAI and case.resolution_code.value == "didaftarkan"
    kinds = [e.kind for e in case.events]
    assert EventKind.BALASAN in kinds
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action != "lihat").order_by(AuditEvent.id)
    ).all()
    assert actions[-5:] == ["ambil", "verifikasi", "balas", "minta_informasi", "selesai"]


def test_an_officer_must_claim_before_acting(client):
    officer = account()
    case, _ = complaint()
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-verifikasi") is None and page.select_one("#aksi-ambil")


def test_referral_records_agency_reference_and_follow_up(client):
    supervisor = account("supervisor")
    case, _ = complaint()
    sign_in(client, supervisor)
    response = act(
        client,
        case,
        "rujuk",
        agency="dukcapil",
        reference="DUK-77",
        follow_up_on="2026-12-15",
        message="Data kependudukan Anda sedang diperbaiki di Disdukcapil.",
    )
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DIRUJUK and case.referral_reference == "DUK-77"
    assert str(case.follow_up_on) == "2026-12-15"


def test_a_stale_form_gets_a_clear_409_and_changes_nothing(client, app):
    first, second = account("supervisor"), account("supervisor")
    case, _ = complaint()
    other = app.test_client()
    sign_in(client, first)
    sign_in(other, second)
    stale = parse(other.get(f"/petugas/pengaduan/{case.reference}")).select_one("#aksi-catatan form")
    assert act(client, case, "verifikasi").status_code == 303
    values = {i["name"]: i.get("value", "") for i in stale.select("input[type=hidden]")}
    response = other.post(stale["action"], data={**values, "message": "catatan lama"})
    assert response.status_code == 409
    assert "sudah diubah sejak Anda membukanya" in parse(response).select_one("#berubah").get_text()
    db.session.refresh(case)
    assert [e.kind for e in case.events].count(EventKind.CATATAN) == 0


def test_invalid_transition_is_refused_with_a_message(client):
    supervisor = account("supervisor")
    case, _ = complaint()
    sign_in(client, supervisor)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    version = page.select_one("#aksi-catatan input[name=version]")["value"]
    token = page.select_one("#aksi-catatan input[name=csrf_token]")["value"]
    response = client.post(
        f"/petugas/pengaduan/{case.reference}/aksi/banding",
        data={"csrf_token": token, "version": version, "decision": "kuatkan", "message": "x"},
    )
    assert response.status_code == 400
    assert "tidak bisa diubah" in parse(response).get_text()
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DITERIMA


def test_action_form_errors_are_specific(client):
    supervisor = account("supervisor")
    case, _ = complaint()
    sign_in(client, supervisor)
    response = act(client, case, "selesaikan", outcome="", code="", next_step="", message="")
    assert response.status_code == 400
    summary = parse(response).select_one("#aksi-selesaikan .error-summary").get_text()
    assert "Pilih selesai atau ditolak." in summary and "Tulis langkah berikutnya" in summary


def test_templates_prefill_the_reply(client):
    supervisor = account("supervisor")
    case, _ = complaint()
    template = ResponseTemplate(title="Sedang diperiksa", body="Terima kasih, pengaduan Anda kami periksa.")
    db.session.add(template)
    db.session.commit()
    sign_in(client, supervisor)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}?templat={template.id}"))
    assert page.select_one("#aksi-balas textarea").get_text().strip() == template.body


def test_confidential_identity_is_hidden_from_other_officers(client, app):
    owner, other_officer = account(), account()
    case, _ = complaint(confidential=True, phone="+6281200000001")
    sign_in(client, other_officer)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert "+6281200000001" not in page.get_text() and "Dirahasiakan" in page.get_text()
    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    act(boss, case, "tugaskan", assignee=str(owner.id))
    owner_client = app.test_client()
    sign_in(owner_client, owner)
    assert "+6281200000001" in parse(owner_client.get(f"/petugas/pengaduan/{case.reference}")).get_text()


def test_a_confidential_case_is_assigned_by_a_supervisor_never_taken(client, app):
    officer = account()
    case, _ = complaint(confidential=True, phone="+6281200000001")
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-ambil") is None
    assert "Pengaduan rahasia ditugaskan oleh supervisor." in page.get_text()
    forced = client.post(
        f"/petugas/pengaduan/{case.reference}/aksi/ambil",
        data={"csrf_token": page.select_one("input[name=csrf_token]")["value"], "version": str(case.version)},
    )
    assert forced.status_code == 400
    assert "Minta supervisor menugaskannya" in parse(forced).get_text()
    db.session.refresh(case)
    assert case.assigned_to_id is None
    assert "+6281200000001" not in parse(client.get(f"/petugas/pengaduan/{case.reference}")).get_text()
    boss = app.test_client()
    sign_in(boss, account("supervisor"))
    assert act(boss, case, "ambil").status_code == 303  # a supervisor may take it


def test_misconduct_reports_are_for_supervisors_only(client, app):
    officer, supervisor = account(), account("supervisor")
    case, _ = complaint(category="pungli", subject_nik=None)
    sign_in(client, officer)
    assert client.get(f"/petugas/pengaduan/{case.reference}").status_code == 404
    assert case.reference not in parse(client.get("/petugas/pengaduan")).get_text()
    boss = app.test_client()
    sign_in(boss, supervisor)
    assert boss.get(f"/petugas/pengaduan/{case.reference}").status_code == 200


def test_kecamatan_scope(client):
    officer = account(kecamatan=["32.75.02"])
    inside, _ = complaint(kelurahan_code="32.75.02.1001")
    outside, _ = complaint(kelurahan_code="32.75.01.1001")
    sign_in(client, officer)
    listed = parse(client.get("/petugas/pengaduan")).select_one("#antrean tbody").get_text()
    assert inside.reference in listed and outside.reference not in listed
    assert client.get(f"/petugas/pengaduan/{outside.reference}").status_code == 404


def test_attachments_are_downloaded_only_here_and_audited(client, app, tmp_path):
    supervisor = account("supervisor")
    case, _ = complaint()
    record = attachment(app, case)
    assert client.get(f"/petugas/lampiran/{record.id}").status_code == 302  # signed out: sign in first
    sign_in(client, supervisor)
    response = client.get(f"/petugas/lampiran/{record.id}")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert "attachment" in response.headers["Content-Disposition"]
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "unduh_lampiran")).one()


def test_the_case_page_speaks_in_words_not_codes(client, app):
    from tests.factories import person

    officer = account()
    someone = person(status="daftar_tunggu", kpj=None, mulai=None, selesai=None)
    case, _ = complaint(subject_nik=someone.nik)
    attachment(app, case, data=png((2, 2)))  # a few hundred bytes
    sign_in(client, officer)
    act(client, case, "ambil")
    act(client, case, "catatan", message="Cek DTSEN dulu.")
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    text = page.select_one("main").get_text(" ", strip=True)
    assert f"· {officer.name}" in page.select_one("ol.timeline").get_text(" ", strip=True)
    assert f"petugas:{officer.id}" not in text
    assert "(WhatsApp)" in text and "(whatsapp)" not in text
    assert "Daftar tunggu" in text and "daftar_tunggu" not in text
    assert "(1 KB)" in text and "(0 KB)" not in text
    queue = parse(client.get("/petugas/pengaduan")).select_one("#antrean tbody").get_text(" ", strip=True)
    assert "Anda" in queue
    other = app.test_client()
    sign_in(other, account("supervisor"))
    rows = parse(other.get("/petugas/pengaduan")).select("#antrean tbody tr")
    row = next(r for r in rows if case.reference in r.get_text())
    assert officer.name in row.get_text()


def test_marking_a_duplicate_says_the_same_of_a_case_out_of_sight_as_of_none(client):
    officer = account(kecamatan=["32.75.02"])
    mine, _ = complaint(kelurahan_code="32.75.02.1001")
    elsewhere, _ = complaint(kelurahan_code="32.75.01.1001")
    misconduct, _ = complaint(category="pungli", subject_nik=None, kelurahan_code="32.75.02.1001")
    sign_in(client, officer)
    act(client, mine, "ambil")

    def mark(reference: str) -> str:
        response = act(client, mine, "ganda", of_reference=reference)
        assert response.status_code == 400
        return parse(response).select_one(".error-summary").get_text(" ", strip=True)

    nowhere = mark("SGP-2026-999999")
    assert "tidak ditemukan" in nowhere
    assert mark(elsewhere.reference) == mark(misconduct.reference) == nowhere
    assert "dirinya sendiri" in mark(mine.reference)
    db.session.refresh(mine)
    assert mine.status is ComplaintStatus.DITERIMA and mine.duplicate_of_id is None


def appealed_case(client, first):
    """A case `first` (a supervisor, signed in here) concluded, which the resident then appealed."""
    from portal.complaints.services.tracking import rate_resolution
    from portal.core.workdays import WorkCalendar
    from portal.models import Satisfaction

    case, _ = complaint()
    sign_in(client, first)
    act(client, case, "selesaikan", outcome="selesai", code="didaftarkan", next_step="Cek lagi.", message="Beres.")
    db.session.refresh(case)
    rate_resolution(
        session=db.session,
        complaint=case,
        satisfaction=Satisfaction.BELUM_PUAS,
        reason="Belum muncul di cek status.",
        calendar=WorkCalendar(),
    )
    db.session.commit()
    return case


def test_an_appeal_is_judged_by_another_supervisor_with_reasons(client, app):
    first, second = account("supervisor"), account("supervisor")
    case = appealed_case(client, first)
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-banding") is None  # the one who concluded it does not judge it
    assert "Warga: belum puas" in page.select_one("ol.timeline").get_text()
    assert "Belum muncul di cek status." in page.select_one("ol.timeline").get_text()
    other = app.test_client()
    sign_in(other, second)
    response = act(other, case, "banding", decision="buka", message="Data DTSEN diperiksa ulang.")
    assert response.status_code == 303
    db.session.refresh(case)
    assert case.status is ComplaintStatus.DIVERIFIKASI
    decided = [e for e in case.events if e.kind is EventKind.STATUS and e.from_status is ComplaintStatus.BANDING]
    assert decided[-1].message == "Data DTSEN diperiksa ulang." and decided[-1].acted_by.officer_id == second.id
