"""/petugas/sla: late and soon-due cases per officer and per kecamatan, for supervisors."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.complaints.routes import officer_bp as bp
from portal.complaints.routes.queue import due_soon_by
from portal.complaints.services.sla import sla_report
from portal.core.base import utcnow
from portal.core.workdays import local_date
from portal.extensions import current_session
from portal.web.auth import SUPERVISORS, roles_required


@bp.get("/sla")
@roles_required(*SUPERVISORS)
def show_sla():
    today = local_date(utcnow())
    report = sla_report(session=current_session(), viewer=current_user, today=today, due_soon_by=due_soon_by(today))
    soon = current_app.config["SLA_DUE_SOON_DAYS"]
    title = _("Batas waktu (SLA)")
    return render_template("complaints/petugas_sla.html", report=report, due_soon_days=soon, title=title)
