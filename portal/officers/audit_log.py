"""/petugas/audit: the audit trail for supervisors, by object or by officer, newest first."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from portal.extensions import db
from portal.models.account import Account
from portal.officers import bp
from portal.officers.admin_forms import AuditFilterForm
from portal.services import audit_log
from portal.web.auth import SUPERVISORS, current_actor, roles_required
from portal.web.numbers import as_id


@bp.get("/audit")
@roles_required(*SUPERVISORS)
def show_audit():
    form = AuditFilterForm(request.args)
    officers = db.session.execute(sa.select(Account.id, Account.name, Account.email).order_by(Account.name)).all()
    form.petugas.choices = [SelectChoice("", _("Semua petugas"))] + [SelectChoice(str(a.id), f"{a.name} ({a.email})")
                                                                     for a in officers]  # fmt: skip
    object_type = form.jenis.data if form.jenis.data in audit_log.OBJECT_TYPES else None
    account_id = as_id(form.petugas.data)
    before = request.args.get("sebelum", "")
    filters = audit_log.AuditFilters(object_type=object_type, object_ref=(form.objek.data or "")[:40],
                                     account_id=account_id,
                                     before_id=as_id(before))  # fmt: skip
    page = audit_log.browse(session=db.session, filters=filters, who=current_actor())
    db.session.commit()
    if page.message:  # an object that cannot be found is an error of that field, linked from the summary
        form.objek.errors = [page.message]
    return render_template("officers/audit.html", form=form, page=page, args=request.args,
                           labels={c.value: c.label for c in form.jenis.choices}, title=_("Jejak audit"))  # fmt: skip
