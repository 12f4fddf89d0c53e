"""/petugas/isian-tersimpan: the form an officer was sending when the idle timeout signed them out,
offered again after signing in, to check and send (or throw away). The same for a form whose CSRF
token no longer matches (the officer signed in again in another tab, or left the page open for
over a day): its text is kept rather than lost on an error page."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import MethodNotAllowed, NotFound
from wtforms import TextAreaField

from portal.accounts.routes import officer_bp as bp
from portal.core.base import utcnow
from portal.drafts import web as restore
from portal.drafts.services import session_restore
from portal.drafts.web import RESTORE_KEY
from portal.extensions import current_session, db
from portal.web.auth import ALL_STAFF, IDLE_TIMEOUT, roles_required
from portal.web.errors import form_expired, render_error
from portal.web.origin import from_this_site

# Labels for the free-text fields officers type most; others are named by their field name.
LABELS = {
    "message": _l("Pesan atau catatan"),
    "next_step": _l("Langkah berikutnya bagi warga"),
    "body": _l("Isi balasan"),
    "title": _l("Judul"),
    "reference": _l("Nomor"),
    "uraian": _l("Uraian"),
    "of_reference": _l("Nomor pengaduan asal"),
    "name": _l("Nama"),
}


def _is_text(value: str) -> bool:
    """Typed text (shown to check and edit), as opposed to a choice or a hidden value."""
    return "\n" in value or " " in value.strip() or len(value) > 40


def _action_is_known(action: str) -> bool:
    from flask import current_app

    adapter = current_app.url_map.bind("")
    try:
        endpoint, _args = adapter.match(action, method="POST")
    except (NotFound, MethodNotAllowed):
        return False
    return endpoint.startswith("officers.") and endpoint not in {
        "officers.accounts.sign_in",
        "officers.accounts.sign_out",
    }


def _kept() -> tuple[dict | None, str | None]:
    token = (session.get(RESTORE_KEY) or {}).get("token")
    kept = session_restore.kept_form(session=current_session(), token=token, owner=f"akun:{current_user.id}")
    if kept is None or not _action_is_known(kept["action"]):
        return None, token
    return kept, token


@bp.get("/isian-tersimpan")
@roles_required(*ALL_STAFF)
def show_unsent_form():
    kept, _token = _kept()
    if kept is None:
        session.pop(RESTORE_KEY, None)
        return redirect(url_for("officers.accounts.show_home"), 303)
    # Forms on a page with several forms prefix their fields ("catatan-message"): keep the prefix.
    prefix = next((name.rpartition("-")[0] for name, value in kept["fields"] if _is_text(value)), "")
    texts, others, seen = [], [], set()
    for name, value in kept["fields"]:
        head, _dash, base = name.rpartition("-")
        editable = (
            _is_text(value)
            and head == prefix
            and base.isidentifier()
            and not hasattr(FlaskForm, base)
            and base not in seen
        )
        if editable:
            texts.append((base, value))
            seen.add(base)
        elif not name.endswith("csrf_token"):
            others.append((name, value))

    class UnsentForm(FlaskForm):
        pass

    for base, _value in texts:
        setattr(UnsentForm, base, TextAreaField(LABELS.get(base, base), render_kw={"rows": 6}))
    form = UnsentForm(formdata=None, data=dict(texts), prefix=prefix)
    text_fields = [form[base] for base, _value in texts]
    return render_template(
        "accounts/isian_tersimpan.html",
        form=form,
        text_fields=text_fields,
        others=others,
        action=kept["action"],
        back=kept.get("back"),
        title=_("Isian yang belum terkirim"),
    )


@bp.post("/isian-tersimpan/buang")
@roles_required(*ALL_STAFF)
def discard_unsent_form():
    _kept_form, token = _kept()
    session_restore.discard_form(session=current_session(), token=token)
    db.session.commit()
    session.pop(RESTORE_KEY, None)
    flash(_("Isian yang belum terkirim sudah dibuang."))
    return redirect(url_for("officers.accounts.show_home"), 303)


NOT_KEPT = frozenset(
    {
        "officers.accounts.sign_in",
        "officers.accounts.verify_totp",
        "officers.accounts.sign_out",
        "officers.accounts.discard_unsent_form",
    }
)


def keep_form_with_a_stale_token(_error: CSRFError):
    """CSRFProtect runs before the blueprint's sign-in check: a signed-in officer's form sent from
    a page of this portal (never another site's) is kept for them, as after an idle timeout."""
    db.session.rollback()
    if not (current_user.is_authenticated and from_this_site() and request.endpoint not in NOT_KEPT):
        return form_expired()
    idle = utcnow().timestamp() - session.get("last_seen", 0) > IDLE_TIMEOUT.total_seconds()
    kept = restore.keep_unsent_form()
    if kept is None:
        return render_error(400, _("Formulir ini sudah kedaluwarsa. Muat ulang halaman, lalu kirim lagi."))
    if idle:
        logout_user()
        session.clear()
        session[RESTORE_KEY] = kept
        flash(
            _(
                "Sesi berakhir karena tidak ada aktivitas selama 30 menit. Isian Anda disimpan: "
                "masuk lagi untuk melanjutkan."
            )
        )
        return redirect(url_for("officers.accounts.sign_in"), 303)
    session[RESTORE_KEY] = kept
    flash(
        _(
            "Isian belum terkirim karena halamannya sudah kedaluwarsa (misalnya Anda masuk lagi di tab lain). "
            "Isian Anda disimpan di bawah: periksa, lalu kirim lagi."
        )
    )
    return redirect(url_for("officers.accounts.show_unsent_form"), 303)
