"""The complaint pages: residents' (/pengaduan) and officers' (under /petugas)."""

from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")
officer_bp = Blueprint("complaints", __name__)  # registered by portal.officers under /petugas

from portal.complaints.routes import (  # noqa: E402,F401
    assisted_filing,
    case_page,
    expired,
    filing,
    queue,
    reports,
    sla,
    templates,
    tracking,
)
