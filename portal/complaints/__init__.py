from flask import Blueprint

bp = Blueprint("complaints", __name__, url_prefix="/pengaduan")

from portal.complaints import expired, filing, tracking  # noqa: E402,F401
