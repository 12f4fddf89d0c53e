"""Assisted filing at /petugas/pengaduan/baru: an officer files a complaint or a candidate proposal
on someone's behalf through the residents' steps; who acted for whom and who consented are kept."""

import io
import re

import sqlalchemy as sa
from pypdf import PdfReader

from portal.core.trail import ActedBy
from portal.extensions import db
from portal.models import (
    AssistanceEventKind,
    AuditEvent,
    Complaint,
    ComplaintCategory,
    ComplaintStatus,
    EventKind,
)
from tests.factories import account, assistance_request, complaint, sign_in
from tests.helpers import parse
from tests.helpers.assistance import details, start, token


def send(client):
    return client.post(
        "/petugas/pengaduan/baru/periksa", data={"csrf_token": token(client, "/petugas/pengaduan/baru/periksa")}
    )


def test_an_officer_files_a_candidate_proposal_for_someone(client):
    officer = account()
    sign_in(client, officer)
    page = parse(client.get("/petugas/pengaduan/baru"))
    assert page.select_one("h1").get_text(strip=True) == "Pengajuan atas nama warga"
    assert page.select_one("nav[aria-label='Menu petugas']") is not None  # the officer layout
    assert page.select("input[name=kategori]")[0]["value"] == "usulan_calon"
    assert start(client).headers["Location"] == "/petugas/pengaduan/baru/rincian"
    form = parse(client.get("/petugas/pengaduan/baru/rincian"))
    assert form.select_one("label[for=kk]").get_text(strip=True) == "Nomor KK"
    assert form.select_one("label[for=uraian]").get_text(strip=True) == "Mengapa orang ini mungkin memenuhi syarat"
    assert details(client).headers["Location"] == "/petugas/pengaduan/baru/periksa"
    check = parse(client.get("/petugas/pengaduan/baru/periksa")).select_one("dl.summary").get_text(" ", strip=True)
    assert "3275010123450001" in check and "pemulung" in check and "Gg. Kenari 2 RT 004 RW 007" in check
    assert f"Petugas {officer.name}, atas nama warga" in check
    assert "pendamping: Rina (pendamping disabilitas)" in check
    assert send(client).headers["Location"] == "/petugas/pengaduan/baru/terkirim"
    done = parse(client.get("/petugas/pengaduan/baru/terkirim"))
    reference, code = (c.get_text(strip=True) for c in done.select(".panel-code"))
    assert re.fullmatch(r"SGP-\d{4}-\d{6}", reference) and len(code) == 9
    proposal = db.session.scalars(sa.select(Complaint)).one()
    assert proposal.category is ComplaintCategory.USULAN_CALON and proposal.status is ComplaintStatus.DITERIMA
    assert proposal.filed_by_id == officer.id and proposal.consent_recorded
    assert (proposal.kk_number, proposal.street, proposal.rt, proposal.rw, proposal.occupation) == (
        "3275010123450001",
        "Gg. Kenari 2",
        "004",
        "007",
        "pemulung",
    )
    assert proposal.filer_name == "Rina" and proposal.events[0].acted_by == ActedBy.officer(officer.id)
    note = [e for e in proposal.events if e.kind is EventKind.CATATAN][0]
    assert not note.public and "atas nama Pak Darto" in note.message and "pendamping: Rina" in note.message
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ajukan_atas_nama")).one()
    assert audit.account_id == officer.id and audit.object_id == str(proposal.id) and "pendamping" in audit.detail


def test_the_slip_names_the_officer_and_who_consented(client):
    officer = account()
    sign_in(client, officer)
    start(client)
    details(client)
    send(client)
    done = parse(client.get("/petugas/pengaduan/baru/terkirim"))
    reference, code = (c.get_text(strip=True) for c in done.select(".panel-code"))
    response = client.get("/petugas/pengaduan/baru/terkirim/tanda-terima.pdf")
    assert response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert reference in text and code in text and officer.name in text and "Rina" in text
    printed = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "cetak_tanda_terima")).one()
    assert printed.account_id == officer.id
    other = account()
    client.post("/petugas/keluar", data={"csrf_token": token(client, "/petugas/pengaduan")})
    sign_in(client, other)
    gone = client.get("/petugas/pengaduan/baru/terkirim")
    assert gone.status_code == 404
    said = parse(gone).get_text(" ", strip=True)
    assert "Cari pengaduannya di antrean" in said and "yang sudah Anda catat" not in said  # to the officer


