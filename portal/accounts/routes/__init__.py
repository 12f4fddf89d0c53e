"""Sign-in, one's own account, and the admin's account pages (all under /petugas)."""

from flask import Blueprint

from portal.accounts.labels import role_label, scope_label
from portal.accounts.services import accounts
from portal.extensions import current_session, login_manager
from portal.web.errors import database_down

officer_bp = Blueprint("accounts", __name__)  # registered by portal.officers under /petugas


@officer_bp.record_once
def _words(state) -> None:
    """Every officer page may name a role or a work area (the account pages, the audit trail)."""
    state.app.jinja_env.globals.update(role_label=role_label, scope_label=scope_label)


@login_manager.user_loader
def _load(user_id: str):
    """The signed-in account of a session (a bumped session_version ends old sessions)."""
    if database_down():
        return None
    return accounts.load_for_session(session=current_session(), user_id=user_id)


from portal.accounts.routes import admin, auth, unsent_forms  # noqa: E402,F401
