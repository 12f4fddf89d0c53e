"""Security headers on every response, with a CSP that allows only the portal and htmx."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, abort, request


def _script_source(htmx_url: str) -> str:
    parts = urlsplit(htmx_url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}" if parts.netloc else ""


def init_app(app: Flask) -> None:
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
    hsts = not app.config["SIGAP_ENV"] in {"development", "testing"}

    form_types = {"application/x-www-form-urlencoded", "multipart/form-data"}

    @app.before_request
    def _forms_only():
        """Every POST of the portal is an HTML form; anything else is refused before parsing."""
        if request.method == "POST" and request.mimetype not in form_types:
            abort(415)

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
