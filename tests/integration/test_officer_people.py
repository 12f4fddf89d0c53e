"""/petugas/warga: roster lookup for officers, scoped by kecamatan, every view audited."""

from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent, PersonStatus, PersonStatusHistory, RosterImportBatch
from tests.factories import account, complaint, person, sign_in
from tests.helpers import csrf_token, parse


def names(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select("#hasil tbody td:first-child a")]


def search(client, q, **fields):
    """The search form as a browser sends it: by POST, so a NIK is never in an address."""
    return client.post("/petugas/warga", data={"csrf_token": csrf_token(client, "/petugas/warga"), "q": q, **fields})


def test_search_by_nik_with_separators_is_exact(client):
    officer = account()
    budi = person(nama="Budi Santoso")
    person(nama="Budi Santoso")
    sign_in(client, officer)
    spaced = f"{budi.nik[:4]} {budi.nik[4:8]}.{budi.nik[8:12]}-{budi.nik[12:]}"
    response = search(client, spaced)
    links = parse(response).select("#hasil tbody td:first-child a")
    assert [a["href"] for a in links] == [f"/petugas/warga/{budi.id}"]
    assert budi.nik in parse(response).select_one("#hasil tbody").get_text()


def test_search_by_part_of_the_name_in_any_case(client):
    officer = account()
    person(nama="Siti Aminah", female=True)
    person(nama="Aminah Lubis", female=True)
    person(nama="Budi Santoso")
    sign_in(client, officer)
    assert names(client.get("/petugas/warga?q=AMINAH")) == ["Aminah Lubis", "Siti Aminah"]
    assert names(client.get("/petugas/warga?q=100%25")) == []  # % is a letter here, not a wildcard


def test_short_or_broken_queries_say_what_to_do(client):
    sign_in(client, account())
    for query, message in (
        ("ab", "paling sedikit 3 huruf"),
        ("3275 0101", "NIK harus 16 angka"),
        ("0", "NIK harus 16 angka"),
    ):
        page = parse(search(client, query))
        link = page.select_one(".error-summary a[href='#q']")  # the summary leads to the search field
        assert link is not None and message in link.get_text()
        assert message in page.select_one("#q-error").get_text()
        assert page.select_one("input#q")["aria-invalid"] == "true"
        assert page.select("#hasil table") == []
    empty = parse(client.get("/petugas/warga"))
    assert empty.select("#hasil table") == [] and empty.select_one("input[name=q]") is not None


def test_status_filter(client):
    sign_in(client, account())
    person(nama="Budi Aktif")
    person(nama="Budi Menunggu", status="daftar_tunggu", kpj=None, mulai=None, selesai=None)
    assert names(client.get("/petugas/warga?q=budi&status=daftar_tunggu")) == ["Budi Menunggu"]
    assert names(client.get("/petugas/warga?q=budi&status=xx")) == ["Budi Aktif", "Budi Menunggu"]


def test_officers_see_only_their_kecamatan_supervisors_everyone(client, app):
    inside = person(nama="Warga Bekasi Barat", kelurahan_code="32.75.02.1001")
    outside = person(nama="Warga Bekasi Timur", kelurahan_code="32.75.01.1001")
    sign_in(client, account(kecamatan=["32.75.02"]))
    assert names(client.get("/petugas/warga?q=warga")) == ["Warga Bekasi Barat"]
    assert names(search(client, outside.nik)) == []
    assert client.get(f"/petugas/warga/{inside.id}").status_code == 200
    assert client.get(f"/petugas/warga/{outside.id}").status_code == 404
    for who in (account("supervisor", kecamatan=["32.75.02"]), account()):
        other = app.test_client()
        sign_in(other, who)
        assert names(other.get("/petugas/warga?q=warga")) == ["Warga Bekasi Barat", "Warga Bekasi Timur"]
        assert other.get(f"/petugas/warga/{outside.id}").status_code == 200


