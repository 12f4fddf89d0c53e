"""An officer filing a pungli report for a resident (assisted filing) gets the incident form the
residents have (issue 18, point 3): where, when, what was asked for, who if known, names optional,
the reporter anonymous if they wish; no NIK, no KTP name, no KK. The reporter's agreement is
recorded, and the case, the check page and the slip name the reporter, never the person reported
as the one filed for."""

from __future__ import annotations

import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.extensions import db
from portal.models import AuditEvent, Complaint, ComplaintEvent
from tests.factories import account, assistance_request, sign_in
from tests.helpers import parse
from tests.helpers.assistance import start, token
from tests.helpers.complaints import incident

DETAILS = "/petugas/pengaduan/baru/rincian"
CHECK = "/petugas/pengaduan/baru/periksa"
REPORT = {
    "kelurahan": "32.75.01.1001",
    "nama": "Pak Joko, loket 2",  # who did it
    "uraian": "Warga diminta membayar agar didaftarkan.",
    "nama_pelapor": "Bu Ani",
    "telepon": "0812 3456 7890",
    "saluran": "whatsapp",
    "email": "",
    "persetujuan": "y",
    "pelapor": "lainnya",  # the form's hidden field: the reporter is not acting for the one reported
}


def details(client, **overrides):
    data = {"csrf_token": token(client, DETAILS), **REPORT, **incident(), **overrides}
    return client.post(DETAILS, data={k: v for k, v in data.items() if v is not None})


def send(client):
    return client.post(CHECK, data={"csrf_token": token(client, CHECK)})


def _label(form, name: str) -> str:
    return form.select_one(f"label[for={name}]").get_text(strip=True)


def test_the_officer_gets_the_incident_form_not_the_ktp_fields(client):
    sign_in(client, account())
    assert start(client, "pungli").headers["Location"] == DETAILS
    form = parse(client.get(DETAILS)).select_one("main form")
    headings = [h.get_text(strip=True) for h in form.select("h2")]
    assert "Kejadiannya" in headings and "Orang yang bersangkutan" not in headings
    for absent in ("nik", "kk", "jalan", "rt", "rw", "pekerjaan", "hubungan"):
        assert form.select_one(f"[name={absent}]") is None, absent
    assert _label(form, "tempat") == "Di mana kejadiannya?"
    assert _label(form, "tanggal") == "Kapan kejadiannya?"
    assert _label(form, "diminta") == "Apa yang diminta? (tidak wajib)"
    assert _label(form, "nama") == "Siapa yang melakukannya? (tidak wajib)"
    assert not form.select_one("input#nama").has_attr("required")
    assert form.select_one("input[name=identitas][value=anonim]") is not None
    assert _label(form, "persetujuan") == "Pelapor sudah setuju petugas mengirim laporan ini untuknya."


def test_an_officer_files_a_pungli_report_for_a_named_reporter(client, session):
    officer = account()
    sign_in(client, officer)
    start(client, "pungli")
    sent = details(client)
    assert sent.status_code == 303, parse(sent).select_one(".error-summary")
    rows = {
        div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True)
        for div in parse(client.get(CHECK)).select("dl.summary > div")
    }
    assert rows["Tempat kejadian"].startswith("Kantor kelurahan, loket pendaftaran")
    assert rows["Yang melakukan"] == "Pak Joko, loket 2"
    assert rows["Pelapor"].startswith("Bu Ani")
    assert rows["Persetujuan dari"] == "pelapor sendiri"
    assert send(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.incident_place == "Kantor kelurahan, loket pendaftaran" and filed.incident_date is not None
    assert filed.incident_demand == "Uang Rp 300.000 untuk biaya pendaftaran"
    assert filed.subject_nik is None and filed.subject_name == "Pak Joko, loket 2"
    assert filed.filer_name == "Bu Ani" and filed.phone == "+6281234567890" and filed.confidential
    assert filed.filed_by_id == officer.id and filed.consent_recorded and not filed.anonymous
    note = session.scalars(sa.select(ComplaintEvent.message).where(ComplaintEvent.complaint_id == filed.id)).all()
    said = " ".join(m or "" for m in note)
    assert "untuk pelapor Bu Ani" in said and "atas nama Pak Joko" not in said
    audit = session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "ajukan_atas_nama")).one()
    assert "persetujuan: pelapor sendiri" in audit.detail
    slip = client.get("/petugas/pengaduan/baru/terkirim/tanda-terima.pdf")
    text = PdfReader(io.BytesIO(slip.data)).pages[0].extract_text()
    assert "Bu Ani" in text and "Pak Joko" not in text


def test_an_officer_files_an_anonymous_pungli_report(client, session):
    sign_in(client, account())
    start(client, "pungli")
    assert details(client, nama="", identitas="anonim").status_code == 303
    check = parse(client.get(CHECK)).select_one("dl.summary")
    rows = {div.dt.get_text(strip=True): div.dd.get_text(" ", strip=True) for div in check.select("div")}
    assert rows["Pelapor"].startswith("Tanpa identitas")
    assert rows["Kontak yang Anda ketik"].startswith("Tidak disimpan")
    assert "Nomor HP" not in rows and "0812" not in check.get_text()
    assert send(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.anonymous and (filed.phone, filed.filer_name, filed.email) == (None, None, None)
    slip = client.get("/petugas/pengaduan/baru/terkirim/tanda-terima.pdf")
    assert "Tanpa identitas" in PdfReader(io.BytesIO(slip.data)).pages[0].extract_text()


def test_the_reporters_agreement_is_asked_for(client, session):
    sign_in(client, account())
    start(client, "pungli")
    refused = details(client, persetujuan=None)
    assert refused.status_code == 400
    summary = parse(refused).select_one(".error-summary").get_text(" ", strip=True)
    assert "Laporan atas nama warga perlu persetujuannya" in summary
    assert session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 0


def test_from_a_help_request_the_one_who_asked_is_the_reporter_not_the_reported(client):
    found, _ = assistance_request(subject_name="Ibu Sari Wulandari")
    sign_in(client, account("supervisor"))
    assert start(client, "pungli", query=f"?bantuan={found.reference}").status_code == 303
    form = parse(client.get(DETAILS))
    assert form.select_one("#nama_pelapor")["value"] == "Ibu Sari Wulandari"
    assert not form.select_one("#nama").get("value")  # who did it: not the one who asked for help
    db.session.rollback()
