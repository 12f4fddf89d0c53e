"""/petugas/bantuan: the assistance queue, the request page, scheduling, outcomes, notes, who sees
disability data, its deletion, optimistic locking and the audit trail."""

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from portal.assistance.services.stats import disability_counts, request_figures
from portal.core.base import utcnow
from portal.core.trail import ActedBy
from portal.core.workdays import local_date
from portal.extensions import db
from portal.models import (
    AssistanceDisability,
    AssistanceKind,
    AssistanceOutcome,
    AssistanceStatus,
    AuditEvent,
    DisabilityCategory,
)
from tests.factories import account, assistance_request, complaint, sign_in
from tests.helpers import parse

WITH_DISABILITY = {
    "disabilities": (DisabilityCategory.SENSORIK_RUNGU, DisabilityCategory.SENSORIK_WICARA),
    "disability_note": "Perlu juru bahasa isyarat",
    "disability_consent": True,
}


def references(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select("#antrean-bantuan tbody td:first-child a")]


def act(client, found, action, **data):
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **{f"{action}-{k}": v for k, v in data.items()}})


def next_working_day() -> date:
    day = local_date(utcnow()) + timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def test_the_queue_sorts_by_due_date_with_counts_filters_and_search(client):
    supervisor = account("supervisor")
    old, _ = assistance_request(now=utcnow() - timedelta(days=20), subject_name="Pak Darto")
    new, _ = assistance_request(kinds=(AssistanceKind.TELEPON,), kelurahan_code="32.75.02.1001", phone="+6285711112222")
    sign_in(client, supervisor)
    response = client.get("/petugas/bantuan")
    assert response.status_code == 200 and references(response) == [old.reference, new.reference]
    page = parse(response)
    assert "Menunggu dihubungi: 2" in page.select_one(".status-counts").get_text(" ", strip=True)
    late = page.select("#antrean-bantuan tbody tr")[0]
    assert "row-late" in late["class"] and "Terlambat" in late.get_text()
    assert "Juru bahasa isyarat (BISINDO)" in late.get_text()
    assert "rungu" not in page.get_text()
    assert references(client.get("/petugas/bantuan?jenis=telepon")) == [new.reference]
    assert references(client.get("/petugas/bantuan?kecamatan=32.75.02")) == [new.reference]
    assert references(client.get("/petugas/bantuan?q=darto")) == [old.reference]
    assert references(client.get("/petugas/bantuan?q=0857-1111-2222")) == [new.reference]
    assert references(client.get(f"/petugas/bantuan?q={new.reference.lower()}")) == [new.reference]
    assert references(client.get("/petugas/bantuan?terlambat=1")) == [old.reference]
    assert references(client.get("/petugas/bantuan?ditugaskan=saya")) == []


def test_the_queue_answers_htmx_with_the_results_and_a_live_count(client):
    sign_in(client, account("supervisor"))
    assistance_request()
    fragment = parse(client.get("/petugas/bantuan?status=diterima", headers={"HX-Request": "true"}))
    assert fragment.select_one("h1") is None and fragment.select_one("section#antrean-bantuan")
    live = fragment.select_one("#antrean-bantuan-status[hx-swap-oob=innerHTML]")
    assert live.get_text(strip=True) == "1 permintaan"
    page = parse(client.get("/petugas/bantuan"))
    assert page.select_one("#antrean-bantuan-status[role=status]") is not None
    assert page.select_one("form[role=search][hx-push-url=true]") and page.select_one("form button[type=submit]")


def test_pagination(client):
    sign_in(client, account("supervisor"))
    for _ in range(27):
        assistance_request()
    first = parse(client.get("/petugas/bantuan"))
    assert len(first.select("#antrean-bantuan tbody tr")) == 25
    assert "halaman 1 dari 2" in first.select_one("#antrean-bantuan p").get_text()
    assert len(parse(client.get("/petugas/bantuan?hal=2")).select("#antrean-bantuan tbody tr")) == 2