def test_pagination_keeps_the_query(client):
    sign_in(client, account())
    for n in range(27):
        person(nama=f"Budi {n:02d}")
    first = client.get("/petugas/warga?q=budi")
    assert len(names(first)) == 25 and "27 warga cocok" in parse(first).get_text()
    following = parse(first).select_one(".pagination a[rel=next]")["href"]
    assert names(client.get(following)) == ["Budi 25", "Budi 26"]


def test_person_page_shows_roster_history_batch_and_visible_complaints(client):
    batch = RosterImportBatch(filename="roster-oktober.csv", file_sha256="ab" * 32, imported_by="cli:disnaker")
    db.session.add(batch)
    db.session.commit()
    siti = person(nama="Siti Aminah", female=True, kpj="01234567890", import_batch_id=batch.id)
    db.session.add(
        PersonStatusHistory(
            person_id=siti.id,
            old_status=PersonStatus.DAFTAR_TUNGGU,
            old_alasan=None,
            new_status=PersonStatus.AKTIF,
            new_alasan=None,
            old_tanggal_data=date(2026, 7, 1),
            new_tanggal_data=date(2026, 10, 1),
            import_batch_id=batch.id,
        )
    )
    db.session.commit()
    visible, _ = complaint(subject_nik=siti.nik, subject_name="Siti Aminah")
    hidden, _ = complaint(subject_nik=siti.nik, subject_name="Siti Aminah", category="pungli")
    officer = account(kecamatan=["32.75.01"])
    sign_in(client, officer)
    page = parse(client.get(f"/petugas/warga/{siti.id}"))
    text = page.select_one("main").get_text(" ", strip=True)
    assert siti.nik in text and "01234567890" in text and "Perempuan" in text
    assert "roster-oktober.csv" in text and "cli:disnaker" in text
    assert "Daftar tunggu" in text and "Aktif" in text
    complaints = [a.get_text(strip=True) for a in page.select("main table a[href^='/petugas/pengaduan/']")]
    assert complaints == [visible.reference]  # misconduct reports only for supervisors
    assert page.find("a", string="Lihat jejak audit") is None  # the audit trail is for supervisors
    viewed = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "lihat")).all()
    assert [(e.object_type, e.object_id, e.account_id) for e in viewed] == [("person", str(siti.id), officer.id)]
    assert hidden.reference not in text


def test_searches_are_audited_with_what_was_looked_for(client):
    officer = account()
    budi = person()
    sign_in(client, officer)
    search(client, budi.nik)
    search(client, "santoso")
    client.get("/petugas/warga")  # no search: nothing shown, nothing recorded
    searches = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "cari").order_by(AuditEvent.id)
    ).all()
    assert [e.detail for e in searches] == ["nik hasil=1", "nama=santoso hasil=1"]  # never the NIK itself
    assert [e.person_id for e in searches] == [budi.id, None]  # the person found stands for it
    assert {e.account_id for e in searches} == {officer.id}


def test_supervisors_get_a_link_to_the_persons_audit_trail(client):
    budi = person()
    sign_in(client, account("supervisor"))
    link = parse(client.get(f"/petugas/warga/{budi.id}")).find("a", string="Lihat jejak audit")
    assert link["href"] == f"/petugas/audit?jenis=person&objek={budi.id}"
    assert client.get(link["href"]).status_code == 200


def test_unknown_person_is_not_found(client):
    sign_in(client, account())
    assert client.get("/petugas/warga/999999").status_code == 404


def test_a_nik_is_never_searched_from_an_address(client):
    budi = person(nama="Budi Santoso")
    sign_in(client, account())
    form = parse(client.get("/petugas/warga")).select_one("form[role=search]")
    assert form["method"] == "post"
    page = parse(client.get("/petugas/warga", query_string={"q": budi.nik}))
    assert "NIK tidak boleh tercantum di alamat halaman" in page.select_one("#q-error").get_text()
    assert page.select("#hasil table") == []
    assert db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "cari")).all() == []
    following = parse(search(client, "budi")).select(".pagination a")  # a name's pages are links
    assert all(budi.nik not in a["href"] for a in following)
