"""/bantuan: the request form → check your answers → sent (reference, access code, slip).
/aksesibilitas: the accessibility statement."""

from __future__ import annotations

from flask import current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from portal.assistance import labels as labels_of
from portal.assistance.forms.public import AssistanceForm
from portal.assistance.models import (
    AssistanceKind,
    AssistanceRequest,
    AssistanceTopic,
    ContactPreference,
    DisabilityCategory,
    TimeOfDay,
)
from portal.assistance.routes import bp
from portal.assistance.services import requests as service
from portal.core.filers import FilerRelation
from portal.core.regions import kelurahan, regions
from portal.drafts.web import EXPIRED_CONFIRMATION, filed_before, remember_filing
from portal.drafts.web import filed as filed_receipt
from portal.extensions import current_session, db, limiter
from portal.web.errors import refuse
from portal.web.htmx import render_page_or_fragment, wants_fragment
from portal.web.pdf import render_pdf
from portal.web.settings import work_calendar

DRAFT_KEY = "assistance_draft"
RECEIPT_KIND = "assistance"
FIELDS = (
    "pemohon",
    "nama",
    "nama_pemohon",
    "hubungan",
    "persetujuan",
    "bantuan",
    "keperluan",
    "uraian",
    "telepon",
    "saluran",
    "waktu",
    "catatan_waktu",
    "kecamatan",
    "kelurahan",
    "jalan",
    "rt",
    "rw",
    "disabilitas",
    "kebutuhan",
    "persetujuan_disabilitas",
)


def _send_limit() -> str:
    return current_app.config["RATELIMIT_COMPLAINTS"]


def _step_limit() -> str:
    """Checking the form (typos included) has the steps' allowance, not the sending one."""
    return current_app.config["RATELIMIT_COMPLAINT_STEPS"]


def _draft():
    return service.get_draft(session=current_session(), token=session.get(DRAFT_KEY))


def labels() -> dict:
    """Label functions for templates (language-neutral codes → the reader's language)."""
    return {
        "kind_label": labels_of.kind_label,
        "topic_label": labels_of.topic_label,
        "status_label": labels_of.status_label,
        "appointment_label": labels_of.appointment_label,
        "outcome_label": labels_of.outcome_label,
        "disability_label": labels_of.disability_label,
        "event_label": labels_of.event_label,
    }


def render_form(form: AssistanceForm, status: int = 200, *, expired: bool = False, wait: str | None = None):
    return render_page_or_fragment(
        "assistance/bantuan.html",
        "assistance/_kelurahan.html",
        form=form,
        kecamatan=regions().kecamatan,
        status=status,
        expired=expired,
        wait=wait,
    )


@bp.route("/bantuan", methods=["GET", "POST"])
@limiter.limit(_step_limit, methods=["POST"])
def request_help():
    """The whole request on one page. A GET with ?kecamatan= narrows the kelurahan list (htmx
    asks for just that field; without JavaScript the grouped list of all 56 stays)."""
    if request.method != "POST":  # GET and HEAD only show the form; only POST files
        draft = _draft()
        form = AssistanceForm(formdata=None, data=draft.data if draft else None)
        if request.args.get("kecamatan") in regions().kecamatan:
            form.kecamatan.data = request.args["kecamatan"]
            form.kelurahan.data = request.args.get("kelurahan") or form.kelurahan.data
        form.narrow_kelurahan()
        if wants_fragment() and form.kelurahan.data not in {c.value for c in form.kelurahan.choices}:
            form.kelurahan.data = ""
        return render_form(form)
    form = AssistanceForm()
    if not form.validate_on_submit():
        return render_form(form, 400)
    data = {name: form[name].data for name in FIELDS}
    data["telepon"] = form.telepon.normalized
    draft = _draft()
    if draft is None:
        session[DRAFT_KEY] = service.start_draft(session=current_session(), data=data)
    else:
        service.replace_draft(session=current_session(), draft=draft, data=data)
    db.session.commit()
    return redirect(url_for("assistance.check_request"), 303)


def _as_formdata(data: dict) -> MultiDict:
    pairs = []
    for key, value in data.items():
        if isinstance(value, bool):
            if value:
                pairs.append((key, "y"))
        elif isinstance(value, list):
            pairs += [(key, str(item)) for item in value]
        elif value is not None:
            pairs.append((key, str(value)))
    return MultiDict(pairs)


