"""Security headers on every response, with a CSP that allows only the portal and htmx."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from werkzeug.routing import IntegerConverter

from portal.web.numbers import MAX_ID


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: a number that fits an id column. A bigger one is no object at all
    (404), not an overflow inside the database driver (500)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def _has_nul(values) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


def _script_source(htmx_url: str) -> str:
    parts = urlsplit(htmx_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else ""


def init_app(app: Flask) -> None:
    """Before any blueprint registers its routes: the `int` converter must be in place first."""
    app.url_map.converters["int"] = IdConverter
    htmx_source = _script_source(app.config["HTMX_URL"])
    policy = "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' {htmx_source}".strip(),
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )
    hsts = app.config["SIGAP_ENV"] not in {"development", "testing"}

    form_types = {"application/x-www-form-urlencoded", "multipart/form-data"}
    gateway_types = {"text/plain", "application/json", ""}  # Kannel posts a text, WhatsApp JSON

    @app.before_request
    def _forms_only():
        """Every POST of the portal is an HTML form, but for the gateways' (portal.inbound); anything
        else is refused before parsing."""
        allowed = gateway_types if request.blueprint == "inbound" else form_types
        if request.method == "POST" and request.mimetype not in allowed and request.url_rule is not None:
            abort(415)  # (a POST that no route takes is answered by routing: 404 or 405)

    @app.before_request
    def _no_nul_characters():
        """No one types a NUL character, and PostgreSQL text cannot hold one: refuse the request
        (400, the plain "isian tidak sesuai" page) before any query could fail on it. The Open311
        API checks its own parameters and answers in its own JSON error format."""
        if request.path.startswith("/open311/"):
            return
        posted = request.method == "POST" and (
            _has_nul(request.form) or any("\x00" in (f.filename or "") for _k, f in request.files.items(multi=True))
        )
        if "\x00" in request.path or _has_nul(request.args) or posted:
            abort(400)

    @app.after_request
    def _headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if hsts and request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.endpoint != "static" and "Cache-Control" not in headers:
            # Pages may carry personal data: never keep them in a shared or back-button cache.
            headers["Cache-Control"] = "no-store"
        return response
