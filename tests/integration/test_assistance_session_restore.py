"""No time limit loses typed data: when the idle timeout signs an officer out while a form is sent,
its text is kept (server-side, for that account only) and offered again after signing in."""

import sqlalchemy as sa

from portal.core.trail import ActedBy
from portal.extensions import db
from portal.models import AssistanceEventKind, ComplaintDraft
from tests.factories import PASSWORD, account, assistance_request, sign_in
from tests.helpers import csrf_token, parse

LONG_NOTE = "Sudah ditelepon dua kali.\nWarga minta dikunjungi hari Senin pagi bersama juru bahasa isyarat."


def idle(client) -> None:
    with client.session_transaction() as session:
        session["last_seen"] -= 31 * 60


def note_form(client, found):
    page = parse(client.get(f"/petugas/bantuan/{found.reference}"))
    form = page.select_one("#aksi-catatan form")
    return form["action"], {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}


def sign_in_again(client, who):
    return sign_in(client, who)


def test_the_note_typed_before_the_timeout_comes_back_after_signing_in(client):
    officer = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    action, hidden = note_form(client, found)
    idle(client)
    response = client.post(action, data={**hidden, "catatan-message": LONG_NOTE})
    assert response.status_code == 303 and response.headers["Location"].startswith("/petugas/masuk")
    page = parse(client.get(response.headers["Location"]))
    assert "Isian Anda disimpan" in page.select_one(".notice").get_text()
    with client.session_transaction() as session:  # the cookie holds a token, not the text
        assert "juru bahasa" not in str(dict(session))
    response = sign_in_again(client, officer)
    assert response.headers["Location"] == "/petugas/isian-tersimpan"
    page = parse(client.get("/petugas/isian-tersimpan"))
    form = page.select_one(f"main form[action='{action}']")
    assert form.select_one("textarea#catatan-message").get_text().strip() == LONG_NOTE
    assert form.select_one("label[for=catatan-message]").get_text(strip=True) == "Pesan atau catatan"
    assert form.select_one("input[name=catatan-version]")["value"] == hidden["catatan-version"]
    assert form.select_one("input[name=catatan-csrf_token]")["value"] != hidden["catatan-csrf_token"]
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    response = client.post(action, data={**values, "catatan-message": form.select_one("textarea").get_text().strip()})
    assert response.status_code == 303
    db.session.refresh(found)
    notes = [e.message for e in found.events if e.kind is AssistanceEventKind.CATATAN]
    assert notes == [LONG_NOTE]
    assert client.get("/petugas/isian-tersimpan").headers["Location"] == "/petugas/"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0


def test_another_account_on_the_same_browser_does_not_see_it(client):
    first, second = account("supervisor"), account("supervisor")
    found, _ = assistance_request()
    sign_in(client, first)
    action, hidden = note_form(client, found)
    idle(client)
    client.post(action, data={**hidden, "catatan-message": LONG_NOTE})
    response = sign_in_again(client, second)
    assert response.headers["Location"] == "/petugas/isian-tersimpan"
    assert client.get("/petugas/isian-tersimpan").headers["Location"] == "/petugas/"


def test_passwords_are_never_kept_and_empty_forms_are_not_offered(client):
    officer = account()
    sign_in(client, officer)
    token = csrf_token(client, "/petugas/akun")
    idle(client)
    client.post("/petugas/akun", data={"csrf_token": token, "current": PASSWORD, "new": "x" * 14, "confirm": "x" * 14})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0
    assert sign_in_again(client, officer).headers["Location"] == "/petugas/"


