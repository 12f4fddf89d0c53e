"""/petugas/pengaduan/<reference>: everything about one case, and the actions on it."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Account
from portal.complaints.forms import case as forms
from portal.complaints.forms.public import kelurahan_choices
from portal.complaints.labels import (
    action_label,
    actor_names,
    agency_label,
    code_reissued_note,
    error_message,
    officer_event_label,
    officer_status_label,
)
from portal.complaints.models.complaint import Attachment, Complaint, ComplaintStatus, ReferralAgency, ResolutionCode
from portal.complaints.routes import officer_bp as bp
from portal.complaints.routes.case_conflict import what_changed
from portal.complaints.routes.case_facts import case_facts, unreachable_words
from portal.complaints.routes.case_templates import offer_templates
from portal.complaints.routes.queue import queue_address
from portal.complaints.services import actions as case_actions
from portal.complaints.services import contact_actions
from portal.complaints.services.access import can_see_identity, can_see_subject, can_view
from portal.complaints.services.available import CaseAction, available_actions
from portal.complaints.services.case_checks import CaseChanged, NotAllowed
from portal.complaints.services.lifecycle import CaseRefusal, actor_accounts, opened_by
from portal.core import trail as audit
from portal.core.errors import DomainError
from portal.core.regions import kelurahan
from portal.extensions import current_session, db
from portal.notifications import labels as notice_labels
from portal.notifications.models import ContactMethod, ContactOutcome
from portal.notifications.services.contacts import contacts_for
from portal.notifications.services.notices import notice_rows
from portal.roster import labels as people
from portal.roster.models.person import Person, PersonStatusHistory
from portal.web.auth import ALL_STAFF, check_scope, current_actor, roles_required
from portal.web.files import send_stored
from portal.web.forms import first_error, seen_value
from portal.web.numbers import as_id
from portal.web.settings import attachment_store, program_rules, work_calendar
from portal.web.templating import show_page


def _case(reference: str) -> Complaint:
    complaint = db.session.scalars(sa.select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        abort(404)  # and outside the officer's scope too (audited): do not confirm that a reference exists
    check_scope(can_view(current_user, complaint), object_type="complaint", object_id=complaint.id)
    return complaint


def _seen(complaint: Complaint) -> str:
    return seen_value(complaint.events[-1].id if complaint.events else None, complaint.assigned_to_id)


def _render(complaint: Complaint, *, active_form=None, error: str | None = None, status=200, conflict=None):
    version, seen = complaint.version, _seen(complaint)
    show_page("officers.complaints.show_case", reference=complaint.reference)
    made = {name: cls(formdata=None, version=version, seen=seen) for name, cls in ACTIONS_FORMS.items()}
    if active_form is not None:
        made[active_form[0]] = active_form[1]
    offered = offer_templates(complaint, made, typed=active_form is not None)
    officers = []
    for name, form in made.items():  # ten forms on one page: "message" etc. need unique ids
        for item in form:
            item.id = f"{name}-{item.name}"
    made["pindah-wilayah"].kelurahan.choices = kelurahan_choices()
    if current_user.is_supervisor:
        officers = [
            a
            for a in db.session.scalars(sa.select(Account).where(Account.active.is_(True)).order_by(Account.name))
            if can_view(a, complaint)
        ]
        made["tugaskan"].assignee.choices = [SelectChoice("", _("Pilih petugas"))] + [
            SelectChoice(str(a.id), a.name) for a in officers
        ]
    show_subject = can_see_subject(current_user, complaint)
    person = db.session.get(Person, complaint.person_id) if complaint.person_id and show_subject else None
    history = []
    if person is not None:
        history = list(
            db.session.scalars(
                sa.select(PersonStatusHistory)
                .where(PersonStatusHistory.person_id == person.id)
                .order_by(PersonStatusHistory.id.desc())
            )
        )
    others = []
    if complaint.subject_nik and show_subject:
        others = list(
            db.session.scalars(
                sa.select(Complaint)
                .where(Complaint.subject_nik == complaint.subject_nik, Complaint.id != complaint.id)
                .order_by(Complaint.id.desc())
                .limit(20)
            )
        )
        others = [o for o in others if can_view(current_user, o) and can_see_subject(current_user, o)]
    audit.record(  # one row a view: the case, and the person it showed (in that person's trail too)
        session=current_session(),
        actor=current_actor(),
        action="lihat",
        object_type="complaint",
        object_id=complaint.id,
        person_id=person.id if person is not None else None,
        detail=f"dengan data warga #{person.id}" if person is not None else "",
    )
    db.session.commit()
    assigned = db.session.get(Account, complaint.assigned_to_id) if complaint.assigned_to_id else None
    filed_by = db.session.get(Account, complaint.filed_by_id) if complaint.filed_by_id else None
    actors = [event.acted_by for event in complaint.events]
    return render_template(
        "complaints/petugas_kasus.html",
        complaint=complaint,
        forms=made,
        templates=offered.by_action,
        picked=offered.picked,
        picked_action=offered.picked_action,
        person=person,
        history=history,
        others=others,
        assigned=assigned,
        filed_by=filed_by,
        action_error=error,
        form_error=first_error(active_form),
        conflict=conflict,
        moment=lambda value: format_datetime(value, "d MMMM y, HH.mm"),
        open_action=active_form[0] if conflict and active_form else None,
        show_identity=can_see_identity(current_user, complaint),
        show_subject=show_subject,
        actions=available_actions(case=complaint, actor=current_user),
        action_label=lambda name: action_label(CaseAction(name)),
        place=kelurahan(complaint.kelurahan_code),
        status_label=officer_status_label,
        event_label=officer_event_label,
        agency_label=agency_label,
        actor_names=actor_names(actors, actor_accounts(session=current_session(), actors=actors)),
        person_status_label=people.status_label,
        reason_label=people.reason_label,
        notices=notice_labels.notices(notice_rows(session=current_session(), reference=complaint.reference)),
        contacts=contacts_for(session=current_session(), reference=complaint.reference),
        contact_label=notice_labels.contact_label,
        back_to_queue=queue_address(),
        title=_("Pengaduan %(ref)s", ref=complaint.reference),
        **case_facts(complaint),
    ), status


@bp.get("/pengaduan/<reference>")
@roles_required(*ALL_STAFF)
def show_case(reference: str):
    complaint = _case(reference)
    opened_by(session=current_session(), complaint=complaint, viewer_id=current_user.id)
    return _render(complaint)


ACTIONS_FORMS = {
    "ambil": forms.ClaimForm,
    "tugaskan": forms.AssignForm,
    "verifikasi": forms.VerifyForm,
    "balas": forms.ReplyForm,
    "catatan": forms.NoteForm,
    "minta-informasi": forms.RequestInfoForm,
    "rujuk": forms.ReferForm,
    "selesaikan": forms.ConcludeForm,
    "banding": forms.AppealForm,
    "ganda": forms.DuplicateForm,
    "pindah-wilayah": forms.TransferForm,
    "kode-akses": forms.ReissueCodeForm,
    "catat-kontak": forms.ContactForm,
    "jawaban-diterima": forms.AnswerReceivedForm,
}


TELLS_THE_RESIDENT = frozenset({"balas", "minta-informasi", "selesaikan", "banding"})


def _done(action: str) -> str:
    """What the officer is told after an action (the page opens at the timeline)."""
    return {
        "ambil": _("Pengaduan ini sekarang Anda tangani."),
        "tugaskan": _("Petugas sudah ditugaskan."),
        "verifikasi": _("Pengaduan ditandai sudah diverifikasi."),
        "balas": _('Balasan disimpan. Lihat di "Pesan ke warga" apakah kabarnya sampai.'),
        "catatan": _("Catatan internal disimpan."),
        "catat-kontak": _("Kontak dengan warga dicatat."),
        "jawaban-diterima": _("Jawaban warga dicatat. Batas waktu berjalan lagi."),
        "minta-informasi": _(
            'Permintaan informasi disimpan. Batas waktu berhenti sampai warga menjawab. Lihat di "Pesan ke '
            'warga" apakah kabarnya sampai.'
        ),
        "rujuk": _("Rujukan dicatat."),
        "selesaikan": _('Keputusan dicatat. Lihat di "Pesan ke warga" apakah kabarnya sampai.'),
        "banding": _("Keputusan banding dicatat."),
        "ganda": _("Pengaduan ditutup sebagai pengaduan ganda."),
    }[action]


def _perform(action: str, form, complaint: Complaint) -> None:
    common = {
        "session": current_session(),
        "complaint": complaint,
        "expected_version": form.version_number,
        "who": current_actor(),
    }
    calendar = work_calendar()
    me = current_user._get_current_object()
    match action:
        case "ambil":
            case_actions.claim(officer=me, **common)
        case "tugaskan":
            assignee = db.session.get(Account, account_id) if (account_id := as_id(form.assignee.data)) else None
            if assignee is None:
                raise NotAllowed(CaseRefusal.PICK_OFFICER)
            case_actions.assign(supervisor=me, assignee=assignee, **common)
        case "verifikasi":
            case_actions.verify(officer=me, calendar=calendar, **common)
        case "balas":
            case_actions.reply(officer=me, message=form.message.data, **common)
        case "catatan":
            case_actions.note(officer=me, message=form.message.data, **common)
        case "minta-informasi":
            case_actions.request_information(officer=me, message=form.message.data, calendar=calendar, **common)
        case "rujuk":
            case_actions.refer(
                officer=me,
                agency=ReferralAgency(form.agency.data),
                reference=form.reference.data,
                follow_up_on=form.follow_up_on.data,
                message=form.message.data,
                calendar=calendar,
                **common,
            )
        case "selesaikan":
            case_actions.conclude(
                officer=me,
                target=ComplaintStatus(form.outcome.data),
                code=ResolutionCode(form.code.data),
                next_step=form.next_step.data,
                message=form.message.data,
                calendar=calendar,
                **common,
            )
        case "banding":
            case_actions.decide_appeal(
                supervisor=me,
                reopen=form.decision.data == "buka",
                message=form.message.data,
                calendar=calendar,
                appeal_days=program_rules().APPEAL_REVIEW_DAYS,
                **common,
            )
        case "ganda":
            case_actions.mark_duplicate(
                officer=me,
                of_reference=form.of_reference.data,
                override_note=form.override_note.data or "",
                calendar=calendar,
                **common,
            )


def _contact(action: str, form, complaint: Complaint) -> None:
    me = current_user._get_current_object()
    common = {
        "session": current_session(),
        "complaint": complaint,
        "expected_version": form.version_number,
        "who": current_actor(),
    }
    if action == "catat-kontak":
        contact_actions.log_contact(
            officer=me,
            method=ContactMethod(form.method.data),
            outcome=ContactOutcome(form.outcome.data),
            note=form.note.data or "",
            **common,
        )
    else:
        contact_actions.record_answer(
            officer=me,
            method=ContactMethod(form.method.data),
            message=form.message.data,
            calendar=work_calendar(),
            **common,
        )


def _reissue_code(form: forms.ReissueCodeForm, complaint: Complaint):
    """The new code is shown on the answer to this POST, once: not flashed (a cookie), not in a
    URL, not stored anywhere but as its hash. Reloading the page re-sends the POST, which the
    case's new version refuses, so a second code is never made by accident."""
    code = case_actions.reissue_access_code(
        session=current_session(),
        complaint=complaint,
        officer=current_user._get_current_object(),
        expected_version=form.version_number,
        checked_how=form.checked_how.data,
        note=code_reissued_note(form.checked_how.data),
        who=current_actor(),
    )
    db.session.commit()
    response = make_response(
        render_template(
            "complaints/petugas_kode_akses.html",
            complaint=complaint,
            code=code,
            title=_("Kode akses baru %(ref)s", ref=complaint.reference),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/pengaduan/<reference>/aksi/<action>")
@roles_required(*ALL_STAFF)
def act_on_case(reference: str, action: str):
    complaint = _case(reference)
    form_class = ACTIONS_FORMS.get(action)
    if form_class is None:
        abort(404)
    form = form_class()
    if action == "tugaskan":
        form.assignee.choices = []
    if not form.validate_on_submit():
        return _render(complaint, active_form=(action, form), status=400)
    try:
        if action == "kode-akses":
            return _reissue_code(form, complaint)
        (_contact if action in ("catat-kontak", "jawaban-diterima") else _perform)(action, form, complaint)
    except CaseChanged:
        db.session.rollback()
        again = db.session.get_one(Complaint, complaint.id)
        kept, conflict = what_changed(again, action, form, seen=_seen(again))
        return _render(again, active_form=kept, conflict=conflict, status=409)
    except DomainError as error:
        db.session.rollback()
        return _render(
            db.session.get_one(Complaint, complaint.id),
            active_form=(action, form),
            error=error_message(error),
            status=400,
        )
    db.session.commit()
    told = _done(action)
    if action in TELLS_THE_RESIDENT and (unreachable := unreachable_words(complaint)):
        told += " " + unreachable
    flash(told)
    return redirect(url_for("officers.complaints.show_case", reference=reference), 303)  # the message is at the top


@bp.get("/lampiran/<int:attachment_id>")
@roles_required(*ALL_STAFF)
def download_attachment(attachment_id: int):
    record = db.session.get(Attachment, attachment_id)
    complaint = db.session.get(Complaint, record.complaint_id) if record and record.complaint_id else None
    if record is None or complaint is None:
        abort(404)
    check_scope(can_view(current_user, complaint), object_type="attachment", object_id=record.id)
    if not can_see_identity(current_user, complaint):  # files of a confidential case often show the filer
        abort(403)
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="unduh_lampiran",
        object_type="attachment",
        object_id=record.id,
        detail=complaint.reference,
    )
    db.session.commit()
    return send_stored(
        attachment_store(),
        record.storage_key,
        mimetype=record.content_type,
        download_name=record.original_name,
        etag=record.sha256,
        last_modified=record.created_at,
    )
