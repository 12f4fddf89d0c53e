"""/petugas/pengaduan: the triage queue. htmx filters live and keeps the URL in sync."""
from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_login import current_user

from portal.extensions import db
from portal.models.base import utcnow
from portal.models.complaint import ComplaintCategory, ComplaintStatus
from portal.officers import bp
from portal.services.cases import status_label
from portal.services.queue import QueueFilters, load_queue
from portal.services.regions import regions
from portal.services.workdays import local_date
from portal.web.auth import ALL_STAFF, roles_required
from portal.web.htmx import render_page_or_fragment
from portal.web.settings import work_calendar


def _enum(enum_cls, value):
    try:
        return enum_cls(value) if value else None
    except ValueError:
        return None


def filters_from(args) -> QueueFilters:
    kecamatan = args.get("kecamatan") or None
    page = args.get("hal", "1")
    return QueueFilters(
        status=_enum(ComplaintStatus, args.get("status")),
        category=_enum(ComplaintCategory, args.get("kategori")),
        kecamatan=kecamatan if kecamatan in regions().kecamatan else None,
        assigned=args.get("ditugaskan") if args.get("ditugaskan") in ("saya", "belum") else None,
        overdue=args.get("terlambat") == "1",
        confidential=args.get("rahasia") == "1",
        q=(args.get("q") or "")[:80],
        page=int(page) if page.isdigit() and len(page) < 6 else 1,
    )


@bp.get("/pengaduan")
@roles_required(*ALL_STAFF)
def show_queue():
    filters = filters_from(request.args)
    today = local_date(utcnow())
    page = load_queue(session=db.session, viewer=current_user, filters=filters, today=today)
    calendar = work_calendar()
    due_soon_by = calendar.add_working_days(today, 2)
    return render_page_or_fragment(
        "officers/antrean.html", "officers/_antrean_hasil.html",
        page=page, filters=filters, today=today, due_soon_by=due_soon_by, status_label=status_label,
        statuses=list(ComplaintStatus), categories=list(ComplaintCategory),
        kecamatan=sorted(regions().kecamatan.values(), key=lambda k: k.name),
        kelurahan=regions().kelurahan, args=request.args, title=_("Antrean pengaduan"),
    )  # fmt: skip