def test_officers_see_only_their_kecamatan(client):
    officer = account(kecamatan=["32.75.02"])
    mine, _ = assistance_request(kelurahan_code="32.75.02.1001")
    other, _ = assistance_request()
    sign_in(client, officer)
    assert references(client.get("/petugas/bantuan")) == [mine.reference]
    assert client.get(f"/petugas/bantuan/{other.reference}").status_code == 404


def test_claim_schedule_and_record_the_outcome(client):
    officer = account()
    found, _ = assistance_request()
    case, _ = complaint(subject_name="Sari Wulandari")  # the same person (issue 16 point 3)
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert page.select_one("#aksi-jadwalkan") is None  # claim first
    assert act(client, found, "ambil").status_code == 303
    day = next_working_day()
    response = act(
        client,
        found,
        "jadwalkan",
        kind="kunjungan_rumah",
        on=day.isoformat(),
        at="10:30",
        officer=str(officer.id),
        message="Saya datang bersama juru bahasa isyarat.",
    )
    assert response.status_code == 303 and response.headers["Location"] == f"/petugas/bantuan/{found.reference}"
    db.session.refresh(found)
    assert found.status is AssistanceStatus.DIJADWALKAN and found.appointment_on == day
    assert found.contacted_at is not None and found.assigned_to_id == officer.id
    # the outcome of the visit is recorded after it (issue 16 point 4)
    response = act(client, found, "hasil", outcome="informasi", message="")
    assert "Catat hasilnya sesudah itu" in parse(response).select_one(".error-summary").get_text()
    found.appointment_on, found.appointment_at = local_date(utcnow()) - timedelta(days=1), time(10, 30)  # held
    db.session.commit()
    response = act(client, found, "hasil", outcome="pengaduan_diajukan", reference="", message="")
    assert "Tulis nomor pengaduan atau usulan" in parse(response).select_one(".error-summary").get_text()
    response = act(client, found, "hasil", outcome="pengaduan_diajukan", reference="SGP-2026-999999")
    assert "tidak ditemukan" in parse(response).select_one(".error-summary").get_text()
    response = act(
        client,
        found,
        "hasil",
        outcome="pengaduan_diajukan",
        reference=case.reference.lower(),
        message="Pengaduan Anda sudah kami ajukan.",
    )
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.status is AssistanceStatus.SELESAI and found.outcome is AssistanceOutcome.PENGADUAN_DIAJUKAN
    assert found.outcome_reference == case.reference and found.completed_at is not None
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    timeline = page.select_one("ol.timeline").get_text(" ", strip=True)
    assert "Dijadwalkan" in timeline and "Selesai: Pengaduan diajukan atas nama warga" in timeline
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.object_type == "assistance", AuditEvent.action != "lihat")
        .order_by(AuditEvent.id)
    ).all()
    assert actions == ["ambil", "jadwalkan", "catat_hasil"]


def test_could_not_reach_is_an_outcome_without_contact(client):
    supervisor = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, supervisor)
    response = act(client, found, "hasil", outcome="tidak_dapat_dihubungi", message="Tiga kali ditelepon.")
    assert response.status_code == 303
    told = parse(client.get(f"/petugas/bantuan/{found.reference}")).select_one(".notice[role=status]")
    assert told.get_text(strip=True) == "Hasilnya dicatat."
    db.session.refresh(found)
    assert found.status is AssistanceStatus.SELESAI and found.contacted_at is None


def test_scheduling_checks_date_and_who_may_be_scheduled(client):
    officer, colleague = account(), account()
    found, _ = assistance_request()
    sign_in(client, officer)
    act(client, found, "ambil")
    response = act(client, found, "jadwalkan", kind="telepon", on="2020-01-02", at="09:00", officer=str(officer.id))
    assert "Waktu janji sudah lewat" in parse(response).select_one(".error-summary").get_text()
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert [o["value"] for o in page.select("#aksi-jadwalkan select option")] == [str(officer.id)]
    response = act(
        client,
        found,
        "jadwalkan",
        kind="telepon",
        on=next_working_day().isoformat(),
        at="09:00",
        officer=str(colleague.id),
    )
    assert "Hanya supervisor" in parse(response).select_one(".error-summary").get_text()
    response = act(client, found, "jadwalkan", kind="telepon", on="", at="", officer=str(officer.id))
    assert response.status_code == 400
    links = [a.get_text(strip=True) for a in parse(response).select("#aksi-jadwalkan .error-summary a")]
    assert links == ["Tulis tanggal janji.", "Tulis jam janji, misalnya 10:00."]


