"""A /bantuan form whose CSRF token ran out (a page left open over the time limit) or whose
session cookie is gone (the phone's browser was closed): nothing is saved, but nothing typed is
lost either (WCAG 2.2.1, 2.2.5). The form comes back filled in, with a fresh token and a message
saying to send it again; the check page goes back to the draft it was showing.

A blueprint error handler: Flask looks up handlers by the request's blueprint, so this catches the
CSRFError that CSRFProtect raises before the view runs. Every other POST of the blueprint gets the
portal's usual "form expired" page.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from portal.assistance import bp
from portal.assistance.forms import AssistanceForm
from portal.assistance.routes import DRAFT_KEY, _render_form
from portal.extensions import db
from portal.services import assistance as service
from portal.web.errors import render_error


def _from_this_site() -> bool:
    """The draft token in the form is only taken from a page of this portal (no other site can
    put a draft of its making into someone's session)."""
    return urlsplit(request.referrer or "").netloc == request.host


@bp.errorhandler(CSRFError)
def keep_typed_answers(error: CSRFError):
    db.session.rollback()
    if request.endpoint == "assistance.request_help":
        form = AssistanceForm()  # the posted answers; its csrf_token renders a fresh token
        form.narrow_kelurahan()
        return _render_form(form, 400, expired=True)
    if request.endpoint == "assistance.check_request":
        token = session.get(DRAFT_KEY) or (request.form.get("draft") if _from_this_site() else None)
        if service.get_draft(session=db.session, token=token) is not None:
            session[DRAFT_KEY] = token
            flash(_("Permintaan belum terkirim karena halaman terlalu lama terbuka. Jawaban Anda masih "
                    "tersimpan: periksa lagi, lalu tekan “Kirim permintaan bantuan”."))  # fmt: skip
            return redirect(url_for("assistance.check_request"), 303)
    return render_error(
        400,
        _("Formulir ini sudah kedaluwarsa atau dikirim dari luar portal. Muat ulang halaman, lalu kirim lagi."),
    )
