"""Sign in (password, then TOTP when enabled), sign out, account: password and 2FA set-up."""

from __future__ import annotations

import segno
from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from portal.accounts.forms.auth import PasswordChangeForm, SignInForm, TotpForm
from portal.accounts.labels import error_message
from portal.accounts.models import Account
from portal.accounts.routes import device
from portal.accounts.routes import officer_bp as bp
from portal.accounts.services import accounts
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import Locked
from portal.drafts import web as restore
from portal.extensions import current_session, db, limiter
from portal.web.auth import ALL_STAFF, current_actor, public_endpoint, roles_required, safe_next
from portal.web.errors import render_error
from portal.web.settings import lockout_policy

PENDING_KEY = "pending_sign_in"


def _finish_sign_in(account: Account, next_url: str | None):
    restore.carry_over(session.clear)  # a fresh session: no fixation of a pre-login session
    login_user(account)
    session["last_seen"] = session["signed_in_at"] = utcnow().timestamp()
    accounts.mark_signed_in(session=current_session(), account=account)
    audit.record(
        session=current_session(), actor=current_actor(), action="masuk", object_type="account", object_id=account.id
    )
    db.session.commit()
    if session.get(restore.RESTORE_KEY):  # an unsent form from before the session ended
        response = redirect(url_for("officers.accounts.show_unsent_form"), 303)
    else:
        response = redirect(safe_next(next_url) or url_for("officers.accounts.show_home"), 303)
    device.remember(response, account.email)  # this browser is now a known device of this account
    return response


def _wrong_sign_in() -> str:
    """One message for an unknown e-mail, a wrong password and a device locked out: which of
    them it is would tell who has an account. So it says what to do in each case."""
    policy = lockout_policy()
    return _(
        "Email atau kata sandi salah, atau perangkat ini sedang ditahan karena terlalu banyak percobaan. "
        "Periksa lalu coba lagi. Setelah %(n)d kali salah, tunggu %(minutes)d menit (lebih lama jika "
        "terulang), atau masuk dari perangkat yang biasa Anda pakai. Lupa kata sandi? Minta admin "
        "mengaturnya ulang.",
        n=policy.max_failures,
        minutes=policy.base_minutes,
    )


@bp.route("/masuk", methods=["GET", "POST"])
@public_endpoint
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def sign_in():
    form = SignInForm()
    next_url = request.args.get("next")
    if current_user.is_authenticated and request.method != "POST":
        return redirect(url_for("officers.accounts.show_home"), 303)
    if request.method != "POST" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/masuk.html", form=form, title=_("Masuk petugas")), status
    client = device.client_for(form.email.data)
    result = accounts.authenticate(
        session=current_session(),
        email=form.email.data,
        password=form.password.data,
        client=client.key,
        trusted=client.trusted,
        hmac_key=current_app.config["NIK_HMAC_KEY"],
        policy=lockout_policy(),
    )
    db.session.commit()
    if result is None:
        form.password.errors = [_wrong_sign_in()]
        return render_template("accounts/masuk.html", form=form, title=_("Masuk petugas")), 400
    if result.needs_totp:
        restore.carry_over(session.clear)
        session[PENDING_KEY] = {"id": result.account.id, "at": utcnow().timestamp(), "next": next_url}
        return redirect(url_for("officers.accounts.verify_totp"), 303)
    return _finish_sign_in(result.account, next_url)


