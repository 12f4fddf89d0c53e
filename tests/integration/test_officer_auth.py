import os
import threading
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from itsdangerous import URLSafeTimedSerializer

from portal.core.base import utcnow
from portal.core.trail import AuditIsAppendOnly
from portal.extensions import db
from portal.models import Account, AuditEvent
from tests.clock import running_at
from tests.factories import PASSWORD, account, enter_code, sign_in
from tests.helpers import csrf_token, parse


def test_sign_in_and_out(client):
    officer = account()
    response = sign_in(client, officer)
    assert response.status_code == 303 and response.headers["Location"] == "/petugas/"
    assert client.get("/petugas/pengaduan").status_code == 200
    events = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert events == ["masuk", "lihat_daftar"]  # the queue shows names: its view is audited too
    client.post("/petugas/keluar", data={"csrf_token": csrf_token(client, "/petugas/pengaduan")})
    assert client.get("/petugas/pengaduan").headers["Location"].startswith("/petugas/masuk")


def at(app, address: str):
    """A browser at `address` (REMOTE_ADDR, as ProxyFix leaves it behind a trusted proxy)."""
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def password_step(browser, email, password=PASSWORD):
    return browser.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(browser, "/petugas/masuk"), "email": email, "password": password},
    )


def code_step(browser, code, token=None):
    return browser.post(
        "/petugas/masuk/kode", data={"csrf_token": token or csrf_token(browser, "/petugas/masuk/kode"), "code": code}
    )


def gets_in(browser, who) -> bool:
    """The right password, then the right code: signed in."""
    return (
        password_step(browser, who.email).status_code == 303
        and enter_code(browser, who).status_code == 303
        and signed_in(browser)
    )


def signed_in(browser) -> bool:
    return browser.get("/petugas/pengaduan").status_code == 200


@pytest.fixture
def verifications(monkeypatch):
    """Every Argon2 verification, counted by a wrapper around the real one."""
    calls: list[str] = []
    real = PasswordHasher.verify

    def counted(self, hash, password):  # noqa: A002 - argon2's own parameter name
        calls.append(hash)
        return real(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return calls


def test_unknown_wrong_and_locked_out_get_the_same_answer_after_the_same_work(app, verifications):
    """Byte for byte the same page (but the form's token and the e-mail typed back), the same
    status and headers, after one Argon2 verification each: nothing tells who has an account."""
    officer = account()
    inactive = account(email="keluar@uji.test")
    inactive.active = False
    db.session.commit()
    locked = at(app, "10.0.3.1")
    for _ in range(5):
        assert password_step(locked, officer.email, "salah-sekali-123").status_code == 400  # noqa: S106
    answers = {}
    for label, browser, email, password in [
        ("wrong password", at(app, "10.0.3.2"), officer.email, "salah-sekali-123"),
        ("unknown e-mail", at(app, "10.0.3.3"), "tidak.ada@uji.test", "salah-sekali-123"),
        ("inactive account", at(app, "10.0.3.4"), inactive.email, PASSWORD),
        ("locked out, right password", locked, officer.email, PASSWORD),
    ]:
        token = csrf_token(browser, "/petugas/masuk")
        verifications.clear()
        response = browser.post("/petugas/masuk", data={"csrf_token": token, "email": email, "password": password})
        assert len(verifications) == 1, label
        body = response.get_data(as_text=True)
        answer_token = parse(response).select_one("input[name=csrf_token]")["value"]
        assert email in body
        # The rate limiter's headers count this client's requests, whatever the e-mail: left out.
        headers = sorted(
            (k, v)
            for k, v in response.headers.items()
            if not k.startswith("X-RateLimit") and k not in ("Content-Length", "Set-Cookie", "Retry-After")
        )
        answers[label] = (response.status_code, headers, body.replace(answer_token, "TOKEN").replace(email, "EMAIL"))
        assert not signed_in(browser), label
    first = answers["wrong password"]
    assert first[0] == 400
    assert "Email atau kata sandi salah" in parse_text(first[2])
    assert all(answer == first for answer in answers.values())


def parse_text(html: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def test_someone_elses_five_wrong_passwords_do_not_lock_the_officer_out(app):
    officer = account()
    guesser, own = at(app, "10.0.4.1"), at(app, "10.0.4.2")
    for _ in range(5):
        password_step(guesser, officer.email, "salah-sekali-123")  # noqa: S106
    assert password_step(guesser, officer.email).status_code == 400  # that client: even the right password
    assert not signed_in(guesser)
    assert gets_in(own, officer)


def test_lockout_after_repeated_failures_and_the_wait(app):
    officer = account()
    browser = at(app, "10.0.4.3")
    for _ in range(5):
        password_step(browser, officer.email, "salah-sekali-123")  # noqa: S106
    assert password_step(browser, officer.email).status_code == 400 and not signed_in(browser)
    with running_at(utcnow() + timedelta(minutes=16)):
        assert gets_in(browser, officer)


def test_wrong_codes_count_towards_the_same_lockout(app):
    officer = account(totp=True)
    browser = at(app, "10.0.5.1")
    assert password_step(browser, officer.email).headers["Location"] == "/petugas/masuk/kode"
    right = pyotp.TOTP(officer.totp_secret).now()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert code_step(browser, wrong).status_code == 400
    locked = code_step(browser, right)
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) > 14 * 60
    assert "Coba lagi setelah 15 menit" in parse(locked).get_text(" ", strip=True)
    assert not signed_in(browser)
    assert password_step(browser, officer.email).status_code == 400  # locked at the password step too
    other = at(app, "10.0.5.2")  # the officer elsewhere is not locked out
    assert password_step(other, officer.email).status_code == 303
    assert code_step(other, right).status_code == 303 and signed_in(other)


def test_a_right_password_does_not_wipe_the_wrong_codes(app):
    """Knowing the password gives no more code guesses: it does not start the count again."""
    officer = account(totp=True)
    browser = at(app, "10.0.5.3")
    right = pyotp.TOTP(officer.totp_secret).now()
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(5):
        assert password_step(browser, officer.email).status_code == 303
        assert code_step(browser, wrong).status_code == 400
    assert password_step(browser, officer.email).status_code == 400


def sign_out(browser) -> None:
    browser.post("/petugas/keluar", data={"csrf_token": csrf_token(browser, "/petugas/pengaduan")})


def test_a_known_device_signs_in_while_its_address_is_locked_out(app):
    """The same office network: a guesser behind the officer's address locks the address out,
    not the officer's own browser (its device cookie)."""
    officer = account()
    own = at(app, "10.0.7.1")
    assert gets_in(own, officer)
    sign_out(own)
    guesser = at(app, "10.0.7.1")
    for _ in range(5):
        password_step(guesser, officer.email, "salah-sekali-123")  # noqa: S106
    assert password_step(guesser, officer.email).status_code == 400
    assert gets_in(own, officer)


def test_guessing_from_many_addresses_refuses_unknown_devices_only_and_staff_are_told(app):
    officer = account()
    own = at(app, "10.0.8.1")
    assert gets_in(own, officer)
    cookie = own.get_cookie("sigap_perangkat", path="/petugas")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Strict"
    payload = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="sigap-perangkat").loads(cookie.value)
    assert officer.email not in repr(payload) and "uji.test" not in repr(payload)  # no personal data
    sign_out(own)
    for n in range(10):  # 10 addresses x 5 wrong passwords: the account's total (50)
        guesser = at(app, f"10.0.9.{n}")
        for _ in range(5):
            password_step(guesser, officer.email, "salah-sekali-123")  # noqa: S106
    new_place = at(app, "10.0.8.2")
    assert password_step(new_place, officer.email).status_code == 400 and not signed_in(new_place)
    assert gets_in(own, officer)
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "banyak_percobaan_gagal")).one()
    assert (event.object_type, event.object_id) == ("account", str(officer.id))
    assert "50 percobaan gagal" in event.detail and "dari 10 alamat" in event.detail
    assert officer.email not in event.detail
    with running_at(utcnow() + timedelta(minutes=16)):  # the refusal of unknown devices ends
        assert password_step(new_place, officer.email).status_code == 303


