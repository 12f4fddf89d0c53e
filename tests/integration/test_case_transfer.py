"""Issue 16 point 5: a walk-in from another kecamatan. The filing officer is warned before
sending that they will not see the case afterwards, the confirmation does not link to a 404, and
a case can be moved to another kelurahan (supervisor, or the officer who filed it), audited."""

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, Complaint, EventKind
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.assistance import details, start, token

CHECK = "/petugas/pengaduan/baru/periksa"


def send(client):
    return client.post(CHECK, data={"csrf_token": token(client, CHECK)})


def test_filing_for_a_walk_in_from_another_kecamatan_warns_before_sending(client):
    officer = account(kecamatan=["32.75.01"])
    sign_in(client, officer)
    start(client)
    details(client, kelurahan="32.75.02.1001")
    warning = parse(client.get(CHECK)).select_one("#di-luar-wilayah")
    text = warning.get_text(" ", strip=True)
    assert "Setelah dikirim, Anda tidak dapat membuka pengaduan ini" in text
    assert "di luar wilayah Anda" in text and "Berikan tanda terima" in text
    assert send(client).status_code == 303
    done = parse(client.get("/petugas/pengaduan/baru/terkirim"))
    filed = db.session.scalars(sa.select(Complaint)).one()
    assert not [a for a in done.select("a[href]") if filed.reference in a["href"]]  # no link to a 404
    assert "Anda tidak dapat membukanya" in done.get_text()


def test_no_warning_inside_the_officers_area(client):
    sign_in(client, account(kecamatan=["32.75.01"]))
    start(client)
    details(client, kelurahan="32.75.01.1001")
    assert parse(client.get(CHECK)).select_one("#di-luar-wilayah") is None


def transfer(client, case, **data):
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    form = page.select_one("#aksi-pindah-wilayah form")
    assert form is not None, "no transfer form"
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    return client.post(form["action"], data={**values, **data})


def test_the_filing_officer_moves_a_walk_in_to_the_residents_kecamatan(client):
    officer = account(kecamatan=["32.75.01"])
    case, _ = complaint(kelurahan_code="32.75.01.1001")
    case.filed_by_id = officer.id
    case.assigned_to_id = officer.id
    db.session.commit()
    sign_in(client, officer)
    refused = transfer(client, case, kelurahan="32.75.01.1001", reason="Salah pilih")
    assert refused.status_code == 400 and "sudah di kelurahan tersebut" in parse(refused).get_text()
    response = transfer(client, case, kelurahan="32.75.02.1001", reason="Warga tinggal di Bekasi Barat.")
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/pengaduan"
    told = parse(client.get("/petugas/pengaduan")).select_one(".notice[role=status]").get_text(" ", strip=True)
    assert f"Pengaduan {case.reference} dipindahkan ke" in told and "tidak dapat membukanya lagi" in told
    db.session.refresh(case)
    assert case.kelurahan_code == "32.75.02.1001" and case.assigned_to_id is None
    note = case.events[-1]
    assert (
        note.kind is EventKind.CATATAN and not note.public and "Alasan: Warga tinggal di Bekasi Barat." in note.message
    )
    row = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "pindah_wilayah")).one()
    assert row.detail == "32.75.01.1001 -> 32.75.02.1001; petugas dilepas" and row.account_id == officer.id


def test_a_supervisor_moves_any_open_case_and_others_may_not(client, app):
    case, _ = complaint(kelurahan_code="32.75.01.1001")
    other = app.test_client()
    sign_in(other, account(kecamatan=["32.75.01"]))
    page = parse(other.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.select_one("#aksi-pindah-wilayah") is None  # not filed by them
    sign_in(client, account("supervisor"))
    response = transfer(client, case, kelurahan="32.75.03.1001", reason="Alamat KTP di Bekasi Selatan.")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/petugas/pengaduan/{case.reference}"
    db.session.refresh(case)
    assert case.kelurahan_code == "32.75.03.1001"
