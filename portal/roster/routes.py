"""/petugas/warga: look people up in the roster; /petugas/impor: roster imports (admins)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal.core import trail as audit
from portal.core.errors import RosterFileError
from portal.core.roles import Role
from portal.extensions import current_session, db
from portal.roster import labels
from portal.roster.forms import RosterUploadForm
from portal.roster.models.person import RosterImportBatch
from portal.roster.services import imports as roster_imports
from portal.web.auth import ADMINS, current_actor, roles_required
from portal.web.numbers import as_id

bp = officer_bp = Blueprint("roster", __name__)  # registered by portal.officers under /petugas

ROSTER_UPLOAD_MAX_BYTES = 300 * 1024 * 1024


# Roster imports (admins) -------------------------------------------------------------------


def rejects_dir() -> Path:
    configured = current_app.config.get("ROSTER_REJECTS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "rejects"


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
    return render_template(
        "roster/impor.html", form=form, batches=batches, with_rejects=with_rejects, older=older, title=_("Impor roster")
    ), status


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
    filename = os.path.basename((upload.filename or "roster.csv").replace("\\", "/"))
    try:
        result = roster_imports.import_upload(
            session=current_session(),
            stream=upload.stream,
            filename=filename,
            rejects_dir=rejects_dir(),
            imported_by=f"{current_user.email} (petugas:{current_user.id})",
            who=current_actor(),
            describe=labels.row_problem,
        )
    except RosterFileError as error:
        db.session.rollback()
        form.file.errors = [labels.file_error(error)]
        return _imports_page(form, status=400)
    db.session.commit()
    flash(
        _(
            "Impor #%(id)d selesai: %(read)d baris dibaca, %(new)d baru, %(updated)d diperbarui, "
            "%(same)d tidak berubah, %(rejected)d ditolak, %(warnings)d peringatan.",
            id=result.batch_id,
            read=result.rows_read,
            new=result.inserted,
            updated=result.updated,
            same=result.unchanged,
            rejected=result.rejected,
            warnings=result.warnings,
        )
    )
    return redirect(url_for("officers.roster.list_imports"), 303)


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
    response = send_file(
        path, mimetype="text/csv", as_attachment=True, download_name=f"impor-{batch_id}-ditolak.csv", max_age=0
    )
    response.headers["Cache-Control"] = "no-store"
    return response