def test_the_proposal_needs_what_verification_needs(client):
    sign_in(client, account())
    start(client)
    response = details(client, nik="", kk="1234", jalan="", pekerjaan="", persetujuan="")
    assert response.status_code == 400
    messages = [a.get_text(strip=True) for a in parse(response).select(".error-summary li a")]
    assert messages == [
        "Masukkan NIK 16 angka orang yang bersangkutan.",
        "Pengajuan atas nama warga perlu persetujuannya. Tanyakan dulu, lalu centang.",
        "Nomor KK terdiri dari 16 angka. Periksa kembali.",
        "Tulis alamat tempat tinggalnya.",
        "Tulis pekerjaannya, misalnya ojek online.",
    ]


def test_an_ordinary_complaint_on_someones_behalf_needs_consent_even_for_themselves(client):
    sign_in(client, account())
    start(client, "informasi")
    form = parse(client.get("/petugas/pengaduan/baru/rincian"))
    assert form.select_one("#kk") is None
    response = details(client, kategori="informasi", pelapor="sendiri", persetujuan="", kk="", pekerjaan="", jalan="")
    assert response.status_code == 400
    assert details(client, pelapor="sendiri", persetujuan="y", kk="", pekerjaan="", jalan="").status_code == 303
    assert send(client).status_code == 303
    filed = db.session.scalars(sa.select(Complaint)).one()
    assert filed.category is ComplaintCategory.INFORMASI and filed.kk_number is None and filed.consent_recorded


def test_one_open_proposal_per_nik_and_the_officer_sees_which(client):
    officer = account("supervisor")
    existing, _ = complaint()
    sign_in(client, officer)
    start(client)
    details(client, nik=existing.subject_nik)
    response = send(client)
    assert response.status_code == 409
    alert = parse(response).select_one(".error-summary[role=alert]")
    assert alert.select_one(f"a[href='/petugas/pengaduan/{existing.reference}']") is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 1


def test_filing_from_an_assistance_request_prefills_and_links_back(client):
    officer = account("supervisor")
    found, _ = assistance_request(subject_name="Ibu Sari Wulandari")
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    link = page.select_one(f"a[href='/petugas/pengaduan/baru?bantuan={found.reference}']")
    assert link is not None
    assert start(client, query=f"?bantuan={found.reference}").status_code == 303
    form = parse(client.get("/petugas/pengaduan/baru/rincian"))
    assert form.select_one("#nama")["value"] == "Ibu Sari Wulandari"
    assert form.select_one("#jalan")["value"] == "Jl. Melati 3"
    assert form.select_one("#kelurahan option[selected]")["value"] == "32.75.01.1001"
    details(client, nama="Ibu Sari Wulandari", pelapor="sendiri", persetujuan="y")
    send(client)
    filed = db.session.scalars(sa.select(Complaint)).one()
    db.session.refresh(found)
    linked = [e for e in found.events if e.kind is AssistanceEventKind.PENGAJUAN]
    assert [e.complaint_reference for e in linked] == [filed.reference] and linked[0].public
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    assert page.select_one("#aksi-hasil input#hasil-reference")["value"] == filed.reference


def test_the_proposal_goes_to_the_queue_like_any_case(client):
    officer = account()
    sign_in(client, officer)
    start(client)
    details(client)
    send(client)
    filed = db.session.scalars(sa.select(Complaint)).one()
    rows = parse(client.get("/petugas/pengaduan?kategori=usulan_calon")).select("#antrean tbody td:first-child a")
    assert [a.get_text(strip=True) for a in rows] == [filed.reference]
    case = parse(client.get(f"/petugas/pengaduan/{filed.reference}"))
    assert "Diajukan oleh petugas" in case.select_one("ol.timeline").get_text()
    summary = case.select_one("dl.summary").get_text(" ", strip=True)
    assert "3275010123450001" in summary and "pemulung" in summary and "Gg. Kenari 2 RT 004 RW 007" in summary
    assert f"Petugas {officer.name}, atas nama warga" in summary


def test_the_public_flow_does_not_offer_proposals(client):
    page = parse(client.get("/pengaduan/baru"))
    assert "usulan_calon" not in [i["value"] for i in page.select("input[name=kategori]")]
    data = {"csrf_token": page.select_one("input[name=csrf_token]")["value"], "kategori": "usulan_calon"}
    response = client.post("/pengaduan/baru", data=data)
    assert response.status_code == 400
