"""/bantuan and /aksesibilitas for residents; the help-request queue and pages for officers."""

from flask import Blueprint

bp = Blueprint("assistance", __name__)
officer_bp = Blueprint("assistance", __name__)  # registered by portal.officers under /petugas

from portal.assistance.routes import expired, officer, requests, tracking  # noqa: E402,F401
