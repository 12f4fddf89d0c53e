"""Who may open which officer page. Every /petugas view declares its rule; the blueprint enforces it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import NoReturn
from urllib.parse import unquote, urlsplit

from flask import Flask, abort, request
from flask_login import current_user

from portal.core import trail
from portal.core.roles import Role
from portal.core.trail import Actor
from portal.extensions import current_session, db, login_manager

ALL_STAFF = (Role.OFFICER, Role.SUPERVISOR, Role.ADMIN)
SUPERVISORS = (Role.SUPERVISOR, Role.ADMIN)
ADMINS = (Role.ADMIN,)
PUBLIC = "public"
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_LIFETIME = timedelta(hours=12)  # a working day: a stolen cookie that is kept busy still ends


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
    )


def refuse_out_of_scope(*, object_type: str, object_id: str | int, person_id: int | None = None) -> NoReturn:
    """404 for something that exists but lies outside the officer's scope (the same answer as
    for nothing at all, so that no reference is confirmed), the attempt kept in the audit trail:
    what the transaction did before is rolled back, the refusal committed on its own."""
    db.session.rollback()
    trail.record(
        session=current_session(),
        actor=current_actor(),
        action=trail.OUT_OF_SCOPE,
        object_type=object_type,
        object_id=object_id,
        person_id=person_id,
        detail=request.path[:200],
    )
    db.session.commit()
    abort(404)


def check_scope(visible: bool, *, object_type: str, object_id: str | int) -> None:
    """refuse_out_of_scope unless `visible`: for what was found and may or may not be the officer's."""
    if not visible:
        refuse_out_of_scope(object_type=object_type, object_id=object_id)


def init_app(app: Flask) -> None:
    """Flask-Login for the officer pages (portal.accounts gives it the loader of an account)."""
    login_manager.init_app(app)
    login_manager.login_view = "officers.accounts.sign_in"
    login_manager.session_protection = "basic"
