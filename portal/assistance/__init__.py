"""/bantuan: accessibility assistance requests; /aksesibilitas: the accessibility statement."""
from flask import Blueprint

bp = Blueprint("assistance", __name__)

from portal.assistance import expired, routes, tracking  # noqa: E402,F401
