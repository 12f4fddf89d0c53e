"""A /bantuan form whose CSRF token ran out (a page left open over the time limit) or whose
session cookie is gone (the phone's browser was closed): nothing is saved, but nothing typed is
lost either (WCAG 2.2.1, 2.2.5). The form comes back filled in, with a fresh token and a message
saying to send it again; the check page goes back to the draft it was showing. Only for forms
sent from a page of this portal (portal.web.origin.from_this_site).

A blueprint error handler: Flask looks up handlers by the request's blueprint, so this catches the
CSRFError that CSRFProtect raises before the view runs. Every other POST of the blueprint gets the
portal's usual "form expired" page.
"""

from __future__ import annotations

from flask import flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from portal.assistance.forms.public import AssistanceForm
from portal.assistance.routes import bp
from portal.assistance.routes.requests import DRAFT_KEY, render_form
from portal.assistance.services import requests as service
from portal.extensions import db
from portal.web.errors import form_expired, too_many_requests
from portal.web.origin import from_this_site
from portal.web.waiting import wait_for_the_limit


@bp.errorhandler(CSRFError)
def keep_typed_answers(error: CSRFError):
    db.session.rollback()
    if not from_this_site():  # another site's post: no typed text shown back, no draft taken over
        return form_expired()
    if request.endpoint == "assistance.request_help":
        form = AssistanceForm()  # the posted answers; its csrf_token renders a fresh token
        form.narrow_kelurahan()
        return render_form(form, 400, expired=True)
    if request.endpoint == "assistance.check_request":
        token = session.get(DRAFT_KEY) or request.form.get("draft")
        if service.get_draft(session=db.session, token=token) is not None:
            session[DRAFT_KEY] = token
            flash(
                _(
                    "Permintaan belum terkirim karena halaman terlalu lama terbuka. Jawaban Anda masih "
                    "tersimpan: periksa lagi, lalu tekan “Kirim permintaan bantuan”."
                )
            )
            return redirect(url_for("assistance.check_request"), 303)
    return form_expired()


@bp.errorhandler(TooManyRequests)
def keep_typed_answers_past_the_limit(error: TooManyRequests):
    """/bantuan sent once too often from one address: nothing is stored, the form comes back as
    typed (disability data included, as it was never stored), with how long to wait in words."""
    db.session.rollback()
    wait = wait_for_the_limit()
    if request.endpoint != "assistance.request_help" or not from_this_site() or wait is None:
        return too_many_requests(error)
    form = AssistanceForm()
    form.narrow_kelurahan()
    return render_form(form, 429, wait=wait)
