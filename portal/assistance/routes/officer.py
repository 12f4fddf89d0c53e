"""/petugas/bantuan: the assistance queue (htmx filters with URL sync, works without JS), the
request page with its timeline, and the actions on it."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Account
from portal.assistance.forms import officer as forms
from portal.assistance.labels import error_message, officer_status_label
from portal.assistance.models import (
    AppointmentKind,
    AssistanceKind,
    AssistanceOutcome,
    AssistanceRequest,
    AssistanceStatus,
    AssistanceTopic,
)
from portal.assistance.routes import officer_bp as bp
from portal.assistance.routes.requests import labels
from portal.assistance.services import actions
from portal.assistance.services.access import can_act, can_see_disability, can_view
from portal.assistance.services.queue import AssistanceFilters, load_queue
from portal.assistance.services.requests import HelpRefusal, requester
from portal.complaints.labels import actor_names
from portal.complaints.services.lifecycle import actor_accounts
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.regions import kecamatan_choices, kelurahan, regions
from portal.core.workdays import local_date
from portal.extensions import current_session, db
from portal.notifications import labels as notice_labels
from portal.notifications.services.contacts import contacts_for
from portal.notifications.services.notices import notice_rows, unreachable
from portal.web.auth import ALL_STAFF, current_actor, refuse_out_of_scope, roles_required
from portal.web.forms import first_error, seen_value
from portal.web.htmx import render_page_or_fragment
from portal.web.numbers import as_id, as_page
from portal.web.settings import current_settings, work_calendar
from portal.web.templating import show_page


def _enum(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def filters_from(args) -> AssistanceFilters:
    kecamatan = args.get("kecamatan") or None
    page = args.get("hal", "1")
    return AssistanceFilters(
        status=_enum(AssistanceStatus, args.get("status")),
        kind=_enum(AssistanceKind, args.get("jenis")),
        topic=_enum(AssistanceTopic, args.get("keperluan")),
        kecamatan=kecamatan if kecamatan in regions().kecamatan else None,
        assigned=args.get("ditugaskan") if args.get("ditugaskan") in ("saya", "belum") else None,
        assigned_to=as_id(args.get("petugas")),
        overdue=args.get("terlambat") == "1",
        q=(args.get("q") or "")[:80],
        page=as_page(page),
    )


@bp.get("/bantuan")
@roles_required(*ALL_STAFF)
def show_assistance_queue():
    filters = filters_from(request.args)
    today = local_date(utcnow())
    page = load_queue(session=current_session(), viewer=current_user, filters=filters, today=today, who=current_actor())
    db.session.commit()  # the view's audit row
    return render_page_or_fragment(
        "assistance/petugas_antrean.html",
        "assistance/_petugas_antrean_hasil.html",
        page=page,
        filters=filters,
        today=today,
        statuses=list(AssistanceStatus),
        all_kinds=list(AssistanceKind),
        topics=list(AssistanceTopic),
        kecamatan=kecamatan_choices(current_user),
        kelurahan=regions().kelurahan,
        args=request.args,
        contact_days=current_app.config["ASSISTANCE_CONTACT_DAYS"],
        title=_("Antrean permintaan bantuan"),
        **{**labels(), "status_label": officer_status_label},
    )


def _request(reference: str) -> AssistanceRequest:
    found = db.session.scalars(sa.select(AssistanceRequest).where(AssistanceRequest.reference == reference)).first()
    if found is None:
        abort(404)
    if not can_view(current_user, found):  # 404 too: do not confirm that a reference exists
        refuse_out_of_scope(object_type="assistance", object_id=found.id)
    return found


ACTION_FORMS = {
    "ambil": forms.ClaimForm,
    "jadwalkan": forms.ScheduleForm,
    "hasil": forms.OutcomeForm,
    "catatan": forms.NoteForm,
    "hapus-disabilitas": forms.DeleteDisabilityForm,
}


def _officers_for(found: AssistanceRequest) -> list[Account]:
    if not current_user.is_supervisor:
        return [current_user._get_current_object()]
    accounts = db.session.scalars(sa.select(Account).where(Account.active.is_(True)).order_by(Account.name))
    return [a for a in accounts if can_view(a, found)]


def _seen(found: AssistanceRequest) -> str:
    return seen_value(found.events[-1].id if found.events else None, found.assigned_to_id)


def _render(found: AssistanceRequest, *, active_form=None, error: str | None = None, status: int = 200, conflict=None):
    # Each form's fields are prefixed with its action: one page, several "message" fields, unique ids.
    show_page("officers.assistance.show_assistance_request", reference=found.reference)
    version, seen = found.version, _seen(found)
    made = {name: cls(formdata=None, version=version, seen=seen, prefix=name) for name, cls in ACTION_FORMS.items()}
    if active_form is not None:
        made[active_form[0]] = active_form[1]
    officers = _officers_for(found)
    schedule = made["jadwalkan"]
    schedule.officer.choices = [SelectChoice(str(a.id), a.name) for a in officers]
    if active_form is None:
        schedule.officer.data = str(found.assigned_to_id or current_user.id)
        schedule.kind.data = _suggested_appointment(found).value
        filed = [e.complaint_reference for e in found.events if e.complaint_reference]
        if filed:
            made["hasil"].reference.data = filed[-1]
    show_sensitive = can_see_disability(current_user, found)  # help kinds, story, disability data
    who = current_actor()
    audit.record(  # one row for the page; what sensitive parts it showed is in the detail
        session=current_session(),
        actor=who,
        action="lihat",
        object_type="assistance",
        object_id=found.id,
        detail=_shown_detail(found) if show_sensitive else "",
    )
    db.session.commit()
    assigned = db.session.get(Account, found.assigned_to_id) if found.assigned_to_id else None
    actors = [event.acted_by for event in found.events]
    return render_template(
        "assistance/petugas_permintaan.html",
        help_request=found,
        forms=made,
        assigned=assigned,
        action_error=error,
        form_error=first_error(active_form),
        conflict=conflict,
        open_action=active_form[0] if conflict and active_form else None,
        moment=lambda value: format_datetime(value, "d MMMM y, HH.mm"),
        show_sensitive=show_sensitive,
        may_act=can_act(current_user, found),
        place=kelurahan(found.kelurahan_code),
        today=local_date(utcnow()),
        S=AssistanceStatus,
        title=_title(found, active_form, error),
        actor_names=actor_names(actors, actor_accounts(session=current_session(), actors=actors)),
        notices=notice_labels.notices(notice_rows(session=current_session(), reference=found.reference)),
        unreachable=_unreachable_words(found),
        contacts=contacts_for(session=current_session(), reference=found.reference),
        contact_label=notice_labels.contact_label,
        **{**labels(), "status_label": officer_status_label},
    ), status


def _unreachable_words(found: AssistanceRequest) -> str | None:
    """Why no message reaches the requester (a number whose SMS/WhatsApp is not set up here, STOP)."""
    reason = unreachable(session=current_session(), recipient=requester(found))
    if reason is None:
        return None
    return notice_labels.unreachable_label(reason, record_in=_("Catatan internal"))  # the page's action for it


def _shown_detail(found: AssistanceRequest) -> str:
    """What sensitive parts the page showed, for the audit row (none for triage only)."""
    return "dengan data disabilitas" if found.has_disability_data else "dengan jenis bantuan dan cerita"


def _title(found: AssistanceRequest, active_form, error: str | None) -> str:
    title = _("Permintaan bantuan %(ref)s", ref=found.reference)
    failed = error or (active_form is not None and active_form[1].errors)
    return f"{_('Kesalahan:')} {title}" if failed else title


def _suggested_appointment(found: AssistanceRequest) -> AppointmentKind:
    kinds = set(found.kinds)
    if AssistanceKind.KUNJUNGAN_RUMAH in kinds:
        return AppointmentKind.KUNJUNGAN_RUMAH
    if AssistanceKind.PENDAMPINGAN_KANTOR in kinds:
        return AppointmentKind.KANTOR
    if AssistanceKind.WHATSAPP in kinds or AssistanceKind.JURU_BAHASA_ISYARAT in kinds:
        return AppointmentKind.WHATSAPP
    return AppointmentKind.TELEPON


@bp.get("/bantuan/<reference>")
@roles_required(*ALL_STAFF)
def show_assistance_request(reference: str):
    return _render(_request(reference))


def _done(action: str) -> str:
    """What the officer is told after an action (the page opens at the timeline)."""
    return {
        "ambil": _("Permintaan ini sekarang Anda tangani."),
        "jadwalkan": _("Jadwal disimpan."),
        "hasil": _("Hasilnya dicatat."),
        "catatan": _("Catatan internal disimpan."),
        "hapus-disabilitas": _("Data disabilitas dihapus dan penghapusannya dicatat."),
    }[action]


def office_hours() -> actions.OfficeHours:
    """Visits and calls: working days (holidays, cuti bersama) in the office's hours (CONTACT_HOURS)."""
    opens, closes = (time.fromisoformat(part.replace(".", ":")) for part in current_settings().CONTACT_HOURS.split("-"))
    return actions.OfficeHours(calendar=work_calendar(), opens=opens, closes=closes)


