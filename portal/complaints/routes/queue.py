"""/petugas/pengaduan: the triage queue. htmx filters live and keeps the URL in sync."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from flask import abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from portal.accounts.models import Account
from portal.complaints.forms.search import NikSearchForm, SaveFilterForm
from portal.complaints.labels import error_message, officer_status_label
from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.routes import officer_bp as bp
from portal.complaints.services import bulk, saved_filters
from portal.complaints.services.lifecycle import OPEN_STATUSES
from portal.complaints.services.queue import SEARCH_COUNT_CAP, QueueFilters, assignee_names, assignees, load_queue
from portal.core.base import utcnow
from portal.core.errors import DomainError
from portal.core.nik import could_be_part_of_a_nik, nik_digits
from portal.core.phone import PhoneError, normalize_phone
from portal.core.regions import kecamatan_choices, regions
from portal.core.workdays import local_date
from portal.extensions import current_session, db
from portal.web.auth import ALL_STAFF, SUPERVISORS, current_actor, roles_required
from portal.web.htmx import render_page_or_fragment
from portal.web.numbers import as_id, as_page
from portal.web.settings import work_calendar

OPEN_ONLY = "terbuka"  # ?status=terbuka: every open status


def due_soon_by(today: date) -> date:
    """The last day of "due soon" (SLA_DUE_SOON_DAYS working days ahead), for the queue and /petugas/sla."""
    return work_calendar().add_working_days(today, current_app.config["SLA_DUE_SOON_DAYS"])


def _enum(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def _phone_in(typed: str) -> str | None:
    """The number typed into the search box when it is an Indonesian phone number (0812…, +62812…,
    62812…), as stored (+62…); None for anything else (16 digits are a NIK)."""
    if len(nik_digits(typed)) == 16:
        return None
    try:
        return normalize_phone(typed)
    except PhoneError:
        return None


def filters_from(args, *, officer_ids: frozenset[int] = frozenset()) -> QueueFilters:
    """The filters of the query string; unknown values are ignored. `ditugaskan` is "saya",
    "belum" or (supervisors: `officer_ids` is theirs to choose from) an account id."""
    kecamatan = args.get("kecamatan") or None
    assigned = args.get("ditugaskan") or ""
    officer = as_id(assigned)
    return QueueFilters(
        status=_enum(ComplaintStatus, args.get("status")),
        open_only=args.get("status") == OPEN_ONLY,
        category=_enum(ComplaintCategory, args.get("kategori")),
        kecamatan=kecamatan if kecamatan in regions().kecamatan else None,
        assigned=assigned if assigned in ("saya", "belum") else None,
        assigned_to=officer if officer in officer_ids else None,
        overdue=args.get("terlambat") == "1",
        due_soon=args.get("segera") == "1",
        confidential=args.get("rahasia") == "1",
        unreachable=args.get("tak_terjangkau") == "1",
        follow_up=args.get("tindak_lanjut") == "1",
        news=args.get("baru") == "1",
        q=(args.get("q") or "")[:80],
        page=as_page(args.get("hal")),
    )


FILTER_FIELDS = (
    "q",
    "status",
    "kategori",
    "kecamatan",
    "ditugaskan",
    "terlambat",
    "segera",
    "rahasia",
    "tak_terjangkau",
    "tindak_lanjut",
    "baru",
)
QUEUE_KEY = "queue_filters"  # the session's last queue filters: "Kembali ke antrean" returns to them


def remember_filters(args) -> None:
    """Keep the filters of the queue as shown (never a NIK: the address never holds one)."""
    kept = _kept(args)
    if args.get("hal"):
        kept["hal"] = args["hal"][:8]
    session[QUEUE_KEY] = kept


def queue_address() -> str:
    """The queue as the officer last left it (its open cases when there is none)."""
    kept = session.get(QUEUE_KEY)
    if not isinstance(kept, dict):
        kept = {"status": OPEN_ONLY}
    ordered: dict[str, Any] = {
        name: str(kept[name]) for name in (*FILTER_FIELDS, "hal") if kept.get(name)
    }  # form order
    return url_for("officers.complaints.show_queue", **ordered)


@bp.route("/pengaduan", methods=["GET", "POST"])
@roles_required(*ALL_STAFF)
def show_queue():
    """GET: the filters, in the address. POST: a search by NIK (NikSearchForm), never in an address;
    or the filter form sent without htmx (no JavaScript, or Enter): back to GET with its filters,
    unless its search box holds a phone number or a NIK, which is then searched as one, here."""
    officers = assignees(session=current_session()) if current_user.is_supervisor else []
    filters = filters_from(request.args, officer_ids=frozenset(a.id for a in officers))
    formdata: MultiDict[str, str] = request.form
    if request.method == "POST" and "nik" not in formdata:
        typed = formdata.get("q", "")
        if not could_be_part_of_a_nik(typed):
            kept: dict[str, Any] = {name: formdata[name] for name in FILTER_FIELDS if formdata.get(name)}
            return redirect(url_for("officers.complaints.show_queue", **kept), 303)
        phone = _phone_in(typed)
        # "NIK: 3275…" copied from a message: the digits are the NIK (and its checks say what is wrong)
        formdata = MultiDict({"nik": nik_digits(typed), "csrf_token": formdata.get("csrf_token", "")})
    else:
        phone = None
    nik_form, status = NikSearchForm(formdata=formdata if request.method == "POST" else None), 200
    if phone is not None:  # a phone number (the token was checked by CSRFProtect), never in an address
        filters, nik_form = QueueFilters(q=phone), NikSearchForm(formdata=None)
    elif request.method == "POST":
        valid = nik_form.validate_on_submit()
        filters = QueueFilters(q=nik_form.nik.parsed.value) if valid else filters
        status = 200 if valid else 400
    elif could_be_part_of_a_nik(filters.q):
        nik_form.nik.errors = [
            _("NIK tidak boleh tercantum di alamat halaman. Ketik NIK di kolom “Cari dengan NIK”, lalu tekan Cari NIK.")
        ]
        filters, status = replace(filters, q=""), 400
    if request.method != "POST" and status == 200:  # the filters of an address, never of a NIK search
        remember_filters(request.args)
    today = local_date(utcnow())
    soon_by = due_soon_by(today)
    page = load_queue(
        session=current_session(),
        viewer=current_user,
        filters=filters,
        today=today,
        due_soon_by=soon_by,
        who=current_actor(),
    )
    db.session.commit()  # the view's audit row
    return render_page_or_fragment(
        "complaints/petugas_antrean.html",
        "complaints/_petugas_antrean_hasil.html",
        page=page,
        filters=filters,
        status_label=officer_status_label,
        today=today,
        open_statuses=OPEN_STATUSES,
        statuses=list(ComplaintStatus),
        categories=list(ComplaintCategory),
        officers=officers,
        due_soon_days=current_app.config["SLA_DUE_SOON_DAYS"],
        search_cap=SEARCH_COUNT_CAP,
        kecamatan=kecamatan_choices(current_user),
        kelurahan=regions().kelurahan,
        args=request.args,
        title=_("Antrean pengaduan"),
        nik_form=nik_form,
        assigned_names=assignee_names(session=current_session(), rows=page.rows),
        saved=saved_filters.list_saved(session=current_session(), account_id=current_user.id),
        save_form=SaveFilterForm(formdata=None),
        status=status,
    )


def _kept(values) -> dict[str, Any]:
    """The queue's own filters among `values` (never a NIK or a phone number: those are not filters)."""
    kept = {name: values[name][:80] for name in FILTER_FIELDS if values.get(name)}
    if could_be_part_of_a_nik(kept.get("q", "")):
        kept.pop("q")
    return kept


