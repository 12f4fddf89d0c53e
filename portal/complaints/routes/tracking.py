"""/pengaduan/lacak: reference + access code → status, expected date, public timeline; answer a
request for information; say "puas" or "belum puas". A reference of another series (BTN: help
requests) is found by the domain that registered it (TRACKERS)."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.complaints.forms.public import AnswerForm, RatingForm, TrackForm
from portal.complaints.labels import error_message, event_label, status_label, tracking_locked_message
from portal.complaints.models.complaint import Complaint, ComplaintStatus, Satisfaction
from portal.complaints.routes import bp
from portal.complaints.routes.uploads import Uploads, read_field
from portal.complaints.services import tracking
from portal.complaints.services.attachments import MAX_FILES, AttachmentError
from portal.core.base import utcnow
from portal.core.errors import DomainError, Locked
from portal.core.lockout import keyed_hash
from portal.core.references import normalize_reference
from portal.drafts.services import session_restore
from portal.extensions import current_session, db, limiter
from portal.web.errors import render_error
from portal.web.htmx import render_page_or_fragment
from portal.web.settings import attachment_store, lockout_policy, program_rules, work_calendar

# The statuses whose last move carries the officer's explanation, shown with the outcome.
DECIDED = frozenset({ComplaintStatus.SELESAI, ComplaintStatus.DITOLAK, ComplaintStatus.DITUTUP})
TRACKED_KEY = "tracked_complaint"
UNSENT_ANSWER_KEY = "unsent_answer"
TRACKING_LIFETIME = timedelta(minutes=30)


def _tracking_limit() -> str:
    return current_app.config["RATELIMIT_TRACKING"]


def _code_mark(complaint: Complaint) -> str:
    """Which access code opened the session (a keyed hash of the code's hash, not the code): a
    new code made by an officer ends the sessions opened with the old one."""
    return keyed_hash(current_app.config["NIK_HMAC_KEY"], "kode:" + complaint.access_code_hash)[:16]


def _tracked() -> Complaint | None:
    tracked = session.get(TRACKED_KEY)
    if not tracked or utcnow().timestamp() - tracked.get("at", 0) > TRACKING_LIFETIME.total_seconds():
        session.pop(TRACKED_KEY, None)
        return None
    complaint = db.session.get(Complaint, tracked["id"])
    if complaint is None or tracked.get("code") != _code_mark(complaint):
        session.pop(TRACKED_KEY, None)
        return None
    return complaint


def _remember(complaint: Complaint) -> str:
    session[TRACKED_KEY] = {"id": complaint.id, "at": utcnow().timestamp(), "code": _code_mark(complaint)}
    return url_for("complaints.view_case")


# Other reference series on the same tracking form (BTN: help requests, registered by
# portal.assistance): series -> find(reference, code, client), which returns where to go next or
# None when reference and code do not match; it may raise Locked, and its writes are committed here.
TRACKERS = "sigap_trackers"


def _resident_step_limit() -> str:
    """An answer or an appeal carries uploads, each decoded and re-encoded: bounded like the
    filing steps that carry them."""
    return current_app.config["RATELIMIT_COMPLAINT_STEPS"]


@bp.route("/lacak", methods=["GET", "POST"])
@limiter.limit(_tracking_limit, methods=["POST"])
def track_complaint():
    form = TrackForm()
    if request.method != "POST":
        return render_page_or_fragment("complaints/lacak.html", "complaints/_lacak_form.html", form=form)
    if not form.validate_on_submit():
        return render_page_or_fragment("complaints/lacak.html", "complaints/_lacak_form.html", form=form, status=400)
    reference = normalize_reference(form.nomor.data)
    other_series = current_app.extensions.get(TRACKERS, {}).get(reference.partition("-")[0])
    try:
        if other_series is not None:  # a help request's BTN reference: its own domain finds it
            target = other_series(reference, form.kode.data, request.remote_addr or "")
        else:
            complaint = tracking.track(
                session=current_session(),
                reference=reference,
                access_code=form.kode.data,
                client=request.remote_addr or "",
                hmac_key=current_app.config["NIK_HMAC_KEY"],
                policy=lockout_policy(),
            )
            target = _remember(complaint) if complaint is not None else None
    except Locked as locked:
        db.session.commit()
        return render_error(
            429, tracking_locked_message(locked.minutes), retry_after=locked.retry_after_seconds, contact=True
        )
    db.session.commit()
    if target is None:
        return render_page_or_fragment(
            "complaints/lacak.html", "complaints/_lacak_form.html", form=form, not_found=True, status=404
        )
    response = redirect(target, 303)
    if request.headers.get("HX-Request") == "true":
        response.headers["HX-Redirect"] = target
        response.status_code = 200  # XHR follows a 303 itself: htmx would never see HX-Redirect
    return response


@bp.get("/lacak/kasus")
def view_case():
    complaint = _tracked()
    if complaint is None:
        return redirect(url_for("complaints.track_complaint"), 303)
    return _render_case(complaint)


def _render_case(complaint: Complaint, *, answer_form=None, rating_form=None, status=200):
    events = [e for e in complaint.events if e.public]
    waiting = complaint.status is ComplaintStatus.MENUNGGU_INFORMASI
    return render_template(
        "complaints/kasus.html",
        complaint=complaint,
        events=events,
        status_text=status_label(complaint.status),
        waiting=waiting,
        answer_form=answer_form or (_answer_form(complaint) if waiting else None),
        question=tracking.said_with(complaint, ComplaintStatus.MENUNGGU_INFORMASI) if waiting else None,
        reasons=tracking.said_with(complaint, complaint.status) if complaint.status in DECIDED else None,
        rating_form=rating_form or (RatingForm() if tracking.can_rate(complaint) else None),
        appeal_days=program_rules().APPEAL_REVIEW_DAYS,
        max_files=MAX_FILES,
        event_label=event_label,
    ), status


def _answer_form(complaint: Complaint) -> AnswerForm:
    """Empty, or with the answer kept when the 30 minutes ran out while it was being written."""
    kept = session_restore.kept_form(
        session=current_session(), token=session.get(UNSENT_ANSWER_KEY), owner=f"pengaduan:{complaint.id}"
    )
    return AnswerForm(data={"jawaban": dict(kept["fields"]).get("jawaban", "")} if kept else None)


def _keep_answer(expired: dict | None) -> None:
    """No time limit loses typed text: keep the answer (server-side) for after the next lookup."""
    text = request.form.get("jawaban", "")
    if not expired or not text.strip():
        return
    session[UNSENT_ANSWER_KEY] = session_restore.keep_form(
        session=current_session(),
        owner=f"pengaduan:{expired.get('id')}",
        action=request.path,
        back=None,
        fields=[("jawaban", text)],
    )
    db.session.commit()
    flash(
        _(
            "Waktu melihat pengaduan sudah habis (30 menit). Jawaban Anda disimpan: lacak lagi dengan nomor "
            "dan kode akses, lalu kirim jawabannya. Lampiran perlu dipilih lagi."
        )
    )


@bp.post("/lacak/kasus/jawab")
@limiter.limit(_resident_step_limit)
def answer_request():
    expired = session.get(TRACKED_KEY)
    complaint = _tracked()
    if complaint is None:
        _keep_answer(expired)
        return redirect(url_for("complaints.track_complaint"), 303)
    if complaint.status is not ComplaintStatus.MENUNGGU_INFORMASI:
        return redirect(url_for("complaints.view_case"), 303)
    form = AnswerForm()
    valid = form.validate_on_submit()
    uploads = read_field(form.lampiran)
    if not valid or uploads.errors:
        return _render_case(complaint, answer_form=form, status=503 if uploads.busy else 400)
    try:
        tracking.answer_information_request(
            session=current_session(),
            complaint=complaint,
            message=form.jawaban.data,
            new_files=uploads.files,
            store=attachment_store(),
            calendar=work_calendar(),
        )
    except AttachmentError as error:  # disk full or read-only: nothing of the answer is kept
        return _files_not_kept(complaint, error, form, answer_form=form)
    session_restore.discard_form(session=current_session(), token=session.pop(UNSENT_ANSWER_KEY, None))
    db.session.commit()
    flash(
        _(
            "Jawaban Anda terkirim. Petugas melanjutkan pemeriksaan, dan batas waktunya berjalan lagi. "
            "Jawaban Anda tercatat di riwayat di bawah."
        )
    )
    return redirect(url_for("complaints.view_case"), 303)


def _files_not_kept(complaint: Complaint, error: AttachmentError, form, **forms):
    """The store could not keep the files: the whole answer or rating is rolled back and shown
    again with why (503: the resident sends it again later)."""
    db.session.rollback()
    form.lampiran.errors = [*form.lampiran.errors, error_message(error)]
    return _render_case(db.session.get_one(Complaint, complaint.id), status=503, **forms)


@bp.post("/lacak/kasus/nilai")
@limiter.limit(_resident_step_limit)
def rate_case():
    complaint = _tracked()
    if complaint is None:
        return redirect(url_for("complaints.track_complaint"), 303)
    form = RatingForm()
    valid = form.validate_on_submit()
    if not tracking.can_rate(complaint):  # no files read: the rating is refused below
        if not valid:
            return redirect(url_for("complaints.view_case"), 303)
        uploads = Uploads([], [])
    else:  # an appeal's files; none with "puas" (the form refused them unread)
        uploads = read_field(form.lampiran) if not form.lampiran.errors else Uploads([], [])
    if not valid or uploads.errors:  # nothing recorded: neither the rating nor the appeal
        return _render_case(complaint, rating_form=form, status=503 if uploads.busy else 400)
    try:
        tracking.rate_resolution(
            session=current_session(),
            complaint=complaint,
            satisfaction=Satisfaction(form.penilaian.data),
            reason=form.alasan.data or "",
            new_files=uploads.files,
            store=attachment_store(),
            calendar=work_calendar(),
            appeal_days=program_rules().APPEAL_REVIEW_DAYS,
        )
    except AttachmentError as error:  # disk full or read-only: nothing of the appeal is kept
        return _files_not_kept(complaint, error, form, rating_form=form)
    except DomainError as error:
        db.session.rollback()
        return render_error(409, error_message(error))
    db.session.commit()
    return redirect(url_for("complaints.view_case"), 303)


@bp.post("/lacak/keluar")
def forget_case():
    session.pop(TRACKED_KEY, None)
    return redirect(url_for("complaints.track_complaint"), 303)
