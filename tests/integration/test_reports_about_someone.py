"""A report *about* someone (an unfair recipient, a broker, an officer) cannot have that person's
consent: it is never asked, and the reporter's name is optional. Filing *for* someone (family,
companion, RT/RW) still needs their consent (issue 18, point 1)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.models import Complaint
from tests.helpers import csrf_token, parse
from tests.helpers.complaints import details, file_one, incident, start, submit

ABOUT_SOMEONE = ["penerima_tidak_layak", "pungli"]


@pytest.mark.parametrize("kategori", ABOUT_SOMEONE)
def test_the_details_page_asks_no_consent_and_no_relation(client, kategori):
    start(client, kategori)
    page = parse(client.get("/pengaduan/baru/rincian"))
    form = page.select_one("main form")
    assert form.select_one("input[name=persetujuan]") is None
    assert form.select_one("input[name=hubungan]") is None
    assert form.select("input[type=radio][name=pelapor]") == []
    label = form.select_one("label[for=nama_pelapor]").get_text(strip=True)
    assert label == "Nama Anda (tidak wajib)"


@pytest.mark.parametrize("kategori", ABOUT_SOMEONE)
def test_a_report_about_someone_goes_through_without_consent_or_a_name(client, session, kategori):
    start(client, kategori)
    response = details(
        client, nik="", nama="Pak Darto (calo di kelurahan)", **(incident() if kategori == "pungli" else {})
    )
    assert response.status_code == 303, parse(response).select_one(".error-summary")
    check = parse(client.get("/pengaduan/baru/periksa")).select_one("dl.summary").get_text(" ", strip=True)
    assert "Tanpa nama — dirahasiakan dari yang dilaporkan" in check
    assert "persetujuan" not in check
    assert submit(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.consent_recorded is False and filed.filer_name is None


def test_a_report_about_someone_keeps_a_reporter_name_when_given(client, session):
    start(client, "pungli")
    assert details(client, nik="", nama="Oknum petugas", nama_pelapor="Rahmat", **incident()).status_code == 303
    assert submit(client).status_code == 303
    filed = session.scalars(sa.select(Complaint)).one()
    assert filed.filer_name == "Rahmat" and filed.confidential


def test_filing_for_a_family_member_still_needs_their_consent(client):
    start(client, "terlewat")
    response = details(client, pelapor="keluarga", nama_pelapor="Rina", hubungan="anak")
    assert response.status_code == 400
    assert "perlu persetujuannya" in parse(response).select_one(".error-summary").get_text()
    assert csrf_token(client, "/pengaduan/baru/rincian")
    assert (
        file_one(
            client, "terlewat", pelapor="keluarga", nama_pelapor="Rina", hubungan="anak", persetujuan="y"
        ).status_code
        == 303
    )