def test_an_admin_reset_ends_the_sign_in_lockouts_of_that_account(app):
    officer, admin = account(), account("admin", totp=True)
    browser = at(app, "10.0.10.1")
    for _ in range(5):
        password_step(browser, officer.email, "salah-sekali-123")  # noqa: S106
    assert password_step(browser, officer.email).status_code == 400
    admin_browser = at(app, "10.0.10.2")
    assert sign_in(admin_browser, admin).status_code == 303
    page = parse(admin_browser.get(f"/petugas/admin/akun/{officer.id}"))
    token = page.select_one("input[name=csrf_token]")["value"]
    new = "sandi-baru-sekali-9"
    reset = admin_browser.post(
        f"/petugas/admin/akun/{officer.id}/kata-sandi", data={"csrf_token": token, "new": new, "confirm": new}
    )
    assert reset.status_code == 303
    assert password_step(browser, officer.email, new).status_code == 303


def test_passwords_are_argon2id(app):
    officer = account()
    assert officer.password_hash.startswith("$argon2id$")


def test_totp_is_asked_after_the_password(client):
    officer = account(totp=True)
    first = client.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(client, "/petugas/masuk"), "email": officer.email, "password": PASSWORD},
    )
    assert first.headers["Location"] == "/petugas/masuk/kode"
    assert client.get("/petugas/pengaduan").status_code == 302  # not signed in yet
    wrong = client.post(
        "/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"), "code": "000000"}
    )
    assert wrong.status_code == 400
    code = pyotp.TOTP(officer.totp_secret).now()
    ok = client.post(
        "/petugas/masuk/kode", data={"csrf_token": csrf_token(client, "/petugas/masuk/kode"), "code": code}
    )
    assert ok.status_code == 303
    assert client.get("/petugas/pengaduan").status_code == 200


