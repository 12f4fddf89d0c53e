"""The /petugas guard: signed in, not idle for 30 minutes nor signed in for more than 12 hours,
two-factor set up by admins, and the role the view declares (portal.web.auth.roles_required).
A form sent when the session ends is kept for its officer (portal.drafts.web)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.core.base import utcnow
from portal.core.roles import needs_two_factor
from portal.drafts import web as restore
from portal.web.auth import ABSOLUTE_LIFETIME, IDLE_TIMEOUT, PUBLIC

CHANGE_PASSWORD = "officers.accounts.edit_account"  # noqa: S105 (an endpoint)
SET_UP_TOTP = "officers.accounts.set_up_totp"
ALWAYS_OPEN = frozenset({"officers.accounts.sign_out"})
"""Open to a signed-in account that still owes a password change or a two-factor set-up: "Keluar"
on those pages used to send the account back to them (issue 16 point 8)."""


def enforce(view_functions: dict, endpoint: str | None):
    """before_request for the officer blueprint: sign-in, idle timeout, a password chosen by an
    admin changed first, 2FA for admins, role."""
    view = view_functions.get(endpoint or "")
    rule = getattr(view, "allowed_roles", None)
    if rule is None:
        abort(403)  # a view without a rule is closed, not open
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("officers.accounts.sign_in", next=None if request.method == "POST" else _here()))
    now = utcnow().timestamp()
    idle = now - session.get("last_seen", now) > IDLE_TIMEOUT.total_seconds()
    # A session made before signed_in_at existed counts from now: it still ends within the lifetime.
    too_old = now - session.setdefault("signed_in_at", now) > ABSOLUTE_LIFETIME.total_seconds()
    if idle or too_old:
        kept = restore.keep_unsent_form()  # a form being sent keeps its text for after sign-in
        logout_user()
        session.clear()
        why = (
            _("Sesi berakhir karena tidak ada aktivitas selama 30 menit.")
            if idle
            else _(
                "Sesi berakhir karena sudah %(hours)d jam sejak Anda masuk.",
                hours=ABSOLUTE_LIFETIME.total_seconds() // 3600,
            )
        )
        if kept:
            session[restore.RESTORE_KEY] = kept
            flash(why + " " + _("Isian Anda disimpan: masuk lagi untuk melanjutkan."))
        else:
            flash(why + " " + _("Silakan masuk lagi."))
        back = None if request.method == "POST" else _here()
        return redirect(url_for("officers.accounts.sign_in", next=back), 303)
    session["last_seen"] = now
    restore.forget_if_resent()
    if endpoint in ALWAYS_OPEN:
        return None  # signing out (or the static files of the pages below) never loops back
    if current_user.must_change_password and endpoint != CHANGE_PASSWORD:
        return redirect(url_for(CHANGE_PASSWORD))
    two_factor_missing = needs_two_factor(current_user.role) and not current_user.totp_enabled
    if two_factor_missing and endpoint not in (SET_UP_TOTP, CHANGE_PASSWORD):
        return redirect(url_for(SET_UP_TOTP))
    if current_user.role not in rule:
        abort(403)
    return None


def _here() -> str:
    """This page's path and query, for coming back after signing in (Werkzeug's full_path ends
    in a bare "?" when there is no query)."""
    return request.full_path.removesuffix("?")
