"""/bantuan/lacak: an assistance request found at /pengaduan/lacak (BTN reference + access code):
status, appointment, public timeline; the resident deletes their disability data here."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from portal.assistance.models import AssistanceRequest
from portal.assistance.routes import bp
from portal.assistance.routes.requests import labels
from portal.assistance.services import requests as service
from portal.core.base import utcnow
from portal.core.regions import kelurahan
from portal.core.trail import RESIDENT, Actor
from portal.extensions import db
from portal.web.settings import lockout_policy

TRACKED_KEY = "tracked_assistance"
TRACKING_LIFETIME = timedelta(minutes=30)


def track_by_code(reference: str, access_code: str, client: str) -> str | None:
    """The tracking form (/pengaduan/lacak) with a BTN reference: where to go next, or None."""
    found = service.track(
        session=db.session,
        reference=reference,
        access_code=access_code,
        client=client,
        hmac_key=current_app.config["NIK_HMAC_KEY"],
        policy=lockout_policy(),
    )
    if found is None:
        return None
    session[TRACKED_KEY] = {"id": found.id, "at": utcnow().timestamp()}
    return url_for("assistance.view_request")


def _tracked() -> AssistanceRequest | None:
    tracked = session.get(TRACKED_KEY)
    if not tracked or utcnow().timestamp() - tracked.get("at", 0) > TRACKING_LIFETIME.total_seconds():
        session.pop(TRACKED_KEY, None)
        return None
    return db.session.get(AssistanceRequest, tracked["id"])


@bp.get("/bantuan/lacak")
def view_request():
    found = _tracked()
    if found is None:
        return redirect(url_for("complaints.track_complaint"), 303)
    events = [e for e in found.events if e.public]
    return render_template(
        "assistance/lacak.html",
        help_request=found,
        events=events,
        place=kelurahan(found.kelurahan_code),
        title=_("Permintaan bantuan %(ref)s", ref=found.reference),
        **labels(),
    )


@bp.post("/bantuan/lacak/hapus-data-disabilitas")
def delete_disability_data():
    """Deleted at once: no reason to keep sensitive data the person no longer wants kept, and
    nothing about the help itself depends on it (UU 27/2022 Pasal 8: hak menghapus)."""
    found = _tracked()
    if found is None:
        return redirect(url_for("complaints.track_complaint"), 303)
    deleted = service.delete_disability_data(
        session=db.session,
        request=found,
        acted_by=RESIDENT,
        who=Actor(account_id=None, ip=request.remote_addr or ""),
        reason="atas permintaan warga di halaman lacak",
    )
    db.session.commit()
    if deleted:
        flash(_("Data disabilitas sudah dihapus. Bantuan tetap berjalan."))
    return redirect(url_for("assistance.view_request"), 303)


@bp.post("/bantuan/lacak/keluar")
def forget_request():
    session.pop(TRACKED_KEY, None)
    return redirect(url_for("complaints.track_complaint"), 303)
