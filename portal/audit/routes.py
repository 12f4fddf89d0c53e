"""/petugas/audit: the audit trail for supervisors, by object or by officer, newest first."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from portal.accounts.models import Account
from portal.audit.forms import AuditFilterForm
from portal.audit.labels import action_label, detail_label, object_words
from portal.audit.services import browse as audit_log
from portal.core.base import utcnow
from portal.core.nik import looks_like_nik
from portal.extensions import current_session, db
from portal.web import spreadsheet
from portal.web.auth import SUPERVISORS, current_actor, roles_required
from portal.web.numbers import as_id

bp = officer_bp = Blueprint("audit", __name__)  # registered by portal.officers under /petugas

NIK_NOT_IN_ADDRESS = _l("NIK tidak boleh tercantum di alamat halaman. Ketik NIK di kolom ini, lalu tekan Tampilkan.")


@bp.route("/audit", methods=["GET", "POST"])
@roles_required(*SUPERVISORS)
def show_audit():
    """The filters in the address, except a NIK: the form is sent by POST and comes back as an
    address with the person's roster number instead; a NIK typed into an address is refused."""
    if request.method == "POST":
        return _to_address(AuditFilterForm(request.form, meta={"csrf": True}))
    form = AuditFilterForm(request.args)
    if looks_like_nik(form.objek.data or ""):
        form.objek.errors = [NIK_NOT_IN_ADDRESS]
        form.objek.data = ""
        return _render(form, audit_log.AuditPage(events=[], older_than=None, object_type=None), 400)
    names = _officer_choices(form)
    page = audit_log.browse(session=current_session(), filters=_filters(form), who=current_actor())
    db.session.commit()
    if page.missing:  # an object that cannot be found is an error of that field, linked from the summary
        form.objek.errors = [_missing(page)]
    return _render(form, page, names=names)


def _officer_choices(form: AuditFilterForm) -> dict[int, str]:
    """The officer filter's choices; returns every account's name by id (the details name them)."""
    officers = db.session.execute(sa.select(Account.id, Account.name, Account.email).order_by(Account.name)).all()
    form.petugas.choices = [SelectChoice("", _("Semua petugas"))] + [
        SelectChoice(str(a.id), f"{a.name} ({a.email})") for a in officers
    ]
    return {a.id: a.name for a in officers}


def _filters(form: AuditFilterForm) -> audit_log.AuditFilters:
    return audit_log.AuditFilters(
        object_type=form.jenis.data if form.jenis.data in audit_log.KINDS else None,
        object_ref=(form.objek.data or "")[:40],
        account_id=as_id(form.petugas.data),
        before_id=as_id(request.args.get("sebelum", "")),
    )


@bp.get("/audit.csv")
@roles_required(*SUPERVISORS)
def export_audit():
    """The trail under the page's filters as a CSV file for Excel set to Indonesian; audited."""
    form = AuditFilterForm(request.args)
    if looks_like_nik(form.objek.data or ""):
        abort(400)  # a NIK never in an address: the page's form turns it into the roster number
    names = _officer_choices(form)
    exported = audit_log.export(session=current_session(), filters=_filters(form), who=current_actor())
    db.session.commit()
    kinds = {str(c.value): str(c.label) for c in form.jenis.choices}

    def generate():
        yield from spreadsheet.lines(WORDED_HEADER, (_worded(row, names, kinds) for row in exported.rows))

    response = Response(stream_with_context(generate()), content_type="text/csv; charset=utf-8")
    stamp = utcnow().strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="sigap-jejak-audit-{stamp}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response


# The service's columns, with the codes said in words; the stored codes follow at the end, as the
# hash chain covers them (an auditor re-computing a row's hash needs them as stored).
WORDED_HEADER = (
    *audit_log.EXPORT_HEADER,
    "Kode tindakan",
    "Kode jenis objek",
    "Objek tersimpan",
    "Keterangan tersimpan",
)


def _worded(row: list[object], names: dict[int, str], kinds: dict[str, str]) -> list[object]:
    action, kind, number, detail = str(row[3]), str(row[4]), str(row[5] or ""), str(row[8] or "")
    words = [action_label(action, kind), kinds.get(kind, kind), object_words(kind, number, names) or number]
    stored = [action, kind, number, detail]
    return [*row[:3], *words, *row[6:8], detail_label(action, detail, names), *row[9:], *stored]


def _missing(page: audit_log.AuditPage) -> str:
    if page.object_type == "person":
        return _("NIK itu tidak ada di roster.")
    if page.object_type == "assistance":
        return _("Tidak ada permintaan bantuan dengan nomor %(ref)s.", ref=page.missing)
    return _("Tidak ada pengaduan dengan nomor %(ref)s.", ref=page.missing)


def _render(
    form: AuditFilterForm, page: audit_log.AuditPage, status: int = 200, *, names: dict[int, str] | None = None
):
    labels = {c.value: c.label for c in form.jenis.choices}
    return render_template(
        "audit/audit.html",
        form=form,
        page=page,
        args=request.args,
        labels=labels,
        action_label=action_label,
        detail_label=lambda event: detail_label(event.action, event.detail or "", names or {}),
        object_words=lambda event: object_words(event.object_type, event.object_id or "", names or {}),
        title=_("Jejak audit"),
    ), status


def _to_address(form: AuditFilterForm):
    if not form.validate_on_submit():
        abort(400)
    typed = (form.objek.data or "").strip()[:40]
    objek, jenis = typed, form.jenis.data or ""
    if looks_like_nik(typed):
        person_id = audit_log.person_of_nik(session=current_session(), nik=typed)
        objek, jenis = (str(person_id), "person") if person_id else ("", "person")
        if person_id is None:
            flash(_("NIK itu tidak ada di roster."))
    kept: dict[str, Any] = {"jenis": jenis, "objek": objek, "petugas": form.petugas.data or ""}  # url_for's **values
    return redirect(url_for("officers.audit.show_audit", **{k: v for k, v in kept.items() if v}), 303)
