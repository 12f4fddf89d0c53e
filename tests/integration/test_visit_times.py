"""Issue 16 point 4: visits and calls at possible times only, outcomes after the visit, and
referral follow-up dates that are not past and that come back in the queue."""

from datetime import date, time

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AssistanceStatus, AuditEvent, ComplaintStatus
from tests.factories import account, assistance_request, complaint, sign_in
from tests.helpers import parse

pytestmark = pytest.mark.clock("2026-12-03T10:00:00+07:00")  # a Thursday
MONDAY = date(2026, 12, 7)


def act(client, path, action, prefix="", **data):
    page = parse(client.get(path))
    form = page.select_one(f"#aksi-{action} form")
    assert form is not None, f"no {action} form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **{f"{prefix}{k}": v for k, v in data.items()}})


def said(response) -> str:
    assert response.status_code == 400
    return parse(response).select_one(".error-summary").get_text(" ", strip=True)


def schedule(client, found, officer, on, at, **extra):
    data = {"kind": "kunjungan_rumah", "on": on.isoformat(), "at": at, "officer": str(officer.id), **extra}
    return act(client, f"/petugas/bantuan/{found.reference}", "jadwalkan", "jadwalkan-", **data)


def test_a_home_visit_is_on_a_working_day_in_office_hours(client):
    officer = account()
    found, _ = assistance_request()
    sign_in(client, officer)
    act(client, f"/petugas/bantuan/{found.reference}", "ambil")
    assert "Minggu, 6 Desember 2026 bukan hari kerja" in said(
        schedule(client, found, officer, date(2026, 12, 6), "10:00")
    )
    assert "bukan hari kerja" in said(schedule(client, found, officer, date(2026, 12, 25), "10:00"))  # Natal
    assert "jam kerja, 08.00 sampai 16.00 WIB" in said(schedule(client, found, officer, MONDAY, "23:30"))
    assert "jam kerja" in said(schedule(client, found, officer, MONDAY, "07:59"))
    assert "Waktu janji sudah lewat" in said(schedule(client, found, officer, date(2026, 12, 3), "08:30"))
    db.session.refresh(found)
    assert found.status is AssistanceStatus.DITERIMA and found.appointment_on is None
    assert schedule(client, found, officer, date(2026, 12, 3), "15:30").status_code == 303  # later today


def test_a_time_outside_what_the_resident_asked_for_needs_the_officers_confirmation(client):
    officer = account()
    found, _ = assistance_request(preferred_times=("pagi",))
    sign_in(client, officer)
    path = f"/petugas/bantuan/{found.reference}"
    act(client, path, "ambil")
    page = parse(client.get(path))
    assert "pagi (08.00–11.00)" in page.select_one("#aksi-jadwalkan").get_text()
    message = said(schedule(client, found, officer, MONDAY, "14:00"))
    assert "Warga minta dihubungi pagi (08.00–11.00)" in message and "centang" in message
    assert schedule(client, found, officer, MONDAY, "14:00", outside_asked="y").status_code == 303
    detail = db.session.scalar(sa.select(AuditEvent.detail).where(AuditEvent.action == "jadwalkan"))
    assert "di luar waktu yang diminta warga" in detail
    assert schedule(client, found, officer, MONDAY, "09:00").status_code == 303  # moved into the morning


def test_the_outcome_of_a_visit_is_recorded_after_it(client):
    officer = account()
    found, _ = assistance_request()
    sign_in(client, officer)
    path = f"/petugas/bantuan/{found.reference}"
    act(client, path, "ambil")
    assert schedule(client, found, officer, MONDAY, "10:00").status_code == 303
    message = said(act(client, path, "hasil", "hasil-", outcome="informasi", message="Sudah dijelaskan."))
    assert "Janji baru pada 7 Desember 2026 pukul 10.00 WIB" in message
    found.appointment_on, found.appointment_at = date(2026, 12, 3), time(9, 0)  # as if it was moved and held
    db.session.commit()
    assert act(client, path, "hasil", "hasil-", outcome="informasi").status_code == 303


def refer(client, case, on):
    return act(
        client,
        f"/petugas/pengaduan/{case.reference}",
        "rujuk",
        agency="dukcapil",
        follow_up_on=on.isoformat(),
        message="Data kependudukan Anda diperiksa Disdukcapil.",
    )


def test_a_follow_up_date_in_the_past_is_refused_and_one_that_has_come_is_in_the_queue(client):
    supervisor = account("supervisor")
    today_case, _ = complaint()
    later_case, _ = complaint()
    sign_in(client, supervisor)
    message = said(refer(client, today_case, date(2026, 12, 2)))
    assert "Tanggal tindak lanjut 2 Desember 2026 sudah lewat" in message
    assert refer(client, today_case, date(2026, 12, 3)).status_code == 303
    assert refer(client, later_case, date(2026, 12, 10)).status_code == 303

    page = parse(client.get("/petugas/pengaduan?tindak_lanjut=1"))
    assert page.select_one("#tindak_lanjut").has_attr("checked")
    rows = page.select("#antrean tbody tr")
    assert [r.select_one("td a").get_text(strip=True) for r in rows] == [today_case.reference]
    assert "Tindak lanjut hari ini" in rows[0].get_text()
    today_case.follow_up_on = date(2026, 12, 1)  # two days on, nobody asked the agency
    db.session.commit()
    row = parse(client.get("/petugas/pengaduan?status=dirujuk")).select_one(
        f"tr:has(a[href$='{today_case.reference}'])"
    )
    assert "Tindak lanjut terlewat" in row.get_text()
    other = parse(client.get("/petugas/pengaduan?status=dirujuk")).select_one(
        f"tr:has(a[href$='{later_case.reference}'])"
    )
    assert "Tindak lanjut" not in other.get_text()
    db.session.refresh(later_case)
    assert later_case.status is ComplaintStatus.DIRUJUK
