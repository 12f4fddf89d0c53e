"""/pengaduan/baru: category → details → check your answers → confirmation (and receipt)."""

from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, session, url_for
from werkzeug.datastructures import MultiDict

from portal.complaints.forms.incident import IDENTITY_HINTS, IncidentDetailsForm
from portal.complaints.forms.public import CATEGORY_HINTS, CategoryForm, DetailsForm
from portal.complaints.labels import error_message
from portal.complaints.models.complaint import Complaint, ComplaintCategory, ContactChannel
from portal.complaints.routes import bp
from portal.complaints.routes.uploads import read_uploads
from portal.complaints.services import filing as service
from portal.complaints.services.attachments import MAX_FILES, AttachmentError
from portal.core.filers import FilerRelation
from portal.core.regions import kelurahan
from portal.drafts.web import EXPIRED_CONFIRMATION, filed, filed_before, remember_filing
from portal.extensions import current_session, db, limiter
from portal.web.errors import refuse
from portal.web.pdf import render_pdf
from portal.web.settings import attachment_store, sla_targets, work_calendar

DRAFT_KEY = "complaint_draft"
RECEIPT_KIND = "complaint"


def _complaint_limit() -> str:
    """Sending: each POST of the last step may create a complaint."""
    return current_app.config["RATELIMIT_COMPLAINTS"]


def _step_limit() -> str:
    """The steps before it (category, details with uploads), corrections included: looser, so an
    RT/RW filing for several neighbours is not stopped by its own typos, but still bounded,
    because every upload is decoded and re-encoded."""
    return current_app.config["RATELIMIT_COMPLAINT_STEPS"]


def current_draft():
    return service.get_draft(session=current_session(), token=session.get(DRAFT_KEY))


def _draft_or_restart():
    draft = current_draft()
    if draft is None or "kategori" not in draft.data:
        return None
    return draft


@bp.route("/baru", methods=["GET", "POST"])
@limiter.limit(_step_limit, methods=["POST"])  # each POST without a session starts a stored draft
def new_complaint():
    """Step 1: what is it about. A status-check result posts NIK and name here to prefill."""
    form = CategoryForm()
    if request.method != "POST":
        asked = request.args.get("kategori")
        if asked in {c.value for c in ComplaintCategory}:
            form.kategori.data = asked
        elif (draft := current_draft()) is not None:
            form.kategori.data = draft.data.get("kategori")
        return render_template("complaints/kategori.html", form=form, hints=CATEGORY_HINTS)
    if not form.validate_on_submit():
        return render_template("complaints/kategori.html", form=form, hints=CATEGORY_HINTS), 400
    data = {"kategori": form.kategori.data}
    prefill = {k: request.form.get(k, "")[:150] for k in ("nik", "nama") if request.form.get(k)}
    draft = current_draft()
    if draft is None:
        session[DRAFT_KEY] = service.start_draft(session=current_session(), data={**data, **prefill})
    else:
        service.change_category(session=current_session(), draft=draft, data={**data, **prefill})
    db.session.commit()
    return redirect(url_for("complaints.edit_details"), 303)


def _form_class(category: ComplaintCategory) -> type[DetailsForm]:
    """A pungli report asks for the incident; every other complaint for the person concerned."""
    return IncidentDetailsForm if category is ComplaintCategory.PUNGLI else DetailsForm


def details_form(draft, formdata=None) -> DetailsForm:
    category = ComplaintCategory(draft.data["kategori"])
    return _form_class(category)(formdata=formdata, category=category, data=draft.data if formdata is None else None)


def render_details(form, draft, status=200, *, expired=False, wait=None):
    files = service.draft_attachments(session=current_session(), token=draft.token)
    return render_template(
        "complaints/rincian.html",
        form=form,
        draft=draft,
        files=files,
        category_label=_category_label(draft.data["kategori"]),
        max_files=MAX_FILES,
        identity_hints=IDENTITY_HINTS,
        expired=expired,
        wait=wait,
    ), status


PUBLIC_CATEGORIES = frozenset(c.value for c in ComplaintCategory if c is not ComplaintCategory.USULAN_CALON)


