from datetime import timedelta

from portal.core.base import utcnow
from portal.extensions import db
from portal.models import ComplaintStatus
from tests.factories import account, complaint, sign_in
from tests.helpers import parse
from tests.helpers.complaints import nik_search


def references(response) -> list[str]:
    return [a.get_text(strip=True) for a in parse(response).select("#antrean tbody td:first-child a")]


def test_sorted_by_due_date_with_counts(client):
    supervisor = account("supervisor")
    old, _ = complaint(now=utcnow() - timedelta(days=20))
    new, _ = complaint()
    sign_in(client, supervisor)
    response = client.get("/petugas/pengaduan")
    assert references(response) == [old.reference, new.reference]
    counts = parse(response).select_one(".status-counts").get_text(" ", strip=True)
    assert "Diterima: 2" in counts
    late = parse(response).select("#antrean tbody tr")[0]
    assert "row-late" in late["class"] and "Terlambat" in late.get_text()


def test_filters_and_search(client):
    supervisor = account("supervisor")
    a, _ = complaint(subject_name="Siti Aminah", kelurahan_code="32.75.02.1001")
    b, _ = complaint(subject_name="Budi Santoso", category="informasi", subject_nik=None)
    sign_in(client, supervisor)
    assert references(client.get("/petugas/pengaduan?kategori=informasi")) == [b.reference]
    assert references(client.get("/petugas/pengaduan?kecamatan=32.75.02")) == [a.reference]
    assert references(client.get("/petugas/pengaduan?q=aminah")) == [a.reference]
    assert references(nik_search(client, a.subject_nik)) == [a.reference]
    assert references(client.get(f"/petugas/pengaduan?q={b.reference.lower()}")) == [b.reference]
    assert references(client.get("/petugas/pengaduan?ditugaskan=saya")) == []
    assert sorted(references(client.get("/petugas/pengaduan?ditugaskan=belum"))) == sorted([a.reference, b.reference])


def test_bad_filter_values_are_ignored_not_errors(client):
    sign_in(client, account("supervisor"))
    response = client.get(
        "/petugas/pengaduan?status=xx&kategori=xx%27&kecamatan=99&hal=-5&terlambat=abc"
        "&segera=2&ditugaskan=12345678901234&q=%25"
    )
    assert response.status_code == 200


def test_pagination(client):
    supervisor = account("supervisor")
    for _ in range(27):
        complaint(subject_nik=None, category="informasi")
    sign_in(client, supervisor)
    first = client.get("/petugas/pengaduan")
    assert len(references(first)) == 25
    link = parse(first).select_one(".pagination a[rel=next]")["href"]
    assert len(references(client.get(link))) == 2


def test_htmx_gets_the_results_fragment_and_plain_requests_the_page(client):
    sign_in(client, account("supervisor"))
    complaint()
    fragment = client.get("/petugas/pengaduan?status=diterima", headers={"HX-Request": "true"})
    assert parse(fragment).select_one("html") is None and parse(fragment).select_one("section#antrean")
    page = client.get("/petugas/pengaduan?status=diterima")
    assert parse(page).select_one("html form.filters select#status option[selected]")["value"] == "diterima"
    restore = client.get("/petugas/pengaduan", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert parse(restore).select_one("html") is not None
    assert "HX-Request" in fragment.headers["Vary"]


def test_filter_form_keeps_the_url_in_sync(client):
    sign_in(client, account("supervisor"))
    form = parse(client.get("/petugas/pengaduan")).select_one("form.filters")
    assert form["hx-get"] == "/petugas/pengaduan" and form["hx-push-url"] == "true" and form["hx-target"] == "#antrean"
    assert form["method"] == "post" and form["hx-params"] == "not csrf_token"  # without htmx: 303 to the address


def test_waiting_for_the_resident_is_not_overdue(client):
    supervisor = account("supervisor")
    case, _ = complaint(now=utcnow() - timedelta(days=30))
    case.status = ComplaintStatus.MENUNGGU_INFORMASI
    db.session.commit()
    sign_in(client, supervisor)
    assert references(client.get("/petugas/pengaduan?terlambat=1")) == []


def test_categories_and_statuses_read_as_words_in_the_officers_language(client):
    case, _ = complaint(category="data_salah")
    case.status = ComplaintStatus.MENUNGGU_INFORMASI
    db.session.commit()
    sign_in(client, account("supervisor"))
    row = parse(client.get("/petugas/pengaduan")).select_one("#antrean tbody tr")
    cells = [td.get_text(" ", strip=True) for td in row.select("td")]
    assert cells[1:3] == ["Menunggu informasi dari warga", "Data salah"]  # not "from you", not "data salah"
    english = parse(client.get("/petugas/pengaduan?lang=en"))
    cells = [td.get_text(" ", strip=True) for td in english.select_one("#antrean tbody tr").select("td")]
    assert cells[1:3] == ["Waiting for information from the resident", "Wrong data"]
    assert english.select_one("select#kategori option[value=data_salah]").get_text() == "Wrong data"