@bp.post("/pengaduan/filter")
@roles_required(*ALL_STAFF)
def save_queue_filter():
    """Save the filters the queue shows (hidden fields of the form below the results) under a name."""
    form = SaveFilterForm()
    filters = _kept(request.form)
    try:
        saved_filters.save_filter(
            session=current_session(), account_id=current_user.id, name=form.nama_filter.data or "", filters=filters
        )
    except DomainError as error:
        db.session.rollback()
        flash(error_message(error))
        return redirect(url_for("officers.complaints.show_queue", **filters) + "#simpan-filter", 303)
    db.session.commit()
    flash(_("Filter “%(name)s” disimpan.", name=" ".join((form.nama_filter.data or "").split())))
    return redirect(url_for("officers.complaints.show_queue", **filters), 303)


@bp.post("/pengaduan/filter/<int:filter_id>/hapus")
@roles_required(*ALL_STAFF)
def delete_queue_filter(filter_id: int):
    if not saved_filters.delete_filter(session=current_session(), account_id=current_user.id, filter_id=filter_id):
        abort(404)
    db.session.commit()
    flash(_("Filter tersimpan dihapus."))
    return redirect(url_for("officers.complaints.show_queue", status=OPEN_ONLY), 303)


@bp.post("/pengaduan/tugaskan")
@roles_required(*SUPERVISORS)
def assign_selected():
    """The cases ticked in the queue, assigned to one officer (each by the rules of its own page)."""
    chosen = []
    for value in request.form.getlist("kasus"):
        reference, _sep, version = value.partition(":")
        if version.isdigit():
            chosen.append((reference[:20], int(version)))
    assignee = db.session.get(Account, as_id(request.form.get("petugas")) or 0)
    if not chosen or assignee is None:
        flash(_("Centang pengaduan di antrean dan pilih petugasnya, lalu tekan Tugaskan."))
        return redirect(queue_address() + "#tugaskan-terpilih", 303)
    result = bulk.assign_many(
        session=current_session(), chosen=chosen, supervisor=current_user, assignee=assignee, who=current_actor()
    )
    db.session.commit()
    if result.assigned:
        flash(
            ngettext(
                "%(num)d pengaduan ditugaskan kepada %(name)s.",
                "%(num)d pengaduan ditugaskan kepada %(name)s.",
                len(result.assigned),
                name=assignee.name,
            )
        )
    for reference, error in result.refused:
        flash(_("%(ref)s tidak ditugaskan: %(why)s", ref=reference, why=error_message(error)))
    return redirect(queue_address(), 303)
