"""/petugas/pengaduan/baru: an officer files a complaint or a candidate proposal for a resident
(a visit, a walk-in desk, or from an assistance request) through the residents' own steps and
templates; the resident leaves with a printed slip (reference and access code)."""

from __future__ import annotations

import dataclasses

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.accounts.models import Account
from portal.complaints.forms.assisted import (
    ASSISTED_CATEGORY_CHOICES,
    ASSISTED_CATEGORY_HINTS,
    ASSISTED_IDENTITY_HINTS,
    AssistedCategoryForm,
    AssistedDetailsForm,
    AssistedIncidentForm,
)
from portal.complaints.labels import error_message
from portal.complaints.models.complaint import Complaint, ComplaintCategory, ContactChannel
from portal.complaints.routes import officer_bp as bp
from portal.complaints.routes.filing import CONTACT_DROPPED, _as_formdata, _incident_input
from portal.complaints.routes.uploads import read_uploads
from portal.complaints.services import filing as service
from portal.complaints.services.access import can_view
from portal.complaints.services.assisted import FILING_SOURCES, consent_by, file_on_behalf
from portal.complaints.services.attachments import MAX_FILES
from portal.core import trail as audit
from portal.core.filers import FilerRelation
from portal.core.regions import kelurahan
from portal.drafts.web import filed as filed_receipt
from portal.drafts.web import filed_before, remember_filing
from portal.extensions import current_session, db
from portal.web.auth import ALL_STAFF, current_actor, roles_required
from portal.web.errors import refuse
from portal.web.pdf import render_pdf
from portal.web.settings import attachment_store, sla_targets, work_calendar

DRAFT_KEY = "assisted_draft"
RECEIPT_KIND = "assisted"
# The endpoints the shared complaint templates link to in this flow.
FLOW = {
    "layout": "officers/base.html",
    "category": "officers.complaints.start_assisted_filing",
    "details": "officers.complaints.edit_assisted_details",
    "check": "officers.complaints.check_assisted_filing",
    "remove_attachment": "officers.complaints.remove_assisted_attachment",
    "receipt": "officers.complaints.download_assisted_slip",
    "officer": True,
}
DETAIL_FIELDS = (
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
    "kk",
    "jalan",
    "rt",
    "rw",
    "pekerjaan",
    # a pungli report (AssistedIncidentForm)
    "tempat",
    "tanggal",
    "diminta",
    "identitas",
)


def _category_label(value: str) -> str:
    """The category as the officer chose it (in the officer's words)."""
    return next(str(choice.label) for choice in ASSISTED_CATEGORY_CHOICES if choice.value == value)


def _draft():
    draft = service.get_draft(session=current_session(), token=session.get(DRAFT_KEY))
    return draft if draft is not None and "kategori" in draft.data else None


def _source(reference: str | None):
    """The help request an assisted filing starts from (found by portal.assistance), or None."""
    finder = current_app.extensions.get(FILING_SOURCES)
    if not reference or finder is None:
        return None
    return finder(session=current_session(), reference=reference, officer=current_user)


def _from_request(reference: str | None, kategori: str | None = None) -> dict:
    """What a help request already says about the person, to start the form with."""
    source = _source(reference)
    if source is None:
        return {}
    facts = source.prefill
    if kategori == ComplaintCategory.PUNGLI.value:  # the one who asked for help reports: `nama` is who did it
        return {
            "bantuan": source.reference,
            "nama_pelapor": facts["requester_name"] or facts["name"],
            "kelurahan": facts["kelurahan"],
            "telepon": facts["phone"],
            "saluran": (ContactChannel.WHATSAPP if facts["whatsapp"] else ContactChannel.TELEPON).value,
        }
    return {
        "bantuan": source.reference,
        "nama": facts["name"],
        "kelurahan": facts["kelurahan"],
        "telepon": facts["phone"],
        "pelapor": facts["relation"],
        "nama_pelapor": facts["requester_name"],
        "hubungan": facts["requester_relationship"],
        "saluran": (ContactChannel.WHATSAPP if facts["whatsapp"] else ContactChannel.TELEPON).value,
        "jalan": facts["street"],
        "rt": facts["rt"],
        "rw": facts["rw"],
    }


