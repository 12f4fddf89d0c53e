"""/petugas/laporan: supervisors' monthly indicators (HTML and CSV) and the filtered case list
as CSV. Every export is written to the audit trail before the first byte leaves."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from flask import Response, render_template, request, stream_with_context
from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from portal.complaints.labels import (
    agency_label,
    category_label,
    indicator_label,
    officer_status_label,
    resolution_label,
    satisfaction_label,
)
from portal.complaints.models.complaint import ComplaintCategory, ComplaintStatus
from portal.complaints.routes import officer_bp as bp
from portal.complaints.routes.queue import due_soon_by, filters_from
from portal.complaints.services import reports
from portal.complaints.services.queue import assignees
from portal.core import trail as audit
from portal.core.base import utcnow
from portal.core.nik import mask_nik, normalize_nik
from portal.core.regions import regions
from portal.core.workdays import local_date
from portal.extensions import current_session, db
from portal.web import spreadsheet
from portal.web.auth import SUPERVISORS, current_actor, roles_required
from portal.web.settings import work_calendar


def _month(text: str | None, today: date) -> date:
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        chosen = date(year, month, 1)
    except ValueError:
        return today.replace(day=1)
    return chosen if date(2020, 1, 1) <= chosen <= today else today.replace(day=1)


def _recent_months(today: date, count: int = 18) -> list[date]:
    months, year, month = [], today.year, today.month
    for _i in range(count):
        months.append(date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return months


_WORDS: dict[str, Callable[[str], str]] = {
    "jenis": category_label,
    "status": lambda code: officer_status_label(ComplaintStatus(code)),
    "dirujuk_ke": agency_label,
    "kode_penyelesaian": resolution_label,
    "penilaian": satisfaction_label,
}
"""The columns whose codes the case list export says in words."""


def _worded(header: list[str], rows: Iterable[list[str]]) -> Iterator[list[str]]:
    words = [(index, _WORDS[name]) for index, name in enumerate(header) if name in _WORDS]
    for row in rows:
        for index, say in words:
            if row[index]:
                row[index] = say(row[index])
        yield row


def _csv_response(body, filename: str) -> Response:
    """A spreadsheet file for staff (portal.web.spreadsheet: BOM, `;`, CRLF, decimal comma)."""
    response = Response(body, content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/laporan")
@roles_required(*SUPERVISORS)
def show_reports():
    today = local_date(utcnow())
    month = _month(request.args.get("bulan"), today)
    report = reports.monthly_report(
        session=current_session(), viewer=current_user, month=month, calendar=work_calendar()
    )
    return render_template(
        "complaints/petugas_laporan.html",
        report=report,
        month=month,
        months=_recent_months(today),
        month_name=lambda m: format_date(m, "MMMM y"),
        n=lambda v: format_decimal(v, "#,##0.#"),
        statuses=list(ComplaintStatus),
        categories=list(ComplaintCategory),
        status_label=officer_status_label,
        indicator_label=indicator_label,
        kecamatan=sorted(regions().kecamatan.values(), key=lambda k: k.name),
        title=_("Laporan"),
    )


@bp.get("/laporan/indikator.csv")
@roles_required(*SUPERVISORS)
def export_indicators():
    today = local_date(utcnow())
    month = _month(request.args.get("bulan"), today)
    per = "petugas" if request.args.get("per") == "petugas" else "kecamatan"
    report = reports.monthly_report(
        session=current_session(), viewer=current_user, month=month, calendar=work_calendar()
    )
    rows = reports.indicator_rows(report, per, name_of=indicator_label)
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="ekspor",
        object_type="report",
        object_id="indikator.csv",
        detail=f"bulan={month:%Y-%m} per={per} baris={len(rows)}",
    )
    db.session.commit()
    body = "".join(spreadsheet.lines(reports.INDICATOR_HEADER, rows))
    return _csv_response(body, f"sigap-indikator-{month:%Y-%m}-{per}.csv")


@bp.get("/laporan/pengaduan.csv")
@roles_required(*SUPERVISORS)
def export_complaints():
    filters = filters_from(request.args, officer_ids=frozenset(a.id for a in assignees(session=current_session())))
    today = local_date(utcnow())
    viewer = current_user._get_current_object()
    window = {"today": today, "due_soon_by": due_soon_by(today)}
    count = reports.export_count(session=current_session(), viewer=viewer, filters=filters, **window)
    rows = reports.export_rows(session=current_session(), viewer=viewer, filters=filters, **window)  # before commit
    chosen = {key: value for key, value in request.args.items() if value and key != "hal"}
    if filters.q and len(digits := normalize_nik(filters.q)) == 16 and digits.isdigit():
        chosen["q"] = mask_nik(digits)  # no NIK in clear in the audit trail
    audit.record(
        session=current_session(),
        actor=current_actor(),
        action="ekspor",
        object_type="report",
        object_id="pengaduan.csv",
        detail=(" ".join(f"{k}={v[:40]}" for k, v in sorted(chosen.items())) or "semua") + f" baris={count}",
    )
    db.session.commit()

    def generate():
        yield from spreadsheet.lines(reports.EXPORT_HEADER, _worded(reports.EXPORT_HEADER, rows))

    return _csv_response(stream_with_context(generate()), f"sigap-pengaduan-{today.isoformat()}.csv")
