"""Letters in the officer workspace: batches of a kelurahan, a kecamatan or the whole city as one
PDF, made on the task queue (portal.letters.tasks) and followed on a status page that any web
node can show (the job's state is in the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.regions import regions
from portal.extensions import current_session, db
from portal.jobs.models import RUNNING, BackgroundJob, JobKind, JobState
from portal.jobs.services import jobs
from portal.letters import tasks
from portal.letters.documents import batch_files
from portal.letters.forms.officer import IssueLetterForm, LetterBatchForm, parse_scope
from portal.letters.routes import officer_bp as bp
from portal.letters.services import officer as letters_officer
from portal.tasks.queue import enqueue
from portal.web.auth import ALL_STAFF, current_actor, refuse_out_of_scope, roles_required
from portal.web.htmx import render_page_or_fragment, wants_fragment

POLL_SECONDS = 3


# Batches --------------------------------------------------------------------------------------

KIND = JobKind.LETTER_BATCH


@dataclass(frozen=True, slots=True)
class BatchView:
    """What the batch pages show of a job."""

    id: str
    label: str
    scope: str | None
    code: str | None
    state: str
    total: int
    done: int
    issued: int
    reused: int
    superseded: int
    size: int
    message: str
    started_by_name: str
    created: datetime
    finished: datetime | None
    waiting_ahead: int

    @property
    def running(self) -> bool:
        return self.state in {JobState.ANTRE, *RUNNING}

    @property
    def shown_state(self) -> str:
        return self.state

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0


def _view(job: BackgroundJob, *, ahead: bool = False) -> BatchView:
    result = job.result or {}
    return BatchView(
        id=job.id,
        label=job.label,
        scope=job.scope,
        code=job.region_code,
        state=job.state.value,
        total=job.total,
        done=job.done,
        issued=int(result.get("issued", 0)),
        reused=int(result.get("reused", 0)),
        superseded=int(result.get("superseded", 0)),
        size=int(result.get("size", 0)),
        message=job.message,
        started_by_name=job.started_by_name,
        created=job.created_at,
        finished=job.finished_at,
        waiting_ahead=jobs.waiting_ahead(session=current_session(), job=job)
        if ahead and job.state == JobState.ANTRE
        else 0,
    )


def _visible(job: BackgroundJob) -> bool:
    return letters_officer.may_batch(current_user, scope=job.scope or "semua", code=job.region_code)


def _job(batch_id: str) -> BackgroundJob:
    job = jobs.get_job(session=current_session(), job_id=batch_id, kind=KIND)
    if job is None:
        abort(404)
    if not _visible(job):
        refuse_out_of_scope(object_type="letter_batch", object_id=job.id)
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
    batches = [_view(job) for job in jobs.list_jobs(session=current_session(), kind=KIND) if _visible(job)]
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
    session = current_session()
    job = jobs.running_like(session=session, kind=KIND, scope=scope[0], region_code=scope[1])
    if job is not None:
        flash(_("Surat massal untuk wilayah ini sedang dibuat; berikut kemajuannya."))
        return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)
    job = jobs.new_job(
        session=session,
        kind=KIND,
        scope=scope[0],
        region_code=scope[1],
        label=_scope_label(*scope),
        started_by_id=current_user.id,
        started_by_name=current_user.name,
        now=utcnow(),
    )
    audit.record(
        session=session,
        actor=current_actor(),
        action="surat_massal",
        object_type="letter_batch",
        object_id=job.id,
        detail=job.label,
    )
    db.session.commit()
    enqueue(tasks.admit_batches)
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.get("/surat-massal/<batch_id>")
@roles_required(*ALL_STAFF)
def show_letter_batch(batch_id: str):
    job = _view(_job(batch_id), ahead=True)
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
    if IssueLetterForm().validate_on_submit() and jobs.requeue(session=current_session(), job_id=job.id, now=utcnow()):
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="surat_massal_lanjut",
            object_type="letter_batch",
            object_id=job.id,
            detail=job.label,
        )
        db.session.commit()
        enqueue(tasks.admit_batches)
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.post("/surat-massal/<batch_id>/batalkan")
@roles_required(*ALL_STAFF)
def cancel_letter_batch(batch_id: str):
    job = _job(batch_id)
    stopped = _("Dibatalkan oleh %(name)s.", name=current_user.name)
    if IssueLetterForm().validate_on_submit() and jobs.cancel(
        session=current_session(), job_id=job.id, message=stopped, now=utcnow()
    ):
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="surat_massal_batal",
            object_type="letter_batch",
            object_id=job.id,
            detail=job.label,
        )
        db.session.commit()
        flash(_("Surat massal %(label)s dibatalkan.", label=job.label))
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=job.id), 303)


@bp.post("/surat-massal/<batch_id>/hapus")
@roles_required(*ALL_STAFF)
def delete_letter_batch(batch_id: str):
    job = _job(batch_id)
    label = job.label
    if IssueLetterForm().validate_on_submit() and jobs.delete(session=current_session(), job_id=job.id):
        audit.record(
            session=current_session(),
            actor=current_actor(),
            action="hapus",
            object_type="letter_batch",
            object_id=batch_id,
            detail=label,
        )
        db.session.commit()
        batch_files.delete(batch_id)  # after the commit: a file without its row is purged, never the reverse
        flash(_("Berkas surat massal %(label)s dihapus.", label=label))
        return redirect(url_for("officers.letters.list_letter_batches"), 303)
    return redirect(url_for("officers.letters.show_letter_batch", batch_id=batch_id), 303)


@bp.get("/surat-massal/<batch_id>/unduh")
@roles_required(*ALL_STAFF)
def download_letter_batch(batch_id: str):
    job = _job(batch_id)
    if job.state != JobState.SELESAI or not batch_files.exists(job.id, batch_files.MERGED):
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
    name = "surat-kepesertaan-sigap-" + (job.region_code or "kota-bekasi").replace(".", "-") + ".pdf"
    return batch_files.send_merged(job.id, download_name=name)
