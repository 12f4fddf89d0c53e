"""/petugas: the officer workspace. One parent blueprint holds the guard (every view declares who
may open it: portal.web.auth) and registers each domain's officer blueprint."""

from flask import Blueprint, current_app, request
from flask_wtf.csrf import CSRFError

from portal.officers.guard import enforce

bp = Blueprint("officers", __name__, url_prefix="/petugas")


@bp.before_request
def _authorize():
    return enforce(current_app.view_functions, request.endpoint)


# Each domain's officer pages, under /petugas and behind the guard above (nested once, at import).
from portal.accounts.routes import officer_bp as accounts  # noqa: E402
from portal.accounts.routes.unsent_forms import keep_form_with_a_stale_token  # noqa: E402
from portal.assistance.routes import officer_bp as assistance  # noqa: E402
from portal.audit.routes import officer_bp as audit  # noqa: E402
from portal.complaints.routes import officer_bp as complaints  # noqa: E402
from portal.letters.routes import officer_bp as letters  # noqa: E402
from portal.notifications.routes import officer_bp as notifications  # noqa: E402
from portal.people.routes import officer_bp as people  # noqa: E402
from portal.program.routes import officer_bp as program  # noqa: E402
from portal.roster.routes import officer_bp as roster  # noqa: E402

for _child in (accounts, assistance, audit, complaints, letters, notifications, people, program, roster):
    bp.register_blueprint(_child)

# A form sent with a stale token, on any officer page, is kept for its officer (not only on accounts' pages).
bp.register_error_handler(CSRFError, keep_form_with_a_stale_token)
