"""POST /petugas/pengaduan/<reference>/aksi/pindah-wilayah: a case moved to another kelurahan
(issue 16 point 5). Its own address because the officer may not see the case afterwards: the
answer then leads to the queue, not to a case page that would be a 404."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.complaints.forms import case as forms
from portal.complaints.forms.public import kelurahan_choices
from portal.complaints.labels import error_message
from portal.complaints.models.complaint import Complaint
from portal.complaints.routes import officer_bp as bp
from portal.complaints.routes.case_conflict import what_changed
from portal.complaints.routes.case_page import _case, _render, _seen
from portal.complaints.services.case_checks import CaseChanged
from portal.complaints.services.transfer import transfer
from portal.core.errors import DomainError
from portal.core.regions import kelurahan
from portal.extensions import current_session, db
from portal.web.auth import ALL_STAFF, current_actor, roles_required

ACTION = "pindah-wilayah"


@bp.post(f"/pengaduan/<reference>/aksi/{ACTION}")
@roles_required(*ALL_STAFF)
def transfer_case(reference: str):
    complaint = _case(reference)
    form = forms.TransferForm()
    form.kelurahan.choices = kelurahan_choices()
    if not form.validate_on_submit():
        return _render(complaint, active_form=(ACTION, form), status=400)
    try:
        still_mine = transfer(
            session=current_session(),
            complaint=complaint,
            officer=current_user._get_current_object(),
            expected_version=form.version_number,
            kelurahan_code=form.kelurahan.data,
            reason=form.reason.data,
            who=current_actor(),
        )
    except CaseChanged:
        db.session.rollback()
        again = db.session.get_one(Complaint, complaint.id)
        kept, conflict = what_changed(again, ACTION, form, seen=_seen(again))
        return _render(again, active_form=kept, conflict=conflict, status=409)
    except DomainError as error:
        db.session.rollback()
        again = db.session.get_one(Complaint, complaint.id)
        return _render(again, active_form=(ACTION, form), error=error_message(error), status=400)
    db.session.commit()
    place = kelurahan(form.kelurahan.data)
    where = f"{place.name}, {_('Kecamatan')} {place.kecamatan.name}" if place else form.kelurahan.data
    if still_mine:
        flash(_("Pengaduan dipindahkan ke %(place)s.", place=where))
        return redirect(url_for("officers.complaints.show_case", reference=reference), 303)
    flash(
        _(
            "Pengaduan %(ref)s dipindahkan ke %(place)s dan kini ditangani petugas di sana; Anda tidak dapat "
            "membukanya lagi.",
            ref=reference,
            place=where,
        )
    )
    return redirect(url_for("officers.complaints.show_queue"), 303)