def test_a_supervisor_schedules_for_an_officer_of_the_area(client):
    supervisor = account("supervisor")
    officer, elsewhere = account(kecamatan=["32.75.01"]), account(kecamatan=["32.75.02"])
    found, _ = assistance_request()
    sign_in(client, supervisor)
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    choices = [o["value"] for o in page.select("#aksi-jadwalkan select option")]
    assert str(officer.id) in choices and str(elsewhere.id) not in choices
    response = act(
        client,
        found,
        "jadwalkan",
        kind="whatsapp",
        on=next_working_day().isoformat(),
        at="13:00",
        officer=str(officer.id),
    )
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.assigned_to_id == officer.id


def test_disability_data_is_shown_only_to_the_assigned_officer_and_supervisors(client, app):
    found, _ = assistance_request(**WITH_DISABILITY)
    officer, other, supervisor = account(), account(), account("supervisor")
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert "rungu" not in page.get_text() and "Perlu juru bahasa" not in page.get_text()
    assert "Hanya terlihat oleh petugas yang ditugaskan" in page.select_one("#disabilitas").find_next("p").get_text()
    act(client, found, "ambil")
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert "Disabilitas sensorik rungu (tuli atau sulit mendengar)" in page.get_text() and "(ganda)" in page.get_text()
    views = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "lihat", AuditEvent.object_type == "assistance")
    ).all()
    assert {v.account_id for v in views} == {officer.id}  # one row a view; the last showed the data
    assert [v.detail for v in views][-2:] == ["", "dengan data disabilitas"]
    second = app.test_client()
    sign_in(second, other)
    assert "rungu" not in parse(second.get(f"/petugas/bantuan/{found.reference}")).get_text()
    third = app.test_client()
    sign_in(third, supervisor)
    assert "rungu" in parse(third.get(f"/petugas/bantuan/{found.reference}")).get_text()


def test_officer_deletes_disability_data_on_request_with_an_audit_event(client):
    found, _ = assistance_request(**WITH_DISABILITY)
    supervisor = account("supervisor")
    sign_in(client, supervisor)
    assert act(client, found, "hapus-disabilitas").status_code == 303
    db.session.refresh(found)
    assert found.disabilities == [] and found.disability_note is None and found.disability_deleted_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AssistanceDisability)) == 0
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "hapus_data_disabilitas")).one()
    assert event.account_id == supervisor.id and event.object_id == str(found.id)
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert page.select_one("#aksi-hapus-disabilitas") is None
    assert "Dihapus atas permintaan warga" in page.get_text()


def test_a_stale_form_gets_a_409_and_changes_nothing(client, app):
    first, second = account("supervisor"), account("supervisor")
    found, _ = assistance_request()
    other = app.test_client()
    sign_in(client, first)
    sign_in(other, second)
    stale = parse(other.get(f"/petugas/bantuan/{found.reference}")).select_one("#aksi-catatan form")
    assert act(client, found, "catatan", message="Sudah ditelepon, tidak diangkat.").status_code == 303
    values = {i["name"]: i.get("value", "") for i in stale.select("input[type=hidden]")}
    response = other.post(stale["action"], data={**values, "catatan-message": "Catatan lama"})
    assert response.status_code == 409
    assert "sudah diubah sejak Anda membukanya" in parse(response).select_one("#berubah").get_text()
    db.session.refresh(found)
    assert [e.message for e in found.events if e.kind.value == "catatan"] == ["Sudah ditelepon, tidak diangkat."]


def test_notes_are_internal(client):
    found, code = assistance_request()
    sign_in(client, account("supervisor"))
    act(client, found, "catatan", message="RAHASIA: tetangga bilang sering ke pasar pagi")
    db.session.refresh(found)
    assert [e.public for e in found.events] == [True, False]