def _draft_from_the_form():
    """A details form shown back after its session was lost (complaints.expired) carries its
    category: sending it again starts the draft here, where the token was checked and the limit
    counted."""
    category = request.form.get("kategori", "")
    if category not in PUBLIC_CATEGORIES:
        return None
    session[DRAFT_KEY] = service.start_draft(session=current_session(), data={"kategori": category})
    return current_draft()


@bp.route("/baru/rincian", methods=["GET", "POST"])
@limiter.limit(_step_limit, methods=["POST"])
def edit_details():
    """Step 2: the person concerned, who files, contact, description, files, confidentiality."""
    draft = _draft_or_restart()
    if draft is None and request.method == "POST":
        draft = _draft_from_the_form()
    if draft is None:
        return redirect(url_for("complaints.new_complaint"), 303)
    if request.method != "POST":
        return render_details(details_form(draft), draft)
    form = details_form(draft, formdata=request.form)
    form.lampiran.data = request.files.getlist(form.lampiran.name)
    valid = form.validate_on_submit()
    stored = service.draft_attachments(session=current_session(), token=draft.token)
    new_files, file_errors, storage_down = read_uploads(form.lampiran.data, attached=[f.original_name for f in stored])
    for clean in new_files:
        try:
            service.attach_file(
                session=current_session(), store=attachment_store(), file=clean, draft_token=draft.token
            )
        except AttachmentError as error:  # disk full or read-only: keep what was typed, say so
            file_errors.append(error_message(error))
            storage_down = True
            break
    if file_errors:
        form.lampiran.errors = list(form.lampiran.errors) + file_errors
        valid = False
    service.update_draft(session=current_session(), draft=draft, data=_draft_fields(form))
    db.session.commit()
    if not valid:
        return render_details(form, draft, 503 if storage_down else 400)
    return redirect(url_for("complaints.check_answers"), 303)


CONTACT_DROPPED = "kontak_tidak_disimpan"
DRAFT_FIELDS = (
    "nik",
    "nama",
    "kelurahan",
    "pelapor",
    "nama_pelapor",
    "hubungan",
    "persetujuan",
    "telepon",
    "saluran",
    "email",
    "uraian",
    "rahasia",
    # a pungli report (IncidentDetailsForm)
    "tempat",
    "tanggal",
    "diminta",
    "identitas",
)


def _draft_fields(form: DetailsForm) -> dict:
    data = {name: form[name].data for name in DRAFT_FIELDS if name in form}
    if "nik" in form and form.nik.data and getattr(form.nik, "parsed", None):
        data["nik"] = form.nik.parsed.value
    if getattr(form.telepon, "normalized", None):
        data["telepon"] = form.telepon.normalized
    if getattr(form, "contact_dropped", False):  # an anonymous report: the check step says it was not kept
        data[CONTACT_DROPPED] = True
    return data


@bp.post("/baru/lampiran/<int:attachment_id>/hapus")
def remove_attachment(attachment_id: int):
    draft = _draft_or_restart()
    if draft is None:
        abort(404)
    service.remove_draft_attachment(
        session=current_session(), store=attachment_store(), token=draft.token, attachment_id=attachment_id
    )
    db.session.commit()
    return redirect(url_for("complaints.edit_details"), 303)


def _category_label(value: str) -> str:
    from portal.complaints.forms.public import OFFICER_CATEGORY_CHOICES

    return next(str(choice.label) for choice in OFFICER_CATEGORY_CHOICES if choice.value == value)


def _complaint_input(draft) -> service.ComplaintInput | None:
    """The draft as the service wants it, or None when the details step was not completed."""
    category = ComplaintCategory(draft.data["kategori"])
    form = _form_class(category)(formdata=MultiDict(_as_formdata(draft.data)), category=category, meta={"csrf": False})
    if not form.validate():
        return None
    if isinstance(form, IncidentDetailsForm):
        return _incident_input(form)
    relation = FilerRelation(form.pelapor.data)
    return service.ComplaintInput(
        category=category,
        subject_nik=form.nik.parsed.value if getattr(form.nik, "parsed", None) else None,
        subject_name=form.nama.data,
        kelurahan_code=form.kelurahan.data,
        filer_relation=relation,
        filer_name=form.nama_pelapor.data or None,
        filer_relationship=form.hubungan.data or None,
        consent_recorded=bool(form.persetujuan.data)
        and relation is not FilerRelation.SENDIRI
        and not form.reporting_about,
        phone=form.telepon.normalized,
        contact_channel=ContactChannel(form.saluran.data),
        email=form.email.data or None,
        description=form.uraian.data,
        confidential=bool(form.rahasia.data) or category is ComplaintCategory.PUNGLI,
    )


