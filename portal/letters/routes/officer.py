"""Letters in the officer workspace: issue, replace and print one person's letter from the person
page; batches of a kelurahan, a kecamatan or the whole city as one PDF, made in the background
(portal.letters.jobs.jobs) with a status page."""

from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import trail as audit
from portal.core.regions import regions
from portal.extensions import current_session, db
from portal.letters.forms.officer import IssueLetterForm, LetterBatchForm, parse_scope
from portal.letters.jobs import jobs
from portal.letters.routes import officer_bp as bp
from portal.letters.services import officer as letters_officer
from portal.web.auth import ALL_STAFF, current_actor, roles_required
from portal.web.htmx import render_page_or_fragment, wants_fragment

POLL_SECONDS = 3


# One person's letter (the letters section of /petugas/warga/<id>) ---------------------------


# Batches --------------------------------------------------------------------------------------


def batch_dir() -> Path:
    configured = current_app.config.get("LETTER_BATCH_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "letter-batches"


def _visible(job: jobs.Job) -> bool:
    return letters_officer.may_batch(current_user, scope=job.scope, code=job.code)


def _job(batch_id: str) -> jobs.Job:
    folder = jobs.job_dir(batch_dir(), batch_id)
    job = jobs.read_job(folder) if folder else None
    if job is None or not _visible(job):
        abort(404)
    return job


def _scope_label(scope: str, code: str | None) -> str:
    known = regions()
    if scope == "kelurahan" and code is not None:  # parse_scope gives a code to both
        place = known.kelurahan[code]
        return f"Kelurahan {place.name}, Kecamatan {place.kecamatan.name}"
    if scope == "kecamatan" and code is not None:
        return f"Kecamatan {known.kecamatan[code].name}"
    return "Kota Bekasi"


def _batches_page(form: LetterBatchForm, *, status: int = 200):
    batches = [job for job in jobs.list_jobs(batch_dir()) if _visible(job)]
    return render_template(
        "letters/petugas_massal.html", form=form, batches=batches, title=_("Surat massal per wilayah")
    ), status


@bp.get("/surat-massal")
@roles_required(*ALL_STAFF)
def list_letter_batches():
    return _batches_page(LetterBatchForm(viewer=current_user, formdata=None))


@bp.post("/surat-massal")
@roles_required(*ALL_STAFF)
def start_letter_batch():
    form = LetterBatchForm(viewer=current_user)
    scope = parse_scope(form.wilayah.data) if form.validate_on_submit() else None
    if scope is None or not letters_officer.may_batch(current_user, scope=scope[0], code=scope[1]):
        if not form.wilayah.errors:
            form.wilayah.errors = [_("Pilih salah satu wilayah yang tersedia.")]
        return _batches_page(form, status=400)
    job, started = jobs.start_job(
        batch_dir(),
        scope=scope[0],
        code=scope[1],
        label=_scope_label(*scope),
        account_id=current_user.id,
        account_name=current_user.name,
        config=current_app.config,
    )
    if started:
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="surat_massal",
            object_type="letter_batch",
            object_id=job.id,
            detail=job.label,
        )
        db.session.commit()
    else:
        flash(_("Surat massal untuk wilayah ini sedang dibuat; berikut kemajuannya."))
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.get("/surat-massal/<batch_id>")
@roles_required(*ALL_STAFF)
def show_letter_batch(batch_id: str):
    job = _job(batch_id)
    seen = request.args.get("tahap", "")
    response = render_page_or_fragment(
        "letters/petugas_massal_status.html",
        "letters/_petugas_massal_status.html",
        job=job,
        state_changed=seen != job.shown_state,
        poll_seconds=POLL_SECONDS,
        title=_("Surat massal: %(label)s", label=job.label),
    )
    if wants_fragment() and not job.running:
        response.status_code = 286  # htmx: stop polling
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/surat-massal/<batch_id>/lanjutkan")
@roles_required(*ALL_STAFF)
def resume_letter_batch(batch_id: str):
    job = _job(batch_id)
    if IssueLetterForm().validate_on_submit() and jobs.resume_job(batch_dir(), job, config=current_app.config):
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="surat_massal_lanjut",
            object_type="letter_batch",
            object_id=job.id,
            detail=job.label,
        )
        db.session.commit()
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.post("/surat-massal/<batch_id>/hapus")
@roles_required(*ALL_STAFF)
def delete_letter_batch(batch_id: str):
    job = _job(batch_id)
    if IssueLetterForm().validate_on_submit() and jobs.delete_job(batch_dir(), job):
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="hapus",
            object_type="letter_batch",
            object_id=job.id,
            detail=job.label,
        )
        db.session.commit()
        flash(_("Berkas surat massal %(label)s dihapus.", label=job.label))
        return redirect(url_for("officers.letters.list_letter_batches"), 303)
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.get("/surat-massal/<batch_id>/unduh")
@roles_required(*ALL_STAFF)
def download_letter_batch(batch_id: str):
    job = _job(batch_id)
    path = jobs.pdf_path(batch_dir(), job)
    if path is None:
        abort(404)
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="unduh",
        object_type="letter_batch",
        object_id=job.id,
        detail=f"{job.label}; {job.total} surat",
    )
    db.session.commit()
    name = "surat-kepesertaan-sigap-" + (job.code or "kota-bekasi").replace(".", "-") + ".pdf"
    response = send_file(path, mimetype="application/pdf", as_attachment=True, download_name=name, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response
