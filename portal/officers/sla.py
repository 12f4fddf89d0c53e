"""/petugas/sla: late and soon-due cases per officer and per kecamatan, for supervisors."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.models.base import utcnow
from portal.officers import bp
from portal.services.sla import sla_report
from portal.services.workdays import local_date
from portal.web.auth import SUPERVISORS, roles_required
from portal.web.settings import work_calendar


@bp.get("/sla")
@roles_required(*SUPERVISORS)
def show_sla():
    today = local_date(utcnow())
    report = sla_report(session=db.session, viewer=current_user, today=today,
                        due_soon_by=work_calendar().add_working_days(today, 2))  # fmt: skip
    return render_template("officers/sla.html", report=report, title=_("Batas waktu (SLA)"))
