"""Officers and one person's letter: the letters section of /petugas/warga/<id> — status, issue,
reissue after a roster change, replace with a new number, print; scoped and audited."""

import io

import sqlalchemy as sa
from pypdf import PdfReader

from portal.extensions import db
from portal.models import AuditEvent, Letter, LetterStatus, PersonStatus
from tests.factories import account, person, sign_in
from tests.helpers import parse


def section(client, someone):
    page = parse(client.get(f"/petugas/warga/{someone.id}"))
    found = page.select_one("section#surat")
    assert found is not None
    return found


def token_of(found):
    return found.select_one("input[name=csrf_token]")["value"]


def audit_actions(person_id):
    return db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.object_type == "person", AuditEvent.object_id == str(person_id))
        .order_by(AuditEvent.id)
    ).all()


def test_an_officer_issues_a_letter_and_prints_it(client):
    someone = person(nama="Hj. Siti Ma'rifah", female=True)
    officer = account(kecamatan=["32.75.01"])
    sign_in(client, officer)
    before = section(client, someone)
    button = before.select_one("form[action$='/surat'] button")
    assert button.get_text(strip=True) == "Terbitkan surat" and before.select("table") == []

    response = client.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": token_of(before)})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/petugas/warga/{someone.id}#surat")
    letter = db.session.scalars(sa.select(Letter)).one()
    assert letter.issued_via.value == "petugas" and letter.status is LetterStatus.BERLAKU
    page = parse(client.get(f"/petugas/warga/{someone.id}"))
    assert f"Surat nomor {letter.number} diterbitkan." in page.select_one(".notice").get_text()
    after = page.select_one("section#surat")
    assert letter.number in after.get_text() and after.select_one("form[action$='/surat']") is None
    row = [td.get_text(strip=True) for td in after.select("tbody tr td")]
    assert row[:2] == [letter.number, "Berlaku"] and row[3] == "Petugas"

    download = after.select_one("a[href$='/surat.pdf']")["href"]
    pdf = client.get(download)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["Cache-Control"] == "no-store"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert letter.number in text and "Hj. Siti Ma'rifah" in text
    assert audit_actions(someone.id).count("terbitkan_surat") == 1
    assert "unduh_surat" in audit_actions(someone.id)


def test_a_changed_roster_is_reissued_and_the_old_letter_superseded(client):
    someone = person()
    sign_in(client, account("supervisor"))
    client.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": token_of(section(client, someone))})
    old = db.session.scalars(sa.select(Letter)).one()
    someone.kpj = "25000000999"
    db.session.commit()

    found = section(client, someone)
    assert f"Surat nomor {old.number} tidak lagi sesuai" in found.get_text()
    assert found.select_one("a[href$='/surat.pdf']") is None  # an outdated letter is never printed again
    assert client.get(f"/petugas/warga/{someone.id}/surat.pdf").status_code == 404
    assert found.select_one("form[action$='/surat'] button").get_text(strip=True) == "Terbitkan ulang surat"
    client.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": token_of(found)})
    letters = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
    assert [x.status for x in letters] == [LetterStatus.DIGANTI, LetterStatus.BERLAKU]
    assert letters[0].superseded_by_id == letters[1].id and letters[1].kpj == "25000000999"
    assert [x.seq for x in letters] == [1, 2]


def test_replacing_a_lost_letter_needs_a_reason_and_gives_a_new_number(client):
    someone = person()
    sign_in(client, account())
    client.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": token_of(section(client, someone))})
    found = section(client, someone)
    replace = found.select_one("details#ganti-surat form")
    assert {i["value"] for i in replace.select("input[name=alasan]")} == {"hilang", "disalahgunakan", "rusak"}

    missing = client.post(replace["action"], data={"csrf_token": token_of(found)})
    assert missing.status_code == 400
    page = parse(missing)
    again = page.select_one("section#surat")
    assert again.select_one("details#ganti-surat").has_attr("open")
    # The summary opens the page (no scrolling needed without JavaScript) and leads to the field.
    summary = page.select_one("main .error-summary")
    assert summary.find_previous("h1") is not None and summary.find_next("section", id="surat") is again
    link = summary.select_one("a")
    assert link.get_text(strip=True) == "Pilih alasan mengganti surat."
    assert again.select_one(link["href"]) is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 1

    response = client.post(replace["action"], data={"csrf_token": token_of(found), "alasan": "hilang"})
    assert response.status_code == 303
    old, new = db.session.scalars(sa.select(Letter).order_by(Letter.id)).all()
    assert (old.status, new.status) == (LetterStatus.DIGANTI, LetterStatus.BERLAKU)
    assert new.number != old.number and new.code != old.code
    detail = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action == "terbitkan_surat").order_by(AuditEvent.id)
    ).all()[-1]
    assert detail == f"surat={new.number} ganti={old.number} alasan=hilang"
    verified = parse(client.get(f"/verifikasi/{old.code}"))
    assert verified.select_one("[data-state]")["data-state"] == "diganti"


def test_people_who_cannot_have_a_letter_get_no_button(client):
    waiting = person(status="daftar_tunggu", kpj=None, mulai=None, selesai=None)
    sign_in(client, account())
    found = section(client, waiting)
    assert found.select("form") == [] and "hanya dapat diterbitkan untuk peserta aktif" in found.get_text()
    token = parse(client.get(f"/petugas/warga/{waiting.id}")).select_one("input[name=csrf_token]")["value"]
    response = client.post(f"/petugas/warga/{waiting.id}/surat", data={"csrf_token": token})
    assert response.status_code == 303
    notice = parse(client.get(response.headers["Location"])).select_one(".notice").get_text()
    assert "hanya untuk peserta aktif" in notice
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 0


def test_officers_outside_the_kecamatan_can_neither_issue_nor_print(client, app):
    someone = person(kelurahan_code="32.75.01.1001")
    inside = app.test_client()
    sign_in(inside, account(kecamatan=["32.75.01"]))
    token = token_of(section(inside, someone))
    sign_in(client, account(kecamatan=["32.75.02"]))
    other_page = parse(client.get("/petugas/warga"))
    other_token = other_page.select_one("input[name=csrf_token]")["value"]
    assert client.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": other_token}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 0
    inside.post(f"/petugas/warga/{someone.id}/surat", data={"csrf_token": token})
    assert client.get(f"/petugas/warga/{someone.id}/surat.pdf").status_code == 404
    assert (
        client.post(
            f"/petugas/warga/{someone.id}/surat/ganti", data={"csrf_token": other_token, "alasan": "hilang"}
        ).status_code
        == 404
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 1


def test_issuing_needs_a_signed_in_officer_and_a_csrf_token(client):
    someone = person()
    response = client.post(f"/petugas/warga/{someone.id}/surat")
    assert response.status_code in (302, 303, 400)
    assert client.get(f"/petugas/warga/{someone.id}/surat.pdf").status_code == 302  # to sign-in
    sign_in(client, account())
    assert client.post(f"/petugas/warga/{someone.id}/surat", data={}).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Letter)) == 0


def test_a_revoked_letter_shows_in_the_history(client, app):
    from portal.letters.services.letters import issue_letter, revoke_letters_for_inactive

    someone = person()
    issue_letter(session=db.session, person_id=someone.id)
    someone.status = PersonStatus.NONAKTIF
    revoke_letters_for_inactive(session=db.session, person_ids=[someone.id])
    db.session.commit()
    sign_in(client, account())
    found = section(client, someone)
    assert [td.get_text(strip=True) for td in found.select("tbody td")][1] == "Dicabut"
    assert found.select("form") == [] and found.select_one("a[href$='/surat.pdf']") is None
