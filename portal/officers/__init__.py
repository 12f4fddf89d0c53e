"""/petugas: the officer workspace. Every view declares who may open it (portal.web.auth)."""
from flask import Blueprint, current_app, request

from portal.web.auth import enforce

bp = Blueprint("officers", __name__, url_prefix="/petugas")


@bp.before_request
def _authorize():
    return enforce(current_app.view_functions, request.endpoint)


from portal.officers import (  # noqa: E402,F401
    admin,
    assistance,
    assisted_filing,
    audit_log,
    auth,
    case_page,
    letters,
    outbox,
    people,
    queue,
    reports,
    session_restore,
    sla,
)
