"""An admin resets another account's two-factor verification (a lost phone): audited, signs the
account out everywhere, and an admin must enroll again before anything else."""

import pyotp
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEvent
from tests.factories import account, set_up_totp, sign_in
from tests.helpers import csrf_token, parse


def reset(client, target, *, checked=True):
    page = f"/petugas/admin/akun/{target.id}"
    data = {"csrf_token": csrf_token(client, page)} | ({"identity_checked": "y"} if checked else {})
    return client.post(f"{page}/verifikasi-dua-langkah", data=data)


def test_an_admin_who_lost_the_phone_enrolls_again_at_next_sign_in(client, app):
    admin = account("admin", totp=True)
    lost = account("admin", totp=True)
    lost_device = app.test_client()
    sign_in(client, admin)
    sign_in(lost_device, lost)
    assert lost_device.get("/petugas/pengaduan").status_code == 200
    old_secret = lost.totp_secret

    form = parse(client.get(f"/petugas/admin/akun/{lost.id}")).select_one("form[action$='/verifikasi-dua-langkah']")
    assert form is not None and form.select_one("input[type=checkbox][name=identity_checked]")
    response = reset(client, lost)
    assert response.status_code == 303 and response.headers["Location"] == f"/petugas/admin/akun/{lost.id}"
    notice = parse(client.get(response.headers["Location"])).select_one(".notice").get_text(" ", strip=True)
    assert "wajib memindai kode QR baru" in notice

    db.session.refresh(lost)
    assert not lost.totp_enabled and lost.totp_secret is None and lost.totp_last_step is None
    event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "atur_ulang_2fa")).one()
    assert (event.account_id, event.object_type, event.object_id) == (admin.id, "account", str(lost.id))
    assert lost_device.get("/petugas/pengaduan").status_code == 302  # signed out everywhere

    fresh = app.test_client()
    assert sign_in(fresh, lost).headers["Location"] == "/petugas/"  # the password alone, no code asked
    assert fresh.get("/petugas/pengaduan").headers["Location"] == "/petugas/akun/2fa"  # nothing else opens
    page = parse(fresh.get("/petugas/akun/2fa"))
    secret = page.select_one("code.secret").get_text(strip=True)
    assert secret != old_secret
    enrolled = fresh.post(
        "/petugas/akun/2fa",
        data={
            "csrf_token": page.select_one("input[name=csrf_token]")["value"],
            "secret": secret,
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert enrolled.status_code == 303 and fresh.get("/petugas/pengaduan").status_code == 200


def test_the_identity_check_is_required(client):
    admin = account("admin", totp=True)
    officer = account(totp=True)
    sign_in(client, admin)
    response = reset(client, officer, checked=False)
    assert response.status_code == 400
    summary = parse(response).select_one(".error-summary")
    assert "Pastikan dulu identitas pemilik akun" in summary.get_text()
    assert summary.select_one("a")["href"] == "#identity_checked"
    db.session.refresh(officer)
    assert officer.totp_enabled
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "atur_ulang_2fa")) == 0


def test_after_a_reset_an_officer_must_enroll_again_too(client, app):
    """Every role sees personal data: an officer's reset is followed by a new set-up, as an admin's."""
    admin = account("admin")
    officer = account()
    sign_in(client, admin)
    response = reset(client, officer)
    notice = parse(client.get(response.headers["Location"])).select_one(".notice").get_text(" ", strip=True)
    assert "wajib memindai kode QR baru" in notice
    other = app.test_client()
    assert sign_in(other, officer).headers["Location"] == "/petugas/"  # the password alone
    assert other.get("/petugas/pengaduan").headers["Location"] == "/petugas/akun/2fa"
    assert set_up_totp(other)[0].status_code == 303
    assert other.get("/petugas/pengaduan").status_code == 200


def test_not_ones_own_and_not_when_it_is_off(client):
    admin = account("admin", totp=True)
    without = account("supervisor", totp=False)
    sign_in(client, admin)
    own = parse(client.get(f"/petugas/admin/akun/{admin.id}"))
    assert own.select_one("form[action$='/verifikasi-dua-langkah']") is None
    assert "minta admin lain" in own.select_one("#verifikasi-dua-langkah").find_next("p").get_text().lower()
    refused = reset(client, admin)
    assert refused.status_code == 400
    assert "akun Anda sendiri" in parse(refused).select_one(".error-summary").get_text()
    db.session.refresh(admin)
    assert admin.totp_enabled

    page = parse(client.get(f"/petugas/admin/akun/{without.id}"))
    assert page.select_one("form[action$='/verifikasi-dua-langkah']") is None
    assert reset(client, without).status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "atur_ulang_2fa")) == 0


def test_only_admins_reset_two_factor(client):
    supervisor = account("supervisor", totp=True)
    officer = account(totp=True)
    sign_in(client, supervisor)
    token = csrf_token(client, "/petugas/akun")
    response = client.post(
        f"/petugas/admin/akun/{officer.id}/verifikasi-dua-langkah", data={"csrf_token": token, "identity_checked": "y"}
    )
    assert response.status_code == 403
    db.session.refresh(officer)
    assert officer.totp_enabled