def _perform(action: str, form, found: AssistanceRequest) -> None:
    common = {
        "session": current_session(),
        "request": found,
        "expected_version": form.version_number,
        "who": current_actor(),
        "officer": current_user._get_current_object(),
    }
    match action:
        case "ambil":
            actions.claim(**common)
        case "jadwalkan":
            assignee = db.session.get(Account, account_id) if (account_id := as_id(form.officer.data)) else None
            if assignee is None:
                raise actions.NotAllowed(HelpRefusal.PICK_OFFICER)
            actions.schedule(
                assignee=assignee,
                kind=AppointmentKind(form.kind.data),
                on=form.on.data,
                at=form.at.data,
                message=form.message.data or "",
                hours=office_hours(),
                outside_asked=form.outside_asked.data,
                **common,
            )
        case "hasil":
            actions.record_outcome(
                outcome=AssistanceOutcome(form.outcome.data),
                complaint_reference=form.reference.data,
                message=form.message.data or "",
                override_note=form.override_note.data or "",
                **common,
            )
        case "catatan":
            actions.note(message=form.message.data, **common)
        case "hapus-disabilitas":
            actions.delete_disability(**common)


def _offered(found: AssistanceRequest, action: str) -> bool:
    """Whether the request page offers `action` now (as assistance/_petugas_aksi.html decides)."""
    open_request = found.status is not AssistanceStatus.SELESAI
    return {
        "ambil": open_request and not found.assigned_to_id,
        "jadwalkan": open_request and can_act(current_user, found),
        "hasil": open_request and can_act(current_user, found),
        "hapus-disabilitas": can_see_disability(current_user, found) and found.has_disability_data,
    }.get(action, True)


