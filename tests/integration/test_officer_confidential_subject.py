"""A confidential complaint a resident filed about themselves: the person concerned *is* the filer.

Other officers of the kecamatan see that the case exists (to triage and take it), but not the
name, the NIK, the roster record, the files, or the case on the person's page or in a search.
"""

import pytest

from portal.extensions import db
from portal.models import FilerRelation
from tests.factories import account, attachment, complaint, person, sign_in
from tests.helpers import parse
from tests.helpers.complaints import nik_search

NAME = "Siti Rahmawati"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def hidden_case(app):
    resident = person(nama=NAME)
    case, _ = complaint(
        subject_nik=resident.nik, subject_name=NAME, confidential=True, kelurahan_code=resident.kelurahan_code
    )
    record = attachment(app, case, filename="ktp.png")
    record.event_id = case.events[0].id  # sent with the complaint, as the filing step does
    db.session.commit()
    return resident, case, record


def page_text(response) -> str:
    return parse(response).select_one("main").get_text(" ", strip=True)


def test_another_officer_sees_the_case_but_not_who_filed_it(client, hidden_case):
    resident, case, record = hidden_case
    sign_in(client, account())
    text = page_text(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert NAME not in text and resident.nik not in text and resident.kpj not in text
    assert "Dirahasiakan" in text and "ktp.png" not in text
    assert client.get(f"/petugas/lampiran/{record.id}").status_code == 403

    for headers in ({}, HTMX):
        rows = parse(client.get("/petugas/pengaduan", headers=headers)).select("#antrean tbody tr")
        row = next(r for r in rows if case.reference in r.get_text())
        assert NAME not in row.get_text() and "Dirahasiakan" in row.get_text()
        for query in (NAME, "rahmawati"):
            found = parse(client.get("/petugas/pengaduan", query_string={"q": query}, headers=headers))
            assert case.reference not in found.get_text(), query
    assert case.reference not in parse(nik_search(client, resident.nik)).select_one("#antrean").get_text()
    assert case.reference not in page_text(client.get(f"/petugas/warga/{resident.id}"))


@pytest.mark.parametrize("who", ["assigned", "supervisor"])
def test_the_handling_officer_and_supervisors_see_everything(client, hidden_case, who):
    resident, case, record = hidden_case
    viewer = account("supervisor" if who == "supervisor" else "officer")
    if who == "assigned":
        case.assigned_to_id = viewer.id
        db.session.commit()
    sign_in(client, viewer)
    text = page_text(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert NAME in text and resident.nik in text and "ktp.png" in text
    assert client.get(f"/petugas/lampiran/{record.id}").status_code == 200
    found = parse(client.get("/petugas/pengaduan", query_string={"q": "rahmawati"}))
    assert case.reference in found.get_text() and NAME in found.get_text()
    assert case.reference in page_text(client.get(f"/petugas/warga/{resident.id}"))


def test_filed_for_someone_else_the_person_concerned_stays_visible(client):
    case, _ = complaint(
        subject_name=NAME,
        confidential=True,
        filer_relation=FilerRelation.RT_RW,
        filer_name="Pak RT Darmo",
        filer_relationship="Ketua RT",
        consent_recorded=True,
    )
    sign_in(client, account())
    text = page_text(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert NAME in text and case.subject_nik in text  # the subject is not the one being protected
    assert "Pak RT Darmo" not in text  # the filer is
    assert case.reference in parse(client.get("/petugas/pengaduan", query_string={"q": "rahmawati"})).get_text()