@bp.route("/masuk/kode", methods=["GET", "POST"])
@public_endpoint
@limiter.limit(lambda: current_app.config["RATELIMIT_SIGN_IN"], methods=["POST"])
def verify_totp():
    pending = session.get(PENDING_KEY)
    if not pending or utcnow().timestamp() - pending["at"] > 300:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("officers.accounts.sign_in"), 303)
    form = TotpForm()
    if request.method != "POST" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/kode.html", form=form, title=_("Kode verifikasi")), status
    account = db.session.get(Account, pending["id"])
    if account is None or not account.active:
        session.pop(PENDING_KEY, None)
        return redirect(url_for("officers.accounts.sign_in"), 303)
    client = device.client_for(account.email)
    try:
        right = accounts.verify_second_factor(
            session=current_session(),
            account=account,
            code=form.code.data,
            client=client.key,
            trusted=client.trusted,
            hmac_key=current_app.config["NIK_HMAC_KEY"],
            policy=lockout_policy(),
        )
    except Locked as locked:
        db.session.commit()
        session.pop(PENDING_KEY, None)  # start again from the password, after the wait
        message = _(
            "Terlalu banyak percobaan masuk. Coba lagi setelah %(minutes)d menit, dari awal dengan "
            "email dan kata sandi.",
            minutes=locked.minutes,
        )
        return render_error(429, message, retry_after=locked.retry_after_seconds)
    if not right:
        db.session.commit()
        form.code.errors = [_("Kode salah atau sudah kedaluwarsa. Masukkan kode terbaru dari aplikasi.")]
        return render_template("accounts/kode.html", form=form, title=_("Kode verifikasi")), 400
    return _finish_sign_in(account, pending.get("next"))


@bp.post("/keluar")
@roles_required(*ALL_STAFF)
def sign_out():
    accounts.sign_out(session=current_session(), account=current_user, who=current_actor())
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("Anda sudah keluar, di perangkat ini dan di perangkat lain."))
    return redirect(url_for("officers.accounts.sign_in"), 303)


@bp.get("/")
@roles_required(*ALL_STAFF)
def show_home():
    """The workspace's front door (after sign-in, from an error page): the open work."""
    if current_user.is_supervisor:
        return redirect(url_for("officers.complaints.show_queue", status="terbuka"), 303)
    return redirect(url_for("officers.complaints.show_queue", status="terbuka", ditugaskan="saya"), 303)


@bp.route("/akun", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def edit_account():
    form = PasswordChangeForm()
    if request.method != "POST" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/akun.html", form=form, title=_("Akun saya")), status
    forced = current_user.must_change_password
    try:
        accounts.change_password(
            session=current_session(), account=current_user, current=form.current.data, new=form.new.data
        )
    except accounts.AccountError as error:
        db.session.rollback()
        form.new.errors = [error_message(error)]
        return render_template("accounts/akun.html", form=form, title=_("Akun saya")), 400
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="ganti_kata_sandi",
        object_type="account",
        object_id=current_user.id,
    )
    db.session.commit()
    login_user(current_user)  # this session carries the new version; every other one is signed out
    flash(_("Kata sandi diganti. Sesi di perangkat lain sudah dikeluarkan."))
    if forced:  # on to the work (or to the two-factor set-up an admin still owes)
        return redirect(url_for("officers.accounts.show_home"), 303)
    return redirect(url_for("officers.accounts.edit_account"), 303)


@bp.route("/akun/2fa", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def set_up_totp():
    form = TotpForm()
    if request.method != "POST" or not accounts.looks_like_totp_secret(form.secret.data):
        form.secret.data = accounts.new_totp_secret()
    secret = form.secret.data
    uri = accounts.totp_uri(account=current_user, secret=secret)
    qr_svg = segno.make(uri, error="m").svg_inline(scale=4, title=_("Kode QR untuk aplikasi autentikator"))
    context = {"form": form, "secret": secret, "qr_svg": qr_svg, "title": _("Verifikasi dua langkah")}
    if request.method != "POST" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("accounts/2fa.html", **context), status
    if not accounts.enable_totp(session=current_session(), account=current_user, secret=secret, code=form.code.data):
        db.session.commit()
        form.code.errors = [_("Kode salah. Pastikan jam ponsel tepat, lalu masukkan kode terbaru.")]
        return render_template("accounts/2fa.html", **context), 400
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="aktifkan_2fa",
        object_type="account",
        object_id=current_user.id,
    )
    db.session.commit()
    login_user(current_user)
    flash(_("Verifikasi dua langkah aktif."))
    return redirect(url_for("officers.accounts.show_home"), 303)
