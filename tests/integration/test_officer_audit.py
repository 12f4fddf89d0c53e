"""/petugas/audit: supervisors read the append-only trail by object and by officer."""

import sqlalchemy as sa

from portal.core import trail as audit
from portal.extensions import db
from portal.models import AuditEvent
from tests.factories import account, complaint, person, sign_in
from tests.helpers import csrf_token, parse


def rows(response) -> list[list[str]]:
    return [
        [td.get_text(" ", strip=True) for td in tr.select("td")]
        for tr in parse(response).select("#jejak tbody tr")
        if len(tr.select("td")) > 1
    ]


def test_filter_by_complaint_reference_from_the_case_page(client, app):
    officer, supervisor = account(), account("supervisor")
    case, _ = complaint()
    other, _ = complaint()
    theirs = app.test_client()
    sign_in(theirs, officer)
    theirs.get(f"/petugas/pengaduan/{case.reference}")
    theirs.get(f"/petugas/pengaduan/{other.reference}")
    sign_in(client, supervisor)
    link = parse(client.get(f"/petugas/pengaduan/{case.reference}")).find("a", string="Lihat jejak audit")
    assert link["href"] == f"/petugas/audit?jenis=complaint&objek={case.reference}"
    found = rows(client.get(link["href"]))
    assert [(r[1], r[2]) for r in found] == [("Supervisor Uji", "Melihat"), ("Officer Uji", "Melihat")]
    assert all(case.reference in r[3] for r in found)
    assert parse(client.get(link["href"])).select_one(f"#jejak a[href='/petugas/pengaduan/{case.reference}']")


def test_filter_by_person_id_or_nik_and_by_officer(client, app):
    officer, supervisor = account(), account("supervisor")
    budi = person()
    theirs = app.test_client()
    sign_in(theirs, officer)
    theirs.get(f"/petugas/warga/{budi.id}")
    sign_in(client, supervisor)
    by_id = rows(client.get(f"/petugas/audit?jenis=person&objek={budi.id}"))
    sent = client.post(
        "/petugas/audit",
        data={"csrf_token": csrf_token(client, "/petugas/audit"), "objek": f"{budi.nik[:8]} {budi.nik[8:]}"},
    )
    assert sent.status_code == 303 and budi.nik not in sent.headers["Location"]
    assert sent.headers["Location"] == f"/petugas/audit?jenis=person&objek={budi.id}"
    by_nik = rows(client.get(sent.headers["Location"]))
    assert [r[1] for r in by_id] == [r[1] for r in by_nik] == ["Officer Uji"]
    mine = rows(client.get(f"/petugas/audit?petugas={officer.id}"))
    assert [(r[2], r[3].split()[0]) for r in mine] == [("Melihat", "Warga"), ("Masuk", "Akun")]


def test_unknown_objects_say_so(client):
    sign_in(client, account("supervisor"))
    response = client.get("/petugas/audit?objek=SGP-2026-999999")
    page = parse(response)
    link = page.select_one(".error-summary a[href='#objek']")  # the summary leads to the field
    assert link is not None and "Tidak ada pengaduan dengan nomor SGP-2026-999999" in link.get_text()
    assert page.select_one("input#objek")["aria-invalid"] == "true"
    assert rows(response) == []
    assert client.get("/petugas/audit?jenis=xx&petugas=abc&sebelum=-1").status_code == 200


def test_newest_first_with_an_older_link(client):
    supervisor = account("supervisor")
    for n in range(60):
        audit.record(
            session=db.session,
            actor=audit.Actor(account_id=supervisor.id),
            action="lihat",
            object_type="complaint",
            object_id="7",
            detail=f"nomor {n}",
        )
    db.session.commit()
    sign_in(client, supervisor)
    first = client.get("/petugas/audit?jenis=complaint&objek=7")
    details = [r[4] for r in rows(first)]
    assert len(details) == 50 and details[0] == "nomor 59" and details[-1] == "nomor 10"
    older = parse(first).select_one(".pagination a[rel=next]")["href"]
    assert "jenis=complaint" in older and "objek=7" in older
    second = client.get(older)
    assert [r[4] for r in rows(second)] == [f"nomor {n}" for n in range(9, -1, -1)]
    assert parse(second).select_one(".pagination a[rel=next]") is None


def test_reading_the_trail_is_recorded_and_nothing_can_change_it(client, app):
    sign_in(client, account("supervisor"))
    client.get("/petugas/audit?jenis=person&objek=5")
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.object_type == "audit")).one()
    assert event.detail == "jenis=person objek=5"
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    sent = client.post(
        "/petugas/audit", data={"csrf_token": csrf_token(client, "/petugas/audit"), "jenis": "person", "objek": "5"}
    )
    assert sent.status_code == 303  # the form only turns into an address
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == before + 1  # the GET's view


def test_a_nik_never_goes_into_the_trails_address(client):
    budi = person()
    sign_in(client, account("supervisor"))
    refused = client.get("/petugas/audit", query_string={"objek": budi.nik})
    assert refused.status_code == 400
    assert "NIK tidak boleh tercantum di alamat halaman" in parse(refused).select_one(".error-summary").get_text()
    assert budi.nik not in refused.get_data(as_text=True)
    details = db.session.scalars(sa.select(AuditEvent.detail)).all()
    assert not any(budi.nik in (detail or "") for detail in details)


def test_officers_cannot_read_the_trail_nor_see_the_links(client):
    officer = account()
    case, _ = complaint()
    sign_in(client, officer)
    assert client.get("/petugas/audit").status_code == 403
    page = parse(client.get(f"/petugas/pengaduan/{case.reference}"))
    assert page.find("a", string="Lihat jejak audit") is None
    assert "Jejak audit" not in [a.get_text(strip=True) for a in page.select(".site-nav a")]
