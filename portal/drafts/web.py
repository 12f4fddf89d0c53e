"""What the web layer keeps for a browser on the server, with only a token in the cookie: an
officer's form unsent when the session ended, and the confirmation after filing (its access code
sealed, shown for a short while). The session cookie is signed, not encrypted."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import after_this_request, current_app, request, session
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal.drafts.services import receipts, session_restore
from portal.extensions import current_session, db

RESTORE_KEY = "unsent_form"


def keep_unsent_form() -> dict | None:
    """Called before the session is cleared on an idle timeout during a POST."""
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    back = urlsplit(request.referrer or "")
    back_path = back.path if back.path.startswith("/petugas") and back.netloc in ("", request.host) else None
    token = session_restore.keep_form(
        session=current_session(),
        owner=f"akun:{current_user.id}",
        action=request.path,
        back=back_path,
        fields=list(request.form.items(multi=True)),
    )
    if token is None:
        return None
    db.session.commit()  # the request ends here with a redirect: this is its one commit
    return {"token": token, "action": request.path}


def carry_over(clear) -> None:
    """Clear the session (a fresh one at sign-in) but keep the unsent form's token."""
    kept = session.get(RESTORE_KEY)
    clear()
    if kept:
        session[RESTORE_KEY] = kept


def forget_if_resent() -> None:
    """The form is being sent again: its kept copy is deleted in the view's own transaction (so a
    view that fails and rolls back keeps it), and the session stops offering it after a redirect."""
    kept = session.get(RESTORE_KEY)
    if kept and request.method == "POST" and request.path == kept.get("action"):
        session_restore.discard_form(session=current_session(), token=kept.get("token"))

        @after_this_request
        def _forget(response):
            if response.status_code in (302, 303):
                session.pop(RESTORE_KEY, None)
            return response


EXPIRED_CONFIRMATION = _l(
    "Konfirmasi pengiriman hanya ditampilkan 30 menit di perangkat yang mengirim, dan sudah berakhir. "
    "Lacak dengan nomor dan kode akses yang sudah Anda catat."
)


_KEY = "receipt_{kind}"  # (confirmation_waiting below relies on the prefix)


def _draft_key(kind: str, draft_token: str) -> receipts.ReceiptKey:
    return receipts.key_for_draft(secret=current_app.config["SECRET_KEY"], kind=kind, draft_token=draft_token)


def remember_filing(*, kind: str, object_id: int, access_code: str, draft_token: str | None = None) -> None:
    """Called in the filing request, before its commit. Filed from a draft: the confirmation's key
    comes from the draft's token, so that a second send of the draft can show it (`filed_before`)."""
    key = receipts.keep(
        session=current_session(),
        kind=kind,
        object_id=object_id,
        access_code=access_code,
        key=_draft_key(kind, draft_token) if draft_token else None,
    )
    session[_KEY.format(kind=kind)] = {"t": key.token, "p": key.pad}


def filed_before(*, kind: str, draft_token: str | None) -> bool:
    """This draft was filed moments ago (by a send that won the race for it): this browser gets the
    same confirmation, and True. False when there is none (or it is no longer fresh)."""
    if not draft_token:
        return False
    key = _draft_key(kind, draft_token)
    if receipts.read_again(session=current_session(), kind=kind, key=key) is None:
        return False
    session[_KEY.format(kind=kind)] = {"t": key.token, "p": key.pad}
    return True


def filed(kind: str) -> receipts.Receipt | None:
    kept = session.get(_KEY.format(kind=kind))
    if not isinstance(kept, dict) or not isinstance(kept.get("t"), str) or not isinstance(kept.get("p"), str):
        return None
    found = receipts.read(session=current_session(), kind=kind, key=receipts.ReceiptKey(token=kept["t"], pad=kept["p"]))
    if found is None:
        session.pop(_KEY.format(kind=kind), None)
    return found


CONFIRMATION_DELAYED = _l(
    "Kiriman Anda sudah tersimpan, tetapi nomor dan kode aksesnya tidak bisa ditampilkan saat ini. Muat "
    "ulang halaman ini beberapa saat lagi (dalam 30 menit) untuk melihatnya. Jangan kirim ulang."
)


def confirmation_waiting() -> bool:
    """This browser filed something whose confirmation it has not been able to show yet."""
    return any(key.startswith("receipt_") for key in session)


def delayed_confirmation(endpoints: frozenset[str]):
    """For web.errors.register_unavailable_message: on these confirmation pages, a browser whose
    filing was committed is told so (and to reload), not "nothing was lost, try again"."""

    def message() -> str | None:
        if request.method != "POST" and request.endpoint in endpoints and confirmation_waiting():
            return str(CONFIRMATION_DELAYED)
        return None

    return message
