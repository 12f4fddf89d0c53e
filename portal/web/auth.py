"""Who may open which officer page. Every /petugas view declares its rule; the blueprint enforces it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from portal.accounts.models import Role
from portal.accounts.services import accounts
from portal.audit.services.trail import Actor
from portal.core.base import utcnow
from portal.extensions import db, login_manager
from portal.web import restore

ALL_STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
ADMINS = (Role.ADMIN,)
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)  # a working day: a stolen cookie that is kept busy still ends
PUBLIC = "public"


def roles_required(*roles: Role) -> Callable:
    """Mark a view with the roles that may open it (checked by the blueprint's before_request)."""

    def decorate(view):
        view.allowed_roles = frozenset(roles)
        return view

    return decorate


def public_endpoint(view):
    """The sign-in pages: the only /petugas views open without an account."""
    view.allowed_roles = PUBLIC
    return view


def enforce(view_functions: dict, endpoint: str | None):
    """before_request for the officer blueprint: sign-in, idle timeout, 2FA for admins, role."""
    view = view_functions.get(endpoint or "")
    rule = getattr(view, "allowed_roles", None)
    if rule is None:
        abort(403)  # a view without a rule is closed, not open
    if rule == PUBLIC:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("officers.accounts.sign_in", next=_here() if request.method == "GET" else None))
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
        back = _here() if request.method == "GET" else None
        return redirect(url_for("officers.accounts.sign_in", next=back), 303)
    session["last_seen"] = now
    restore.forget_if_resent()
    two_factor_missing = current_user.role is Role.ADMIN and not current_user.totp_enabled
    if two_factor_missing and endpoint != "officers.accounts.set_up_totp":
        return redirect(url_for("officers.accounts.set_up_totp"))
    if current_user.role not in rule:
        abort(403)
    return None


def _here() -> str:
    """This page's path and query, for coming back after signing in (Werkzeug's full_path ends
    in a bare "?" when there is no query)."""
    return request.full_path.removesuffix("?")


def safe_next(target: str | None) -> str | None:
    """Only paths inside the officer workspace: no open redirect to another site."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/petugas") or target.startswith("//"):
        return None
    # Browsers read "\\" as "/" and resolve "..", "%2e%2e": "/petugas/../x" would leave the workspace.
    segments = unquote(parts.path).replace("\\", "/").split("/")
    if ".." in segments or "." in segments or any(c.isspace() or not c.isprintable() for c in target):
        return None
    return target.rstrip("?")


def current_actor() -> Actor:
    return Actor(
        account_id=current_user.id if current_user.is_authenticated else None,
        ip=request.remote_addr or "",
        label=f"petugas:{current_user.id}" if current_user.is_authenticated else "",
    )


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "officers.accounts.sign_in"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load(user_id: str):
        return accounts.load_for_session(session=db.session, user_id=user_id)
