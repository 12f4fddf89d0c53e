import pyotp
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Account, AuditEvent
from portal.models.audit import AuditIsAppendOnly
from tests.conftest import csrf_token, parse
from tests.factories import PASSWORD, account, sign_in


def test_sign_in_and_out(client):
    officer = account()
    response = sign_in(client, officer)
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/"
    assert client.get("/petugas/pengaduan").status_code == 200
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert events == ["masuk"]
    client.post("/petugas/keluar", data={"csrf_token": csrf_token(client, "/petugas/pengaduan")})
    assert client.get("/petugas/pengaduan").headers["Location"].startswith("/petugas/masuk")


def test_wrong_password_and_unknown_email_are_the_same_answer(client):
    officer = account()
    wrong = sign_in(client, officer, password="salah-sekali-123")  # noqa: S106
    unknown = client.post("/petugas/masuk", data={"csrf_token": csrf_token(client, "/petugas/masuk"),
                                                  "email": "tidak@ada.test", "password": "x" * 12})  # fmt: skip
    assert wrong.status_code == unknown.status_code == 400
    assert "Email atau kata sandi salah." in parse(wrong).get_text()
    assert "Email atau kata sandi salah." in parse(unknown).get_text()


def test_lockout_after_repeated_failures(client):
    officer = account()
    for _ in range(5):
        sign_in(client, officer, password="salah-sekali-123")  # noqa: S106
    locked = sign_in(client, officer)
    assert locked.status_code == 429 and "Akun dikunci sementara" in parse(locked).get_text()


def test_passwords_are_argon2id(app):
    officer = account()
    assert officer.password_hash.startswith("$argon2id$")


def test_totp_is_asked_after_the_password(client):
    officer = account(totp=True)
    first = client.post("/petugas/masuk", data={"csrf_token": csrf_token(client, "/petugas/masuk"),
                                                "email": officer.email, "password": PASSWORD})  # fmt: skip
    assert first.headers["Location"] == "/petugas/masuk/kode"
    assert client.get("/petugas/pengaduan").status_code == 302  # not signed in yet
    wrong = client.post("/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"),
                                                     "code": "000000"})  # fmt: skip
    assert wrong.status_code == 400
    code = pyotp.TOTP(officer.totp_secret).now()
    ok = client.post("/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"),
                                                  "code": code})  # fmt: skip
    assert ok.status_code == 303
    assert client.get("/petugas/pengaduan").status_code == 200


def test_a_totp_code_cannot_be_replayed(client, app):
    officer = account(totp=True)
    assert sign_in(client, officer).status_code == 303
    other = app.test_client()
    other.post("/petugas/masuk", data={"csrf_token": csrf_token(other, "/petugas/masuk"),
                                       "email": officer.email, "password": PASSWORD})  # fmt: skip
    db.session.refresh(officer)
    step = officer.totp_last_step
    replay = pyotp.TOTP(officer.totp_secret).at(step * 30)
    response = other.post("/petugas/masuk/kode", data={"csrf_token": csrf_token(other, "/petugas/masuk/kode"),
                                                       "code": replay})  # fmt: skip
    assert response.status_code == 400


def test_admins_must_set_up_totp_first(client):
    admin = account("admin")
    sign_in(client, admin)
    assert client.get("/petugas/pengaduan").headers["Location"] == "/petugas/akun/2fa"
    page = parse(client.get("/petugas/akun/2fa"))
    secret = page.select_one("code.secret").get_text(strip=True)
    assert page.select_one(".qr svg") is not None
    assert page.select_one("input[name=secret]")["value"] == secret
    code = pyotp.TOTP(secret).now()
    response = client.post("/petugas/akun/2fa", data={"csrf_token": page.select_one("input[name=csrf_token]")["value"],
                                                      "secret": secret, "code": code})  # fmt: skip
    assert response.status_code == 303
    assert client.get("/petugas/pengaduan").status_code == 200
    db.session.refresh(admin)
    assert admin.totp_enabled and admin.totp_secret == secret


