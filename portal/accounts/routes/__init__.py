"""Sign-in, one's own account, and the admin's account pages (all under /petugas)."""

from flask import Blueprint

officer_bp = Blueprint("accounts", __name__)  # registered by portal.officers under /petugas

from portal.accounts.routes import admin, auth, unsent_forms  # noqa: E402,F401
