"""/petugas/warga: look people up in the roster; /petugas/impor: roster imports (admins)."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Role
from portal.audit.services import trail as audit
from portal.complaints.services.lifecycle import officer_status_label as case_status_label
from portal.core.errors import RosterFileError
from portal.core.nik import looks_like_nik
from portal.core.regions import regions
from portal.extensions import db
from portal.letters.forms.officer import IssueLetterForm, ReplaceLetterForm
from portal.letters.services import officer as letters_officer
from portal.roster.forms import PeopleSearchForm, RosterUploadForm
from portal.roster.models.person import PersonStatus, RosterImportBatch
from portal.roster.services import imports as roster_imports
from portal.roster.services import people
from portal.web.auth import ADMINS, ALL_STAFF, current_actor, roles_required
from portal.web.numbers import as_id, as_page

bp = officer_bp = Blueprint("roster", __name__)  # registered by portal.officers under /petugas

ROSTER_UPLOAD_MAX_BYTES = 300 * 1024 * 1024


def _page_number(value: str | None) -> int:
    return as_page(value)


@bp.route("/warga", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def search_people():
    """The form is sent by POST, so a NIK never appears in an address (history, proxy and server
    logs); a name search can be paged by GET links."""
    form = PeopleSearchForm(request.form if request.method == "POST" else request.args)
    form.status.choices = [SelectChoice("", _("Semua status"))] + [
        SelectChoice(s.value, people.status_label(s)) for s in PersonStatus
    ]
    status = form.status.data if form.status.data in set(PersonStatus) else None
    query = people.PeopleQuery(
        q=(form.q.data or "")[:100],
        status=PersonStatus(status) if status else None,
        page=_page_number(request.args.get("hal")),
    )
    if request.method == "GET" and looks_like_nik(query.q):
        result = people.PeoplePage(
            rows=[],
            total=0,
            page=1,
            pages=1,
            searched=False,
            by_nik=True,
            message=_("NIK tidak boleh tercantum di alamat halaman. Ketik NIK di kolom pencarian, lalu tekan Cari."),
        )
    else:
        result = people.search_people(session=db.session, viewer=current_user, query=query, who=current_actor())
        db.session.commit()
    if result.message:  # a search that cannot run is an error of the search field, linked from the summary
        form.q.errors = [result.message]
    paging = {"q": query.q, "status": status or ""} if not result.by_nik else {}
    return render_template(
        "roster/warga.html",
        form=form,
        result=result,
        args=paging,
        kelurahan=regions().kelurahan,
        status_label=people.status_label,
        title=_("Cari warga"),
    )


@bp.get("/warga/<int:person_id>")
@roles_required(*ALL_STAFF)
def show_person(person_id: int):
    return person_page(person_id)


def person_page(person_id: int, *, replace_form: ReplaceLetterForm | None = None, status: int = 200):
    """The person page; `replace_form` with its errors when replacing the letter failed."""
    record = people.view_person(session=db.session, viewer=current_user, person_id=person_id, who=current_actor())
    if record is None:
        abort(404)  # outside the officer's kecamatan looks the same as no such person
    letters = letters_officer.person_letters(session=db.session, person=record.person)
    db.session.commit()
    return render_template(
        "roster/warga_rincian.html",
        record=record,
        person=record.person,
        place=regions().kelurahan.get(record.person.kelurahan_code),
        status_label=people.status_label,
        reason_label=people.reason_label,
        case_status_label=case_status_label,
        title=_("Data warga"),
        letters=letters,
        issue_form=IssueLetterForm(formdata=None),
        replace_form=replace_form or ReplaceLetterForm(formdata=None),
    ), status


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
    batches = people.import_batches(session=db.session, limit=50, before_id=before)
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
            session=db.session,
            stream=upload.stream,
            filename=filename,
            rejects_dir=rejects_dir(),
            imported_by=f"{current_user.email} (petugas:{current_user.id})",
            who=current_actor(),
        )
    except RosterFileError as error:
        db.session.rollback()
        form.file.errors = [error.message]
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
        session=db.session,
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