def test_the_new_two_factor_key_never_sits_in_the_session_cookie(client, app):
    sign_in(client, account("admin"))
    page = parse(client.get("/petugas/akun/2fa"))
    secret = page.select_one("code.secret").get_text(strip=True)
    cookie = app.session_interface.get_signing_serializer(app).loads(client.get_cookie("session").value)
    assert secret not in repr(cookie)
    token = page.select_one("input[name=csrf_token]")["value"]
    wrong = client.post("/petugas/akun/2fa", data={"csrf_token": token, "secret": secret, "code": "000000"})
    assert wrong.status_code == 400 and parse(wrong).select_one("code.secret").get_text(strip=True) == secret
    forged = client.post("/petugas/akun/2fa", data={"csrf_token": token, "secret": "bukan-kunci", "code": "123456"})
    assert forged.status_code == 400  # a key it did not make is replaced, and the code does not match it


def test_changing_the_password_signs_out_everywhere(client, app):
    officer = account()
    other = app.test_client()
    sign_in(client, officer)
    sign_in(other, officer)
    token = csrf_token(client, "/petugas/akun")
    response = client.post("/petugas/akun", data={"csrf_token": token, "current": PASSWORD,
                                                  "new": "kata-sandi-baru-456",
                                                  "confirm": "kata-sandi-baru-456"})  # fmt: skip
    assert response.status_code == 303
    assert client.get("/petugas/pengaduan").status_code == 200  # this device stays signed in
    assert other.get("/petugas/pengaduan").status_code == 302  # the other one is out


def test_idle_sessions_expire(client, app):
    officer = account()
    sign_in(client, officer)
    with client.session_transaction() as session:
        session["last_seen"] -= 31 * 60
    response = client.get("/petugas/pengaduan")
    assert response.headers["Location"].startswith("/petugas/masuk")


def test_a_busy_session_still_ends_12_hours_after_signing_in(client):
    """A copied cookie kept busy (no idle gap) is worth a working day at most."""
    from datetime import UTC, datetime, timedelta

    import time_machine

    sign_in(client, account())
    start = datetime.now(UTC)
    for minutes in range(25, 12 * 60, 25):  # a page every 25 minutes: never idle
        with time_machine.travel(start + timedelta(minutes=minutes), tick=True):
            assert client.get("/petugas/pengaduan").status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=True):
        ended = client.get("/petugas/pengaduan")
        assert ended.status_code == 303 and ended.headers["Location"].startswith("/petugas/masuk")
        page = parse(client.get(ended.headers["Location"]))
        assert "sudah 12 jam sejak Anda masuk" in page.get_text()


@pytest.mark.parametrize("target", ["https://jahat.example/", "//jahat.example/petugas", "/cek-status",
                                    "javascript:alert(1)"])  # fmt: skip
def test_no_open_redirect_after_sign_in(client, target):
    officer = account()
    token = csrf_token(client, "/petugas/masuk")
    response = client.post(f"/petugas/masuk?next={target}", data={"csrf_token": token, "email": officer.email,
                                                                   "password": PASSWORD})  # fmt: skip
    assert response.headers["Location"] == "/petugas/"


def test_next_inside_the_workspace_is_followed(client):
    officer = account()
    token = csrf_token(client, "/petugas/masuk")
    response = client.post("/petugas/masuk?next=/petugas/pengaduan?status=diterima",
                           data={"csrf_token": token, "email": officer.email, "password": PASSWORD})  # fmt: skip
    assert response.headers["Location"] == "/petugas/pengaduan?status=diterima"


def test_session_is_renewed_at_sign_in(client):
    officer = account()
    client.get("/petugas/masuk")
    with client.session_transaction() as session:
        session["planted"] = "by-attacker"
    sign_in(client, officer)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_audit_events_cannot_be_changed(app):
    officer = account()
    from portal.services import audit

    event = audit.record(session=db.session, actor=audit.Actor(account_id=officer.id), action="lihat",
                         object_type="complaint", object_id=1)  # fmt: skip
    db.session.commit()
    event.detail = "diubah"
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event.id))
    with pytest.raises(AuditIsAppendOnly):
        db.session.commit()
    db.session.rollback()


def test_users_create_cli(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "Petugas@Bekasi.test", "--role", "officer", "--kecamatan", "32.75.01",
              "--password-stdin"], input="kata-sandi-panjang-1\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    made = db.session.scalars(sa.select(Account)).one()
    assert made.email == "petugas@bekasi.test" and made.kecamatan_codes == ["32.75.01"]
    short = app.test_cli_runner().invoke(args=["users", "create", "b@b.test", "--role", "admin",
                                               "--password-stdin"], input="pendek\n")  # fmt: skip
    assert short.exit_code != 0 and "paling sedikit 12" in short.output
