"""Device cookies for officers' sign-in (OWASP, "Slow Down Online Guessing Attacks with Device Cookies").

After a complete sign-in the browser gets a signed cookie: a random device id and, for each
account that signed in on it, a tag (a truncated HMAC of its e-mail). No personal data: the tag
cannot be turned back into the e-mail without NIK_HMAC_KEY. When the e-mail typed at sign-in has
its tag in the cookie, that device is the client its attempts count under (not its address), and
the e-mail's total over every client neither counts nor refuses it: someone guessing that
account's password from many addresses, or from the same office network, does not lock its
officer out of the devices they use. The device still has its own five-failure lockout, so a
copied cookie gives five guesses, like any other client.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.wrappers import Response

from portal.accounts.services.accounts import normalize_email
from portal.core.lockout import keyed_hash

COOKIE = "sigap_perangkat"
MAX_AGE_SECONDS = 180 * 24 * 3600
MAX_ACCOUNTS = 10  # a shared office computer; the oldest tags go first


@dataclass(frozen=True, slots=True)
class SignInClient:
    key: str  # the opaque client key the attempts count under
    trusted: bool


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sigap-perangkat")


def _tag(email: str) -> str:
    return keyed_hash(current_app.config["NIK_HMAC_KEY"], "perangkat:" + normalize_email(email))[:32]


def _read() -> dict | None:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=MAX_AGE_SECONDS)
    except BadSignature:  # also expired
        return None
    if not (isinstance(data, dict) and isinstance(data.get("d"), str) and isinstance(data.get("a"), list)):
        return None
    return data


def client_for(email: str) -> SignInClient:
    """Who is signing in as `email`: this account's known device, or else the address."""
    data = _read()
    if data is not None and _tag(email) in data["a"]:
        return SignInClient(key="perangkat:" + data["d"], trusted=True)
    return SignInClient(key=request.remote_addr or "", trusted=False)


def remember(response: Response, email: str) -> None:
    """After a complete sign-in: this device is known to this account from now on."""
    data = _read() or {"d": secrets.token_urlsafe(16), "a": []}
    tag = _tag(email)
    tags = [t for t in data["a"] if t != tag][-(MAX_ACCOUNTS - 1) :] + [tag]
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"d": data["d"], "a": tags}),
        max_age=MAX_AGE_SECONDS,
        path="/petugas",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Strict",
    )
