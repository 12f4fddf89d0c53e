"""/petugas/email-bermasalah: emails to residents that gave up or may or may not have gone out,
for supervisors, who put them back in the queue after checking (portal.notifications.services.outbox)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from portal.core.base import utcnow
from portal.extensions import current_session, db
from portal.notifications.services import outbox_staff as outbox
from portal.web.auth import SUPERVISORS, current_actor, roles_required

bp = officer_bp = Blueprint("notifications", __name__)  # registered by portal.officers under /petugas


@bp.get("/email-bermasalah")
@roles_required(*SUPERVISORS)
def list_outbox_problems():
    found = outbox.overview(session=current_session(), now=utcnow(), who=current_actor())
    db.session.commit()
    return render_template(
        "notifications/email_bermasalah.html",
        found=found,
        max_attempts=outbox.MAX_ATTEMPTS,
        channel_labels={"email": _("Email")},
        title=_("Email bermasalah"),
    )


@bp.post("/email-bermasalah/<int:message_id>/antrekan")
@roles_required(*SUPERVISORS)
def requeue_outbox_message(message_id: int):
    done = outbox.requeue(session=current_session(), message_id=message_id, now=utcnow(), who=current_actor())
    db.session.commit()
    if done is None:
        flash(
            _(
                "Email itu tidak lagi bermasalah (sudah diantrekan, terkirim, atau sedang dikirim); tidak ada "
                "yang diubah."
            )
        )
    else:
        flash(
            _(
                "Email untuk pengaduan %(reference)s diantrekan lagi, dengan %(attempts)d percobaan baru, dan "
                "dikirim pada putaran pengiriman berikutnya.",
                reference=done.reference or "-",
                attempts=outbox.MAX_ATTEMPTS,
            )
        )
    return redirect(url_for("officers.notifications.list_outbox_problems"), 303)


@bp.post("/email-bermasalah/<int:message_id>/sudah-sampai")
@roles_required(*SUPERVISORS)
def confirm_outbox_delivered(message_id: int):
    done = outbox.confirm_delivered(session=current_session(), message_id=message_id, now=utcnow(), who=current_actor())
    db.session.commit()
    if done is None:
        flash(_("Email itu tidak lagi berstatus tidak pasti; tidak ada yang diubah."))
    else:
        flash(_("Email untuk pengaduan %(reference)s dicatat sudah sampai.", reference=done.reference or "-"))
    return redirect(url_for("officers.notifications.list_outbox_problems"), 303)


@bp.post("/email-bermasalah/antrekan-gagal")
@roles_required(*SUPERVISORS)
def requeue_failed_outbox():
    count = outbox.requeue_failed(session=current_session(), now=utcnow(), who=current_actor())
    db.session.commit()
    flash(_("%(count)d email yang gagal permanen diantrekan lagi.", count=count))
    return redirect(url_for("officers.notifications.list_outbox_problems"), 303)
