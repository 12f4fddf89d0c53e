"""Keeping an officer's unsent form when the idle timeout signs them out (see
portal.drafts.services.session_restore). The session keeps only a token and the form's path."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request


def from_this_site() -> bool:
    """A POST sent by a page of this portal: its Origin (or, from a browser that sends none, its
    Referer) is this host. Typed text is given back only then, so another site cannot make a
    page of the portal show text of its choosing, ready to be sent."""
    origin = request.headers.get("Origin")
    source = origin if origin and origin != "null" else request.referrer
    return bool(source) and urlsplit(source).netloc == request.host
