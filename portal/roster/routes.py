"""/petugas/impor: roster imports (admins). An upload is checked at once (header row), kept, and
imported on the task queue (portal.roster.tasks); its page follows the import from any web node."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import RosterFileError
from portal.core.roles import Role
from portal.extensions import current_session, db
from portal.jobs.models import RUNNING, BackgroundJob, JobKind, JobState
from portal.jobs.services import jobs
from portal.roster import labels, tasks
from portal.roster.documents import uploads
from portal.roster.forms import RosterUploadForm
from portal.roster.models.person import RosterImportBatch
from portal.roster.services import imports as roster_imports
from portal.roster.services.imports import REJECTS_HEADER
from portal.tasks.queue import enqueue, read_progress
from portal.web import spreadsheet
from portal.web.auth import ADMINS, current_actor, roles_required
from portal.web.htmx import render_page_or_fragment, wants_fragment
from portal.web.numbers import as_id
from portal.web.settings import rejects_dir

bp = officer_bp = Blueprint("roster", __name__)  # registered by portal.officers under /petugas

ROSTER_UPLOAD_MAX_BYTES = 300 * 1024 * 1024


# Roster imports (admins) -------------------------------------------------------------------


KIND = JobKind.ROSTER_IMPORT
POLL_SECONDS = 2


@bp.url_value_preprocessor
def _allow_large_roster_upload(endpoint, _values) -> None:
    """Raise the upload limit for the roster upload only, and only for a signed-in admin. This runs
    before every before_request (the CSRF check reads the form), so the larger body is accepted."""
    admin = current_user.is_authenticated and current_user.role is Role.ADMIN
    if endpoint == "officers.roster.upload_roster" and admin:
        request.max_content_length = current_app.config.get("ROSTER_UPLOAD_MAX_BYTES", ROSTER_UPLOAD_MAX_BYTES)


def _imports_page(form: RosterUploadForm, *, status: int = 200):
    before = as_id(request.args.get("sebelum"))
    batches = roster_imports.import_batches(session=current_session(), limit=50, before_id=before)
    folder = rejects_dir()
    with_rejects = {b.id for b in batches if roster_imports.rejects_file(directory=folder, batch_id=b.id)}
    older = batches[-1].id if len(batches) == 50 else None
    waiting = [job for job in jobs.list_jobs(session=current_session(), kind=KIND, limit=20) if _running(job)]
    return render_template(
        "roster/impor.html",
        form=form,
        batches=batches,
        with_rejects=with_rejects,
        older=older,
        running=waiting,
        importer_label=labels.importer_label,
        title=_("Impor roster"),
    ), status


def _running(job: BackgroundJob) -> bool:
    return job.state in {JobState.ANTRE, *RUNNING}


@bp.get("/impor")
@roles_required(*ADMINS)
def list_imports():
    return _imports_page(RosterUploadForm())


@bp.post("/impor")
@roles_required(*ADMINS)
def upload_roster():
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _imports_page(form, status=400)
    upload = form.file.data
    filename = os.path.basename((upload.filename or "roster.csv").replace("\\", "/"))[:200]
    try:
        roster_imports.check_header(upload.stream)
    except RosterFileError as error:
        form.file.errors = [labels.file_error(error)]
        return _imports_page(form, status=400)
    session = current_session()
    job = jobs.new_job(
        session=session,
        kind=KIND,
        label=filename,
        started_by_id=current_user.id,
        started_by_name=current_user.name,
        now=utcnow(),
    )
    size = uploads.keep(job.id, upload.stream, session=session)
    job.total = size
    job.result = {
        "bytes": size,
        "imported_by": f"{current_user.email} (petugas:{current_user.id})",
        "ip": current_actor().ip,
    }
    audit.record(
        session=session,
        actor=current_actor(),
        action="impor_mulai",
        object_type="roster_import",
        object_id=job.id,
        detail=f"{filename[:120]}: {size} byte",
    )
    db.session.commit()
    enqueue(tasks.import_roster_file, job.id)
    return redirect(url_for("officers.roster.show_import", job_id=job.id), 303)


@bp.get("/impor/tugas/<job_id>")
@roles_required(*ADMINS)
def show_import(job_id: str):
    job = jobs.get_job(session=current_session(), job_id=job_id, kind=KIND)
    if job is None:
        abort(404)
    read = job.done
    if job.state in RUNNING:
        read = read_progress(tasks.progress_key(job.id)) or 0
    percent = min(100, int(100 * read / job.total)) if job.total else 0
    seen = request.args.get("tahap", "")
    response = render_page_or_fragment(
        "roster/impor_tugas.html",
        "roster/_impor_tugas.html",
        job=job,
        running=_running(job),
        read=read,
        percent=percent,
        ahead=jobs.waiting_ahead(session=current_session(), job=job) if job.state == JobState.ANTRE else 0,
        state_changed=seen != job.state.value,
        poll_seconds=POLL_SECONDS,
        title=_("Impor roster: %(name)s", name=job.label),
    )
    if wants_fragment() and not _running(job):
        response.status_code = 286  # htmx: stop polling
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/impor/<int:batch_id>/ditolak.csv")
@roles_required(*ADMINS)
def download_rejects(batch_id: int):
    batch = db.session.get(RosterImportBatch, batch_id)
    path = roster_imports.rejects_file(directory=rejects_dir(), batch_id=batch_id) if batch else None
    if path is None:
        abort(404)
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="unduh",
        object_type="roster_batch",
        object_id=batch_id,
        detail="baris ditolak dan peringatan",
    )
    db.session.commit()
    response = Response(_officer_csv(path), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="impor-{batch_id}-ditolak.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _officer_csv(path: Path) -> Iterator[str]:
    """The kept rejects file (plain CSV as the import wrote it) as the officers' other CSV files
    are: portal.web.spreadsheet's byte order mark, `;` and CRLF, for Excel set to Indonesian."""
    with path.open(encoding="utf-8", newline="") as kept:
        rows = csv.reader(kept)
        yield from spreadsheet.lines(next(rows, list(REJECTS_HEADER)), rows)