def test_the_kept_form_can_be_thrown_away(client):
    officer = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    action, hidden = note_form(client, found)
    idle(client)
    client.post(action, data={**hidden, "catatan-message": LONG_NOTE})
    sign_in_again(client, officer)
    page = parse(client.get("/petugas/isian-tersimpan"))
    token = page.select_one("form[action='/petugas/isian-tersimpan/buang'] input[name=csrf_token]")["value"]
    assert client.post("/petugas/isian-tersimpan/buang", data={"csrf_token": token}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0
    assert client.get("/petugas/isian-tersimpan").headers["Location"] == "/petugas/"


def test_a_timeout_on_a_page_view_returns_there_after_signing_in(client):
    officer = account()
    sign_in(client, officer)
    idle(client)
    response = client.get("/petugas/bantuan?status=diterima")
    assert response.status_code == 303
    assert sign_in_again_from(client, officer, response.headers["Location"]) == "/petugas/bantuan?status=diterima"


def sign_in_again_from(client, who, location):
    return sign_in(client, who, at=location).headers["Location"]


def test_a_residents_answer_written_past_the_tracking_window_is_kept(client):
    from portal.complaints.services.lifecycle import Actor, transition
    from portal.core.workdays import WorkCalendar
    from portal.models import ComplaintStatus
    from tests.factories import complaint

    case, code = complaint()
    officer = ActedBy.officer(account().id)
    for target in (ComplaintStatus.DIVERIFIKASI, ComplaintStatus.MENUNGGU_INFORMASI):
        transition(
            session=db.session,
            complaint=case,
            target=target,
            actor=Actor.PETUGAS,
            acted_by=officer,
            message="Mohon kirim foto KK.",
            calendar=WorkCalendar(),
        )
    db.session.commit()

    def lookup():
        token = csrf_token(client, "/pengaduan/lacak")
        return client.post("/pengaduan/lacak", data={"csrf_token": token, "nomor": case.reference, "kode": code})

    lookup()
    token = parse(client.get("/pengaduan/lacak/kasus")).select_one("form[action$='/jawab'] input[name=csrf_token]")
    with client.session_transaction() as session:
        tracked = session["tracked_complaint"]
        session["tracked_complaint"] = {**tracked, "at": tracked["at"] - 31 * 60}
    answer = "KK kami hilang saat banjir.\nSaya sudah mengurus KK baru di kelurahan."
    response = client.post("/pengaduan/lacak/kasus/jawab", data={"csrf_token": token["value"], "jawaban": answer})
    assert response.headers["Location"] == "/pengaduan/lacak"
    assert "Jawaban Anda disimpan" in parse(client.get("/pengaduan/lacak")).select_one(".notice").get_text()
    lookup()
    page = parse(client.get("/pengaduan/lacak/kasus"))
    assert page.select_one("textarea#jawaban").get_text().strip() == answer
    token = page.select_one("form[action$='/jawab'] input[name=csrf_token]")["value"]
    assert client.post("/pengaduan/lacak/kasus/jawab", data={"csrf_token": token, "jawaban": answer}).status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0


def _stale_token(client) -> None:
    """What signing in again in another tab does to the forms open in this one."""
    with client.session_transaction() as session:
        session["csrf_token"] = "0" * 40


PORTAL_PAGE = {"Referer": "http://localhost/petugas/bantuan"}


def test_a_note_sent_with_a_stale_form_token_is_kept_and_offered_again(client):
    officer = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    action, hidden = note_form(client, found)
    _stale_token(client)
    response = client.post(action, data={**hidden, "catatan-message": LONG_NOTE}, headers=PORTAL_PAGE)
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/isian-tersimpan"
    page = parse(client.get("/petugas/isian-tersimpan"))
    assert "halamannya sudah kedaluwarsa" in page.select_one(".notice[role=status]").get_text()
    form = page.select_one(f"main form[action='{action}']")
    assert form.select_one("textarea#catatan-message").get_text().strip() == LONG_NOTE
    values = {i["name"]: i.get("value", "") for i in form.select("input[type=hidden]")}
    assert client.post(action, data={**values, "catatan-message": LONG_NOTE}).status_code == 303
    db.session.refresh(found)
    assert [e.message for e in found.events if e.kind is AssistanceEventKind.CATATAN] == [LONG_NOTE]


def test_a_stale_token_after_the_idle_timeout_keeps_the_note_over_signing_in(client):
    officer = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    action, hidden = note_form(client, found)
    _stale_token(client)
    idle(client)
    response = client.post(action, data={**hidden, "catatan-message": LONG_NOTE}, headers=PORTAL_PAGE)
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/masuk"
    assert sign_in_again(client, officer).headers["Location"] == "/petugas/isian-tersimpan"
    page = parse(client.get("/petugas/isian-tersimpan"))
    assert page.select_one("textarea#catatan-message").get_text().strip() == LONG_NOTE


def test_a_post_from_another_site_keeps_nothing(client):
    officer = account("supervisor")
    found, _ = assistance_request()
    sign_in(client, officer)
    action, hidden = note_form(client, found)
    response = client.post(
        action, data={"catatan-message": "ditanam situs lain"}, headers={"Referer": "https://elsewhere.example/"}
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ComplaintDraft)) == 0
    assert client.get("/petugas/isian-tersimpan").headers["Location"] == "/petugas/"
