"""Keeping an officer's unsent form when the idle timeout signs them out (see
portal.drafts.services.session_restore). The session keeps only a token and the form's path."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import after_this_request, request, session
from flask_login import current_user

from portal.drafts.services import session_restore
from portal.extensions import db

RESTORE_KEY = "unsent_form"


def from_this_site() -> bool:
    """A POST sent by a page of this portal: its Origin (or, from a browser that sends none, its
    Referer) is this host. Typed text is given back only then, so another site cannot make a
    page of the portal show text of its choosing, ready to be sent."""
    origin = request.headers.get("Origin")
    source = origin if origin and origin != "null" else request.referrer
    return bool(source) and urlsplit(source).netloc == request.host


def keep_unsent_form() -> dict | None:
    """Called before the session is cleared on an idle timeout during a POST."""
    if request.method != "POST" or not current_user.is_authenticated:
        return None
    back = urlsplit(request.referrer or "")
    back_path = back.path if back.path.startswith("/petugas") and back.netloc in ("", request.host) else None
    token = session_restore.keep_form(
        session=db.session,
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
        session_restore.discard_form(session=db.session, token=kept.get("token"))

        @after_this_request
        def _forget(response):
            if response.status_code in (302, 303):
                session.pop(RESTORE_KEY, None)
            return response