def _incident_input(form: IncidentDetailsForm) -> service.ComplaintInput:
    anonymous = form.anonymous
    return service.ComplaintInput(
        category=form.category,
        subject_nik=None,
        subject_name=form.nama.data or "",
        kelurahan_code=form.kelurahan.data,
        filer_relation=FilerRelation.LAINNYA,
        filer_name=None if anonymous else form.nama_pelapor.data or None,
        filer_relationship=None,
        consent_recorded=False,
        phone=None if anonymous else form.telepon.normalized,
        contact_channel=None if anonymous else ContactChannel(form.saluran.data),
        email=None if anonymous else form.email.data or None,
        description=form.uraian.data,
        confidential=True,
        anonymous=anonymous,
        incident_place=form.tempat.data,
        incident_date=form.tanggal.parsed,
        incident_demand=form.diminta.data or None,
    )


def _as_formdata(data: dict) -> dict:
    formdata = {}
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                formdata[key] = "y"
        elif value is not None:
            formdata[key] = str(value)
    return formdata


@bp.route("/baru/periksa", methods=["GET", "POST"])
@limiter.limit(_complaint_limit, methods=["POST"])
def check_answers():
    """Step 3: check your answers, then send. A second send of a draft already filed (a double
    tap, a resend on a slow link) files nothing and is shown the same confirmation."""
    draft = _draft_or_restart()
    if draft is None:
        if request.method == "POST" and filed_before(kind=RECEIPT_KIND, draft_token=session.get(DRAFT_KEY)):
            return _sent_already()
        return redirect(url_for("complaints.new_complaint"), 303)
    data = _complaint_input(draft)
    if data is None:
        return redirect(url_for("complaints.edit_details"), 303)
    if request.method != "POST":
        files = service.draft_attachments(session=current_session(), token=draft.token)
        place = kelurahan(data.kelurahan_code)
        return render_template(
            "complaints/periksa.html",
            data=data,
            files=files,
            place=place,
            draft_token=draft.token,
            category_label=_category_label(data.category.value),
            reporting_about=data.category in service.REPORTS_ABOUT_SOMEONE,
            contact_dropped=data.anonymous and bool(draft.data.get(CONTACT_DROPPED)),
        )
    token = draft.token
    try:
        filed = service.file_complaint(
            session=current_session(),
            data=data,
            draft_token=token,
            calendar=work_calendar(),
            targets=sla_targets(),
        )
    except service.DraftAlreadySent as error:
        db.session.rollback()  # (the draft object is gone with it: its token was kept above)
        if filed_before(kind=RECEIPT_KIND, draft_token=token):
            return _sent_already()
        refuse(409, error_message(error))
    remember_filing(kind=RECEIPT_KIND, object_id=filed.complaint.id, access_code=filed.access_code, draft_token=token)
    db.session.commit()
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("complaints.show_confirmation"), 303)


def _sent_already():
    """The draft was filed by the other send: its confirmation (filed_before put its key in the
    session); nothing was written here."""
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("complaints.show_confirmation"), 303)


def _filed() -> tuple[Complaint, str]:
    receipt = filed(RECEIPT_KIND)
    complaint = db.session.get(Complaint, receipt.object_id) if receipt else None
    if receipt is None or complaint is None:
        refuse(404, EXPIRED_CONFIRMATION)
    return complaint, receipt.access_code  # grouped by the templates' access_code filter


@bp.get("/terkirim")
def show_confirmation():
    complaint, code = _filed()
    return render_template("complaints/terkirim.html", complaint=complaint, code=code)


@bp.get("/terkirim/tanda-terima.pdf")
def receipt_pdf():
    complaint, code = _filed()
    return render_pdf(
        "complaints/pdf_tanda_terima.html",
        filename=f"tanda-terima-{complaint.reference}.pdf",
        complaint=complaint,
        code=code,
        category_label=_category_label(complaint.category.value),
    )
