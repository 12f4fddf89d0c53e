"""Triage without the sensitive parts (issue 16 point 12): every officer of the kecamatan sees
what triage needs (status, urgency, channel, area, name); the help kinds (a BISINDO
interpreter), the resident's story, the notes and the disability data only the assigned officer
and supervisors."""

from portal.models import AssistanceKind
from tests.factories import account, assistance_request, sign_in
from tests.helpers import parse

KECAMATAN = "32.75.01"  # where the factories file
STORY = "Saya tuli sejak lahir dan butuh juru bahasa."
BISINDO = "Juru bahasa isyarat (BISINDO)"


def request_with_a_story():
    found, _ = assistance_request(
        description=STORY, kinds=(AssistanceKind.JURU_BAHASA_ISYARAT, AssistanceKind.KUNJUNGAN_RUMAH)
    )
    return found


def queue_row(client, reference: str) -> dict[str, str]:
    page = parse(client.get("/petugas/bantuan"))
    heads = [th.get_text(strip=True) for th in page.select("#antrean-bantuan thead th")]
    for tr in page.select("#antrean-bantuan tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        if cells and cells[0] == reference:
            return dict(zip(heads, cells, strict=True))
    raise AssertionError(f"{reference} not in the queue")


def request_page(client, reference: str):
    response = client.get(f"/petugas/bantuan/{reference}")
    assert response.status_code == 200
    return parse(response)


def claim(client, reference: str) -> None:
    page = request_page(client, reference)
    form = page.select_one("#aksi-ambil form")
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert client.post(form["action"], data=values).status_code == 303


def test_an_officer_triages_an_unassigned_request_without_its_sensitive_parts(client):
    found = request_with_a_story()
    sign_in(client, account(kecamatan=[KECAMATAN]))
    row = queue_row(client, found.reference)
    assert row["Nama"] == "Ibu Sari Wulandari" and row["Kelurahan"] and row["Saluran"] == "Panggilan video WhatsApp"
    assert row["Bantuan"] == "Terlihat setelah ditugaskan" and BISINDO not in str(row)
    assert "Hubungi paling lambat" in row["Batas waktu"]
    page = request_page(client, found.reference)
    text = page.get_text(" ", strip=True)
    assert STORY not in text and BISINDO not in text and "Kunjungan petugas ke rumah" not in text
    assert page.select_one("#bantuan-tersembunyi") is not None
    assert "Hubungi paling lambat" in text and "Panggilan video WhatsApp" in text and "Kecamatan" in text
    assert page.select_one("#aksi-ambil form") is not None  # and may take it


def test_the_assigned_officer_sees_everything_and_a_colleague_still_only_triage(client, app):
    found = request_with_a_story()
    mine, colleague = account(kecamatan=[KECAMATAN]), account(kecamatan=[KECAMATAN])
    sign_in(client, mine)
    claim(client, found.reference)
    assert BISINDO in queue_row(client, found.reference)["Bantuan"]
    text = request_page(client, found.reference).get_text(" ", strip=True)
    assert STORY in text and BISINDO in text
    other = app.test_client()
    sign_in(other, colleague)
    assert queue_row(other, found.reference)["Bantuan"] == "Terlihat setelah ditugaskan"
    text = request_page(other, found.reference).get_text(" ", strip=True)
    assert STORY not in text and BISINDO not in text


def test_supervisors_see_the_sensitive_parts_before_anyone_is_assigned(client):
    found = request_with_a_story()
    sign_in(client, account("supervisor"))
    assert BISINDO in queue_row(client, found.reference)["Bantuan"]
    text = request_page(client, found.reference).get_text(" ", strip=True)
    assert STORY in text and BISINDO in text


def test_the_kind_filter_finds_only_an_officers_own_requests(client, app):
    found = request_with_a_story()
    officer = account(kecamatan=[KECAMATAN])
    sign_in(client, officer)
    page = parse(client.get("/petugas/bantuan?jenis=juru_bahasa_isyarat"))
    assert page.select_one("#jenis-hint").get_text(strip=True) == "Hanya permintaan yang Anda tangani"
    assert found.reference not in page.select_one("#antrean-bantuan").get_text()  # not guessable by filtering
    claim(client, found.reference)
    page = parse(client.get("/petugas/bantuan?jenis=juru_bahasa_isyarat"))
    assert found.reference in page.select_one("#antrean-bantuan").get_text()
    supervisor = app.test_client()
    sign_in(supervisor, account("supervisor"))
    page = parse(supervisor.get("/petugas/bantuan?jenis=juru_bahasa_isyarat"))
    assert page.select_one("#jenis-hint") is None and found.reference in page.select_one("#antrean-bantuan").get_text()


def test_notes_of_the_timeline_and_the_contact_log_only_for_the_assigned_officer(client, app):
    from portal.core.base import utcnow
    from portal.extensions import db
    from portal.notifications.models import ContactMethod, ContactOutcome
    from portal.notifications.services.contacts import record_contact

    found = request_with_a_story()
    mine, colleague = account(kecamatan=[KECAMATAN]), account(kecamatan=[KECAMATAN])
    sign_in(client, mine)
    claim(client, found.reference)
    note = "Ibu Sari minta juru bahasa datang bersama anaknya."
    record_contact(
        session=db.session,
        reference=found.reference,
        method=list(ContactMethod)[0],
        outcome=list(ContactOutcome)[0],
        note=note,
        account_id=mine.id,
        now=utcnow(),
    )
    db.session.commit()
    assert note in request_page(client, found.reference).get_text(" ", strip=True)
    other = app.test_client()
    sign_in(other, colleague)
    page = request_page(other, found.reference)
    assert note not in page.get_text(" ", strip=True)
    assert page.select_one("#kontak-warga").find_next("ul").select("li")  # that someone was contacted stays


def test_once_someone_else_has_it_the_page_does_not_offer_to_take_it(client, app):
    found = request_with_a_story()
    mine, colleague = account(kecamatan=[KECAMATAN]), account(kecamatan=[KECAMATAN])
    sign_in(client, mine)
    claim(client, found.reference)
    other = app.test_client()
    sign_in(other, colleague)
    page = request_page(other, found.reference)
    hidden = page.select_one("#bantuan-tersembunyi").get_text(" ", strip=True)
    assert hidden == "Jenis bantuan dan cerita warga hanya terlihat oleh petugas yang ditugaskan dan supervisor."
    assert page.select_one("#aksi-ambil") is None