def test_a_totp_code_cannot_be_replayed(client, app):
    officer = account(totp=True)
    assert sign_in(client, officer).status_code == 303
    other = app.test_client()
    other.post(
        "/petugas/masuk",
        data={"csrf_token": csrf_token(other, "/petugas/masuk"), "email": officer.email, "password": PASSWORD},
    )
    db.session.refresh(officer)
    step = officer.totp_last_step
    replay = pyotp.TOTP(officer.totp_secret).at(step * 30)
    response = other.post(
        "/petugas/masuk/kode", data={"csrf_token": csrf_token(other, "/petugas/masuk/kode"), "code": replay}
    )
    assert response.status_code == 400


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="PostgreSQL not configured: set TEST_DATABASE_URL")
def test_one_code_sent_by_six_sign_ins_at_once_lets_exactly_one_in(app, database_url):
    """Six browsers (six addresses) past the password, the same code sent at the same moment,
    each request in its own thread, session and connection: exactly one gets in."""
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite serialises writers; this test is for the server database")
    officer = account(totp=True)
    email, secret = officer.email, officer.totp_secret  # strings: the test's own session is not for the threads
    browsers = [at(app, f"10.0.6.{n}") for n in range(6)]
    for browser in browsers:
        assert password_step(browser, email).headers["Location"] == "/petugas/masuk/kode"
    tokens = [csrf_token(browser, "/petugas/masuk/kode") for browser in browsers]
    code = pyotp.TOTP(secret).now()
    barrier = threading.Barrier(len(browsers), timeout=60)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def send(browser, token):
        try:
            with app.app_context():
                barrier.wait()
                statuses.append(code_step(browser, code, token).status_code)
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(browsers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == [] and not any(thread.is_alive() for thread in threads)
    assert sorted(statuses) == [303] + [400] * 5
    assert sum(signed_in(browser) for browser in browsers) == 1


@pytest.mark.parametrize("role", ["officer", "supervisor", "admin"])
def test_every_role_must_set_up_totp_first(client, role):
    """Every role sees personal data: no page opens before the second factor is set up."""
    admin = account(role, kecamatan=["32.75.01"] if role == "officer" else (), totp=False)
    sign_in(client, admin)
    for path in ("/petugas/pengaduan", "/petugas/bantuan", "/petugas/warga", "/petugas/laporan"):
        assert client.get(path).headers.get("Location") == "/petugas/akun/2fa", path
    notice = parse(client.get("/petugas/akun/2fa")).select_one("p.notice").get_text(" ", strip=True)
    assert "Setiap akun petugas wajib memakai verifikasi dua langkah" in notice
    page = parse(client.get("/petugas/akun/2fa"))
    secret = page.select_one("code.secret").get_text(strip=True)
    assert page.select_one(".qr svg") is not None
    assert page.select_one("input[name=secret]")["value"] == secret
    code = pyotp.TOTP(secret).now()
    response = client.post(
        "/petugas/akun/2fa",
        data={"csrf_token": page.select_one("input[name=csrf_token]")["value"], "secret": secret, "code": code},
    )
    assert response.status_code == 303
    assert client.get("/petugas/pengaduan").status_code == 200
    db.session.refresh(admin)
    assert admin.totp_enabled and admin.totp_secret == secret


def test_the_new_two_factor_key_never_sits_in_the_session_cookie(client, app):
    sign_in(client, account("admin", totp=False))
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
    response = client.post(
        "/petugas/akun",
        data={"csrf_token": token, "current": PASSWORD, "new": "kata-sandi-baru-456", "confirm": "kata-sandi-baru-456"},
    )
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


@pytest.mark.parametrize(
    "target", ["https://jahat.example/", "//jahat.example/petugas", "/cek-status", "javascript:alert(1)"]
)
def test_no_open_redirect_after_sign_in(client, target):
    response = sign_in(client, account(), at=f"/petugas/masuk?next={target}")
    assert response.headers["Location"] == "/petugas/"


def test_next_inside_the_workspace_is_followed(client):
    response = sign_in(client, account(), at="/petugas/masuk?next=/petugas/pengaduan?status=diterima")
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
    from portal.core import trail as audit

    event = audit.record(
        session=db.session,
        actor=audit.Actor(account_id=officer.id),
        action="lihat",
        object_type="complaint",
        object_id=1,
    )
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
        args=[
            "users",
            "create",
            "Petugas@Bekasi.test",
            "--role",
            "officer",
            "--kecamatan",
            "32.75.01",
            "--password-stdin",
        ],
        input="kata-sandi-panjang-1\n",
    )
    assert result.exit_code == 0, result.output
    made = db.session.scalars(sa.select(Account)).one()
    assert made.email == "petugas@bekasi.test" and made.kecamatan_codes == ["32.75.01"]
    short = app.test_cli_runner().invoke(
        args=["users", "create", "b@b.test", "--role", "admin", "--password-stdin"], input="pendek\n"
    )
    assert short.exit_code != 0 and "paling sedikit 12" in short.output
