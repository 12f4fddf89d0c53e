"""/petugas/admin: officer accounts and reply templates (admins only). Every change is audited."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.accounts.forms.admin import (
    CITY_WIDE,
    SOME_KECAMATAN,
    AccountCreateForm,
    AccountEditForm,
    PasswordResetForm,
    TwoFactorResetForm,
)
from portal.accounts.labels import error_message, held_message, released_message
from portal.accounts.models import Account
from portal.accounts.routes import officer_bp as bp
from portal.accounts.services import admin as account_admin
from portal.accounts.services.accounts import AccountError, AccountRefusal
from portal.accounts.services.handover import HoldsOpenWork
from portal.core.regions import regions
from portal.core.roles import Role
from portal.extensions import current_session, db
from portal.web.auth import ADMINS, current_actor, roles_required

# Accounts ------------------------------------------------------------------------------------

SCOPE_REFUSALS = {AccountRefusal.SCOPE_NOT_CHOSEN, AccountRefusal.SCOPE_BOTH}


@bp.get("/admin/akun")
@roles_required(*ADMINS)
def list_accounts():
    return render_template(
        "accounts/admin_akun.html",
        accounts=account_admin.list_accounts(session=current_session()),
        kecamatan=regions().kecamatan,
        title=_("Akun petugas"),
    )


@bp.route("/admin/akun/baru", methods=["GET", "POST"])
@roles_required(*ADMINS)
def create_account():
    form = AccountCreateForm(data={"role": Role.OFFICER.value})
    if not form.validate_on_submit():
        return _account_form(form, None, status=400 if form.is_submitted() else 200)
    try:
        made = account_admin.create(
            session=current_session(),
            email=form.email.data,
            name=form.name.data,
            role=Role(form.role.data),
            kecamatan_codes=form.chosen_codes,
            city_wide=form.city_wide,
            password=form.password.data,
            who=current_actor(),
        )
    except AccountError as error:  # the email is taken or not an email, or no scope chosen
        db.session.rollback()
        field = form.scope if error.code in SCOPE_REFUSALS else form.email
        field.errors = [error_message(error)]
        return _account_form(form, None, status=400)
    db.session.commit()
    flash(_("Akun %(email)s dibuat. Sampaikan kata sandi awal kepada pemiliknya secara langsung.", email=made.email))
    return redirect(url_for("officers.accounts.list_accounts"), 303)


def _account(account_id: int) -> Account:
    account = db.session.get(Account, account_id)
    if account is None:
        abort(404)
    return account


def _account_form(
    form,
    account: Account | None,
    *,
    reset_form=None,
    two_factor_form=None,
    error: str | None = None,
    held: dict[str, int] | None = None,
    status: int = 200,
):
    if account is not None and reset_form is None:
        reset_form = PasswordResetForm(formdata=None, email=account.email)
    if account is not None and two_factor_form is None:
        two_factor_form = TwoFactorResetForm(formdata=None)
    title = _("Ubah akun %(email)s", email=account.email) if account else _("Buat akun petugas")
    return render_template(
        "accounts/admin_akun_form.html",
        form=form,
        account=account,
        reset_form=reset_form,
        two_factor_form=two_factor_form,
        error=error,
        held=held,
        held_message=held_message(held) if held else None,
        title=title,
    ), status


def _edit_form(account: Account) -> AccountEditForm:
    return AccountEditForm(
        formdata=None,
        data={
            "name": account.name,
            "role": account.role.value,
            "kecamatan": account.kecamatan_codes,
            "scope": SOME_KECAMATAN if account.kecamatan_codes else CITY_WIDE,
            "active": account.active,
        },
    )


@bp.route("/admin/akun/<int:account_id>", methods=["GET", "POST"])
@roles_required(*ADMINS)
def update_account(account_id: int):
    account = _account(account_id)
    form = AccountEditForm(
        data={
            "name": account.name,
            "role": account.role.value,
            "kecamatan": account.kecamatan_codes,
            "scope": SOME_KECAMATAN if account.kecamatan_codes else CITY_WIDE,
            "active": account.active,
        }
    )
    if not form.validate_on_submit():
        return _account_form(form, account, status=400 if form.is_submitted() else 200)
    try:
        released = account_admin.update(
            session=current_session(),
            account=account,
            name=form.name.data,
            role=Role(form.role.data),
            kecamatan_codes=form.chosen_codes,
            city_wide=form.city_wide,
            active=form.active.data,
            by=current_user,
            who=current_actor(),
            holders=current_app.extensions.get("sigap_work_holders", {}),
            release=form.release.data,
        )
    except AccountError as error:
        db.session.rollback()
        return _account_form(form, _account(account_id), error=error_message(error), status=400)
    except HoldsOpenWork as held:
        db.session.rollback()
        return _account_form(form, _account(account_id), held=held.held, status=400)
    db.session.commit()
    flash(_("Perubahan akun %(email)s disimpan.", email=account.email))
    if released:
        flash(released_message(released))
    return redirect(url_for("officers.accounts.list_accounts"), 303)


@bp.post("/admin/akun/<int:account_id>/kata-sandi")
@roles_required(*ADMINS)
def reset_password(account_id: int):
    account = _account(account_id)
    reset_form = PasswordResetForm(email=account.email)
    edit_form = _edit_form(account)
    if account.id == current_user.id:  # no reset form on one's own page: say why here
        return _account_form(
            edit_form, account, error=_("Ganti kata sandi Anda sendiri di halaman Akun saya."), status=400
        )
    if not reset_form.validate_on_submit():
        return _account_form(edit_form, account, reset_form=reset_form, status=400)
    try:
        account_admin.reset_password(
            session=current_session(),
            account=account,
            new=reset_form.new.data,
            by=current_user,
            who=current_actor(),
            hmac_key=current_app.config["NIK_HMAC_KEY"],
        )
    except AccountError as error:
        db.session.rollback()
        reset_form.new.errors = [error_message(error)]
        return _account_form(edit_form, _account(account_id), reset_form=reset_form, status=400)
    db.session.commit()
    flash(
        _(
            "Kata sandi %(email)s diganti dan semua sesinya dikeluarkan. Sampaikan kata sandi baru secara langsung.",
            email=account.email,
        )
    )
    return redirect(url_for("officers.accounts.update_account", account_id=account.id), 303)


@bp.post("/admin/akun/<int:account_id>/verifikasi-dua-langkah")
@roles_required(*ADMINS)
def reset_two_factor(account_id: int):
    account = _account(account_id)
    form = TwoFactorResetForm()
    # Where the page offers no form (one's own account, 2FA not on), the service's refusal says why.
    offered = account.id != current_user.id and account.totp_enabled
    if offered and not form.validate_on_submit():
        return _account_form(_edit_form(account), account, two_factor_form=form, status=400)
    try:
        account_admin.reset_two_factor(session=current_session(), account=account, by=current_user, who=current_actor())
    except AccountError as error:
        db.session.rollback()
        account = _account(account_id)
        return _account_form(_edit_form(account), account, error=error_message(error), status=400)
    db.session.commit()
    flash(
        _(
            "Verifikasi dua langkah %(email)s diatur ulang dan semua sesinya dikeluarkan. Saat masuk "
            "berikutnya, ia wajib memindai kode QR baru dengan ponselnya sebelum bisa bekerja.",
            email=account.email,
        )
    )
    return redirect(url_for("officers.accounts.update_account", account_id=account.id), 303)