def _request_input(draft) -> service.AssistanceInput | None:
    """The draft as the service wants it, or None when it no longer passes the form's checks."""
    form = AssistanceForm(formdata=_as_formdata(draft.data), meta={"csrf": False})
    if not form.validate():
        return None
    relation = FilerRelation(form.pemohon.data)
    consent = bool(form.persetujuan_disabilitas.data)
    return service.AssistanceInput(
        subject_name=form.nama.data,
        requester_relation=relation,
        requester_name=form.nama_pemohon.data or None,
        requester_relationship=form.hubungan.data or None,
        consent_recorded=bool(form.persetujuan.data),
        kinds=tuple(AssistanceKind(v) for v in form.bantuan.data),
        topic=AssistanceTopic(form.keperluan.data),
        description=form.uraian.data or "",
        phone=form.telepon.normalized,
        contact_preference=ContactPreference(form.saluran.data),
        preferred_times=tuple(TimeOfDay(v) for v in form.waktu.data or []),
        time_note=form.catatan_waktu.data,
        kelurahan_code=form.kelurahan.data,
        street=form.jalan.data,
        rt=form.rt.data,
        rw=form.rw.data,
        disabilities=tuple(DisabilityCategory(v) for v in form.disabilitas.data or []) if consent else (),
        disability_note=(form.kebutuhan.data or None) if consent else None,
        disability_consent=consent,
    )


@bp.route("/bantuan/periksa", methods=["GET", "POST"])
@limiter.limit(_send_limit, methods=["POST"])
def check_request():
    """Check your answers, then send. A second send of a draft already filed (a double tap, a
    resend on a slow link) files nothing and is shown the same confirmation (as complaints do)."""
    draft = _draft()
    if draft is None:
        if request.method == "POST" and filed_before(kind=RECEIPT_KIND, draft_token=session.get(DRAFT_KEY)):
            return _sent_already()
        return redirect(url_for("assistance.request_help"), 303)
    data = _request_input(draft)
    if data is None:
        return redirect(url_for("assistance.request_help"), 303)
    if request.method != "POST":
        return render_template(
            "assistance/periksa.html",
            data=data,
            place=kelurahan(data.kelurahan_code),
            draft_token=draft.token,
            title=_("Periksa permintaan bantuan"),
            **labels(),
        )
    token = draft.token
    try:
        filed = service.file_request(
            session=current_session(),
            data=data,
            draft_token=token,
            calendar=work_calendar(),
            contact_days=current_app.config["ASSISTANCE_CONTACT_DAYS"],
        )
    except service.DraftAlreadySent as error:
        db.session.rollback()  # (the draft object is gone with it: its token was kept above)
        if filed_before(kind=RECEIPT_KIND, draft_token=token):
            return _sent_already()
        refuse(409, labels_of.error_message(error))
    remember_filing(kind=RECEIPT_KIND, object_id=filed.request.id, access_code=filed.access_code, draft_token=token)
    db.session.commit()
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("assistance.show_sent"), 303)


def _sent_already():
    """The draft was filed by the other send: its confirmation (filed_before put its key in the
    session); nothing was written here."""
    session.pop(DRAFT_KEY, None)
    return redirect(url_for("assistance.show_sent"), 303)


def _filed() -> tuple[AssistanceRequest, str]:
    receipt = filed_receipt(RECEIPT_KIND)
    found = db.session.get(AssistanceRequest, receipt.object_id) if receipt else None
    if receipt is None or found is None:
        refuse(404, EXPIRED_CONFIRMATION)
    return found, receipt.access_code  # grouped by the templates' access_code filter


@bp.get("/bantuan/terkirim")
def show_sent():
    found, code = _filed()
    return render_template(
        "assistance/terkirim.html", help_request=found, code=code, title=_("Permintaan bantuan terkirim"), **labels()
    )


@bp.get("/bantuan/terkirim/tanda-terima.pdf")
def download_slip():
    found, code = _filed()
    return render_pdf(
        "assistance/pdf_tanda_terima.html",
        filename=f"tanda-terima-{found.reference}.pdf",
        help_request=found,
        code=code,
        **labels(),
    )


@bp.get("/aksesibilitas")
def show_accessibility():
    return render_template("assistance/aksesibilitas.html", title=_("Pernyataan aksesibilitas"))
