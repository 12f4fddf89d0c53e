"""Public pages: home and the status check."""

from __future__ import annotations

from flask import Blueprint, current_app, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError

from portal.complaints.models.complaint import ComplaintCategory
from portal.core.base import utcnow
from portal.core.errors import Locked
from portal.extensions import current_session, db, limiter
from portal.status_check.forms import StatusCheckForm
from portal.status_check.services.check import NextStep, check_status
from portal.web.errors import form_expired, render_error
from portal.web.htmx import render_page_or_fragment
from portal.web.origin import from_this_site
from portal.web.settings import lockout_policy

bp = Blueprint("status_check", __name__)

# Which complaint a result page offers to file, prefilled with the NIK and name just checked.
COMPLAINT_FOR_NEXT_STEP = {
    NextStep.NOT_FOUND: ComplaintCategory.TERLEWAT,
    NextStep.WAITING_LIST: ComplaintCategory.TERLEWAT,
    NextStep.UPDATE_DTSEN: ComplaintCategory.TERLEWAT,
    NextStep.UPDATE_DOMICILE: ComplaintCategory.DATA_SALAH,
    NextStep.ASK_OFFICE: ComplaintCategory.DATA_SALAH,
    NextStep.ENDED: ComplaintCategory.DATA_SALAH,
    NextStep.USE_COVERAGE: ComplaintCategory.MASALAH_KARTU_KLAIM,
}


def _status_check_limit() -> str:
    return current_app.config["RATELIMIT_STATUS_CHECK"]


@bp.route("/cek-status", methods=["GET", "POST"])
@limiter.limit(_status_check_limit, methods=["POST"])
def check_status_page():
    form = StatusCheckForm()
    if request.method != "POST":  # only a POST looks anyone up (HEAD reaches here as a GET too)
        return render_page_or_fragment("status_check/cek_status.html", "status_check/_cek_status.html", form=form)
    if not form.validate_on_submit():
        return render_page_or_fragment(
            "status_check/cek_status.html", "status_check/_cek_status.html", form=form, status=400
        )
    config = current_app.config
    try:
        answer = check_status(
            session=current_session(),
            nik=form.nik.parsed.value,
            name=form.nama.data,
            client=request.remote_addr or "",
            hmac_key=config["NIK_HMAC_KEY"],
            policy=lockout_policy(),
        )
    except Locked as locked:
        db.session.commit()  # the locked attempt is logged too
        message = _(
            "Terlalu banyak percobaan untuk NIK ini dari perangkat Anda. Coba lagi setelah %(minutes)d "
            "menit, atau tanyakan langsung di kantor kelurahan atau Disnaker Kota Bekasi dengan membawa KTP.",
            minutes=locked.minutes,
        )
        return render_error(429, message, retry_after=locked.retry_after_seconds, contact=True)
    db.session.commit()
    if answer.person_id is not None:
        # Remembered briefly for the letter download; the NIK itself never goes into the cookie.
        session["checked_person"] = answer.person_id
        session["checked_at"] = int(utcnow().timestamp())  # the letter download expires (15 min)
    elif "checked_person" in session:  # no earlier person's letter left open on a shared device
        session.pop("checked_person", None)
    # A found person's answer stands alone; after a failed check the form is shown again as typed.
    return render_page_or_fragment(
        "status_check/cek_status.html",
        "status_check/_cek_status.html",
        form=form,
        answer=answer,
        complaint_category=COMPLAINT_FOR_NEXT_STEP.get(answer.next_step),
        checked_nik=form.nik.parsed.value,
        checked_name=form.nama.data,
    )


@bp.errorhandler(CSRFError)
def keep_typed_answers(_error: CSRFError):
    """A check sent after its page was open too long: the form comes back as typed, with a fresh
    token, and nothing is looked up or stored (only for forms sent from a page of this portal)."""
    db.session.rollback()
    if request.endpoint != "status_check.check_status_page" or not from_this_site():
        return form_expired()
    return render_page_or_fragment(
        "status_check/cek_status.html",
        "status_check/_cek_status.html",
        form=StatusCheckForm(),
        expired=True,
        status=400,
    )


@bp.post("/cek-status/nik")
@limiter.exempt
def validate_nik():
    """htmx: check the NIK's format while it is typed. No lookup: nothing about the roster leaks."""
    form = StatusCheckForm()
    form.nik.validate(form)
    return render_page_or_fragment(
        "status_check/cek_status.html",
        "status_check/_nik_feedback.html",
        form=form,
        nik_ok=not form.nik.errors and bool(form.nik.data),
    )