def test_unknown_action_and_unknown_reference_are_404(client):
    found, _ = assistance_request()
    sign_in(client, account("supervisor"))
    assert client.get("/petugas/bantuan/BTN-2026-999999").status_code == 404
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    token = page.select_one("#aksi-catatan input[name=catatan-csrf_token]")["value"]
    assert client.post(f"/petugas/bantuan/{found.reference}/aksi/tutup", data={"csrf_token": token}).status_code == 404


def test_viewing_a_request_is_audited(client):
    officer = account()
    found, _ = assistance_request()
    sign_in(client, officer)
    client.get(f"/petugas/bantuan/{found.reference}")
    views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "lihat")).all()
    assert [(v.object_type, v.object_id, v.account_id) for v in views] == [("assistance", str(found.id), officer.id)]


def test_disability_counts_are_counts_only_with_ganda(session):
    assistance_request(**WITH_DISABILITY)
    assistance_request(disabilities=(DisabilityCategory.FISIK,), disability_consent=True)
    assistance_request()
    counts = disability_counts(session)
    assert counts == {
        "fisik": 1,
        "intelektual": 0,
        "mental": 0,
        "sensorik_netra": 0,
        "sensorik_rungu": 1,
        "sensorik_wicara": 1,
        "ganda": 1,
    }


def test_request_figures_count_contact_on_time(session):
    from portal.assistance.services.requests import Actor, transition

    late, _ = assistance_request(now=utcnow() - timedelta(days=30))
    on_time, _ = assistance_request(now=utcnow() - timedelta(days=30))
    assistance_request()  # not due yet
    on_time.outcome = AssistanceOutcome.INFORMASI
    transition(
        session=session,
        request=on_time,
        target=AssistanceStatus.SELESAI,
        actor=Actor.PETUGAS,
        acted_by=ActedBy.officer(account().id),
        now=utcnow() - timedelta(days=29),
    )
    session.commit()
    figures = request_figures(session, today=local_date(utcnow()))
    assert (figures.requests, figures.due, figures.contacted_on_time) == (3, 2, 1)
    assert figures.contacted_on_time_percent == 50.0
    assert late.contacted_at is None


@pytest.mark.parametrize("role", ["officer", "supervisor"])
def test_the_disability_data_is_not_in_the_queue_or_audit_details(client, role):
    found, _ = assistance_request(**WITH_DISABILITY)
    sign_in(client, account(role))
    assert "rungu" not in client.get("/petugas/bantuan").get_data(as_text=True)
    client.get(f"/petugas/bantuan/{found.reference}")
    details = " ".join(db.session.scalars(sa.select(AuditEvent.detail)).all())
    assert "rungu" not in details and "juru bahasa" not in details


def test_concurrent_requests_and_complaints_keep_two_gap_free_series(app, database_url):
    """BTN and SGP numbers come from one counter table, one row per series and year."""
    import re
    import threading

    from portal.models import AssistanceRequest, Complaint

    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(n: int):
        try:
            with app.app_context():
                barrier.wait()
                for _ in range(4):
                    (assistance_request if n % 2 else complaint)()
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for model, series in ((AssistanceRequest, "BTN"), (Complaint, "SGP")):
        references = db.session.scalars(sa.select(model.reference)).all()
        numbers = sorted(int(re.fullmatch(rf"{series}-\d{{4}}-(\d{{6}})", r).group(1)) for r in references)
        assert numbers == list(range(1, 17)), series


def test_the_page_says_why_the_requester_gets_no_message(client):
    """A number, but no SMS or WhatsApp set up on this server (the test configuration): said plainly,
    with the page's own place to write the contact down."""
    found, _code = assistance_request()
    sign_in(client, account("supervisor"))
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    said = page.select_one("#pesan-warga-tak-terkirim").get_text(" ", strip=True)
    assert said.startswith("Nomor warga ada, tetapi pengiriman WhatsApp/SMS belum disiapkan di portal ini")
    assert "“Catatan internal”" in said
    assert "Warga tanpa nomor telepon atau e-mail" not in page.get_text(" ", strip=True)