def _conflict(found: AssistanceRequest, action: str, form):
    """The request changed since the officer opened it: the request page again, as it is now,
    with what changed and who changed it, and the typed text offered back (the same form with
    the new version, or an internal note when the action is no longer offered). 409."""
    seen = form.seen_state
    new_events = [e for e in found.events if seen is None or e.id > seen[0]]
    if seen is None:
        new_events = new_events[-3:]
    typed = getattr(getattr(form, "message", None), "data", None) or ""
    still_open = _offered(found, action)
    if still_open:
        form.version.data, form.seen.data = str(found.version), _seen(found)
        kept = (action, form)
    elif typed:
        note = forms.NoteForm(formdata=None, version=found.version, seen=_seen(found), prefix="catatan", message=typed)
        kept = ("catatan", note)
    else:
        kept = None
    conflict = {
        "label": ACTION_LABELS[action](),
        "events": list(reversed(new_events)),
        "assignee_changed": seen is not None and seen[1] != found.assigned_to_id,
        "typed": typed,
        "still_open": still_open,
    }
    return _render(found, active_form=kept, conflict=conflict, status=409)


ACTION_LABELS = {
    "ambil": lambda: _("Ambil permintaan ini"),
    "jadwalkan": lambda: _("Jadwalkan kunjungan atau panggilan"),
    "hasil": lambda: _("Catat hasil bantuan"),
    "catatan": lambda: _("Catatan internal"),
    "hapus-disabilitas": lambda: _("Hapus data disabilitas"),
}


@bp.post("/bantuan/<reference>/aksi/<action>")
@roles_required(*ALL_STAFF)
def act_on_assistance_request(reference: str, action: str):
    found = _request(reference)
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        abort(404)
    form = form_class(prefix=action)
    if action == "jadwalkan":
        form.officer.choices = [SelectChoice(str(a.id), a.name) for a in _officers_for(found)]
    if not form.validate_on_submit():
        return _render(found, active_form=(action, form), status=400)
    try:
        _perform(action, form, found)
    except actions.RequestChanged:
        db.session.rollback()
        return _conflict(db.session.get_one(AssistanceRequest, found.id), action, form)
    except DomainError as error:
        db.session.rollback()
        again = db.session.get_one(AssistanceRequest, found.id)
        return _render(again, active_form=(action, form), error=error_message(error), status=400)
    db.session.commit()
    flash(_done(action))
    # the message is at the top
    return redirect(url_for("officers.assistance.show_assistance_request", reference=reference), 303)