@bp.route("/pengaduan/baru", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def start_assisted_filing():
    """Step 1: a complaint category, or a candidate proposal (usulan calon)."""
    form = AssistedCategoryForm()
    if request.method != "POST":
        draft = _draft()
        form.bantuan.data = request.args.get("bantuan") or (draft.data.get("bantuan") if draft else "")
        form.kategori.data = draft.data.get("kategori") if draft else None
        if form.bantuan.data and not _from_request(form.bantuan.data):
            form.bantuan.data = ""
        return _render("complaints/kategori.html", form=form, hints=ASSISTED_CATEGORY_HINTS)
    if not form.validate_on_submit():
        return _render("complaints/kategori.html", form=form, hints=ASSISTED_CATEGORY_HINTS, status=400)
    data = {"kategori": form.kategori.data}
    draft = _draft()
    if draft is None:
        session[DRAFT_KEY] = service.start_draft(
            session=current_session(), data={**_from_request(form.bantuan.data, form.kategori.data), **data}
        )
    else:
        service.change_category(session=current_session(), draft=draft, data=data)
    db.session.commit()
    return redirect(url_for("officers.complaints.edit_assisted_details"), 303)


def _render(template: str, status: int = 200, **context):
    return render_template(template, flow=FLOW, title=_("Pengajuan atas nama warga"), **context), status


def _form_class(category: ComplaintCategory) -> type[AssistedDetailsForm] | type[AssistedIncidentForm]:
    """A pungli report asks for the incident, as on the residents' side; the rest for the person."""
    return AssistedIncidentForm if category is ComplaintCategory.PUNGLI else AssistedDetailsForm


def _details_form(draft, formdata=None) -> AssistedDetailsForm | AssistedIncidentForm:
    category = ComplaintCategory(draft.data["kategori"])
    return _form_class(category)(formdata=formdata, category=category, data=draft.data if formdata is None else None)


def _render_details(form, draft, status=200):
    files = service.draft_attachments(session=current_session(), token=draft.token)
    return _render(
        "complaints/rincian.html",
        form=form,
        draft=draft,
        files=files,
        max_files=MAX_FILES,
        category_label=_category_label(draft.data["kategori"]),
        identity_hints=ASSISTED_IDENTITY_HINTS,
        status=status,
    )


@bp.route("/pengaduan/baru/rincian", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def edit_assisted_details():
    draft = _draft()
    if draft is None:
        return redirect(url_for("officers.complaints.start_assisted_filing"), 303)
    if request.method != "POST":
        return _render_details(_details_form(draft), draft)
    form = _details_form(draft, formdata=request.form)
    valid = form.validate_on_submit()
    stored = service.draft_attachments(session=current_session(), token=draft.token)
    new_files, file_errors, busy = read_uploads(
        request.files.getlist(form.lampiran.name), attached=[f.original_name for f in stored]
    )
    for clean in new_files:
        service.attach_file(session=current_session(), store=attachment_store(), file=clean, draft_token=draft.token)
    if file_errors:
        form.lampiran.errors = list(form.lampiran.errors) + file_errors
        valid = False
    data = {name: form[name].data for name in DETAIL_FIELDS if name in form}
    parsed_nik = getattr(form["nik"], "parsed", None) if "nik" in form else None
    if parsed_nik:
        data["nik"] = parsed_nik.value
    if getattr(form.telepon, "normalized", None):
        data["telepon"] = form.telepon.normalized
    data[CONTACT_DROPPED] = bool(getattr(form, "contact_dropped", False))
    service.update_draft(session=current_session(), draft=draft, data=data)
    db.session.commit()
    if not valid:
        return _render_details(form, draft, 503 if busy else 400)
    return redirect(url_for("officers.complaints.check_assisted_filing"), 303)


@bp.post("/pengaduan/baru/lampiran/<int:attachment_id>/hapus")
@roles_required(*ALL_STAFF)
def remove_assisted_attachment(attachment_id: int):
    draft = _draft()
    if draft is None:
        abort(404)
    service.remove_draft_attachment(
        session=current_session(), store=attachment_store(), token=draft.token, attachment_id=attachment_id
    )
    db.session.commit()
    return redirect(url_for("officers.complaints.edit_assisted_details"), 303)


def _complaint_input(draft) -> service.ComplaintInput | None:
    category = ComplaintCategory(draft.data["kategori"])
    form = _form_class(category)(formdata=MultiDict(_as_formdata(draft.data)), category=category, meta={"csrf": False})
    if not form.validate():
        return None
    if isinstance(form, AssistedIncidentForm):  # the reporter agreed (validate_persetujuan)
        return dataclasses.replace(_incident_input(form), consent_recorded=True)
    return service.ComplaintInput(
        category=category,
        subject_nik=form.nik.parsed.value if getattr(form.nik, "parsed", None) else None,
        subject_name=form.nama.data,
        kelurahan_code=form.kelurahan.data,
        filer_relation=FilerRelation(form.pelapor.data),
        filer_name=form.nama_pelapor.data or None,
        filer_relationship=form.hubungan.data or None,
        consent_recorded=bool(form.persetujuan.data),
        phone=form.telepon.normalized,
        contact_channel=ContactChannel(form.saluran.data),
        email=form.email.data or None,
        description=form.uraian.data,
        confidential=bool(form.rahasia.data) or category is ComplaintCategory.PUNGLI,
        kk_number=form.kk.data or None,
        street=form.jalan.data or None,
        rt=form.rt.data or None,
        rw=form.rw.data or None,
        occupation=form.pekerjaan.data or None,
    )


@bp.route("/pengaduan/baru/periksa", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def check_assisted_filing():
    draft = _draft()
    if draft is None:
        if request.method == "POST" and filed_before(kind=RECEIPT_KIND, draft_token=session.get(DRAFT_KEY)):
            return _sent_already()
        return redirect(url_for("officers.complaints.start_assisted_filing"), 303)
    data = _complaint_input(draft)
    if data is None:
        return redirect(url_for("officers.complaints.edit_assisted_details"), 303)
    context = {
        "data": data,
        "files": service.draft_attachments(session=current_session(), token=draft.token),
        "place": kelurahan(data.kelurahan_code),
        "category_label": _category_label(data.category.value),
        "consent_by": consent_by(
            data.filer_relation, data.filer_name, data.filer_relationship, incident=data.incident_place is not None
        ),
        "from_request": draft.data.get("bantuan"),
        "contact_dropped": data.anonymous and bool(draft.data.get(CONTACT_DROPPED)),
        "out_of_sight": out_of_sight(data.kelurahan_code, data.category),
    }
    if request.method != "POST":
        return _render("complaints/periksa.html", **context)
    me = current_user._get_current_object()
    token = draft.token
    try:
        filed = file_on_behalf(
            session=current_session(),
            data=data,
            draft_token=token,
            calendar=work_calendar(),
            targets=sla_targets(),
            officer=me,
            who=current_actor(),
            source=_source(draft.data.get("bantuan")),
        )
    except service.DuplicateOpenCase as duplicate:
        db.session.rollback()
        existing = db.session.get(Complaint, duplicate.complaint_id)
        shown = existing if existing is not None and can_view(me, existing) else None
        return _render("complaints/periksa.html", duplicate=shown, duplicate_found=True, status=409, **context)
    except service.DraftAlreadySent as error:  # a double send: the other one filed it
        db.session.rollback()  # (the draft object is gone with it: its token was kept above)
        if filed_before(kind=RECEIPT_KIND, draft_token=token):
            return _sent_already()
        refuse(409, error_message(error))
    remember_filing(kind=RECEIPT_KIND, object_id=filed.complaint.id, access_code=filed.access_code, draft_token=token)
    db.session.commit()
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("officers.complaints.show_assisted_confirmation"), 303)


def out_of_sight(kelurahan_code: str, category: ComplaintCategory) -> bool:
    """Whether the officer filing it could not open the case once filed (another kecamatan, or a
    misconduct report, for supervisors only): the check page warns before it is sent (issue 16
    point 5), the confirmation links to it only when they can."""
    return not can_view(current_user, Complaint(kelurahan_code=kelurahan_code, category=category))


def _sent_already():
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("officers.complaints.show_assisted_confirmation"), 303)


def _filed() -> tuple[Complaint, str]:
    receipt = filed_receipt(RECEIPT_KIND)
    complaint = db.session.get(Complaint, receipt.object_id) if receipt else None
    if receipt is None or complaint is None or complaint.filed_by_id != current_user.id:
        refuse(
            404,
            _(
                "Tanda terima ini hanya ditampilkan 30 menit di perangkat yang mengajukan, dan sudah berakhir. "
                "Cari pengaduannya di antrean; bila warga belum mencatat kode aksesnya, buat kode baru dari "
                "halaman pengaduan."
            ),
        )
    return complaint, receipt.access_code  # grouped by the templates' access_code filter


@bp.get("/pengaduan/baru/terkirim")
@roles_required(*ALL_STAFF)
def show_assisted_confirmation():
    complaint, code = _filed()
    return _render(
        "complaints/terkirim.html",
        complaint=complaint,
        code=code,
        out_of_sight=out_of_sight(complaint.kelurahan_code, complaint.category),
        place=kelurahan(complaint.kelurahan_code),
    )


@bp.get("/pengaduan/baru/terkirim/tanda-terima.pdf")
@roles_required(*ALL_STAFF)
def download_assisted_slip():
    complaint, code = _filed()
    officer = db.session.get(Account, complaint.filed_by_id)
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="cetak_tanda_terima",
        object_type="complaint",
        object_id=complaint.id,
    )
    db.session.commit()
    return render_pdf(
        "complaints/pdf_tanda_terima.html",
        filename=f"tanda-terima-{complaint.reference}.pdf",
        complaint=complaint,
        code=code,
        category_label=_category_label(complaint.category.value),
        filed_by=officer,
        portal_url=current_app.config["PUBLIC_BASE_URL"],
        consent_by=consent_by(
            complaint.filer_relation,
            complaint.filer_name,
            complaint.filer_relationship,
            incident=complaint.incident_place is not None,
        ),
    )
