"""A complaint step that could not be taken keeps what was typed: one sent past the sending
limit (429, saying how long to wait in words), or one sent after its CSRF token ran out (a page
left open over a day) or after the session cookie was lost (the phone's browser was closed).
Nothing is filed, but nothing typed is lost either (WCAG 2.2.1, 2.2.5). The step comes back
filled in, with a fresh token and a message; the check step goes back to the draft it was showing.

Only for forms sent from a page of this portal (portal.web.origin.from_this_site); anything
else gets the portal's usual "form expired" page. A blueprint error handler: CSRFProtect raises
before the view runs, and Flask looks the handler up by the request's blueprint.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import TooManyRequests

from portal.complaints.forms.public import TrackForm
from portal.complaints.routes import bp
from portal.complaints.routes.filing import (
    CATEGORY_HINTS,
    DRAFT_KEY,
    PUBLIC_CATEGORIES,
    CategoryForm,
    current_draft,
    details_form,
    render_details,
)
from portal.complaints.services import filing as service
from portal.extensions import db
from portal.web.errors import form_expired, too_many_requests
from portal.web.htmx import render_page_or_fragment
from portal.web.origin import from_this_site
from portal.web.waiting import wait_for_the_limit


@bp.errorhandler(CSRFError)
def keep_typed_answers(error: CSRFError):
    db.session.rollback()
    if not from_this_site():
        return form_expired()
    match request.endpoint:
        case "complaints.new_complaint":
            form = CategoryForm()  # the posted choice; its csrf_token renders a fresh token
            return render_template("complaints/kategori.html", form=form, hints=CATEGORY_HINTS, expired=True), 400
        case "complaints.track_complaint":
            form = TrackForm()  # the typed number and code, with a fresh token; nothing looked up
            return render_page_or_fragment(
                "complaints/lacak.html", "complaints/_lacak_form.html", form=form, expired=True, status=400
            )
        case "complaints.edit_details":
            return _details_again()
        case "complaints.check_answers":
            if _draft_back(request.form.get("draft")) is not None:
                flash(
                    _(
                        "Pengaduan belum terkirim karena halaman terlalu lama terbuka. Jawaban Anda masih "
                        "tersimpan: periksa lagi, lalu tekan “Kirim pengaduan”."
                    )
                )
                return redirect(url_for("complaints.check_answers"), 303)
    return form_expired()


def _draft_back(token: str | None):
    """The session's draft, or the one the page was showing when the session cookie is gone."""
    draft = current_draft()
    if draft is None and token:
        draft = service.get_draft(session=db.session, token=token)
        if draft is not None:
            session[DRAFT_KEY] = draft.token
    return draft if draft is not None and "kategori" in draft.data else None


def _details_again():
    """What was typed, shown back; nothing is stored here (no token was checked and no rate limit
    counted): when the draft is gone, the form's category starts a new one when it is sent again."""
    draft = _draft_back(request.form.get("draft"))
    if draft is None:
        category = request.form.get("kategori", "")
        if category not in PUBLIC_CATEGORIES:
            return form_expired()
        draft = service.unsaved_draft(data={"kategori": category})
    form = details_form(draft, formdata=request.form)
    return render_details(form, draft, 400, expired=True)


@bp.errorhandler(TooManyRequests)
def keep_typed_answers_past_the_limit(error: TooManyRequests):
    """The details step sent once too often from one address (a kelurahan's Wi-Fi, an RT head
    filing for five neighbours): nothing is stored, the form comes back as typed."""
    db.session.rollback()
    wait = wait_for_the_limit()
    if request.endpoint != "complaints.edit_details" or not from_this_site() or wait is None:
        return too_many_requests(error)
    draft = _draft_back(request.form.get("draft"))
    if draft is None:
        category = request.form.get("kategori", "")
        if category not in PUBLIC_CATEGORIES:
            return too_many_requests(error)
        draft = service.unsaved_draft(data={"kategori": category})
    body, _status = render_details(details_form(draft, formdata=request.form), draft, 429, wait=wait)
    return body, 429
